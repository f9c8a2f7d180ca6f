"""``acujournal intake-form`` and ``intake-import`` as a clinic would run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import intakes_of_patient
from acujournal.services.patients import list_patients
from acujournal.storage.db import Database, open_database
from tests.builders import make_journal
from tests.cli.running import run
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import clean_answers


@pytest.fixture
def blank_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "intake.pdf"
    code, printed, err = run(["intake-form", "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    assert printed == f"Wrote the intake form (sciatica) to {out}.\n"
    return out


def filled(blank: Path, tmp_path: Path, **answers: object) -> Path:
    path = tmp_path / "filled.pdf"
    values = form_values(shipped_questionnaire(), clean_answers(**answers))
    path.write_bytes(fill(blank.read_bytes(), values))
    return path


def journal_of(url: URL) -> Database:
    return open_database(url, create=False)


def test_a_filled_form_makes_a_new_patient_after_confirmation(
    blank_form: Path,
    tmp_path: Path,
    journal_args: list[str],
    db_url: URL,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = filled(blank_form, tmp_path, saddle_numbness=True)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    code, out, err = run(["intake-import", str(form), *journal_args], capsys)
    assert (code, err) == (0, "")
    assert "Read filled.pdf: Before your first visit: back and leg pain (sciatica/1)" in out
    assert "Patient: a new patient, Åse Bjørnstad, born 1980-04-02" in out
    assert "  Your full name Åse Bjørnstad" in out
    assert "How far down does the pain reach? Below the knee, into the calf" in out
    assert "Screening: REFER NOW" in out
    assert "possible cauda equina syndrome" in out
    assert "Saved the intake for a new patient" in out
    db = journal_of(db_url)
    [patient] = list_patients(db)
    [intake] = intakes_of_patient(db, patient.id)
    assert intake.source.value == "pdf"
    assert intake.answers["saddle_numbness"] is True
    db.dispose()


def test_answering_no_saves_nothing(
    blank_form: Path,
    tmp_path: Path,
    journal_args: list[str],
    db_url: URL,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = filled(blank_form, tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    code, out, _ = run(["intake-import", str(form), *journal_args], capsys)
    assert code == 1
    assert out.endswith("Nothing was saved.\n")
    db = journal_of(db_url)
    assert list_patients(db) == []
    db.dispose()


def test_without_a_terminal_the_answer_is_needed_or_yes(
    blank_form: Path,
    tmp_path: Path,
    journal_args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = filled(blank_form, tmp_path)

    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    code, _, err = run(["intake-import", str(form), *journal_args], capsys)
    assert code == 1
    assert err == (
        "acujournal: Nothing was saved: no answer to the question; pass --yes to save "
        "without asking.\n"
    )
    code, _out, err = run(["intake-import", str(form), *journal_args, "--yes"], capsys)
    assert (code, err) == (0, "")


def test_a_form_for_a_known_patient_goes_to_their_open_case(
    blank_form: Path,
    tmp_path: Path,
    db: Database,
    journal_args: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    journal = make_journal(db)
    form = filled(blank_form, tmp_path, name="Åse B.", birth_date=None, fever=None)
    argv = ["intake-import", str(form), *journal_args, "--patient", str(journal.patient.id)]
    code, out, err = run([*argv, "--yes"], capsys)
    assert (code, err) == (0, "")
    assert f"Patient: Åse Bjørnstad ({journal.patient.id})" in out
    assert f"Case: {journal.case.id}" in out
    assert "Your date of birth * (not answered)" not in out  # the label carries no marker
    assert "  Your date of birth (not answered)" in out
    assert "Not answered, ask about: fever" in out
    assert "To look at: 2 answers missing, unreadable or contradictory." in out
    [intake] = intakes_of_patient(db, journal.patient.id)
    assert intake.case_id == journal.case.id


def test_the_same_person_twice_is_pointed_out(
    blank_form: Path,
    tmp_path: Path,
    db: Database,
    journal_args: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    journal = make_journal(db, "Åse Bjørnstad")
    form = filled(blank_form, tmp_path, birth_date="1968-04-02")
    code, out, _ = run(["intake-import", str(form), *journal_args, "--yes"], capsys)
    assert code == 0
    assert f"use --patient {journal.patient.id} if the form is theirs" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some notes\n", "notes.pdf is not a PDF file."),
        (b"%PDF-1.7\n\x00\x01 garbage", "notes.pdf is damaged and cannot be read as a PDF."),
    ],
)
def test_bad_files_end_in_one_sentence_and_store_nothing(
    tmp_path: Path,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(content)
    code, out, err = run(["intake-import", str(path), "--db", str(db_path), "--yes"], capsys)
    assert code == 1
    assert out == ""
    assert err in (
        f"acujournal: {message}\n",
        "acujournal: notes.pdf is not an AcuJournal intake form.\n",
    )
    assert not db_path.exists()


def test_an_empty_form_is_refused(
    blank_form: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["intake-import", str(blank_form), "--db", str(db_path), "--yes"], capsys)
    assert code == 1
    assert err == "acujournal: intake.pdf is an empty intake form: no answer was filled in.\n"
    assert not db_path.exists()


def test_a_nameless_form_needs_a_patient(
    blank_form: Path,
    tmp_path: Path,
    journal_args: list[str],
    db_url: URL,
    capsys: pytest.CaptureFixture[str],
) -> None:
    form = filled(blank_form, tmp_path, name=None)
    code, _, err = run(["intake-import", str(form), *journal_args, "--yes"], capsys)
    assert code == 1
    assert "The form gives no name, so no patient can be made from it" in err
    db = journal_of(db_url)
    assert list_patients(db) == []
    db.dispose()


def test_wrong_arguments_are_refused(
    blank_form: Path, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["intake-import", str(blank_form), "--patient", "nobody"], capsys)
    assert (code, err) == (1, 'acujournal: "nobody" is not a patient id (a UUID).\n')
    code, _, err = run(["intake-form", "--out", str(tmp_path / "no" / "f.pdf")], capsys)
    assert code == 1
    assert "does not exist" in err
    code, _, err = run(
        ["intake-form", "--out", str(tmp_path / "f.pdf"), "--questionnaire", "neck"], capsys
    )
    assert (code, err) == (
        1,
        'acujournal: No questionnaire "neck" ships with AcuJournal or was added to this journal.\n',
    )
