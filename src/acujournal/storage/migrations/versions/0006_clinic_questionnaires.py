"""A clinic's own intake questionnaires, kept in the journal.

``questionnaires`` holds every version of every questionnaire the clinic added (the shipped
ones stay in the program): its key and version, its definition as the questionnaire file's
JSON, when it was added and by whom (the audit trail's actor, when known). Every treatment
room of a shared journal sees the same questionnaires.

A version is never changed or removed: a patient may bring back a form of it on paper or as a
PDF years later, and it must still be read as it was asked. Triggers refuse UPDATE and DELETE
on both engines; a changed questionnaire is added as a new version. The change notices of
0005 are about patients; a questionnaire belongs to none, and rooms read the list afresh
whenever they offer it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEPT = "A questionnaire version is kept as it was added; add a new version instead."


def _sqlite_guards() -> None:
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"""CREATE TRIGGER questionnaire_{event.lower()} BEFORE {event} ON questionnaires
            BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"""
        )


def _postgresql_guards() -> None:
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_questionnaire() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{KEPT}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER questionnaire_guard BEFORE UPDATE OR DELETE ON questionnaires
        FOR EACH ROW EXECUTE FUNCTION acujournal_guard_questionnaire()"""
    )


def upgrade() -> None:
    op.create_table(
        "questionnaires",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("key", "version", name=op.f("pk_questionnaires")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS questionnaire_guard ON questionnaires")
        op.execute("DROP FUNCTION IF EXISTS acujournal_guard_questionnaire()")
    else:
        for name in ("questionnaire_update", "questionnaire_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("questionnaires")
