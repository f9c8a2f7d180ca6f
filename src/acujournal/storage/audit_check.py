"""Checking the audit trail's chain: every seal, every link, nothing missing at the end.

Reads the entries in order, in batches, and recomputes each one's seals with the keys of the
key store (see :mod:`acujournal.storage.audit_chain` for what is sealed). Nothing is written.
The findings are facts with entry numbers; :mod:`acujournal.services.audit` words them for a
person.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, select, text

from acujournal.storage.audit_chain import (
    GENESIS,
    audit_table,
    entry_hash,
    jsonable,
    payload_mac,
)
from acujournal.storage.audit_keys import AuditKeyError, AuditKeyStore

BATCH_ROWS = 2000
MAX_PROBLEMS = 20
GUARD_TRIGGERS = ("audit_events_update", "audit_events_delete")


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One place where the chain does not hold."""

    seq: int
    kind: str  # "altered", "removed" or "redacted"
    text: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What checking the whole chain found."""

    entries: int
    last_seq: int | None
    last_at: datetime | None
    problems: tuple[ChainProblem, ...] = ()
    missing_keys: dict[str, int] = field(default_factory=dict)  # key id -> first entry
    key_error: str | None = None
    guard_missing: bool = False


def _rows(connection: Connection) -> Iterator[Row[Any]]:
    table = audit_table()
    last = 0
    while True:
        batch = connection.execute(
            select(table).where(table.c.seq > last).order_by(table.c.seq).limit(BATCH_ROWS)
        ).all()
        yield from batch
        if len(batch) < BATCH_ROWS:
            return
        last = int(batch[-1].seq)


def _highest_number_given(connection: Connection) -> int | None:
    if connection.dialect.name != "sqlite":
        return None
    value = connection.execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'")
    ).scalar()
    return None if value is None else int(value)


def guard_present(connection: Connection) -> bool:
    """Whether the triggers that refuse changing or removing entries are in place."""
    if connection.dialect.name == "postgresql":
        query = text("SELECT count(DISTINCT tgname) FROM pg_trigger WHERE tgname IN :names")
    else:
        query = text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN :names")
    query = query.bindparams(bindparam("names", expanding=True))
    found = connection.execute(query, {"names": list(GUARD_TRIGGERS)}).scalar()
    return int(found or 0) >= len(GUARD_TRIGGERS)


class _Walk:
    """Checks entries one by one, in order, remembering what the next one must link to."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = keys
        self.problems: list[ChainProblem] = []
        self.missing_keys: dict[str, int] = {}
        self.unexplained: dict[str, int] = {}  # patient id -> first redacted entry
        self.previous_seq = 0
        self.previous_hash = GENESIS
        self.count = 0
        self.last_at: datetime | None = None

    def fail(self, seq: int, kind: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(ChainProblem(seq, kind, message))

    def check(self, row: Row[Any]) -> None:
        seq = int(row.seq)
        self.count += 1
        self.last_at = row.recorded_at
        if seq != self.previous_seq + 1:
            first, last = self.previous_seq + 1, seq - 1
            which = f"entry {first} is" if first == last else f"entries {first} to {last} are"
            self.fail(first, "removed", f"{which} missing: removed from the audit trail")
        elif row.prev_hash != self.previous_hash:
            self.fail(
                seq,
                "altered",
                f"entry {seq} no longer links to entry {self.previous_seq}: one of them was "
                "altered",
            )
        secret = self.keys.get(row.key_id)
        if secret is None:
            self.missing_keys.setdefault(str(row.key_id), seq)
        else:
            self._check_seal(row, secret)
        patient = None if row.patient_id is None else str(row.patient_id)
        if row.redacted and patient is not None:
            self.unexplained.setdefault(patient, seq)
        if row.action == "erase" and row.entity == "patient" and patient is not None:
            self.unexplained.pop(patient, None)
        self.previous_seq, self.previous_hash = seq, str(row.hash)

    def _check_seal(self, row: Row[Any], secret: bytes) -> None:
        seq = int(row.seq)
        if row.redacted:
            if row.before_json is not None or row.after_json is not None:
                self.fail(seq, "altered", f"entry {seq} was altered: it is marked erased")
        elif payload_mac(secret, row.before_json, row.after_json) != row.payload_mac:
            self.fail(seq, "altered", f"entry {seq} was altered: its before/after content changed")
            return
        if not hmac.compare_digest(entry_hash(secret, _sealed_values(row)), str(row.hash)):
            self.fail(seq, "altered", f"entry {seq} was altered after it was recorded")


def _sealed_values(row: Row[Any]) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in row._mapping.items()}


def verify_chain(connection: Connection, store: AuditKeyStore) -> ChainReport:
    """Check every entry of the chain with the keys in ``store``; nothing is written."""
    try:
        keys = {key.id: key.secret for key in store.load()}
        key_error = None
    except AuditKeyError as error:
        keys, key_error = {}, str(error)
    walk = _Walk(keys)
    for row in _rows(connection):
        walk.check(row)
    for patient, seq in walk.unexplained.items():
        walk.fail(
            seq,
            "redacted",
            f"entry {seq} lost its content, but patient {patient} was never erased",
        )
    given = _highest_number_given(connection)
    if given is not None and given > walk.previous_seq:
        first = walk.previous_seq + 1
        which = f"entry {first} was" if first == given else f"entries {first} to {given} were"
        walk.fail(first, "removed", f"the newest {which} removed from the audit trail")
    return ChainReport(
        entries=walk.count,
        last_seq=walk.previous_seq or None,
        last_at=walk.last_at,
        problems=tuple(sorted(walk.problems, key=lambda p: p.seq)),
        missing_keys=walk.missing_keys,
        key_error=key_error,
        guard_missing=not guard_present(connection),
    )
