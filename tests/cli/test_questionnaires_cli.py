"""``acujournal questionnaires`` and a clinic's own questionnaire on the PDF form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from acujournal.services.intake import intakes_of_patient
from acujournal.services.patients import list_patients
from acujournal.services.questionnaires import newest_questionnaire
from acujournal.services.settings import set_default_questionnaire
from acujournal.storage.db import open_database
from tests.cli.running import run
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import NECK_PAIN_FILE, neck_answers, neck_pain_definition


def added(journal_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["questionnaires", "add", str(NECK_PAIN_FILE), *journal_args], capsys)
    assert (code, err) == (0, "")
    assert out == (
        'Added the questionnaire "Before your first visit: neck and shoulder pain" '
        "(neck_pain, version 1) to the journal.\n"
    )


def test_a_questionnaire_is_added_and_listed(
    journal_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    added(journal_args, capsys)
    code, out, err = run(["questionnaires", *journal_args], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "KEY        VERSION  SOURCE   TITLE",
        "sciatica   1        shipped  Before your first visit: back and leg pain",
        "neck_pain  1        clinic   Before your first visit: neck and shoulder pain",
        "",
        "Default questionnaire: sciatica (chosen in the app's Clinic settings).",
    ]
    # The same file again changes nothing, and says so.
    code, out, _ = run(["questionnaires", "add", str(NECK_PAIN_FILE), *journal_args], capsys)
    assert code == 0
    assert out.startswith("The journal already has the questionnaire ")


def test_without_a_journal_the_shipped_questionnaires_are_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["questionnaires"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[1:3] == [
        "sciatica  1        shipped  Before your first visit: back and leg pain",
        "",
    ]


def test_a_bad_file_is_refused_with_every_problem_on_its_own_line(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = neck_pain_definition(version=0)
    definition["sections"][0]["questions"][1]["maps_to"] = "patient.shoe_size"
    path = tmp_path / "neck.json"
    path.write_text(json.dumps(definition), "utf-8")
    code, out, err = run(["questionnaires", "add", str(path), "--db", str(db_path)], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "acujournal: neck.json was not added (2 problems):",
        "  version: must be a whole number from 1 to 10000",
        "  sections[0].questions[1].maps_to: 'patient.shoe_size' is not one of patient.name, "
        "patient.birth_date, patient.phone, patient.email, patient.address, case.title, "
        "case.side, case.radiation, case.onset_date, case.numbness, case.suspected_cause",
    ]
    assert not db_path.exists()  # a bad file never creates a journal


def test_a_changed_questionnaire_under_the_same_version_is_refused(
    tmp_path: Path, journal_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    added(journal_args, capsys)
    path = tmp_path / "neck.json"
    path.write_text(json.dumps(neck_pain_definition(title="Neck, revised")), "utf-8")
    code, _, err = run(["questionnaires", "add", str(path), *journal_args], capsys)
    assert code == 1
    assert err.splitlines()[1] == (
        '  version: the journal already has version 1 of "neck_pain" with other content; '
        'raise "version" to add the changed questionnaire'
    )
    code, _, err = run(["questionnaires", "add", str(tmp_path / "gone.json")], capsys)
    assert err.splitlines()[1] == "  (file): there is no such file"


def test_the_form_of_a_clinic_questionnaire_is_written_and_read_back(
    tmp_path: Path,
    journal_args: list[str],
    db_url: URL,
    capsys: pytest.CaptureFixture[str],
) -> None:
    added(journal_args, capsys)
    db = open_database(db_url, create=False)
    set_default_questionnaire(db, "neck_pain")
    questionnaire = newest_questionnaire(db, "neck_pain")
    db.dispose()
    blank = tmp_path / "blank.pdf"
    # The clinic's default questionnaire, unless another is named.
    code, out, err = run(["intake-form", "--out", str(blank), *journal_args], capsys)
    assert (code, err) == (0, "")
    assert out == f"Wrote the intake form (neck_pain) to {blank}.\n"
    filled = tmp_path / "ola.pdf"
    filled.write_bytes(fill(blank.read_bytes(), form_values(questionnaire, neck_answers())))

    code, out, err = run(["intake-import", str(filled), *journal_args, "--yes"], capsys)
    assert (code, err) == (0, "")
    assert "Read ola.pdf: Before your first visit: neck and shoulder pain (neck_pain/1)" in out
    assert "  Which side is worse? Left" in out
    assert "Screening: no flags" in out
    assert "  Not asked by this questionnaire: " in out
    assert "saddle" in out.split("Not asked by this questionnaire: ")[1]
    db = open_database(db_url, create=False)
    [patient] = list_patients(db)
    [intake] = intakes_of_patient(db, patient.id)
    assert intake.questionnaire_key == "neck_pain"
    db.dispose()

    # Another journal does not have the questionnaire: the form cannot be read there.
    other = tmp_path / "other.sqlite3"
    code, _, err = run(["intake-import", str(filled), "--db", str(other), "--yes"], capsys)
    assert code == 1
    assert err == (
        "acujournal: ola.pdf is the intake form neck_pain/1, which this version of AcuJournal "
        f"does not have. There is no journal database at {other}.\n"
    )


def test_intake_form_names_a_questionnaire_of_the_journal(
    tmp_path: Path, journal_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    added(journal_args, capsys)
    out_file = tmp_path / "neck.pdf"
    argv = ["intake-form", "--out", str(out_file), "--questionnaire", "neck_pain"]
    code, out, _ = run([*argv, *journal_args], capsys)
    assert code == 0
    assert out == f"Wrote the intake form (neck_pain) to {out_file}.\n"
    assert out_file.read_bytes().startswith(b"%PDF-")
