"""Two rooms, one journal: record versions and change notices.

- ``version`` of patients, cases and sessions (present since 0001, kept by the ORM as its
  optimistic-locking counter) gets a database default of 1, so rows written by other tools
  start at the first version too. SQLite cannot change a column's default without rebuilding
  the table (which would drop the guards of 0002 and 0004), and only AcuJournal writes a
  SQLite journal, so it is left as it is there.
- On PostgreSQL, every committed change of a patient, case, session or outcome measurement
  sends ``NOTIFY acujournal_changes, '<patient id>'``, so the other rooms' windows refresh
  that patient. Notices are delivered on commit only, and once per patient per transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("patients", "cases", "sessions")
NOTIFYING = ("patients", "cases", "sessions", "measurements")
CHANNEL = "acujournal_changes"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in VERSIONED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN version SET DEFAULT 1")
    op.execute(
        f"""CREATE FUNCTION acujournal_notify_change() RETURNS trigger AS $$
        DECLARE
            changed record;
            patient uuid;
        BEGIN
            IF TG_OP = 'DELETE' THEN
                changed := OLD;
            ELSE
                changed := NEW;
            END IF;
            IF TG_TABLE_NAME = 'patients' THEN
                patient := changed.id;
            ELSIF TG_TABLE_NAME IN ('sessions', 'measurements') THEN
                SELECT c.patient_id INTO patient FROM cases c WHERE c.id = changed.case_id;
            ELSE
                patient := changed.patient_id;
            END IF;
            IF patient IS NOT NULL THEN
                PERFORM pg_notify('{CHANNEL}', patient::text);
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    for table in NOTIFYING:
        op.execute(
            f"""CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION acujournal_notify_change()"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in NOTIFYING:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS acujournal_notify_change()")
    for table in VERSIONED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN version DROP DEFAULT")
