"""The database schema, as SQLAlchemy 2 typed ORM models.

These rows never leave the storage package: repositories turn them into domain objects.
Nothing here is SQLite-only; the same models serve a shared PostgreSQL server.

Enumerations are stored as their string values (``String`` columns, not native enums), so
adding a category later is a data change, not a schema migration on PostgreSQL.

Child rows (needles, adverse events, amendments) are deleted through the ORM cascade, not by
``ON DELETE CASCADE`` in the database: a table rebuild during a SQLite migration would
otherwise fire the cascade and silently delete them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from acujournal.storage.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        str: String(200),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class PractitionerRow(Base):
    __tablename__ = "practitioners"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    qualification: Mapped[str] = mapped_column(default="")
    years_in_practice: Mapped[int | None]
    style: Mapped[str] = mapped_column(String(32), default="tcm")
    default_gauge_mm: Mapped[float | None]
    default_length_mm: Mapped[float | None]
    default_needle_brand: Mapped[str] = mapped_column(default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PatientRow(Base):
    __tablename__ = "patients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(default="")
    address: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # The time of the latest session, kept by the services so "recent patients first" needs
    # no aggregate over every session.
    last_visit_at: Mapped[datetime | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    cases: Mapped[list[CaseRow]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="CaseRow.opened_on"
    )
    __mapper_args__ = {"version_id_col": version}


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    title: Mapped[str]
    condition: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(16), default="unknown")
    suspected_cause: Mapped[str] = mapped_column(default="")
    onset_date: Mapped[date | None] = mapped_column(Date)
    radiation: Mapped[str | None] = mapped_column(String(16))
    numbness: Mapped[bool | None] = mapped_column(Boolean)
    style: Mapped[str | None] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    patient: Mapped[PatientRow] = relationship(back_populates="cases")
    sessions: Mapped[list[SessionRow]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SessionRow.started_at"
    )
    measurements: Mapped[list[MeasurementRow]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="MeasurementRow.taken_at"
    )
    __mapper_args__ = {"version_id_col": version}


class ProtocolRow(Base):
    """One version of a protocol; versions of the same protocol share ``family_id``."""

    __tablename__ = "protocols"
    __table_args__ = (UniqueConstraint("family_id", "version", name="uq_protocols_family_version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str]
    condition: Mapped[str] = mapped_column(String(64), default="")
    points: Mapped[list[Any]]
    created_at: Mapped[datetime]


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_case_started", "case_id", "started_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioners.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    signed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practitioners.id"))
    signed_at: Mapped[datetime | None]
    pain_before_back: Mapped[int | None] = mapped_column(SmallInteger)
    pain_before_leg: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after_back: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after_leg: Mapped[int | None] = mapped_column(SmallInteger)
    needles_in: Mapped[int | None] = mapped_column(SmallInteger)
    needles_out: Mapped[int | None] = mapped_column(SmallInteger)
    subjective: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    patient_advice: Mapped[str] = mapped_column(Text, default="")
    co_interventions: Mapped[list[Any]] = mapped_column(default=list)
    sham: Mapped[bool] = mapped_column(Boolean, default=False)
    protocol_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("protocols.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[CaseRow] = relationship(back_populates="sessions")
    needles: Mapped[list[NeedleRow]] = relationship(
        cascade="all, delete-orphan", order_by="NeedleRow.position", lazy="selectin"
    )
    adverse_events: Mapped[list[AdverseEventRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    amendments: Mapped[list[AmendmentRow]] = relationship(
        cascade="all, delete-orphan", order_by="AmendmentRow.created_at", lazy="selectin"
    )
    __mapper_args__ = {"version_id_col": version}


class NeedleRow(Base):
    """A needled point; keyed by its session and its place in the session's list."""

    __tablename__ = "needles"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    point: Mapped[str] = mapped_column(String(16), index=True)
    side: Mapped[str] = mapped_column(String(16))
    spinal_level: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    depth_mm: Mapped[float | None] = mapped_column(Float)
    tissue_level: Mapped[str | None] = mapped_column(String(16))
    angle: Mapped[str | None] = mapped_column(String(16))
    gauge_mm: Mapped[float | None] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    needle_brand: Mapped[str] = mapped_column(default="")
    method: Mapped[str] = mapped_column(String(16), default="manual")
    frequency_hz: Mapped[float | None] = mapped_column(Float)
    frequency_high_hz: Mapped[float | None] = mapped_column(Float)
    intensity_ma: Mapped[float | None] = mapped_column(Float)
    waveform: Mapped[str] = mapped_column(String(64), default="")
    response_sought: Mapped[str] = mapped_column(String(16), default="deqi")
    deqi: Mapped[bool | None] = mapped_column(Boolean)
    retention_min: Mapped[float | None] = mapped_column(Float)


