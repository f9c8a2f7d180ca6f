"""The audit report: who did what to which record, and when, for an inspector or a complaint.

One line per audit entry, oldest first, with the check of the whole trail at the top. It names
the fields that changed, never their contents: the report answers "who touched this record",
and the clinical record itself is in the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from acujournal.reports.data import ClinicHeader
from acujournal.reports.document import ReportRenderer
from acujournal.reports.styles import WARNING, table_style
from acujournal.reports.text import clip, para_text
from acujournal.reports.wording import iso, plural

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

# Column shares of the frame width.
COLUMNS = (
    ("#", 0.06),
    ("Time", 0.13),
    ("Who", 0.15),
    ("Action", 0.08),
    ("Record", 0.16),
    ("Patient", 0.15),
    ("What changed", 0.27),
)


@dataclass(frozen=True, slots=True)
class AuditReportLine:
    """One entry as printed (times already in the clinic's local time)."""

    seq: int
    recorded_at: datetime
    actor: str
    action: str
    record: str
    patient: str
    summary: str


@dataclass(frozen=True, slots=True)
class AuditReportData:
    """Everything the audit report prints."""

    clinic: ClinicHeader
    generated_at: datetime
    lines: tuple[AuditReportLine, ...]
    verdict: str
    verdict_ok: bool
    period_from: date | None = None
    period_to: date | None = None
    patient_name: str | None = None
    total: int = 0  # entries matching, when more than the lines printed


class AuditReportRenderer(ReportRenderer):
    """Renders :class:`AuditReportData`; ``generate()`` returns the PDF bytes."""

    def __init__(self, data: AuditReportData) -> None:
        super().__init__(
            clinic=data.clinic,
            generated_at=data.generated_at,
            title="Audit report",
            subject="Audit trail of the treatment journal",
            patient_name=data.patient_name,
        )
        self.data = data

    def _p(self, markup: str, style: Any = None) -> Flowable:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style if style is not None else self.styles.cell)

    def story(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        data, st = self.data, self.styles
        period = (
            f"{iso(data.period_from) if data.period_from else 'the first entry'} to "
            f"{iso(data.period_to) if data.period_to else 'the latest entry'}"
        )
        who = (
            "all patients" if data.patient_name is None else para_text(clip(data.patient_name, 80))
        )
        colour = "" if data.verdict_ok else f' color="{WARNING}"'
        story: list[Flowable] = [
            Paragraph("Audit report", st.title),
            Paragraph(f"Period: {period}. Patient: {who}.", st.subtitle),
            Paragraph(f"<font{colour}><b>{para_text(data.verdict)}</b></font>", st.body),
        ]
        shown = len(data.lines)
        if data.total > shown:
            story.append(
                Paragraph(
                    f"The newest {plural(shown, 'entry', 'entries')} of {data.total:,} are "
                    "listed; choose a shorter period to see the others.",
                    st.small,
                )
            )
        story.append(self._table())
        story.append(
            Paragraph(
                "Each entry is sealed into a chain with a key kept outside the database, so an "
                "entry changed or removed afterwards shows in the check above. Contents of "
                "entries of erased patients were removed with the patient; the entries remain.",
                st.small,
            )
        )
        return story

    def _table(self) -> Flowable:
        from reportlab.platypus import Table

        rows: list[list[Any]] = [[self._p(f"<b>{title}</b>") for title, _ in COLUMNS]]
        for line in self.data.lines:
            rows.append(
                [
                    self._p(str(line.seq)),
                    self._p(line.recorded_at.strftime("%Y-%m-%d %H:%M:%S")),
                    self._p(para_text(clip(line.actor, 60))),
                    self._p(para_text(clip(line.action, 20))),
                    self._p(para_text(clip(line.record, 60))),
                    self._p(para_text(clip(line.patient, 60))),
                    self._p(para_text(clip(line.summary, 300))),
                ]
            )
        empty = len(rows) == 1
        if empty:
            rows.append([self._p("No entries in this period."), "", "", "", "", "", ""])
        width = self.frame_width
        table = Table(
            rows, colWidths=[width * share for _, share in COLUMNS], repeatRows=1, hAlign="LEFT"
        )
        style = table_style()
        if empty:
            style.add("SPAN", (0, 1), (-1, 1))
        table.setStyle(style)
        return table


def render_audit_report(data: AuditReportData) -> bytes:
    """The audit report as PDF bytes."""
    return AuditReportRenderer(data).generate()
