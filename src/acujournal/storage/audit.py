"""Recording every change of clinical data in the audit trail, in one place.

Listeners on the journal's session factory (installed by the unit of work) watch every ORM
write:

- before each flush, they note which records the flush touches, and read each record's stored
  state the first time the transaction touches it: its "before";
- just before the commit, they flush, read each touched record again (its "after") and write
  one entry per record whose state changed, plus the entries queued explicitly (an export, a
  print, an import, an erasure), sealed into the chain of :mod:`acujournal.storage.audit_chain`.

Entries are written in the same transaction as the change, so both are committed or neither.
A record is what the practitioner thinks of as one: a session with its needles, adverse events
and addenda; a patient; a case; a measurement; a practitioner; a protocol; a version of a
clinic's questionnaire (tables added later are recorded row by row under their table's name).
Editor drafts and clinic settings are not clinical records and are left out, and so are
derived columns (the optimistic-locking ``version``, the cached ``last_visit_at``).

The state is read from the database with plain SQL, not from the ORM objects, so "before" is
what was committed and "after" is what will be, whichever way the services got there.
Bulk writers (import, the demo generator) insert with Core statements that no listener sees;
they queue one summary entry each instead, which keeps a 60,000-session import fast.
"""

from __future__ import annotations

import getpass
import socket
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    ForeignKey,
    Select,
    and_,
    bindparam,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker

from acujournal.storage.audit_chain import NewEvent, append_events, jsonable
from acujournal.storage.audit_keys import default_key_store
from acujournal.storage.models import Base

ENTITY_NAMES = {
    "patients": "patient",
    "cases": "case",
    "sessions": "session",
    "measurements": "measurement",
    "practitioners": "practitioner",
    "protocols": "protocol",
    "questionnaires": "questionnaire",
}
# Parts of a session, and the order they are listed in.
SESSION_PARTS = {
    "needles": ("position",),
    "adverse_events": ("id",),
    "amendments": ("created_at", "id"),
}
NOT_AUDITED = frozenset({"editor_drafts", "settings", "audit_events", "erasure_in_progress"})
# Records of the clinic as a whole, which no patient owns (sessions only point at them).
CLINIC_TABLES = frozenset({"practitioners", "protocols", "questionnaires"})
MAX_KEY_HOPS = 5
DERIVED_COLUMNS = frozenset({"version", "last_visit_at"})
_INFO_KEY = "acujournal.audit"

RootKey = tuple[str, tuple[Any, ...]]
Snapshot = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it: a practitioner of the journal, or the computer's user when none is chosen."""

    label: str
    practitioner_id: uuid.UUID | None = None

    @classmethod
    def practitioner(cls, practitioner_id: uuid.UUID, name: str = "") -> Actor:
        """A practitioner; an empty name is looked up when the entry is written."""
        return cls(name, practitioner_id)

    @classmethod
    def system_user(cls) -> Actor:
        """The person logged in to this computer, as ``user@host``."""
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name anywhere (a bare container)
            user = "unknown user"
        return cls(f"{user}@{socket.gethostname()}")


_default_actors: weakref.WeakKeyDictionary[Engine, Actor] = weakref.WeakKeyDictionary()


def set_default_actor(engine: Engine, actor: Actor | None) -> None:
    """Who changes made through ``engine`` are recorded for, unless a use case says otherwise."""
    if actor is None:
        _default_actors.pop(engine, None)
    else:
        _default_actors[engine] = actor


def default_actor(engine: Engine) -> Actor:
    """The actor set with :func:`set_default_actor`, else the computer's user."""
    return _default_actors.get(engine) or Actor.system_user()


@dataclass
class _Tracker:
    actor: Actor
    before: dict[RootKey, Snapshot | None] = field(default_factory=dict)
    unkeyed: list[object] = field(default_factory=list)
    queued: list[NewEvent] = field(default_factory=list)

    def reset(self) -> None:
        self.before.clear()
        self.unkeyed.clear()
        self.queued.clear()


