"""The letter to the patient about their reviewed intake, read back from the PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from acujournal.domain.intake import IntakeReview, IntakeSource, ReviewDecision
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import (
    intake_letter_pdf,
    letter_data,
    prepare_intake,
    record_review,
    save_intake,
)
from acujournal.services.settings import set_setting
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal
from tests.services.intake_answers import clean_answers

SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
GENERATED = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def letter_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def reviewed(
    db: Database, journal: Journal, decision: ReviewDecision, reason: str, **answers: object
) -> bytes:
    prepared = prepare_intake(
        shipped_questionnaire(),
        clean_answers(**answers),
        patient_id=journal.patient.id,
        source=IntakeSource.APP,
        submitted_at=SUBMITTED,
        time_zone="Europe/Oslo",
    )
    review = IntakeReview(decision, journal.practitioner.id, SUBMITTED + timedelta(days=1), reason)
    intake = save_intake(db, prepared, review)
    return intake_letter_pdf(db, intake.id, GENERATED)


@pytest.fixture
def journal(db: Database) -> Journal:
    set_setting(db, "clinic.name", "Nordlys Akupunktur")
    return make_journal(db)


def test_an_accepted_intake_says_acupuncture_can_go_ahead(db: Database, journal: Journal) -> None:
    text = letter_text(reviewed(db, journal, ReviewDecision.ACCEPT, ""))
    assert "About your questionnaire" in text
    assert "Dear Åse Bjørnstad," in text
    assert "on 2 March 2026" in text
    assert "Dr Lin Mei (MSc Acupuncture) read your answers on 3 March 2026" in text
    assert "Acupuncture can go ahead" in text
    assert "extra care" not in text
    assert "Nordlys Akupunktur" in text
    assert "When to get help straight away" in text


def test_a_cautious_acceptance_names_each_precaution(db: Database, journal: Journal) -> None:
    pdf = reviewed(
        db,
        journal,
        ReviewDecision.ACCEPT_WITH_CAUTION,
        "We will treat you lying down.",
        pacemaker_or_implant=True,
        needle_fear=True,
    )
    text = letter_text(pdf)
    assert "We will take some extra care" in text
    assert "we will not pass any electrical current through the needles" in text
    assert "you will be treated lying down" in text
    assert "A note from your practitioner We will treat you lying down." in text


def test_a_referral_for_cauda_equina_signs_says_today(db: Database, journal: Journal) -> None:
    pdf = reviewed(
        db,
        journal,
        ReviewDecision.REFER_OUT,
        "Please show this letter to your doctor.",
        saddle_numbness=True,
    )
    text = letter_text(pdf)
    assert "Please see a doctor first" in text
    assert "emergency department today" in text
    assert "Acupuncture can go ahead" not in text
    # The letter names no diagnosis.
    assert "cauda equina" not in text.lower()
    assert "cancer" not in text.lower()


def test_the_letter_prints_the_latest_decision_and_hostile_text_safely(
    db: Database, journal: Journal
) -> None:
    first = reviewed(db, journal, ReviewDecision.REFER_OUT, "GP first", fever=True)
    assert "Please see a doctor first" in letter_text(first)
    intake_id = letter_data_intake(db, journal)
    record_review(
        db,
        intake_id,
        ReviewDecision.ACCEPT,
        "</para><b>GP: a cold</b> & nothing more",
        journal.practitioner.id,
        SUBMITTED + timedelta(days=4),
    )
    text = letter_text(intake_letter_pdf(db, intake_id, GENERATED))
    assert "Acupuncture can go ahead" in text
    assert "Some of your answers needed a closer look" in text
    assert "</para><b>GP: a cold</b> & nothing more" in text


def letter_data_intake(db: Database, journal: Journal) -> object:
    from acujournal.services.intake import intakes_of_patient

    return intakes_of_patient(db, journal.patient.id)[0].id


def test_no_letter_before_a_review(db: Database, journal: Journal) -> None:
    prepared = prepare_intake(
        shipped_questionnaire(),
        clean_answers(),
        patient_id=journal.patient.id,
        source=IntakeSource.APP,
        submitted_at=SUBMITTED,
    )
    intake = save_intake(db, prepared)
    with pytest.raises(ValueError, match="not been reviewed yet"):
        letter_data(db, intake.id)
