"""Signed means signed in the database too: triggers refuse to rewrite a signed session.

The services already refuse; these triggers make the database refuse as well, so a database
browser, a script or a faulty later version cannot change a signed record either.

- A signed session row cannot be changed or deleted. Only its ``version`` counter may move
  (the ORM bumps it when an addendum is added); a draft may be signed.
- Needles and adverse events of a signed session cannot be added, changed, moved or removed.
- Addenda are append-only: never changed, never removed.

Statements that leave a row as it was are let through: the ORM issues such statements when it
rewrites an unchanged collection. The column lists below are frozen with this revision.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SESSION_COLUMNS = [
    "id",
    "case_id",
    "practitioner_id",
    "started_at",
    "time_zone",
    "entered_at",
    "status",
    "signed_by",
    "signed_at",
    "pain_before_back",
    "pain_before_leg",
    "pain_after_back",
    "pain_after_leg",
    "needles_in",
    "needles_out",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "internal_note",
    "patient_advice",
    "co_interventions",
    "sham",
    "protocol_id",
]
CHILD_COLUMNS = {
    "needles": [
        "session_id",
        "position",
        "point",
        "side",
        "spinal_level",
        "region",
        "description",
        "depth_mm",
        "tissue_level",
        "angle",
        "gauge_mm",
        "length_mm",
        "needle_brand",
        "method",
        "frequency_hz",
        "frequency_high_hz",
        "intensity_ma",
        "waveform",
        "response_sought",
        "deqi",
        "retention_min",
    ],
    "adverse_events": ["id", "session_id", "category", "severity", "action", "description"],
}
AMENDMENT_COLUMNS = ["id", "session_id", "author_id", "created_at", "text"]

SIGNED = "This session is signed and cannot be changed or deleted; add an addendum instead."
CHILD = {
    "needles": "This needle belongs to a signed session and cannot be changed; add an addendum.",
    "adverse_events": (
        "This adverse event belongs to a signed session and cannot be changed; add an addendum."
    ),
}
APPEND_ONLY = "Addenda are never changed or removed."


def _changed(columns: list[str]) -> str:
    """SQLite: true when any of the columns differs between OLD and NEW (NULL-safe)."""
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _signed(ref: str) -> str:
    return f"(SELECT status FROM sessions WHERE id = {ref}.session_id) = 'signed'"


def _sqlite_upgrade() -> None:
    statements = [
        f"""CREATE TRIGGER signed_session_update BEFORE UPDATE ON sessions
        WHEN OLD.status = 'signed' AND ({_changed(SESSION_COLUMNS)})
        BEGIN SELECT RAISE(ABORT, '{SIGNED}'); END""",
        f"""CREATE TRIGGER signed_session_delete BEFORE DELETE ON sessions
        WHEN OLD.status = 'signed'
        BEGIN SELECT RAISE(ABORT, '{SIGNED}'); END""",
        f"""CREATE TRIGGER amendment_update BEFORE UPDATE ON amendments
        WHEN {_changed(AMENDMENT_COLUMNS)}
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
        f"""CREATE TRIGGER amendment_delete BEFORE DELETE ON amendments
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    ]
    for table, columns in CHILD_COLUMNS.items():
        message = CHILD[table]
        statements += [
            f"""CREATE TRIGGER signed_{table}_insert BEFORE INSERT ON {table}
            WHEN {_signed("NEW")}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
            f"""CREATE TRIGGER signed_{table}_update BEFORE UPDATE ON {table}
            WHEN ({_signed("OLD")} OR {_signed("NEW")}) AND ({_changed(columns)})
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
            f"""CREATE TRIGGER signed_{table}_delete BEFORE DELETE ON {table}
            WHEN {_signed("OLD")}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        ]
    for statement in statements:
        op.execute(statement)


def _sqlite_downgrade() -> None:
    names = ["signed_session_update", "signed_session_delete", "amendment_update"]
    names.append("amendment_delete")
    for table in CHILD_COLUMNS:
        names += [f"signed_{table}_{event}" for event in ("insert", "update", "delete")]
    for name in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _postgresql_upgrade() -> None:
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_session() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'signed' AND TG_OP = 'DELETE' THEN
                RETURN OLD;
            ELSIF OLD.status <> 'signed' THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'DELETE'
                OR (to_jsonb(OLD) - 'version') IS DISTINCT FROM (to_jsonb(NEW) - 'version') THEN
                RAISE EXCEPTION '{SIGNED}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER signed_session_guard BEFORE UPDATE OR DELETE ON sessions
        FOR EACH ROW EXECUTE FUNCTION acujournal_guard_session()"""
    )
    op.execute(
        """CREATE FUNCTION acujournal_guard_session_child() RETURNS trigger AS $$
        DECLARE
            touched boolean;
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
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
    for table in CHILD_COLUMNS:
        op.execute(
            f"""CREATE TRIGGER signed_{table}_guard BEFORE INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION acujournal_guard_session_child('{CHILD[table]}')"""
        )
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_amendment() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER amendment_guard BEFORE UPDATE OR DELETE ON amendments
        FOR EACH ROW EXECUTE FUNCTION acujournal_guard_amendment()"""
    )


def _postgresql_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS amendment_guard ON amendments")
    for table in CHILD_COLUMNS:
        op.execute(f"DROP TRIGGER IF EXISTS signed_{table}_guard ON {table}")
    op.execute("DROP TRIGGER IF EXISTS signed_session_guard ON sessions")
    for function in ("guard_amendment", "guard_session_child", "guard_session"):
        op.execute(f"DROP FUNCTION IF EXISTS acujournal_{function}()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_downgrade()
    else:
        _sqlite_downgrade()
