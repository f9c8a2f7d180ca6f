"""The practitioner's progress report: one patient, per case or over a period.

Reads like a referral letter's attachment: who and what, the course in numbers with the pain
change in one sentence, the pain chart, outcome measures, every session in a table whose header
repeats on each page, adverse events in full, a STRICTA description of the needling, and the
clinical (SOAP) notes. Internal notes appear only when the data was built with
``include_internal=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acujournal.reports.charts import MARKER_LIMIT, OutcomeChart, PainChart
from acujournal.reports.data import ProgressCourse, ProgressReportData, SessionLine
from acujournal.reports.document import ReportRenderer
from acujournal.reports.sections import (
    adverse_event_flowables,
    case_heading,
    facts_table,
    measurement_table,
    session_table,
    stricta_flowables,
)
from acujournal.reports.text import clip, para_text, text_flowables
from acujournal.reports.wording import (
    improvement_sentence,
    iso,
    per_week,
    plural,
)

if TYPE_CHECKING:
    from reportlab.platypus import Flowable


class ProgressReportRenderer(ReportRenderer):
    """Renders :class:`ProgressReportData`; ``generate()`` returns the PDF bytes."""

    def __init__(self, data: ProgressReportData) -> None:
        super().__init__(
            clinic=data.clinic,
            generated_at=data.generated_at,
            title="Progress report",
            subject="Acupuncture progress report",
            patient_name=data.patient.name,
        )
        self.data = data

    def story(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        data, st = self.data, self.styles
        story: list[Flowable] = [Paragraph("Progress report", st.title)]
        period = "all recorded sessions"
        if data.period_from or data.period_to:
            period = f"{iso(data.period_from)} to {iso(data.period_to)}"
        notes = "internal notes included" if data.include_internal else "internal notes left out"
        story.append(Paragraph(f"Period: {period} · {notes}", st.subtitle))
        story += text_flowables(data.patient.name, st.body, lead="<b>Patient:</b> ")
        if data.patient.birth_date is not None:
            story.append(Paragraph(f"<b>Born:</b> {iso(data.patient.birth_date)}", st.body))
        if not data.courses:
            story.append(Paragraph("No sessions were recorded in this period.", st.body))
        for index, course in enumerate(data.courses, start=1):
            story += self._course(course, index, len(data.courses))
        return story

    def _course(self, course: ProgressCourse, index: int, count: int) -> list[Flowable]:
        from reportlab.platypus import Paragraph, Spacer

        st = self.styles
        label = f"Case {index} of {count}: " if count > 1 else "Case: "
        out: list[Flowable] = case_heading(course.case, st, label)
        summary = course.summary
        span = "–"
        if summary.first_on is not None:
            span = f"{iso(summary.first_on)} to {iso(summary.last_on)} ({summary.span_days} days)"
        top = ", ".join(
            f"{para_text(use.point.short)} ({use.sessions})" for use in summary.top_points
        )
        out.append(Paragraph("Course summary", st.subheading))
        out.append(
            facts_table(
                [
                    ("Sessions", str(summary.session_count)),
                    ("Span", span),
                    ("Frequency", per_week(summary.sessions_per_week)),
                    ("Points used most (sessions)", top or "–"),
                ],
                st,
                self.frame_width,
            )
        )
        out.append(Spacer(1, st.body_size * 0.6))
        for change in summary.pain:
            out.append(Paragraph(para_text(improvement_sentence(change)), st.body))
        if not summary.pain:
            out.append(Paragraph("No pain scores were recorded.", st.body))
        if course.readings:
            out.append(Paragraph("Pain per session", st.subheading))
            out.append(PainChart(course.readings, summary.pain, width=self.frame_width))
            scores = (
                "NRS 0-10 before (dot) and after (ring) each session."
                if len(course.readings) <= MARKER_LIMIT
                else "NRS 0-10 before each session."
            )
            out.append(
                Paragraph(
                    f"{scores} The shaded band runs from the baseline to a clinically important "
                    "improvement (2 points or 30%, Ostelo 2008); the course is judged on the pain "
                    "before each session.",
                    st.small,
                )
            )
        out.append(Paragraph("Outcome measures", st.subheading))
        if course.outcomes:
            out += OutcomeChart.rows(course.outcomes, width=self.frame_width)
            out.append(measurement_table(course.outcomes, st, self.frame_width))
        else:
            out.append(Paragraph("No outcome measures were recorded.", st.body))
        out.append(Paragraph("Sessions", st.subheading))
        if course.sessions:
            out.append(session_table(course.sessions, st, self.frame_width))
        else:
            out.append(Paragraph("No sessions in this period.", st.body))
        out.append(Paragraph("Adverse events", st.subheading))
        out += adverse_event_flowables(course.sessions, st)
        out.append(Paragraph("Treatment description (STRICTA 2010)", st.subheading))
        out += stricta_flowables(course, st, self.data.clinic.needle_sizes)
        out += self._notes(course.sessions)
        return out

    def _notes(self, sessions: tuple[SessionLine, ...]) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        st = self.styles
        out: list[Flowable] = []
        for session in sessions:
            parts: list[tuple[str, str]] = [
                ("S", session.subjective),
                ("O", session.objective),
                ("A", session.assessment),
                ("P", session.plan),
                ("Advice to patient", session.patient_advice),
            ]
            if self.data.include_internal:
                parts.append(("Internal note", session.internal_note))
            present = [(label, text) for label, text in parts if text.strip()]
            if not present and not session.amendments:
                continue
            if not out:
                out.append(Paragraph("Clinical notes (SOAP)", st.subheading))
            heading = (
                f"<b>Session {session.number}</b> · {session.started_at:%Y-%m-%d %H:%M} · "
                f"{para_text(clip(session.practitioner, 120))}"
            )
            if not session.signed:
                heading += " · <b>draft, not signed</b>"
            out.append(Paragraph(heading, st.note_heading))
            for label, text in present:
                out += text_flowables(text, st.note, lead=f"<b>{label}:</b> ")
            for amendment in session.amendments:
                lead = (
                    f"<b>Addendum</b> ({para_text(clip(amendment.author, 120))}, "
                    f"{amendment.written_at:%Y-%m-%d %H:%M}): "
                )
                out += text_flowables(amendment.text, st.note, lead=lead)
        if not out:
            out.append(Paragraph("Clinical notes (SOAP)", st.subheading))
            out.append(
                Paragraph(f"No notes were written in {plural(len(sessions), 'session')}.", st.body)
            )
        return out


def render_progress_report(data: ProgressReportData) -> bytes:
    """The progress report as PDF bytes."""
    return ProgressReportRenderer(data).generate()
