"""Outcome measures of a case over time, one instrument at a time, with the change that matters.

For the chosen instrument (NRS back or leg, VAS, ODI, RMDQ, SBI, PPT, a clinic's own measure)
the chart shows every reading on one timeline (the intake's baseline, the pain before each
session, measurements, and follow-ups after the course drawn as open markers), the baseline as
a dotted line, and a shaded band from the baseline to the clinically important change (the
instrument's threshold or the clinic's own, see ``services.outcome_progress``). A star marks
the first reading past the band. Instruments without an agreed threshold (SBI, PPT) show no
band until the clinic sets one, and say so.

Use: ``view.set_measurements(measurements_by_instrument, sessions=..., thresholds=...)`` or,
with progress already computed, ``view.set_progress(case_progress(...))``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from acujournal.domain.model import OutcomeMeasurement
from acujournal.domain.outcomes import Instrument, Thresholds
from acujournal.services.outcome_progress import CaseProgress, InstrumentProgress, case_progress
from acujournal.storage.repository import SessionSummary

_DAY_MS = 86_400_000.0


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000.0


class OutcomeChartView(QWidget):
    """A case's outcome measures: choose an instrument, see its course and important change."""

    instrument_changed = Signal(str)
    """The instrument code now shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeChart")
        self._progress = CaseProgress(None, (), None)

        self.chooser = QComboBox()
        self.chooser.setObjectName("outcomeInstrument")
        self.chooser.setAccessibleName(self.tr("Outcome measure"))
        self.chooser.currentIndexChanged.connect(self._chosen)
        label = QLabel(self.tr("&Measure:"))
        label.setBuddy(self.chooser)
        self.summary = QLabel()
        self.summary.setObjectName("outcomeSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumSize(320, 220)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view.setChart(chart)
        self.axis_x = QDateTimeAxis()
        self.axis_x.setTickCount(6)
        self.axis_y = QValueAxis()
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)

        self.readings = QLineSeries()
        self.readings.setName(self.tr("Readings"))
        self.readings.setPointsVisible(True)
        self.follow_ups = QScatterSeries()
        self.follow_ups.setName(self.tr("Follow-up"))
        self.follow_ups.setMarkerSize(13)
        self.baseline = QLineSeries()
        self.baseline.setName(self.tr("Baseline"))
        self.band_edge = QLineSeries()
        self.band_base = QLineSeries()
        self.band = QAreaSeries(self.band_base, self.band_edge)
        self.band.setName(self.tr("Less than an important change"))
        self.important = QScatterSeries()
        self.important.setName(self.tr("First important improvement"))
        self.important.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeStar)
        self.important.setMarkerSize(18)
        for series in (
            self.band,
            self.baseline,
            self.readings,
            self.follow_ups,
            self.important,
        ):
            chart.addSeries(series)
            series.attachAxis(self.axis_x)
            series.attachAxis(self.axis_y)

        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.chooser)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.chart_view, 1)
        layout.addWidget(self.summary)
        self._apply_palette()
        self._show(None)

    # Public API ---------------------------------------------------------------------------
    def set_measurements(
        self,
        measurements: Mapping[str, Sequence[OutcomeMeasurement]],
        *,
        sessions: Sequence[SessionSummary] = (),
        thresholds: Mapping[str, Thresholds] | None = None,
        clinic_measures: Mapping[str, Instrument] | None = None,
    ) -> None:
        """Show measurements by instrument (and the pain before each session, if given)."""
        every = [m for series in measurements.values() for m in series]
        self.set_progress(
            case_progress(every, sessions, thresholds=thresholds, clinic_measures=clinic_measures)
        )

    def set_progress(self, progress: CaseProgress) -> None:
        """Show a case's progress; the instrument shown stays chosen when it is still there."""
        wanted = self.current_instrument()
        self._progress = progress
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for item in progress.instruments:
            self.chooser.addItem(item.name, item.instrument)
        index = max(0, self.chooser.findData(wanted)) if wanted else 0
        self.chooser.setCurrentIndex(index if progress.instruments else -1)
        self.chooser.blockSignals(False)
        self.chooser.setEnabled(bool(progress.instruments))
        self._show(self._current())

    def instruments(self) -> list[str]:
        return [item.instrument for item in self._progress.instruments]

    def current_instrument(self) -> str | None:
        code = self.chooser.currentData()
        return code if isinstance(code, str) else None

    def show_instrument(self, code: str) -> None:
        index = self.chooser.findData(code)
        if index < 0:
            raise KeyError(code)
        self.chooser.setCurrentIndex(index)

    # Drawing ------------------------------------------------------------------------------
    def _current(self) -> InstrumentProgress | None:
        code = self.current_instrument()
        return self._progress.of(code) if code else None

    def _chosen(self, _index: int) -> None:
        shown = self._current()
        self._show(shown)
        if shown is not None:
            self.instrument_changed.emit(shown.instrument)

    def _show(self, item: InstrumentProgress | None) -> None:
        chart = self.chart_view.chart()
        for series in (self.readings, self.follow_ups, self.baseline, self.important):
            series.clear()
        self.band_edge.clear()
        self.band_base.clear()
        if item is None:
            chart.setTitle(self.tr("No outcome measures recorded for this case yet"))
            now = QDateTime.currentDateTime()
            self.axis_x.setRange(now.addDays(-30), now)
            self.axis_y.setRange(0, 10)
            self.summary.clear()
            self.setAccessibleName(self.tr("Outcome chart"))
            self.setAccessibleDescription(chart.title())
            return
        xs = [_ms(r.taken_at) for r in item.readings]
        start, end = min(xs), max(xs)
        self.readings.replace([QPointF(_ms(r.taken_at), r.score) for r in item.readings])
        self.follow_ups.replace(
            [QPointF(_ms(r.taken_at), r.score) for r in item.readings if r.follow_up]
        )
        # One reading alone gets a fortnight around it, so the date labels differ.
        pad = max((end - start) * 0.04, _DAY_MS if end > start else 7 * _DAY_MS)
        left, right = start - pad, end + pad
        base = item.baseline.score
        self.baseline.replace([QPointF(left, base), QPointF(right, base)])
        if item.important_at is not None:
            self.band_base.replace([QPointF(left, base), QPointF(right, base)])
            self.band_edge.replace(
                [QPointF(left, item.important_at), QPointF(right, item.important_at)]
            )
        if item.first_important_at is not None:
            first = next(r for r in item.readings if r.taken_at == item.first_important_at)
            self.important.replace([QPointF(_ms(first.taken_at), first.score)])
        self.axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(left)), QDateTime.fromMSecsSinceEpoch(int(right))
        )
        self.axis_x.setFormat("d MMM" if (end - start) / _DAY_MS <= 240 else "MMM yyyy")
        scores = [r.score for r in item.readings]
        top = item.maximum if item.maximum is not None else max(scores) * 1.2 or 1.0
        self.axis_y.setRange(item.minimum, top)
        self.axis_y.setTitleText(f"{item.name} ({item.unit})")
        chart.setTitle(self._explanation(item))
        self.summary.setText(self._summary(item))
        self.setAccessibleName(self.tr("Outcome chart: %1").replace("%1", item.name))
        self.setAccessibleDescription(self.summary.text())

    def _explanation(self, item: InstrumentProgress) -> str:
        limits = item.thresholds
        if limits is None:
            return self.tr(
                "No agreed clinically important change for this measure; the clinic can set one"
            )
        parts = []
        if limits.points is not None:
            parts.append(
                self.tr("%1 %2").replace("%1", f"{limits.points:g}").replace("%2", item.unit)
            )
        if limits.percent is not None:
            parts.append(f"{limits.percent:g} %")
        return self.tr(
            "Shaded: baseline to a clinically important change (%1) · ★ first reading past it"
        ).replace("%1", self.tr(" or ").join(parts))

    def _summary(self, item: InstrumentProgress) -> str:
        text = (
            self.tr("%1: baseline %2, latest %3")
            .replace("%1", item.name)
            .replace("%2", _number(item.baseline.score))
            .replace("%3", _number(item.latest.score))
        )
        if len(item.readings) > 1:
            change = self.tr("improved by %1") if item.improvement >= 0 else self.tr("worse by %1")
            text += ", " + change.replace("%1", f"{_number(abs(item.improvement))} {item.unit}")
            if item.improvement_percent is not None:
                text += f" ({abs(item.improvement_percent):.0f} %)"
        if item.first_important_at is not None:
            text += "; " + self.tr("clinically important improvement since %1").replace(
                "%1", item.first_important_at.astimezone().date().isoformat()
            )
        elif item.thresholds is not None:
            text += "; " + self.tr("no clinically important improvement yet")
        if item.follow_ups:
            text += "; " + self.tr("%n follow-up reading(s)", "", len(item.follow_ups))
        return text

    # Colours ------------------------------------------------------------------------------
    def _apply_palette(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        hue = highlight.hslHue() if highlight.hslSaturation() > 40 else 210
        colour = QColor.fromHsl(hue, 190, 170 if base.lightness() < 128 else 95)
        chart = self.chart_view.chart()
        chart.setBackgroundBrush(QBrush(base))
        chart.setTitleBrush(QBrush(text))
        chart.legend().setLabelColor(text)
        grid = QColor(text)
        grid.setAlpha(40)
        for axis in (self.axis_x, self.axis_y):
            axis.setLabelsColor(text)
            axis.setTitleBrush(QBrush(text))
            axis.setGridLineColor(grid)
        self.readings.setPen(QPen(colour, 2.5))
        self.baseline.setPen(QPen(colour, 1.2, Qt.PenStyle.DotLine))
        fill = QColor(colour)
        fill.setAlpha(35)
        self.band.setBrush(QBrush(fill))
        self.band.setPen(QPen(Qt.PenStyle.NoPen))
        self.follow_ups.setColor(base)
        self.follow_ups.setBorderColor(colour)
        self.important.setColor(colour)
        self.important.setBorderColor(base)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)


def _number(value: float) -> str:
    """A score as people write it: at most one decimal (an ODI of 33.3333... is 33.3)."""
    return f"{round(value, 1):g}"
