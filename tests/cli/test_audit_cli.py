"""``acujournal audit``, ``check`` and ``erase-patient`` as a clinic manager would run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.engine import URL

from acujournal.storage.audit_keys import KEY_FILE_NAME, user_config_dir
from acujournal.storage.db import Database, open_database
from tests.builders import Journal
from tests.cli.running import run


def tamper(db: Database) -> None:
    """Take the guard off and alter an entry, as someone owning the database could."""
    on_table = "" if db.is_sqlite else " ON audit_events"
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TRIGGER audit_events_update{on_table}"))
        connection.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 4"))
    db.dispose()


def storage_verdict(db_url: URL) -> str:
    """The first line of ``check``: the file's state, or the server's answer."""
    if db_url.get_backend_name() == "sqlite":
        return f"The journal file {db_url.database} is intact."
    return f"The server database {db_url.render_as_string(hide_password=True)} answers;"


def test_check_says_the_trail_is_intact(
    journal_options: list[str], db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", *journal_options], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(storage_verdict(db_url))
    assert lines[1].startswith("The audit trail is intact: 5 entries checked")


def test_check_names_the_first_altered_entry_and_fails(
    db: Database, journal_options: list[str], db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(db)
    code, out, _ = run(["check", *journal_options], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(storage_verdict(db_url))
    assert lines[1].startswith(
        "The audit trail was tampered with: entry 4 was altered after it was recorded"
    )
    # the protection removed to do it is reported as well
    assert run(["audit", *journal_options], capsys)[1].startswith(
        "The audit trail was tampered with: entry 4"
    )


def test_a_missing_key_stops_saving_until_a_new_key_is_started_on_purpose(
    journal_options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_config_dir() / KEY_FILE_NAME).unlink()
    code, out, _ = run(["audit", *journal_options], capsys)
    assert code == 1
    assert "cannot be checked: its key is missing" in out

    code, _, err = run(["export", *journal_options, "--out", str(tmp_path / "x.json")], capsys)
    assert code == 1
    assert "The audit key of this journal is missing from the file" in err
    assert not (user_config_dir() / KEY_FILE_NAME).exists()

    code, out, _ = run(["audit", *journal_options, "--new-key", "old laptop died"], capsys)
    assert code == 0
    assert out.startswith("New entries are now sealed with the audit key ")
    assert (user_config_dir() / KEY_FILE_NAME).exists()
    code, _, _ = run(["export", *journal_options, "--out", str(tmp_path / "x.json")], capsys)
    assert code == 0


def test_the_audit_report_is_written_as_a_pdf(
    journal_options: list[str],
    journal: Journal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "audit.pdf"
    argv = ["audit", *journal_options, "--report", str(out)]
    code, said, _ = run([*argv, "--patient", str(journal.patient.id)], capsys)
    assert code == 0
    assert said == f"Wrote the audit report (4 entries) to {out}.\n"
    words = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Audit report" in words
    assert "The audit trail is intact" in words
    assert "sign" in words


def test_erase_patient_needs_the_name_and_then_erases(
    journal_options: list[str], db_url: URL, journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["erase-patient", str(journal.patient.id), *journal_options]
    code, _, err = run([*argv, "--confirm", "Someone Else"], capsys)
    assert code == 1
    assert err.startswith("acujournal: The confirmation does not match the patient's name")

    code, _, err = run([*argv, "--confirm", journal.patient.name], capsys)
    assert code == 1
    assert "must be kept until" in err

    code, out, _ = run([*argv, "--confirm", journal.patient.name, "--override-retention"], capsys)
    assert code == 0
    assert out.startswith(f"Erased patient {journal.patient.id}: 1 cases, 2 sessions (2 signed)")
    db = open_database(db_url)
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM patients").scalar() == 0
    finally:
        db.dispose()
    assert run(["check", *journal_options], capsys)[0] == 0


def test_erase_patient_of_an_unknown_id_says_so(
    journal_options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    code, _, err = run(["erase-patient", missing, "--confirm", "X", *journal_options], capsys)
    assert code == 1
    assert err == f"acujournal: No patient with id {missing}.\n"