class AdverseEventRow(Base):
    __tablename__ = "adverse_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")


class AmendmentRow(Base):
    __tablename__ = "amendments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioners.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)


class MeasurementRow(Base):
    __tablename__ = "measurements"
    __table_args__ = (Index("ix_measurements_case_taken", "case_id", "taken_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sessions.id"))
    instrument: Mapped[str] = mapped_column(String(32))
    taken_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    answers: Mapped[Any | None] = mapped_column(JSON)
    value: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[CaseRow] = relationship(back_populates="measurements")


class EditorDraftRow(Base):
    """The session editor's unsaved state, written on every edit.

    It holds whatever the practitioner has typed so far, valid or not, as JSON, so a crash or
    power cut mid-entry loses nothing: the next start offers it back. It is removed when the
    session is saved or the practitioner discards it.
    """

    __tablename__ = "editor_drafts"

    session_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    updated_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]]


class SettingRow(Base):
    """Clinic-wide settings (clinic name and address, caution depths, text snippets...).

    One JSON value per key, so a new setting needs no migration.
    """

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class AuditEventRow(Base):
    """One entry of the audit trail: who did what to which record, with before and after.

    Append-only (triggers of migration 0004 refuse UPDATE and DELETE) and sealed into a hash
    chain with a key kept outside the database; see ``storage/audit_chain.py``. ``patient_id``
    and ``actor_id`` have no foreign keys on purpose: the trail outlives erased patients.
    ``before_json``/``after_json`` hold canonical JSON text exactly as it was sealed.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_patient_recorded", "patient_id", "recorded_at"),
        # SQLite then remembers the highest number ever given out, so removing the newest
        # entries shows.
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str]
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[uuid.UUID | None]
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    key_id: Mapped[str] = mapped_column(String(32))
    payload_mac: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ErasureMarkerRow(Base):
    """Holds a row only inside the transaction that erases a patient.

    The triggers guarding signed sessions, their parts, addenda and the audit trail let that
    one patient's rows be removed (and their audit entries emptied) while the row is there.
    """

    __tablename__ = "erasure_in_progress"

    patient_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class IntakeRow(Base):
    """A patient's completed intake questionnaire and its automatic screening.

    The answers are kept exactly as given (JSON keyed by question key); the screening columns
    hold what the rules found at the time, so a later change of rules never rewrites a record.
    """

    __tablename__ = "intakes"
    __table_args__ = (Index("ix_intakes_patient_submitted", "patient_id", "submitted_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    questionnaire_key: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    source: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]]
    unreadable: Mapped[dict[str, Any]] = mapped_column(default=dict)
    screening_outcome: Mapped[str] = mapped_column(String(16))
    red_flags: Mapped[list[Any]] = mapped_column(default=list)
    cautions: Mapped[list[Any]] = mapped_column(default=list)
    unanswered: Mapped[list[Any]] = mapped_column(default=list)

    reviews: Mapped[list[IntakeReviewRow]] = relationship(
        cascade="all, delete-orphan", order_by="IntakeReviewRow.reviewed_at", lazy="selectin"
    )


class IntakeReviewRow(Base):
    """A practitioner's decision on an intake. Append-only: a changed mind is a new row, so
    the record shows every decision, who made it and when; the latest one counts."""

    __tablename__ = "intake_reviews"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    intake_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intakes.id"), index=True)
    decision: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioners.id"))
    reviewed_at: Mapped[datetime]


class QuestionnaireRow(Base):
    """One version of a clinic's own intake questionnaire, as it was added.

    ``definition`` is the questionnaire file's JSON. Rows are never changed or removed
    (triggers of migration 0006), so a form handed out on paper or as a PDF stays readable
    for as long as the journal is kept; a changed questionnaire is a new version.
    """

    __tablename__ = "questionnaires"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime]
    added_by: Mapped[str | None] = mapped_column(String(200))
