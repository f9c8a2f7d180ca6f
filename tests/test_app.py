"""Starting the app: no display, a demo clinic on first start, timing start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from acujournal.services.patients import list_patients
from acujournal.storage.db import database_url, open_database


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acujournal", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_without_a_display_the_app_says_so_in_one_sentence(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = _run(["--db", str(tmp_path / "j.sqlite3")], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "needs a graphical display" in lines[0]
    assert "xvfb-run" in lines[0]
    assert "Traceback" not in result.stderr


def test_first_start_opens_a_demo_clinic_kept_apart_from_the_journal(tmp_path: Path) -> None:
    # A fresh account: not even the data folder exists yet.
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACUJOURNAL_DATA_DIR=str(data))
    result = _run(["--quit-after-load"], env)
    assert result.returncode == 0, result.stderr
    demo = data / "demo-clinic.sqlite3"
    assert demo.exists()
    assert not (data / "journal.sqlite3").exists()
    db = open_database(database_url(demo))
    try:
        assert len(list_patients(db)) > 10
    finally:
        db.dispose()


def test_a_plain_start_loads_neither_reports_nor_migrations_nor_commands(
    tmp_path: Path,
) -> None:
    # What the first window does not need stays unloaded until it is used: ReportLab and Qt's
    # PDF and print modules (reports), Alembic (the journal is at the newest schema), the
    # command-line commands, the PostgreSQL driver (this journal is a SQLite file), and the
    # session editor, intake dialogs and audit viewer (they load when first opened).
    journal = tmp_path / "journal.sqlite3"
    open_database(database_url(journal)).dispose()
    script = (
        "import sys\n"
        "from acujournal.__main__ import main\n"
        f"code = main(['--db', {str(journal)!r}, '--quit-after-load'])\n"
        "heavy = ('reportlab', 'alembic', 'PySide6.QtPdf', 'PySide6.QtPrintSupport',\n"
        "         'acujournal.cli.main', 'acujournal.cli.report', 'acujournal.cli.audit',\n"
        "         'psycopg', 'acujournal.ui.session_editor', 'acujournal.ui.intake_form',\n"
        "         'acujournal.ui.intake_review', 'acujournal.ui.audit_viewer')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
        "sys.exit(code)\n"
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        ACUJOURNAL_DATA_DIR=str(tmp_path / "data"),
        ACUJOURNAL_CONFIG_DIR=str(tmp_path / "config"),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
