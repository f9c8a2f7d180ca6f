"""The demo clinic: deterministic, realistic, valid, and only written into an empty journal."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from acujournal.services.demo import ClinicNotEmptyError, DemoReport, generate_clinic
from acujournal.services.interchange import check_document, export_document
from acujournal.services.patients import list_patients
from acujournal.storage.db import Database, database_url, open_database
from tests.builders import make_journal

Doc = dict[str, Any]


def _clinic(folder: Path, name: str, **kwargs: Any) -> tuple[DemoReport, Doc]:
    db = open_database(database_url(folder / f"{name}.sqlite3"))
    try:
        report = generate_clinic(db, **kwargs)
        document = export_document(db)
    finally:
        db.dispose()
    return report, document


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoReport, Doc]:
    """A clinic large enough to hold long-term patients: 120 patients over 7 years."""
    return _clinic(tmp_path_factory.mktemp("demo"), "clinic", patients=120, years=7, seed=3)


def _sessions(document: Doc) -> list[Doc]:
    return [
        session
        for patient in document["patients"]
        for case in patient["cases"]
        for session in case["sessions"]
    ]


def test_same_seed_gives_the_same_clinic_and_another_seed_does_not(tmp_path: Path) -> None:
    first = _clinic(tmp_path, "a", patients=25, years=2, seed=7)
    again = _clinic(tmp_path, "b", patients=25, years=2, seed=7)
    other = _clinic(tmp_path, "c", patients=25, years=2, seed=8)
    for _, document in (first, again):
        del document["exported_at"]
    assert first == again
    assert first[1]["patients"] != other[1]["patients"]


def test_the_report_counts_what_was_written(clinic: tuple[DemoReport, Doc]) -> None:
    report, document = clinic
    sessions = _sessions(document)
    assert report.patients == len(document["patients"]) == 120
    assert report.practitioners == len(document["practitioners"])
    assert report.sessions == len(sessions)
    assert report.needles == sum(len(s["needles"]) for s in sessions)
    assert report.adverse_events == sum(len(s["adverse_events"]) for s in sessions)
    assert "120 patients" in report.summary()


def test_every_record_passes_the_import_checks(clinic: tuple[DemoReport, Doc]) -> None:
    """Schema, point catalogue and every validation rule: the demo writes nothing invalid."""
    check_document(clinic[1])


def test_the_clinic_looks_like_a_real_practice(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    assert len(document["practitioners"]) >= 2
    cases = [case for patient in document["patients"] for case in patient["cases"]]
    conditions = Counter(case["condition"] for case in cases)
    assert conditions.most_common(1)[0][0] == "sciatica"
    assert len(conditions) >= 4

    per_patient = [
        sum(len(case["sessions"]) for case in patient["cases"]) for patient in document["patients"]
    ]
    assert max(per_patient) >= 300, "some long-term patients have 300+ sessions"
    course_lengths = [len(case["sessions"]) for case in cases if len(case["sessions"]) < 30]
    assert 6 <= median(course_lengths) <= 12

    sessions = _sessions(document)
    statuses = Counter(session["status"] for session in sessions)
    assert statuses["signed"] > 0.95 * len(sessions)
    assert 0 < statuses["draft"] < 0.05 * len(sessions)
    with_events = sum(1 for s in sessions if s["adverse_events"])
    assert 0.03 < with_events / len(sessions) < 0.15, "adverse events near the published 7.6 %"
    hours = Counter(
        datetime.fromisoformat(s["started_at"]).hour for s in sessions if s["status"] == "signed"
    )
    assert min(hours) >= 7, "sessions fall in working hours, local time"
    assert max(hours) <= 19, "sessions fall in working hours, local time"
    measured = {
        m["instrument"] for p in document["patients"] for c in p["cases"] for m in c["measurements"]
    }
    assert {"ODI", "NRS_LEG"} <= measured


def test_pain_falls_over_most_courses(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    improved = total = 0
    for patient in document["patients"]:
        for case in patient["cases"]:
            scored = [s for s in case["sessions"] if s["pain_before"]["back"] is not None]
            if len(scored) < 6:
                continue
            total += 1
            improved += scored[-1]["pain_before"]["back"] <= scored[0]["pain_before"]["back"] - 2
    assert total > 20
    assert 0.5 < improved / total < 0.95, "most respond, some do not"


def test_records_stop_before_the_end_date(tmp_path: Path) -> None:
    _, document = _clinic(tmp_path, "end", patients=10, years=1, end=date(2024, 3, 1))
    latest = max(datetime.fromisoformat(s["started_at"]) for s in _sessions(document))
    assert latest.date() < date(2024, 3, 1)
    assert latest.date() > date(2023, 3, 1)


def test_a_journal_with_patients_is_refused_untouched(db: Database) -> None:
    make_journal(db, "Ada Existing")
    with pytest.raises(ClinicNotEmptyError, match="already holds patients"):
        generate_clinic(db, patients=5, years=1)
    assert [p.name for p in list_patients(db, include_archived=True)] == ["Ada Existing"]


@pytest.mark.parametrize(("patients", "years"), [(0, 1), (5, 0), (5, 31)])
def test_unsupported_sizes_are_refused_with_the_limit(
    db: Database, patients: int, years: int
) -> None:
    with pytest.raises(ValueError, match="demo clinic"):
        generate_clinic(db, patients=patients, years=years)


def test_progress_is_reported_up_to_the_last_patient(db: Database) -> None:
    calls: list[tuple[int, int]] = []
    generate_clinic(
        db, patients=12, years=1, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (12, 12)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
