"""Use cases of the audit trail: who is acting, recording exports and prints, checking the chain.

Changes of clinical data are recorded by the unit of work on its own (see
``storage/audit.py``); what it cannot see is recorded here: a report or file leaving the
journal (:func:`record_export`, :func:`record_print`). :func:`verify_audit_chain` checks the
whole trail with the key kept outside the database; the app runs it at start-up and
``acujournal check`` runs it on the journal file. The viewer's list and the audit report are
in :mod:`acujournal.services.audit_report`.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from acujournal.domain.model import Practitioner
from acujournal.domain.wording import plural
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage import audit, cipher
from acujournal.storage.audit import Actor
from acujournal.storage.audit_chain import NewEvent
from acujournal.storage.audit_check import ChainReport, verify_chain
from acujournal.storage.audit_keys import (
    AuditKeyError,
    AuditKeyMissingError,
    default_key_store,
    new_key,
)
from acujournal.storage.db import Database
from acujournal.storage.repository import JournalRepository

__all__ = [
    "Actor",
    "AuditKeyError",
    "AuditKeyMissingError",
    "AuditState",
    "AuditVerdict",
    "current_actor",
    "record_bulk_write",
    "record_export",
    "record_print",
    "set_actor",
    "start_new_audit_key",
    "verify_audit_chain",
    "verify_journal_file",
]

ActorLike = Actor | Practitioner | None
SHOWN_PROBLEMS = 10


def as_actor(db: Database, actor: ActorLike) -> Actor:
    """An Actor for a practitioner, or the journal's current actor for None."""
    if actor is None:
        return current_actor(db)
    if isinstance(actor, Practitioner):
        return Actor.practitioner(actor.id, actor.name)
    return actor


def set_actor(db: Database, actor: ActorLike) -> None:
    """Record what is done through ``db`` from now on as done by ``actor``.

    The app calls this when a practitioner is chosen; None goes back to the computer's user.
    Use cases that know better (signing, addenda, erasure) name their actor themselves.
    """
    audit.set_default_actor(db.engine, None if actor is None else as_actor(db, actor))


def current_actor(db: Database) -> Actor:
    """Who changes through ``db`` are recorded for when a use case names nobody."""
    return audit.default_actor(db.engine)


def _record(
    db: Database, actor: ActorLike, action: str, patient_id: uuid.UUID | None, what: str
) -> None:
    entity, entity_id = ("patient", str(patient_id)) if patient_id else ("journal", "")
    with unit_of_work(db, as_actor(db, actor)) as repo:
        audit.queue_event(
            repo.session, NewEvent(action, entity, entity_id, patient_id, None, {"what": what})
        )


def record_export(db: Database, actor: ActorLike, patient_id: uuid.UUID | None, what: str) -> None:
    """Record that data left the journal as a file (a PDF report, a JSON export, ...).

    ``patient_id`` is the patient it is about (None for the whole journal or clinic); ``what``
    says what and where, e.g. "progress report PDF to report.pdf".
    """
    _record(db, actor, "export", patient_id, what)


def record_print(db: Database, actor: ActorLike, patient_id: uuid.UUID | None, what: str) -> None:
    """Record that a report about ``patient_id`` (None: the clinic) was printed."""
    _record(db, actor, "print", patient_id, what)


def record_bulk_write(
    repo: JournalRepository, action: str, summary: str, counts: dict[str, int]
) -> None:
    """One entry for a bulk write (an import, a demo clinic) in the open unit of work.

    Bulk writers insert rows with plain SQL that the audit listeners do not see, which keeps
    them fast; this entry says who added how much, when.
    """
    audit.queue_event(
        repo.session,
        NewEvent(action, "journal", "", None, None, {"summary": summary, "counts": counts}),
    )


def start_new_audit_key(db: Database, actor: ActorLike, reason: str) -> str:
    """Start sealing the audit trail with a new key, on purpose, and record that; its id.

    For a journal whose key was lost (a restored backup on a new computer without the
    configuration folder): entries sealed with the lost key stay in the trail but can no
    longer be checked, and the check keeps saying so. Refused while the key store is damaged.
    """
    if not reason.strip():
        raise ValueError("Say why a new audit key is started (for the audit trail).")
    store = default_key_store()
    previous = [key.id for key in store.load()]
    key = new_key()
    store.add(key)
    with unit_of_work(db, as_actor(db, actor)) as repo:
        audit.queue_event(
            repo.session,
            NewEvent(
                "new_key",
                "audit_trail",
                key.id,
                None,
                None,
                {"reason": reason.strip(), "key_id": key.id, "earlier_keys": previous},
            ),
        )
    return key.id


# Checking ----------------------------------------------------------------------------------------


