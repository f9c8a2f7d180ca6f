"""Intakes in the main window: the red-flag banner on the patient page and in the session
editor, the outcome chart of a case, and the Patient menu's intake actions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfWriter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from acujournal.domain.intake import AlertLevel, IntakeSource, ReviewDecision
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import intakes_of_patient, prepare_intake, save_intake
from acujournal.services.intake_pdf import intake_form_pdf
from acujournal.services.patients import open_case
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from acujournal.ui.intake_form import IntakeFormDialog
from acujournal.ui.intake_review import IntakeReviewDialog
from acujournal.ui.main_window import MainWindow
from acujournal.ui.red_flag_banner import RedFlagBanner
from acujournal.ui.session_editor import CloseChoice, SessionEditor
from tests.builders import Journal, make_journal, make_session
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import clean_answers

LEFT = Qt.MouseButton.LeftButton
SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
REFER_NOW = {"saddle_numbness": True, "bladder_changes": True}


@pytest.fixture(autouse=True)
def _keep_drafts_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    # An editor left open when a test ends keeps its draft instead of asking.
    monkeypatch.setattr(SessionEditor, "ask_close_choice", lambda self: CloseChoice.KEEP)


def record_intake(journal: Journal, **answers: object) -> None:
    """Store an unreviewed intake of the journal's patient, for their open case."""
    prepared = prepare_intake(
        shipped_questionnaire(),
        clean_answers(**answers),
        patient_id=journal.patient.id,
        case_id=journal.case.id,
        source=IntakeSource.PDF,
        submitted_at=SUBMITTED,
        time_zone="Europe/Oslo",
    )
    save_intake(journal.db, prepared)


def page_banner(window: MainWindow) -> RedFlagBanner:
    return window.page.screening_banner


def shown(banner: RedFlagBanner, owner: object) -> bool:
    return banner.isVisibleTo(owner)  # type: ignore[arg-type]


def open_editor(window: MainWindow, journal: Journal) -> SessionEditor:
    editor = window.new_session(journal.case.id)
    assert editor is not None
    return editor


def open_review(window: MainWindow) -> IntakeReviewDialog:
    [dialog] = [d for d in window.findChildren(IntakeReviewDialog) if d.isVisible()]
    return dialog


def test_a_refer_now_intake_raises_the_red_banner_on_the_page_and_in_the_editor(
    window: MainWindow, journal: Journal
) -> None:
    record_intake(journal, **REFER_NOW)
    window.select_patient(journal.patient.id)
    banner = page_banner(window)
    assert shown(banner, window.page)
    assert banner.level() is AlertLevel.REFER
    assert banner.title.text() == "REFER NOW: emergency red flag"
    assert "saddle numbness" in banner.details.text()
    assert "new bladder changes" in banner.details.text()
    assert "cauda equina" in banner.details.text()
    assert banner.review_button.isVisibleTo(window.page)

    editor = open_editor(window, journal)
    assert window.tabs.currentWidget() is editor
    strip = editor.ui.screening
    assert strip.isVisible()
    assert strip.level() is AlertLevel.REFER
    assert strip.title.text() == banner.title.text()
    assert strip.details.text() == banner.details.text()


def test_a_caution_intake_shows_the_caution_banner(window: MainWindow, journal: Journal) -> None:
    record_intake(journal, anticoagulants=True, pacemaker_or_implant=True, diabetes=True)
    window.select_patient(journal.patient.id)
    banner = page_banner(window)
    assert shown(banner, window.page)
    assert banner.level() is AlertLevel.CAUTION
    assert banner.title.text() == "Proceed with caution"
    assert "pacemaker or implant: no electro-acupuncture" in banner.details.text()
    assert "anticoagulants" in banner.details.text()
    editor = open_editor(window, journal)
    assert editor.ui.screening.level() is AlertLevel.CAUTION
    assert editor.ui.screening.isVisible()


def test_no_flags_and_no_intake_show_no_banner(
    window: MainWindow, journal: Journal, db: Database
) -> None:
    other = make_journal(db, "Mark Olsen")
    record_intake(journal)
    window.reload_patients()
    window.select_patient(journal.patient.id)
    assert not shown(page_banner(window), window.page)
    assert page_banner(window).status() is not None  # the intake is there, without a flag
    assert not open_editor(window, journal).ui.screening.isVisibleTo(window)

    window.select_patient(other.patient.id)
    assert page_banner(window).status() is None
    assert not shown(page_banner(window), window.page)


def test_switching_patients_replaces_the_banner(
    window: MainWindow, journal: Journal, db: Database
) -> None:
    other = make_journal(db, "Mark Olsen")
    record_intake(journal, **REFER_NOW)
    window.reload_patients()
    window.select_patient(journal.patient.id)
    assert page_banner(window).level() is AlertLevel.REFER
    window.select_patient(other.patient.id)
    assert not shown(page_banner(window), window.page)


