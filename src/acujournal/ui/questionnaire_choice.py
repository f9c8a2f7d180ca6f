"""Choosing which intake questionnaire to use, when the journal offers more than one.

Each questionnaire is listed by its title, with what it is for, its version and whether it
ships with AcuJournal or is the clinic's own; the clinic's default one is chosen at first.
A double click or Enter takes the one chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.questionnaires import QuestionnaireInfo


class QuestionnaireChoiceDialog(QDialog):
    """Lists questionnaires; :meth:`chosen` is the key of the one chosen."""

    def __init__(
        self,
        questionnaires: list[QuestionnaireInfo],
        default: str,
        question: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("questionnaireChoice")
        self.setWindowTitle(self.tr("Choose a questionnaire"))
        label = QLabel(question)
        label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("questionnaires")
        self.list.setAccessibleName(self.tr("Questionnaires"))
        for info in questionnaires:
            item = QListWidgetItem(self.describe(info))
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            self.list.addItem(item)
            if info.key == default:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 320)

    def describe(self, info: QuestionnaireInfo) -> str:
        """ "Before your first visit: neck pain — neck pain, version 2, the clinic's own"."""
        source = self.tr("ships with AcuJournal") if info.shipped else self.tr("the clinic's own")
        return (
            self.tr("%1 — %2, version %3, %4")
            .replace("%1", info.title)
            .replace("%2", info.condition)
            .replace("%3", str(info.version))
            .replace("%4", source)
        )

    def chosen(self) -> str | None:
        """The key of the questionnaire chosen, or None."""
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def choose(self, key: str) -> None:
        """Choose the questionnaire ``key`` (as a click on it would)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(row)
                return
        raise KeyError(key)
