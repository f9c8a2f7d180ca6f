"""The tablet intake form, driven with real taps and typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from acujournal.domain.questionnaire import BODY_REGION_CODES
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.ui.body_chart import REGION_CODES
from acujournal.ui.intake_answers import (
    TOUCH,
    BodyAnswer,
    ChoiceAnswer,
    DateAnswer,
    InstrumentAnswer,
    MultiAnswer,
    NrsAnswer,
    TextAnswer,
)
from acujournal.ui.intake_form import FONT_SCALE, IntakeFormDialog

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def form(qtbot: QtBot) -> IntakeFormDialog:
    dialog = IntakeFormDialog(shipped_questionnaire())
    # Hidden without the "answers will be lost" question, so closing at teardown cannot block.
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.show()
    return dialog


def tap(qtbot: QtBot, form: IntakeFormDialog, key: str, value: object) -> None:
    """Go to the question's page and tap the button of ``value``."""
    form.show_question(key)
    widget = form.widgets[key]
    assert isinstance(widget, ChoiceAnswer)
    qtbot.mouseClick(widget.button_for(value), LEFT)


def test_the_domain_knows_the_body_charts_regions() -> None:
    assert BODY_REGION_CODES == REGION_CODES


def test_every_question_gets_a_touch_widget_of_its_kind(form: IntakeFormDialog) -> None:
    kinds = {key: type(widget) for key, widget in form.widgets.items()}
    assert kinds["name"] is TextAnswer
    assert kinds["birth_date"] is DateAnswer
    assert kinds["fever"] is ChoiceAnswer
    assert kinds["worse_with"] is MultiAnswer
    assert kinds["pain_regions"] is BodyAnswer
    assert kinds["nrs_back"] is NrsAnswer
    assert kinds["odi"] is InstrumentAnswer
    assert len(kinds) == len(list(shipped_questionnaire().questions()))
    assert form.page_count() == 1 + len(shipped_questionnaire().sections) + 1


def test_controls_are_large_enough_for_fingers(form: IntakeFormDialog) -> None:
    form.go_to(4)
    answer = form.widgets["fever"]
    assert isinstance(answer, ChoiceAnswer)
    assert all(button.height() >= TOUCH for button in answer.buttons)
    assert form.next_button.height() >= TOUCH
    parent = form.parentWidget() or QDialog()
    assert form.font().pointSizeF() == pytest.approx(parent.font().pointSizeF() * FONT_SCALE)


def test_paging_forward_and_back(form: IntakeFormDialog, qtbot: QtBot) -> None:
    assert form.current_page() == 0
    assert not form.back_button.isEnabled()
    with qtbot.waitSignal(form.page_changed) as signal:
        qtbot.mouseClick(form.next_button, LEFT)
    assert signal.args == [1]
    qtbot.mouseClick(form.back_button, LEFT)
    assert form.current_page() == 0
    form.go_to(form.page_count() - 1)
    assert form.send_button.isVisible()
    assert not form.next_button.isVisible()


def test_a_patient_fills_in_the_form_and_sends_it(form: IntakeFormDialog, qtbot: QtBot) -> None:
    form.show_question("name")
    qtbot.keyClicks(form.widgets["name"].edit, "Åse Bjørnstad")  # type: ignore[attr-defined]
    form.show_question("birth_date")
    qtbot.keyClicks(form.widgets["birth_date"].edit, "2 April 1968")  # type: ignore[attr-defined]
    form.show_question("pain_regions")
    body = form.widgets["pain_regions"]
    assert isinstance(body, BodyAnswer)
    for code in ("low_back", "left_calf"):
        qtbot.mouseClick(body.chart, LEFT, pos=body.chart.region_centre(code))
    assert body.marked.text() == "low back, left calf"
    tap(qtbot, form, "side", "left")
    tap(qtbot, form, "fever", False)
    tap(qtbot, form, "anticoagulants", True)
    form.show_question("worse_with")
    multi = form.widgets["worse_with"]
    assert isinstance(multi, MultiAnswer)
    qtbot.mouseClick(multi.buttons["sitting"], LEFT)
    qtbot.mouseClick(multi.buttons["coughing"], LEFT)
    form.show_question("nrs_leg")
    nrs = form.widgets["nrs_leg"]
    assert isinstance(nrs, NrsAnswer)
    qtbot.mouseClick(nrs.scale.button(7), LEFT)
    form.go_to(form.page_count() - 1)
    with qtbot.waitSignal(form.accepted):
        qtbot.mouseClick(form.send_button, LEFT)
    assert form.result() == QDialog.DialogCode.Accepted
    assert form.answers() == {
        "name": "Åse Bjørnstad",
        "birth_date": "1968-04-02",
        "pain_regions": ["low_back", "left_calf"],
        "side": "left",
        "worse_with": ["sitting", "coughing"],
        "anticoagulants": True,
        "fever": False,
        "nrs_leg": 7,
    }
    assert form.unreadable() == {}


