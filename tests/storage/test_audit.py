"""The audit trail in the database: one sealed chain, append-only, a key kept outside.

Like the signed-session guard, these run on SQLite and, when the suite has a server (see
``tests/conftest.py``), on PostgreSQL too.
"""

from __future__ import annotations

import base64
import itertools
import json
import stat
import sys
import types
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import DatabaseError

from acujournal.domain.intake import ReviewDecision
from acujournal.domain.model import TreatmentSession
from acujournal.services.erasure import erase_patient
from acujournal.services.intake import save_intake
from acujournal.services.sessions import get_session, record_session, sign_session
from acujournal.storage.audit_chain import GENESIS
from acujournal.storage.audit_check import verify_chain
from acujournal.storage.audit_keys import KEY_FILE_NAME, default_key_store, user_config_dir
from acujournal.storage.db import Database
from acujournal.storage.migrate import alembic_config
from tests.builders import Journal, make_journal, make_session
from tests.services.test_intake import prepared, review
from tests.storage.raw_sql import execute

APPEND_ONLY = "audit trail is append-only"
SIGNED = "signed and cannot be changed"


@pytest.fixture
def journal_db(db: Database) -> Database:
    """A migrated journal, on SQLite or on PostgreSQL."""
    return db


def rows(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        return list(connection.execute(text("SELECT * FROM audit_events ORDER BY seq")))


def check(db: Database) -> Any:
    with db.engine.connect() as connection:
        return verify_chain(connection, default_key_store())


def test_every_entry_is_sealed_into_one_chain(
    journal_db: Database, signed: TreatmentSession
) -> None:
    entries = rows(journal_db)
    # practitioner, patient, case, the signed session, the addendum
    assert [r.action for r in entries] == ["create", "create", "create", "sign", "amend"]
    assert [r.seq for r in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(r.prev_hash == p.hash for p, r in itertools.pairwise(entries))
    assert len({r.key_id for r in entries}) == 1
    report = check(journal_db)
    assert report.entries == 5
    assert report.problems == ()
    assert report.missing_keys == {}
    assert not report.guard_missing


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET actor_label = 'someone else' WHERE seq = 4",
        "UPDATE audit_events SET after_json = '{}' WHERE seq = 4",
        "UPDATE audit_events SET before_json = NULL, after_json = NULL, redacted = :yes "
        "WHERE seq = 4",
        "DELETE FROM audit_events WHERE seq = 5",
        "DELETE FROM audit_events",
    ],
)
def test_entries_cannot_be_changed_or_removed_with_raw_sql(
    journal_db: Database, signed: TreatmentSession, sql: str
) -> None:
    before = rows(journal_db)
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(journal_db, sql, yes=True)
    assert rows(journal_db) == before


def test_truncating_the_trail_is_refused_on_postgresql(
    journal_db: Database, signed: TreatmentSession
) -> None:
    if journal_db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE; its DELETE fires the trigger")
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(journal_db, "TRUNCATE audit_events")


REDACT = (
    "UPDATE audit_events SET before_json = NULL, after_json = NULL, redacted = :yes "
    "WHERE patient_id = :patient"
)
MARK = "INSERT INTO erasure_in_progress (patient_id) VALUES (:marked)"
UNMARK = "DELETE FROM erasure_in_progress"


def test_content_is_emptied_only_while_that_very_patient_is_erased(
    journal_db: Database, journal: Journal, signed: TreatmentSession
) -> None:
    patient = journal.patient.id
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(journal_db, MARK, REDACT, UNMARK, marked=uuid.uuid4(), patient=patient, yes=True)
    with pytest.raises(DatabaseError, match=APPEND_ONLY):  # more than the content
        execute(
            journal_db,
            MARK,
            "UPDATE audit_events SET before_json = NULL, after_json = NULL, redacted = :yes, "
            "action = 'create' WHERE patient_id = :patient",
            UNMARK,
            marked=patient,
            patient=patient,
            yes=True,
        )
    execute(journal_db, MARK, REDACT, UNMARK, marked=patient, patient=patient, yes=True)
    emptied = [r for r in rows(journal_db) if r.patient_id is not None]
    assert emptied
    assert all(r.redacted and r.after_json is None for r in emptied)
    # An emptied entry still seals into the chain; only no erase entry explains it yet.
    report = check(journal_db)
    assert {p.kind for p in report.problems} == {"redacted"}
    assert "was never erased" in report.problems[0].text


