"""The clinic manager's report, read back from the PDF, and its speed on a demo clinic."""

from __future__ import annotations

import io
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader

from acujournal.domain.model import AdverseEventCategory
from acujournal.reports.clinic import render_clinic_report
from acujournal.services.clinic_stats import build_clinic_report
from acujournal.services.demo import generate_clinic
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database
from acujournal.storage.models import (
    AdverseEventRow,
    CaseRow,
    PatientRow,
    PractitionerRow,
    SessionRow,
)
from tests.reports.course import GENERATED_AT, flat, pdf_text, two_practitioner_clinic


def test_clinic_report_shows_activity_outcomes_and_forgotten_needles(db: Database) -> None:
    two_practitioner_clinic(db)
    data = build_clinic_report(db, date(2026, 1, 1), date(2026, 2, 28), generated_at=GENERATED_AT)
    pdf = render_clinic_report(data)
    pages = pdf_text(pdf)
    text = flat(" ".join(pages))

    assert "Period: 2026-01-01 to 2026-02-28" in text
    assert "Sessions 8" in text
    assert "Patients seen 2" in text
    assert "New patients 2" in text
    assert "Clinically important improvement 50% of 2 cases with pain scores" in text
    assert "1 forgotten needle in this period." in text
    assert "2026-02-02 · Dr Lin Mei · moderate · action: Removed." in text
    assert "Month Anna Berg Dr Lin Mei Total" in text
    assert "Jan 2026 0 4 4" in text
    assert "Feb 2026 3 1 4" in text
    assert "sciatica 1 1 1 100%" in text
    assert "low back pain 1 1 0 0%" in text
    assert "forgotten needle 0 1 0 1 12.50" in text
    # Counts only: no patient is named in a clinic report.
    assert "Åse" not in text
    assert "Chen Wei" not in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in flat(page)
        assert "AcuJournal clinic" in flat(page)
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Clinic report"


def test_a_year_of_a_demo_clinic_builds_quickly(db: Database) -> None:
    generate_clinic(db, patients=80, years=2, seed=7)
    started = time.perf_counter()
    data = build_clinic_report(db, date(2025, 11, 1), date(2026, 10, 31))
    pdf = render_clinic_report(data)
    elapsed = time.perf_counter() - started

    assert data.sessions > 0
    assert len(data.months) == 12
    assert sum(c.sessions for c in data.month_counts) == data.sessions
    assert f"Sessions {data.sessions:,}" in flat(" ".join(pdf_text(pdf)))
    assert elapsed < 2.0, f"the clinic report took {elapsed:.2f} s"


def _reference_sized_clinic(db: Database) -> None:
    """The row counts of the reference clinic (2,000 patients, 10 years, about 60,000 sessions,
    about 5,000 adverse events), written straight into the tables the clinic report reads.

    The demo generator makes the same counts realistically but takes a minute or more; the
    report's queries never touch needles, so sessions without them cost the same to aggregate.
    """
    rng = random.Random(5)
    start = datetime(2016, 11, 1, 8, tzinfo=UTC)
    practitioners = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(8)]
    patients = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(2000)]
    conditions = ("sciatica", "sciatica", "low back pain", "neck pain", "headache/migraine")
    cases: list[dict[str, object]] = []
    sessions: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for patient in patients:
        first = start + timedelta(days=rng.randrange(3600))
        for _ in range(rng.choice((3, 3, 4, 4))):
            case_id = uuid.UUID(int=rng.getrandbits(128))
            cases.append(
                {
                    "id": case_id,
                    "patient_id": patient,
                    "title": "Case",
                    "condition": rng.choice(conditions),
                }
            )
            leg = rng.randrange(4, 10)
            moment = first + timedelta(days=rng.randrange(400))
            practitioner = rng.choice(practitioners)
            for number in range(rng.randrange(5, 13)):
                session_id = uuid.UUID(int=rng.getrandbits(128))
                sessions.append(
                    {
                        "id": session_id,
                        "case_id": case_id,
                        "practitioner_id": practitioner,
                        "started_at": moment,
                        "time_zone": "Europe/Oslo",
                        "entered_at": moment,
                        "pain_before_leg": max(leg - number // 2, 0),
                        "pain_before_back": max(leg - 2 - number // 3, 0),
                    }
                )
                if rng.random() < 0.08:
                    events.append(
                        {
                            "id": uuid.UUID(int=rng.getrandbits(128)),
                            "session_id": session_id,
                            "category": rng.choice(list(AdverseEventCategory)).value,
                            "severity": "mild",
                        }
                    )
                moment += timedelta(days=rng.choice((3, 7, 7, 14)), minutes=rng.randrange(60))
    with unit_of_work(db) as repo:
        repo.bulk_insert(
            PractitionerRow,
            [{"id": p, "name": f"Practitioner {i}"} for i, p in enumerate(practitioners)],
        )
        repo.bulk_insert(
            PatientRow, [{"id": p, "name": "Patient", "created_at": start} for p in patients]
        )
        repo.bulk_insert(CaseRow, cases)
        repo.bulk_insert(SessionRow, sessions)
        repo.bulk_insert(AdverseEventRow, events)
    assert 55_000 <= len(sessions) <= 75_000


def test_a_year_of_a_reference_sized_clinic_builds_within_two_seconds(db: Database) -> None:
    """The performance goal: a year of 2,000 patients over 10 years (about 60,000 sessions)."""
    _reference_sized_clinic(db)
    render_clinic_report(build_clinic_report(db, date(2025, 1, 1), date(2025, 12, 31)))  # warm
    started = time.perf_counter()
    data = build_clinic_report(db, date(2025, 11, 1), date(2026, 10, 31))
    render_clinic_report(data)
    elapsed = time.perf_counter() - started
    assert data.sessions > 4000
    assert sum(c.with_scores for c in data.conditions) > 500
    assert elapsed < 2.0, f"the clinic report took {elapsed:.2f} s"
