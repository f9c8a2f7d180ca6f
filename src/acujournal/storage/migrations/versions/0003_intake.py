"""Intake questionnaires, their screening result and the practitioner's review.

Two tables:

- ``intakes``: a patient's answers to an intake questionnaire (JSON keyed by question key),
  where they came from, and the automatic screening found at the time;
- ``intake_reviews``: the practitioner's decisions on an intake (accept, accept with caution,
  refer out), with the reason, who decided and when.

As with signed sessions, the database guards the record too: an intake's answers and
screening cannot be rewritten (only the case it belongs to may be set later), and reviews are
append-only, like addenda. The column list below is frozen with this revision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every column of ``intakes`` except ``case_id``, which may be set when a case is opened.
FROZEN_INTAKE_COLUMNS = [
    "id",
    "patient_id",
    "questionnaire_key",
    "questionnaire_version",
    "submitted_at",
    "time_zone",
    "source",
    "answers",
    "unreadable",
    "screening_outcome",
    "red_flags",
    "cautions",
    "unanswered",
]
REVIEW_COLUMNS = ["id", "intake_id", "decision", "reason", "reviewer_id", "reviewed_at"]
FROZEN = "The answers of an intake are kept as given and cannot be changed."
APPEND_ONLY = "Intake review decisions are never changed or removed; record a new decision."


def _create_tables() -> None:
    op.create_table(
        "intakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("questionnaire_key", sa.String(length=40), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("unreadable", sa.JSON(), nullable=False),
        sa.Column("screening_outcome", sa.String(length=16), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("unanswered", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_intakes_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_intakes_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_intakes_patient_submitted", ["patient_id", "submitted_at"], unique=False
        )

    op.create_table(
        "intake_reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_intake_reviews_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["practitioners.id"],
            name=op.f("fk_intake_reviews_reviewer_id_practitioners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_reviews")),
    )
    with op.batch_alter_table("intake_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_reviews_intake_id"), ["intake_id"], unique=False
        )


def _changed(columns: list[str]) -> str:
    """SQLite: true when any of the columns differs between OLD and NEW (NULL-safe)."""
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _sqlite_guards() -> None:
    for statement in (
        f"""CREATE TRIGGER intake_frozen BEFORE UPDATE ON intakes
        WHEN {_changed(FROZEN_INTAKE_COLUMNS)}
        BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
        f"""CREATE TRIGGER intake_review_update BEFORE UPDATE ON intake_reviews
        WHEN {_changed(REVIEW_COLUMNS)}
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
        f"""CREATE TRIGGER intake_review_delete BEFORE DELETE ON intake_reviews
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    ):
        op.execute(statement)


def _postgresql_guards() -> None:
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_intake() RETURNS trigger AS $$
        BEGIN
            IF (to_jsonb(OLD) - 'case_id') IS DISTINCT FROM (to_jsonb(NEW) - 'case_id') THEN
                RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER intake_frozen BEFORE UPDATE ON intakes
        FOR EACH ROW EXECUTE FUNCTION acujournal_guard_intake()"""
    )
    op.execute(
        f"""CREATE FUNCTION acujournal_guard_intake_review() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER intake_review_guard BEFORE UPDATE OR DELETE ON intake_reviews
        FOR EACH ROW EXECUTE FUNCTION acujournal_guard_intake_review()"""
    )


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS intake_review_guard ON intake_reviews")
        op.execute("DROP TRIGGER IF EXISTS intake_frozen ON intakes")
        op.execute("DROP FUNCTION IF EXISTS acujournal_guard_intake_review()")
        op.execute("DROP FUNCTION IF EXISTS acujournal_guard_intake()")
    else:
        for name in ("intake_review_delete", "intake_review_update", "intake_frozen"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("intake_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_reviews_intake_id"))
    op.drop_table("intake_reviews")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index("ix_intakes_patient_submitted")
        batch_op.drop_index(batch_op.f("ix_intakes_case_id"))
    op.drop_table("intakes")
