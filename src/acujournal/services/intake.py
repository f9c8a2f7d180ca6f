"""Use cases of the intake questionnaire: screen, save, review, show, print.

Answers come from the clinic tablet, from the fillable PDF (:mod:`acujournal.services.
intake_pdf`) or from an ``acujournal/1`` file; whichever way, :func:`prepare_intake` screens
them and :func:`save_intake` stores them (with a new patient made from the contact details
when there is no patient yet) in one transaction. Nothing is stored before the practitioner
has seen what was read and confirmed it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from acujournal.domain import outcomes
from acujournal.domain.intake import (
    AnswerIssue,
    Intake,
    IntakeReview,
    IntakeSource,
    ReviewDecision,
    ScreeningStatus,
    answer_issues,
    answer_value_problem,
    case_from_answers,
    local_day,
    patient_from_answers,
    review_problems,
    screen_answers,
)
from acujournal.domain.model import Case, OutcomeMeasurement, Patient
from acujournal.domain.questionnaire import QuestionKind, Questionnaire
from acujournal.domain.validation import Problem, ValidationError, check_time_zone
from acujournal.services.patients import list_patients
from acujournal.services.questionnaires import questionnaire_in
from acujournal.services.reporting import read_clinic_header
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.db import Database
from acujournal.storage.models import MeasurementRow
from acujournal.storage.repository import JournalRepository, NotFoundError, PatientSummary

if TYPE_CHECKING:  # the letter needs ReportLab, imported when a letter is made
    from acujournal.reports.intake_letter import IntakeLetterData

BASELINE_NOTE = "intake questionnaire"
# Measurement ids derived from the intake's id and the instrument, so recording an intake's
# baseline twice (saving, then opening a case from it) never adds the same reading twice.
_BASELINE_NAMESPACE = uuid.UUID("6f1d3a52-8c1e-4f6b-9a0d-2b7c4e5f8a91")


@dataclass(frozen=True, slots=True)
class PreparedIntake:
    """An intake ready to be shown for confirmation: the record and what to look at."""

    intake: Intake
    questionnaire: Questionnaire
    issues: list[AnswerIssue]
    new_patient: Patient | None = None


def prepare_intake(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    *,
    patient_id: uuid.UUID,
    source: IntakeSource,
    submitted_at: datetime,
    time_zone: str = "UTC",
    case_id: uuid.UUID | None = None,
    unreadable: dict[str, str] | None = None,
    birth_date: date | None = None,
    new_patient: Patient | None = None,
) -> PreparedIntake:
    """Screen answers into an intake record (nothing is stored).

    ``birth_date`` is the patient's recorded birth date, used for the age rule when the form
    gives none; ``new_patient`` the patient to create on saving, when there is none yet.
    """
    day = local_day(submitted_at, time_zone)
    screening = screen_answers(questionnaire, answers, day, birth_date=birth_date)
    intake = Intake(
        patient_id=patient_id,
        case_id=case_id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        submitted_at=submitted_at,
        time_zone=time_zone,
        source=source,
        answers=dict(answers),
        unreadable=dict(unreadable or {}),
        screening=screening,
    )
    issues = answer_issues(questionnaire, answers, on=day, unreadable=unreadable)
    return PreparedIntake(intake, questionnaire, issues, new_patient)


def prepare_for_patient(
    db: Database,
    questionnaire: Questionnaire,
    answers: dict[str, object],
    *,
    source: IntakeSource,
    unreadable: dict[str, str] | None = None,
    patient_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    time_zone: str = "UTC",
    now: datetime | None = None,
) -> PreparedIntake:
    """Answers as an intake to confirm, for a patient of the journal or a new one.

    With ``patient_id`` the intake goes to that patient and, unless ``case_id`` says
    otherwise, to their open case; without it, a new patient is made from the contact answers
    (ValidationError on ``patient.name`` when they give no name). NotFoundError for an unknown
    patient.
    """
    new_patient: Patient | None = None
    if patient_id is None:
        new_patient = patient_from_answers(questionnaire, answers)
        if new_patient is None:
            raise ValidationError(
                [Problem("patient.name", "the answers give no name to make a patient from")]
            )
        patient_id, birth_date = new_patient.id, new_patient.birth_date
    else:
        with read_only(db) as repo:
            birth_date = repo.get_patient(patient_id).birth_date
            if case_id is None:
                active = _active_case(repo.cases_of_patient(patient_id))
                case_id = active.id if active is not None else None
    return prepare_intake(
        questionnaire,
        answers,
        patient_id=patient_id,
        case_id=case_id,
        source=source,
        submitted_at=now or utc_now(),
        time_zone=time_zone,
        unreadable=unreadable,
        birth_date=birth_date,
        new_patient=new_patient,
    )


def baseline_measurements(questionnaire: Questionnaire, intake: Intake) -> list[OutcomeMeasurement]:
    """The intake's answers to outcome instruments (NRS, ODI, ...) as baseline measurements
    of its case; none without a case. Invalid answers (an ODI with 5 sections) are left out."""
    if intake.case_id is None:
        return []
    found: list[OutcomeMeasurement] = []
    for question in questionnaire.questions():
        value = intake.answers.get(question.key)
        if question.instrument is None or value is None:
            continue
        if answer_value_problem(question, value) is not None:
            continue
        rating = question.kind is QuestionKind.NRS
        answers = None if rating else value
        reading = float(value) if rating and isinstance(value, int) else None
        found.append(
            OutcomeMeasurement(
                id=uuid.uuid5(_BASELINE_NAMESPACE, f"{intake.id}/{question.instrument}"),
                case_id=intake.case_id,
                instrument=question.instrument,
                taken_at=intake.submitted_at,
                time_zone=intake.time_zone,
                answers=answers,
                value=reading,
                score=outcomes.score(question.instrument, answers, reading),
                note=BASELINE_NOTE,
            )
        )
    return found


def _check_review(repo: JournalRepository, intake: Intake, review: IntakeReview) -> None:
    problems = review_problems(intake.screening, review.decision, review.reason)
    if review.reviewed_at.utcoffset() is None:
        problems.append(Problem("review.reviewed_at", "must include a time zone"))
    if problems:
        raise ValidationError(problems)
    repo.get_practitioner(review.reviewer_id)  # NotFoundError names a missing reviewer


def _add_baseline(repo: JournalRepository, measurements: list[OutcomeMeasurement]) -> None:
    stored = repo.existing_ids(MeasurementRow, (m.id for m in measurements))
    for measurement in measurements:
        if measurement.id not in stored:
            repo.add_measurement(measurement)


def save_intake(
    db: Database,
    prepared: PreparedIntake,
    review: IntakeReview | None = None,
    *,
    record_baseline: bool = True,
) -> Intake:
    """Store a prepared intake (and its new patient, review and baseline) in one transaction.

    The case, when given, must belong to the patient. With ``record_baseline`` the answers to
    outcome instruments become the case's first measurements.
    """
    intake = prepared.intake
    problems = list(check_time_zone("intake.time_zone", intake.time_zone))
    if intake.submitted_at.utcoffset() is None:
        problems.append(Problem("intake.submitted_at", "must include a time zone"))
    if prepared.new_patient is not None and prepared.new_patient.id != intake.patient_id:
        problems.append(Problem("intake.patient_id", "is not the new patient's id"))
    if problems:
        raise ValidationError(problems)
    with unit_of_work(db) as repo:
        if prepared.new_patient is not None:
            patient = prepared.new_patient
            if not patient.name.strip():
                raise ValidationError([Problem("patient.name", "a patient needs a name")])
            repo.add_patient(patient, created_at=utc_now())
            # The intake row has no ORM relationship to order it after its patient.
            repo.session.flush()
        else:
            repo.get_patient(intake.patient_id)
        if intake.case_id is not None and repo.patient_id_of_case(intake.case_id) != (
            intake.patient_id
        ):
            raise ValidationError([Problem("intake.case_id", "is a case of another patient")])
        if review is not None:
            _check_review(repo, intake, review)
            intake.reviews = [review]
        repo.add_intake(intake)
        if record_baseline:
            repo.session.flush()
            _add_baseline(repo, baseline_measurements(prepared.questionnaire, intake))
    return intake


def record_review(
    db: Database,
    intake_id: uuid.UUID,
    decision: ReviewDecision,
    reason: str,
    reviewer_id: uuid.UUID,
    reviewed_at: datetime | None = None,
) -> IntakeReview:
    """Record a practitioner's decision on a stored intake (earlier decisions are kept)."""
    review = IntakeReview(
        decision=decision,
        reason=reason.strip(),
        reviewer_id=reviewer_id,
        reviewed_at=reviewed_at or utc_now(),
    )
    with unit_of_work(db) as repo:
        intake = repo.get_intake(intake_id)
        _check_review(repo, intake, review)
        repo.add_intake_review(intake_id, review)
    return review


