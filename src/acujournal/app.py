"""Composition root: choose the database, open it, and show the main window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from acujournal.storage.db import (
    Database,
    DatabaseOpenError,
    database_url,
    default_database_path,
    open_database,
    user_data_dir,
)

DEMO_PATIENTS = 60
DEMO_YEARS = 3


def display_problem() -> str | None:
    """Why no window can be shown here, or None when a display is available.

    Qt aborts the process with a long message when it finds no display; a person deserves one
    sentence and the way out instead.
    """
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "AcuJournal needs a graphical display and none was found (DISPLAY and WAYLAND_DISPLAY "
        "are not set); to run it without a screen, start it under Xvfb: "
        "xvfb-run -a scripts/run-app"
    )


def demo_database_path() -> Path:
    return user_data_dir() / "demo-clinic.sqlite3"


def choose_database(args: argparse.Namespace) -> tuple[str | None, str | None, bool]:
    """(db path, database URL, is demo) for this start.

    An explicit ``--db`` or ``--database-url`` wins. Otherwise the user's journal opens when
    it exists; a first start opens a generated demo clinic kept in its own file, so example
    patients never mix with real ones.
    """
    db_path = getattr(args, "db", None)
    url = getattr(args, "database_url", None)
    if db_path or url:
        return db_path, url, False
    if default_database_path().exists():
        return str(default_database_path()), None, False
    return str(demo_database_path()), None, True


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window; returns the process exit code."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    db_path, url, is_demo = choose_database(args)

    from acujournal.ui.application import application, run_main_window
    from acujournal.ui.startup import DialogPrompt, prepare_journal_file

    application()
    lock = None
    passphrase = None
    if db_path is not None:
        # Locked, checked and (when the person agrees) restored before anything opens it.
        # The window's code loads while the file's pages are checked on another thread.
        preparation = prepare_journal_file(
            Path(db_path).resolve(), DialogPrompt(), meanwhile=_load_window_code
        )
        if not preparation.proceed:
            print(f"acujournal: {preparation.message}", file=sys.stderr)
            return 1
        lock, passphrase = preparation.lock, preparation.passphrase
    try:
        db = open_database(database_url(db_path, url), passphrase=passphrase)
    except DatabaseOpenError as error:
        print(f"acujournal: {error}", file=sys.stderr)
        return 1
    try:
        if is_demo:
            _fill_demo_clinic(db)
        return run_main_window(db, is_demo=is_demo, quit_after_load=args.quit_after_load, lock=lock)
    finally:
        db.dispose()
        if lock is not None:
            lock.unlock()


def _load_window_code() -> None:
    import acujournal.ui.main_window  # noqa: F401


def _fill_demo_clinic(db: Database) -> None:
    from acujournal.services.demo import generate_clinic
    from acujournal.services.patients import list_patients

    if not list_patients(db, include_archived=True):
        generate_clinic(db, patients=DEMO_PATIENTS, years=DEMO_YEARS, seed=1)
