"""The answers of an intake as a table model: section, question, answer, what to look at.

Rows follow the questionnaire; answers to questions it does not have (a clinic's own form
read without its definition) follow at the end with their keys. A row with an issue is tinted
(orange for a contradiction, pale yellow otherwise) and says what is wrong in the last column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from acujournal.domain.intake import AnswerIssue, IssueKind
from acujournal.domain.questionnaire import Questionnaire, answer_text
from acujournal.ui.body_chart import region_label

Index = QModelIndex | QPersistentModelIndex
ISSUE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`IssueKind` values of a row's issues (a list of str); [] for a clean answer."""
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's question key."""


@dataclass(frozen=True, slots=True)
class _Row:
    key: str
    section: str
    question: str
    answer: str
    check: str
    issues: tuple[AnswerIssue, ...]


class AnswersModel(QAbstractTableModel):
    """Every question of an intake with its answer and what to look at, in form order."""

    SECTION, QUESTION, ANSWER, CHECK = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_intake(
        self,
        questionnaire: Questionnaire | None,
        answers: dict[str, object],
        unreadable: dict[str, str],
        issues: list[AnswerIssue],
    ) -> None:
        """Show answers; without the questionnaire (a clinic's own), keys and raw values."""
        self.beginResetModel()
        self._rows = []
        by_question: dict[str, list[AnswerIssue]] = {}
        for issue in issues:
            by_question.setdefault(issue.question, []).append(issue)
        yes, no = self.tr("yes"), self.tr("no")
        known: set[str] = set()
        for section in questionnaire.sections if questionnaire else ():
            for question in section.questions:
                known.add(question.key)
                value = answers.get(question.key)
                if question.key in unreadable:
                    shown = self.tr("could not be read: “%1”").replace(
                        "%1", unreadable[question.key]
                    )
                elif value is None:
                    shown = self.tr("not answered")
                else:
                    shown = answer_text(question, value, yes=yes, no=no, region=region_label)
                self._add(question.key, section.title, question.label, shown, by_question)
        for key, value in answers.items():
            if key not in known:
                self._add(key, "", key, str(value), by_question)
        self.endResetModel()

    def _add(
        self, key: str, section: str, label: str, shown: str, issues: dict[str, list[AnswerIssue]]
    ) -> None:
        found = tuple(issues.get(key, ()))
        check = "; ".join(f"{_issue_word(i.kind)}: {i.message}" for i in found)
        self._rows.append(_Row(key, section, label, " ".join(shown.split()), check, found))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = [self.tr("Section"), self.tr("Question"), self.tr("Answer"), self.tr("Check")]
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (row.section, row.question, row.answer, row.check)[column]
        if role == Qt.ItemDataRole.BackgroundRole and row.issues:
            serious = any(i.kind is IssueKind.CONTRADICTORY for i in row.issues)
            return QBrush(QColor("#FFE0B2" if serious else "#FFF8E1"))
        if role == Qt.ItemDataRole.ForegroundRole and row.issues:
            return QBrush(QColor("#000000"))
        if role == ISSUE_ROLE:
            return [i.kind.value for i in row.issues]
        if role == KEY_ROLE:
            return row.key
        return None

    def row_of(self, key: str) -> int:
        """The row of a question, -1 when it is not shown."""
        return next((number for number, row in enumerate(self._rows) if row.key == key), -1)


def _issue_word(kind: IssueKind) -> str:
    t = QCoreApplication.translate
    return {
        IssueKind.MISSING: t("IntakeReview", "missing"),
        IssueKind.INVALID: t("IntakeReview", "not a possible answer"),
        IssueKind.UNREADABLE: t("IntakeReview", "unreadable"),
        IssueKind.CONTRADICTORY: t("IntakeReview", "contradictory"),
        IssueKind.UNKNOWN: t("IntakeReview", "unknown question"),
    }[kind]
