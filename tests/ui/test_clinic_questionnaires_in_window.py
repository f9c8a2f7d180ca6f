"""A clinic's own questionnaire in the main window: added from the Journal menu, chosen for
the tablet form and the PDF form, reviewed with its screening, and the clinic's default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from acujournal.domain.intake import AlertLevel, ReviewDecision
from acujournal.services.intake import intakes_of_patient
from acujournal.services.intake_pdf import read_form
from acujournal.services.questionnaires import (
    add_questionnaire_file,
    available_questionnaires,
    newest_questionnaire,
)
from acujournal.services.settings import get_default_questionnaire, set_default_questionnaire
from acujournal.storage.db import Database
from acujournal.ui.intake_answers import ChoiceAnswer
from acujournal.ui.intake_form import IntakeFormDialog
from acujournal.ui.intake_review import IntakeReviewDialog
from acujournal.ui.main_window import MainWindow
from acujournal.ui.questionnaire_choice import QuestionnaireChoiceDialog
from acujournal.ui.settings_dialog import SettingsDialog
from tests.builders import Journal
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import NECK_PAIN_FILE, neck_answers, neck_pain_definition
from tests.ui.test_intake_in_window import open_review

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What the window said in message boxes (information and warnings), as (title, text)."""
    said: list[tuple[str, str]] = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(
            f"acujournal.ui.intake_actions.QMessageBox.{kind}",
            lambda _parent, title, text, *args: said.append((title, text)),
        )
    return said


def chooser_of(window: MainWindow) -> QuestionnaireChoiceDialog:
    [dialog] = [d for d in window.findChildren(QuestionnaireChoiceDialog) if d.isVisible()]
    return dialog


def take(qtbot: QtBot, chooser: QuestionnaireChoiceDialog, key: str) -> None:
    """Click the questionnaire ``key`` in the list, then OK."""
    items = [chooser.list.item(row) for row in range(chooser.list.count())]
    [item] = [i for i in items if i.data(Qt.ItemDataRole.UserRole) == key]
    rect = chooser.list.visualItemRect(item)
    qtbot.mouseClick(chooser.list.viewport(), LEFT, pos=rect.center())
    assert chooser.chosen() == key
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)


def test_a_questionnaire_is_added_from_the_journal_menu(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: list[object]
) -> None:
    [menu] = [m for m in window.findChildren(QMenu) if m.objectName() == "questionnaireMenu"]
    assert menu.menuAction() in window.journal_menu.actions()
    intakes = window.intakes
    assert [a.text() for a in menu.actions()] == [
        "&Add a questionnaire…",
        "&Save intake form as PDF…",
    ]
    assert intakes.add_questionnaire_action.isEnabled()  # no patient needed

    bad = neck_pain_definition(condition="")
    bad["sections"][0]["questions"][0]["kind"] = "essay"
    chosen = [tmp_path / "bad.json", NECK_PAIN_FILE]
    chosen[0].write_text(json.dumps(bad), "utf-8")
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QFileDialog.getOpenFileName",
        lambda *args, **kwargs: (str(chosen.pop(0)), ""),
    )
    intakes.add_questionnaire_action.trigger()
    [(title, text)] = told
    assert title == "Questionnaire not added"
    assert text.splitlines() == [
        "bad.json was not added; nothing was stored. Each problem is named by where it is in "
        "the file:",
        "",
        "sections[0].questions[0].kind: 'essay' is not one of text, long_text, date, yes_no, "
        "choice, multi_choice, body_regions, nrs, instrument",
        "condition: must be text that is not empty",
    ]
    assert len(available_questionnaires(window.db)) == 1

    intakes.add_questionnaire_action.trigger()
    assert told[1] == (
        "Questionnaire added",
        "Before your first visit: neck and shoulder pain (version 1) is now offered for "
        "intakes in every room of this journal.",
    )
    assert [q.key for q in available_questionnaires(window.db)] == ["sciatica", "neck_pain"]


