"""Saving intakes with their review, the screening status the banner shows, the baseline."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from acujournal.domain.intake import (
    AlertLevel,
    IntakeReview,
    IntakeSource,
    IssueKind,
    ReviewDecision,
)
from acujournal.domain.model import Case, Patient
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.domain.screening import Caution, RedFlag, ScreeningOutcome
from acujournal.domain.validation import ValidationError
from acujournal.services.intake import (
    BASELINE_NOTE,
    PreparedIntake,
    get_intake,
    intakes_of_patient,
    open_case_from_intake,
    prepare_intake,
    record_review,
    save_intake,
    screening_status,
)
from acujournal.services.patients import list_patients, open_case, patient_overview
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from tests.builders import Journal, make_journal
from tests.services.intake_answers import clean_answers

SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def prepared(
    journal: Journal,
    answers: dict[str, object] | None = None,
    *,
    case: bool = True,
    at: datetime = SUBMITTED,
) -> PreparedIntake:
    return prepare_intake(
        shipped_questionnaire(),
        clean_answers() if answers is None else answers,
        patient_id=journal.patient.id,
        case_id=journal.case.id if case else None,
        source=IntakeSource.APP,
        submitted_at=at,
        time_zone="Europe/Oslo",
        birth_date=journal.patient.birth_date,
    )


def review(journal: Journal, decision: ReviewDecision, reason: str = "") -> IntakeReview:
    return IntakeReview(decision, journal.practitioner.id, SUBMITTED + timedelta(hours=3), reason)


def test_an_intake_is_saved_with_its_screening_and_review(db: Database) -> None:
    journal = make_journal(db)
    intake = save_intake(db, prepared(journal), review(journal, ReviewDecision.ACCEPT))
    stored = get_intake(db, intake.id)
    assert stored.answers == clean_answers()
    assert stored.screening.outcome is ScreeningOutcome.NO_FLAGS
    assert stored.source is IntakeSource.APP
    assert stored.submitted_at == SUBMITTED
    assert stored.review is not None
    assert stored.review.decision is ReviewDecision.ACCEPT
    assert stored.review.reviewer_id == journal.practitioner.id
    assert intakes_of_patient(db, journal.patient.id) == [stored]


def test_the_baseline_answers_become_the_cases_first_measurements(db: Database) -> None:
    journal = make_journal(db)
    save_intake(db, prepared(journal))
    measurements = patient_overview(db, journal.patient.id).measurements[journal.case.id]
    by_code = {m.instrument: m for m in measurements}
    assert set(by_code) == {"NRS_BACK", "NRS_LEG", "ODI"}
    assert (by_code["NRS_BACK"].value, by_code["NRS_BACK"].score) == (5.0, 5.0)
    assert by_code["ODI"].score == pytest.approx(15 / 45 * 100)
    assert all(m.taken_at == SUBMITTED and m.note == BASELINE_NOTE for m in measurements)


def test_an_invalid_instrument_answer_is_kept_but_not_measured(db: Database) -> None:
    journal = make_journal(db)
    answers = clean_answers(odi=[1, None, None, None, 1, 1, 1, 1, 1, 1])
    intake = prepared(journal, answers)
    assert [(i.question, i.kind) for i in intake.issues] == [("odi", IssueKind.INVALID)]
    save_intake(db, intake)
    measurements = patient_overview(db, journal.patient.id).measurements[journal.case.id]
    assert {m.instrument for m in measurements} == {"NRS_BACK", "NRS_LEG"}


def test_an_intake_without_a_case_records_no_measurements(db: Database) -> None:
    journal = make_journal(db)
    save_intake(db, prepared(journal, case=False))
    assert patient_overview(db, journal.patient.id).measurements == {}


def test_a_new_patient_is_created_from_the_contact_details_with_the_intake(db: Database) -> None:
    make_journal(db)
    newcomer = Patient(name="Kari Nordmann", birth_date=date(1990, 1, 1))
    intake = prepare_intake(
        shipped_questionnaire(),
        clean_answers(name="Kari Nordmann"),
        patient_id=newcomer.id,
        source=IntakeSource.PDF,
        submitted_at=SUBMITTED,
        new_patient=newcomer,
    )
    save_intake(db, intake)
    assert "Kari Nordmann" in [p.name for p in list_patients(db)]
    assert intakes_of_patient(db, newcomer.id)[0].source is IntakeSource.PDF


def test_nothing_is_stored_when_the_review_is_refused(db: Database) -> None:
    journal = make_journal(db)
    flagged = prepared(journal, clean_answers(saddle_numbness=True))
    with pytest.raises(ValidationError, match="despite the red flags"):
        save_intake(db, flagged, review(journal, ReviewDecision.ACCEPT))
    assert intakes_of_patient(db, journal.patient.id) == []
    assert patient_overview(db, journal.patient.id).measurements == {}


def test_an_unknown_reviewer_or_a_strangers_case_is_refused(db: Database) -> None:
    journal = make_journal(db)
    stranger = IntakeReview(ReviewDecision.ACCEPT, uuid.uuid4(), SUBMITTED)
    with pytest.raises(NotFoundError, match="No practitioner"):
        save_intake(db, prepared(journal), stranger)
    other = make_journal(db, "Ola Nordmann")
    wrong_case = prepared(journal)
    wrong_case.intake.case_id = other.case.id
    with pytest.raises(ValidationError, match="case of another patient"):
        save_intake(db, wrong_case)
    assert intakes_of_patient(db, journal.patient.id) == []


def test_later_decisions_are_added_and_the_latest_counts(db: Database) -> None:
    journal = make_journal(db)
    intake = save_intake(db, prepared(journal, clean_answers(fever=True)))
    record_review(
        db,
        intake.id,
        ReviewDecision.REFER_OUT,
        "Fever with back pain: to the GP today",
        journal.practitioner.id,
        SUBMITTED + timedelta(hours=1),
    )
    record_review(
        db,
        intake.id,
        ReviewDecision.ACCEPT,
        "GP found a cold; no infection of the spine",
        journal.practitioner.id,
        SUBMITTED + timedelta(days=3),
    )
    stored = get_intake(db, intake.id)
    assert [r.decision for r in stored.reviews] == [
        ReviewDecision.REFER_OUT,
        ReviewDecision.ACCEPT,
    ]
    assert stored.review is not None
    assert stored.review.reason.startswith("GP found a cold")


def test_screening_status_is_none_without_an_intake(db: Database) -> None:
    journal = make_journal(db)
    assert screening_status(db, journal.patient.id) is None


def test_screening_status_shows_an_unreviewed_red_flag_in_red(db: Database) -> None:
    journal = make_journal(db)
    save_intake(db, prepared(journal, clean_answers(bladder_changes=True, anticoagulants=True)))
    status = screening_status(db, journal.patient.id)
    assert status is not None
    assert status.level is AlertLevel.REFER
    assert status.screening.red_flags == (RedFlag.BLADDER_CHANGES,)
    assert status.screening.cautions == (Caution.ANTICOAGULANTS,)
    assert status.review is None


def test_screening_status_carries_the_review_and_the_reviewers_name(db: Database) -> None:
    journal = make_journal(db)
    intake = save_intake(db, prepared(journal, clean_answers(diabetes=True)))
    record_review(db, intake.id, ReviewDecision.ACCEPT_WITH_CAUTION, "", journal.practitioner.id)
    status = screening_status(db, journal.patient.id)
    assert status is not None
    assert status.level is AlertLevel.CAUTION
    assert status.review is not None
    assert status.review.decision is ReviewDecision.ACCEPT_WITH_CAUTION
    assert status.reviewer_name == "Dr Lin Mei"


def test_screening_status_prefers_the_active_cases_latest_intake(db: Database) -> None:
    journal = make_journal(db)
    # A newer intake without a case must not hide the one of the case being treated...
    save_intake(db, prepared(journal, clean_answers(trauma=True)))
    save_intake(db, prepared(journal, case=False, at=SUBMITTED + timedelta(days=1)))
    status = screening_status(db, journal.patient.id)
    assert status is not None
    assert status.screening.red_flags == (RedFlag.TRAUMA,)
    # ...but without an open case, the patient's latest intake counts.
    closed = Case(
        patient_id=journal.patient.id,
        title="Old neck pain",
        condition="neck pain",
        opened_on=date(2020, 1, 1),
        closed_on=date(2020, 2, 1),
    )
    open_case(db, closed)
    intake = save_intake(db, prepared(journal, case=False, at=SUBMITTED + timedelta(days=2)))
    status = screening_status(db, journal.patient.id)
    assert status is not None
    assert status.intake_id != intake.id


def test_a_case_is_opened_from_an_intake_with_its_baseline(db: Database) -> None:
    journal = make_journal(db)
    intake = save_intake(db, prepared(journal, case=False))
    case = open_case_from_intake(db, intake.id, opened_on=date(2026, 3, 3))
    assert case.title == "Shooting pain down the left leg"
    assert case.condition == "sciatica"
    assert (case.side.value, case.radiation, case.numbness) == ("left", case.radiation, True)
    assert case.radiation is not None
    assert case.radiation.value == "calf"
    assert case.onset_date == date(2026, 2, 20)
    assert case.suspected_cause == "A slipped (herniated) disc"
    assert get_intake(db, intake.id).case_id == case.id
    measurements = patient_overview(db, journal.patient.id).measurements[case.id]
    assert {m.instrument for m in measurements} == {"NRS_BACK", "NRS_LEG", "ODI"}
