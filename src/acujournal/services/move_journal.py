"""Moving a clinic's journal to another database: a SQLite file onto a PostgreSQL server, or back.

The source is only read, in one consistent snapshot, and is left exactly as it was. The
target must hold no journal data yet (a new, empty database or file); anything else is
refused rather than mixed. The copy is written in one transaction and checked before it is
committed: every table's row count and checksum must equal the source's, and the audit trail
must check out on the target exactly as on the source. If anything differs, nothing is
committed and the target stays empty.

Run it with AcuJournal closed everywhere: a journal that is open in the app is refused (for a
SQLite file, by its lock), and entries saved during the move would not be in the copy.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from acujournal.domain.wording import plural
from acujournal.services.audit import AuditVerdict, verify_audit_chain
from acujournal.services.backups import lock_holder
from acujournal.storage.audit_check import ChainReport, verify_chain
from acujournal.storage.audit_keys import default_key_store
from acujournal.storage.db import (
    SIDE_FILES,
    WRITE_INTENT,
    Database,
    DatabaseOpenError,
    open_database,
)
from acujournal.storage.journal_copy import (
    SHOWN_PROBLEMS,
    TableCopy,
    copy_rows,
    differences,
    find_refused_values,
    rows_held,
    table_checksums,
)
from acujournal.storage.migrate import current_revision, head_revision, upgrade_to_head


class MoveError(Exception):
    """The journal was not moved; the message says why in a sentence or two."""


@dataclass(frozen=True)
class MoveReport:
    """What was moved: each table's rows and checksum, and the audit trail's verdict."""

    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    audit: AuditVerdict | None = None

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def describe(url: URL) -> str:
    """Where a journal is, for a person: the file, or the server URL without its password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def move_journal(source_url: URL, target_url: URL, *, passphrase: str | None = None) -> MoveReport:
    """Copy the journal at ``source_url`` into the empty database at ``target_url``.

    ``passphrase`` opens an encrypted SQLite source (the target is written unencrypted; a
    SQLite target can be encrypted afterwards). Raises MoveError when the source cannot be
    read or is not at this version's schema, the target holds data already, a value cannot
    be stored on the target, or the copy does not come out equal (then nothing is written).
    """
    source_name, target_name = describe(source_url), describe(target_url)
    if _same_place(source_url, target_url):
        raise MoveError(f"The journal at {source_name} cannot be moved onto itself.")
    for url in (source_url, target_url):
        _refuse_if_open(url)
    source = _open(source_url, create=False, passphrase=passphrase)
    try:
        _check_source(source, source_name)
        target_existed = _exists(target_url)
        target = _open(target_url, create=True)
        try:
            report = _copy(source, target, source_name, target_name)
        except BaseException:
            target.dispose()
            if not target_existed:
                _remove_new_file(target_url)
            raise
        target.dispose()
    finally:
        source.dispose()
    return report


def _same_place(source: URL, target: URL) -> bool:
    if source.get_backend_name() == "sqlite" and target.get_backend_name() == "sqlite":
        return Path(str(source.database)).resolve() == Path(str(target.database)).resolve()
    return source.render_as_string(hide_password=False) == target.render_as_string(
        hide_password=False
    )


def _refuse_if_open(url: URL) -> None:
    if url.get_backend_name() != "sqlite":
        return
    holder = lock_holder(Path(str(url.database)))
    if holder is not None:
        raise MoveError(
            f"The journal {url.database} is open in AcuJournal {holder}; close the app "
            "everywhere before moving the journal."
        )


def _open(url: URL, *, create: bool, passphrase: str | None = None) -> Database:
    try:
        return open_database(url, create=create, migrate=False, passphrase=passphrase)
    except DatabaseOpenError as error:
        raise MoveError(str(error)) from error


def _exists(url: URL) -> bool:
    return url.get_backend_name() != "sqlite" or Path(str(url.database)).exists()


def _remove_new_file(url: URL) -> None:
    # A SQLite file made for this move is removed again when the move fails; a file or a
    # server database that was there before is left in place.
    if url.get_backend_name() == "sqlite":
        for side in ("", *SIDE_FILES):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{url.database}{side}").unlink()


