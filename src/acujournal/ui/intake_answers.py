"""Touch-sized answer widgets for the intake form, one kind per question kind.

Every widget shows one question's answer and has the same small interface: ``value()`` (the
answer as the questionnaire stores it, or None when not answered), ``set_value(value)`` and
``changed``. Choices are big checkable buttons (at least :data:`TOUCH` pixels high) that a second
tap clears, so a patient can take back an answer; a multiple choice keeps an exclusive choice
("None of these") apart from the others, so the form cannot be filled in contradicting itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.intake import parse_date_text
from acujournal.domain.outcomes import INSTRUMENTS, ODI_SECTIONS, SBI_ITEMS
from acujournal.domain.questionnaire import BODY_REGION_CODES, Question, QuestionKind
from acujournal.ui.body_chart import BodyChart, region_label
from acujournal.ui.pain_scale import PainScale

TOUCH = 56
"""Smallest height of a touch target on the tablet form, in pixels."""


class AnswerWidget(QWidget):
    """Base of the answer widgets: ``value()``, ``set_value()``, ``changed``."""

    changed = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setAccessibleName(question.label)
        if question.help:
            self.setAccessibleDescription(question.help)

    def value(self) -> object | None:
        raise NotImplementedError

    def set_value(self, value: object | None) -> None:
        raise NotImplementedError

    def unreadable(self) -> str | None:
        """What was typed but cannot be read as an answer (dates), else None."""
        return None


def _big_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setCheckable(True)
    button.setMinimumHeight(TOUCH)
    button.setMinimumWidth(TOUCH)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setProperty("answer", True)  # styled by ANSWER_STYLE
    return button


ANSWER_STYLE = (
    # A chosen answer must show clearly on any theme, not only by a pressed look. Set on the
    # form, not on each button: a button's own style sheet would drop the form's larger font.
    'QPushButton[answer="true"] { text-align: left; padding: 6px 14px; }'
    'QPushButton[answer="true"]:checked { background: #0B5394; color: white; font-weight: bold; }'
)


class TextAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        long = question.kind is QuestionKind.LONG_TEXT
        self.edit: QLineEdit | QPlainTextEdit
        if long:
            self.edit = QPlainTextEdit()
            self.edit.setMinimumHeight(TOUCH * 2)
            self.edit.setTabChangesFocus(True)
            self.edit.textChanged.connect(self._limit)
        else:
            self.edit = QLineEdit()
            self.edit.setMinimumHeight(TOUCH)
            self.edit.setMaxLength(question.max_length)
            self.edit.textChanged.connect(self.changed)
        self.edit.setAccessibleName(question.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def _limit(self) -> None:
        assert isinstance(self.edit, QPlainTextEdit)
        text = self.edit.toPlainText()
        if len(text) > self.question.max_length:
            self.edit.setPlainText(text[: self.question.max_length])
        self.changed.emit()

    def text(self) -> str:
        edit = self.edit
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def value(self) -> object | None:
        return self.text().strip() or None

    def set_value(self, value: object | None) -> None:
        text = value if isinstance(value, str) else ""
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)


class DateAnswer(AnswerWidget):
    """A date typed as people write it; the form shows how it was read, and never guesses."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.edit = QLineEdit()
        self.edit.setMinimumHeight(TOUCH)
        self.edit.setMaxLength(40)
        self.edit.setPlaceholderText(self.tr("for example 1968-04-02 or 2 April 1968"))
        self.edit.setAccessibleName(question.label)
        self.edit.textChanged.connect(self._typed)
        self.feedback = QLabel()
        self.feedback.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.feedback)

    def _typed(self, text: str) -> None:
        day = parse_date_text(text) if text.strip() else None
        if not text.strip():
            self.feedback.clear()
        elif day is None:
            self.feedback.setText(self.tr("Not a date we can read: write it as year-month-day"))
        else:
            self.feedback.setText(self.tr("Read as %1").replace("%1", day.strftime("%d %B %Y")))
        self.changed.emit()

    def value(self) -> object | None:
        day = parse_date_text(self.edit.text())
        return day.isoformat() if day is not None else None

    def unreadable(self) -> str | None:
        text = self.edit.text().strip()
        return text if text and parse_date_text(text) is None else None

    def set_value(self, value: object | None) -> None:
        self.edit.setText(value if isinstance(value, str) else "")


