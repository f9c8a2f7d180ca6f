"""Editor drafts survive as JSON and come back exactly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    NeedleInsertion,
    Severity,
    Side,
    StimulationMethod,
)
from acujournal.services.drafts import (
    DraftFormatError,
    discard_editor_draft,
    draft_payload,
    load_editor_draft,
    load_editor_drafts,
    save_editor_draft,
    session_from_json,
    session_from_payload,
    session_to_json,
)
from acujournal.storage.db import Database
from tests.builders import make_journal, make_session


def test_a_session_round_trips_through_json_exactly(db: Database) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles.append(
        NeedleInsertion(point="EX-B2", side=Side.BILATERAL, spinal_level="L4", depth_mm=12.5)
    )
    session.needles.append(
        NeedleInsertion(point="ASHI", side=Side.LEFT, region="buttock", description="piriformis")
    )
    session.needles[0].stimulation.method = StimulationMethod.ELECTRO
    session.needles[0].stimulation.frequency_hz = 2.0
    session.needles[0].stimulation.frequency_high_hz = 100.0
    session.adverse_events.append(
        AdverseEvent(AdverseEventCategory.BLEEDING_BRUISING, Severity.MILD, "pressure, 1 min")
    )
    session.notes.subjective = "Slept better; « sitting » still hurts 😬"
    session.entered_at = datetime(2026, 1, 5, 9, 40, tzinfo=UTC)
    assert session_from_json(session_to_json(session)) == session


def test_save_overwrite_load_and_discard(db: Database) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    payload = draft_payload(session, {"point_entry": "ub4"})
    save_editor_draft(db, session.id, journal.patient.id, payload)
    session.pain_after.back = 2
    save_editor_draft(db, session.id, journal.patient.id, draft_payload(session))

    drafts = load_editor_drafts(db)
    assert [d.session_id for d in drafts] == [session.id]
    assert drafts[0].patient_id == journal.patient.id
    assert drafts[0].session() == session
    assert drafts[0].editor_state() == {}
    assert load_editor_draft(db, session.id) == drafts[0]

    discard_editor_draft(db, session.id)
    assert load_editor_drafts(db) == []
    assert load_editor_draft(db, session.id) is None
    discard_editor_draft(db, session.id)  # discarding twice is harmless


def test_newest_draft_comes_first(db: Database) -> None:
    journal = make_journal(db)
    first, second = make_session(journal), make_session(journal, days_later=1)
    save_editor_draft(db, first.id, journal.patient.id, draft_payload(first))
    save_editor_draft(db, second.id, journal.patient.id, draft_payload(second))
    assert [d.session_id for d in load_editor_drafts(db)] == [second.id, first.id]


def test_unknown_format_versions_are_refused_with_a_reason(db: Database) -> None:
    journal = make_journal(db)
    with pytest.raises(DraftFormatError, match="format_version"):
        save_editor_draft(db, uuid.uuid4(), journal.patient.id, {"session": {}})
    with pytest.raises(DraftFormatError, match="format version 99"):
        session_from_payload({"format_version": 99, "session": {}})
    with pytest.raises(DraftFormatError, match="damaged"):
        session_from_payload({"format_version": 1, "session": {"id": "not a uuid"}})
