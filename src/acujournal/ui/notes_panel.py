"""The session's written parts: SOAP notes, advice for the patient and the internal note.

Each field reports every change as ``edited(old, new)`` so the editor can put it on its undo
stack (the field's own undo is switched off: one Ctrl+Z for the whole session, not one per
field). Typing an abbreviation and Tab inserts a snippet.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from acujournal.ui.snippets import abbreviation_before, snippets_tooltip

# Keys whose meaning belongs to the editor, not to the text: let its shortcuts have them.
_EDITOR_KEYS = (
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
)


class NoteField(QPlainTextEdit):
    edited = Signal(str, str)  # old text, new text
    typingPaused = Signal()  # noqa: N815  the field lost focus: start a new undo step next time

    def __init__(
        self,
        accessible_name: str,
        snippets: Callable[[], dict[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._snippets = snippets
        self._last = ""
        self._loading = False
        self.setAccessibleName(accessible_name)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)
        self.textChanged.connect(self._changed)

    def set_text(self, text: str) -> None:
        """Show ``text`` without reporting it as an edit (undo/redo, loading)."""
        if text == self.toPlainText():
            self._last = text
            return
        self._loading = True
        try:
            self.setPlainText(text)
            self.moveCursor(QTextCursor.MoveOperation.End)
        finally:
            self._loading = False
        self._last = text

    def _changed(self) -> None:
        if self._loading:
            return
        new = self.toPlainText()
        if new != self._last:
            old, self._last = self._last, new
            self.edited.emit(old, new)

    def expand_snippet(self) -> bool:
        """Replace the abbreviation before the cursor with its snippet; False if there is none."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        found = abbreviation_before(self.toPlainText(), cursor.position())
        snippets = self._snippets()
        if found is None or found[1] not in snippets:
            return False
        start, _word = found
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(snippets[found[1]])
        self.setTextCursor(cursor)
        return True

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.ShortcutOverride and any(
                event.matches(key) for key in _EDITOR_KEYS
            ):
                event.ignore()
                return False
            # QWidget moves the focus on Tab before keyPressEvent sees it, so a snippet's
            # Tab is caught here.
            if (
                event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Tab
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and not self.isReadOnly()
                and self.expand_snippet()
            ):
                event.accept()
                return True
        return super().event(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self.typingPaused.emit()
        super().focusOutEvent(event)


class NotesPanel(QWidget):
    """The note fields, on two pages the editor puts in its tabs."""

    SOAP = ("subjective", "objective", "assessment", "plan")
    OTHER = ("patient_advice", "internal_note")

    def __init__(self, snippets: Callable[[], dict[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self._snippets = snippets
        labels = {
            "subjective": self.tr("&Subjective"),
            "objective": self.tr("&Objective"),
            "assessment": self.tr("&Assessment"),
            "plan": self.tr("&Plan"),
            "patient_advice": self.tr("Advice for the &patient (printed for them)"),
            "internal_note": self.tr("&Internal note (never shown to the patient)"),
        }
        placeholders = {
            "subjective": self.tr("What the patient reports…"),
            "objective": self.tr("Findings, tests, tender points…"),
            "assessment": self.tr("Your assessment…"),
            "plan": self.tr("Next steps, next appointment…"),
            "patient_advice": self.tr("Exercises, heat, posture…"),
            "internal_note": self.tr("For colleagues only…"),
        }
        self.fields: dict[str, NoteField] = {}
        self.soap_page = QWidget()
        soap = QFormLayout(self.soap_page)
        soap.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        soap.setContentsMargins(6, 6, 6, 6)
        soap.setVerticalSpacing(2)
        self.advice_page = QWidget()
        advice = QVBoxLayout(self.advice_page)
        advice.setContentsMargins(6, 6, 6, 6)
        for name in self.SOAP + self.OTHER:
            plain_label = labels[name].replace("&", "")
            field = NoteField(plain_label, snippets)
            field.setObjectName(name)
            field.setPlaceholderText(
                placeholders[name] + "  " + self.tr("(abbreviation + Tab inserts a snippet)")
            )
            self.fields[name] = field
            label = QLabel(labels[name])
            label.setBuddy(field)
            if name in self.SOAP:
                soap.addRow(label, field)
            else:
                advice.addWidget(label)
                advice.addWidget(field, 1)
        self.refresh_tooltips()

    def refresh_tooltips(self) -> None:
        listed = snippets_tooltip(self._snippets())
        hint = self.tr("Type an abbreviation and press Tab to insert its snippet.")
        for field in self.fields.values():
            field.setToolTip(f"{hint}\n{listed}" if listed else hint)

    def set_read_only(self, read_only: bool) -> None:
        for field in self.fields.values():
            field.setReadOnly(read_only)
