"""The audit trail, and a controlled way to erase a patient.

- ``audit_events``: the append-only, hash-chained audit trail. Triggers refuse every UPDATE
  and DELETE (and TRUNCATE on PostgreSQL), with one exception: while a patient is being erased,
  that patient's entries may lose their before/after content (``redacted``), nothing else.
- ``erasure_in_progress``: holds the id of a patient while the erasing transaction runs. The
  delete guards of migrations 0002 (signed sessions, their needles and adverse events,
  addenda) and 0003 (intake review decisions) are recreated so that they let that one
  patient's rows be deleted; everything else they refuse stays refused, for every other
  patient too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen with this revision (the messages match those of 0002).
SIGNED = "This session is signed and cannot be changed or deleted; add an addendum instead."
CHILD = {
    "needles": "This needle belongs to a signed session and cannot be changed; add an addendum.",
    "adverse_events": (
        "This adverse event belongs to a signed session and cannot be changed; add an addendum."
    ),
}
APPEND_ONLY = "Addenda are never changed or removed."
REVIEW_APPEND_ONLY = "Intake review decisions are never changed or removed; record a new decision."
AUDIT_APPEND_ONLY = "The audit trail is append-only: its entries are never changed or removed."
AUDIT_FIXED_COLUMNS = [
    "seq",
    "id",
    "recorded_at",
    "actor_id",
    "actor_label",
    "action",
    "entity",
    "entity_id",
    "patient_id",
    "key_id",
    "payload_mac",
    "prev_hash",
    "hash",
]


def _erasing_case(ref: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM erasure_in_progress e JOIN cases c ON c.patient_id = e.patient_id "
        f"WHERE c.id = {ref})"
    )


def _erasing_intake(ref: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM erasure_in_progress e JOIN intakes i ON i.patient_id = e.patient_id "
        f"WHERE i.id = {ref})"
    )


def _erasing_session(ref: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM erasure_in_progress e JOIN cases c ON c.patient_id = e.patient_id "
        f"JOIN sessions s ON s.case_id = c.id WHERE s.id = {ref})"
    )


def _create_tables() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("redacted", sa.Boolean(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("payload_mac", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_events_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_events_recorded_at"), ["recorded_at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_patient_recorded", ["patient_id", "recorded_at"], unique=False
        )
    op.create_table(
        "erasure_in_progress",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_erasure_in_progress")),
    )


def _drop_tables() -> None:
    op.drop_table("erasure_in_progress")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_patient_recorded")
        batch_op.drop_index(batch_op.f("ix_audit_events_recorded_at"))
    op.drop_table("audit_events")


# SQLite ------------------------------------------------------------------------------------------


def _signed(ref: str) -> str:
    return f"(SELECT status FROM sessions WHERE id = {ref}.session_id) = 'signed'"


def _sqlite_delete_guards(erasable: bool) -> list[str]:
    """The delete triggers of 0002, with the erasure exemption or (downgrade) without."""
    session_exempt = f" AND NOT {_erasing_case('OLD.case_id')}" if erasable else ""
    part_exempt = f" AND NOT {_erasing_session('OLD.session_id')}" if erasable else ""
    amendment_when = f"WHEN NOT {_erasing_session('OLD.session_id')}" if erasable else ""
    statements = [
        f"""CREATE TRIGGER signed_session_delete BEFORE DELETE ON sessions
        WHEN OLD.status = 'signed'{session_exempt}
        BEGIN SELECT RAISE(ABORT, '{SIGNED}'); END""",
        f"""CREATE TRIGGER amendment_delete BEFORE DELETE ON amendments
        {amendment_when}
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    ]
    for table, message in CHILD.items():
        statements.append(
            f"""CREATE TRIGGER signed_{table}_delete BEFORE DELETE ON {table}
            WHEN {_signed("OLD")}{part_exempt}
            BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        )
    review_when = f"WHEN NOT {_erasing_intake('OLD.intake_id')}" if erasable else ""
    statements.append(
        f"""CREATE TRIGGER intake_review_delete BEFORE DELETE ON intake_reviews
        {review_when}
        BEGIN SELECT RAISE(ABORT, '{REVIEW_APPEND_ONLY}'); END"""
    )
    return statements


def _sqlite_replace_delete_guards(erasable: bool) -> None:
    for name in ("signed_session_delete", "amendment_delete", "intake_review_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in CHILD:
        op.execute(f"DROP TRIGGER IF EXISTS signed_{table}_delete")
    for statement in _sqlite_delete_guards(erasable):
        op.execute(statement)


def _sqlite_upgrade() -> None:
    _sqlite_replace_delete_guards(erasable=True)
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in AUDIT_FIXED_COLUMNS)
    op.execute(
        f"""CREATE TRIGGER audit_events_update BEFORE UPDATE ON audit_events
        WHEN NOT (
            OLD.redacted = 0 AND NEW.redacted = 1
            AND NEW.before_json IS NULL AND NEW.after_json IS NULL
            AND {unchanged}
            AND EXISTS (SELECT 1 FROM erasure_in_progress WHERE patient_id = OLD.patient_id)
        )
        BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END"""
    )
    op.execute(
        f"""CREATE TRIGGER audit_events_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END"""
    )


def _sqlite_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_events_update")
    op.execute("DROP TRIGGER IF EXISTS audit_events_delete")
    _sqlite_replace_delete_guards(erasable=False)


# PostgreSQL --------------------------------------------------------------------------------------


def _postgresql_guards(erasable: bool) -> None:
    """Redefine the guard functions of 0002, with the erasure exemption or without."""
    session_exempt = (
        f"""IF TG_OP = 'DELETE' AND {_erasing_case("OLD.case_id")} THEN
                RETURN OLD;
            END IF;"""
        if erasable
        else ""
    )
    part_exempt = (
        f"""IF TG_OP = 'DELETE' AND {_erasing_session("OLD.session_id")} THEN
                RETURN OLD;
            END IF;"""
        if erasable
        else ""
    )
    op.execute(
        f"""CREATE OR REPLACE FUNCTION acujournal_guard_session() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'signed' AND TG_OP = 'DELETE' THEN
                RETURN OLD;
            ELSIF OLD.status <> 'signed' THEN
                RETURN NEW;
            END IF;
            {session_exempt}
            IF TG_OP = 'DELETE'
                OR (to_jsonb(OLD) - 'version') IS DISTINCT FROM (to_jsonb(NEW) - 'version') THEN
                RAISE EXCEPTION '{SIGNED}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        f"""CREATE OR REPLACE FUNCTION acujournal_guard_session_child() RETURNS trigger AS $$
        DECLARE
            touched boolean;
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            {part_exempt}
            touched := (TG_OP <> 'INSERT' AND EXISTS (
                    SELECT 1 FROM sessions WHERE id = OLD.session_id AND status = 'signed'))
                OR (TG_OP <> 'DELETE' AND EXISTS (
                    SELECT 1 FROM sessions WHERE id = NEW.session_id AND status = 'signed'));
            IF touched THEN
                RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    )
    review_exempt = (
        f"""IF TG_OP = 'DELETE' AND {_erasing_intake("OLD.intake_id")} THEN
                RETURN OLD;
            END IF;"""
        if erasable
        else ""
    )
    op.execute(
        f"""CREATE OR REPLACE FUNCTION acujournal_guard_intake_review() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            {review_exempt}
            RAISE EXCEPTION '{REVIEW_APPEND_ONLY}'
                USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        f"""CREATE OR REPLACE FUNCTION acujournal_guard_amendment() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            {part_exempt}
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )


def _postgresql_upgrade() -> None:
    _postgresql_guards(erasable=True)
    fixed = "'before_json' - 'after_json' - 'redacted'"
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_audit() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NOT OLD.redacted AND NEW.redacted
                    AND NEW.before_json IS NULL AND NEW.after_json IS NULL
                    AND (to_jsonb(OLD) - {fixed}) = (to_jsonb(NEW) - {fixed})
                    AND EXISTS (
                        SELECT 1 FROM erasure_in_progress WHERE patient_id = OLD.patient_id) THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{AUDIT_APPEND_ONLY}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )
    for name, timing in (
        ("audit_events_update", "BEFORE UPDATE ON audit_events FOR EACH ROW"),
        ("audit_events_delete", "BEFORE DELETE ON audit_events FOR EACH ROW"),
        ("audit_events_truncate", "BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT"),
    ):
        op.execute(f"CREATE TRIGGER {name} {timing} EXECUTE FUNCTION acujournal_guard_audit()")


def _postgresql_downgrade() -> None:
    for name in ("audit_events_update", "audit_events_delete", "audit_events_truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS acujournal_guard_audit()")
    _postgresql_guards(erasable=False)


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_downgrade()
    else:
        _sqlite_downgrade()
    _drop_tables()