def test_a_review_decision_updates_both_banners(
    qtbot: QtBot, window: MainWindow, journal: Journal
) -> None:
    record_intake(journal, **REFER_NOW)
    window.select_patient(journal.patient.id)
    editor = open_editor(window, journal)

    # "Review intake…" on the editor's banner opens the review of that intake.
    qtbot.mouseClick(editor.ui.screening.review_button, LEFT)
    dialog = open_review(window)
    assert dialog.stored
    assert dialog.decision() is ReviewDecision.REFER_OUT
    qtbot.keyClicks(dialog.reason, "To the emergency department today")
    assert dialog.save()

    for banner, owner in ((page_banner(window), window.page), (editor.ui.screening, editor)):
        assert shown(banner, owner)
        assert banner.level() is AlertLevel.REFER
        assert banner.title.text() == "Referred out"
        review = banner.review_line.text()
        assert review.startswith("Referred out by Dr Lin Mei on ")
        assert review.endswith(": To the emergency department today")

    dialog.reject()
    # A further decision from the Patient menu: treatment may go ahead after all.
    window.intakes.review_action.trigger()
    further = open_review(window)
    assert further is not dialog
    further.choose(ReviewDecision.ACCEPT)
    qtbot.keyClicks(further.reason, "Seen at the hospital: no cauda equina")
    assert further.save()
    banner = page_banner(window)
    assert banner.level() is AlertLevel.CAUTION
    assert banner.title.text() == "Red flags reviewed: treatment accepted"
    assert banner.review_line.text().startswith("Accepted by Dr Lin Mei on ")
    assert editor.ui.screening.title.text() == banner.title.text()


def test_reviewing_without_an_intake_says_so(
    window: MainWindow, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QMessageBox.information",
        lambda _parent, _title, text, *args: told.append(text),
    )
    window.select_patient(journal.patient.id)
    assert window.intakes.review_intake() is None
    assert told == [
        "Åse Bjørnstad has no intake questionnaire yet: fill one in on this screen or "
        "import a filled-in PDF form."
    ]


def test_the_tablet_form_records_the_intake_and_raises_the_banners(
    window: MainWindow, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QMessageBox.information",
        lambda _parent, _title, text, *args: told.append(text),
    )
    window.select_patient(journal.patient.id)
    editor = open_editor(window, journal)
    assert not editor.ui.screening.isVisible()

    form = window.intakes.fill_on_screen()
    assert isinstance(form, IntakeFormDialog)
    assert form.windowState() & Qt.WindowState.WindowMaximized
    # What the journal knows is filled in already.
    assert form.widgets["name"].value() == "Åse Bjørnstad"
    assert form.widgets["birth_date"].value() == "1968-04-02"
    for key, value in clean_answers(**REFER_NOW).items():
        form.widgets[key].set_value(value)
    form.accept()
    # The patient is thanked and hands the screen back before the review shows.
    assert told == ["Thank you. Please hand the screen back to your practitioner."]

    dialog = open_review(window)
    assert not dialog.stored
    assert intakes_of_patient(window.db, journal.patient.id) == []
    dialog.choose(None)  # decide later
    assert dialog.save()

    [stored] = intakes_of_patient(window.db, journal.patient.id)
    assert stored.source is IntakeSource.APP
    assert stored.case_id == journal.case.id
    assert stored.reviews == []
    assert page_banner(window).level() is AlertLevel.REFER
    assert "saddle numbness" in page_banner(window).details.text()
    assert editor.ui.screening.isVisible()
    assert editor.ui.screening.level() is AlertLevel.REFER
    # The answers' outcome measures are the case's baseline.
    assert "ODI" in window.page.outcome_chart.instruments()


def test_closing_the_tablet_review_unsaved_asks_before_losing_the_answers(
    window: MainWindow, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QMessageBox.question", lambda *args: answers.pop(0)
    )
    window.select_patient(journal.patient.id)
    questionnaire = shipped_questionnaire()
    first = window.intakes.review_answers(
        questionnaire, clean_answers(fever=True), {}, journal.patient.id
    )
    first.reject()
    again = open_review(window)
    assert again is not first
    assert again.intake.answers["fever"] is True
    again.reject()
    assert answers == []
    assert [d for d in window.findChildren(IntakeReviewDialog) if d.isVisible()] == []
    assert intakes_of_patient(window.db, journal.patient.id) == []


def test_the_outcome_chart_shows_a_case_with_measurements(
    window: MainWindow, journal: Journal, db: Database
) -> None:
    from acujournal.domain.model import Case

    record_intake(journal)  # NRS back and leg and the ODI, as the case's baseline
    sign_session(db, make_session(journal, days_later=60, pain_before=3), journal.practitioner.id)
    empty = open_case(db, Case(patient_id=journal.patient.id, title="Neck", condition="neck"))
    window.select_patient(journal.patient.id)
    page = window.page
    page.select_case(journal.case.id)
    assert page.charts.indexOf(page.outcomes) >= 0
    assert page.outcomes.currentWidget() is page.outcome_chart
    chart = page.outcome_chart
    assert chart.instruments() == ["NRS_BACK", "NRS_LEG", "ODI"]
    chart.show_instrument("NRS_BACK")
    summary = chart.summary.text()
    assert summary.startswith("Pain intensity, back (NRS 0-10): baseline 5, latest 3")
    assert "improved by 2 points" in summary
    assert summary.endswith("clinically important improvement since 2026-03-06")

    page.select_case(empty.id)
    assert page.outcomes.currentWidget() is page.no_outcomes
    assert page.no_outcomes.text() == "No outcome measures have been recorded for this case yet."