def test_a_second_tap_takes_an_answer_back(form: IntakeFormDialog, qtbot: QtBot) -> None:
    tap(qtbot, form, "fever", True)
    assert form.answers()["fever"] is True
    tap(qtbot, form, "fever", False)
    assert form.answers()["fever"] is False
    tap(qtbot, form, "fever", False)
    assert "fever" not in form.answers()


def test_an_exclusive_choice_stands_alone(form: IntakeFormDialog, qtbot: QtBot) -> None:
    form.show_question("known_causes")
    causes = form.widgets["known_causes"]
    assert isinstance(causes, MultiAnswer)
    qtbot.mouseClick(causes.buttons["stenosis"], LEFT)
    qtbot.mouseClick(causes.buttons["diabetes"], LEFT)
    qtbot.mouseClick(causes.buttons["unknown"], LEFT)
    assert form.answers()["known_causes"] == ["unknown"]
    qtbot.mouseClick(causes.buttons["bone_spur"], LEFT)
    assert form.answers()["known_causes"] == ["bone_spur"]


def test_an_unreadable_date_is_kept_as_written_not_guessed(
    form: IntakeFormDialog, qtbot: QtBot
) -> None:
    form.show_question("onset_date")
    date = form.widgets["onset_date"]
    assert isinstance(date, DateAnswer)
    qtbot.keyClicks(date.edit, "03/02/2026")
    assert date.feedback.text() == "Not a date we can read: write it as year-month-day"
    assert "onset_date" not in form.answers()
    assert form.unreadable() == {"onset_date": "03/02/2026"}
    date.edit.clear()
    qtbot.keyClicks(date.edit, "2026-02-03")
    assert date.feedback.text() == "Read as 03 February 2026"
    assert form.answers()["onset_date"] == "2026-02-03"


def test_the_last_page_lists_what_is_missing_and_goes_back_to_it(
    form: IntakeFormDialog, qtbot: QtBot
) -> None:
    form.go_to(form.page_count() - 1)
    buttons = form.missing_buttons
    required = [q for q in shipped_questionnaire().questions() if q.required]
    assert [b.text() for b in buttons] == [q.label for q in required]
    assert form.send_button.text() == "Send anyway"
    fever = next(b for b in buttons if b.text().startswith("Have you had a fever"))
    qtbot.mouseClick(fever, LEFT)
    assert form.current_page() == 4  # the warning signs
    tap(qtbot, form, "fever", False)
    form.go_to(form.page_count() - 1)
    assert len(form.missing_buttons) == len(required) - 1


def test_licensed_instruments_show_section_names_only(form: IntakeFormDialog, qtbot: QtBot) -> None:
    form.show_question("odi")
    odi = form.widgets["odi"]
    assert isinstance(odi, InstrumentAnswer)
    assert len(odi.items) == 10
    qtbot.mouseClick(odi.items[0].button_for(3), LEFT)
    assert form.answers()["odi"] == [3, None, None, None, None, None, None, None, None, None]
    form.show_question("rmdq")
    rmdq = form.widgets["rmdq"]
    assert isinstance(rmdq, InstrumentAnswer)
    assert [b.text() for b in rmdq.statements[:2]] == ["Statement 1", "Statement 2"]
    assert rmdq.done is not None
    qtbot.mouseClick(rmdq.done, LEFT, pos=QPoint(10, rmdq.done.height() // 2))
    assert form.answers()["rmdq"] == [False] * 24


def test_known_answers_are_shown_when_the_form_opens(qtbot: QtBot) -> None:
    answers: dict[str, object] = {
        "name": "Åse",
        "fever": True,
        "pain_regions": ["neck"],
        "nrs_back": 4,
        "worse_with": ["walking"],
        "sbi": [1, 2, 3, 4],
    }
    dialog = IntakeFormDialog(shipped_questionnaire(), answers)
    qtbot.addWidget(dialog)
    assert dialog.answers() == answers
    assert isinstance(dialog.findChild(QPushButton, "intakeSend"), QPushButton)


def test_escape_asks_before_a_patients_answers_are_lost(
    form: IntakeFormDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(choice: QMessageBox.StandardButton) -> object:
        def ask(_parent: object, title: str, *_args: object) -> QMessageBox.StandardButton:
            asked.append(title)
            return choice

        return ask

    # Nothing answered yet: Esc just closes.
    untouched = IntakeFormDialog(shipped_questionnaire())
    qtbot.addWidget(untouched)
    untouched.show()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible()
    assert asked == []

    tap(qtbot, form, "fever", True)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert asked == ["Close the questionnaire?"]
    assert form.isVisible()
    assert form.answers()["fever"] is True

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Close))
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
