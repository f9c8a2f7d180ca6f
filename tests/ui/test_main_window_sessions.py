"""Recording sessions from the main window: tabs, refresh, drafts after a crash."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acujournal.services.drafts import load_editor_drafts
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from acujournal.ui.main_window import MainWindow
from acujournal.ui.session_editor import SessionEditor
from tests.builders import make_journal, make_session


@pytest.fixture(autouse=True)
def _no_close_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Leaving a draft for later is what a practitioner does when a test ends mid-entry.
    from acujournal.ui.session_editor import CloseChoice

    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)


def _window(qtbot: QtBot, db: Database, *, keep: bool = True) -> MainWindow:
    window = MainWindow(db)
    if keep:
        qtbot.addWidget(window)
    window.show()
    return window


def test_a_session_recorded_in_a_tab_appears_in_the_history(qtbot: QtBot, db: Database) -> None:
    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)
    window = _window(qtbot, db)
    window.select_patient(journal.patient.id)
    assert window.page.history.rowCount() == 1

    qtbot.mouseClick(window.page.new_session_button, Qt.MouseButton.LeftButton)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, SessionEditor)
    assert window.tabs.count() == 2
    editor.repeat_last()
    qtbot.mouseClick(editor.ui.pain.before_back.button(5), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.ui.pain.after_back.button(2), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(editor.saved):
        assert editor.save()
    history = window.page.history
    assert history.rowCount() == 2
    assert history.index(0, history.BACK).data() == "5 → 2"


def test_unsaved_sessions_come_back_after_a_crash(qtbot: QtBot, db: Database) -> None:
    journal = make_journal(db)
    window = _window(qtbot, db, keep=False)
    window.select_patient(journal.patient.id)
    editor = window.new_session(journal.case.id)
    assert editor is not None
    qtbot.mouseClick(editor.ui.pain.before_back.button(7), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(editor.draftWritten):
        editor.flush_draft()
    # The process dies: no close event, no question, the widgets are simply gone.
    shiboken6.delete(window)
    assert len(load_editor_drafts(db)) == 1

    reopened = _window(qtbot, db)
    assert reopened.restore_drafts() == 1
    restored = reopened.tabs.currentWidget()
    assert isinstance(restored, SessionEditor)
    assert restored.current_session().pain_before.back == 7
    assert "not been saved" in reopened.statusBar().currentMessage()


def test_an_empty_journal_asks_who_is_treating(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acujournal.services.practitioners import list_practitioners

    journal = make_journal(db)
    window = _window(qtbot, db)
    # As in a journal without practitioners: nobody to choose from.
    window.practitioner_combo.clear()
    monkeypatch.setattr(
        "acujournal.ui.main_window.QInputDialog.getText",
        lambda *args, **kwargs: ("Dr Ada Berg", True),
    )
    assert window.new_session(journal.case.id) is not None
    assert "Dr Ada Berg" in [p.name for p in list_practitioners(db)]
    assert window.practitioner_combo.currentText() == "Dr Ada Berg"


def test_no_two_actions_share_a_shortcut_with_an_editor_open(qtbot: QtBot, db: Database) -> None:
    """An ambiguous shortcut fires neither action: every key must mean one thing."""
    from PySide6.QtGui import QAction

    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)
    window = _window(qtbot, db)
    window.select_patient(journal.patient.id)
    editor = window.new_session(journal.case.id)
    assert editor is not None
    owners: dict[str, str] = {}
    clashes = []
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            name = key.toString()
            if not name:
                continue
            label = action.text().replace("&", "")
            if name in owners and owners[name] != label:
                clashes.append(f"{name}: {owners[name]} / {label}")
            owners.setdefault(name, label)
    assert clashes == []
    assert len(owners) >= 15
