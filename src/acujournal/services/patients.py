"""Use cases around patients and their cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from acujournal.domain.model import Case, OutcomeMeasurement, Patient
from acujournal.domain.validation import Problem, ValidationError
from acujournal.services.conflicts import refuse_if_changed, reported_as_conflict
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.db import Database
from acujournal.storage.repository import (
    PatientSummary,
    SessionSummary,
    case_state,
    patient_state,
)


@dataclass(frozen=True, slots=True)
class PatientOverview:
    """Everything a patient's page shows, loaded in one go."""

    patient: Patient
    cases: list[Case]
    history: list[SessionSummary]
    measurements: dict[uuid.UUID, list[OutcomeMeasurement]] = field(default_factory=dict)


def _check_patient(patient: Patient) -> None:
    if not patient.name.strip():
        raise ValidationError([Problem("patient.name", "a patient needs a name")])
    if len(patient.name) > 200:
        raise ValidationError([Problem("patient.name", "must be at most 200 characters")])


def create_patient(db: Database, patient: Patient) -> Patient:
    """Store a new patient."""
    _check_patient(patient)
    with unit_of_work(db) as repo:
        repo.add_patient(patient, created_at=utc_now())
    return patient


def update_patient(db: Database, patient: Patient) -> None:
    """Store changed contact details of a patient.

    Refused with a ConflictError when another room changed them since ``patient`` was read.
    """
    _check_patient(patient)
    with reported_as_conflict("patient", patient), unit_of_work(db) as repo:
        refuse_if_changed(repo, "patient", patient, repo.get_patient(patient.id), patient_state)
        repo.update_patient(patient)


def set_archived(db: Database, patient_id: uuid.UUID, archived: bool) -> None:
    """Archive a patient (hidden from the list, kept in full) or bring them back."""
    with unit_of_work(db) as repo:
        patient = repo.get_patient(patient_id)
        patient.archived = archived
        repo.update_patient(patient)


def list_patients(db: Database, include_archived: bool = False) -> list[PatientSummary]:
    """Patients for the list, most recently seen first."""
    with read_only(db) as repo:
        return repo.patient_summaries(include_archived=include_archived)


def _check_case(case: Case) -> None:
    if not case.title.strip():
        raise ValidationError([Problem("case.title", "a case needs a title")])
    if not case.condition.strip():
        raise ValidationError([Problem("case.condition", "a case needs a condition")])


def open_case(db: Database, case: Case) -> Case:
    """Start a new episode of care for a patient."""
    _check_case(case)
    with unit_of_work(db) as repo:
        repo.get_patient(case.patient_id)
        repo.add_case(case)
    return case


def update_case(db: Database, case: Case) -> None:
    """Store a changed case (title, condition, dates...).

    Refused with a ConflictError when another room changed it since ``case`` was read.
    """
    _check_case(case)
    with reported_as_conflict("case", case), unit_of_work(db) as repo:
        refuse_if_changed(repo, "case", case, repo.get_case(case.id), case_state)
        repo.update_case(case)


def patient_overview(db: Database, patient_id: uuid.UUID) -> PatientOverview:
    """A patient, their cases, session history (newest first) and measurements by case."""
    with read_only(db) as repo:
        measurements: dict[uuid.UUID, list[OutcomeMeasurement]] = {}
        for measurement in repo.measurements_of_patient(patient_id):
            measurements.setdefault(measurement.case_id, []).append(measurement)
        return PatientOverview(
            patient=repo.get_patient(patient_id),
            cases=repo.cases_of_patient(patient_id),
            history=repo.session_history(patient_id),
            measurements=measurements,
        )
