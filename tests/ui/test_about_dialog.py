"""Help ▸ About AcuJournal: version, where everything lives on this computer, licences."""

from __future__ import annotations

import email.message
import importlib.metadata
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from acujournal import __version__
from acujournal.storage.db import Database, user_data_dir
from acujournal.ui.about_dialog import (
    AboutDialog,
    Component,
    component_licence,
    describe_database,
    licence_from_metadata,
)
from acujournal.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    return window


def _about(window: MainWindow) -> AboutDialog:
    window.help_menu.about_action.trigger()
    dialog = window.help_menu.dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def test_the_help_menu_offers_about_acujournal_and_about_qt(window: MainWindow) -> None:
    menu = window.help_menu.menu
    assert menu.title().replace("&", "") == "Help"
    assert [a.text().replace("&", "") for a in menu.actions()] == [
        "About AcuJournal",
        "About Qt",
    ]
    assert menu.menuAction() in window.menuBar().actions()
    assert window.help_menu.about_action.shortcut().isEmpty()


def test_about_shows_the_version_and_the_real_places(window: MainWindow, db_path: Path) -> None:
    dialog = _about(window)
    assert f"AcuJournal {__version__}" in dialog.title.text()
    assert dialog.place("data") == str(user_data_dir())
    assert dialog.place("data") == os.environ["ACUJOURNAL_DATA_DIR"]
    assert dialog.place("database") == str(db_path.resolve())
    assert dialog.place("state") == "not protected with a passphrase"
    assert dialog.place("backups") == str(user_data_dir() / "backups")
    assert dialog.place("config") == os.environ["ACUJOURNAL_CONFIG_DIR"]
    assert os.environ["ACUJOURNAL_CONFIG_DIR"] in dialog.place("audit_key")
    assert "not created yet" in dialog.place("journal")
    flags = dialog.places["data"].textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse


def test_the_backup_folder_shown_is_the_one_in_use(window: MainWindow, tmp_path: Path) -> None:
    window.backups = SimpleNamespace(folder=tmp_path / "elsewhere")  # type: ignore[assignment]
    try:
        assert _about(window).place("backups") == str(tmp_path / "elsewhere")
    finally:
        window.backups = None


def test_open_data_folder_opens_the_data_folder(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_data_dir().mkdir(parents=True, exist_ok=True)
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    dialog = _about(window)
    dialog.open_folder_button.click()
    assert [Path(url.toLocalFile()) for url in opened] == [user_data_dir()]


def test_licences_come_from_the_installed_distributions(window: MainWindow) -> None:
    dialog = _about(window)
    rows = {entry.name: entry for entry in dialog.licence_rows}
    assert rows["AcuJournal"].licence == "GPL-3.0-or-later"
    assert rows["AcuJournal"].version == __version__
    assert rows["SQLAlchemy"].version == importlib.metadata.version("SQLAlchemy")
    assert rows["SQLAlchemy"].licence == "MIT"
    assert rows["Alembic"].licence == "MIT"
    assert rows["platformdirs"].licence == "MIT"
    assert "BSD" in rows["ReportLab"].licence
    assert "BSD" in rows["pypdf"].licence
    assert rows["tzdata"].licence == "Apache-2.0"
    assert "LGPL-3.0" in rows["Qt for Python (PySide6)"].licence
    assert rows["SQLCipher"].licence == "BSD-style"
    table = dialog.licence_table
    assert table.rowCount() == len(dialog.licence_rows)
    shown: dict[str, str] = {}
    for row in range(table.rowCount()):
        name, licence = table.item(row, 0), table.item(row, 2)
        assert name is not None
        assert licence is not None
        shown[name.text()] = licence.text()
    assert shown["SQLAlchemy"] == "MIT"


def test_a_missing_distribution_shows_its_known_licence() -> None:
    entry = component_licence(Component("Nothing", ("no-such-distribution-here",), "MIT"))
    assert (entry.version, entry.licence) == ("not installed", "MIT")


def test_a_licence_sentence_gives_way_to_the_classifier() -> None:
    metadata = email.message.Message()
    metadata["License"] = "BSD license (see license.txt for details), Copyright (c) 2000-2025, X"
    metadata["Classifier"] = "License :: OSI Approved :: BSD License"
    assert licence_from_metadata(metadata) == "BSD License"  # type: ignore[arg-type]
    expression = email.message.Message()
    expression["License-Expression"] = "MIT"
    assert licence_from_metadata(expression) == "MIT"  # type: ignore[arg-type]


def test_a_server_database_is_shown_without_its_password() -> None:
    url = make_url("postgresql+psycopg://ada:s3cret@db.example:5432/clinic")
    db = SimpleNamespace(engine=SimpleNamespace(url=url))
    shown = describe_database(db)  # type: ignore[arg-type]
    assert "s3cret" not in shown
    assert "***" not in shown
    assert shown == "postgresql+psycopg://ada@db.example:5432/clinic"


def test_about_qt_is_qts_own_box(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[bool] = []
    monkeypatch.setattr(QApplication, "aboutQt", lambda: shown.append(True))
    window.help_menu.about_qt_action.trigger()
    assert shown == [True]
