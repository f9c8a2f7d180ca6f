"""The journal repository: queries and writes, handing back domain objects or plain rows.

A repository works inside one SQLAlchemy session that the unit of work opens and commits; it
never commits by itself. Nothing it returns is a live ORM object.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import String, Table, bindparam, func, insert, select, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from acujournal.domain.intake import Intake, IntakeReview
from acujournal.domain.model import (
    Case,
    OutcomeMeasurement,
    Patient,
    Practitioner,
    Protocol,
    SessionStatus,
    TreatmentSession,
)
from acujournal.storage import mapping
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    AuditEventRow,
    Base,
    CaseRow,
    IntakeReviewRow,
    IntakeRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    ProtocolRow,
    SessionRow,
)

RowT = TypeVar("RowT", bound=Base)


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """What the patient list shows: enough to find someone, nothing more."""

    id: uuid.UUID
    name: str
    birth_date: date | None
    phone: str
    archived: bool
    last_visit_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One line of a patient's session history."""

    id: uuid.UUID
    case_id: uuid.UUID
    started_at: datetime
    time_zone: str
    practitioner_name: str
    status: str
    points: tuple[str, ...]
    pain_before_back: int | None
    pain_before_leg: int | None
    pain_after_back: int | None
    pain_after_leg: int | None


class NotFoundError(LookupError):
    """The record asked for does not exist (the message names what and which)."""


@dataclass(frozen=True, slots=True)
class NeedleSite:
    """Where one needle went, as the body chart shows it: "EX-B2 L4", "bilateral", region."""

    label: str
    side: str
    region: str | None


@dataclass(frozen=True, slots=True)
class LastChange:
    """Who last changed a record and when, as the audit trail tells it."""

    actor: str
    at: datetime


# Columns that say nothing about what a practitioner read: keys, and what the journal keeps.
_NOT_COMPARED = frozenset(
    {"id", "session_id", "patient_id", "case_id", "entered_at", "status", "signed_by", "signed_at"}
)


def _comparable(values: dict[str, Any]) -> dict[str, object]:
    return {key: value for key, value in values.items() if key not in _NOT_COMPARED}


def patient_state(patient: Patient) -> dict[str, object]:
    """A patient's values as compared between two rooms."""
    return _comparable(mapping.patient_values(patient))


def case_state(case: Case) -> dict[str, object]:
    """A case's values as compared between two rooms."""
    return _comparable(mapping.case_values(case))


def session_state(record: TreatmentSession) -> dict[str, object]:
    """A session's values as compared between two rooms, its needles and events included."""
    state = _comparable(mapping.session_values(record))
    state["needles"] = [
        _comparable(mapping.needle_values(record.id, i, n)) for i, n in enumerate(record.needles)
    ]
    state["adverse_events"] = [
        _comparable(mapping.adverse_event_values(record.id, e)) for e in record.adverse_events
    ]
    state["amendments"] = [a.id for a in record.amendments]
    return state


RecordT = TypeVar("RecordT", Patient, Case, TreatmentSession)


def _as_read(
    record: RecordT, version: int, state: Callable[[RecordT], dict[str, object]]
) -> RecordT:
    record.version = version
    record.read_state = state(record)
    return record


class JournalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Bulk path -----------------------------------------------------------------------------
    def bulk_insert(self, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows with one executemany (no ORM bookkeeping).

        A Core INSERT of the table, so every row must hold the same keys (the mapping
        functions' dicts do). The ORM's bulk path leaves out None values and so batches only
        consecutive rows with None in the same columns: importing the reference clinic spent
        about twice as long in it.
        """
        if not rows:
            return
        table = model.__table__
        assert isinstance(table, Table)
        connection = self.session.connection()
        plain = _plain_insert(connection.dialect, table, tuple(rows[0]))
        if plain is None:
            self.session.execute(insert(table), list(rows))
            return
        # SQLite: the rows go to the driver's executemany as tuples, each value converted by
        # its column type's own bind processor (what the Core INSERT does too, per row and
        # per parameter, at several times the cost).
        statement, keys, processors = plain
        pick = itemgetter(*keys)
        converted = [(index, process) for index, process in enumerate(processors) if process]
        values: list[tuple[Any, ...]] = []
        for row in rows:
            picked = pick(row)
            value = list(picked) if len(keys) > 1 else [picked]
            for index, process in converted:
                value[index] = process(value[index])
            values.append(tuple(value))
        connection.exec_driver_sql(statement, values)

    # Practitioners -------------------------------------------------------------------------
    def add_practitioner(self, practitioner: Practitioner) -> None:
        self.session.add(PractitionerRow(**mapping.practitioner_values(practitioner)))

    def practitioners(self) -> list[Practitioner]:
        rows = self.session.scalars(select(PractitionerRow).order_by(PractitionerRow.name))
        return [mapping.practitioner_from_row(r) for r in rows]

    def get_practitioner(self, practitioner_id: uuid.UUID) -> Practitioner:
        return mapping.practitioner_from_row(self._get(PractitionerRow, practitioner_id))

    def update_practitioner(self, practitioner: Practitioner) -> None:
        row = self._get(PractitionerRow, practitioner.id)
        for key, value in mapping.practitioner_values(practitioner).items():
            setattr(row, key, value)

    # Patients ------------------------------------------------------------------------------
    def add_patient(self, patient: Patient, created_at: datetime) -> None:
        values = mapping.patient_values(patient)
        self.session.add(PatientRow(**values, created_at=created_at))

    def get_patient(self, patient_id: uuid.UUID) -> Patient:
        row = self._get(PatientRow, patient_id)
        return _as_read(mapping.patient_from_row(row), row.version, patient_state)

    def update_patient(self, patient: Patient) -> None:
        row = self._get(PatientRow, patient.id)
        for key, value in mapping.patient_values(patient).items():
            setattr(row, key, value)
        self.session.flush()
        _as_read(patient, row.version, patient_state)

    def patient_summaries(self, include_archived: bool = False) -> list[PatientSummary]:
        """Every patient, most recently seen first, then by name."""
        query = select(
            PatientRow.id,
            PatientRow.name,
            PatientRow.birth_date,
            PatientRow.phone,
            PatientRow.archived,
            PatientRow.last_visit_at,
        ).order_by(PatientRow.last_visit_at.desc().nulls_last(), PatientRow.name)
        if not include_archived:
            query = query.where(PatientRow.archived.is_(False))
        return [PatientSummary(*row) for row in self.session.execute(query)]

    def touch_last_visit(self, patient_id: uuid.UUID, moment: datetime) -> None:
        row = self._get(PatientRow, patient_id)
        if row.last_visit_at is None or row.last_visit_at < moment:
            row.last_visit_at = moment

    # Cases ---------------------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        self.session.add(CaseRow(**mapping.case_values(case)))

    def get_case(self, case_id: uuid.UUID) -> Case:
        row = self._get(CaseRow, case_id)
        return _as_read(mapping.case_from_row(row), row.version, case_state)

    def update_case(self, case: Case) -> None:
        row = self._get(CaseRow, case.id)
        for key, value in mapping.case_values(case).items():
            setattr(row, key, value)
        self.session.flush()
        _as_read(case, row.version, case_state)

    def cases_of_patient(self, patient_id: uuid.UUID) -> list[Case]:
        rows = self.session.scalars(
            select(CaseRow)
            .where(CaseRow.patient_id == patient_id)
            .order_by(CaseRow.opened_on.desc().nulls_last())
        )
        return [_as_read(mapping.case_from_row(r), r.version, case_state) for r in rows]

    def patient_id_of_case(self, case_id: uuid.UUID) -> uuid.UUID:
        return self._get(CaseRow, case_id).patient_id

    # Sessions ------------------------------------------------------------------------------
    def get_session(self, session_id: uuid.UUID) -> TreatmentSession:
        row = self._get(SessionRow, session_id)
        return _as_read(mapping.session_from_row(row), row.version, session_state)

    def find_session(self, session_id: uuid.UUID) -> TreatmentSession | None:
        row = self.session.get(SessionRow, session_id)
        if row is None:
            return None
        return _as_read(mapping.session_from_row(row), row.version, session_state)

    def needle_sites(self, session_id: uuid.UUID) -> list[NeedleSite]:
        """Where a session's needles went, in its order, reading only those columns."""
        rows = self.session.execute(
            select(NeedleRow.point, NeedleRow.spinal_level, NeedleRow.side, NeedleRow.region)
            .where(NeedleRow.session_id == session_id)
            .order_by(NeedleRow.position)
        )
        return [
            NeedleSite(f"{point} {level}" if level else point, side, region)
            for point, level, side, region in rows
        ]

    def last_change(self, entity: str, entity_id: uuid.UUID) -> LastChange | None:
        """Who changed a record last and when, from the audit trail (None if it has none)."""
        row = self.session.execute(
            select(AuditEventRow.actor_label, AuditEventRow.recorded_at)
            .where(AuditEventRow.entity == entity, AuditEventRow.entity_id == str(entity_id))
            .order_by(AuditEventRow.seq.desc())
            .limit(1)
        ).first()
        return LastChange(row[0], row[1]) if row is not None else None

    def save_session(self, record: TreatmentSession) -> None:
        """Insert a session or replace a stored one, children included.

        A session being signed is written as a draft first and signed once its children are
        written: the database refuses any change to the children of a signed session.
        """
        row = self.session.get(SessionRow, record.id)
        values = mapping.session_values(record)
        signing = record.is_signed and (row is None or row.status != SessionStatus.SIGNED.value)
        if row is None and not signing:
            self._insert_draft(record, values)
            return
        if signing:
            values["status"] = SessionStatus.DRAFT.value
        if row is None:
            row = SessionRow(**values)
            self.session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        row.needles = [
            NeedleRow(**mapping.needle_values(record.id, i, n))
            for i, n in enumerate(record.needles)
        ]
        row.adverse_events = [
            AdverseEventRow(**mapping.adverse_event_values(record.id, e))
            for e in record.adverse_events
        ]
        if signing:
            self.session.flush()
            row.status = SessionStatus.SIGNED.value
        row.amendments = [
            AmendmentRow(**mapping.amendment_values(record.id, a)) for a in record.amendments
        ]
        self.session.flush()
        _as_read(record, row.version, session_state)

    def _insert_draft(self, record: TreatmentSession, values: dict[str, Any]) -> None:
        """A new draft session: the session through the ORM, its needles in one INSERT.

        Making an ORM object for each needle costs more than writing it. The session row
        itself goes through the ORM (its listeners record it in the audit trail, which reads
        the needles back from the database); its needle list is loaded when first asked for.
        """
        row = SessionRow(**values)
        row.adverse_events = [
            AdverseEventRow(**mapping.adverse_event_values(record.id, e))
            for e in record.adverse_events
        ]
        row.amendments = [
            AmendmentRow(**mapping.amendment_values(record.id, a)) for a in record.amendments
        ]
        self.session.add(row)
        if record.needles:
            # Flushes the session row first (autoflush), so the needles find their session;
            # every None is written as NULL, as the ORM writes it, so it is one statement.
            self.session.execute(
                insert(NeedleRow).execution_options(render_nulls=True),
                [mapping.needle_values(record.id, i, n) for i, n in enumerate(record.needles)],
            )
        _as_read(record, 1, session_state)

    def sign_inserted(self, session_ids: Sequence[uuid.UUID]) -> None:
        """Flip bulk-inserted drafts (signer and time already set) to signed, children written.

        Bulk writers insert signed sessions as drafts, then their needles and adverse events,
        then call this: the database refuses children of a session once it is signed.
        """
        if session_ids:
            table = SessionRow.__table__
            assert isinstance(table, Table)
            statement = (
                update(table)
                .where(table.c.id == bindparam("signed_id"))
                .values(status=SessionStatus.SIGNED.value)
            )
            self.session.execute(statement, [{"signed_id": i} for i in session_ids])

    def delete_session(self, session_id: uuid.UUID) -> None:
        self.session.delete(self._get(SessionRow, session_id))

    def latest_session(
        self, *, case_id: uuid.UUID | None = None, patient_id: uuid.UUID | None = None
    ) -> TreatmentSession | None:
        """The most recent session of a case, or of any case of a patient."""
        query = select(SessionRow).order_by(SessionRow.started_at.desc()).limit(1)
        if case_id is not None:
            query = query.where(SessionRow.case_id == case_id)
        if patient_id is not None:
            query = query.join(CaseRow).where(CaseRow.patient_id == patient_id)
        row = self.session.scalars(query).first()
        return mapping.session_from_row(row) if row is not None else None

    def sessions_of_case(self, case_id: uuid.UUID) -> list[TreatmentSession]:
        rows = self.session.scalars(
            select(SessionRow).where(SessionRow.case_id == case_id).order_by(SessionRow.started_at)
        )
        return [mapping.session_from_row(r) for r in rows]

    def session_history(self, patient_id: uuid.UUID) -> list[SessionSummary]:
        """A patient's sessions, newest first, with the points of each (two queries in all)."""
        rows = self.session.execute(
            select(
                SessionRow.id,
                SessionRow.case_id,
                SessionRow.started_at,
                SessionRow.time_zone,
                PractitionerRow.name,
                SessionRow.status,
                SessionRow.pain_before_back,
                SessionRow.pain_before_leg,
                SessionRow.pain_after_back,
                SessionRow.pain_after_leg,
            )
            .join(CaseRow, SessionRow.case_id == CaseRow.id)
            .join(PractitionerRow, SessionRow.practitioner_id == PractitionerRow.id)
            .where(CaseRow.patient_id == patient_id)
            .order_by(SessionRow.started_at.desc())
        ).all()
        # A long history has thousands of needles: their session ids are read as the
        # database keeps them and matched to the sessions above (not made into a UUID each),
        # and each session's few needles are put in order here rather than by the database.
        known: dict[object, uuid.UUID] = {}
        for r in rows:
            known[r[0]] = known[r[0].hex] = r[0]
        placed: dict[uuid.UUID, list[tuple[int, str]]] = {}
        needle_rows = self.session.execute(
            select(
                type_coerce(NeedleRow.session_id, String),
                NeedleRow.position,
                NeedleRow.point,
                NeedleRow.spinal_level,
            )
            .join(SessionRow, NeedleRow.session_id == SessionRow.id)
            .join(CaseRow, SessionRow.case_id == CaseRow.id)
            .where(CaseRow.patient_id == patient_id)
        )
        for stored_id, position, point, level in needle_rows:
            session_id = known.get(stored_id) or _as_uuid(stored_id)
            label = f"{point} {level}" if level else point
            placed.setdefault(session_id, []).append((position, label))
        points = {key: [label for _, label in sorted(found)] for key, found in placed.items()}
        return [
            SessionSummary(
                id=r[0],
                case_id=r[1],
                started_at=r[2],
                time_zone=r[3],
                practitioner_name=r[4],
                status=r[5],
                points=tuple(points.get(r[0], ())),
                pain_before_back=r[6],
                pain_before_leg=r[7],
                pain_after_back=r[8],
                pain_after_leg=r[9],
            )
            for r in rows
        ]

    # Protocols -----------------------------------------------------------------------------
    def add_protocol(self, protocol: Protocol) -> None:
        self.session.add(ProtocolRow(**mapping.protocol_values(protocol)))

    def get_protocol(self, protocol_id: uuid.UUID) -> Protocol:
        return mapping.protocol_from_row(self._get(ProtocolRow, protocol_id))

    def current_protocols(self) -> list[Protocol]:
        """The newest version of every protocol, by name."""
        newest = (
            select(ProtocolRow.family_id, func.max(ProtocolRow.version).label("version"))
            .group_by(ProtocolRow.family_id)
            .subquery()
        )
        rows = self.session.scalars(
            select(ProtocolRow)
            .join(
                newest,
                (ProtocolRow.family_id == newest.c.family_id)
                & (ProtocolRow.version == newest.c.version),
            )
            .order_by(ProtocolRow.name)
        )
        return [mapping.protocol_from_row(r) for r in rows]

    # Measurements --------------------------------------------------------------------------
    def add_measurement(self, measurement: OutcomeMeasurement) -> None:
        self.session.add(MeasurementRow(**mapping.measurement_values(measurement)))

    def measurements_of_case(self, case_id: uuid.UUID) -> list[OutcomeMeasurement]:
        rows = self.session.scalars(
            select(MeasurementRow)
            .where(MeasurementRow.case_id == case_id)
            .order_by(MeasurementRow.taken_at)
        )
        return [mapping.measurement_from_row(r) for r in rows]

    def measurements_of_patient(self, patient_id: uuid.UUID) -> list[OutcomeMeasurement]:
        """Every measurement of every case of a patient, oldest first (one query)."""
        rows = self.session.scalars(
            select(MeasurementRow)
            .join(CaseRow, MeasurementRow.case_id == CaseRow.id)
            .where(CaseRow.patient_id == patient_id)
            .order_by(MeasurementRow.taken_at)
        )
        return [mapping.measurement_from_row(r) for r in rows]

    # Helpers -------------------------------------------------------------------------------
    def existing_ids(self, model: type[Base], ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``ids`` are already stored in ``model``'s table (for idempotent imports)."""
        wanted = list(ids)
        found: set[uuid.UUID] = set()
        id_column = model.__table__.c.id
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(self.session.scalars(select(id_column).where(id_column.in_(chunk))))
        return found

    def _get(self, model: type[RowT], key: uuid.UUID) -> RowT:
        row = self.session.get(model, key)
        if row is None:
            raise NotFoundError(f"No {model.__tablename__[:-1]} with id {key}.")
        return row

    # Intakes -------------------------------------------------------------------------------
    def add_intake(self, intake: Intake) -> None:
        """Store an intake with any review decisions it already carries."""
        row = IntakeRow(**mapping.intake_values(intake))
        row.reviews = [
            IntakeReviewRow(**mapping.intake_review_values(intake.id, r)) for r in intake.reviews
        ]
        self.session.add(row)

    def get_intake(self, intake_id: uuid.UUID) -> Intake:
        return mapping.intake_from_row(self._get(IntakeRow, intake_id))

    def intakes_of_patient(self, patient_id: uuid.UUID) -> list[Intake]:
        """A patient's intakes, newest first."""
        rows = self.session.scalars(
            select(IntakeRow)
            .where(IntakeRow.patient_id == patient_id)
            .order_by(IntakeRow.submitted_at.desc(), IntakeRow.id)
        )
        return [mapping.intake_from_row(r) for r in rows]

    def add_intake_review(self, intake_id: uuid.UUID, review: IntakeReview) -> None:
        """Append a review decision to an intake (decisions are never changed)."""
        self._get(IntakeRow, intake_id)
        self.session.add(IntakeReviewRow(**mapping.intake_review_values(intake_id, review)))

    def set_intake_case(self, intake_id: uuid.UUID, case_id: uuid.UUID | None) -> None:
        """Tie an intake to a case of its patient (or untie it)."""
        self._get(IntakeRow, intake_id).case_id = case_id


def _as_uuid(value: object) -> uuid.UUID:
    """A key read without its column type (hex text in SQLite, a UUID from a server)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


_PlainInsert = tuple[str, tuple[str, ...], list[Callable[[Any], Any] | None]]


@cache
def _plain_insert(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _PlainInsert | None:
    """An INSERT of ``keys`` into ``table`` for the driver, with each column's bind processor.

    Only for SQLite, whose driver takes ``?`` parameters, and only when the columns left out
    have no default computed in Python (which the Core INSERT would fill in); None otherwise.
    """
    if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
        return None
    if any(key not in table.c for key in keys):
        return None
    if any(column.default is not None for column in table.c if column.key not in keys):
        return None
    columns = [table.c[key] for key in keys]
    prepare = dialect.identifier_preparer
    statement = (
        f"INSERT INTO {prepare.format_table(table)} "
        f"({', '.join(prepare.format_column(column) for column in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    processors: list[Callable[[Any], Any] | None] = [
        column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
    ]
    return statement, keys, processors