class ChoiceAnswer(AnswerWidget):
    """One answer among big buttons (yes/no, a choice, a score); a second tap clears it."""

    def __init__(
        self,
        question: Question,
        options: Sequence[tuple[object, str]],
        columns: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(question, parent)
        self.options = list(options)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: list[QPushButton] = []
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, (_, label) in enumerate(self.options):
            button = _big_button(label)
            button.setAccessibleName(f"{question.label}: {label}")
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button, index // columns, index % columns)
        self.group.idToggled.connect(self._toggled)

    def _toggled(self, index: int, checked: bool) -> None:
        if checked:
            for other, button in enumerate(self.buttons):
                if other != index and button.isChecked():
                    button.blockSignals(True)
                    button.setChecked(False)
                    button.blockSignals(False)
        self.changed.emit()

    def value(self) -> object | None:
        for button, (value, _) in zip(self.buttons, self.options, strict=True):
            if button.isChecked():
                return value
        return None

    def set_value(self, value: object | None) -> None:
        for button, (option, _) in zip(self.buttons, self.options, strict=True):
            button.blockSignals(True)
            button.setChecked(value is not None and option == value and type(option) is type(value))
            button.blockSignals(False)

    def button_for(self, value: object) -> QPushButton:
        """The button of an option (for tests and keyboard help)."""
        for button, (option, _) in zip(self.buttons, self.options, strict=True):
            if option == value and type(option) is type(value):
                return button
        raise KeyError(value)


class MultiAnswer(AnswerWidget):
    """Several answers among big buttons; an exclusive choice stands alone."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.buttons: dict[str, QPushButton] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, choice in enumerate(question.choices):
            button = _big_button(choice.label)
            button.setAccessibleName(f"{question.label}: {choice.label}")
            button.toggled.connect(
                lambda checked, value=choice.value: self._toggled(value, checked)
            )
            self.buttons[choice.value] = button
            layout.addWidget(button, index // 2, index % 2)

    def _toggled(self, value: str, checked: bool) -> None:
        if checked:
            choice = self.question.choice(value)
            alone = choice is not None and choice.exclusive
            for other, button in self.buttons.items():
                other_choice = self.question.choice(other)
                clash = alone or (other_choice is not None and other_choice.exclusive)
                if other != value and clash and button.isChecked():
                    button.blockSignals(True)
                    button.setChecked(False)
                    button.blockSignals(False)
        self.changed.emit()

    def value(self) -> object | None:
        ticked = [value for value, button in self.buttons.items() if button.isChecked()]
        return ticked or None

    def set_value(self, value: object | None) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for option, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(option in chosen)
            button.blockSignals(False)


class BodyAnswer(AnswerWidget):
    """The body chart: tap every region that hurts; the marked ones are listed below it."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.chart = BodyChart()
        self.chart.setMinimumSize(360, 420)
        self.chart.regions_changed.connect(self._marked)
        self.marked = QLabel()
        self.marked.setWordWrap(True)
        self.marked.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart)
        layout.addWidget(self.marked)
        self._marked(self.chart.marked_regions())

    def _marked(self, regions: list[str]) -> None:
        names = ", ".join(region_label(code) for code in regions)
        self.marked.setText(names or self.tr("Nothing marked yet"))
        self.changed.emit()

    def value(self) -> object | None:
        return self.chart.marked_regions() or None

    def set_value(self, value: object | None) -> None:
        codes = [c for c in value if c in BODY_REGION_CODES] if isinstance(value, list) else []
        self.chart.set_marked_regions(codes)
        self._marked(self.chart.marked_regions())


