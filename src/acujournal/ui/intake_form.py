"""The intake questionnaire on the clinic tablet: large controls, one section per page.

Built from the questionnaire data (``resources/questionnaires/*.json``), so a clinic's own
questionnaire shows the same way. Pages: a welcome page, one page per section (scrolling by
finger on a touch screen), and a last page listing what is still unanswered or unreadable,
each with a button that goes back to it. The patient may send the form with gaps (a patient
who cannot answer is not stuck); the practitioner sees every gap in the review.

The dialog only collects answers: ``answers()`` and ``unreadable()`` after ``accepted``. The
caller screens and stores them (``services.intake.prepare_intake`` / ``save_intake``), usually
through :class:`acujournal.ui.intake_review.IntakeReviewDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.intake import IssueKind, answer_issues
from acujournal.domain.questionnaire import Questionnaire, Section
from acujournal.ui.intake_answers import ANSWER_STYLE, TOUCH, AnswerWidget, answer_widget

FONT_SCALE = 1.35
"""The tablet form's text is this much larger than the rest of the app."""


class IntakeFormDialog(QDialog):
    """A patient fills in the intake questionnaire; read ``answers()`` once accepted."""

    page_changed = Signal(int)
    """The index of the page now shown (0 is the welcome page)."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: dict[str, object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intakeForm")
        self._answers_at_start: dict[str, object] | None = None
        self.questionnaire = questionnaire
        self.setWindowTitle(questionnaire.title)
        self.setAccessibleName(questionnaire.title)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
        self.setFont(font)
        self.setStyleSheet(ANSWER_STYLE)
        self.resize(1000, 760)

        self.widgets: dict[str, AnswerWidget] = {}
        self._section_of: dict[str, int] = {}
        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        for index, section in enumerate(questionnaire.sections, start=1):
            self.pages.addWidget(self._section_page(section, index))
        self.check_page = QWidget()
        self.check_layout = QVBoxLayout(self.check_page)
        self.pages.addWidget(self._scrolling(self.check_page))

        self.progress = QLabel()
        self.progress.setObjectName("intakeProgress")
        self.back_button = self._nav_button(self.tr("‹ Back"), "intakeBack")
        self.back_button.clicked.connect(self.back)
        self.next_button = self._nav_button(self.tr("Next ›"), "intakeNext")
        self.next_button.clicked.connect(self.next)
        self.send_button = self._nav_button(self.tr("Send to the practitioner"), "intakeSend")
        self.send_button.clicked.connect(self.accept)
        self.send_button.setDefault(True)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.progress, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        nav.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(nav)
        for key, value in (answers or {}).items():
            if key in self.widgets:
                self.widgets[key].set_value(value)
        self.go_to(0)

    # Building -----------------------------------------------------------------------------
    def _nav_button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setMinimumSize(180, TOUCH + 8)
        button.setAutoDefault(False)
        return button

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.questionnaire.title)
        title.setObjectName("intakeTitle")
        title.setWordWrap(True)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        title.setFont(title_font)
        intro = QLabel(self.questionnaire.intro)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        hint = QLabel(
            self.tr(
                "Tap an answer to choose it, and tap it again to take it back. "
                "Use Next and Back to move between pages."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _section_page(self, section: Section, index: int) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        heading = QLabel(section.title)
        heading_font = QFont(self.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        heading.setFont(heading_font)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(heading)
        if section.intro:
            intro = QLabel(section.intro)
            intro.setWordWrap(True)
            intro.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(intro)
        for question in section.questions:
            label = QLabel(question.label + (" *" if question.required else ""))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            bold = QFont(self.font())
            bold.setBold(True)
            label.setFont(bold)
            widget = answer_widget(question)
            widget.setObjectName(f"answer_{question.key}")
            label.setBuddy(widget)
            layout.addSpacing(10)
            layout.addWidget(label)
            if question.help:
                help_label = QLabel(question.help)
                help_label.setWordWrap(True)
                help_label.setTextFormat(Qt.TextFormat.PlainText)
                layout.addWidget(help_label)
            layout.addWidget(widget)
            self.widgets[question.key] = widget
            self._section_of[question.key] = index
        layout.addStretch(1)
        return self._scrolling(content)

    @staticmethod
    def _scrolling(content: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        # A finger drags the page on a touch screen; the mouse keeps its usual behaviour.
        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        return scroll

    # Navigation ---------------------------------------------------------------------------
    def current_page(self) -> int:
        return self.pages.currentIndex()

    def page_count(self) -> int:
        return self.pages.count()

    def go_to(self, index: int) -> None:
        index = max(0, min(index, self.pages.count() - 1))
        if index == self.pages.count() - 1:
            self._fill_check_page()
        self.pages.setCurrentIndex(index)
        last = index == self.pages.count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.send_button.setVisible(last)
        self.progress.setText(
            self.tr("Page %1 of %2")
            .replace("%1", str(index + 1))
            .replace("%2", str(self.pages.count()))
        )
        self.page_changed.emit(index)

    def next(self) -> None:
        self.go_to(self.current_page() + 1)

    def back(self) -> None:
        self.go_to(self.current_page() - 1)

    def show_question(self, key: str) -> None:
        """Go to the page of a question and put the focus on its answer."""
        self.go_to(self._section_of[key])
        widget = self.widgets[key]
        scroll = self.pages.currentWidget()
        if isinstance(scroll, QScrollArea):
            scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        focus = widget.focusProxy() or widget.findChild(QWidget)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # The last page ------------------------------------------------------------------------
    def _fill_check_page(self) -> None:
        while self.check_layout.count():
            item = self.check_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        issues = [
            issue
            for issue in answer_issues(
                self.questionnaire, self.answers(), unreadable=self.unreadable()
            )
            if issue.kind in (IssueKind.MISSING, IssueKind.UNREADABLE)
        ]
        heading = QLabel(
            self.tr("Thank you. Everything is filled in.")
            if not issues
            else self.tr("Some answers are still missing. Tap one to go back to it:")
        )
        heading.setObjectName("intakeCheckHeading")
        heading.setWordWrap(True)
        self.check_layout.addWidget(heading)
        self.missing_buttons: list[QPushButton] = []
        for issue in issues:
            question = self.questionnaire.question(issue.question)
            if question is None:
                continue
            text = question.label
            if issue.kind is IssueKind.UNREADABLE:
                text = self.tr("%1 (could not be read)").replace("%1", question.label)
            button = QPushButton(text)
            button.setMinimumHeight(TOUCH)
            button.setProperty("answer", True)
            button.clicked.connect(lambda _=False, key=issue.question: self.show_question(key))
            self.check_layout.addWidget(button)
            self.missing_buttons.append(button)
        note = QLabel(
            self.tr(
                "You can send the form as it is: the practitioner will ask about anything "
                "missing at your first visit."
            )
            if issues
            else self.tr("Tap “Send to the practitioner” to finish.")
        )
        note.setWordWrap(True)
        self.check_layout.addWidget(note)
        self.check_layout.addStretch(1)
        self.send_button.setText(
            self.tr("Send anyway") if issues else self.tr("Send to the practitioner")
        )

    # Closing ------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self._answers_at_start is None:
            self._answers_at_start = self.answers()  # what was filled in before the patient
        super().showEvent(event)

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: never lose a patient's answers silently."""
        if self._answers_at_start is not None and self.answers() != self._answers_at_start:
            choice = QMessageBox.question(
                self,
                self.tr("Close the questionnaire?"),
                self.tr("The answers given so far will be lost."),
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if choice != QMessageBox.StandardButton.Close:
                return
        super().reject()

    # Results ------------------------------------------------------------------------------
    def answers(self) -> dict[str, object]:
        """The answers given, by question key (unanswered questions are left out)."""
        found: dict[str, object] = {}
        for key, widget in self.widgets.items():
            value = widget.value()
            if value is not None:
                found[key] = value
        return found

    def unreadable(self) -> dict[str, str]:
        """What was typed but could not be read as an answer (dates), by question key."""
        found: dict[str, str] = {}
        for key, widget in self.widgets.items():
            text = widget.unreadable()
            if text is not None:
                found[key] = text
        return found
