"""Take the README's screenshots of the real app on a demo clinic.

Run under a display, for example:  xvfb-run -a -s "-screen 0 1400x900x24" \
    .venv/bin/python scripts/take-screenshots.py docs/screenshots
Add --dark to take them with a dark palette as well (file names end in -dark).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from acujournal.services.demo import generate_clinic
from acujournal.services.intake import screening_status
from acujournal.services.patients import list_patients, patient_overview
from acujournal.storage.db import Database, database_url, open_database
from acujournal.ui.application import application
from acujournal.ui.main_window import MainWindow

SIZE = (1280, 800)


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#232629",
        QPalette.ColorRole.WindowText: "#eff0f1",
        QPalette.ColorRole.Base: "#1b1e20",
        QPalette.ColorRole.AlternateBase: "#2a2e32",
        QPalette.ColorRole.Text: "#eff0f1",
        QPalette.ColorRole.Button: "#31363b",
        QPalette.ColorRole.ButtonText: "#eff0f1",
        QPalette.ColorRole.Highlight: "#3daee9",
        QPalette.ColorRole.HighlightedText: "#fcfcfc",
        QPalette.ColorRole.ToolTipBase: "#31363b",
        QPalette.ColorRole.ToolTipText: "#eff0f1",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(widget: QWidget, path: Path) -> None:
    settle(QApplication.instance())  # type: ignore[arg-type]
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")


def _sciatica_course(db: Database, patient_id: uuid.UUID) -> uuid.UUID | None:
    """The patient's sciatica case with the most sessions, if it has eight or more."""
    overview = patient_overview(db, patient_id)
    counts = {c.id: sum(1 for s in overview.history if s.case_id == c.id) for c in overview.cases}
    cases = [c for c in overview.cases if c.condition == "sciatica" and counts[c.id] >= 8]
    return max(cases, key=lambda c: counts[c.id]).id if cases else None


def _unreviewed_red_flag(db: Database, patient_ids: list[uuid.UUID]) -> uuid.UUID | None:
    """The first patient whose banner shows a red flag nobody has reviewed yet (the demo
    clinic gives one to the patients seen last, so this is near the top of the list)."""
    for patient_id in patient_ids:
        status = screening_status(db, patient_id)
        if status is not None and status.review is None and status.screening.red_flags:
            return patient_id
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    app = application()
    suffix = ""
    if args.dark:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
        suffix = "-dark"
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(database_url(Path(folder) / "demo.sqlite3"))
        generate_clinic(db, patients=60, years=3, seed=1)
        patients = list_patients(db)
        window = MainWindow(db, is_demo=True)
        window.resize(*SIZE)
        window.show()
        settle(app)
        save(window, args.folder / f"patient-list{suffix}.png")

        # The red banner: a new intake with a red flag that no one has reviewed yet.
        flagged = _unreviewed_red_flag(db, [p.id for p in patients])
        if flagged is None:
            raise SystemExit("the demo clinic has no unreviewed red flag to show")
        window.select_patient(flagged)
        save(window, args.folder / f"patient-red-flag{suffix}.png")

        # A sciatica patient well into a course: the chart has something to show.
        courses = ((p.id, _sciatica_course(db, p.id)) for p in patients)
        patient_id, case_id = next((p, c) for p, c in courses if c is not None)
        window.select_patient(patient_id)
        window.page.select_case(case_id)
        save(window, args.folder / f"main-window{suffix}.png")

        editor = window.new_session(window.page.selected_case_id())  # type: ignore[arg-type]
        if editor is not None:
            editor.repeat_last()
            save(window, args.folder / f"session-editor-in-window{suffix}.png")

        dialog = window.edit_settings()
        save(dialog, args.folder / f"settings{suffix}.png")
        dialog.reject()
        QTimer.singleShot(0, app.quit)
        window.tabs.close_all = lambda: True  # type: ignore[method-assign]
        window.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
