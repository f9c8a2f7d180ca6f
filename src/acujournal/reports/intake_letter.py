"""The short letter to a patient about the review of their intake questionnaire.

Plain words, larger type, one page: thanks, who read the answers and when, the decision
(acupuncture can go ahead; go ahead with some extra care, saying which and why; or see a
doctor first, and how urgently), the practitioner's own note, and when to get help straight
away. The letter names no diagnosis: a red flag is explained as a reason to see a doctor, not
as what it might mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from acujournal.domain.intake import ReviewDecision
from acujournal.domain.screening import Caution, RedFlagGroup, ScreeningOutcome, ScreeningResult
from acujournal.reports.data import ClinicHeader
from acujournal.reports.document import ReportRenderer
from acujournal.reports.summary import RED_FLAGS as GET_HELP_NOW
from acujournal.reports.text import clip, para_text, text_flowables
from acujournal.reports.wording import long_date

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

LETTER_TITLE = "About your questionnaire"


@dataclass(frozen=True, slots=True)
class IntakeLetterData:
    """Everything the letter says; every ``str`` may hold anything a user typed."""

    clinic: ClinicHeader
    generated_at: datetime
    patient_name: str
    submitted_on: date
    decision: ReviewDecision
    reviewed_on: date
    reviewer_name: str
    screening: ScreeningResult
    reviewer_qualification: str = ""
    reason: str = ""


CAUTION_WORDING: dict[Caution, str] = {
    Caution.ANTICOAGULANTS: (
        "You take medicine that thins the blood, or you bleed easily: we will take extra care to "
        "keep bleeding and bruising to a minimum. Keep taking your medicine as prescribed."
    ),
    Caution.PACEMAKER_OR_IMPLANT: (
        "You have a pacemaker or another implanted device: we will not pass any electrical "
        "current through the needles."
    ),
    Caution.PREGNANCY: (
        "You are or may be pregnant: we will only use points that are suitable in pregnancy. "
        "Please tell us if this changes."
    ),
    Caution.DIABETES: (
        "You have diabetes: we will check the skin and feeling of your legs and feet, and take "
        "extra care to keep the needle sites clean."
    ),
    Caution.NEEDLE_FEAR_OR_FAINTING: (
        "Needles worry you, or you have fainted before: you will be treated lying down, we will "
        "start gently, and you can ask us to stop at any time."
    ),
}

REFERRAL_WORDING: dict[RedFlagGroup, str] = {
    RedFlagGroup.CAUDA_EQUINA: (
        "Some of your answers can be signs of pressure on the nerves at the bottom of the spine. "
        "This needs a doctor urgently: please contact your doctor or an emergency department "
        "today, and do not wait for an appointment with us."
    ),
    RedFlagGroup.CANCER: (
        "Some of your answers mean that a doctor should look into the cause of your pain first."
    ),
    RedFlagGroup.INFECTION: (
        "Some of your answers can be signs of an infection, which a doctor should check first."
    ),
    RedFlagGroup.FRACTURE: (
        "Some of your answers mean that a doctor should check the bones of your spine first."
    ),
}


class IntakeLetterRenderer(ReportRenderer):
    """Renders :class:`IntakeLetterData`; ``generate()`` returns the PDF bytes."""

    body_size = 12.0

    def __init__(self, data: IntakeLetterData) -> None:
        super().__init__(
            clinic=data.clinic,
            generated_at=data.generated_at,
            title=LETTER_TITLE,
            subject="The review of the patient's intake questionnaire",
            patient_name=data.patient_name,
        )
        self.data = data

    def story(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph, Spacer

        data, st = self.data, self.styles
        story: list[Flowable] = [Paragraph(LETTER_TITLE, st.title)]
        story.append(Paragraph(f"Dear {para_text(clip(data.patient_name, 150))},", st.body))
        who = para_text(clip(data.reviewer_name, 120))
        if data.reviewer_qualification.strip():
            who += f" ({para_text(clip(data.reviewer_qualification, 120))})"
        story.append(
            Paragraph(
                f"Thank you for filling in our questionnaire on {long_date(data.submitted_on)}. "
                f"{who} read your answers on {long_date(data.reviewed_on)}.",
                st.body,
            )
        )
        story += self._decision()
        if data.reason.strip():
            story.append(Paragraph("A note from your practitioner", st.subheading))
            story += text_flowables(data.reason, st.body)
        story.append(Paragraph("When to get help straight away", st.subheading))
        story.append(Paragraph(GET_HELP_NOW, st.callout))
        story.append(Spacer(1, 12))
        story.append(Paragraph("With kind regards,", st.body))
        story += text_flowables(data.reviewer_name, st.body)
        return story

    def _decision(self) -> list[Flowable]:
        from reportlab.platypus import Paragraph

        data, st = self.data, self.styles
        screening = data.screening
        out: list[Flowable] = []
        if data.decision is ReviewDecision.REFER_OUT:
            out.append(Paragraph("Please see a doctor first", st.heading))
            out.append(
                Paragraph(
                    "Before you start acupuncture, we would like you to see a doctor.", st.body
                )
            )
            for group in screening.red_flag_groups:
                out.append(Paragraph(REFERRAL_WORDING[group], st.body))
            out.append(
                Paragraph(
                    "Once a doctor has seen you, you are welcome to contact us again. Please "
                    "bring this letter with you.",
                    st.body,
                )
            )
            return out
        out.append(Paragraph("Acupuncture can go ahead", st.heading))
        out.append(
            Paragraph(
                "Your answers show that acupuncture may help you, and we look forward to seeing "
                "you. Please tell us at your first visit if anything about your health has "
                "changed since you filled in the form.",
                st.body,
            )
        )
        extra = [CAUTION_WORDING[c] for c in screening.cautions]
        if screening.outcome is ScreeningOutcome.REFER_NOW:
            extra.append(
                "Some of your answers needed a closer look. Your practitioner has considered "
                "them and explains below why treatment can go ahead."
            )
        if screening.unanswered:
            extra.append(
                "Some questions were left unanswered; we will go through them with you at your "
                "first visit."
            )
        if extra or data.decision is ReviewDecision.ACCEPT_WITH_CAUTION:
            out.append(Paragraph("We will take some extra care", st.subheading))
            if not extra:
                extra.append("Your practitioner explains below what we will pay attention to.")
            out += [Paragraph("• " + para_text(text), st.body) for text in extra]
        return out
