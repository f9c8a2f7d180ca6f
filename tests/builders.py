"""Small builders for test journals: a practitioner, a patient, a case, sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from acujournal.domain.model import (
    Case,
    CaseSide,
    NeedleInsertion,
    PainScores,
    Patient,
    Practitioner,
    Radiation,
    Side,
    SoapNotes,
    Stimulation,
    StimulationMethod,
    TissueLevel,
    TreatmentSession,
)
from acujournal.services.patients import create_patient, open_case
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database

SCIATICA_POINTS = ("BL23", "BL25", "GB30", "BL40", "GB34", "BL57", "BL60", "KI3")


@dataclass
class Journal:
    db: Database
    practitioner: Practitioner
    patient: Patient
    case: Case


def make_journal(db: Database, patient_name: str = "Åse Bjørnstad") -> Journal:
    """A practitioner and one sciatica patient with an open case."""
    practitioner = Practitioner(name="Dr Lin Mei", qualification="MSc Acupuncture")
    with unit_of_work(db) as repo:
        repo.add_practitioner(practitioner)
    patient = create_patient(
        db, Patient(name=patient_name, birth_date=date(1968, 4, 2), phone="+47 912 34 567")
    )
    case = open_case(
        db,
        Case(
            patient_id=patient.id,
            title="Left-sided sciatica",
            condition="sciatica",
            side=CaseSide.LEFT,
            radiation=Radiation.CALF,
            opened_on=date(2026, 1, 5),
        ),
    )
    return Journal(db, practitioner, patient, case)


def sciatica_needles(points: tuple[str, ...] = SCIATICA_POINTS) -> list[NeedleInsertion]:
    return [
        NeedleInsertion(
            point=p,
            side=Side.BILATERAL,
            depth_mm=25,
            gauge_mm=0.25,
            length_mm=40,
            retention_min=25,
            deqi=True,
        )
        for p in points
    ]


def make_session(
    journal: Journal,
    started_at: datetime = datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    *,
    days_later: int = 0,
    pain_before: int = 6,
    pain_after: int = 3,
) -> TreatmentSession:
    """A complete (signable) sciatica session with 8 bilateral points."""
    needles = sciatica_needles()
    count = sum(n.needle_count for n in needles)
    return TreatmentSession(
        case_id=journal.case.id,
        practitioner_id=journal.practitioner.id,
        started_at=started_at + timedelta(days=days_later),
        time_zone="Europe/Oslo",
        pain_before=PainScores(back=pain_before, leg=pain_before + 1),
        pain_after=PainScores(back=pain_after, leg=pain_after + 1),
        needles=needles,
        needles_in=count,
        needles_out=count,
    )


def mixed_needles(first_point: str = "BL40", *, ashi_brand: str = "") -> list[NeedleInsertion]:
    """Four points of every kind: a classical point, Jiaji with 2/100 Hz electro, an Ashi point
    and a deep GB30."""
    return [
        NeedleInsertion(
            point=first_point,
            side=Side.BILATERAL,
            depth_mm=25,
            gauge_mm=0.25,
            length_mm=40,
            deqi=True,
        ),
        NeedleInsertion(
            point="EX-B2",
            side=Side.LEFT,
            depth_mm=20,
            length_mm=40,
            spinal_level="L4",
            stimulation=Stimulation(
                method=StimulationMethod.ELECTRO,
                frequency_hz=2,
                frequency_high_hz=100,
                intensity_ma=1.5,
                waveform="dense-disperse",
            ),
            retention_min=30,
        ),
        NeedleInsertion(
            point="ASHI",
            side=Side.LEFT,
            region="buttock",
            description="tender spot over piriformis",
            tissue_level=TissueLevel.MUSCLE,
            needle_brand=ashi_brand,
        ),
        NeedleInsertion(point="GB30", side=Side.LEFT, depth_mm=75.5, length_mm=100, deqi=False),
    ]


def mixed_session(
    case: Case,
    practitioner: Practitioner,
    started_at: datetime,
    *,
    time_zone: str = "Europe/Oslo",
    needles: list[NeedleInsertion] | None = None,
    internal_note: str = "",
    **changes: object,
) -> TreatmentSession:
    """A complete sciatica session with notes, advice and co-interventions over the
    ``mixed_needles`` (or the given needles); ``changes`` overwrite any field afterwards."""
    points = mixed_needles() if needles is None else needles
    count = sum(n.needle_count for n in points)
    session = TreatmentSession(
        case_id=case.id,
        practitioner_id=practitioner.id,
        started_at=started_at,
        time_zone=time_zone,
        pain_before=PainScores(back=6, leg=7),
        pain_after=PainScores(back=3, leg=None),
        needles=points,
        needles_in=count,
        needles_out=count,
        notes=SoapNotes("Worse after sitting", "SLR 40° left", "L5 radicular", "Weekly x6"),
        internal_note=internal_note,
        patient_advice="Walk 20 minutes a day",
        co_interventions=["cupping", "home exercise"],
    )
    for key, value in changes.items():
        setattr(session, key, value)
    return session