_installed: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def install(sessions: sessionmaker[Session]) -> None:
    """Make every session of this factory record its changes (idempotent).

    Whether it was done is remembered per factory here, not asked of SQLAlchemy's event
    registry: that registry knows targets by ``id()``, so a new factory born at the address of
    one just collected could look as if it had the listeners while it had none, and its
    changes would go unrecorded.
    """
    if sessions not in _installed:
        _installed.add(sessions)
        event.listen(sessions, "before_flush", _before_flush)
        event.listen(sessions, "before_commit", _before_commit)
        event.listen(sessions, "after_transaction_end", _after_transaction_end)


def track(session: Session, actor: Actor) -> None:
    """Record the changes of this session's transactions as done by ``actor``."""
    session.info[_INFO_KEY] = _Tracker(actor)


def queue_event(session: Session, new_event: NewEvent) -> None:
    """Write ``new_event`` with the transaction's other entries when it commits."""
    _tracker(session).queued.append(new_event)


def actor_label(session: Session) -> str:
    """Who the audit trail names for the changes of this session's transaction."""
    actor = _tracker(session).actor
    return actor.label or _practitioner_name(session.connection(), actor.practitioner_id)


def _tracker(session: Session) -> _Tracker:
    tracker = session.info.get(_INFO_KEY)
    if tracker is None:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        tracker = session.info[_INFO_KEY] = _Tracker(default_actor(engine))
    assert isinstance(tracker, _Tracker)
    return tracker


# Which record an ORM object belongs to --------------------------------------------------------


def _table_name(obj: object) -> str:
    return str(inspect(obj).mapper.local_table.name)


def _root_of(obj: object) -> RootKey | None:
    table = _table_name(obj)
    if table in SESSION_PARTS:
        session_id = getattr(obj, "session_id", None)
        return None if session_id is None else ("sessions", (session_id,))
    key = tuple(inspect(obj).mapper.primary_key_from_instance(obj))
    if any(value is None for value in key):
        return None
    return (table, key)


def _really_changed(obj: object) -> bool:
    """Whether an object the session calls dirty changed anything worth recording."""
    state = inspect(obj)
    return any(
        attribute.key not in DERIVED_COLUMNS and attribute.history.has_changes()
        for attribute in state.attrs
    )


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    tracker = _tracker(session)
    dirty = [obj for obj in session.dirty if _really_changed(obj)]
    touched: list[RootKey] = []
    for obj in chain(session.new, dirty, session.deleted):
        if _table_name(obj) in NOT_AUDITED:
            continue
        root = _root_of(obj)
        if root is None:
            if obj in session.new:  # its key is given by the database: known after the flush
                tracker.unkeyed.append(obj)
            continue
        touched.append(root)
    # A record inserted by this flush had no stored state: were its key taken, the INSERT
    # would fail and the transaction with it. (An object deleted and added again under the
    # same key becomes an UPDATE, so it is read like any other.)
    inserted = {_own_key(obj) for obj in session.new} - {_root_of(obj) for obj in session.deleted}
    connection: Connection | None = None
    for root in touched:
        if root in tracker.before:
            continue
        if root in inserted:
            tracker.before[root] = None
        else:
            connection = connection or session.connection()
            tracker.before[root] = _snapshot(connection, root)


def _own_key(obj: object) -> RootKey | None:
    """The record an object is, when it is a record itself (not a part of a session)."""
    table = _table_name(obj)
    if table in NOT_AUDITED or table in SESSION_PARTS:
        return None
    return _root_of(obj)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction records everything when it commits
    session.flush()
    tracker = _tracker(session)
    for obj in tracker.unkeyed:
        identity = inspect(obj).identity
        if identity is not None:
            tracker.before.setdefault((_table_name(obj), tuple(identity)), None)
    if not tracker.before and not tracker.queued:
        return
    connection = session.connection()
    events = [
        found
        for root, before in tracker.before.items()
        if (found := _change(connection, root, before)) is not None
    ]
    events += tracker.queued
    actor = tracker.actor
    tracker.reset()
    append_events(
        connection,
        events,
        actor_id=actor.practitioner_id,
        actor_label=actor.label or _practitioner_name(connection, actor.practitioner_id),
        store=default_key_store(),
        now=datetime.now(UTC),
    )


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        tracker = session.info.get(_INFO_KEY)
        if isinstance(tracker, _Tracker):
            tracker.reset()


# Reading a record's state ------------------------------------------------------------------------


