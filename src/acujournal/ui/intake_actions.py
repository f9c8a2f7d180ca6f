"""The intake entries of the menus: the questionnaire on the clinic tablet, a filled-in PDF
form and the review of the patient's intake (Patient menu), and the clinic's questionnaires
(Journal menu: add one from a file, save the fillable PDF form of one).

The Patient menu's entries work on the patient shown in the main window. Nothing is stored
until the practitioner has seen the answers and confirmed them in the review
(:class:`~acujournal.ui.intake_review.IntakeReviewDialog`); every intake or decision stored
refreshes the red-flag banner of the patient page and of the patient's open session editors.
When the journal offers more than one questionnaire, the tablet form and the PDF form first
ask which one, with the clinic's default chosen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMenu, QMessageBox

from acujournal.domain.intake import IntakeSource, ScreeningStatus, patient_from_answers
from acujournal.domain.questionnaire import Questionnaire
from acujournal.services.intake import (
    PreparedIntake,
    get_intake,
    prepare_for_patient,
    screening_status,
)
from acujournal.services.intake_pdf import (
    IntakeFormError,
    intake_form_pdf,
    prepare_pdf_intake,
    read_form_file,
)
from acujournal.services.patients import patient_overview
from acujournal.services.questionnaires import (
    AddedQuestionnaire,
    QuestionnaireNotAddedError,
    add_questionnaire_file,
    available_questionnaires,
    newest_questionnaire,
)
from acujournal.services.report_files import write_atomically
from acujournal.services.settings import get_default_questionnaire
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from acujournal.ui.editor_tabs import EditorTabs
from acujournal.ui.local_zone import local_time_zone
from acujournal.ui.patient_page import PatientPage
from acujournal.ui.questionnaire_choice import QuestionnaireChoiceDialog

if TYPE_CHECKING:
    from acujournal.ui.intake_form import IntakeFormDialog
    from acujournal.ui.intake_review import IntakeReviewDialog


Subject = Callable[[], tuple[uuid.UUID, str, uuid.UUID | None] | None]
"""The patient shown in the window (id, name, selected case), or None."""

SHOWN_PROBLEMS = 25
"""The problems of a refused questionnaire file listed in the message; the rest are counted."""


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


class IntakeActions(QObject):
    """Owns the intake actions of the Patient menu and the clinic's questionnaires (a submenu
    for the Journal menu, ``questionnaire_menu``), and keeps the red-flag banners current."""

    intake_saved = Signal(object)
    """A patient's id: an intake of theirs or a review decision was stored."""

    def __init__(
        self,
        window: QMainWindow,
        db: Database,
        page: PatientPage,
        tabs: EditorTabs,
        menu: QMenu,
        subject: Subject,
        practitioner: Callable[[], uuid.UUID | None],
    ) -> None:
        super().__init__(window)
        self.window, self.db, self.page, self.tabs = window, db, page, tabs
        self._subject, self._practitioner = subject, practitioner
        self.menu = menu
        self.form_action = self._add(
            self.tr("&Intake questionnaire on this screen…"), "Ctrl+Shift+Q", self.fill_on_screen
        )
        self.import_action = self._add(
            self.tr("Im&port intake form (PDF)…"), "Ctrl+Shift+I", self.import_pdf
        )
        self.review_action = self._add(
            self.tr("&Review intake…"), "Ctrl+Shift+R", self.review_intake
        )
        page.review_intake_requested.connect(self.review_intake)
        tabs.review_intake_requested.connect(self.review_intake)
        self.questionnaire_menu = QMenu(self.tr("Intake &questionnaires"), window)
        self.questionnaire_menu.setObjectName("questionnaireMenu")
        self.add_questionnaire_action = self.questionnaire_menu.addAction(
            self.tr("&Add a questionnaire…")
        )
        self.add_questionnaire_action.triggered.connect(lambda _checked=False: self.add_file())
        self.save_form_action = self.questionnaire_menu.addAction(
            self.tr("&Save intake form as PDF…")
        )
        self.save_form_action.triggered.connect(lambda _checked=False: self.save_form())
        self.update_enabled()

    def _add(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})")
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        self.window.addAction(action)
        return action

    def update_enabled(self) -> None:
        """The Patient menu's intake actions need a patient on screen (the clinic's
        questionnaires do not)."""
        chosen = self._subject() is not None
        for action in (self.form_action, self.import_action, self.review_action):
            action.setEnabled(chosen)

    # The banners ---------------------------------------------------------------------------
    def show_screening(self, patient_id: uuid.UUID) -> ScreeningStatus | None:
        """Show a patient's current screening on their page and in their session editors."""
        status = screening_status(self.db, patient_id)
        subject = self._subject()
        if subject is not None and subject[0] == patient_id:
            self.page.set_screening(status)
        for editor in self.tabs.editors():
            if editor.patient_id == patient_id:
                editor.set_screening(status)
        return status

    def _stored(self, patient_id: uuid.UUID) -> None:
        self.show_screening(patient_id)
        self.intake_saved.emit(patient_id)

    def _open_review(
        self,
        patient_id: uuid.UUID,
        *,
        prepared: PreparedIntake | None = None,
        intake_id: uuid.UUID | None = None,
    ) -> IntakeReviewDialog:
        from acujournal.ui.intake_review import IntakeReviewDialog

        dialog = IntakeReviewDialog(
            self.db,
            prepared=prepared,
            intake_id=intake_id,
            practitioner_id=self._practitioner(),
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _intake_id: self._stored(patient_id))
        dialog.open()
        return dialog

    def _refuse(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # Which questionnaire ------------------------------------------------------------------
    def _with_questionnaire(
        self, question: str, then: Callable[[Questionnaire], QDialog | None]
    ) -> QDialog | None:
        """Go on with the one questionnaire on offer, or with the one chosen among several.

        Returns the dialog opened: the choice, or what ``then`` opened.
        """
        found = available_questionnaires(self.db)
        if len(found) == 1:
            return then(newest_questionnaire(self.db, found[0].key))
        default = get_default_questionnaire(self.db)
        chooser = QuestionnaireChoiceDialog(found, default, question, self.window)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen() -> None:
            key = chooser.chosen()
            if key is not None:
                then(newest_questionnaire(self.db, key))

        chooser.accepted.connect(chosen)
        chooser.open()
        return chooser

    # The clinic's questionnaires ----------------------------------------------------------
    def add_file(self) -> AddedQuestionnaire | None:
        """Ask for a questionnaire file and add it to the journal."""
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Add a questionnaire"),
            "",
            self.tr("Questionnaires (*.json);;All files (*)"),
        )
        return self.add_questionnaire_file(path) if path else None

    def add_questionnaire_file(self, path: str | Path) -> AddedQuestionnaire | None:
        """Add the questionnaire in a file; a file with any problem is refused whole, and
        the message lists every problem with where it is in the file."""
        try:
            added = add_questionnaire_file(self.db, path)
        except QuestionnaireNotAddedError as error:
            self._refuse(self.tr("Questionnaire not added"), self._refusal(error))
            return None
        info = added.info
        text = (
            self.tr("%1 (version %2) is now offered for intakes in every room of this journal.")
            if added.new
            else self.tr("The journal already has %1 (version %2) as it is in this file.")
        )
        QMessageBox.information(
            self.window,
            self.tr("Questionnaire added") if added.new else self.tr("Nothing to add"),
            text.replace("%1", info.title).replace("%2", str(info.version)),
        )
        return added

    def _refusal(self, error: QuestionnaireNotAddedError) -> str:
        lines = [str(problem) for problem in error.problems[:SHOWN_PROBLEMS]]
        hidden = len(error.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            lines.append(self.tr("… and %1 more").replace("%1", str(hidden)))
        head = self.tr(
            "%1 was not added; nothing was stored. Each problem is named by where it is in "
            "the file:"
        ).replace("%1", Path(error.source).name or self.tr("The file"))
        return "\n\n".join([head, "\n".join(lines)])

    def save_form(self) -> QDialog | None:
        """Save the fillable PDF form of a questionnaire, for patients to fill in at home."""
        return self._with_questionnaire(
            self.tr("Which questionnaire should the PDF form ask?"), self._save_form_as
        )

    def _save_form_as(self, questionnaire: Questionnaire) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Save intake form as PDF"),
            f"{questionnaire.key}.pdf",
            self.tr("PDF files (*.pdf)"),
        )
        if path:
            self.save_form_file(questionnaire, path)

    def save_form_file(self, questionnaire: Questionnaire, path: str | Path) -> bool:
        """Write the fillable PDF form of ``questionnaire``; False (with a message) if not."""
        try:
            write_atomically(Path(path), intake_form_pdf(self.db, questionnaire.key))
        except OSError as error:
            self._refuse(self.tr("Intake form not saved"), str(error))
            return False
        self.window.statusBar().showMessage(
            self.tr("Saved the intake form %1 to %2")
            .replace("%1", questionnaire.title)
            .replace("%2", str(path))
        )
        return True

    # The questionnaire on the tablet ------------------------------------------------------
    def fill_on_screen(self) -> QDialog | None:
        """Open a questionnaire for the patient shown (asking which one when there are
        several); what they send opens for review. Returns the dialog opened."""
        subject = self._subject()
        if subject is None:
            return None
        patient_id = subject[0]
        return self._with_questionnaire(
            self.tr("Which questionnaire should the patient fill in?"),
            lambda questionnaire: self._open_form(questionnaire, patient_id),
        )

    def _open_form(self, questionnaire: Questionnaire, patient_id: uuid.UUID) -> IntakeFormDialog:
        from acujournal.ui.intake_form import IntakeFormDialog

        form = IntakeFormDialog(
            questionnaire, self._known_answers(questionnaire, patient_id), parent=self.window
        )
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The whole screen: the patient holding the tablet sees no other patient's name.
        form.setWindowState(form.windowState() | Qt.WindowState.WindowMaximized)
        form.accepted.connect(lambda: self._sent(form, patient_id))
        form.open()
        return form

    def _sent(self, form: IntakeFormDialog, patient_id: uuid.UUID) -> None:
        answers, unreadable = form.answers(), form.unreadable()
        QMessageBox.information(
            self.window,
            self.tr("Thank you"),
            self.tr("Thank you. Please hand the screen back to your practitioner."),
        )
        self.review_answers(form.questionnaire, answers, unreadable, patient_id)

    def _known_answers(
        self, questionnaire: Questionnaire, patient_id: uuid.UUID
    ) -> dict[str, object]:
        """The contact details the journal has, so the patient need not type them again."""
        patient = patient_overview(self.db, patient_id).patient
        known = {
            "patient.name": patient.name,
            "patient.birth_date": patient.birth_date.isoformat() if patient.birth_date else "",
            "patient.phone": patient.phone,
            "patient.email": patient.email,
            "patient.address": patient.address,
        }
        answers: dict[str, object] = {}
        for target, value in known.items():
            question = questionnaire.mapped(target)
            if question is not None and value:
                answers[question.key] = value
        return answers

    def review_answers(
        self,
        questionnaire: Questionnaire,
        answers: dict[str, object],
        unreadable: dict[str, str],
        patient_id: uuid.UUID,
    ) -> IntakeReviewDialog:
        """Open the review of answers given on the tablet; nothing is stored until it saves.

        Closing the review unsaved asks first: the patient's answers would be lost.
        """
        prepared = prepare_for_patient(
            self.db,
            questionnaire,
            answers,
            source=IntakeSource.APP,
            unreadable=unreadable,
            patient_id=patient_id,
            time_zone=local_time_zone(),
        )
        dialog = self._open_review(patient_id, prepared=prepared)

        def closed() -> None:
            if dialog.prepared is None:
                return  # stored
            answer = QMessageBox.question(
                self.window,
                self.tr("Discard the answers?"),
                self.tr("The answers the patient gave on this screen are not saved. Discard them?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                self.review_answers(questionnaire, answers, unreadable, patient_id)

        dialog.rejected.connect(closed)
        return dialog

    # A filled-in PDF form -----------------------------------------------------------------
    def import_pdf(self) -> IntakeReviewDialog | None:
        """Ask for a filled-in intake form and open what it holds for review."""
        if self._subject() is None:
            return None
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Import a filled-in intake form"),
            "",
            self.tr("PDF forms (*.pdf);;All files (*)"),
        )
        return self.import_pdf_file(path) if path else None

    def import_pdf_file(self, path: str | Path) -> IntakeReviewDialog | None:
        """Open a filled-in form's answers for review for the patient shown; a file that is
        not a usable form is refused with a message saying why."""
        subject = self._subject()
        if subject is None:
            return None
        patient_id, patient_name, _case = subject
        title = self.tr("Intake form not imported")
        try:
            form = read_form_file(path, self.db)
        except IntakeFormError as error:
            self._refuse(title, str(error))
            return None
        named = patient_from_answers(form.questionnaire, form.answers)
        if named is not None and not _same_name(named.name, patient_name):
            answer = QMessageBox.question(
                self.window,
                self.tr("Another patient's form?"),
                self.tr(
                    "The form is filled in by %1, but the patient shown is %2. Import it for %2?"
                )
                .replace("%1", named.name)
                .replace("%2", patient_name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            prepared = prepare_pdf_intake(
                self.db, form, patient_id=patient_id, time_zone=local_time_zone()
            )
        except (IntakeFormError, NotFoundError) as error:
            self._refuse(title, str(error))
            return None
        return self._open_review(patient_id, prepared=prepared)

    # Review --------------------------------------------------------------------------------
    def review_intake(self, intake_id: uuid.UUID | None = None) -> IntakeReviewDialog | None:
        """Open the review of an intake: by default the one the patient's banner shows."""
        if intake_id is None:
            subject = self._subject()
            if subject is None:
                return None
            status = screening_status(self.db, subject[0])
            if status is None:
                QMessageBox.information(
                    self.window,
                    self.tr("No intake to review"),
                    self.tr(
                        "%1 has no intake questionnaire yet: fill one in on this screen or "
                        "import a filled-in PDF form."
                    ).replace("%1", subject[1]),
                )
                return None
            intake_id = status.intake_id
        try:
            patient_id = get_intake(self.db, intake_id).patient_id
        except NotFoundError as error:
            self._refuse(self.tr("Intake not found"), str(error))
            return None
        return self._open_review(patient_id, intake_id=intake_id)
