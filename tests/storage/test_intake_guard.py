"""An intake is kept as given: the database refuses to rewrite its answers or its reviews."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from acujournal.domain.intake import Intake, IntakeReview, IntakeSource, ReviewDecision
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import get_intake, prepare_intake, save_intake
from acujournal.storage.db import Database
from acujournal.storage.migrate import alembic_config, current_revision
from tests.builders import make_journal
from tests.storage.raw_sql import execute

FROZEN = "kept as given and cannot be changed"
APPEND_ONLY = "never changed or removed"


@pytest.fixture
def intake(db: Database) -> Intake:
    journal = make_journal(db)
    when = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    prepared = prepare_intake(
        shipped_questionnaire(),
        {"name": "Åse", "fever": True},
        patient_id=journal.patient.id,
        source=IntakeSource.APP,
        submitted_at=when,
    )
    review = IntakeReview(ReviewDecision.REFER_OUT, journal.practitioner.id, when, "To the GP")
    return save_intake(db, prepared, review)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE intakes SET answers = '{}' WHERE id = :id",
        "UPDATE intakes SET screening_outcome = 'no_flags', red_flags = '[]' WHERE id = :id",
        "UPDATE intakes SET submitted_at = '2020-01-01 00:00:00.000000' WHERE id = :id",
    ],
)
def test_answers_and_screening_cannot_be_rewritten(db: Database, intake: Intake, sql: str) -> None:
    with pytest.raises(DatabaseError, match=FROZEN):
        execute(db, sql, id=intake.id)
    assert get_intake(db, intake.id).answers == {"name": "Åse", "fever": True}


def test_the_case_of_an_intake_may_be_set_later(db: Database, intake: Intake) -> None:
    assert execute(db, "UPDATE intakes SET case_id = NULL WHERE id = :id", id=intake.id) == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE intake_reviews SET decision = 'accept' WHERE intake_id = :id",
        "UPDATE intake_reviews SET reason = 'nothing' WHERE intake_id = :id",
        "DELETE FROM intake_reviews WHERE intake_id = :id",
    ],
)
def test_review_decisions_are_append_only(db: Database, intake: Intake, sql: str) -> None:
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(db, sql, id=intake.id)
    stored = get_intake(db, intake.id).review
    assert stored is not None
    assert stored.decision is ReviewDecision.REFER_OUT


def test_downgrading_below_the_intake_revision_drops_the_tables(db: Database) -> None:
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0002")
    assert current_revision(db.engine) == "0002"
    assert not {"intakes", "intake_reviews", "intake_frozen"} & schema_names(db)
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert {"intakes", "intake_reviews", "intake_frozen"} <= schema_names(db)


def schema_names(db: Database) -> set[str]:
    """The names of the journal's tables and triggers."""
    query = (
        "SELECT name FROM sqlite_master"
        if db.is_sqlite
        else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "UNION SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with db.engine.connect() as connection:
        return {str(row[0]) for row in connection.execute(text(query))}
