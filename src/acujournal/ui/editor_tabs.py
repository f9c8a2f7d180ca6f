"""The right-hand side of the main window: the patient page plus one tab per open session.

The session editor's code loads with the first editor opened, not with the window.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

from acujournal.services import drafts
from acujournal.storage.db import Database

if TYPE_CHECKING:
    from acujournal.ui.session_editor import SessionEditor


def editor_class() -> type[SessionEditor]:
    """The session editor's class, its code loaded on first use."""
    from acujournal.ui.session_editor import SessionEditor

    return SessionEditor


class EditorTabs(QTabWidget):
    """Tab 0 is the patient page; session editors open beside it and close only when safe."""

    session_changed = Signal(object)
    """A session id: it was saved, signed or amended (the patient page should refresh)."""
    review_intake_requested = Signal(object)
    """An intake id: "Review intake…" was pressed on an editor's red-flag banner."""

    def __init__(self, db: Database, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("editorTabs")
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.addTab(page, self.tr("Patient"))
        close_button = self.tabBar().tabButton(0, QTabBar.ButtonPosition.RightSide)
        if close_button is not None:
            close_button.resize(0, 0)
            close_button.hide()
        self.tabCloseRequested.connect(self.close_tab)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(lambda: self.close_tab(self.currentIndex()))

    def editors(self) -> Iterator[SessionEditor]:
        if self.count() <= 1:
            return  # only the patient page: nothing to load the editor's code for
        editor_type = editor_class()
        for index in range(1, self.count()):
            widget = self.widget(index)
            if isinstance(widget, editor_type):
                yield widget

    def editor_of(self, session_id: uuid.UUID) -> SessionEditor | None:
        return next((e for e in self.editors() if e.session_id == session_id), None)

    def add_editor(self, editor: SessionEditor) -> SessionEditor:
        """Show an editor in its own tab (or switch to the tab already editing that session)."""
        existing = self.editor_of(editor.session_id)
        if existing is not None:
            editor.deleteLater()
            self.setCurrentWidget(existing)
            return existing
        index = self.addTab(editor, editor.windowTitle())
        editor.titleChanged.connect(lambda title, e=editor: self._retitle(e, title))
        for signal in (editor.saved, editor.signed, editor.amended):
            signal.connect(self.session_changed)
        editor.review_intake_requested.connect(self.review_intake_requested)
        self.setCurrentIndex(index)
        editor.focus_first()
        return editor

    def restore_drafts(self, practitioner_id: uuid.UUID | None) -> int:
        """Reopen every editor draft left by a crash or a "keep for later"; returns how many."""
        restored = 0
        for draft in drafts.load_editor_drafts(self.db):
            try:
                editor = editor_class().restore_from_draft(self.db, draft, practitioner_id)
            except drafts.DraftFormatError:
                continue
            self.add_editor(editor)
            restored += 1
        if restored:
            self.setCurrentIndex(1)
        return restored

    def close_tab(self, index: int) -> bool:
        """Close an editor tab unless its practitioner chose to keep editing."""
        widget = self.widget(index)
        if index <= 0 or not isinstance(widget, editor_class()):
            return False
        if not widget.maybe_close():
            return False
        self.removeTab(index)
        widget.deleteLater()
        return True

    def close_all(self) -> bool:
        """Ask every open editor; False when one of them must stay open."""
        return all(self.close_tab(self.indexOf(editor)) for editor in list(self.editors()))

    def _retitle(self, editor: SessionEditor, title: str) -> None:
        index = self.indexOf(editor)
        if index > 0:
            self.setTabText(index, title)
