"""The research export: a de-identified cohort that still describes each course and its outcome."""

from __future__ import annotations

import csv
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Case,
    NeedleInsertion,
    OutcomeMeasurement,
    PainScores,
    Patient,
    Side,
    SoapNotes,
)
from acujournal.domain.outcomes import score
from acujournal.services.audit_report import audit_lines
from acujournal.services.demo import generate_clinic
from acujournal.services.export_rows import local_day
from acujournal.services.patients import create_patient, open_case
from acujournal.services.research_export import (
    CohortFilter,
    ResearchExportError,
    age_band,
    write_research_export,
)
from acujournal.services.sessions import sign_session
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage.db import Database
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    Base,
    CaseRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    SessionRow,
)
from tests.builders import Journal, make_journal, make_session

Row = dict[str, str]
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def cohort(
    db: Database, folder: Path, chosen: CohortFilter | None = None, seed: int | None = None
) -> list[Row]:
    rng = None if seed is None else random.Random(seed)
    write_research_export(db, folder, chosen, rng=rng)
    with (folder / "cohort.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def add_course(
    db: Database,
    journal: Journal,
    name: str,
    *,
    condition: str = "sciatica",
    co: tuple[str, ...] = (),
    start: datetime = START,
) -> None:
    """Another patient with a two-session course treated by the journal's practitioner."""
    patient = create_patient(db, Patient(name=name, birth_date=date(1980, 1, 1)))
    case = open_case(db, Case(patient_id=patient.id, title=name, condition=condition))
    for days in (0, 7):
        session = make_session(journal, start, days_later=days)
        session.case_id = case.id
        session.co_interventions = list(co)
        sign_session(db, session, journal.practitioner.id)


@pytest.mark.parametrize(
    ("birth", "on", "band"),
    [
        (date(1968, 4, 2), date(2026, 1, 5), "50-59"),
        (date(1966, 1, 5), date(2026, 1, 5), "60-69"),
        (date(1966, 1, 6), date(2026, 1, 5), "50-59"),
        (date(1936, 1, 6), date(2026, 1, 5), "80-89"),
        (date(1936, 1, 5), date(2026, 1, 5), "90+"),
        (date(2020, 6, 1), date(2026, 1, 5), "0-9"),
        (None, date(2026, 1, 5), None),
    ],
)
def test_age_bands(birth: date | None, on: date, band: str | None) -> None:
    assert age_band(birth, on) == band


def _odi(level: int) -> list[int | None]:
    return [level] * 9 + [None]


def test_a_row_describes_the_course_and_its_outcome(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db)
    sessions = []
    for week, back in enumerate((6, 5, 4, 2)):
        session = make_session(journal, days_later=7 * week, pain_before=back)
        session.co_interventions = ["cupping"]
        sign_session(db, session, journal.practitioner.id)
        sessions.append(session)
    last = sessions[-1].started_at
    readings = [
        ("ODI", START, _odi(3), sessions[0].id),
        ("ODI", last, _odi(2), sessions[-1].id),
        ("ODI", last + timedelta(days=35), _odi(1), None),
        ("NRS_BACK", last + timedelta(days=35), 1.0, None),
        ("NRS_BACK", last + timedelta(days=95), 3.0, None),
    ]
    with unit_of_work(db) as repo:
        for code, at, given, session_id in readings:
            answers, value = (None, given) if isinstance(given, float) else (given, None)
            repo.add_measurement(
                OutcomeMeasurement(
                    case_id=journal.case.id,
                    instrument=code,
                    taken_at=at,
                    time_zone="Europe/Oslo",
                    answers=answers,
                    value=value,
                    score=score(code, answers, value),
                    session_id=session_id,
                )
            )
    [row] = cohort(db, tmp_path / "out", seed=7)
    expected = {
        "participant": "P001",
        "course": "C001",
        "course_number": "1",
        "age_band": "50-59",
        "condition": "other",  # one participant only: too few to show the label
        "case_side": "left",
        "radiation": "calf",
        "style": "tcm",
        "practitioner": "T1",
        "sessions": "4",
        "course_days": "21",
        "sessions_per_week": "1",
        "sham": "no",
        "points": "BL23 x4; BL25 x4; BL40 x4; BL57 x4; BL60 x4; GB30 x4; GB34 x4; KI3 x4",
        "distinct_points": "8",
        "insertions_min": "16",
        "insertions_max": "16",
        "insertions_mean": "16",
        "depth_min_mm": "25",
        "depth_max_mm": "25",
        "gauges_mm": "0.25",
        "lengths_mm": "40",
        "methods": "manual",
        "responses_sought": "deqi",
        "deqi_obtained_share": "1",
        "retention_median_min": "25",
        "co_interventions": "other x4",
        "adverse_events": "0",
        "fu1m_day": "35",
        "fu3m_day": "95",
        "fu6m_day": "",
        "nrs_back_baseline": "6",
        "nrs_back_end": "2",
        "nrs_back_fu1m": "1",
        "nrs_back_fu3m": "3",
        "nrs_back_mcid_end": "yes",
        "nrs_back_mcid_reached": "yes",
        "nrs_leg_baseline": "7",
        "nrs_leg_end": "3",
        "odi_baseline": "60",
        "odi_end": "40",
        "odi_fu1m": "20",
        "odi_fu3m": "",
        "odi_mcid_end": "yes",
        "sbi_baseline": "",
        "sbi_mcid_end": "",
    }
    assert {key: row[key] for key in expected} == expected
    start, end = date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])
    assert (end - start).days == 21
    assert start.weekday() == START.date().weekday()
    assert 2120 <= start.year <= 2230


