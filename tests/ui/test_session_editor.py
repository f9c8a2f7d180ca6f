"""The session editor, driven as a practitioner drives it: keys and clicks on real widgets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from acujournal.domain.model import Side
from acujournal.services.drafts import load_editor_draft, load_editor_drafts
from acujournal.services.protocols import list_protocols
from acujournal.services.sessions import get_session, sign_session
from acujournal.services.settings import set_caution_depths, set_snippets
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from acujournal.ui.session_editor import CloseChoice, SessionEditor
from tests.builders import SCIATICA_POINTS, Journal, make_journal, make_session

# Completer popups and modal dialogs make the offscreen platform say what it cannot do.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")

TODAY = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


class User:
    """Drives the widget with the keyboard focus, counting every key press and click."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.actions = 0

    def key(
        self, key: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        self.qtbot.keyClick(widget, key, modifier)
        self.actions += 1

    def type(self, text: str) -> None:
        for char in text:
            self.key(char)

    def click(self, widget: QWidget) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.actions += 1


def _show(qtbot: QtBot, editor: SessionEditor, *, keep: bool = True) -> SessionEditor:
    if keep:
        qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def _new_editor(qtbot: QtBot, journal: Journal, *, keep: bool = True) -> SessionEditor:
    editor = SessionEditor.new(
        journal.db,
        journal.practitioner.id,
        journal.case.id,
        started_at=TODAY,
        time_zone="Europe/Oslo",
    )
    return _show(qtbot, editor, keep=keep)


REAL_CLOSE_QUESTION = SessionEditor.ask_close_choice


@pytest.fixture(autouse=True)
def _keep_drafts_when_tests_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-qt closes the editors after each test; answer "keep for later" instead of
    blocking on the modal question (the tests of that question put it back)."""
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)


@pytest.fixture
def journal(db: Database) -> Journal:
    """A patient whose last session had the same 8 bilateral points (signed)."""
    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)
    return journal


def _answer_modal(handler: Callable[[QWidget], None]) -> None:
    """Answer the next modal dialog (QDialog.exec blocks the test until it closes)."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, attempt)
        else:
            handler(widget)

    QTimer.singleShot(0, attempt)


def test_a_repeat_session_takes_at_most_twelve_key_presses_and_clicks(
    qtbot: QtBot, journal: Journal
) -> None:
    editor = _new_editor(qtbot, journal)
    user = User(qtbot)
    with qtbot.waitSignal(editor.signed):
        user.key(Qt.Key.Key_Return)  # "Repeat last session" has the focus
        user.type("6")  # back pain before; the focus moves on by itself
        user.type("7")  # leg pain before
        user.type("3")  # back pain after
        user.type("4")  # leg pain after; the focus lands on "All out"
        user.key(Qt.Key.Key_Return)  # all 16 needles counted out
        user.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # sign
    assert user.actions == 7
    assert user.actions <= 12

    stored = get_session(journal.db, editor.session_id)
    assert stored.is_signed
    assert stored.signed_by == journal.practitioner.id
    assert [n.point for n in stored.needles] == list(SCIATICA_POINTS)
    assert all(n.side is Side.BILATERAL for n in stored.needles)
    assert (stored.pain_before.back, stored.pain_before.leg) == (6, 7)
    assert (stored.pain_after.back, stored.pain_after.leg) == (3, 4)
    assert (stored.needles_in, stored.needles_out) == (16, 16)
    assert load_editor_drafts(journal.db) == []  # signed: no draft left behind
    assert editor.ui.needle_model.read_only


def _type_then_kill(qtbot: QtBot, journal: Journal) -> tuple[uuid.UUID, dict[str, Any]]:
    """Type into a new editor, wait for the draft, then destroy the editor without closing."""
    db = journal.db
    editor = _new_editor(qtbot, journal, keep=False)
    user = User(qtbot)
    user.key(Qt.Key.Key_Return)  # repeat last session
    user.type("57")
    entry = editor.ui.needles.entry
    entry.setFocus()
    user.type("huatuojiaji")
    user.key(Qt.Key.Key_Return)
    user.type("L4-L5")  # the prompt asks for the spinal levels
    user.key(Qt.Key.Key_Return)
    editor.ui.needle_model.setData(editor.ui.needle_model.index(0, 2), 32.5)
    editor.ui.notes.fields["subjective"].setFocus()
    user.type("Slept better.")
    editor.ui.needles.needles_out.setFocus()
    user.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    user.type("12")
    entry.setFocus()
    user.type("gb2")  # half-typed, not yet added: kept too

    session_id = editor.session_id
    qtbot.waitUntil(
        lambda: (
            (draft := load_editor_draft(db, session_id)) is not None
            and draft.payload == editor.draft_payload()
        )
    )
    expected = editor.draft_payload()
    # The kill: no close question, no final save, nothing but what the debounce wrote.
    shiboken6.delete(editor)
    return session_id, expected


def test_a_killed_editor_comes_back_exactly_from_its_draft(qtbot: QtBot, journal: Journal) -> None:
    db = journal.db
    session_id, expected = _type_then_kill(qtbot, journal)
    assert expected["format_version"] == 1

    drafts = load_editor_drafts(db)
    assert [d.session_id for d in drafts] == [session_id]
    restored = _show(qtbot, SessionEditor.restore_from_draft(db, drafts[0]))
    assert restored.draft_payload() == expected
    ui = restored.ui
    assert [s.value() for s in ui.pain.scales()] == [5, 7, None, None]
    points = [
        n.point + (f" {n.spinal_level}" if n.spinal_level else "")
        for n in ui.needle_model.needles()
    ]
    assert points == [*SCIATICA_POINTS, "EX-B2 L4", "EX-B2 L5"]
    assert ui.needle_model.needles()[0].depth_mm == 32.5
    assert ui.notes.fields["subjective"].toPlainText() == "Slept better."
    assert (ui.needles.needles_in.count(), ui.needles.needles_out.count()) == (20, 12)
    assert ui.needles.entry.text() == "gb2"
    assert restored.has_unsaved_changes()


def test_signing_is_refused_while_needle_counts_differ(qtbot: QtBot, journal: Journal) -> None:
    editor = _new_editor(qtbot, journal)
    user = User(qtbot)
    user.key(Qt.Key.Key_Return)
    editor.ui.needles.needles_out.setFocus()
    user.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    user.type("14")
    with qtbot.assertNotEmitted(editor.signed):
        user.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    banner = editor.ui.banner
    assert banner.isVisible()
    assert "Not signed" in banner.text()
    assert "16 in, 14 out: 2 needles not yet counted out" in banner.text()
    assert "forgotten needle" in banner.text()
    assert not editor.is_signed()
    with pytest.raises(NotFoundError):
        get_session(journal.db, editor.session_id)
    # One click on "All out" fixes it.
    user.click(editor.ui.needles.all_out_button)
    assert editor.sign()


def test_a_signed_session_opens_read_only_and_takes_addenda(qtbot: QtBot, journal: Journal) -> None:
    signed = sign_session(journal.db, make_session(journal, days_later=3), journal.practitioner.id)
    original = get_session(journal.db, signed.id)
    editor = _show(qtbot, SessionEditor.open(journal.db, original.id))
    ui = editor.ui
    assert editor.is_signed()
    assert "Signed by Dr Lin Mei" in ui.banner.text()
    assert ui.needle_model.read_only
    assert not ui.needles.entry.isVisible()
    assert not ui.pain.before_back.isEnabled()
    assert ui.notes.fields["plan"].isReadOnly()
    assert not editor.actions_["sign"].isEnabled()
    assert ui.tabs.currentWidget() is ui.addenda

    user = User(qtbot)
    ui.addenda.text.setFocus()
    user.type("Patient phoned: pain 2/10 the next day.")
    with qtbot.waitSignal(editor.amended):
        user.click(ui.addenda.add_button)
    stored = get_session(journal.db, original.id)
    assert [(a.author_id, a.text) for a in stored.amendments] == [
        (journal.practitioner.id, "Patient phoned: pain 2/10 the next day.")
    ]
    stored.amendments = []
    assert stored == original  # the signed record itself is unchanged
    history = ui.addenda.history.toPlainText()
    assert "Dr Lin Mei" in history
    assert "Patient phoned" in history
    assert ui.addenda.text.toPlainText() == ""


def test_undo_and_redo_every_kind_of_edit(qtbot: QtBot, db: Database) -> None:
    journal = make_journal(db)  # no earlier session: the focus starts in the point entry
    editor = _new_editor(qtbot, journal)
    ui = editor.ui
    assert not editor.actions_["repeat"].isEnabled()
    assert QApplication.focusWidget() is ui.pain.before_back  # pain is scored first
    user = User(qtbot)
    ui.needles.entry.setFocus()
    for point in ("BL40", "gb 30", "weizhong"):
        user.type(point)
        user.key(Qt.Key.Key_Return)
    model = ui.needle_model
    assert [n.point for n in model.needles()] == ["BL40", "GB30", "BL40"]
    assert model.needles()[0].gauge_mm == journal.practitioner.default_gauge_mm
    assert ui.needles.needles_in.count() == 6  # bilateral points count twice
    ui.needles.view.setCurrentIndex(model.index(2, 0))
    ui.needles.view.setFocus()
    user.key(Qt.Key.Key_Delete)
    ui.needles.view.setCurrentIndex(model.index(0, model.DEPTH))
    user.type("3")
    user.type("0")
    user.key(Qt.Key.Key_Return)
    user.key(Qt.Key.Key_Escape)
    user.click(ui.pain.before_back.button(6))
    ui.notes.fields["plan"].setFocus()
    user.type("Again in a week")
    final = editor.draft_payload()
    assert [n.point for n in model.needles()] == ["BL40", "GB30"]
    assert model.needles()[0].depth_mm == 30
    assert ui.pain.before_back.value() == 6

    undo = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    user.key(*undo)  # the typed plan, as one step
    assert ui.notes.fields["plan"].toPlainText() == ""
    user.key(*undo)
    assert ui.pain.before_back.value() is None
    user.key(*undo)
    assert model.needles()[0].depth_mm is None
    user.key(*undo)
    assert [n.point for n in model.needles()] == ["BL40", "GB30", "BL40"]
    for _ in range(3):
        user.key(*undo)
    assert model.rowCount() == 0
    assert ui.needles.needles_in.count() is None
    assert not editor.undo_stack.canUndo()

    redo = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    for _ in range(7):
        user.key(*redo)
    assert editor.draft_payload() == final


def test_depth_beyond_the_clinics_caution_depth_warns_without_blocking(
    qtbot: QtBot, db: Database
) -> None:
    journal = make_journal(db)
    set_caution_depths(db, {"GB21": 15})
    editor = _new_editor(qtbot, journal)
    ui = editor.ui
    user = User(qtbot)
    ui.needles.entry.setFocus()
    user.type("gb21")
    user.key(Qt.Key.Key_Return)
    assert not ui.needles.caution_label.isVisible()
    model = ui.needle_model
    ui.needles.view.setCurrentIndex(model.index(0, model.DEPTH))
    ui.needles.view.setFocus()
    user.type("20")
    user.key(Qt.Key.Key_Return)
    depth = model.index(0, model.DEPTH)
    assert depth.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "caution depth of 15 mm" in depth.data(Qt.ItemDataRole.ToolTipRole)
    assert ui.needles.caution_label.isVisible()
    assert "GB21 at 20 mm" in ui.needles.caution_label.text()
    editor.all_out()
    assert editor.sign()  # a warning, not a refusal


def test_points_that_need_a_region_or_are_unknown(qtbot: QtBot, db: Database) -> None:
    editor = _new_editor(qtbot, make_journal(db))
    ui = editor.ui
    user = User(qtbot)
    ui.needles.entry.setFocus()
    user.type("ashi")
    user.key(Qt.Key.Key_Return)
    prompt = ui.needles.prompt
    assert prompt.isVisible()
    assert QApplication.focusWidget() is prompt.description_edit
    prompt.region_combo.setCurrentIndex(prompt.region_combo.findData("buttock"))
    user.type("piriformis")
    user.key(Qt.Key.Key_Return)
    needle = ui.needle_model.needles()[0]
    assert (needle.point, needle.region, needle.description) == ("ASHI", "buttock", "piriformis")
    assert needle.side is Side.LEFT  # the case is left-sided sciatica
    assert QApplication.focusWidget() is ui.needles.entry
    ui.needles.entry.setText("weizhonk")
    user.key(Qt.Key.Key_Return)
    assert ui.needles.entry_problem.isVisible()
    assert "Did you mean BL40 Weizhong" in ui.needles.entry_problem.text()
    assert ui.needle_model.rowCount() == 1


def test_snippets_expand_on_tab(qtbot: QtBot, db: Database) -> None:
    set_snippets(db, {"walk": "Walk 20 minutes a day on even ground."})
    editor = _new_editor(qtbot, make_journal(db))
    field = editor.ui.notes.fields["patient_advice"]
    assert "walk → Walk 20 minutes" in field.toolTip()
    assert "Tab" in field.placeholderText()
    field.setFocus()
    user = User(qtbot)
    user.type("Heat. walk")
    user.key(Qt.Key.Key_Tab)
    assert field.toPlainText() == "Heat. Walk 20 minutes a day on even ground."
    assert QApplication.focusWidget() is field
    user.key(Qt.Key.Key_Tab)  # nothing to expand: Tab moves on
    assert QApplication.focusWidget() is not field


def test_closing_asks_and_never_loses_changes_silently(
    qtbot: QtBot, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = journal.db
    untouched = _new_editor(qtbot, journal)
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: pytest.fail("asked"))
    assert untouched.maybe_close()  # nothing typed: nothing to ask

    editor = _new_editor(qtbot, journal)
    editor.repeat_last()
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.CANCEL)
    assert not editor.maybe_close()
    assert load_editor_draft(db, editor.session_id) is not None  # written before asking
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)
    assert editor.maybe_close()
    assert load_editor_draft(db, editor.session_id) is not None
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.DISCARD)
    assert editor.maybe_close()
    assert load_editor_draft(db, editor.session_id) is None
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)

    saving = _new_editor(qtbot, journal)
    saving.repeat_last()
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.SAVE)
    with qtbot.waitSignal(saving.saved):
        assert saving.maybe_close()
    assert not get_session(db, saving.session_id).is_signed
    assert load_editor_draft(db, saving.session_id) is None


