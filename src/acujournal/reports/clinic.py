"""The clinic manager's report for a period.

Activity per practitioner and month (sessions and new patients, as a chart and as tables),
cases by condition with the share that reached a clinically important improvement, and adverse
events by category and severity, with forgotten needles called out one by one because each is
an avoidable error. It holds counts only: no patient is named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from acujournal.domain.model import AdverseEventCategory
from acujournal.reports.clinic_chart import MonthlySessionsChart
from acujournal.reports.clinic_data import ClinicReportData, MonthCount
from acujournal.reports.document import ReportRenderer
from acujournal.reports.styles import WARNING, table_style
from acujournal.reports.text import clip, para_text, text_flowables
from acujournal.reports.wording import CATEGORY_NAMES, iso, month_label, plural

if TYPE_CHECKING:
    from reportlab.platypus import Flowable


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


class ClinicReportRenderer(ReportRenderer):
    """Renders :class:`ClinicReportData`; ``generate()`` returns the PDF bytes."""

    def __init__(self, data: ClinicReportData) -> None:
        super().__init__(
            clinic=data.clinic,
            generated_at=data.generated_at,
            title="Clinic report",
            subject=f"Clinic report {data.period_from} to {data.period_to}",
        )
        self.data = data

    def _p(self, markup: str, style: Any = None) -> Flowable:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style if style is not None else self.styles.cell)

    def _n(self, markup: str) -> Flowable:
        """A right-aligned cell, for counts and rates."""
        return self._p(markup, self.styles.cell_number)

    def story(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph, Spacer

        data, st = self.data, self.styles
        story: list[Flowable] = [
            Paragraph("Clinic report", st.title),
            Paragraph(f"Period: {iso(data.period_from)} to {iso(data.period_to)}", st.subtitle),
        ]
        story.append(self._key_figures())
        story += self._forgotten_needles()
        story.append(Paragraph("Sessions per month", st.heading))
        if data.sessions:
            story.append(
                MonthlySessionsChart(
                    data.months, data.practitioners, data.month_counts, width=self.frame_width
                )
            )
            story.append(Spacer(1, st.body_size))
        story.append(self._month_table("Sessions", lambda c: c.sessions))
        story.append(Paragraph("New patients per month", st.heading))
        story.append(
            Paragraph(
                "A new patient is one whose first session ever falls in the month; they are "
                "counted for the practitioner who saw them first.",
                st.small,
            )
        )
        story.append(self._month_table("New patients", lambda c: c.new_patients))
        story.append(Paragraph("Cases by condition", st.heading))
        story.append(self._condition_table())
        story.append(
            Paragraph(
                "A case counts when it had a session in the period. Its main complaint (leg or "
                "back pain, whichever started higher) improved importantly when a later session "
                "started at least 2 points or 30% below the first (NRS 0-10, Ostelo 2008). Cases "
                "without a later pain score cannot be judged.",
                st.small,
            )
        )
        story.append(Paragraph("Adverse events", st.heading))
        story.append(self._adverse_table())
        story.append(
            Paragraph(
                "Days and months are counted in UTC. Published rates for comparison: about 7.6% "
                "of treatments have an adverse event, half of them bleeding, pain or a flare at "
                "the needle site (Baeumler 2021).",
                st.small,
            )
        )
        return story

    def _key_figures(self) -> Flowable:
        from reportlab.platypus import Table

        data = self.data
        judged = sum(c.with_scores for c in data.conditions)
        improved = sum(c.improved for c in data.conditions)
        events = sum(c.total for c in data.adverse_events)
        per_100 = f"{100 * events / data.sessions:.1f} per 100 sessions" if data.sessions else "–"
        figures = [
            ("Sessions", f"{data.sessions:,}"),
            ("Patients seen", f"{data.patients_seen:,}"),
            ("New patients", f"{data.new_patients:,}"),
            ("Cases treated", f"{sum(c.cases for c in data.conditions):,}"),
            (
                "Clinically important improvement",
                f"{_share(improved, judged)} of {plural(judged, 'case')} with pain scores",
            ),
            ("Adverse events", f"{events:,} ({per_100})"),
            ("Forgotten needles", str(len(data.forgotten_needles))),
        ]
        rows = []
        for start in range(0, len(figures), 2):
            row: list[Any] = []
            for label, value in figures[start : start + 2]:
                row += [self._p(f"<b>{label}</b>"), self._p(value)]
            rows.append(row + [""] * (4 - len(row)))
        w = self.frame_width
        table = Table(rows, colWidths=[w * 0.2, w * 0.3, w * 0.2, w * 0.3], hAlign="LEFT")
        table.setStyle(table_style(zebra=False, header_rows=0))
        return table

    def _forgotten_needles(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        st = self.styles
        needles = self.data.forgotten_needles
        if not needles:
            return []
        out: list[Flowable] = [
            Paragraph(
                f'<font color="{WARNING}"><b>{plural(len(needles), "forgotten needle")} in this '
                "period.</b></font> A forgotten needle is an avoidable error: count needles in "
                "and out, and sign a session only when the counts match.",
                st.callout,
            )
        ]
        for needle in needles:
            lead = (
                f"<b>{iso(needle.on)}</b> · {para_text(clip(needle.practitioner, 80))} · "
                f"{needle.severity.value}"
            )
            if needle.action.strip():
                out += text_flowables(needle.action, st.body, lead=lead + " · action: ")
            else:
                out.append(Paragraph(lead, st.body))
        return out

    def _month_table(self, what: str, value: Callable[[MonthCount], int]) -> Flowable:
        from reportlab.platypus import Table

        data = self.data
        cells = {(c.month, c.practitioner): value(c) for c in data.month_counts}
        names = data.practitioners
        header = [self._p("<b>Month</b>")]
        header += [self._n(f"<b>{para_text(clip(n, 40))}</b>") for n in names]
        header.append(self._n("<b>Total</b>"))
        rows: list[list[Any]] = [header]
        column_totals = [0] * len(names)
        for month in data.months:
            counts = [cells.get((month, name), 0) for name in names]
            column_totals = [a + b for a, b in zip(column_totals, counts, strict=True)]
            rows.append(
                [self._p(month_label(month))]
                + [self._n(str(n)) for n in counts]
                + [self._n(f"<b>{sum(counts)}</b>")]
            )
        rows.append(
            [self._p("<b>Total</b>")]
            + [self._n(f"<b>{n}</b>") for n in column_totals]
            + [self._n(f"<b>{sum(column_totals)}</b>")]
        )
        w = self.frame_width
        first, last = w * 0.14, w * 0.1
        middle = (w - first - last) / max(len(names), 1)
        table = Table(
            rows,
            colWidths=[first] + [middle] * len(names) + [last],
            repeatRows=1,
            hAlign="LEFT",
        )
        style = table_style()
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, "#1f2933")
        table.setStyle(style)
        return table

    def _condition_table(self) -> Flowable:
        from reportlab.platypus import Table

        titles = ("Condition", "Cases", "With pain scores", "Important improvement", "Share")
        rows: list[list[Any]] = [
            [self._p(f"<b>{titles[0]}</b>")] + [self._n(f"<b>{t}</b>") for t in titles[1:]]
        ]
        for c in self.data.conditions:
            rows.append(
                [
                    self._p(para_text(clip(c.condition, 80))),
                    self._n(str(c.cases)),
                    self._n(str(c.with_scores)),
                    self._n(str(c.improved)),
                    self._n(_share(c.improved, c.with_scores)),
                ]
            )
        if len(rows) == 1:
            rows.append([self._p("No cases were treated in this period."), "", "", "", ""])
        w = self.frame_width
        table = Table(
            rows,
            colWidths=[w * 0.36, w * 0.12, w * 0.17, w * 0.21, w * 0.14],
            repeatRows=1,
            hAlign="LEFT",
        )
        table.setStyle(table_style())
        return table

    def _adverse_table(self) -> Flowable:
        from reportlab.platypus import Table

        data = self.data
        titles = ("Category", "Mild", "Moderate", "Severe", "Total", "Per 100 sessions")
        rows: list[list[Any]] = [
            [self._p(f"<b>{titles[0]}</b>")] + [self._n(f"<b>{t}</b>") for t in titles[1:]]
        ]
        for count in data.adverse_events:
            rate = f"{100 * count.total / data.sessions:.2f}" if data.sessions else "–"
            cells = [
                CATEGORY_NAMES[count.category],
                str(count.mild),
                str(count.moderate),
                str(count.severe),
                str(count.total),
                rate,
            ]
            if count.category is AdverseEventCategory.FORGOTTEN_NEEDLE and count.total:
                cells = [f'<font color="{WARNING}"><b>{c}</b></font>' for c in cells]
            rows.append([self._p(cells[0])] + [self._n(c) for c in cells[1:]])
        w = self.frame_width
        table = Table(
            rows,
            colWidths=[w * 0.34, w * 0.11, w * 0.13, w * 0.11, w * 0.11, w * 0.2],
            repeatRows=1,
            hAlign="LEFT",
        )
        table.setStyle(table_style())
        return table


def render_clinic_report(data: ClinicReportData) -> bytes:
    """The clinic report as PDF bytes."""
    return ClinicReportRenderer(data).generate()