def test_no_identifying_value_of_the_source_reaches_the_files(db: Database, tmp_path: Path) -> None:
    generate_clinic(db, patients=40, years=2, seed=11)
    journal = make_journal(db, patient_name="Zebulon Quixotefield-Ødegård")
    distinctive = _distinctive_course(db, journal)
    folder = tmp_path / "research"
    report = write_research_export(db, folder)
    assert report.courses > 40
    written = "\n".join(path.read_text("utf-8-sig") for path in report.files)
    secrets = _identifying_values(db) | distinctive
    assert "Zebulon Quixotefield-Ødegård" in secrets
    leaked = sorted(value for value in secrets if value in written)
    assert leaked == []
    # No record ids of any kind, and no calendar date this century.
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", written)
    assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", written)


def _distinctive_course(db: Database, journal: Journal) -> set[str]:
    session = make_session(journal)
    session.notes = SoapNotes("SECRET-S Zebulon", "SECRET-O tattoo", "SECRET-A", "SECRET-P")
    session.internal_note = "SECRET-INTERNAL lives at the Quixote farm"
    session.patient_advice = "SECRET-ADVICE call Zebulon's daughter"
    session.co_interventions = ["visit to the Quixote farm"]
    session.needles += [
        NeedleInsertion("ASHI", Side.LEFT, region="buttock", description="scar of SECRET-SCAR"),
        NeedleInsertion("FREE", Side.LEFT, region="SECRET-REGION", description="Shen Men ear"),
    ]
    session.needles_in = session.needles_out = session.insertion_count
    session.adverse_events = [
        AdverseEvent(
            AdverseEventCategory.OTHER, description="SECRET-AE bruise", action="SECRET-ACTION"
        )
    ]
    session.pain_before = PainScores(8, 9)
    sign_session(db, session, journal.practitioner.id)
    return {
        "Zebulon",
        "Quixote",
        "SECRET",
        "+47 912 34 567",  # the journal's phone number
        "1968-04-02",
        "2026-01-05",
    }


