"""The session editor when another room saved the same session first."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from acujournal.services.conflicts import ConflictError
from acujournal.services.sessions import get_session, record_session
from acujournal.storage.db import Database
from acujournal.ui.session_editor import CloseChoice, SessionEditor
from acujournal.ui.session_workflow import ConflictChoice, conflict_details
from tests.builders import make_journal, make_session


@pytest.fixture(autouse=True)
def _keep_drafts_when_tests_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)


def test_a_conflicting_save_keeps_the_practitioners_text_until_they_choose_to_overwrite(
    qtbot: QtBot, db: Database, other_room: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = make_journal(db)
    draft = record_session(db, make_session(journal))
    editor = SessionEditor.open(db, draft.id, journal.practitioner.id)
    qtbot.addWidget(editor)
    editor.show()

    theirs = get_session(other_room, draft.id)
    theirs.notes.subjective = "Written in room 2"
    record_session(other_room, theirs)

    asked: list[ConflictError] = []
    answer = ConflictChoice.KEEP_EDITING

    def ask(_editor: SessionEditor, error: ConflictError) -> ConflictChoice:
        asked.append(error)
        return answer

    monkeypatch.setattr(SessionEditor, "ask_conflict_choice", ask)
    editor.ui.notes.fields["plan"].setPlainText("Review in a week")
    assert not editor.save()
    assert asked[0].fields == ["subjective"]
    assert "subjective notes: Written in room 2" in conflict_details(asked[0])
    assert editor.ui.notes.fields["plan"].toPlainText() == "Review in a week"
    assert get_session(db, draft.id).notes.plan == ""

    answer = ConflictChoice.OVERWRITE
    assert editor.save()
    stored = get_session(other_room, draft.id)
    assert stored.notes.plan == "Review in a week"
    assert stored.notes.subjective == editor.current_session().notes.subjective
    # Saved once more, the editor's own last save is no conflict.
    asked.clear()
    editor.ui.notes.fields["plan"].setPlainText("Review in two weeks")
    assert editor.save()
    assert not asked
    assert get_session(other_room, draft.id).notes.plan == "Review in two weeks"


def test_signing_over_another_rooms_change_asks_first(
    qtbot: QtBot, db: Database, other_room: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles_in = session.needles_out = session.insertion_count
    draft = record_session(db, session)
    editor = SessionEditor.open(db, draft.id, journal.practitioner.id)
    qtbot.addWidget(editor)
    editor.show()

    theirs = get_session(other_room, draft.id)
    theirs.patient_advice = "Walk every day"
    record_session(other_room, theirs)

    monkeypatch.setattr(
        SessionEditor, "ask_conflict_choice", lambda _self, _error: ConflictChoice.KEEP_EDITING
    )
    assert not editor.sign()
    assert not editor.is_signed()
    assert not get_session(db, draft.id).is_signed

    monkeypatch.setattr(
        SessionEditor, "ask_conflict_choice", lambda _self, _error: ConflictChoice.OVERWRITE
    )
    assert editor.sign()
    assert get_session(other_room, draft.id).is_signed


def test_a_restored_draft_still_meets_a_change_another_room_saved_meanwhile(
    qtbot: QtBot, db: Database, other_room: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = make_journal(db)
    draft = record_session(db, make_session(journal))
    editor = SessionEditor.open(db, draft.id, journal.practitioner.id)
    qtbot.addWidget(editor)
    editor.ui.notes.fields["plan"].setPlainText("Typed before the power cut")
    editor.flush_draft()
    editor.deleteLater()

    theirs = get_session(other_room, draft.id)
    theirs.notes.assessment = "Written in room 2"
    record_session(other_room, theirs)

    restored = SessionEditor.open(db, draft.id, journal.practitioner.id)
    qtbot.addWidget(restored)
    assert restored.ui.notes.fields["plan"].toPlainText() == "Typed before the power cut"
    asked: list[ConflictError] = []

    def ask(_editor: SessionEditor, error: ConflictError) -> ConflictChoice:
        asked.append(error)
        return ConflictChoice.KEEP_EDITING

    monkeypatch.setattr(SessionEditor, "ask_conflict_choice", ask)
    assert not restored.save()
    assert "assessment" in asked[0].fields
    assert get_session(db, draft.id).notes.assessment == "Written in room 2"