@cache
def _record_query(table_name: str) -> Select[Any]:
    """The stored row of a record, by its key (``key0``, ``key1``...); built once per table."""
    table = Base.metadata.tables[table_name]
    return select(table).where(
        and_(*(column == bindparam(f"key{i}") for i, column in enumerate(table.primary_key)))
    )


@cache
def _part_query(part: str) -> Select[Any]:
    """The rows of one part of a session (``session_id``), in their order; built once."""
    table = Base.metadata.tables[part]
    return (
        select(table)
        .where(table.c.session_id == bindparam("session_id"))
        .order_by(*(table.c[name] for name in SESSION_PARTS[part]))
    )


def _snapshot(connection: Connection, root: RootKey) -> Snapshot | None:
    table_name, key = root
    params = {f"key{i}": value for i, value in enumerate(key)}
    row = connection.execute(_record_query(table_name), params).mappings().first()
    if row is None:
        return None
    state = {name: value for name, value in row.items() if name not in DERIVED_COLUMNS}
    if table_name == "sessions":
        for part in SESSION_PARTS:
            rows = connection.execute(_part_query(part), {"session_id": key[0]}).mappings()
            state[part] = [{k: v for k, v in r.items() if k != "session_id"} for r in rows]
    return state


def _patient_of(
    connection: Connection, table_name: str, state: Snapshot, depth: int = 0
) -> uuid.UUID | None:
    """The patient a record belongs to, found by following its foreign keys."""
    if table_name == "patients":
        return _as_uuid(state.get("id"))
    keys = sorted(
        Base.metadata.tables[table_name].foreign_keys,
        key=lambda k: (k.column.table.name != "patients", k.parent.name),
    )
    for key in keys:
        referred = key.column.table
        value = state.get(key.parent.name)
        if value is None or referred.name in CLINIC_TABLES or depth > MAX_KEY_HOPS:
            continue
        if referred.name == "patients":
            return _as_uuid(value)
        row = connection.execute(_referred_query(key), {"value": value}).mappings().first()
        found = (
            None if row is None else _patient_of(connection, referred.name, dict(row), depth + 1)
        )
        if found is not None:
            return found
    return None


@cache
def _referred_query(key: ForeignKey) -> Select[Any]:
    """The row a foreign key points at (``value``); built once per key."""
    return select(key.column.table).where(key.column == bindparam("value"))


def _as_uuid(value: object) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None


def _change(connection: Connection, root: RootKey, before: Snapshot | None) -> NewEvent | None:
    """The entry for one record, or None when it ends the transaction as it began."""
    table_name, key = root
    after = _snapshot(connection, root)
    if before == after:
        return None
    entity = ENTITY_NAMES.get(table_name, table_name.removesuffix("s"))
    entity_id = "/".join(str(value) for value in key)
    state = after if after is not None else before
    assert state is not None
    patient = _patient_of(connection, table_name, state)
    if before is None:
        assert after is not None
        signed = entity == "session" and after.get("status") == "signed"
        return NewEvent("sign" if signed else "create", entity, entity_id, patient, None, after)
    if after is None:
        return NewEvent("delete", entity, entity_id, patient, before, None)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return NewEvent(
        _action(entity, before, after, changed),
        entity,
        entity_id,
        patient,
        {k: before.get(k) for k in changed},
        {k: after.get(k) for k in changed},
    )


def _action(entity: str, before: Snapshot, after: Snapshot, changed: list[str]) -> str:
    if entity == "session":
        if before.get("status") != "signed" and after.get("status") == "signed":
            return "sign"
        if changed == ["amendments"]:
            return "amend"
    if entity == "patient" and changed == ["archived"]:
        return "archive" if after["archived"] else "unarchive"
    return "change"


def _practitioner_name(connection: Connection, practitioner_id: uuid.UUID | None) -> str:
    if practitioner_id is None:
        return "unknown"
    practitioners = Base.metadata.tables["practitioners"]
    name = connection.execute(
        select(practitioners.c.name).where(practitioners.c.id == practitioner_id)
    ).scalar()
    return str(name) if name else f"practitioner {practitioner_id}"


__all__ = [
    "Actor",
    "NewEvent",
    "actor_label",
    "default_actor",
    "install",
    "jsonable",
    "queue_event",
    "set_default_actor",
    "track",
]
