"""``acujournal export`` and ``acujournal import`` as a clinic manager would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from acujournal.services.patients import list_patients
from acujournal.storage.db import database_url, open_database
from tests.cli.running import run


def test_export_then_import_twice(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "clinic.json"
    code, out, err = run(["export", *journal_options, "--out", str(export)], capsys)
    assert (code, err) == (0, "")
    assert out == f"Exported 1 patient with 2 sessions to {export}.\n"
    assert json.loads(export.read_text("utf-8"))["format"] == "acujournal/1"

    target = tmp_path / "new" / "journal.sqlite3"  # does not exist yet: import creates it
    code, out, err = run(["import", str(export), "--db", str(target)], capsys)
    assert (code, err) == (0, "")
    assert out == "clinic.json: Added 1 practitioner, 1 patient, 1 case and 2 sessions.\n"

    code, out, err = run(["import", str(export), "--db", str(target)], capsys)
    assert (code, err) == (0, "")
    assert out == (
        "clinic.json: Added nothing; skipped 1 practitioner, 1 patient, 1 case and 2 sessions "
        "already in the journal.\n"
    )
    imported = open_database(database_url(target))
    try:
        assert [p.name for p in list_patients(imported)] == ["Åse Bjørnstad"]
    finally:
        imported.dispose()


def test_export_of_one_patient(
    journal_options: list[str], db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = open_database(db_url)
    try:
        patient = list_patients(source)[0]
    finally:
        source.dispose()
    export = tmp_path / "one.json"
    argv = ["export", *journal_options, "--patient", str(patient.id), "--out", str(export)]
    assert run(argv, capsys)[0] == 0
    assert [p["id"] for p in json.loads(export.read_text("utf-8"))["patients"]] == [str(patient.id)]


@pytest.mark.parametrize(
    ("patient", "message"),
    [
        ("42", 'acujournal: "42" is not a patient id (a UUID).\n'),
        (str(uuid.UUID(int=7)), f"acujournal: No patient with id {uuid.UUID(int=7)}.\n"),
    ],
)
def test_export_of_an_unknown_patient_is_one_clear_line(
    journal_options: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    patient: str,
    message: str,
) -> None:
    out_file = tmp_path / "x.json"
    argv = ["export", *journal_options, "--patient", patient, "--out", str(out_file)]
    code, _, err = run(argv, capsys)
    assert (code, err) == (1, message)
    assert not out_file.exists()


def test_export_without_a_journal_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite3"
    code, _, err = run(["export", "--db", str(missing), "--out", str(tmp_path / "x.json")], capsys)
    assert code == 1
    assert err == f"acujournal: There is no journal database at {missing}.\n"
    assert not missing.exists()


def test_export_into_a_missing_folder_says_so(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "no" / "such" / "x.json"
    code, _, err = run(["export", *journal_options, "--out", str(out_file)], capsys)
    assert code == 1
    assert (
        err
        == f"acujournal: Cannot write {out_file}: the folder {out_file.parent} does not exist.\n"
    )


def test_a_bad_file_is_one_line_and_creates_no_journal(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "clinic.json"
    run(["export", *journal_options, "--out", str(export)], capsys)
    doc = json.loads(export.read_text("utf-8"))
    session = doc["patients"][0]["cases"][0]["sessions"][1]
    session["needles"][0]["depth_mm"] = 4
    session["needles"][0]["length_mm"] = 3
    # Echoed in the message, where it must stay harmless.
    doc["patients"][0]["cases"][0]["sessions"][0]["time_zone"] = "Evil\nZone\x1b[31m"
    doc["patients"][0]["name"] = "x" * 300
    export.write_text(json.dumps(doc), "utf-8")
    target = tmp_path / "new.sqlite3"

    code, out, err = run(["import", str(export), "--db", str(target)], capsys)

    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert "\x1b" not in err
    assert err.startswith("acujournal: clinic.json: 3 problems, nothing was imported: ")
    assert "patients[0].name: is 300 characters long; at most 200 are allowed" in err
    assert "patients[0].cases[0].sessions[0].time_zone: " in err
    assert (
        "patients[0].cases[0].sessions[1].needles[0].depth_mm: "
        "depth 4 mm is deeper than the needle is long (3 mm)"
    ) in err
    assert not target.exists()


def test_a_file_that_is_not_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("Dear colleague,\n", "utf-8")
    code, _, err = run(["import", str(bad), "--db", str(tmp_path / "j.sqlite3")], capsys)
    assert code == 1
    assert err == (
        "acujournal: notes.txt: 1 problem, nothing was imported: notes.txt: is not valid JSON "
        "(Expecting value at line 1, column 1)\n"
    )


@pytest.mark.parametrize("make_folder", [False, True])
def test_a_missing_file_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_folder: bool
) -> None:
    path = tmp_path / "clinic.json"
    if make_folder:
        path.mkdir()
    code, _, err = run(["import", str(path), "--db", str(tmp_path / "j.sqlite3")], capsys)
    assert code == 1
    expected = f"{path} is a folder, not a file." if make_folder else f"There is no file {path}."
    assert err == f"acujournal: {expected}\n"
    assert not (tmp_path / "j.sqlite3").exists()


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "acujournal/1", "patients": 3}', "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "acujournal", "import", str(bad), "--db", str(tmp_path / "j.db")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "patients: must be a list, not a number" in result.stderr
