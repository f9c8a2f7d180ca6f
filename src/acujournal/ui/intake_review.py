"""The practitioner's review of an intake: answers, screening, decision, letter.

Shown for a new intake before anything is stored (answers from the tablet form or read from a
PDF, "Save intake" stores them, Cancel stores nothing) and for a stored intake (its review
decisions so far; "Record decision" adds one). The answers are listed section by section with
every missing, unreadable or contradictory answer marked; the screening shows in the same
banner as on the patient page. The decision (accept, accept with caution, refer out) needs a
reason when it refers out or goes ahead despite a red flag; the reason is printed in the
letter to the patient, which "Save letter…" writes once a decision is recorded.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.intake import (
    AnswerIssue,
    Intake,
    IntakeReview,
    IntakeSource,
    IssueKind,
    ReviewDecision,
    ScreeningStatus,
    answer_issues,
    local_day,
    review_problems,
    screen_answers,
    suggested_decision,
)
from acujournal.domain.screening import label_of
from acujournal.domain.validation import ValidationError
from acujournal.services.intake import (
    PreparedIntake,
    get_intake,
    intake_letter_pdf,
    open_case_from_intake,
    prepare_for_patient,
    record_review,
    save_intake,
)
from acujournal.services.intake_pdf import prepare_pdf_intake, read_form_file
from acujournal.services.practitioners import list_practitioners
from acujournal.services.questionnaires import questionnaire_version
from acujournal.services.unit_of_work import utc_now
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from acujournal.ui.combo import index_of_data
from acujournal.ui.intake_answers_model import AnswersModel
from acujournal.ui.intake_form import IntakeFormDialog
from acujournal.ui.local_zone import local_time_zone
from acujournal.ui.red_flag_banner import RedFlagBanner, decision_label

LATER = "later"
"""The decision button meaning "store the intake, decide later" (new intakes only)."""


class IntakeReviewDialog(QDialog):
    """Review an intake: a new one (``prepared``) or a stored one (``intake_id``)."""

    saved = Signal(object)
    """The intake's id, after it was stored or a decision was recorded."""

    def __init__(
        self,
        db: Database,
        *,
        prepared: PreparedIntake | None = None,
        intake_id: uuid.UUID | None = None,
        practitioner_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (prepared is None) == (intake_id is None):
            raise ValueError("give either a prepared intake or the id of a stored one")
        self.setObjectName("intakeReview")
        self.db = db
        self.prepared = prepared
        if prepared is not None:
            self.intake: Intake = prepared.intake
        else:
            assert intake_id is not None
            self.intake = get_intake(db, intake_id)
        self.stored = prepared is None
        self.questionnaire = (
            prepared.questionnaire
            if prepared
            else questionnaire_version(
                db, self.intake.questionnaire_key, self.intake.questionnaire_version
            )
        )
        self.setWindowTitle(self.tr("Review intake"))
        self.setAccessibleName(self.tr("Review intake"))
        self.resize(1100, 800)

        self.banner = RedFlagBanner()
        self.banner.review_button.hide()
        self.header = QLabel()
        self.header.setObjectName("intakeHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.model = AnswersModel(self)
        self.table = QTableView()
        self.table.setObjectName("intakeAnswers")
        self.table.setAccessibleName(self.tr("Answers"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AnswersModel.QUESTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AnswersModel.ANSWER, QHeaderView.ResizeMode.Stretch)
        self.issues_label = QLabel()
        self.issues_label.setObjectName("intakeIssues")
        self.issues_label.setTextFormat(Qt.TextFormat.PlainText)
        self.issues_label.setWordWrap(True)
        self.not_asked = QLabel()
        self.not_asked.setObjectName("notAsked")
        self.not_asked.setTextFormat(Qt.TextFormat.PlainText)
        self.not_asked.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("reviewHistory")
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setWordWrap(True)

        self._build_decision(practitioner_id)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("reviewProblems")
        self.problems_label.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton(
            self.tr("Record decision") if self.stored else self.tr("Save intake")
        )
        self.save_button.setObjectName("intakeSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.letter_button = QPushButton(self.tr("Save letter to the patient…"))
        self.letter_button.setObjectName("intakeLetter")
        self.letter_button.clicked.connect(self._choose_letter_file)
        close = QPushButton(self.tr("Close") if self.stored else self.tr("Cancel"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.letter_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.issues_label)
        layout.addWidget(self.not_asked)
        layout.addWidget(self.history)
        layout.addWidget(self.decision_box)
        layout.addWidget(self.problems_label)
        layout.addLayout(buttons)
        self._refresh()

    # Building -----------------------------------------------------------------------------
    def _build_decision(self, practitioner_id: uuid.UUID | None) -> None:
        self.decision_box = QGroupBox(self.tr("Decision"))
        self.decisions = QButtonGroup(self)
        self.decision_buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        choices = [(d.value, decision_label(d)) for d in ReviewDecision]
        if not self.stored:
            choices.append((LATER, self.tr("Decide later")))
        for value, text in choices:
            button = QRadioButton(text)
            button.setObjectName(f"decision_{value}")
            self.decisions.addButton(button)
            self.decision_buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)
        suggested = suggested_decision(self.intake.screening).value
        self.decision_buttons[suggested].setChecked(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reviewReason")
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(
            self.tr("Why, and for a referral: to whom. Printed in the letter to the patient.")
        )
        self.reason.setMaximumHeight(90)
        self.reviewer = QComboBox()
        self.reviewer.setObjectName("reviewer")
        self.reviewer.setAccessibleName(self.tr("Reviewed by"))
        for practitioner in list_practitioners(self.db):
            if practitioner.active:
                self.reviewer.addItem(practitioner.name, practitioner.id)
        if practitioner_id is not None:
            self.reviewer.setCurrentIndex(max(0, index_of_data(self.reviewer, practitioner_id)))
        self.open_case = QCheckBox(self.tr("Open a new case from these answers"))
        self.open_case.setObjectName("openCase")
        self.open_case.setVisible(not self.stored and self.intake.case_id is None)
        form = QFormLayout(self.decision_box)
        form.addRow(row)
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("Reviewed &by:"), self.reviewer)
        form.addRow(self.open_case)

    # Showing ------------------------------------------------------------------------------
    def _issues(self) -> list[AnswerIssue]:
        if self.prepared is not None:
            return self.prepared.issues
        if self.questionnaire is None:
            return []
        return answer_issues(
            self.questionnaire,
            self.intake.answers,
            on=local_day(self.intake.submitted_at, self.intake.time_zone),
            unreadable=self.intake.unreadable,
        )

    def _not_asked(self) -> tuple[str, ...]:
        """The red flags and cautions the questionnaire does not ask about at all."""
        if self.prepared is not None:
            return self.intake.screening.not_asked
        if self.questionnaire is None:
            return ()
        day = local_day(self.intake.submitted_at, self.intake.time_zone)
        return screen_answers(self.questionnaire, self.intake.answers, day).not_asked

    def _show_not_asked(self) -> None:
        codes = self._not_asked()
        self.not_asked.setText(
            self.tr("Not asked by this questionnaire (ask in person if it matters): %1").replace(
                "%1", ", ".join(label_of(code) for code in codes)
            )
        )
        self.not_asked.setVisible(bool(codes))

    def _refresh(self) -> None:
        intake = self.intake
        issues = self._issues()
        self.model.set_intake(self.questionnaire, intake.answers, intake.unreadable, issues)
        self.table.resizeRowsToContents()
        status = ScreeningStatus(
            intake.id,
            intake.patient_id,
            intake.case_id,
            intake.submitted_at,
            intake.screening,
            intake.review,
            self._reviewer_name(intake.review),
        )
        self.banner.set_status(status)
        source = {
            "app": self.tr("filled in at the clinic"),
            "pdf": self.tr("read from the PDF form"),
            "import": self.tr("imported"),
        }[intake.source.value]
        title = self.questionnaire.title if self.questionnaire else intake.questionnaire_key
        self.header.setText(
            self.tr("%1, %2 on %3")
            .replace("%1", title)
            .replace("%2", source)
            .replace("%3", local_day(intake.submitted_at, intake.time_zone).isoformat())
        )
        counts = {kind: sum(1 for i in issues if i.kind is kind) for kind in IssueKind}
        if issues:
            self.issues_label.setText(
                self.tr(
                    "To look at (marked in the list): %1 missing, %2 unreadable, %3 contradictory"
                )
                .replace("%1", str(counts[IssueKind.MISSING]))
                .replace("%2", str(counts[IssueKind.UNREADABLE]))
                .replace("%3", str(counts[IssueKind.CONTRADICTORY] + counts[IssueKind.INVALID]))
            )
        else:
            self.issues_label.setText(self.tr("Every answer is complete and consistent."))
        lines = [
            self.tr("%1 by %2 on %3%4")
            .replace("%1", decision_label(review.decision))
            .replace("%2", self._reviewer_name(review))
            .replace("%3", local_day(review.reviewed_at, intake.time_zone).isoformat())
            .replace("%4", f": {review.reason}" if review.reason else "")
            for review in intake.reviews
        ]
        self.history.setText("\n".join(lines))
        self.history.setVisible(bool(lines))
        self._show_not_asked()
        self.letter_button.setEnabled(self.stored and intake.review is not None)

    def _reviewer_name(self, review: IntakeReview | None) -> str:
        if review is None:
            return ""
        index = index_of_data(self.reviewer, review.reviewer_id)
        return self.reviewer.itemText(index) if index >= 0 else self.tr("a practitioner")

    # Deciding -----------------------------------------------------------------------------
    def decision(self) -> ReviewDecision | None:
        """The decision chosen (None for "decide later")."""
        for value, button in self.decision_buttons.items():
            if button.isChecked():
                return None if value == LATER else ReviewDecision(value)
        return None

    def choose(self, decision: ReviewDecision | None) -> None:
        self.decision_buttons[decision.value if decision else LATER].setChecked(True)

    def save(self) -> bool:
        """Store the intake (new) or the decision (stored); False, with the reason shown,
        when it cannot be stored as it is."""
        decision = self.decision()
        reason = self.reason.toPlainText().strip()
        reviewer = self.reviewer.currentData()
        review: IntakeReview | None = None
        if decision is not None:
            problems = review_problems(self.intake.screening, decision, reason)
            if not isinstance(reviewer, uuid.UUID):
                self.problems_label.setText(self.tr("Choose who reviewed the intake."))
                return False
            if problems:
                self.problems_label.setText("\n".join(p.message for p in problems))
                self.reason.setFocus()
                return False
            review = IntakeReview(decision, reviewer, utc_now(), reason)
        elif self.stored:
            self.problems_label.setText(self.tr("Choose a decision."))
            return False
        try:
            if self.prepared is not None:
                save_intake(self.db, self.prepared, review)
                if self.open_case.isVisible() and self.open_case.isChecked():
                    open_case_from_intake(self.db, self.intake.id)
            else:
                assert review is not None
                record_review(self.db, self.intake.id, review.decision, reason, review.reviewer_id)
        except (ValidationError, NotFoundError) as error:
            self.problems_label.setText(str(error))
            return False
        self.problems_label.clear()
        self.intake = get_intake(self.db, self.intake.id)
        self.prepared = None
        self.stored = True
        self.save_button.setText(self.tr("Record decision"))
        if LATER in self.decision_buttons:
            self.decision_buttons[LATER].hide()
            if decision is None:
                self.choose(suggested_decision(self.intake.screening))
        self.open_case.hide()
        self.reason.clear()
        self._refresh()
        self.saved.emit(self.intake.id)
        return True

    # The letter ---------------------------------------------------------------------------
    def save_letter(self, path: str | Path) -> None:
        """Write the letter to the patient about the latest decision."""
        Path(path).write_bytes(intake_letter_pdf(self.db, self.intake.id))

    def _choose_letter_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the letter to the patient"), "", self.tr("PDF files (*.pdf)")
        )
        if not path:
            return
        try:
            self.save_letter(path)
        except (OSError, ValueError) as error:
            QMessageBox.warning(self, self.tr("Letter not saved"), str(error))


# Ways in ---------------------------------------------------------------------------------


def review_pdf_form(
    db: Database,
    path: str | Path,
    *,
    patient_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    parent: QWidget | None = None,
) -> IntakeReviewDialog:
    """Read a filled-in intake PDF and open its review (nothing is stored until it saves).

    Without ``patient_id`` a new patient is made from the form's contact details. Raises
    IntakeFormError, whose message is one sentence to show, when the file is not a usable form.
    """
    form = read_form_file(path, db)
    prepared = prepare_pdf_intake(db, form, patient_id=patient_id, time_zone=local_time_zone())
    return IntakeReviewDialog(db, prepared=prepared, practitioner_id=practitioner_id, parent=parent)


def review_tablet_answers(
    db: Database,
    form: IntakeFormDialog,
    *,
    patient_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    parent: QWidget | None = None,
) -> IntakeReviewDialog:
    """Open the review of what a patient filled in on the tablet (nothing is stored yet).

    Without ``patient_id`` a new patient is made from the contact answers; ValidationError
    (on ``patient.name``) when the form gives no name.
    """
    prepared = prepare_for_patient(
        db,
        form.questionnaire,
        form.answers(),
        source=IntakeSource.APP,
        unreadable=form.unreadable(),
        patient_id=patient_id,
        time_zone=local_time_zone(),
    )
    return IntakeReviewDialog(db, prepared=prepared, practitioner_id=practitioner_id, parent=parent)
