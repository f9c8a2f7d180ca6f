"""A small journal with a bit of everything, for the FHIR and CSV export tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from acujournal.domain.intake import IntakeSource
from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Case,
    CaseSide,
    OutcomeMeasurement,
    PainScores,
    Patient,
    Practitioner,
    Radiation,
    Severity,
    TreatmentSession,
)
from acujournal.domain.outcomes import clinic_measure, score
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import prepare_intake, save_intake
from acujournal.services.patients import create_patient, open_case
from acujournal.services.sessions import amend_session, record_session, sign_session
from acujournal.services.settings import set_clinic_measures
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database
from tests.builders import mixed_session
from tests.services.intake_answers import clean_answers

OSLO = "Europe/Oslo"
INTERNAL = "INTERNAL-7731 referrer is difficult, keep this to ourselves"
FIRST = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass
class ExportJournal:
    lin: Practitioner
    ola: Practitioner
    unused: Practitioner
    aase: Patient
    john: Patient
    sciatica: Case
    john_case: Case
    sessions: list[TreatmentSession]
    john_session: TreatmentSession
    measurements: list[OutcomeMeasurement]


def _session(case: Case, who: Practitioner, at: datetime, **changes: object) -> TreatmentSession:
    return mixed_session(case, who, at, internal_note=INTERNAL, **changes)


WALK = clinic_measure("WALK_MIN", "Walking minutes", minimum=0, maximum=240, unit="min")


def _measure(
    case: Case,
    code: str,
    at: datetime,
    *,
    answers: object = None,
    value: float | None = None,
    session_id: uuid.UUID | None = None,
    note: str = "",
) -> OutcomeMeasurement:
    return OutcomeMeasurement(
        case_id=case.id,
        instrument=code,
        taken_at=at,
        time_zone=OSLO,
        answers=answers,
        value=value,
        score=score(code, answers, value, known={"WALK_MIN": WALK}),
        session_id=session_id,
        note=note,
    )


def build_export_journal(db: Database) -> ExportJournal:
    """Two patients: Åse with a sciatica course (signed, amended and draft sessions, an adverse
    event, every outcome instrument, an intake) and John with one session by another
    practitioner; a third practitioner treats nobody."""
    lin = Practitioner(name="Dr Lin Mei", qualification="MSc Acupuncture", years_in_practice=12)
    ola = Practitioner(name="Ola Nordmann")
    unused = Practitioner(name="Zed Unused", active=False)
    with unit_of_work(db) as repo:
        for practitioner in (lin, ola, unused):
            repo.add_practitioner(practitioner)
    set_clinic_measures(db, [WALK])
    aase = create_patient(
        db,
        Patient(
            name="Åse Bjørnstad",
            birth_date=date(1968, 4, 2),
            phone="+47 912 34 567",
            email="ase@example.org",
            address="Storgata 1\n0155 Oslo",
        ),
    )
    john = create_patient(db, Patient(name="John Doe", email="john@example.com"))
    sciatica = open_case(
        db,
        Case(
            patient_id=aase.id,
            title="Left-sided sciatica",
            condition="sciatica",
            side=CaseSide.LEFT,
            radiation=Radiation.CALF,
            numbness=True,
            suspected_cause="L5 disc",
            onset_date=date(2026, 2, 20),
            opened_on=date(2026, 3, 1),
            rationale="Bladder and Gallbladder channel points with local Jiaji",
        ),
    )
    john_case = open_case(
        db,
        Case(
            patient_id=john.id,
            title="Neck pain",
            condition="neck pain",
            opened_on=date(2026, 1, 2),
            closed_on=date(2026, 2, 1),
        ),
    )
    first = _session(
        sciatica,
        lin,
        FIRST,
        adverse_events=[
            AdverseEvent(
                AdverseEventCategory.BLEEDING_BRUISING,
                Severity.MILD,
                action="Pressure for 2 minutes",
                description="Small bruise at BL40",
            )
        ],
    )
    second = _session(sciatica, lin, FIRST + timedelta(days=7), pain_before=PainScores(4, 5))
    draft = _session(
        sciatica, lin, FIRST + timedelta(days=14), pain_before=PainScores(2, 3), sham=True
    )
    for session in (first, second):
        sign_session(db, session, lin.id)
    amend_session(db, second.id, ola.id, "Patient called: much better next day")
    record_session(db, draft)
    john_session = _session(john_case, ola, datetime(2026, 1, 5, 10, tzinfo=UTC))
    sign_session(db, john_session, ola.id)
    follow_up = FIRST + timedelta(days=60)
    measurements = [
        _measure(
            sciatica, "ODI", FIRST, answers=[2, 3, 1, 0, 2, 3, 1, None, 2, 1], session_id=first.id
        ),
        _measure(sciatica, "RMDQ", FIRST, answers=[i < 9 for i in range(24)], session_id=first.id),
        _measure(sciatica, "SBI", FIRST, answers=[4, 3, 2, 5], session_id=first.id),
        _measure(
            sciatica,
            "PPT",
            FIRST,
            answers={"site": "left piriformis", "unit": "kPa", "trials": [300, 320]},
            session_id=first.id,
        ),
        _measure(sciatica, "VAS_LEG", FIRST, value=68.0, session_id=first.id),
        _measure(sciatica, "WALK_MIN", FIRST, value=10.0, session_id=first.id),
        _measure(sciatica, "NRS_LEG", follow_up, value=2.0, note="Telephone follow-up."),
        _measure(
            sciatica,
            "ODI",
            follow_up,
            answers=[1, 1, 0, 0, 1, 1, 0, None, 1, 0],
            note="Telephone follow-up.",
        ),
    ]
    with unit_of_work(db) as repo:
        for m in measurements:
            repo.add_measurement(m)
    intake = prepare_intake(
        shipped_questionnaire(),
        clean_answers(onset_date=None),
        patient_id=aase.id,
        case_id=sciatica.id,
        source=IntakeSource.APP,
        submitted_at=FIRST - timedelta(days=3),
        time_zone=OSLO,
        birth_date=aase.birth_date,
        unreadable={"onset_date": "last spring sometime"},
    )
    save_intake(db, intake, record_baseline=False)
    return ExportJournal(
        lin,
        ola,
        unused,
        aase,
        john,
        sciatica,
        john_case,
        [first, second, draft],
        john_session,
        measurements,
    )
