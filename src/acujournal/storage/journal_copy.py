"""Copying a journal's rows from one database to another, table by table, and proving it.

Used to move a clinic's journal from a SQLite file onto a PostgreSQL server (or back). The
target has the same schema (same revision); rows are read in batches and inserted in bulk,
parents before children, through the tables' own column types, so ids, UTC times and JSON
come out right on either engine.

Three things make a journal more than its rows:

- Signed sessions are frozen by triggers: the database refuses needles or adverse events of
  a session once it is signed. Signed sessions are written as drafts first and signed once
  everything that belongs to them is in, as the importer and the demo generator do.
- The audit trail is copied entry by entry with its numbers, seals and links unchanged, so
  its hash chain verifies on the target exactly as on the source.
- A JSON column can hold SQL NULL or JSON ``null``; each is copied as what it is.

Every table's row count and checksum are computed from the source while it is read and again
from the target after it is written; the checksum is the sum of a SHA-256 per row (its values
in canonical JSON), so it does not depend on the order either database returns rows in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    null,
    select,
    text,
    update,
)
from sqlalchemy.sql.expression import Null

from acujournal.storage.audit_chain import canonical_json
from acujournal.storage.models import Base
from acujournal.storage.text_guard import value_problem

BATCH_ROWS = 2000
CHECKSUM_MODULUS = 2**256
SIGNED = "signed"
DRAFT = "draft"
# Tables that belong to the schema's bookkeeping, not to the journal.
BOOKKEEPING_TABLES = frozenset({"alembic_version", "sqlite_sequence"})
# Values a server would refuse: at most this many are named in the message.
SHOWN_PROBLEMS = 10


@dataclass(frozen=True, slots=True)
class TableCopy:
    """One table's row count and checksum (on the source, or on the target)."""

    table: str
    rows: int
    checksum: str


@dataclass(frozen=True, slots=True)
class StoredValueProblem:
    """A value of the source that the target database would refuse."""

    table: str
    key: str
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} {self.key}, {self.column}: {self.problem}"


def journal_tables() -> list[Table]:
    """The journal's tables, each after every table it refers to."""
    return list(Base.metadata.sorted_tables)


def rows_held(connection: Connection) -> dict[str, int]:
    """How many rows each table of the database holds (an empty dict for a database without
    tables); a table that is not the journal's counts as -1."""
    known = {table.name: table for table in journal_tables()}
    held: dict[str, int] = {}
    for name in inspect(connection).get_table_names():
        if name in BOOKKEEPING_TABLES:
            continue
        table = known.get(name)
        if table is None:
            held[name] = -1
        else:
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            held[name] = int(count)
    return held


def _json_nullable(table: Table) -> list[Column[Any]]:
    return [c for c in table.columns if isinstance(c.type, JSON) and c.nullable]


def _null_flag(column: Column[Any]) -> str:
    return f"{column.name}__is_sql_null"


def _read(connection: Connection, table: Table) -> Iterator[Sequence[dict[str, Any]]]:
    """The table's rows as dicts of column values, in batches.

    A nullable JSON column's value is ``null()`` (SQL NULL) or ``None`` (JSON null) as stored.
    """
    flags = _json_nullable(table)
    query = select(
        *table.columns, *(column.is_(None).label(_null_flag(column)) for column in flags)
    )
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(query)
    for batch in result.partitions(BATCH_ROWS):
        rows = []
        for row in batch:
            values = dict(row._mapping)
            for column in flags:
                if values.pop(_null_flag(column)):
                    values[column.name] = null()
            rows.append(values)
        yield rows


def _digest(table: Table, values: dict[str, Any]) -> int:
    spelled = [
        "<SQL NULL>" if isinstance(values[c.name], Null) else values[c.name] for c in table.columns
    ]
    return int.from_bytes(hashlib.sha256(canonical_json(spelled).encode("utf-8")).digest())


def _checksum(total: int) -> str:
    return f"{total % CHECKSUM_MODULUS:064x}"


