"""The widgets and layout of the session editor, kept apart from its behaviour.

Laid out for a 1280x800 screen at the treatment table: the four pain scales across the top
(they are used first and last), the needle table on the left, notes in tabs on the right, and
Save / Sign at the bottom right where the eye ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.catalogue import PointCatalogue
from acujournal.services.drafts import EditorContext
from acujournal.ui.addenda_panel import AddendaPanel
from acujournal.ui.adverse_events import AdverseEventModel, AdverseEventsPanel
from acujournal.ui.editor_labels import with_shortcut
from acujournal.ui.needle_panel import NeedlePanel
from acujournal.ui.needle_table_model import NeedleTableModel
from acujournal.ui.notes_panel import NotesPanel
from acujournal.ui.pain_scale import PainPanel
from acujournal.ui.red_flag_banner import RedFlagBanner

BANNER_STYLES = {
    "error": "background: #fde7e9; color: #8b0000; border: 1px solid #e4a0a6;",
    "info": "background: #e8f1fb; color: #0b3d6e; border: 1px solid #a9c6e8;",
    "signed": "background: #eaf6ea; color: #1d4d1d; border: 1px solid #a6d3a6;",
}


class EditorWidgets(QWidget):
    """Every child widget of the editor, as attributes, laid out; no behaviour."""

    def __init__(
        self,
        context: EditorContext,
        catalogue: PointCatalogue,
        snippets: Callable[[], dict[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("editorTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.case_label = QLabel()
        self.case_label.setTextFormat(Qt.TextFormat.PlainText)
        self.started = QDateTimeEdit()
        self.started.setObjectName("startedAt")
        self.started.setAccessibleName(self.tr("Session start"))
        self.started.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.started.setCalendarPopup(True)
        self.zone_label = QLabel()

        self.repeat_button = self._button(self.tr("↻ Repeat last session"), "repeatLast")
        self.repeat_button.setAutoDefault(True)  # Enter presses it when it has the focus
        self.protocol_button = self._button(self.tr("Apply protocol…"), "applyProtocol")
        self.save_protocol_button = self._button(
            self.tr("Save points as protocol…"), "saveProtocol"
        )
        self.snippets_button = self._button(self.tr("Snippets…"), "editSnippets")
        self.undo_button = self._button(self.tr("Undo"), "undo")
        self.redo_button = self._button(self.tr("Redo"), "redo")
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

        self.banner = QLabel()
        self.banner.setObjectName("editorBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        # The patient's intake screening, as on the patient page: hidden without a flag.
        self.screening = RedFlagBanner()

        self.pain = PainPanel()
        self.needle_model = NeedleTableModel(self)
        self.needles = NeedlePanel(
            self.needle_model, catalogue, context.practitioner, context.case.side
        )
        self.notes = NotesPanel(snippets)
        self.adverse_model = AdverseEventModel(self)
        self.adverse = AdverseEventsPanel(self.adverse_model)
        self.addenda = AddendaPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("editorTabs")
        self.tabs.addTab(self.notes.soap_page, self.tr("SOAP notes"))
        self.tabs.addTab(self.notes.advice_page, self.tr("Advice && internal"))
        self.tabs.addTab(self.adverse, self.tr("Adverse events"))
        self.tabs.addTab(self.addenda, self.tr("Addenda"))

        self.status = QLabel()
        self.status.setObjectName("draftStatus")
        self.status.setStyleSheet("color: palette(placeholder-text);")
        self.save_button = self._button(self.tr("Save draft"), "saveSession")
        self.sign_button = self._button(self.tr("Sign && lock"), "signSession")
        self.sign_button.setAutoDefault(True)
        self.sign_button.setStyleSheet("QPushButton { font-weight: bold; padding: 0 18px; }")

        self._lay_out()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&&", "&").strip("↻ …"))
        button.setMinimumHeight(36)
        return button

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.case_label)
        header.addStretch(1)
        started_label = QLabel(self.tr("&Started"))
        started_label.setBuddy(self.started)
        header.addWidget(started_label)
        header.addWidget(self.started)
        header.addWidget(self.zone_label)

        tools = QHBoxLayout()
        for button in (self.repeat_button, self.protocol_button, self.save_protocol_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.snippets_button)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.redo_button)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.needles)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([800, 440])
        self.splitter = split

        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.save_button)
        footer.addWidget(self.sign_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.screening)
        layout.addLayout(tools)
        layout.addWidget(self.banner)
        layout.addWidget(self.pain)
        layout.addWidget(split, 1)
        layout.addLayout(footer)

        chain: list[QWidget] = [
            self.repeat_button,
            *self.pain.scales(),
            self.needles.entry,
            self.needles.view,
            self.needles.needles_in,
            self.needles.needles_out,
            self.needles.all_out_button,
            self.tabs,
            *self.notes.fields.values(),
            self.save_button,
            self.sign_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.pain.after_last = self.needles.all_out_button

    def show_banner(self, kind: str, text: str) -> None:
        self.banner.setStyleSheet(f"QLabel {{ {BANNER_STYLES[kind]} padding: 6px; }}")
        self.banner.setText(text)
        self.banner.setVisible(bool(text))


def add_action(
    owner: QWidget,
    text: str,
    keys: list[str | QKeySequence.StandardKey],
    slot: Callable[[], object],
) -> QAction:
    """An action whose shortcut works anywhere inside ``owner`` (several editors can be open)."""
    action = QAction(text, owner)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(with_shortcut(text.replace("&", ""), *action.shortcuts()))
    action.triggered.connect(slot)
    owner.addAction(action)
    return action


def attach(button: QPushButton, action: QAction) -> None:
    """Let a button trigger an action and show its shortcut in the tooltip."""
    button.clicked.connect(action.trigger)
    button.setToolTip(action.toolTip())
    action.enabledChanged.connect(button.setEnabled)
