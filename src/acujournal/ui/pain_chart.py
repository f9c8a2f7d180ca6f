"""Pain over a case: NRS back and leg before and after each session, plus follow-ups.

The chart answers the practitioner's question "is this working?" at a glance: each pain series
starts at its baseline (the first recorded before-score, drawn as a line), and a translucent band
reaches from the baseline down to the clinically important change (for NRS 2 points or 30 %,
whichever comes first; the thresholds come from ``acujournal.domain.outcomes``). Once the
before-scores leave the bottom of the band the improvement is clinically important; a star marks
the first session where that happened. Follow-up readings (NRS outcome measurements after the
last session) continue the same timeline as scatter points.

Judged on before-scores, not after-scores: the score a patient arrives with shows what lasted
since the last session, while the after-score shows the session's immediate effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLegend,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from acujournal.domain.model import OutcomeMeasurement
from acujournal.domain.outcomes import is_important_improvement, thresholds_of
from acujournal.storage.repository import SessionSummary

NRS_BACK = "NRS_BACK"
NRS_LEG = "NRS_LEG"
"""Instrument codes of the NRS outcome measurements shown as follow-ups."""

_DAY_MS = 86_400_000.0
_MARKERS_UP_TO = 60  # beyond this many sessions point markers only add noise


@dataclass(frozen=True, slots=True)
class ImportantChange:
    """A pain series' baseline and the score at or below which improvement is important."""

    baseline: float
    threshold: float
    first_important: int | None
    """Index of the first later score at or below the threshold, or None."""


def important_change(
    scores: Sequence[float | None], instrument: str = NRS_BACK
) -> ImportantChange | None:
    """Baseline and clinically important threshold of a chronological list of scores.

    The baseline is the first recorded score. The threshold is the score reached after the
    smaller of the instrument's important drops (for NRS 2 points or 30 % of the baseline):
    either counts as important, so the patient reaches the nearer one first. None when no
    score is recorded.
    """
    recorded = [(i, float(score)) for i, score in enumerate(scores) if score is not None]
    if not recorded:
        return None
    baseline = recorded[0][1]
    limits = thresholds_of(instrument)
    drops = [
        drop
        for drop in (
            limits.points,
            None if limits.percent is None else baseline * limits.percent / 100,
        )
        if drop is not None
    ]
    first = next(
        (i for i, score in recorded[1:] if is_important_improvement(instrument, baseline, score)),
        None,
    )
    return ImportantChange(baseline, round(baseline - min(drops), 6), first)


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000.0


