"""Removing every row of one patient, signed sessions included, in the open transaction.

The guards of migrations 0002 and 0004 refuse to delete signed sessions, their needles and
adverse events, and addenda, and refuse to touch the audit trail. While a row naming the
patient sits in ``erasure_in_progress``, they let exactly that patient's rows go, and let that
patient's audit entries lose their content (the entries themselves stay). The marker row is
added and removed inside the same transaction, so no other connection ever sees it.

Which rows belong to the patient is read from the schema's foreign keys: the patient row,
every row pointing at it, every row pointing at those, and so on. Tables added later (intake
forms, ...) are covered without a change here, as long as they point at their patient, case
or session with a foreign key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Table, delete, insert, or_, select

from acujournal.storage.audit import CLINIC_TABLES
from acujournal.storage.audit_chain import redact_patient
from acujournal.storage.models import Base, ErasureMarkerRow

# Tables that must never lose rows with a patient, whatever points at what.
KEPT_TABLES = CLINIC_TABLES | {"audit_events", "erasure_in_progress"}


@dataclass(frozen=True, slots=True)
class ErasedRows:
    """What erasing one patient removed: row counts per table, ids of cases and sessions."""

    deleted: dict[str, int]
    case_ids: tuple[uuid.UUID, ...]
    session_ids: tuple[uuid.UUID, ...]
    signed_sessions: int
    redacted_entries: int


def _owned_rows(patient_id: uuid.UUID) -> dict[Table, ColumnElement[bool]]:
    """For each table holding rows of the patient, the condition that picks them."""
    tables = Base.metadata.tables
    owned: dict[Table, ColumnElement[bool]] = {
        tables["patients"]: tables["patients"].c.id == patient_id
    }
    # sorted_tables lists every table after the tables it points at.
    for table in Base.metadata.sorted_tables:
        if table.name in KEPT_TABLES or table in owned:
            continue
        conditions = [
            key.parent.in_(select(key.column).where(owned[key.column.table]))
            for key in table.foreign_keys
            if isinstance(key.column.table, Table) and key.column.table in owned
        ]
        if conditions:
            owned[table] = or_(*conditions)
    return owned


@contextmanager
def _scrubbing(connection: Connection) -> Iterator[None]:
    """Have SQLite overwrite what is deleted with zeros, instead of leaving it in free space.

    Without this the erased text would stay in the file's free pages until reused, and the
    online backup API copies free pages too: a backup made after the erasure would still hold
    it, byte for byte.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA secure_delete = {int(before or 0)}")


def erase_patient_rows(connection: Connection, patient_id: uuid.UUID) -> ErasedRows:
    """Delete the patient and everything that is theirs; empty their audit entries."""
    tables = Base.metadata.tables
    marker = ErasureMarkerRow.__table__
    assert isinstance(marker, Table)
    owned = _owned_rows(patient_id)
    cases, sessions = tables["cases"], tables["sessions"]
    case_ids = tuple(connection.execute(select(cases.c.id).where(owned[cases])).scalars())
    session_rows = connection.execute(
        select(sessions.c.id, sessions.c.status).where(owned[sessions])
    ).all()
    connection.execute(insert(marker).values(patient_id=patient_id))
    with _scrubbing(connection):
        redacted = redact_patient(connection, patient_id)
        deleted: dict[str, int] = {}
        # Rows pointing at others go first, while what they point at (and the marker's join
        # through cases and sessions) is still there.
        for table in reversed(Base.metadata.sorted_tables):
            if table in owned:
                count = connection.execute(delete(table).where(owned[table])).rowcount
                if count:
                    deleted[table.name] = int(count)
    connection.execute(delete(marker).where(marker.c.patient_id == patient_id))
    return ErasedRows(
        deleted=deleted,
        case_ids=case_ids,
        session_ids=tuple(row.id for row in session_rows),
        signed_sessions=sum(row.status == "signed" for row in session_rows),
        redacted_entries=redacted,
    )
