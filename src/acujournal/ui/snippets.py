"""Text snippets: a practitioner's stock phrases, typed as an abbreviation and Tab.

Snippets live in the clinic settings (``editor.snippets`` = {abbreviation: text}). In any note
field, typing an abbreviation and pressing Tab replaces it with its text; Tab after anything
else moves on as usual. The dialog below edits them as lines of ``abbreviation: text``.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.settings import snippet_problems

_WORD_END_RE = re.compile(r"[\w.-]+$")


def abbreviation_before(text: str, position: int) -> tuple[int, str] | None:
    """The word ending at ``position`` (where it starts, and the word), or None."""
    match = _WORD_END_RE.search(text[:position])
    return (match.start(), match.group()) if match else None


def snippets_tooltip(snippets: dict[str, str], limit: int = 12) -> str:
    """The snippets an abbreviation expands to, one per line, for a field's tooltip."""
    lines = [f"{key} → {text.splitlines()[0][:60]}" for key, text in list(snippets.items())[:limit]]
    if len(snippets) > limit:
        lines.append("…")
    return "\n".join(lines)


def format_snippets(snippets: dict[str, str]) -> str:
    # A snippet may span lines; "\n" keeps each one on one line of the editor.
    escaped_newline = "\\n"
    return "\n".join(
        f"{key}: {text.replace(chr(10), escaped_newline)}" for key, text in snippets.items()
    )


def parse_snippets(text: str) -> tuple[dict[str, str], list[str]]:
    """Snippets from lines of ``abbreviation: text``, and the lines that are not such."""
    snippets: dict[str, str] = {}
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            bad.append(f"line {number}: write it as abbreviation: text")
            continue
        snippets[key.strip()] = value.strip().replace("\\n", "\n")
    return snippets, bad


class SnippetsDialog(QDialog):
    """Edit the clinic's snippets as plain lines; refuses to close on a malformed line."""

    def __init__(self, snippets: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Text snippets"))
        self.resize(560, 380)
        help_text = QLabel(
            self.tr(
                "One snippet per line, as <b>abbreviation: text</b> (\\n for a new line). "
                "In a note, type the abbreviation and press Tab to insert the text."
            )
        )
        help_text.setWordWrap(True)
        self.editor = QPlainTextEdit(format_snippets(snippets))
        self.editor.setAccessibleName(self.tr("Snippets"))
        self.editor.setPlaceholderText(self.tr("walk: Walk 20 minutes a day, on even ground."))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.result_snippets: dict[str, str] = dict(snippets)

    def accept(self) -> None:
        snippets, bad = parse_snippets(self.editor.toPlainText())
        problems = bad + [str(problem) for problem in snippet_problems(snippets)]
        if problems:
            self.error.setText("\n".join(problems))
            return
        self.result_snippets = snippets
        super().accept()
