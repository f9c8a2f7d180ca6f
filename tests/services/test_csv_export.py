"""The CSV export: documented columns, spreadsheet-friendly files, no formula injection."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from acujournal.domain.model import Case, Patient, SoapNotes
from acujournal.services.audit_report import audit_lines
from acujournal.services.csv_export import FILES, guard_cell, write_csv_export
from acujournal.services.patients import create_patient, open_case
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from tests.builders import make_journal, make_session
from tests.services.export_journal import INTERNAL, ExportJournal, build_export_journal

Rows = list[dict[str, str]]


def read(path: Path) -> Rows:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def export(db: Database, folder: Path, patient_id: uuid.UUID | None = None) -> dict[str, Rows]:
    write_csv_export(db, folder, patient_id)
    return {name: read(folder / name) for name in FILES}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("+47 912 34 567", "'+47 912 34 567"),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("+47", "+47"),
        ("Åse = fine", "Åse = fine"),
        ("", ""),
    ],
)
def test_cells_that_could_start_a_formula_are_made_text(text: str, safe: str) -> None:
    assert guard_cell(text) == safe


def test_the_files_have_the_documented_columns(db: Database, tmp_path: Path) -> None:
    build_export_journal(db)
    tables = export(db, tmp_path / "out")
    for name, columns in FILES.items():
        with (tmp_path / "out" / name).open(encoding="utf-8-sig", newline="") as stream:
            assert next(csv.reader(stream)) == [column for column, _ in columns]
    assert [len(tables[name]) for name in FILES] == [4, 16, 8]


def test_sessions_needles_and_measurements_as_a_spreadsheet_reads_them(
    db: Database, tmp_path: Path
) -> None:
    journal: ExportJournal = build_export_journal(db)
    tables = export(db, tmp_path / "out")
    first = next(
        r for r in tables["sessions.csv"] if r["session_id"] == str(journal.sessions[0].id)
    )
    assert first["patient_name"] == "Åse Bjørnstad"
    assert first["practitioner"] == "Dr Lin Mei"
    assert (first["date"], first["start_time"]) == ("2026-03-02", "09:00")
    assert first["started_at"] == "2026-03-02T09:00:00+01:00"
    assert first["status"] == "signed"
    assert (first["pain_before_back"], first["pain_before_leg"], first["pain_after_leg"]) == (
        "6",
        "7",
        "",
    )
    assert (first["needle_rows"], first["insertions"], first["needles_in"]) == ("4", "5", "5")
    assert first["co_interventions"] == "cupping; home exercise"
    assert first["adverse_events"] == "bleeding_bruising (mild)"
    assert first["subjective"] == "Worse after sitting"
    assert first["sham"] == "no"
    needles = [n for n in tables["needles.csv"] if n["session_id"] == first["session_id"]]
    assert [(n["position"], n["point"], n["side"]) for n in needles] == [
        ("1", "BL40", "bilateral"),
        ("2", "EX-B2", "left"),
        ("3", "ASHI", "left"),
        ("4", "GB30", "left"),
    ]
    assert needles[0]["gauge_mm"] == "0.25"
    assert needles[1]["spinal_level"] == "L4"
    assert (needles[1]["frequency_hz"], needles[1]["frequency_high_hz"]) == ("2", "100")
    assert needles[3]["depth_mm"] == "75.5"
    assert (needles[0]["deqi"], needles[2]["deqi"], needles[3]["deqi"]) == ("yes", "", "no")
    by_id = {m["measurement_id"]: m for m in tables["measurements.csv"]}
    odi = by_id[str(journal.measurements[0].id)]
    assert (odi["instrument"], odi["unit"], odi["follow_up"]) == ("ODI", "%", "no")
    assert float(odi["score"]) == pytest.approx(15 / 45 * 100)
    assert odi["answers"] == "[2,3,1,0,2,3,1,null,2,1]"
    follow_up = by_id[str(journal.measurements[6].id)]
    assert (follow_up["value"], follow_up["follow_up"], follow_up["date"]) == (
        "2",
        "yes",
        "2026-05-01",
    )
    assert follow_up["note"] == "Telephone follow-up."


def test_the_internal_note_is_not_exported(db: Database, tmp_path: Path) -> None:
    build_export_journal(db)
    write_csv_export(db, tmp_path / "out")
    for name in FILES:
        assert INTERNAL not in (tmp_path / "out" / name).read_text("utf-8-sig")


def test_hostile_names_and_notes_cannot_run_formulas(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db, patient_name='=HYPERLINK("http://evil.example","Åse")')
    session = make_session(journal)
    session.notes = SoapNotes("+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "-3")
    session.patient_advice = "\t=1+1"
    session.co_interventions = ["=cupping"]
    sign_session(db, session, journal.practitioner.id)
    other = create_patient(db, Patient(name="Plain Person", phone="+47 912 34 567"))
    open_case(db, Case(patient_id=other.id, title="-1", condition="@neck"))
    tables = export(db, tmp_path / "out")
    [row] = tables["sessions.csv"]
    assert row["patient_name"] == '\'=HYPERLINK("http://evil.example","Åse")'
    assert (row["subjective"], row["objective"], row["assessment"]) == (
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(1,2)",
    )
    assert row["plan"] == "-3"  # a plain negative number stays a number
    assert row["patient_advice"] == "'\t=1+1"
    assert row["co_interventions"] == "'=cupping"
    assert row["pain_before_back"] == "6"
    for name in FILES:
        text = (tmp_path / "out" / name).read_text("utf-8-sig")
        for record in csv.reader(io.StringIO(text, newline="")):
            for value in record:
                assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
                assert not value.startswith("-") or value.lstrip("-").replace(".", "").isdigit()


def test_one_patient_only(db: Database, tmp_path: Path) -> None:
    journal = build_export_journal(db)
    tables = export(db, tmp_path / "out", journal.john.id)
    assert {r["patient_id"] for r in tables["sessions.csv"]} == {str(journal.john.id)}
    assert {r["patient_id"] for r in tables["needles.csv"]} == {str(journal.john.id)}
    assert tables["measurements.csv"] == []
    with pytest.raises(NotFoundError):
        write_csv_export(db, tmp_path / "none", uuid.uuid4())


def test_a_new_export_replaces_the_files_and_is_audited(db: Database, tmp_path: Path) -> None:
    journal = build_export_journal(db)
    folder = tmp_path / "out"
    write_csv_export(db, folder, journal.john.id)
    report = write_csv_export(db, folder)
    assert (report.patients, report.sessions, report.needles, report.measurements) == (2, 4, 16, 8)
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert len(read(folder / "sessions.csv")) == 4
    summaries = [line.summary for line in audit_lines(db) if line.action == "export"]
    assert summaries == ["CSV export (sessions, needles, measurements) to out"] * 2
