"""``acujournal audit``, ``check`` and ``erase-patient`` as a clinic manager would run them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from acujournal.__main__ import main
from acujournal.services.sessions import sign_session
from acujournal.storage.audit_keys import KEY_FILE_NAME, user_config_dir
from acujournal.storage.db import Database, database_url, open_database
from tests.builders import Journal, make_journal, make_session


@pytest.fixture
def journal(db: Database) -> Journal:
    journal = make_journal(db)
    for days in (0, 7):
        sign_session(db, make_session(journal, days_later=days), journal.practitioner.id)
    return journal


@pytest.fixture
def journal_file(db: Database, db_path: Path, journal: Journal) -> Path:
    db.dispose()
    return db_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def tamper(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("DROP TRIGGER audit_events_update")
        connection.execute("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 4")
        connection.commit()
    finally:
        connection.close()


def test_check_says_the_trail_is_intact(
    journal_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--db", str(journal_file)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"The journal file {journal_file} is intact."
    assert lines[1].startswith("The audit trail is intact: 5 entries checked")


def test_check_names_the_first_altered_entry_and_fails(
    journal_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(journal_file)
    code, out, _ = run(["check", "--db", str(journal_file)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"The journal file {journal_file} is intact."
    assert lines[1].startswith(
        "The audit trail was tampered with: entry 4 was altered after it was recorded"
    )
    # the protection removed to do it is reported as well
    assert run(["audit", "--db", str(journal_file)], capsys)[1].startswith(
        "The audit trail was tampered with: entry 4"
    )


def test_a_missing_key_stops_saving_until_a_new_key_is_started_on_purpose(
    journal_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_config_dir() / KEY_FILE_NAME).unlink()
    code, out, _ = run(["audit", "--db", str(journal_file)], capsys)
    assert code == 1
    assert "cannot be checked: its key is missing" in out

    code, _, err = run(
        ["export", "--db", str(journal_file), "--out", str(tmp_path / "x.json")], capsys
    )
    assert code == 1
    assert "The audit key of this journal is missing from the file" in err
    assert not (user_config_dir() / KEY_FILE_NAME).exists()

    code, out, _ = run(["audit", "--db", str(journal_file), "--new-key", "old laptop died"], capsys)
    assert code == 0
    assert out.startswith("New entries are now sealed with the audit key ")
    assert (user_config_dir() / KEY_FILE_NAME).exists()
    code, _, _ = run(
        ["export", "--db", str(journal_file), "--out", str(tmp_path / "x.json")], capsys
    )
    assert code == 0


def test_the_audit_report_is_written_as_a_pdf(
    journal_file: Path, journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audit.pdf"
    argv = ["audit", "--db", str(journal_file), "--report", str(out)]
    code, said, _ = run([*argv, "--patient", str(journal.patient.id)], capsys)
    assert code == 0
    assert said == f"Wrote the audit report (4 entries) to {out}.\n"
    words = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Audit report" in words
    assert "The audit trail is intact" in words
    assert "sign" in words


def test_erase_patient_needs_the_name_and_then_erases(
    journal_file: Path, journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["erase-patient", str(journal.patient.id), "--db", str(journal_file)]
    code, _, err = run([*argv, "--confirm", "Someone Else"], capsys)
    assert code == 1
    assert err.startswith("acujournal: The confirmation does not match the patient's name")

    code, _, err = run([*argv, "--confirm", journal.patient.name], capsys)
    assert code == 1
    assert "must be kept until" in err

    code, out, _ = run([*argv, "--confirm", journal.patient.name, "--override-retention"], capsys)
    assert code == 0
    assert out.startswith(f"Erased patient {journal.patient.id}: 1 cases, 2 sessions (2 signed)")
    db = open_database(database_url(journal_file))
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM patients").scalar() == 0
    finally:
        db.dispose()
    assert run(["check", "--db", str(journal_file)], capsys)[0] == 0


def test_erase_patient_of_an_unknown_id_says_so(
    journal_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    code, _, err = run(
        ["erase-patient", missing, "--confirm", "X", "--db", str(journal_file)], capsys
    )
    assert code == 1
    assert err == f"acujournal: No patient with id {missing}.\n"