def _check_source(source: Database, where: str) -> None:
    revision = _revision(source.engine, where)
    head = head_revision()
    if revision is None:
        raise MoveError(f"There is no AcuJournal journal at {where}: it holds no schema.")
    if revision != head:
        raise MoveError(
            f"The journal at {where} is at schema {revision}, and this AcuJournal writes "
            f"schema {head}: open it once with this version (which brings it up to date, "
            "after a backup), then move it."
        )


def _revision(engine: Engine, where: str) -> str | None:
    try:
        return current_revision(engine)
    except SQLAlchemyError as error:
        raise MoveError(f"Cannot read the journal at {where}: {_reason(error)}.") from error


def _prepare_target(target: Database, where: str) -> None:
    """Refuse a target that holds anything; give an empty one the newest schema."""
    with target.engine.connect() as connection:
        held = rows_held(connection)
    foreign = sorted(name for name, rows in held.items() if rows < 0)
    filled = {name: rows for name, rows in held.items() if rows > 0}
    if foreign:
        raise MoveError(
            f"The target {where} is not empty: it holds tables AcuJournal does not know "
            f"({', '.join(foreign[:5])}). Move the journal into a new, empty database."
        )
    if filled:
        counts = ", ".join(f"{rows} {name}" for name, rows in sorted(filled.items()))
        raise MoveError(
            f"The target {where} already holds a journal ({counts}); nothing was copied. "
            "Move the journal into a new, empty database."
        )
    try:
        upgrade_to_head(target.engine)
    except DatabaseOpenError as error:
        raise MoveError(str(error)) from error


def _copy(source: Database, target: Database, source_name: str, target_name: str) -> MoveReport:
    _prepare_target(target, target_name)
    with source.engine.connect() as reading:
        if not source.is_sqlite:
            reading = reading.execution_options(isolation_level="REPEATABLE READ")
        with reading.begin():
            if not target.is_sqlite:
                _refuse_what_a_server_cannot_keep(reading, target_name)
            source_chain = verify_chain(reading, default_key_store())
            with target.engine.connect() as writing:
                writing = writing.execution_options(**{WRITE_INTENT: True})
                with writing.begin():
                    copied = copy_rows(reading, writing)
                    _check_copy(writing, copied, source_chain, target_name)
    return MoveReport(source_name, target_name, copied, verify_audit_chain(target))


def _refuse_what_a_server_cannot_keep(reading: Connection, target_name: str) -> None:
    problems = find_refused_values(reading)
    if not problems:
        return
    shown = "; ".join(str(p) for p in problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    extra = f" (and {more} more)" if more > 0 else ""
    raise MoveError(
        f"The journal cannot be moved to {target_name} as it is: {plural(len(problems), 'value')} "
        f"would be refused there: {shown}{extra}. Correct them in the app (shorten the text, "
        "remove the invisible NUL characters), then move it again; nothing was copied."
    )


def _check_copy(
    writing: Connection, copied: list[TableCopy], source_chain: ChainReport, target_name: str
) -> None:
    """Compare the written rows and the audit trail with the source's; raise on a difference
    (the transaction then rolls back and the target stays empty)."""
    found = differences(copied, table_checksums(writing))
    if found:
        raise MoveError(
            f"The copy at {target_name} did not come out equal ({'; '.join(found)}); nothing "
            "was kept there. The journal itself is unchanged."
        )
    target_chain = verify_chain(writing, default_key_store())
    if _chain_findings(target_chain) != _chain_findings(source_chain):
        raise MoveError(
            f"The audit trail does not check out at {target_name} as it does in the journal; "
            "nothing was kept there. The journal itself is unchanged."
        )


def _chain_findings(report: ChainReport) -> tuple[object, ...]:
    # What the check finds in the entries themselves. A SQLite file also remembers the
    # highest entry number ever given, which a server does not: findings past the last entry
    # (newest entries removed) can only be made on SQLite, and are left out here.
    last = report.last_seq or 0
    return (
        report.entries,
        last,
        tuple((p.seq, p.kind, p.text) for p in report.problems if p.seq <= last),
        tuple(sorted(report.missing_keys.items())),
        report.key_error is None,
    )


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    return str(orig if orig is not None else error).strip().rstrip(".")
