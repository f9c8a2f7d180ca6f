"""The report preview shows the PDF, saves it and prints it, without a modal dialog in sight."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from acujournal.reports.summary import render_patient_summary
from acujournal.services.reporting import build_patient_summary
from acujournal.storage.db import Database
from acujournal.ui.report_preview import ReportPreviewDialog
from tests.builders import make_journal
from tests.reports.course import GENERATED_AT, weekly_course


@pytest.fixture
def pdf(db: Database) -> bytes:
    course = weekly_course(make_journal(db))
    data = build_patient_summary(db, course.journal.patient.id, generated_at=GENERATED_AT)
    return render_patient_summary(data)


def _dialog(qtbot: QtBot, pdf: bytes) -> ReportPreviewDialog:
    dialog = ReportPreviewDialog(pdf, "Summary Åse Bjørnstad 2026-03-02")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.is_ready, timeout=5000)
    return dialog


def test_the_document_loads_with_all_its_pages(qtbot: QtBot, pdf: bytes) -> None:
    dialog = _dialog(qtbot, pdf)
    assert dialog.page_count() == len(PdfReader(io.BytesIO(pdf)).pages)
    assert dialog.view.document() is dialog.document
    assert dialog.suggested_name == "Summary Åse Bjørnstad 2026-03-02.pdf"
    assert dialog.print_button.isEnabled()
    assert dialog.save_button.isEnabled()


def test_save_writes_exactly_the_report(qtbot: QtBot, pdf: bytes, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, pdf)
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "summary.pdf"
    dialog.save_to(target)
    assert target.read_bytes() == pdf
    with pytest.raises(FileNotFoundError):
        dialog.save_to(folder / "missing folder" / "summary.pdf")
    assert [p.name for p in folder.iterdir()] == ["summary.pdf"]  # no temporary file left


def test_printing_renders_every_page(qtbot: QtBot, pdf: bytes, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, pdf)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_file = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed_file))
    assert dialog.print_to(printer) == dialog.page_count()
    assert len(PdfReader(printed_file).pages) == dialog.page_count()

    printer.setFromTo(2, 2)
    printer.setOutputFileName(str(tmp_path / "page-two.pdf"))
    assert dialog.print_to(printer) == 1
