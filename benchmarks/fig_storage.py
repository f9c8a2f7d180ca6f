"""Figures of writing: saving one session durably, importing the whole clinic.

Both baselines are plain ``sqlite3`` writing the very rows the app wrote (read back from the
app's own result), with the app's settings: write-ahead log, ``synchronous=FULL``, foreign
keys on, and the same trigger-guarded order (signed sessions go in as drafts and are signed
once their needles are written).
"""

from __future__ import annotations

import copy
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from acujournal.domain.model import SessionStatus, TreatmentSession, new_id
from acujournal.services.interchange import import_file, load_file
from acujournal.services.sessions import get_session, record_session
from acujournal.storage.db import database_url, open_database
from benchmarks.clinic import working_copy
from benchmarks.context import Context
from benchmarks.measure import interleave, timed
from benchmarks.results import Goal, Result

NEEDLES_PER_SESSION = 12
SAVES_PER_RUN = 3
"""Sessions saved per measurement; a single fsync'd commit is too noisy on shared disks."""

IMPORT_ORDER = (
    "practitioners",
    "protocols",
    "patients",
    "cases",
    "sessions",
    "needles",
    "adverse_events",
    "amendments",
    "measurements",
)


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection tuned as the app tunes its own (see storage.db)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def _insert_sql(table: str, width: int) -> str:
    return f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"


# Saving one session ----------------------------------------------------------------------------