def get_intake(db: Database, intake_id: uuid.UUID) -> Intake:
    with read_only(db) as repo:
        return repo.get_intake(intake_id)


def intakes_of_patient(db: Database, patient_id: uuid.UUID) -> list[Intake]:
    """A patient's intakes, newest first."""
    with read_only(db) as repo:
        return repo.intakes_of_patient(patient_id)


def _active_case(cases: list[Case]) -> Case | None:
    """The patient's current episode of care: the newest case that is not closed."""
    open_cases = [c for c in cases if c.closed_on is None]
    return open_cases[0] if open_cases else None


def active_case(db: Database, patient_id: uuid.UUID) -> Case | None:
    """The patient's current episode of care (the newest case not closed), or None."""
    with read_only(db) as repo:
        return _active_case(repo.cases_of_patient(patient_id))


def same_patients(db: Database, patient: Patient) -> list[PatientSummary]:
    """Patients already in the journal with the same name and birth date as ``patient``
    (a form sent twice, or by someone already treated here)."""
    name = " ".join(patient.name.split()).casefold()
    return [
        summary
        for summary in list_patients(db, include_archived=True)
        if " ".join(summary.name.split()).casefold() == name
        and summary.birth_date == patient.birth_date
    ]


def screening_status(db: Database, patient_id: uuid.UUID) -> ScreeningStatus | None:
    """The screening a patient's page and session editor show, or None without any intake.

    The latest intake of the patient's active case when it has one, else the patient's
    latest intake; with its screening, the latest review decision and the reviewer's name.
    """
    with read_only(db) as repo:
        intakes = repo.intakes_of_patient(patient_id)
        if not intakes:
            return None
        active = _active_case(repo.cases_of_patient(patient_id))
        of_case = [i for i in intakes if active is not None and i.case_id == active.id]
        intake = (of_case or intakes)[0]
        review = intake.review
        reviewer = repo.get_practitioner(review.reviewer_id).name if review else ""
    return ScreeningStatus(
        intake_id=intake.id,
        patient_id=intake.patient_id,
        case_id=intake.case_id,
        submitted_at=intake.submitted_at,
        screening=intake.screening,
        review=review,
        reviewer_name=reviewer,
    )


