"""The audit viewer: entries by patient and period, their details, the check, the PDF report."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from acujournal.domain.model import Patient
from acujournal.services.audit import set_actor
from acujournal.services.audit_report import audit_lines
from acujournal.services.patients import create_patient, update_patient
from acujournal.services.sessions import amend_session, sign_session
from acujournal.storage.db import Database
from acujournal.ui.audit_viewer import SEQ_ROLE, AuditTableModel, AuditViewerDialog
from tests.builders import Journal, make_journal, make_session


@pytest.fixture
def journal(db: Database) -> Journal:
    """Åse with a signed, amended session; Kari, changed once; the front desk at work."""
    set_actor(db, None)
    journal = make_journal(db)
    session = make_session(journal)
    sign_session(db, session, journal.practitioner.id)
    amend_session(db, session.id, journal.practitioner.id, "Bruise <b>gone</b> & fine.")
    kari = create_patient(db, Patient(name="Kari Nordmann", phone="1"))
    update_patient(db, Patient(name="Kari Nordmann", phone="2", id=kari.id))
    return journal


@pytest.fixture
def viewer(qtbot: QtBot, db: Database, journal: Journal) -> AuditViewerDialog:
    dialog = AuditViewerDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_audit_model_passes_the_model_tester(
    qtmodeltester: ModelTester, db: Database, journal: Journal
) -> None:
    model = AuditTableModel()
    model.set_lines(audit_lines(db))
    qtmodeltester.check(model)
    model.set_lines([])
    qtmodeltester.check(model)


def _column(dialog: AuditViewerDialog, column: int) -> list[str]:
    model = dialog.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_every_entry_is_listed_newest_first_with_the_check_above(
    viewer: AuditViewerDialog,
) -> None:
    assert viewer.verdict.text().startswith("The audit trail is intact: 7 entries checked")
    assert _column(viewer, AuditTableModel.ACTION) == [
        "change",
        "create",
        "amend",
        "sign",
        "create",
        "create",
        "create",
    ]
    assert _column(viewer, AuditTableModel.PATIENT)[:3] == [
        "Kari Nordmann",
        "Kari Nordmann",
        "Åse Bjørnstad",
    ]
    assert _column(viewer, AuditTableModel.CHANGES)[0] == "phone"
    assert viewer.model.index(0, 0).data(SEQ_ROLE) == 7
    assert viewer.count.text() == "7 entries"


def test_the_selected_entry_shows_before_and_after(viewer: AuditViewerDialog) -> None:
    viewer.table.selectRow(2)
    shown = viewer.detail.toPlainText()
    assert "#5 · " in shown
    assert "Dr Lin Mei · amend · session" in shown
    assert "Patient: Åse Bjørnstad" in shown
    assert '"text": "Bruise <b>gone</b> & fine."' in shown
    assert shown.index("Before:") < shown.index("After:")


def test_filters_by_patient_and_period(viewer: AuditViewerDialog, journal: Journal) -> None:
    viewer.select_patient(journal.patient.id)
    assert set(_column(viewer, AuditTableModel.PATIENT)) == {"Åse Bjørnstad"}
    assert viewer.model.rowCount() == 4  # patient, case, signed session, addendum

    last_year = date.today() - timedelta(days=365)
    viewer.set_period(last_year - timedelta(days=30), last_year)
    assert viewer.model.rowCount() == 0
    assert viewer.count.text() == "0 entries"

    viewer.set_period(date.today(), date.today())
    viewer.select_patient(None)
    assert viewer.model.rowCount() == 7


def test_a_period_that_ends_before_it_starts_is_explained(viewer: AuditViewerDialog) -> None:
    viewer.set_period(date.today(), date.today() - timedelta(days=3))
    assert viewer.model.rowCount() == 0
    assert "ends" in viewer.count.text()
    assert "before it starts" in viewer.count.text()


def test_the_audit_report_is_exported_and_the_export_recorded(
    viewer: AuditViewerDialog, tmp_path: Path
) -> None:
    out = tmp_path / "audit.pdf"
    assert viewer.export_report(out) == 7
    words = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Audit report" in words
    assert "Kari Nordmann" in words
    assert "Bruise" not in words  # field names, never contents
    assert out.stat().st_mode & 0o077 == 0
    assert _column(viewer, AuditTableModel.ACTION)[0] == "export"
    assert _column(viewer, AuditTableModel.CHANGES)[0] == "audit report (7 entries) to audit.pdf"


def test_a_tampered_trail_is_shown_in_red(qtbot: QtBot, db: Database, journal: Journal) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_events_update"))
        connection.execute(text("UPDATE audit_events SET actor_label = 'x' WHERE seq = 3"))
    dialog = AuditViewerDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.verdict.text().startswith(
        "The audit trail was tampered with: entry 3 was altered after it was recorded"
    )
    assert "b3261e" in dialog.verdict.styleSheet()