def test_closing_the_window_shows_the_question(
    qtbot: QtBot, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SessionEditor, "ask_close_choice", REAL_CLOSE_QUESTION)
    editor = _new_editor(qtbot, journal)
    editor.repeat_last()
    seen: list[str] = []

    def keep_for_later(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        keep = next(b for b in box.buttons() if b.text() == "Keep for later")
        keep.click()

    _answer_modal(keep_for_later)
    assert editor.close()
    assert seen == ["This session has changes the journal does not have yet."]
    assert load_editor_draft(journal.db, editor.session_id) is not None


def test_save_and_reopen_prefers_the_newer_draft(qtbot: QtBot, journal: Journal) -> None:
    db = journal.db
    editor = _new_editor(qtbot, journal)
    user = User(qtbot)
    user.key(Qt.Key.Key_Return)
    user.type("6")
    with qtbot.waitSignal(editor.saved):
        user.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.has_unsaved_changes()
    assert get_session(db, editor.session_id).pain_before.back == 6
    assert load_editor_draft(db, editor.session_id) is None
    user.type("8")  # the focus moved to leg pain before
    editor.flush_draft()
    reopened = _show(qtbot, SessionEditor.open(db, editor.session_id))
    assert reopened.ui.pain.before_leg.value() == 8
    assert reopened.has_unsaved_changes()


def test_protocols_are_saved_from_the_table_and_applied(qtbot: QtBot, journal: Journal) -> None:
    editor = _new_editor(qtbot, journal)
    editor.repeat_last()

    def name_it(dialog: QWidget) -> None:
        dialog.name.setText("Sciatica, acute")  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    _answer_modal(name_it)
    editor.save_as_protocol()
    [protocol] = list_protocols(journal.db)
    assert (protocol.name, protocol.condition, len(protocol.points)) == (
        "Sciatica, acute",
        "sciatica",
        8,
    )
    assert editor.current_session().protocol_id == protocol.id
    assert "Saved protocol" in editor.ui.banner.text()

    other = _new_editor(qtbot, journal)
    _answer_modal(lambda chooser: chooser.accept())  # type: ignore[attr-defined]
    other.choose_protocol()
    assert [n.point for n in other.ui.needle_model.needles()] == list(SCIATICA_POINTS)
    assert other.current_session().protocol_id == protocol.id
    other.undo_stack.undo()  # applying a protocol is one undo step
    assert other.ui.needle_model.rowCount() == 0
    assert other.current_session().protocol_id is None


def test_shortcuts_reach_every_common_action(qtbot: QtBot, journal: Journal) -> None:
    editor = _new_editor(qtbot, journal)
    ui = editor.ui
    user = User(qtbot)
    ctrl = Qt.KeyboardModifier.ControlModifier
    user.key(Qt.Key.Key_R, ctrl)
    assert ui.needle_model.rowCount() == 8
    assert QApplication.focusWidget() is ui.pain.before_back
    user.key(Qt.Key.Key_P, ctrl)
    assert QApplication.focusWidget() is ui.needles.entry
    user.key(Qt.Key.Key_2, ctrl)
    assert QApplication.focusWidget() is ui.pain.after_back
    user.key(Qt.Key.Key_3, ctrl)
    assert QApplication.focusWidget() is ui.notes.fields["subjective"]
    user.key(Qt.Key.Key_O, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert ui.needles.needles_out.count() == 16
    user.key(Qt.Key.Key_E, ctrl)
    assert ui.adverse_model.rowCount() == 1
    assert ui.tabs.currentWidget() is ui.adverse
    assert "(Ctrl+R)" in ui.repeat_button.toolTip()
    assert "Ctrl+Return" in ui.sign_button.toolTip()
    assert "Ctrl+Z" in ui.undo_button.toolTip()


def test_leaving_the_editor_writes_the_draft_at_once(
    qtbot: QtBot, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SessionEditor, "DRAFT_DELAY_MS", 60_000)  # only focus-out can write
    editor = _new_editor(qtbot, journal)
    field = editor.ui.notes.fields["objective"]
    field.setFocus()
    User(qtbot).type("SLR left 60")
    assert load_editor_draft(journal.db, editor.session_id) is None
    elsewhere = QLineEdit()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    elsewhere.setFocus()
    qtbot.waitUntil(lambda: load_editor_draft(journal.db, editor.session_id) is not None)
    draft = load_editor_draft(journal.db, editor.session_id)
    assert draft is not None
    assert draft.session().notes.objective == "SLR left 60"
