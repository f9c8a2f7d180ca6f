"""The patient's plain-language summary.

Written for the patient to take home: larger type, everyday words, English point names with
their codes ("Bend Middle (BL40)"), the pain chart, the practitioner's advice and what to do
next, and the red flags that mean "get help now". It is built from
:class:`~acujournal.reports.data.PatientSummaryData`, which has no place for clinical (SOAP) or
internal notes, so none can appear here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acujournal.domain.model import AdverseEventCategory
from acujournal.reports.charts import PainChart
from acujournal.reports.data import PatientCourse, PatientSummaryData
from acujournal.reports.document import ReportRenderer
from acujournal.reports.text import clip, para_text, text_flowables
from acujournal.reports.wording import long_date, number, patient_pain_sentences, plural

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

PATIENT_REACTIONS = {
    AdverseEventCategory.BLEEDING_BRUISING: "a little bleeding or a bruise where a needle was",
    AdverseEventCategory.PAIN_AT_SITE: "soreness where a needle was",
    AdverseEventCategory.FAINTING_NAUSEA: "feeling faint or sick",
    AdverseEventCategory.AGGRAVATION: "a short-lived increase in your symptoms",
    AdverseEventCategory.EMOTIONAL_REACTION: "an emotional reaction",
    AdverseEventCategory.FORGOTTEN_NEEDLE: "a needle that was left in after the treatment",
    AdverseEventCategory.MOXIBUSTION_BURN: "a small burn from moxibustion (heat treatment)",
    AdverseEventCategory.INFECTION: "an infection",
    AdverseEventCategory.NERVE_INJURY: "a nerve injury",
    AdverseEventCategory.PNEUMOTHORAX: "a collapsed lung (pneumothorax)",
    AdverseEventCategory.OTHER: "another reaction",
}

PAIN_SCALE_NOTE = (
    "Pain is scored from 0 (no pain) to 10 (the worst pain imaginable). A fall of 2 points, or "
    "of 30%, is the smallest change most patients notice in daily life."
)

RED_FLAGS = (
    "Get medical help straight away (call your emergency number) if you notice numbness around "
    "your bottom or genitals, new problems passing urine or controlling your bladder or bowels, "
    "weakness in your legs that is getting worse, or pain or numbness in both legs."
)


class PatientSummaryRenderer(ReportRenderer):
    """Renders :class:`PatientSummaryData` in larger type; ``generate()`` returns PDF bytes."""

    body_size = 12.5

    def __init__(self, data: PatientSummaryData) -> None:
        super().__init__(
            clinic=data.clinic,
            generated_at=data.generated_at,
            title="Your treatment summary",
            subject="Acupuncture treatment summary for the patient",
            patient_name=data.patient_name,
        )
        self.data = data

    def story(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        data, st = self.data, self.styles
        story: list[Flowable] = [Paragraph("Your treatment summary", st.title)]
        story += text_flowables(data.patient_name, st.subtitle, lead="Prepared for ")
        if data.period_from or data.period_to:
            start = long_date(data.period_from) if data.period_from else "the start"
            end = long_date(data.period_to) if data.period_to else "today"
            story.append(Paragraph(f"This summary covers {start} to {end}.", st.body))
        if not data.courses:
            story.append(Paragraph("There are no treatments in this period.", st.body))
        for course in data.courses:
            story += self._course(course)
        story.append(Paragraph("When to get help", st.subheading))
        story.append(Paragraph(RED_FLAGS, st.callout))
        return story

    def _course(self, course: PatientCourse) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        st = self.styles
        out: list[Flowable] = [
            Paragraph("Your treatment: " + para_text(clip(course.title, 150)), st.heading)
        ]
        if len(course.title) > 150:
            out += text_flowables(course.title, st.body)
        summary = course.summary
        if summary.first_on is not None and summary.last_on is not None:
            when = (
                f"on {long_date(summary.first_on)}"
                if summary.first_on == summary.last_on
                else f"between {long_date(summary.first_on)} and {long_date(summary.last_on)}"
            )
            sentence = f"You had {plural(summary.session_count, 'treatment')} {when}"
            if summary.sessions_per_week is not None:
                sentence += f", about {summary.sessions_per_week:.1f} a week"
            names = ", ".join(para_text(clip(name, 80)) for name in course.practitioners[:3])
            out.append(
                Paragraph(f"{sentence}, with {names}." if names else sentence + ".", st.body)
            )

        out.append(Paragraph("How your pain changed", st.subheading))
        for change in summary.pain:
            out.append(Paragraph(para_text(patient_pain_sentences(change)), st.body))
        if not summary.pain:
            out.append(Paragraph("No pain scores were noted.", st.body))
        elif course.readings:
            out.append(
                PainChart(
                    course.readings,
                    summary.pain,
                    width=self.frame_width,
                    height=200,
                    before_label="pain when you arrived",
                    after_label="pain after treatment",
                    band_label="less than a change you would notice",
                    large=True,
                )
            )
            out.append(Paragraph(PAIN_SCALE_NOTE, st.small))
        out += self._what_we_did(course)
        if course.reactions:
            out.append(Paragraph("Reactions we noted", st.subheading))
            for day, category in course.reactions:
                out.append(Paragraph(f"{long_date(day)}: {PATIENT_REACTIONS[category]}.", st.body))
        out.append(Paragraph("Your practitioner's advice", st.subheading))
        if course.advice:
            for advice in course.advice:
                out += text_flowables(
                    advice.text, st.body, lead=f"<b>{long_date(advice.given_on)}:</b> "
                )
        else:
            out.append(Paragraph("No written advice was noted.", st.body))
        out.append(Paragraph("Next steps", st.subheading))
        if course.closed:
            next_steps = (
                "Your course of treatment has finished. If the pain comes back or gets worse, "
                "please contact us."
            )
        else:
            next_steps = (
                "Keep following the advice above and bring this summary to your next "
                "appointment. Tell your practitioner how your pain has been between treatments."
            )
        out.append(Paragraph(next_steps, st.body))
        return out

    def _what_we_did(self, course: PatientCourse) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        st = self.styles
        out: list[Flowable] = [Paragraph("What we did", st.subheading)]
        if not course.points:
            out.append(Paragraph("No needling was noted.", st.body))
            return out
        total = course.summary.session_count
        always = [u for u in course.points if u.sessions == total]
        sometimes = [u for u in course.points if u.sessions < total]
        out.append(
            Paragraph(
                "Fine, sterile, single-use needles were placed at points with standard names "
                "(the code in brackets is how practitioners everywhere write them).",
                st.body,
            )
        )
        for label, uses in (
            ("At every treatment" if total > 1 else "At your treatment", always),
            ("At some treatments", sometimes),
        ):
            if uses:
                names = ", ".join(para_text(clip(u.point.plain, 120)) for u in uses)
                out.append(Paragraph(f"<b>{label}:</b> {names}.", st.body))
        if course.retention_min is not None and course.retention_max is not None:
            if course.retention_min == course.retention_max:
                minutes = number(course.retention_min)
            else:
                minutes = f"{number(course.retention_min)} to {number(course.retention_max)}"
            out.append(Paragraph(f"The needles stayed in for {minutes} minutes.", st.body))
        if course.electro:
            out.append(
                Paragraph(
                    "At some points a gentle electrical pulse was passed between two needles "
                    "(electro-acupuncture).",
                    st.body,
                )
            )
        if course.co_interventions:
            others = ", ".join(para_text(clip(c, 80)) for c in course.co_interventions)
            out.append(Paragraph(f"We also used: {others}.", st.body))
        return out


def render_patient_summary(data: PatientSummaryData) -> bytes:
    """The patient summary as PDF bytes."""
    return PatientSummaryRenderer(data).generate()