def _key(table: Table, values: dict[str, Any]) -> str:
    return "/".join(str(values[c.name]) for c in table.primary_key.columns)


def refused_values(table: Table, rows: Iterable[dict[str, Any]]) -> Iterator[StoredValueProblem]:
    """The values of ``rows`` a server database would refuse (too long, NUL characters)."""
    checked = [c for c in table.columns if isinstance(c.type, String | JSON)]
    for values in rows:
        for column in checked:
            value = values[column.name]
            if value is None or isinstance(value, Null):
                continue
            problem = value_problem(column.type, value)
            if problem:
                yield StoredValueProblem(table.name, _key(table, values), column.name, problem)


def find_refused_values(connection: Connection) -> list[StoredValueProblem]:
    """Every value of the journal that a server database would refuse, table by table."""
    problems: list[StoredValueProblem] = []
    for table in journal_tables():
        for rows in _read(connection, table):
            problems.extend(refused_values(table, rows))
    return problems


def copy_rows(source: Connection, target: Connection) -> list[TableCopy]:
    """Copy every journal table's rows from ``source`` into the empty tables of ``target``.

    Both connections are in a transaction: ``source`` reads one consistent snapshot; nothing
    is committed on ``target`` here. Returns each table's count and checksum as read from
    the source.
    """
    copied: list[TableCopy] = []
    signed_sessions: list[Any] = []
    for table in journal_tables():
        count, total = 0, 0
        for rows in _read(source, table):
            for values in rows:
                total += _digest(table, values)
            if table.name == "sessions":
                for values in rows:
                    if values["status"] == SIGNED:
                        signed_sessions.append(values["id"])
                        values["status"] = DRAFT
            target.execute(insert(table), list(rows))
            count += len(rows)
        copied.append(TableCopy(table.name, count, _checksum(total)))
    _sign(target, signed_sessions)
    if target.dialect.name == "postgresql":
        _advance_sequences(target)
    return copied


def _sign(target: Connection, session_ids: list[Any]) -> None:
    """Sign the sessions that were signed in the source, now that their parts are in."""
    sessions = Base.metadata.tables["sessions"]
    statement = (
        update(sessions).where(sessions.c.id == bindparam("signed_id")).values(status=SIGNED)
    )
    for start in range(0, len(session_ids), BATCH_ROWS):
        batch = session_ids[start : start + BATCH_ROWS]
        target.execute(statement, [{"signed_id": i} for i in batch])


def _advance_sequences(target: Connection) -> None:
    # Integer keys numbered by the server (the audit trail's seq) get explicit numbers here;
    # the server's counter is moved past them, so it never hands one out a second time.
    for table in journal_tables():
        keys = list(table.primary_key.columns)
        for column in keys if len(keys) == 1 else []:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                target.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f"max({column.name})) FROM {table.name} HAVING count(*) > 0"
                    ),
                    {"table": table.name, "column": column.name},
                )


def table_checksums(connection: Connection) -> list[TableCopy]:
    """Each journal table's row count and checksum, as the database holds them now."""
    sums: list[TableCopy] = []
    for table in journal_tables():
        count, total = 0, 0
        for rows in _read(connection, table):
            count += len(rows)
            total += sum(_digest(table, values) for values in rows)
        sums.append(TableCopy(table.name, count, _checksum(total)))
    return sums


def differences(expected: Sequence[TableCopy], found: Sequence[TableCopy]) -> list[str]:
    """Where two sets of table counts and checksums differ, in words."""
    found_by_name = {copy.table: copy for copy in found}
    problems = []
    for wanted in expected:
        got = found_by_name.get(wanted.table)
        if got is None:
            problems.append(f"{wanted.table}: missing")
        elif got.rows != wanted.rows:
            problems.append(f"{wanted.table}: {got.rows} rows instead of {wanted.rows}")
        elif got.checksum != wanted.checksum:
            problems.append(f"{wanted.table}: the rows differ (checksum)")
    return problems
