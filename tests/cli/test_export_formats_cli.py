"""``acujournal export --format fhir|csv|research`` as a clinic manager would run it."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from acujournal.__main__ import main
from acujournal.services.patients import list_patients
from acujournal.storage.db import open_database
from tests.cli.running import run


def test_fhir(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "clinic.fhir.json"
    argv = ["export", "--format", "fhir", *journal_options, "--out", str(out_file)]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert out == (
        f"Exported 1 patient with 2 sessions to {out_file} as a FHIR R4 bundle of 15 resources.\n"
    )
    bundle = json.loads(out_file.read_text("utf-8"))
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")


def test_fhir_of_one_patient(
    journal_options: list[str], db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = open_database(db_url)
    try:
        patient = list_patients(source)[0]
    finally:
        source.dispose()
    out_file = tmp_path / "one.json"
    argv = ["export", "--format", "fhir", "--patient", str(patient.id), *journal_options]
    assert run([*argv, "--out", str(out_file)], capsys)[0] == 0
    bundle = json.loads(out_file.read_text("utf-8"))
    patients = [
        e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert patients == [str(patient.id)]
    unknown = uuid.UUID(int=7)
    code, _, err = run([*argv[:4], str(unknown), *journal_options, "--out", str(out_file)], capsys)
    assert (code, err) == (1, f"acujournal: No patient with id {unknown}.\n")


def test_csv_into_a_new_folder(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "spreadsheets"
    code, out, err = run(
        ["export", "--format", "csv", *journal_options, "--out", str(folder)], capsys
    )
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote sessions.csv, needles.csv, measurements.csv to {folder}: 1 patient, "
        "2 sessions, 16 needle rows and 0 measurements.\n"
    )
    with (folder / "sessions.csv").open(encoding="utf-8-sig", newline="") as stream:
        assert [row["patient_name"] for row in csv.DictReader(stream)] == ["Åse Bjørnstad"] * 2


def test_research_with_a_condition_and_a_period(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cohort"
    argv = ["export", "--format", "research", *journal_options, "--out", str(folder)]
    period = ["--condition", "Sciatica", "--from", "2026-01-01", "--to", "2026-01-31"]
    code, out, err = run([*argv, *period], capsys)
    assert (code, err) == (0, "")
    assert out == (
        f"Wrote a de-identified cohort of 1 course of 1 participant to {folder} "
        "(cohort.csv, codebook.md).\n"
    )
    with (folder / "cohort.csv").open(encoding="utf-8-sig", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert (row["participant"], row["sessions"]) == ("P001", "2")
    assert "Åse" not in (folder / "cohort.csv").read_text("utf-8-sig")
    code, out, _ = run([*argv, "--condition", "neck pain"], capsys)
    assert code == 0
    assert "cohort of 0 courses of 0 participants" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--format", "csv", "--condition", "sciatica"],
            "--condition is only for --format research.",
        ),
        (["--from", "2026-01-01"], "--from is only for --format research."),
        (
            ["--format", "research", "--patient", str(uuid.UUID(int=3))],
            "A research export is a de-identified cohort of the whole journal; --patient cannot "
            "be used with it.",
        ),
        (
            ["--format", "research", "--from", "2026-02-01", "--to", "2026-01-01"],
            "The period ends (2026-01-01) before it starts (2026-02-01).",
        ),
    ],
)
def test_options_that_do_not_fit_are_one_clear_line(
    journal_options: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    target = tmp_path / "out"
    code, out, err = run(["export", *options, *journal_options, "--out", str(target)], capsys)
    assert (code, out, err) == (1, "", f"acujournal: {message}\n")
    assert not target.exists()


def test_a_bad_date_is_refused_by_the_parser(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--format", "research", "--from", "1 March", *journal_options]
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    assert '"1 March" is not a date written YYYY-MM-DD' in capsys.readouterr().err


def test_files_and_folders_where_the_other_is_needed(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "taken.txt"
    a_file.write_text("keep me", "utf-8")
    code, _, err = run(
        ["export", "--format", "csv", *journal_options, "--out", str(a_file)], capsys
    )
    assert (code, err) == (
        1,
        f"acujournal: Cannot write to {a_file}: it is a file, and this export needs a folder.\n",
    )
    assert a_file.read_text("utf-8") == "keep me"
    code, _, err = run(
        ["export", "--format", "fhir", *journal_options, "--out", str(tmp_path)], capsys
    )
    assert (code, err) == (
        1,
        f"acujournal: Cannot write {tmp_path}: it is a folder, and this export writes a file.\n",
    )
    deep = tmp_path / "no" / "such" / "folder"
    code, _, err = run(
        ["export", "--format", "research", *journal_options, "--out", str(deep)], capsys
    )
    assert (code, err) == (
        1,
        f"acujournal: Cannot write {deep}: the folder {deep.parent} does not exist.\n",
    )


def test_json_stays_the_default(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for options, name in (([], "default.json"), (["--format", "json"], "explicit.json")):
        out_file = tmp_path / name
        code, out, _ = run(["export", *options, *journal_options, "--out", str(out_file)], capsys)
        assert (code, out) == (0, f"Exported 1 patient with 2 sessions to {out_file}.\n")
        assert json.loads(out_file.read_text("utf-8"))["format"] == "acujournal/1"