def open_case_from_intake(
    db: Database, intake_id: uuid.UUID, opened_on: date | None = None
) -> Case:
    """Open a case filled from an intake's answers, tie the intake to it and record the
    baseline measurements; LookupError when the questionnaire is not known here."""
    with unit_of_work(db) as repo:
        intake = repo.get_intake(intake_id)
        questionnaire = questionnaire_in(
            repo, intake.questionnaire_key, intake.questionnaire_version
        )
        if questionnaire is None:
            raise NotFoundError(
                f"The questionnaire {intake.questionnaire_key}/{intake.questionnaire_version} "
                "is not available to fill a case from."
            )
        day = opened_on or local_day(utc_now(), intake.time_zone)
        case = case_from_answers(questionnaire, intake.answers, intake.patient_id, day)
        repo.add_case(case)
        repo.session.flush()
        repo.set_intake_case(intake.id, case.id)
        intake.case_id = case.id
        _add_baseline(repo, baseline_measurements(questionnaire, intake))
    return case


def letter_data(
    db: Database, intake_id: uuid.UUID, generated_at: datetime | None = None
) -> IntakeLetterData:
    """What the letter to the patient about a reviewed intake says; ValueError before review."""
    from acujournal.reports.intake_letter import IntakeLetterData

    with read_only(db) as repo:
        intake = repo.get_intake(intake_id)
        review = intake.review
        if review is None:
            raise ValueError("This intake has not been reviewed yet: record a decision first.")
        patient = repo.get_patient(intake.patient_id)
        reviewer = repo.get_practitioner(review.reviewer_id)
        clinic = read_clinic_header(repo.session)
    return IntakeLetterData(
        clinic=clinic,
        generated_at=generated_at or utc_now(),
        patient_name=patient.name,
        submitted_on=local_day(intake.submitted_at, intake.time_zone),
        decision=review.decision,
        reviewed_on=local_day(review.reviewed_at, intake.time_zone),
        reviewer_name=reviewer.name,
        reviewer_qualification=reviewer.qualification,
        reason=review.reason,
        screening=intake.screening,
    )


def intake_letter_pdf(
    db: Database, intake_id: uuid.UUID, generated_at: datetime | None = None
) -> bytes:
    """The short letter to the patient about the review decision, as PDF bytes."""
    from acujournal.reports.intake_letter import IntakeLetterRenderer

    return IntakeLetterRenderer(letter_data(db, intake_id, generated_at)).generate()
