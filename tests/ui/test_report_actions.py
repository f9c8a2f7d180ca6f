"""The Reports menu builds reports off the UI thread and exports summaries with progress."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from acujournal.services.report_files import BatchResult
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from acujournal.ui.main_window import MainWindow
from acujournal.ui.report_preview import ReportPreviewDialog
from tests.builders import Journal, make_journal, make_session


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.reports.show_dialogs = False
    return window


def _signed(db: Database, name: str) -> Journal:
    journal = make_journal(db, name)
    sign_session(db, make_session(journal), journal.practitioner.id)
    return journal


def test_patient_reports_need_a_patient_on_screen(qtbot: QtBot, db: Database) -> None:
    journal = _signed(db, "Åse Bjørnstad")
    window = _window(qtbot, db)
    reports = window.reports
    assert not reports.progress_action.isEnabled()
    assert not reports.summary_action.isEnabled()
    assert reports.clinic_action.isEnabled()
    window.select_patient(journal.patient.id)
    assert reports.progress_action.isEnabled()
    assert reports.summary_action.isEnabled()
    assert reports.progress_action.shortcut().toString() == "Ctrl+Alt+P"


def test_a_summary_is_built_in_the_background_and_previewed(qtbot: QtBot, db: Database) -> None:
    journal = _signed(db, "Åse Bjørnstad")
    window = _window(qtbot, db)
    window.select_patient(journal.patient.id)
    delivered_on: list[QThread] = []
    window.reports.report_ready.connect(
        lambda _preview: delivered_on.append(QThread.currentThread())
    )
    with qtbot.waitSignal(window.reports.report_ready, timeout=20_000) as ready:
        window.reports.summary_action.trigger()
    preview = ready.args[0]
    assert isinstance(preview, ReportPreviewDialog)
    assert delivered_on == [QApplication.instance().thread()]
    assert preview.suggested_name == "Åse Bjørnstad - summary.pdf"
    text = PdfReader(io.BytesIO(preview._pdf)).pages[0].extract_text()
    assert "Åse Bjørnstad" in text
    preview.deleteLater()


def test_a_clinic_report_covers_the_chosen_period(qtbot: QtBot, db: Database) -> None:
    from datetime import date

    _signed(db, "Åse Bjørnstad")
    window = _window(qtbot, db)
    with qtbot.waitSignal(window.reports.report_ready, timeout=20_000) as ready:
        window.reports.clinic_report((date(2026, 1, 1), date(2026, 6, 30)))
    preview = ready.args[0]
    assert preview.suggested_name == "Clinic report 2026-01-01 - 2026-06-30.pdf"
    preview.deleteLater()


def test_an_impossible_report_is_a_message_not_a_crash(qtbot: QtBot, db: Database) -> None:
    from datetime import date

    window = _window(qtbot, db)
    failed = []
    window.reports.report_ready.connect(failed.append)
    with qtbot.waitSignal(window.reports.report_failed, timeout=20_000) as signal:
        window.reports.clinic_report((date(2026, 6, 1), date(2026, 1, 1)))
    assert "after it ends" in signal.args[0]
    assert "after it ends" in window.statusBar().currentMessage()
    assert failed == []


def test_batch_export_writes_the_listed_patients(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    for name in ("Åse Bjørnstad", "José Núñez", "Zoë Quinn"):
        _signed(db, name)
    window = _window(qtbot, db)
    window.search.setText("u")  # José Núñez and Zoë Quinn, not Åse
    listed = window.listed_patients()
    assert sorted(name for _, name in listed) == ["José Núñez", "Zoë Quinn"]
    out = tmp_path / "summaries"
    out.mkdir()
    with qtbot.waitSignal(window.reports.batch_finished, timeout=30_000) as finished:
        window.reports.export_batch(listed, out)
    result = finished.args[0]
    assert isinstance(result, BatchResult)
    assert sorted(p.name for p in out.iterdir()) == [
        "José Núñez - summary.pdf",
        "Zoë Quinn - summary.pdf",
    ]
    assert not result.cancelled
    assert "2 patient summaries written" in window.statusBar().currentMessage()