def _identifying_values(db: Database) -> set[str]:
    """Every name, contact, date, id and text of the journal that could identify someone.

    Contacts count whatever their length; other texts from two words on (a one-word text such
    as "unknown" or "Sciatica" is a category, not something that identifies a person).
    """
    contacts = ("name", "phone", "email", "address")
    texts: dict[type[Base], tuple[str, ...]] = {
        PatientRow: contacts,
        PractitionerRow: ("name", "qualification", "default_needle_brand"),
        CaseRow: ("title", "suspected_cause", "rationale"),
        SessionRow: (
            "subjective",
            "objective",
            "assessment",
            "plan",
            "internal_note",
            "patient_advice",
        ),
        NeedleRow: ("description", "needle_brand"),
        AdverseEventRow: ("description", "action"),
        AmendmentRow: ("text",),
        MeasurementRow: ("note",),
    }
    found: set[str] = set()
    with read_only(db) as repo:
        for model, columns in texts.items():
            table: Any = model.__table__
            for row in repo.session.execute(select(table)).mappings():
                for column in columns:
                    text = str(row[column] or "").strip()
                    personal = model is PatientRow or column == "name"
                    if (personal and len(text) >= 3) or len(text.split()) >= 2:
                        found.add(text)
                if "id" in row:
                    found.add(str(row["id"]))
        for row in repo.session.execute(select(PatientRow.birth_date)):
            if row.birth_date is not None:
                found.add(row.birth_date.isoformat())
        for row in repo.session.execute(select(SessionRow.started_at, SessionRow.time_zone)):
            found.add(local_day(row.started_at, row.time_zone).isoformat())
            found.add(row.started_at.date().isoformat())
        for row in repo.session.execute(select(MeasurementRow.taken_at)):
            found.add(row.taken_at.date().isoformat())
    return found


def test_labels_few_participants_share_are_shown_as_other(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db)
    for n in range(5):
        add_course(db, journal, f"Patient {n}", condition="Sciatica ", co=("cupping",))
    add_course(db, journal, "Rare One", condition="Zebulon syndrome", co=("Zebulon's farm",))
    rows = cohort(db, tmp_path / "out")
    assert sorted(row["condition"] for row in rows) == ["other"] + ["sciatica"] * 5
    co = sorted(row["co_interventions"] for row in rows)
    assert co == ["cupping x2"] * 5 + ["other x2"]


def test_courses_are_chosen_by_condition_and_first_session(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)  # Åse, 2026-01-05
    add_course(db, journal, "Neck One", condition="neck pain", start=START + timedelta(days=40))
    add_course(db, journal, "Late One", condition="SCIATICA", start=START + timedelta(days=90))
    assert len(cohort(db, tmp_path / "all")) == 3
    assert len(cohort(db, tmp_path / "sc", CohortFilter(condition="sciatica"))) == 2
    period = CohortFilter(date_from=date(2026, 1, 5), date_to=date(2026, 2, 14))
    assert len(cohort(db, tmp_path / "period", period)) == 2
    late = CohortFilter("Sciatica", date_from=date(2026, 1, 6))
    [row] = cohort(db, tmp_path / "late", late)
    assert row["sessions"] == "2"
    codebook = (tmp_path / "late" / "codebook.md").read_text("utf-8")
    assert 'condition "Sciatica"' in codebook
    assert "2026" not in codebook
    with pytest.raises(ResearchExportError, match="ends"):
        write_research_export(
            db, tmp_path / "bad", CohortFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
        )


def test_pseudonyms_and_date_shifts_are_new_for_every_export(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db)
    for n in range(6):
        add_course(db, journal, f"Patient {n}")
    first = cohort(db, tmp_path / "one")
    second = cohort(db, tmp_path / "two")
    assert {r["participant"] for r in first} == {f"P00{n}" for n in range(1, 7)}
    assert [r["start_date"] for r in first] != [r["start_date"] for r in second]
    # Each participant has their own shift: the same real day lands on different days.
    assert len({r["start_date"] for r in cohort(db, tmp_path / "three", seed=3)}) == 6


def test_the_codebook_describes_every_column(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)
    report = write_research_export(db, tmp_path / "out")
    with (tmp_path / "out" / "cohort.csv").open(encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream))
    codebook = (tmp_path / "out" / "codebook.md").read_text("utf-8")
    described = re.findall(r"^\| `([a-z0-9_]+)` \|", codebook, flags=re.MULTILINE)
    assert described == header
    assert "odi_mcid_end" in header
    assert "(2 points or 30 % of baseline)" in codebook  # NRS, Ostelo 2008
    assert "(10 %)" in codebook  # ODI
    assert "(no threshold set)" in codebook  # SBI
    assert (
        "| `odi_mcid_end` | yes/no |  | Oswestry Disability Index: clinically important" in codebook
    )
    assert (report.courses, report.participants) == (1, 1)
    [line] = [line for line in audit_lines(db) if line.action == "export"]
    assert line.summary == "de-identified research cohort (1 course) to out"
    assert line.patient_id is None