def _template_session(path: Path) -> uuid.UUID:
    """A stored session with exactly 12 needles (the clinic has many)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT session_id FROM needles GROUP BY session_id HAVING COUNT(*) = ?"
            " ORDER BY session_id LIMIT 1",
            (NEEDLES_PER_SESSION,),
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        raise RuntimeError(f"no session with {NEEDLES_PER_SESSION} needles in {path}")
    return uuid.UUID(hex=row[0])


def save_session(ctx: Context) -> list[Result]:
    """``services.sessions.record_session`` of a new 12-needle session, commit to disk."""
    path = working_copy(ctx.journal, ctx.work, "save.sqlite3")
    db = open_database(database_url(path))
    raw = raw_connection(path)
    template = get_session(db, _template_session(path))
    clock = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    written: list[uuid.UUID] = []

    def next_session() -> TreatmentSession:
        nonlocal clock
        clock += timedelta(minutes=45)
        record = copy.deepcopy(template)
        record.id = new_id()
        record.started_at = clock
        record.entered_at = None
        record.status = SessionStatus.DRAFT
        record.signed_by = record.signed_at = None
        record.adverse_events = []
        record.amendments = []
        return record

    def app_once() -> float:
        records = [next_session() for _ in range(SAVES_PER_RUN)]
        seconds = 0.0
        for record in records:
            seconds += timed(partial(record_session, db, record))
            written.append(record.id)
        return seconds / SAVES_PER_RUN

    def raw_rows() -> tuple[list[Any], list[list[Any]], str]:
        session_id = written[-1].hex
        session = list(raw.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone())
        needles = [
            list(row)
            for row in raw.execute(
                "SELECT * FROM needles WHERE session_id = ? ORDER BY position", (session_id,)
            )
        ]
        patient = raw.execute(
            "SELECT patient_id FROM cases WHERE id = ?", (session[1],)
        ).fetchone()[0]
        return session, needles, patient

    def raw_once() -> float:
        session, needles, patient = raw_rows()
        seconds = 0.0
        for _ in range(SAVES_PER_RUN):
            fresh = uuid.uuid4().hex
            session[0] = fresh
            for needle in needles:
                needle[0] = fresh
            seconds += timed(lambda: _raw_save(raw, session, needles, patient))
        return seconds / SAVES_PER_RUN

    # The app's first save also makes the rows the baseline copies.
    app_once()
    try:
        runs, baseline_runs = interleave(app_once, raw_once, max(ctx.runs, 1) * 3, warmup=0)
    finally:
        raw.close()
        db.dispose()
    return [
        Result(
            "save_session",
            "save a 12-needle session durably (synchronous=FULL)",
            "s",
            runs.values,
            baseline_runs.values,
            "sqlite3: the same session and needle rows, last visit updated, one commit",
            Goal("ratio", 3.0, "<= 3x"),
            {"saves_per_measurement": SAVES_PER_RUN},
        )
    ]


def _raw_save(
    connection: sqlite3.Connection,
    session: Sequence[Any],
    needles: Sequence[Sequence[Any]],
    patient: str,
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(_insert_sql("sessions", len(session)), session)
    connection.executemany(_insert_sql("needles", len(needles[0])), needles)
    connection.execute(
        "UPDATE patients SET last_visit_at = ?, version = version + 1"
        " WHERE id = ? AND (last_visit_at IS NULL OR last_visit_at < ?)",
        (session[3], patient, session[3]),
    )
    connection.execute("COMMIT")


# Importing the clinic --------------------------------------------------------------------------


def import_clinic(ctx: Context) -> list[Result]:
    """``services.interchange.import_file`` of the clinic's export into an empty journal."""
    export = ctx.cache.ensure_export(ctx.say)
    empty = ctx.cache.ensure_empty()
    counter = 0
    last_import: list[Path] = []

    def fresh(prefix: str) -> Path:
        nonlocal counter
        counter += 1
        return working_copy(empty, ctx.work, f"{prefix}-{counter}.sqlite3")

    def app_once() -> float:
        path = fresh("import")
        db = open_database(database_url(path))
        try:
            seconds = timed(lambda: import_file(db, export))
        finally:
            db.dispose()
        for old in last_import:
            _remove(old)
        last_import[:] = [path]
        return seconds

    rows: dict[str, list[tuple[Any, ...]]] = {}

    def raw_once() -> float:
        if not rows:
            rows.update(_read_tables(last_import[0]))
        path = fresh("raw")
        connection = raw_connection(path)
        try:
            seconds = timed(lambda: _raw_import(connection, rows))
        finally:
            connection.close()
        _remove(path)
        return seconds

    # Imports are long (seconds each) and read the same cached file: no warm-up round.
    runs, baseline_runs = interleave(app_once, raw_once, ctx.runs, warmup=0)
    decode = timed(lambda: load_file(export))
    counts = {table: len(rows[table]) for table in IMPORT_ORDER}
    for old in last_import:
        _remove(old)
    return [
        Result(
            "import",
            "import the clinic from its acujournal/1 JSON",
            "s",
            runs.values,
            baseline_runs.values,
            "sqlite3 executemany of the same rows in one transaction",
            Goal("ratio", 3.0, "<= 3x"),
            {
                "export_mib": round(export.stat().st_size / 2**20, 1),
                "rows": counts,
                "json_decode_s": decode,
            },
        )
    ]


def _read_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in IMPORT_ORDER
        }
        status = _column_index(connection, "sessions", "status")
    finally:
        connection.close()
    # Prepared here, not while timed: signed sessions go in as drafts, then get signed.
    signed = SessionStatus.SIGNED.value
    rows["signed_ids"] = [(row[0],) for row in rows["sessions"] if row[status] == signed]
    rows["sessions"] = [
        (*row[:status], SessionStatus.DRAFT.value, *row[status + 1 :]) for row in rows["sessions"]
    ]
    return rows


def _raw_import(connection: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    for table in IMPORT_ORDER:
        table_rows = rows[table]
        if table == "amendments":
            connection.executemany(
                f"UPDATE sessions SET status = '{SessionStatus.SIGNED.value}' WHERE id = ?",
                rows["signed_ids"],
            )
        if not table_rows:
            continue
        connection.executemany(_insert_sql(table, len(table_rows[0])), table_rows)
    connection.execute("COMMIT")


def _column_index(connection: sqlite3.Connection, table: str, column: str) -> int:
    names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    return names.index(column)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
