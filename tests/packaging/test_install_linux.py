"""packaging/install-linux puts the app, its launcher and icons in place, and takes them away
again without touching the journal."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "install-linux"
APP_ID = "org.acujournal.AcuJournal"


def _fake_app(folder: Path, version: str) -> Path:
    """A stand-in for the frozen app folder: an executable that says its version."""
    app = folder / "AcuJournal"
    (app / "_internal").mkdir(parents=True)
    executable = app / "acujournal"
    executable.write_text(f"#!/bin/sh\necho 'AcuJournal {version}'\n")
    executable.chmod(0o755)
    return app


def _run(*args: str | Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PREFIX=str(prefix))
    return subprocess.run(
        ["bash", SCRIPT, *[str(a) for a in args]],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_install_update_and_uninstall_keep_the_journal(tmp_path: Path) -> None:
    prefix = tmp_path / "local"
    journal = prefix / "share" / "AcuJournal" / "journal.sqlite3"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b"patient records")

    first = _run(_fake_app(tmp_path / "v1", "0.1.0"), prefix=prefix)
    assert first.returncode == 0, first.stderr
    link = prefix / "bin" / "acujournal"
    assert subprocess.run([link], capture_output=True, text=True).stdout.strip() == (
        "AcuJournal 0.1.0"
    )
    launcher = (prefix / "share" / "applications" / f"{APP_ID}.desktop").read_text()
    app_folder = prefix / "share" / "acujournal" / "app"
    assert f"Exec={app_folder}/acujournal" in launcher
    assert (prefix / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (prefix / "share/icons/hicolor/256x256/apps/acujournal.png").is_file()
    assert (prefix / "share/icons/hicolor/scalable/apps/acujournal.svg").is_file()

    # Installing a newer build replaces the old one in place.
    second = _run(_fake_app(tmp_path / "v2", "0.2.0"), prefix=prefix)
    assert second.returncode == 0, second.stderr
    assert subprocess.run([link], capture_output=True, text=True).stdout.strip() == (
        "AcuJournal 0.2.0"
    )

    removed = _run("--uninstall", prefix=prefix)
    assert removed.returncode == 0, removed.stderr
    assert "journal" in removed.stdout
    assert not link.is_symlink()
    assert not app_folder.exists()
    assert not (prefix / "share" / "applications" / f"{APP_ID}.desktop").exists()
    assert journal.read_bytes() == b"patient records"


def test_a_folder_without_a_built_app_is_refused_by_name(tmp_path: Path) -> None:
    result = _run(tmp_path / "nothing-here", prefix=tmp_path / "local")
    assert result.returncode == 1
    assert "nothing-here" in result.stderr
    assert "build-frozen" in result.stderr
    assert not (tmp_path / "local" / "bin").exists()
