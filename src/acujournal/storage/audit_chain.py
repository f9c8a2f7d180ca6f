"""The audit trail as a hash chain: sealing and appending entries, reading them, redacting.

Entries are numbered by ``seq`` without gaps (the writer assigns the next number while it holds
the journal's write lock). Each entry is sealed with HMAC-SHA-256 under a key kept outside the
database (:mod:`acujournal.storage.audit_keys`):

- ``payload_mac`` covers the entry's before and after content (canonical JSON text, stored as
  is, so checking never has to re-encode it);
- ``hash`` covers every other field, ``payload_mac`` and the previous entry's ``hash``.

So an entry cannot be changed, and an entry cannot be taken out of the middle, without the
check finding the first place where the chain no longer holds. Removing the newest entries is
caught on SQLite by its ``sqlite_sequence`` counter, which remembers the highest number ever
given out. Database triggers (migration 0004) refuse UPDATE and DELETE on the table in the
first place; the chain is what catches someone who removed the triggers first.

Erasing a patient is the one sanctioned change: their entries keep every field but lose their
content (``before_json`` and ``after_json`` become NULL, ``redacted`` true). Because the chain
seals the content's MAC rather than the content, it still verifies; the check
(:mod:`acujournal.storage.audit_check`) then insists that a later ``erase`` entry for the same
patient explains each redaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    Table,
    func,
    insert,
    select,
    text,
    update,
)

from acujournal.storage.audit_keys import (
    AuditKey,
    AuditKeyMissingError,
    AuditKeyStore,
    new_key,
)
from acujournal.storage.models import AuditEventRow

GENESIS = "0" * 64
SEAL_FORMAT = "acujournal-audit/1"
# Any constant works: it only has to be the same for every AcuJournal writing to the server.
POSTGRES_LOCK_ID = 0x41435541554449  # "ACUAUDI"


def audit_table() -> Table:
    """The ``audit_events`` table."""
    table = AuditEventRow.__table__
    assert isinstance(table, Table)
    return table


# Canonical JSON --------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` with ids, times, dates and enums turned into JSON strings, recursively."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def canonical_json(value: Any) -> str:
    """One spelling of a value as JSON: sorted keys, no spaces, UTF-8 kept as it is."""
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _mac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def payload_mac(secret: bytes, before: str | None, after: str | None) -> str:
    """The MAC of an entry's content (its before and after JSON texts)."""
    return _mac(secret, canonical_json([SEAL_FORMAT, "payload", before, after]))


def entry_hash(secret: bytes, entry: dict[str, Any] | Row[Any]) -> str:
    """The seal of an entry: its fields, its content's MAC and the previous entry's hash."""
    values = entry if isinstance(entry, dict) else entry._mapping
    sealed = [
        SEAL_FORMAT,
        values["seq"],
        values["id"],
        values["recorded_at"],
        values["actor_id"],
        values["actor_label"],
        values["action"],
        values["entity"],
        values["entity_id"],
        values["patient_id"],
        values["key_id"],
        values["payload_mac"],
        values["prev_hash"],
    ]
    return _mac(secret, canonical_json(sealed))


# Appending -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An entry about to be written: what happened to which record, before and after."""

    action: str
    entity: str
    entity_id: str
    patient_id: uuid.UUID | None = None
    before: Any = None
    after: Any = None


def _lock(connection: Connection) -> None:
    # SQLite writers already hold the one write lock; PostgreSQL writers queue here, so two
    # rooms saving at once cannot both extend the chain from the same entry.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": POSTGRES_LOCK_ID})


def signing_key(store: AuditKeyStore, trail_is_empty: bool) -> AuditKey:
    """The key new entries are sealed with; a new one only for a trail that is still empty."""
    keys = store.load()
    if keys:
        return keys[-1]
    if not trail_is_empty:
        raise AuditKeyMissingError(
            f"The audit key of this journal is missing from {store.location}, so nothing can "
            "be saved until it is put back, or a new key is started on purpose with "
            "`acujournal audit --new-key`; a new key is never made silently for an existing "
            "audit trail."
        )
    key = new_key()
    store.add(key)
    return key


def append_events(
    connection: Connection,
    events: Sequence[NewEvent],
    *,
    actor_id: uuid.UUID | None,
    actor_label: str,
    store: AuditKeyStore,
    now: datetime,
    key: AuditKey | None = None,
) -> list[int]:
    """Seal ``events`` and add them to the end of the chain; their sequence numbers."""
    if not events:
        return []
    table = audit_table()
    _lock(connection)
    head = connection.execute(
        select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)
    ).first()
    if key is None:
        key = signing_key(store, trail_is_empty=head is None)
    seq, previous = (int(head.seq), str(head.hash)) if head is not None else (0, GENESIS)
    rows: list[dict[str, Any]] = []
    for event in events:
        seq += 1
        before = None if event.before is None else canonical_json(event.before)
        after = None if event.after is None else canonical_json(event.after)
        row: dict[str, Any] = {
            "seq": seq,
            "id": uuid.uuid4(),
            "recorded_at": now,
            "actor_id": actor_id,
            "actor_label": actor_label[:200],
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id[:64],
            "patient_id": event.patient_id,
            "before_json": before,
            "after_json": after,
            "redacted": False,
            "key_id": key.id,
            "payload_mac": payload_mac(key.secret, before, after),
            "prev_hash": previous,
        }
        row["hash"] = previous = entry_hash(key.secret, jsonable(row))
        rows.append(row)
    connection.execute(insert(table), rows)
    return [int(row["seq"]) for row in rows]


def redact_patient(connection: Connection, patient_id: uuid.UUID) -> int:
    """Empty the content of a patient's entries (only allowed while they are being erased)."""
    table = audit_table()
    result = connection.execute(
        update(table)
        .where(table.c.patient_id == patient_id, table.c.redacted.is_(False))
        .values(before_json=None, after_json=None, redacted=True)
    )
    return int(result.rowcount)


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One stored entry, its content decoded (None for none, or after erasure)."""

    seq: int
    recorded_at: datetime
    actor_id: uuid.UUID | None
    actor_label: str
    action: str
    entity: str
    entity_id: str
    patient_id: uuid.UUID | None
    before: Any
    after: Any
    redacted: bool


def _filtered(
    query: Select[Any],
    patient_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[Any]:
    table = audit_table()
    if patient_id is not None:
        query = query.where(table.c.patient_id == patient_id)
    if since is not None:
        query = query.where(table.c.recorded_at >= since)
    if until is not None:
        query = query.where(table.c.recorded_at < until)
    return query


def count_entries(
    connection: Connection,
    *,
    patient_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many entries there are (of one patient and/or in ``[since, until)``)."""
    query = _filtered(select(func.count()).select_from(audit_table()), patient_id, since, until)
    return int(connection.execute(query).scalar() or 0)


def read_entries(
    connection: Connection,
    *,
    patient_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Entries, newest first, of one patient and/or in ``[since, until)`` when given."""
    table = audit_table()
    query = _filtered(select(table).order_by(table.c.seq.desc()), patient_id, since, until)
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditEntry(
            seq=int(row.seq),
            recorded_at=row.recorded_at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            patient_id=row.patient_id,
            before=None if row.before_json is None else json.loads(row.before_json),
            after=None if row.after_json is None else json.loads(row.after_json),
            redacted=bool(row.redacted),
        )
        for row in connection.execute(query)
    ]
