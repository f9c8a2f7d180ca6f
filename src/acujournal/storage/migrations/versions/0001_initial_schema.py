"""Initial schema: the journal, editor drafts and clinic settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "patients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patients_last_visit_at"), ["last_visit_at"], unique=False
        )

    op.create_table(
        "practitioners",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("qualification", sa.String(length=200), nullable=False),
        sa.Column("years_in_practice", sa.Integer(), nullable=True),
        sa.Column("style", sa.String(length=32), nullable=False),
        sa.Column("default_gauge_mm", sa.Double(), nullable=True),
        sa.Column("default_length_mm", sa.Double(), nullable=True),
        sa.Column("default_needle_brand", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
    )
    op.create_table(
        "protocols",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("condition", sa.String(length=64), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocols")),
        sa.UniqueConstraint("family_id", "version", name="uq_protocols_family_version"),
    )
    with op.batch_alter_table("protocols", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_protocols_family_id"), ["family_id"], unique=False)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("condition", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("suspected_cause", sa.String(length=200), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column("radiation", sa.String(length=16), nullable=True),
        sa.Column("numbness", sa.Boolean(), nullable=True),
        sa.Column("style", sa.String(length=32), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_cases_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "editor_drafts",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_editor_drafts_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_editor_drafts")),
    )
    with op.batch_alter_table("editor_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_editor_drafts_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("signed_by", sa.Uuid(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pain_before_back", sa.SmallInteger(), nullable=True),
        sa.Column("pain_before_leg", sa.SmallInteger(), nullable=True),
        sa.Column("pain_after_back", sa.SmallInteger(), nullable=True),
        sa.Column("pain_after_leg", sa.SmallInteger(), nullable=True),
        sa.Column("needles_in", sa.SmallInteger(), nullable=True),
        sa.Column("needles_out", sa.SmallInteger(), nullable=True),
        sa.Column("subjective", sa.Text(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=False),
        sa.Column("patient_advice", sa.Text(), nullable=False),
        sa.Column("co_interventions", sa.JSON(), nullable=False),
        sa.Column("sham", sa.Boolean(), nullable=False),
        sa.Column("protocol_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_sessions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_sessions_practitioner_id_practitioners"),
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocols.id"], name=op.f("fk_sessions_protocol_id_protocols")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["practitioners.id"], name=op.f("fk_sessions_signed_by_practitioners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_case_started", ["case_id", "started_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sessions_practitioner_id"), ["practitioner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sessions_started_at"), ["started_at"], unique=False)

    op.create_table(
        "adverse_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_adverse_events_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_events")),
    )
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adverse_events_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_adverse_events_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "amendments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["practitioners.id"], name=op.f("fk_amendments_author_id_practitioners")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_amendments_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendments_session_id"), ["session_id"], unique=False)

    op.create_table(
        "measurements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("instrument", sa.String(length=32), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_measurements_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_measurements_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
    )
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.create_index("ix_measurements_case_taken", ["case_id", "taken_at"], unique=False)

    op.create_table(
        "needles",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("point", sa.String(length=16), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("spinal_level", sa.String(length=8), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("depth_mm", sa.Float(), nullable=True),
        sa.Column("tissue_level", sa.String(length=16), nullable=True),
        sa.Column("angle", sa.String(length=16), nullable=True),
        sa.Column("gauge_mm", sa.Float(), nullable=True),
        sa.Column("length_mm", sa.Float(), nullable=True),
        sa.Column("needle_brand", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("frequency_hz", sa.Float(), nullable=True),
        sa.Column("frequency_high_hz", sa.Float(), nullable=True),
        sa.Column("intensity_ma", sa.Float(), nullable=True),
        sa.Column("waveform", sa.String(length=64), nullable=False),
        sa.Column("response_sought", sa.String(length=16), nullable=False),
        sa.Column("deqi", sa.Boolean(), nullable=True),
        sa.Column("retention_min", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_needles_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("session_id", "position", name=op.f("pk_needles")),
    )
    with op.batch_alter_table("needles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needles_point"), ["point"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("needles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needles_point"))

    op.drop_table("needles")
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.drop_index("ix_measurements_case_taken")

    op.drop_table("measurements")
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendments_session_id"))

    op.drop_table("amendments")
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_events_session_id"))
        batch_op.drop_index(batch_op.f("ix_adverse_events_category"))

    op.drop_table("adverse_events")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_started_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_practitioner_id"))
        batch_op.drop_index("ix_sessions_case_started")

    op.drop_table("sessions")
    with op.batch_alter_table("editor_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editor_drafts_patient_id"))

    op.drop_table("editor_drafts")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_patient_id"))

    op.drop_table("cases")
    op.drop_table("settings")
    with op.batch_alter_table("protocols", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocols_family_id"))

    op.drop_table("protocols")
    op.drop_table("practitioners")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_last_visit_at"))

    op.drop_table("patients")