def test_the_page_fits_the_window_with_both_charts(
    qtbot: QtBot, window: MainWindow, journal: Journal
) -> None:
    record_intake(journal, anticoagulants=True)
    window.resize(1280, 800)
    window.select_patient(journal.patient.id)
    page = window.page
    page.charts.setCurrentWidget(page.outcomes)
    qtbot.waitUntil(page.outcome_chart.isVisible)
    assert page.outcome_chart.chart_view.height() >= 200
    assert page.history_view.height() >= 100
    assert page_banner(window).isVisible()


def plain_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    with path.open("wb") as out:
        writer.write(out)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (plain_pdf, "form.pdf is not an AcuJournal intake form."),
        (
            lambda path: path.write_bytes(intake_form_pdf(None)),
            "form.pdf is an empty intake form: no answer was filled in.",
        ),
        (
            lambda path: path.write_bytes(b"%PDF-1.7\n1 0 obj << /Broken"),
            "form.pdf is damaged and cannot be read as a PDF.",
        ),
        (lambda path: path.write_text("name,phone\n"), "form.pdf is not a PDF file."),
    ],
    ids=["not-our-form", "empty-form", "damaged", "not-a-pdf"],
)
def test_importing_a_file_that_is_not_a_filled_form_says_why(
    window: MainWindow,
    journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: object,
    message: str,
) -> None:
    path = tmp_path / "form.pdf"
    make(path)  # type: ignore[operator]
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QFileDialog.getOpenFileName",
        lambda *args, **kwargs: (str(path), "PDF forms (*.pdf)"),
    )
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QMessageBox.warning",
        lambda _parent, title, text, *args: warnings.append((title, text)),
    )
    window.select_patient(journal.patient.id)
    window.intakes.import_action.trigger()
    assert warnings == [("Intake form not imported", message)]
    assert [d for d in window.findChildren(IntakeReviewDialog) if d.isVisible()] == []
    assert intakes_of_patient(window.db, journal.patient.id) == []


def test_a_filled_form_is_stored_only_once_confirmed(
    window: MainWindow, journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ase.pdf"
    values = form_values(shipped_questionnaire(), clean_answers(anticoagulants=True))
    path.write_bytes(fill(intake_form_pdf(None), values))
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QFileDialog.getOpenFileName",
        lambda *args, **kwargs: (str(path), ""),
    )
    window.select_patient(journal.patient.id)
    window.intakes.import_action.trigger()
    dialog = open_review(window)
    assert "read from the PDF form" in dialog.header.text()
    assert intakes_of_patient(window.db, journal.patient.id) == []
    assert not shown(page_banner(window), window.page)

    assert dialog.decision() is ReviewDecision.ACCEPT_WITH_CAUTION
    assert dialog.save()
    [stored] = intakes_of_patient(window.db, journal.patient.id)
    assert stored.source is IntakeSource.PDF
    banner = page_banner(window)
    assert banner.level() is AlertLevel.CAUTION
    assert banner.review_line.text().startswith("Accepted with caution by Dr Lin Mei on ")


def test_a_form_filled_in_by_someone_else_is_imported_only_on_request(
    window: MainWindow, journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kari.pdf"
    values = form_values(shipped_questionnaire(), clean_answers(name="Kari Nordmann"))
    path.write_bytes(fill(intake_form_pdf(None), values))
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr("acujournal.ui.intake_actions.QMessageBox.question", question)
    window.select_patient(journal.patient.id)
    assert window.intakes.import_pdf_file(path) is None
    assert asked == [
        "The form is filled in by Kari Nordmann, but the patient shown is Åse Bjørnstad. "
        "Import it for Åse Bjørnstad?"
    ]


def test_intake_actions_need_a_patient_and_have_their_own_shortcuts(
    window: MainWindow, journal: Journal
) -> None:
    intakes = window.intakes
    actions = (intakes.form_action, intakes.import_action, intakes.review_action)
    assert [a.text() for a in actions] == [
        "&Intake questionnaire on this screen…",
        "Im&port intake form (PDF)…",
        "&Review intake…",
    ]
    assert [a.shortcut().toString() for a in actions] == [
        "Ctrl+Shift+Q",
        "Ctrl+Shift+I",
        "Ctrl+Shift+R",
    ]
    assert not any(a.isEnabled() for a in actions)
    assert intakes.fill_on_screen() is None
    window.select_patient(journal.patient.id)
    assert all(a.isEnabled() for a in actions)
    [patient_menu] = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Patient"]
    assert all(a in patient_menu.actions() for a in actions)