def test_a_neck_pain_form_on_the_tablet_is_reviewed_with_its_screening_and_stored(
    qtbot: QtBot, window: MainWindow, journal: Journal, told: list[object]
) -> None:
    add_questionnaire_file(window.db, NECK_PAIN_FILE)
    window.select_patient(journal.patient.id)
    window.intakes.form_action.trigger()
    chooser = chooser_of(window)
    assert chooser.chosen() == "sciatica"  # the clinic's default, until it chooses another
    assert chooser.list.item(1).text() == (
        "Before your first visit: neck and shoulder pain — neck pain, version 1, the clinic's own"
    )
    take(qtbot, chooser, "neck_pain")

    [form] = [d for d in window.findChildren(IntakeFormDialog) if d.isVisible()]
    assert form.questionnaire.form_id == "neck_pain/1"
    # What the journal knows is filled in already, under this questionnaire's own keys.
    assert form.widgets["name"].value() == "Åse Bjørnstad"
    assert form.widgets["born"].value() == "1968-04-02"
    answers = neck_answers(fever=True, blood_thinners=True)
    for key in ("what_hurts", "where", "triggers", "how_bad"):
        form.widgets[key].set_value(answers[key])
    # Page by page, tapping the answers of each as the patient would.
    for page, section in enumerate(form.questionnaire.sections, start=1):
        qtbot.mouseClick(form.next_button, LEFT)
        assert form.current_page() == page
        for question in section.questions:
            widget = form.widgets[question.key]
            if isinstance(widget, ChoiceAnswer) and question.kind.value != "nrs":
                qtbot.mouseClick(widget.button_for(answers[question.key]), LEFT)
    qtbot.mouseClick(form.next_button, LEFT)
    assert form.send_button.isVisible()
    known = {"name": "Åse Bjørnstad", "born": "1968-04-02", "phone": "+47 912 34 567"}
    assert form.answers() == answers | known
    qtbot.mouseClick(form.send_button, LEFT)
    assert told == [("Thank you", "Thank you. Please hand the screen back to your practitioner.")]

    review = open_review(window)
    assert review.header.text().startswith("Before your first visit: neck and shoulder pain")
    assert review.banner.level() is AlertLevel.REFER
    assert review.not_asked.isVisibleTo(review)
    assert "numbness in the saddle" in review.not_asked.text()
    assert "fever" not in review.not_asked.text()
    assert review.decision() is ReviewDecision.REFER_OUT
    qtbot.keyClicks(review.reason, "Fever with neck pain: to her GP today")
    qtbot.mouseClick(review.save_button, LEFT)

    [stored] = intakes_of_patient(window.db, journal.patient.id)
    assert (stored.questionnaire_key, stored.case_id) == ("neck_pain", journal.case.id)
    assert stored.answers["which_side"] == "left"
    assert stored.answers["blood_thinners"] is True
    codes = {f.value for f in stored.screening.red_flags} | {
        c.value for c in stored.screening.cautions
    }
    assert codes == {"fever", "age_over_50", "anticoagulants"}
    banner = window.page.screening_banner
    assert banner.level() is AlertLevel.REFER
    assert banner.title.text() == "Referred out"
    # Reviewed again later, the stored intake is shown with its own questionnaire.
    review.reject()
    window.intakes.review_action.trigger()
    again = open_review(window)
    assert again.stored
    assert again.questionnaire == form.questionnaire
    assert again.model.rowCount() == len(list(form.questionnaire.questions()))
    assert again.not_asked.text() == review.not_asked.text()


def test_the_clinic_default_is_chosen_first_and_cancelling_opens_nothing(
    qtbot: QtBot, window: MainWindow, journal: Journal
) -> None:
    add_questionnaire_file(window.db, NECK_PAIN_FILE)
    set_default_questionnaire(window.db, "neck_pain")
    window.select_patient(journal.patient.id)
    chooser = window.intakes.fill_on_screen()
    assert isinstance(chooser, QuestionnaireChoiceDialog)
    assert chooser.chosen() == "neck_pain"
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Cancel), LEFT)
    assert not [d for d in window.findChildren(IntakeFormDialog) if d.isVisible()]


def test_with_one_questionnaire_the_tablet_form_opens_without_asking(
    window: MainWindow, journal: Journal
) -> None:
    window.select_patient(journal.patient.id)
    form = window.intakes.fill_on_screen()
    assert isinstance(form, IntakeFormDialog)
    assert form.questionnaire.key == "sciatica"
    assert not window.findChildren(QuestionnaireChoiceDialog)


def test_the_pdf_form_of_the_chosen_questionnaire_is_saved_and_read_back(
    qtbot: QtBot,
    window: MainWindow,
    journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_questionnaire_file(window.db, NECK_PAIN_FILE)
    target = tmp_path / "neck form.pdf"
    suggested: list[str] = []

    def save_as(_parent: object, _title: str, name: str, *args: object) -> tuple[str, str]:
        suggested.append(name)
        return str(target), ""

    monkeypatch.setattr("acujournal.ui.intake_actions.QFileDialog.getSaveFileName", save_as)
    window.intakes.save_form_action.trigger()
    take(qtbot, chooser_of(window), "neck_pain")
    assert suggested == ["neck_pain.pdf"]
    assert window.statusBar().currentMessage() == (
        f"Saved the intake form Before your first visit: neck and shoulder pain to {target}"
    )

    # The patient fills it in at home; the practitioner imports it for the patient shown.
    questionnaire = newest_questionnaire(window.db, "neck_pain")
    answers = neck_answers(name="Åse Bjørnstad", cancer=True)
    filled = tmp_path / "filled.pdf"
    filled.write_bytes(fill(target.read_bytes(), form_values(questionnaire, answers)))
    assert read_form(filled.read_bytes(), "filled.pdf", window.db).answers == answers
    window.select_patient(journal.patient.id)
    review = window.intakes.import_pdf_file(filled)
    assert isinstance(review, IntakeReviewDialog)
    assert review.questionnaire == questionnaire
    assert "cancer" in review.banner.details.text()
    review.choose(None)
    assert review.save()
    [stored] = intakes_of_patient(window.db, journal.patient.id)
    assert stored.questionnaire_key == "neck_pain"


def test_the_default_questionnaire_is_a_clinic_setting(qtbot: QtBot, db: Database) -> None:
    add_questionnaire_file(db, NECK_PAIN_FILE)
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    combo = dialog.default_questionnaire
    assert [combo.itemData(i) for i in range(combo.count())] == ["sciatica", "neck_pain"]
    assert combo.currentData() == "sciatica"
    combo.setCurrentIndex(combo.findData("neck_pain"))
    assert dialog.save()
    assert get_default_questionnaire(db) == "neck_pain"
    assert SettingsDialog(db).default_questionnaire.currentData() == "neck_pain"


def test_a_saved_pdf_form_that_cannot_be_written_says_why(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: list[object]
) -> None:
    folder = tmp_path / "not here"
    monkeypatch.setattr(
        "acujournal.ui.intake_actions.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(folder / "form.pdf"), ""),
    )
    assert window.intakes.save_form() is None  # one questionnaire: no question asked
    [(title, text)] = told
    assert title == "Intake form not saved"
    assert "No such file or directory" in text