class NrsAnswer(AnswerWidget):
    """A 0-10 pain score: the journal's own pain scale, with large buttons."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.scale = PainScale(question.label)
        for button in self.scale.group.buttons():
            button.setMinimumSize(TOUCH, TOUCH)
        self.scale.valueEdited.connect(lambda _old, _new: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scale)

    def value(self) -> object | None:
        return self.scale.value()

    def set_value(self, value: object | None) -> None:
        self.scale.set_value(value if isinstance(value, int) else None)


class InstrumentAnswer(AnswerWidget):
    """An outcome instrument's items: a score per section (ODI, SBI) or statements that apply
    (RMDQ), labelled by section names only: the licensed question text stays on the clinic's
    own form."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        assert question.instrument is not None
        inst = INSTRUMENTS[question.instrument]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.items: list[ChoiceAnswer] = []
        self.statements: list[QPushButton] = []
        self.done: QCheckBox | None = None
        if inst.item_range is not None:
            low, high = inst.item_range
            names = ODI_SECTIONS if question.instrument == "ODI" else SBI_ITEMS
            scores = [(n, str(n)) for n in range(low, high + 1)]
            for number, name in enumerate(names, start=1):
                label = QLabel(f"{number}. {name}")
                item = ChoiceAnswer(question, scores, columns=len(scores))
                item.setAccessibleName(f"{question.label}: {name}")
                item.changed.connect(self.changed)
                layout.addWidget(label)
                layout.addWidget(item)
                self.items.append(item)
            return
        grid = QGridLayout()
        for number in range(1, inst.item_count + 1):
            button = _big_button(self.tr("Statement %1").replace("%1", str(number)))
            button.toggled.connect(self.changed)
            grid.addWidget(button, (number - 1) // 4, (number - 1) % 4)
            self.statements.append(button)
        layout.addLayout(grid)
        self.done = QCheckBox(self.tr("I have gone through every statement"))
        self.done.setMinimumHeight(TOUCH)
        self.done.toggled.connect(self.changed)
        layout.addWidget(self.done)

    def value(self) -> object | None:
        if self.items:
            values = [item.value() for item in self.items]
            return values if any(v is not None for v in values) else None
        ticks = [button.isChecked() for button in self.statements]
        done = self.done is not None and self.done.isChecked()
        return ticks if any(ticks) or done else None

    def set_value(self, value: object | None) -> None:
        listed = value if isinstance(value, list) else []
        if self.items:
            for index, item in enumerate(self.items):
                item.set_value(listed[index] if index < len(listed) else None)
            return
        for index, button in enumerate(self.statements):
            button.setChecked(bool(listed[index]) if index < len(listed) else False)
        if self.done is not None:
            self.done.setChecked(bool(listed))


def answer_widget(question: Question, parent: QWidget | None = None) -> AnswerWidget:
    """The touch widget answering one question."""
    kind = question.kind
    if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        return TextAnswer(question, parent)
    if kind is QuestionKind.DATE:
        return DateAnswer(question, parent)
    if kind is QuestionKind.YES_NO:
        yes = QCoreApplication.translate("IntakeForm", "Yes")
        no = QCoreApplication.translate("IntakeForm", "No")
        return ChoiceAnswer(question, [(True, yes), (False, no)], columns=2, parent=parent)
    if kind is QuestionKind.CHOICE:
        options = [(c.value, c.label) for c in question.choices]
        return ChoiceAnswer(question, options, columns=2 if len(options) > 3 else 1, parent=parent)
    if kind is QuestionKind.MULTI_CHOICE:
        return MultiAnswer(question, parent)
    if kind is QuestionKind.BODY_REGIONS:
        return BodyAnswer(question, parent)
    if kind is QuestionKind.NRS:
        return NrsAnswer(question, parent)
    return InstrumentAnswer(question, parent)
