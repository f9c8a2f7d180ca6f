"""The audit trail in the window: the chosen practitioner acts, the trail is checked at start."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from acujournal.domain.model import Patient
from acujournal.services.audit import AuditState
from acujournal.services.patients import create_patient
from acujournal.storage.db import Database
from acujournal.ui.audit_actions import AuditActions
from acujournal.ui.audit_viewer import AuditViewerDialog
from tests.builders import Journal, make_journal
from tests.services.test_audit import newest, tamper


def _actions(qtbot: QtBot, db: Database, journal: Journal) -> tuple[QMainWindow, AuditActions]:
    window = QMainWindow()
    qtbot.addWidget(window)
    chooser = QComboBox()
    chooser.addItem(journal.practitioner.name, journal.practitioner.id)
    menu = window.menuBar().addMenu("Journal")
    return window, AuditActions(window, db, menu, chooser)


def test_changes_are_recorded_for_the_chosen_practitioner(qtbot: QtBot, db: Database) -> None:
    journal = make_journal(db)
    _actions(qtbot, db, journal)
    create_patient(db, Patient(name="Kari Nordmann"))
    assert newest(db).actor_id == journal.practitioner.id
    assert newest(db).actor_label == journal.practitioner.name


def test_an_intact_trail_is_confirmed_in_the_status_bar(qtbot: QtBot, db: Database) -> None:
    window, actions = _actions(qtbot, db, make_journal(db))
    with qtbot.waitSignal(actions.checked, timeout=10_000) as blocker:
        actions.check_in_background()
    assert blocker.args[0].state is AuditState.INTACT
    assert "intact" in window.statusBar().currentMessage()


def test_a_tampered_trail_is_reported_in_a_dialog(qtbot: QtBot, db: Database) -> None:
    window, actions = _actions(qtbot, db, make_journal(db))
    tamper(db, "UPDATE audit_events SET actor_label = 'Dr Nobody' WHERE seq = 2")
    with qtbot.waitSignal(actions.checked, timeout=10_000):
        actions.check_in_background()
    boxes = window.findChildren(QMessageBox)
    assert len(boxes) == 1
    assert boxes[0].text().startswith("The audit trail was tampered with: entry 2 was altered")
    assert boxes[0].icon() is QMessageBox.Icon.Critical


def test_the_viewer_opens_from_the_menu(qtbot: QtBot, db: Database) -> None:
    window, actions = _actions(qtbot, db, make_journal(db))
    assert actions.viewer_action in window.menuBar().actions()[0].menu().actions()
    actions.viewer_action.trigger()
    viewers = window.findChildren(AuditViewerDialog)
    assert len(viewers) == 1
    assert viewers[0].model.rowCount() > 0