def _points(xs: Sequence[float], ys: Iterable[float | None]) -> list[QPointF]:
    return [QPointF(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]


def _reading(measurement: OutcomeMeasurement) -> float | None:
    return measurement.score if measurement.score is not None else measurement.value


@dataclass(slots=True)
class _PainSeries:
    """Everything drawn for one body part (back or leg)."""

    before: QLineSeries
    after: QLineSeries
    baseline: QLineSeries
    band_top: QLineSeries
    band_bottom: QLineSeries
    band: QAreaSeries
    important: QScatterSeries
    follow_up: QScatterSeries


def date_format(span_days: float) -> str:
    """Date labels short enough for the chart's width: days, then months, then years."""
    if span_days <= 240:
        return "d MMM"
    return "MMM yy" if span_days <= 3 * 365 else "yyyy"


# Up to this many sessions in a case, the chart's lines are drawn antialiased.
SMOOTH_UP_TO = 150


class PainChartView(QChartView):
    """Back and leg pain of one case over time; call :meth:`set_data` to fill it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("painChart")
        self.setAccessibleName(self.tr("Pain chart"))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 220)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        title_font = chart.titleFont()
        title_font.setBold(False)
        title_font.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        chart.setTitleFont(title_font)
        self.setChart(chart)

        self.axis_x = QDateTimeAxis()
        self.axis_x.setTickCount(7)
        self.axis_y = QValueAxis()
        self.axis_y.setRange(0, 10)
        self.axis_y.setTickCount(6)
        self.axis_y.setMinorTickCount(1)
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setTitleText(self.tr("Pain (NRS 0–10)"))
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)

        self.back = self._make_series(self.tr("Back"))
        self.leg = self._make_series(self.tr("Leg"))
        # Bands go in first so that every line is drawn on top of them.
        for series in (
            self.back.band,
            self.leg.band,
            self.back.baseline,
            self.leg.baseline,
            self.back.before,
            self.back.after,
            self.leg.before,
            self.leg.after,
            self.back.follow_up,
            self.leg.follow_up,
            self.back.important,
            self.leg.important,
        ):
            chart.addSeries(series)
            series.attachAxis(self.axis_x)
            series.attachAxis(self.axis_y)
            if isinstance(series, QXYSeries) and series not in (
                self.back.baseline,
                self.leg.baseline,
            ):
                series.hovered.connect(self._show_tip)
        # The legend names back and leg once each (and follow-ups when there are any); the
        # title says which line is before and which after, and explains bands and stars.
        # Six entries of "Back before"... did not fit beside the body chart at 1280x800.
        # Hovering a point names it in full ("Back before") whatever the legend says.
        self._tip_names = {
            id(line): line.name()
            for part in (self.back, self.leg)
            for line in (part.before, part.after, part.follow_up, part.important)
        }
        for part in (self.back, self.leg):
            for hidden in (part.after, part.baseline, part.band, part.important):
                for marker in legend.markers(hidden):
                    marker.setVisible(False)
        self.back.before.setName(self.tr("Back"))
        self.leg.before.setName(self.tr("Leg"))
        self.back.follow_up.setName(self.tr("Back follow-up"))
        self.leg.follow_up.setName(self.tr("Leg follow-up"))
        limits = thresholds_of(NRS_BACK)
        self.explanation = (
            self.tr(
                "Solid: before the session · dashed: after<br>"
                "Shaded: baseline to an important change (%1 points or %2 %) · ★ reached"
            )
            .replace("%1", f"{limits.points:g}")
            .replace("%2", f"{limits.percent:g}")
        )

        self.changes: dict[str, ImportantChange | None] = {"back": None, "leg": None}
        self._apply_palette()
        self.set_data([], [])

    def _make_series(self, part: str) -> _PainSeries:
        before = QLineSeries()
        before.setName(self.tr("%1 before").replace("%1", part))
        after = QLineSeries()
        after.setName(self.tr("%1 after").replace("%1", part))
        baseline = QLineSeries()
        baseline.setName(self.tr("%1 baseline").replace("%1", part))
        band_top = QLineSeries()
        band_bottom = QLineSeries()
        band = QAreaSeries(band_top, band_bottom)
        band.setName(self.tr("%1: less than an important change").replace("%1", part))
        important = QScatterSeries()
        important.setName(self.tr("%1: important improvement").replace("%1", part))
        important.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeStar)
        important.setMarkerSize(17)
        follow_up = QScatterSeries()
        follow_up.setName(self.tr("%1 follow-up").replace("%1", part))
        follow_up.setMarkerSize(12)
        return _PainSeries(
            before, after, baseline, band_top, band_bottom, band, important, follow_up
        )

    # Colours ------------------------------------------------------------------------------
    def _apply_palette(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightness() < 128
        highlight = palette.color(QPalette.ColorRole.Highlight)
        hue = highlight.hslHue() if highlight.hslSaturation() > 40 else 210
        lightness = 170 if dark else 95
        back_colour = QColor.fromHsl(hue, 190, lightness)
        leg_colour = QColor.fromHsl((hue + 180) % 360, 200, lightness + (10 if dark else 20))

        chart = self.chart()
        chart.setBackgroundBrush(QBrush(base))
        chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
        chart.legend().setLabelColor(text)
        quiet = QColor(text)
        quiet.setAlpha(170)
        chart.setTitleBrush(QBrush(quiet))
        grid = QColor(text)
        grid.setAlpha(40)
        minor = QColor(text)
        minor.setAlpha(18)
        for axis in (self.axis_x, self.axis_y):
            axis.setLabelsColor(text)
            axis.setTitleBrush(QBrush(text))
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)
            axis.setMinorGridLineColor(minor)
        self._style(self.back, back_colour, base, QScatterSeries.MarkerShape.MarkerShapeCircle)
        self._style(self.leg, leg_colour, base, QScatterSeries.MarkerShape.MarkerShapeTriangle)

    @staticmethod
    def _style(
        series: _PainSeries, colour: QColor, base: QColor, shape: QScatterSeries.MarkerShape
    ) -> None:
        solid = QPen(colour, 2.5)
        series.before.setPen(solid)
        dashed = QPen(colour, 2.0, Qt.PenStyle.DashLine)
        series.after.setPen(dashed)
        series.baseline.setPen(QPen(colour, 1.2, Qt.PenStyle.DotLine))
        fill = QColor(colour)
        fill.setAlpha(30)
        series.band.setBrush(QBrush(fill))
        series.band.setPen(QPen(Qt.PenStyle.NoPen))
        for scatter in (series.follow_up, series.important):
            scatter.setColor(colour)
            scatter.setBorderColor(base)
        series.follow_up.setMarkerShape(shape)
        # Circles a bit larger than triangles so a back and a leg reading of the same day
        # stay both visible.
        series.follow_up.setMarkerSize(
            14 if shape == QScatterSeries.MarkerShape.MarkerShapeCircle else 11
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    # Data ---------------------------------------------------------------------------------
    def set_data(
        self, sessions: Sequence[SessionSummary], measurements: Sequence[OutcomeMeasurement]
    ) -> None:
        """Show the sessions of one case (any order) and its outcome measurements."""
        ordered = sorted(sessions, key=lambda s: s.started_at)
        # Smoothing hundreds of crowded lines costs a long history a fifth of its opening
        # time and is barely seen at that density; a short course keeps smooth lines.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, len(ordered) <= SMOOTH_UP_TO)
        xs = [_ms(s.started_at) for s in ordered]
        last = ordered[-1].started_at if ordered else None
        follow_ups = sorted(
            (
                m
                for m in measurements
                if m.instrument in (NRS_BACK, NRS_LEG)
                and m.session_id is None
                and _reading(m) is not None
                and (last is None or m.taken_at > last)
            ),
            key=lambda m: m.taken_at,
        )
        all_xs = xs + [_ms(m.taken_at) for m in follow_ups]
        start, end = (min(all_xs), max(all_xs)) if all_xs else (0.0, 0.0)

        self.changes = {}
        for key, instrument, series in (
            ("back", NRS_BACK, self.back),
            ("leg", NRS_LEG, self.leg),
        ):
            before = [getattr(s, f"pain_before_{key}") for s in ordered]
            after = [getattr(s, f"pain_after_{key}") for s in ordered]
            later = [
                (_ms(m.taken_at), _reading(m)) for m in follow_ups if m.instrument == instrument
            ]
            series.before.replace(_points(xs, before))
            series.after.replace(_points(xs, after))
            series.follow_up.replace([QPointF(x, y) for x, y in later if y is not None])
            for marker in self.chart().legend().markers(series.follow_up):
                marker.setVisible(series.follow_up.count() > 0)
            # Follow-ups continue the before-scores: both say what lasted after treatment.
            timeline_x = [*xs, *(x for x, _ in later)]
            timeline_y: list[float | None] = [*before, *(y for _, y in later)]
            change = important_change(timeline_y, instrument)
            self.changes[key] = change
            self._draw_change(series, change, timeline_x, timeline_y, start, end)

        markers = len(ordered) <= _MARKERS_UP_TO
        for line in (self.back.before, self.back.after, self.leg.before, self.leg.after):
            line.setPointsVisible(markers)
        self._set_range(start, end, bool(all_xs))
        self.chart().setTitle(
            self.explanation if all_xs else self.tr("No pain scores recorded for this case yet")
        )
        self.setAccessibleDescription(self._describe(len(ordered), len(follow_ups)))

    @staticmethod
    def _draw_change(
        series: _PainSeries,
        change: ImportantChange | None,
        xs: Sequence[float],
        ys: Sequence[float | None],
        start: float,
        end: float,
    ) -> None:
        if change is None or change.baseline <= 0:
            for line in (series.baseline, series.band_top, series.band_bottom, series.important):
                line.clear()
            return
        span = [QPointF(start, change.baseline), QPointF(end, change.baseline)]
        series.baseline.replace(span)
        series.band_top.replace(span)
        series.band_bottom.replace(
            [QPointF(start, change.threshold), QPointF(end, change.threshold)]
        )
        first = change.first_important
        if first is None:
            series.important.clear()
        else:
            series.important.replace([QPointF(xs[first], float(ys[first] or 0))])

    def _set_range(self, start: float, end: float, has_data: bool) -> None:
        if not has_data:
            now = QDateTime.currentDateTime()
            self.axis_x.setRange(now.addDays(-30), now)
            self.axis_x.setFormat("d MMM")
            return
        pad = max((end - start) * 0.04, _DAY_MS)
        self.axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(start - pad)),
            QDateTime.fromMSecsSinceEpoch(int(end + pad)),
        )
        self.axis_x.setFormat(date_format((end - start) / _DAY_MS))

    def _describe(self, sessions: int, follow_ups: int) -> str:
        parts = [self.tr("%n session(s)", "", sessions)]
        if follow_ups:
            parts.append(self.tr("%n follow-up reading(s)", "", follow_ups))
        for label, key in ((self.tr("back"), "back"), (self.tr("leg"), "leg")):
            change = self.changes.get(key)
            if change is None:
                continue
            state = (
                self.tr("clinically important improvement reached")
                if change.first_important is not None
                else self.tr("no clinically important improvement yet")
            )
            parts.append(
                self.tr("%1 baseline %2, %3")
                .replace("%1", label)
                .replace("%2", f"{change.baseline:g}")
                .replace("%3", state)
            )
        return "; ".join(parts)

    def _show_tip(self, point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        series = self.sender()
        name = self._tip_names.get(id(series), series.name()) if series is not None else ""
        when = QDateTime.fromMSecsSinceEpoch(int(point.x())).toString("yyyy-MM-dd")
        QToolTip.showText(self.cursor().pos(), f"{name}\n{when}: {point.y():g}", self)
