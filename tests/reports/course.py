"""A course of treatment to report on: sessions with pain scores, notes, advice and events."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Case,
    OutcomeMeasurement,
    PainScores,
    Patient,
    Practitioner,
    SessionStatus,
    Severity,
    SoapNotes,
    TreatmentSession,
)
from acujournal.services.patients import create_patient, open_case
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal, make_session

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
GENERATED_AT = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)

# Leg pain before each session 7, 7, 5, ...: a fall of 2 at session 3 (2026-01-19 when weekly)
# is the first clinically important improvement; back pain only falls by 1 then 2.
LEG_BEFORE = (7, 7, 5, 4, 3)
BACK_BEFORE = (4, 4, 3, 3, 2)


@dataclass
class Course:
    journal: Journal
    sessions: list[TreatmentSession]


def course_session(
    journal: Journal,
    index: int,
    *,
    back: int | None,
    leg: int | None,
    days_apart: int = 7,
    signed: bool = True,
) -> TreatmentSession:
    """Session ``index`` (0-based) of a weekly course, with notes that name their session."""
    session = make_session(journal, START, days_later=index * days_apart)
    session.pain_before = PainScores(back=back, leg=leg)
    session.pain_after = PainScores(
        back=None if back is None else max(back - 2, 0),
        leg=None if leg is None else max(leg - 2, 0),
    )
    number = index + 1
    session.notes = SoapNotes(
        subjective=f"Subjective note {number}: leg pain worse when sitting.",
        objective=f"Objective note {number}: straight leg raise 50 degrees.",
        assessment=f"Assessment note {number}: improving.",
        plan=f"Plan note {number}: continue weekly.",
    )
    session.internal_note = f"Internal note {number}: patient late, discuss fees."
    session.patient_advice = f"Advice {number}: walk twenty minutes every day."
    session.co_interventions = ["heat lamp"] if index % 2 == 0 else []
    if signed:
        session.status = SessionStatus.SIGNED
        session.signed_by = journal.practitioner.id
        session.signed_at = session.started_at + timedelta(hours=1)
    session.entered_at = session.started_at
    return session


def store(journal: Journal, sessions: Sequence[TreatmentSession]) -> None:
    """Store sessions in one transaction (the fast path for long courses)."""
    with unit_of_work(journal.db) as repo:
        for session in sessions:
            repo.save_session(session)
        repo.touch_last_visit(journal.patient.id, sessions[-1].started_at)


def weekly_course(journal: Journal) -> Course:
    """Five weekly sessions; a bruise at session 2; ODI measured three times."""
    sessions = [
        course_session(journal, i, back=back, leg=leg)
        for i, (back, leg) in enumerate(zip(BACK_BEFORE, LEG_BEFORE, strict=True))
    ]
    sessions[1].adverse_events = [
        AdverseEvent(
            AdverseEventCategory.BLEEDING_BRUISING,
            Severity.MILD,
            action="Pressure for one minute.",
            description="Small bruise at GB30.",
        )
    ]
    store(journal, sessions)
    with unit_of_work(journal.db) as repo:
        for weeks, odi in ((0, 44.0), (2, 36.0), (4, 30.0)):
            repo.add_measurement(
                OutcomeMeasurement(
                    case_id=journal.case.id,
                    instrument="ODI",
                    taken_at=START + timedelta(weeks=weeks, minutes=5),
                    score=odi,
                )
            )
    return Course(journal, sessions)


def two_practitioner_clinic(db: Database) -> None:
    """Åse (sciatica, Dr Lin Mei, Jan-Feb 2026, a forgotten needle on 2 February) and Chen Wei
    (low back pain that does not improve, Anna Berg, February)."""
    journal = make_journal(db)
    sessions = [
        course_session(journal, i, back=back, leg=leg)
        for i, (back, leg) in enumerate([(4, 7), (4, 7), (3, 5), (3, 4), (2, 3)])
    ]
    sessions[4].adverse_events = [
        AdverseEvent(AdverseEventCategory.FORGOTTEN_NEEDLE, Severity.MODERATE, action="Removed.")
    ]
    store(journal, sessions)
    colleague = Practitioner(name="Anna Berg")
    with unit_of_work(db) as repo:
        repo.add_practitioner(colleague)
    patient = create_patient(db, Patient(name="Chen Wei"))
    case = open_case(
        db, Case(patient_id=patient.id, title="Low back pain", condition="low back pain")
    )
    second = Journal(db, colleague, patient, case)
    store(second, [course_session(second, i + 4, back=6, leg=None) for i in range(3)])


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def body_text(pdf: bytes) -> str:
    """The text inside the page frames only, without running headers and footers.

    Text that flows across a page break is then contiguous, as a reader would follow it.
    """
    from pypdf import PdfReader

    from acujournal.reports.document import FOOTER_SPACE, HEADER_SPACE, MARGIN

    parts: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        top = float(page.mediabox.height) - MARGIN - HEADER_SPACE + 10
        bottom = MARGIN + FOOTER_SPACE - 10

        def keep(
            text: str,
            cm: list[float],
            tm: list[float],
            *_: object,
            top: float = top,
            bottom: float = bottom,
        ) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if bottom <= y <= top:
                parts.append(text)

        page.extract_text(visitor_text=keep)
    return "".join(parts)


def squashed(text: str) -> str:
    """Text without any whitespace, for comparisons that must ignore line breaking."""
    return re.sub(r"\s+", "", text)


def flat(text: str) -> str:
    """Text with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", text).strip()
