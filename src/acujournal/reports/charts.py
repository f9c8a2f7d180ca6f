"""Charts as ReportLab ``Drawing`` subclasses: each drops straight into a report's story.

Drawn from basic shapes instead of ReportLab's chart widgets, because the pain chart needs
things the widgets do not offer (the band of "less than an important change" behind the
scores, a vertical line from each session's before to its after score) and because the shapes
keep the look consistent with the tables. Strings in a drawing are never parsed as markup, so
user text (practitioner names in a legend) is only cleaned and clipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from acujournal.reports.data import OutcomeSeries, PainChange, PainReading
from acujournal.reports.fonts import SANS, SANS_BOLD, register_fonts
from acujournal.reports.styles import (
    ACCENT,
    BACK_COLOUR,
    BAND_FILL,
    INK,
    LEG_COLOUR,
    MUTED,
    RULE,
)
from acujournal.reports.wording import number

GRID = colors.HexColor("#e3e8ee")
MARKER_LIMIT = 45
"""Above this many sessions markers would merge into a smear; lines alone stay readable."""


def label_step(count: int, room: int) -> int:
    """Label every n-th item so at most ``room`` labels fit: 1, 2, 5, 10, 20, 50, ..."""
    step = 1
    for factor in (2, 2.5, 2):
        if count <= room * step:
            return step
        step = int(step * factor)
    while count > room * step:
        step *= 10
    return step


class PainChart(Drawing):  # type: ignore[misc]
    """Back and leg pain per session, side by side, each over its baseline band.

    Per session a filled dot is the pain before needling, a ring the pain after, joined by a
    thin line (a course longer than :data:`MARKER_LIMIT` sessions shows the line of the pain
    before sessions only); the shaded band runs from the baseline down to the score that would be a
    clinically important improvement, so dots below it mark sessions that started clearly
    better than the first.
    """

    def __init__(
        self,
        readings: Sequence[PainReading],
        changes: Sequence[PainChange],
        width: float = 480,
        height: float = 190,
        *,
        before_label: str = "before session",
        after_label: str = "after session",
        band_label: str = "less than a clinically important change from baseline",
        large: bool = False,
    ) -> None:
        register_fonts()
        super().__init__(width, height)
        self._fs = 8.5 if large else 7.0
        by_region = {change.region: change for change in changes}
        legend_h = self._fs * 2.6
        gap = 18.0
        panel_w = (width - gap) / 2
        for index, (region, colour) in enumerate((("back", BACK_COLOUR), ("leg", LEG_COLOUR))):
            self.add(
                self._panel(
                    readings,
                    region,
                    by_region.get(region),
                    colors.HexColor(colour),
                    x=index * (panel_w + gap),
                    y=legend_h,
                    w=panel_w,
                    h=height - legend_h,
                )
            )
        # A long course shows the trend of the pain before sessions only: hundreds of "after"
        # rings would bury it.
        shown_after = after_label if len(readings) <= MARKER_LIMIT else ""
        self.add(self._legend(before_label, shown_after, band_label))

    def _panel(
        self,
        readings: Sequence[PainReading],
        region: str,
        change: PainChange | None,
        colour: colors.Color,
        *,
        x: float,
        y: float,
        w: float,
        h: float,
    ) -> Group:
        fs = self._fs
        group = Group()
        left, bottom = x + fs * 2.2, y + fs * 2.6
        plot_w, plot_h = w - fs * 2.2 - 4, h - fs * 2.6 - fs * 2.2
        top = bottom + plot_h
        title = f"{region.capitalize()} pain (0–10)"
        group.add(String(left, top + fs * 0.9, title, fontName=SANS_BOLD, fontSize=fs + 1))

        def y_of(score: float) -> float:
            return bottom + plot_h * score / 10

        if change is not None:
            band_low = max(change.important_at_or_below, 0)
            group.add(
                Rect(
                    left,
                    y_of(band_low),
                    plot_w,
                    y_of(change.baseline) - y_of(band_low),
                    fillColor=colors.HexColor(BAND_FILL),
                    strokeColor=None,
                )
            )
        for score in range(0, 11, 2):
            group.add(Line(left, y_of(score), left + plot_w, y_of(score), strokeColor=GRID))
            group.add(
                String(
                    left - 3,
                    y_of(score) - fs * 0.35,
                    str(score),
                    fontName=SANS,
                    fontSize=fs,
                    textAnchor="end",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        if change is not None:
            group.add(
                Line(
                    left,
                    y_of(change.baseline),
                    left + plot_w,
                    y_of(change.baseline),
                    strokeColor=colors.HexColor(MUTED),
                    strokeDashArray=[2, 2],
                    strokeWidth=0.6,
                )
            )
        group.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.HexColor(INK)))

        count = len(readings)
        pad = 6.0

        def x_of(position: int) -> float:
            if count <= 1:
                return left + plot_w / 2
            return left + pad + (plot_w - 2 * pad) * position / (count - 1)

        befores: list[tuple[float, float]] = []
        afters: list[tuple[float, float]] = []
        for position, reading in enumerate(readings):
            before = reading.before_back if region == "back" else reading.before_leg
            after = reading.after_back if region == "back" else reading.after_leg
            px = x_of(position)
            if before is not None and after is not None and count <= MARKER_LIMIT:
                group.add(
                    Line(px, y_of(before), px, y_of(after), strokeColor=colour, strokeWidth=0.4)
                )
            if before is not None:
                befores.append((px, y_of(before)))
            if after is not None:
                afters.append((px, y_of(after)))
        if not befores and not afters:
            group.add(
                String(
                    left + plot_w / 2,
                    bottom + plot_h / 2,
                    "no scores recorded",
                    fontName=SANS,
                    fontSize=fs,
                    textAnchor="middle",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        markers = count <= MARKER_LIMIT
        if len(befores) > 1:
            group.add(
                PolyLine(
                    [v for point in befores for v in point],
                    strokeColor=colour,
                    strokeWidth=1.2 if markers else 0.9,
                )
            )
        if markers:
            radius = fs * 0.32
            for px, py in afters:
                group.add(
                    Circle(
                        px, py, radius, fillColor=colors.white, strokeColor=colour, strokeWidth=0.8
                    )
                )
            for px, py in befores:
                group.add(Circle(px, py, radius, fillColor=colour, strokeColor=colour))
        if change is not None and change.first_important_session is not None:
            marked = next(
                (i for i, r in enumerate(readings) if r.number == change.first_important_session),
                None,
            )
            if marked is not None:
                px = x_of(marked)
                green = colors.HexColor("#2e7d32")
                group.add(
                    Line(
                        px,
                        bottom,
                        px,
                        top,
                        strokeColor=green,
                        strokeWidth=0.7,
                        strokeDashArray=[1, 2],
                    )
                )
                # Along the bottom, where scores rarely are: the baseline runs near the top.
                group.add(
                    String(
                        px + 2 if px < left + plot_w * 0.6 else px - 2,
                        bottom + fs * 0.4,
                        "important change",
                        fontName=SANS,
                        fontSize=fs * 0.9,
                        fillColor=green,
                        textAnchor="start" if px < left + plot_w * 0.6 else "end",
                    )
                )
        self._session_axis(group, readings, x_of, bottom, plot_w)
        return group

    def _session_axis(
        self,
        group: Group,
        readings: Sequence[PainReading],
        x_of: object,
        bottom: float,
        plot_w: float,
    ) -> None:
        fs = self._fs
        assert callable(x_of)
        step = label_step(len(readings), max(int(plot_w / (fs * 3)), 2))
        for position, reading in enumerate(readings):
            if reading.number % step and position != 0:
                continue
            group.add(
                String(
                    x_of(position),
                    bottom - fs * 1.2,
                    str(reading.number),
                    fontName=SANS,
                    fontSize=fs,
                    textAnchor="middle",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        if readings:
            group.add(
                String(
                    x_of(len(readings) - 1) if len(readings) > 1 else x_of(0),
                    bottom - fs * 2.35,
                    "session",
                    fontName=SANS,
                    fontSize=fs * 0.9,
                    textAnchor="end" if len(readings) > 1 else "middle",
                    fillColor=colors.HexColor(MUTED),
                )
            )

    def _legend(self, before: str, after: str, band: str) -> Group:
        fs = self._fs
        group = Group()
        y = fs * 0.6
        x = 0.0
        ink = colors.HexColor(INK)
        group.add(Circle(x + 3, y + fs * 0.35, fs * 0.32, fillColor=ink, strokeColor=ink))
        group.add(String(x + 9, y, before, fontName=SANS, fontSize=fs))
        x += 22 + stringWidth(before, SANS, fs)
        if after:
            group.add(
                Circle(x + 3, y + fs * 0.35, fs * 0.32, fillColor=colors.white, strokeColor=ink)
            )
            group.add(String(x + 9, y, after, fontName=SANS, fontSize=fs))
            x += 22 + stringWidth(after, SANS, fs)
        group.add(Rect(x, y - 1, 14, fs, fillColor=colors.HexColor(BAND_FILL), strokeColor=None))
        group.add(String(x + 18, y, band, fontName=SANS, fontSize=fs))
        return group


class OutcomeChart(Drawing):  # type: ignore[misc]
    """One small chart per outcome instrument: score over time on the instrument's scale.

    :meth:`rows` gives one drawing per row of three, so a page break can fall between rows.
    """

    PANEL_HEIGHT = 110.0
    PER_ROW = 3

    @classmethod
    def rows(cls, series: Sequence[OutcomeSeries], width: float = 480) -> list[OutcomeChart]:
        """The charts of ``series`` as drawings of one row each."""
        shown = [s for s in series if s.readings]
        return [cls(shown[i : i + cls.PER_ROW], width) for i in range(0, len(shown), cls.PER_ROW)]

    def __init__(self, series: Sequence[OutcomeSeries], width: float = 480) -> None:
        register_fonts()
        shown = [s for s in series if s.readings]
        rows = max((len(shown) + self.PER_ROW - 1) // self.PER_ROW, 1)
        super().__init__(width, rows * self.PANEL_HEIGHT)
        panel_w = width / self.PER_ROW
        for index, one in enumerate(shown):
            row, column = divmod(index, self.PER_ROW)
            self.add(
                self._panel(
                    one,
                    x=column * panel_w,
                    y=(rows - 1 - row) * self.PANEL_HEIGHT,
                    w=panel_w - 12,
                    h=self.PANEL_HEIGHT - 8,
                )
            )

    def _panel(self, series: OutcomeSeries, *, x: float, y: float, w: float, h: float) -> Group:
        fs = 7.0
        group = Group()
        left, bottom = x + 24, y + fs * 2.4
        plot_w, plot_h = w - 28, h - fs * 2.4 - fs * 2.4
        scores = [r.score for r in series.readings]
        low = series.minimum
        high = series.maximum if series.maximum is not None else max(max(scores) * 1.2, 1.0)
        span = (high - low) or 1.0
        direction = "lower" if series.lower_is_better else "higher"
        code = series.instrument.replace("_", " ")
        title = f"{code} ({series.unit}, {direction} is better)"
        group.add(String(left, bottom + plot_h + fs * 1.1, title, fontName=SANS_BOLD, fontSize=fs))

        def y_of(score: float) -> float:
            return bottom + plot_h * (score - low) / span

        for fraction in (0.0, 0.5, 1.0):
            value = low + span * fraction
            group.add(Line(left, y_of(value), left + plot_w, y_of(value), strokeColor=GRID))
            group.add(
                String(
                    left - 3,
                    y_of(value) - fs * 0.35,
                    number(round(value, 1)),
                    fontName=SANS,
                    fontSize=fs,
                    textAnchor="end",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        first, last = series.readings[0].taken_on, series.readings[-1].taken_on
        days = max((last - first).days, 1)

        def x_of(day: date) -> float:
            if first == last:
                return left + plot_w / 2
            return left + 4 + (plot_w - 8) * (day - first).days / days

        points = [(x_of(r.taken_on), y_of(r.score)) for r in series.readings]
        colour = colors.HexColor(ACCENT)
        if len(points) > 1:
            group.add(PolyLine([v for p in points for v in p], strokeColor=colour, strokeWidth=1))
        for px, py in points:
            group.add(Circle(px, py, 2, fillColor=colour, strokeColor=colour))
        if series.first_important_on is not None:
            px = x_of(series.first_important_on)
            group.add(
                Line(
                    px,
                    bottom,
                    px,
                    bottom + plot_h,
                    strokeColor=colors.HexColor("#2e7d32"),
                    strokeWidth=0.7,
                    strokeDashArray=[1, 2],
                )
            )
        for day, anchor in ((first, "start"), (last, "end")):
            if day == last and first == last and anchor == "end":
                continue
            group.add(
                String(
                    x_of(day) if first != last else left + plot_w / 2,
                    bottom - fs * 1.3,
                    day.isoformat(),
                    fontName=SANS,
                    fontSize=fs * 0.9,
                    textAnchor=anchor if first != last else "middle",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        group.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.HexColor(RULE)))
        return group