class AuditState(StrEnum):
    """What checking the audit trail found."""

    INTACT = "intact"
    EMPTY = "empty"
    TAMPERED = "tampered"
    KEY_MISSING = "key_missing"
    UNPROTECTED = "unprotected"
    NO_TRAIL = "no_trail"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """The outcome of checking the audit trail.

    ``message`` is one sentence or two for a person; ``problems`` lists every finding (the
    first few); ``first_bad_seq`` is the number of the first entry that does not check out.
    """

    state: AuditState
    message: str
    entries: int = 0
    first_bad_seq: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Everything there is was checked and is as it was recorded."""
        return self.state in (AuditState.INTACT, AuditState.EMPTY, AuditState.NO_TRAIL)

    @property
    def tampered(self) -> bool:
        """Entries were altered or removed, or their protection was."""
        return self.state in (AuditState.TAMPERED, AuditState.UNPROTECTED)


def verify_audit_chain(db: Database) -> AuditVerdict:
    """Check every entry of the journal's audit trail; nothing is written.

    Finds altered entries, removed ones (in the middle or the newest), content emptied other
    than by an erasure, and the protecting triggers gone; reports a missing key clearly
    instead of guessing. Reading all entries takes about a second per 100,000.
    """
    store = default_key_store()
    try:
        with db.engine.connect() as connection:
            if not inspect(connection).has_table("audit_events"):
                return AuditVerdict(
                    AuditState.NO_TRAIL,
                    "This journal has no audit trail yet: it was made by an earlier version, "
                    "and the trail starts when AcuJournal next opens it.",
                )
            report = verify_chain(connection, store)
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return AuditVerdict(AuditState.UNREADABLE, f"The audit trail cannot be read: {reason}.")
    try:
        store_empty = not store.load()
    except AuditKeyError:
        store_empty = False  # reported as the key error
    return _verdict(report, store.location, store_empty)


def _verdict(report: ChainReport, location: str, store_empty: bool) -> AuditVerdict:
    count = plural(report.entries, "entry", "entries")
    problems = [p.text for p in report.problems]
    first_missing = min(report.missing_keys.values(), default=None)
    if report.key_error:
        problems.append(report.key_error[:1].lower() + report.key_error[1:])
    elif first_missing is not None:
        problems.append(_missing_key_text(report, location, store_empty))
    if report.problems:
        first = report.problems[0]
        more = len(report.problems) - 1
        extra = f" ({more} more problem{'s' if more != 1 else ''} found)" if more else ""
        return AuditVerdict(
            AuditState.TAMPERED,
            f"The audit trail was tampered with: {first.text}{extra}. Restore the journal from "
            "a backup made before, and find out who has had access to the database file.",
            report.entries,
            first.seq,
            tuple(problems[:SHOWN_PROBLEMS]),
        )
    if report.key_error or first_missing is not None:
        return AuditVerdict(
            AuditState.KEY_MISSING,
            f"The audit trail ({count}) cannot be checked: {problems[0]}",
            report.entries,
            first_missing,
            tuple(problems[:SHOWN_PROBLEMS]),
        )
    if report.guard_missing:
        return AuditVerdict(
            AuditState.UNPROTECTED,
            f"The audit trail's {count} check out, but the database triggers that keep them "
            "from being changed were removed: someone has altered the journal's schema.",
            report.entries,
        )
    if report.entries == 0:
        return AuditVerdict(AuditState.EMPTY, "The audit trail is empty: nothing recorded yet.")
    assert report.last_at is not None
    newest = report.last_at.strftime("%Y-%m-%d %H:%M UTC")
    return AuditVerdict(
        AuditState.INTACT,
        f"The audit trail is intact: {count} checked, the newest from {newest}.",
        report.entries,
    )


def _missing_key_text(report: ChainReport, location: str, store_empty: bool) -> str:
    first_id, first_seq = min(report.missing_keys.items(), key=lambda item: item[1])
    where = f"{location}, which is missing or holds no key" if store_empty else location
    return (
        f"its key is missing. Entries from number {first_seq} on were sealed with the audit key "
        f"{first_id}, which is not in {where}. Put the key back from your copy of AcuJournal's "
        "configuration folder (a journal moved to this computer needs its key moved too); "
        "AcuJournal never makes a new key for an existing audit trail on its own."
    )


@contextmanager
def _read_only_snapshot(path: Path, passphrase: str | None) -> Iterator[Database]:
    """A read-only Database over a journal file that never writes to it or beside it.

    Without a write-ahead log the file is opened immutable; with one (a crash, or the app
    still open) the file and its log are copied to a private folder and the copy is read.
    """
    wal = Path(f"{path}-wal")
    with tempfile.TemporaryDirectory(prefix="acujournal-audit-") as folder:
        if wal.is_file() and wal.stat().st_size > 0:
            copy = Path(folder) / "journal.sqlite3"
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, Path(f"{copy}-wal"))
            uri = f"{copy.as_uri()}?mode=rw"
        else:
            uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"

        def connect() -> Any:
            if passphrase is not None:
                return cipher.connect(uri, passphrase, uri=True, check_same_thread=False)
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        engine = create_engine("sqlite+pysqlite://", creator=connect)
        try:
            yield Database(engine=engine, sessions=sessionmaker(engine))
        finally:
            engine.dispose()


def verify_journal_file(path: Path, passphrase: str | None = None) -> AuditVerdict:
    """Check the audit trail of a SQLite journal file without opening it for writing.

    An encrypted journal needs its ``passphrase``.
    """
    try:
        with _read_only_snapshot(path, passphrase) as db:
            return verify_audit_chain(db)
    except OSError as error:
        return AuditVerdict(
            AuditState.UNREADABLE,
            f"The audit trail cannot be read: {error.strerror or error}.",
        )