DELETE_SIGNED = [
    "DELETE FROM needles WHERE session_id = :session",
    "DELETE FROM adverse_events WHERE session_id = :session",
    "DELETE FROM amendments WHERE session_id = :session",
    "DELETE FROM sessions WHERE id = :session",
]


def test_signed_sessions_go_only_with_the_patient_being_erased(
    journal_db: Database, journal: Journal, signed: TreatmentSession
) -> None:
    for statement in DELETE_SIGNED:
        with pytest.raises(DatabaseError):
            execute(journal_db, MARK, statement, UNMARK, marked=uuid.uuid4(), session=signed.id)
    with pytest.raises(DatabaseError, match=SIGNED):
        execute(journal_db, DELETE_SIGNED[-1], session=signed.id)
    assert get_session(journal_db, signed.id) == signed

    execute(journal_db, MARK, *DELETE_SIGNED, UNMARK, marked=journal.patient.id, session=signed.id)
    with journal_db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM needles")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM sessions")).scalar() == 0


def test_the_key_lives_in_a_private_file_outside_the_database(
    db: Database, db_path: Path, signed_sqlite: TreatmentSession
) -> None:
    key_file = user_config_dir() / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    [key] = json.loads(key_file.read_text(encoding="utf-8"))["keys"]
    secret = base64.b64decode(key["key"])
    db.dispose()
    stored = b"".join(
        path.read_bytes() for path in db_path.parent.glob(f"{db_path.name}*") if path.is_file()
    )
    for spelling in (secret, secret.hex().encode(), key["key"].encode()):
        assert spelling not in stored
    assert key["id"].encode() in stored  # only the key's public id is in the journal


@pytest.fixture
def signed_sqlite(db: Database) -> TreatmentSession:
    journal = make_journal(db)
    return sign_session(db, make_session(journal), journal.practitioner.id)


def test_a_key_readable_by_others_is_made_private_again(
    db: Database, signed_sqlite: TreatmentSession
) -> None:
    key_file = user_config_dir() / KEY_FILE_NAME
    key_file.chmod(0o644)
    assert check(db).problems == ()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


class FakeKeyring(types.ModuleType):
    """Just enough of the ``keyring`` package: a dict behind its three functions."""

    def __init__(self) -> None:
        super().__init__("keyring")
        self.secrets: dict[tuple[str, str], str] = {}

    def get_keyring(self) -> object:
        return self

    def get_password(self, service: str, user: str) -> str | None:
        return self.secrets.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.secrets[(service, user)] = value


def test_a_working_system_keyring_keeps_the_key_instead_of_the_file(
    monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    fake = FakeKeyring()
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv("ACUJOURNAL_CONFIG_DIR")  # an explicit folder would keep the file
    journal = make_journal(db)
    record_session(db, make_session(journal))
    assert not (user_config_dir() / KEY_FILE_NAME).exists()
    [(service, _)] = fake.secrets
    assert service == "AcuJournal"
    assert check(db).problems == ()
    assert check(db).missing_keys == {}


def test_downgrading_removes_the_trail_and_upgrading_brings_it_back_empty(
    journal_db: Database, signed: TreatmentSession
) -> None:
    with journal_db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
        assert not _has_table(connection, "audit_events")
    with pytest.raises(DatabaseError, match=SIGNED):  # the guard of 0002 is back as it was
        execute(journal_db, "DELETE FROM sessions WHERE id = :session", session=signed.id)
    with journal_db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert rows(journal_db) == []
    with pytest.raises(DatabaseError, match=SIGNED):
        execute(journal_db, MARK, DELETE_SIGNED[-1], marked=uuid.uuid4(), session=signed.id)


def _has_table(connection: Connection, name: str) -> bool:
    from sqlalchemy import inspect

    return inspect(connection).has_table(name)


def test_a_patient_is_erased_with_signed_sessions_and_intake_decisions(
    journal_db: Database, journal: Journal, signed: TreatmentSession
) -> None:
    save_intake(journal_db, prepared(journal), review(journal, ReviewDecision.ACCEPT))
    erase_patient(
        journal_db,
        journal.patient.id,
        journal.practitioner,
        journal.patient.name,
        override_retention=True,
    )
    with journal_db.engine.connect() as connection:
        for table in ("patients", "sessions", "amendments", "intakes", "intake_reviews"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM erasure_in_progress")).scalar() == 0
    report = check(journal_db)
    assert report.problems == ()
    assert report.entries == len(rows(journal_db))
