"""The clinic report's chart: sessions per month, stacked by practitioner."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from acujournal.reports.charts import GRID, label_step
from acujournal.reports.clinic_data import MonthCount
from acujournal.reports.fonts import SANS, register_fonts
from acujournal.reports.styles import INK, MUTED
from acujournal.reports.text import clip
from acujournal.reports.wording import month_label, number

PALETTE = ("#1b5e7a", "#c2571a", "#4f7f3a", "#7a4f9a", "#b08a1e", "#3a7f7a", "#9a3a5a", "#5a5a5a")


class MonthlySessionsChart(Drawing):  # type: ignore[misc]
    """Sessions per month as bars stacked by practitioner, with a legend of names."""

    def __init__(
        self,
        months: Sequence[str],
        practitioners: Sequence[str],
        counts: Sequence[MonthCount],
        width: float = 480,
        height: float = 170,
    ) -> None:
        register_fonts()
        super().__init__(width, height)
        fs = 7.0
        per_cell = {(c.month, c.practitioner): c.sessions for c in counts}
        totals = [sum(per_cell.get((m, p), 0) for p in practitioners) for m in months]
        legend_rows = (len(practitioners) + 3) // 4
        left, bottom = 30.0, fs * 2.6 + legend_rows * fs * 1.5
        plot_w, plot_h = width - left - 4, height - bottom - fs * 1.5
        step = _nice_step(max(max(totals, default=0), 1) / 4)
        scale_top = step * max(-(-max(totals, default=0) // step), 1)
        for tick in range(round(scale_top / step) + 1):
            value = tick * step
            y = bottom + plot_h * value / scale_top
            self.add(Line(left, y, left + plot_w, y, strokeColor=GRID))
            self.add(
                String(
                    left - 3,
                    y - fs * 0.35,
                    number(round(value)),
                    fontName=SANS,
                    fontSize=fs,
                    textAnchor="end",
                    fillColor=colors.HexColor(MUTED),
                )
            )
        slot = plot_w / max(len(months), 1)
        bar_w = min(slot * 0.7, 28)
        step = label_step(len(months), max(int(plot_w / 34), 1))
        for index, month in enumerate(months):
            x = left + slot * index + (slot - bar_w) / 2
            y = bottom
            for p_index, practitioner in enumerate(practitioners):
                value = per_cell.get((month, practitioner), 0)
                if not value:
                    continue
                bar_h = plot_h * value / scale_top
                self.add(
                    Rect(
                        x,
                        y,
                        bar_w,
                        bar_h,
                        fillColor=colors.HexColor(PALETTE[p_index % len(PALETTE)]),
                        strokeColor=colors.white,
                        strokeWidth=0.3,
                    )
                )
                y += bar_h
            if index % step == 0:
                self.add(
                    String(
                        x + bar_w / 2,
                        bottom - fs * 1.3,
                        month_label(month),
                        fontName=SANS,
                        fontSize=fs,
                        textAnchor="middle",
                        fillColor=colors.HexColor(MUTED),
                    )
                )
        self.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.HexColor(INK)))
        column_w = width / 4
        for p_index, practitioner in enumerate(practitioners):
            row, column = divmod(p_index, 4)
            lx = column * column_w
            ly = (legend_rows - 1 - row) * fs * 1.5
            self.add(
                Rect(
                    lx,
                    ly,
                    8,
                    fs,
                    fillColor=colors.HexColor(PALETTE[p_index % len(PALETTE)]),
                    strokeColor=None,
                )
            )
            self.add(String(lx + 11, ly + 0.5, clip(practitioner, 28), fontName=SANS, fontSize=fs))


def _nice_step(value: float) -> int:
    """The smallest whole 1, 2 or 5 x 10^n at or above ``value``: a tidy tick spacing."""
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude
