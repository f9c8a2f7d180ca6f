"""Help ▸ About AcuJournal: the version, where this computer keeps everything, the licences.

The places shown come from the same functions the app itself uses (the data folder, the
journal, the backup folder, the configuration folder and the audit key store), so what is
read here is where the files really are. The database in use is a file path, or a server
URL with any password left out.

The licences are read from each installed distribution's metadata (its licence expression,
licence field or licence classifier) together with the installed version; a component whose
metadata is missing (a frozen build may leave it out) shows the licence it is known to have.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, QSettings, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from acujournal import __version__
from acujournal.storage import cipher
from acujournal.storage.audit_keys import default_key_store, user_config_dir
from acujournal.storage.db import (
    Database,
    default_backup_folder,
    default_database_path,
    user_data_dir,
)
from acujournal.ui.app_icon import app_icon

if TYPE_CHECKING:
    from acujournal.ui.main_window import MainWindow

ACUJOURNAL_LICENCE = "GPL-3.0-or-later"
"""The ``license`` of the project's own metadata, for a build that carries no metadata."""

MAX_LICENCE_FIELD = 60
"""A longer licence field is a whole licence text or a sentence, not a licence's name."""


def describe_database(db: Database) -> str:
    """Where ``db`` lives, for people: its file, or its server's URL with no password in it."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    # URL.set() keeps a value given as None, so the URL is made again without the password.
    bare = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class Component:
    """A component AcuJournal is built from or ships with, and how its licence is found."""

    name: str
    distributions: tuple[str, ...]
    known_licence: str
    note: str = ""
    version: Callable[[], str | None] | None = None


@dataclass(frozen=True, slots=True)
class Licence:
    """One row of the licence table."""

    name: str
    version: str
    licence: str


def _sqlcipher_version() -> str | None:
    try:
        module = cipher.sqlcipher_module()
    except cipher.EncryptionUnavailableError:
        return None
    try:
        connection = module.connect(":memory:")
    except cipher.database_errors():
        return None
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
    except cipher.database_errors():
        return None
    finally:
        connection.close()
    return str(row[0]) if row and row[0] else None


COMPONENTS = (
    Component("AcuJournal", ("acujournal",), ACUJOURNAL_LICENCE, version=lambda: __version__),
    Component(
        "Qt for Python (PySide6)",
        ("PySide6", "PySide6-Essentials"),
        "LGPL-3.0-only",
        note="used under the LGPL-3.0",
        version=lambda: f"{pyside_version} (Qt {qVersion()})",
    ),
    Component("SQLAlchemy", ("SQLAlchemy",), "MIT"),
    Component("Alembic", ("alembic",), "MIT"),
    Component("ReportLab", ("reportlab",), "BSD"),
    Component("platformdirs", ("platformdirs",), "MIT"),
    Component("pypdf", ("pypdf",), "BSD-3-Clause"),
    Component("SQLCipher", (), "BSD-style", version=_sqlcipher_version),
    Component(
        "sqlcipher3 (SQLCipher for Python)",
        ("sqlcipher3-wheels", "sqlcipher3-binary", "sqlcipher3"),
        "zlib/libpng",
    ),
    Component("tzdata", ("tzdata",), "Apache-2.0"),
)


def _field(metadata: importlib.metadata.PackageMetadata, name: str) -> str:
    """One metadata field's value ("" when the distribution does not give it)."""
    values = metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def licence_from_metadata(metadata: importlib.metadata.PackageMetadata) -> str | None:
    """The licence a distribution declares: its expression, a short licence field, or its
    licence classifiers; None when it declares none of them."""
    expression = _field(metadata, "License-Expression")
    if expression:
        return expression
    field = _field(metadata, "License")
    if field and "\n" not in field and len(field) <= MAX_LICENCE_FIELD and field != "UNKNOWN":
        return field
    classifiers = [
        value.rsplit(" :: ", 1)[-1]
        for value in metadata.get_all("Classifier") or []
        if value.startswith("License ::")
    ]
    return ", ".join(classifiers) or None


def component_licence(component: Component) -> Licence:
    """The installed version and declared licence of ``component`` (or the known licence)."""
    version: str | None = None
    declared: str | None = None
    for name in component.distributions:
        try:
            metadata = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        version = _field(metadata, "Version") or None
        declared = licence_from_metadata(metadata)
        break
    if component.version is not None:
        with contextlib.suppress(Exception):  # a version is a courtesy, never a failure
            version = component.version() or version
    licence = declared or component.known_licence
    if component.note:
        licence = f"{licence} ({component.note})"
    return Licence(component.name, version or "not installed", licence)


def licences() -> list[Licence]:
    return [component_licence(component) for component in COMPONENTS]


def audit_key_location() -> str:
    try:
        return default_key_store().location
    except Exception as error:  # a broken keyring backend must not stop the About box
        return f"unknown ({error})"


class AboutDialog(QDialog):
    """The About box; every path and value in it can be selected and copied."""

    def __init__(
        self,
        db: Database | None = None,
        *,
        is_demo: bool = False,
        backup_folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About AcuJournal"))
        self.setAccessibleName(self.windowTitle())
        self.resize(720, 640)

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAccessibleName(self.tr("AcuJournal icon"))
        self.title = QLabel(f"<h2>AcuJournal {__version__}</h2>")
        self.title.setObjectName("aboutTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary = QLabel(
            self.tr("The treatment journal for acupuncturists.")
            + "\n"
            + self.tr("Python %1 · Qt %2")
            .replace("%1", platform.python_version())
            .replace("%2", qVersion())
        )
        summary.setTextFormat(Qt.TextFormat.PlainText)
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(summary)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        self.data_folder = user_data_dir()
        self.places: dict[str, QLabel] = {}
        places = QFormLayout()
        backups = backup_folder if backup_folder is not None else default_backup_folder()
        rows: list[tuple[str, str, str]] = [
            ("data", self.tr("Data folder:"), str(self.data_folder)),
        ]
        if db is not None:
            state = self._journal_state(db, is_demo)
            rows.append(("database", self.tr("Journal in use:"), describe_database(db)))
            rows.append(("state", self.tr("Journal:"), state))
        clinic_journal = default_database_path()
        in_use = db is not None and describe_database(db) == str(clinic_journal.resolve())
        if not in_use:
            missing = "" if clinic_journal.exists() else self.tr(" (not created yet)")
            rows.append(("journal", self.tr("Clinic journal:"), f"{clinic_journal}{missing}"))
        rows += [
            ("backups", self.tr("Backups:"), str(backups)),
            ("settings", self.tr("App settings:"), QSettings().fileName()),
            ("config", self.tr("Configuration folder:"), str(user_config_dir())),
            ("audit_key", self.tr("Audit key:"), audit_key_location()),
        ]
        for key, label, value in rows:
            field = QLabel(value)
            field.setObjectName(f"about_{key}")
            field.setTextFormat(Qt.TextFormat.PlainText)
            field.setWordWrap(True)
            field.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            field.setAccessibleName(label.rstrip(":"))
            self.places[key] = field
            places.addRow(label, field)
        self.open_folder_button = QPushButton(self.tr("&Open data folder"))
        self.open_folder_button.clicked.connect(self.open_data_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.open_folder_button)
        folder_row.addStretch(1)
        places.addRow("", folder_row)

        self.licence_rows = licences()
        self.licence_table = QTableWidget(len(self.licence_rows), 3)
        self.licence_table.setObjectName("licenceTable")
        self.licence_table.setAccessibleName(self.tr("Components and their licences"))
        self.licence_table.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")]
        )
        self.licence_table.verticalHeader().hide()
        self.licence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licence_table.setWordWrap(True)
        header = self.licence_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(self.licence_rows):
            for column, text in enumerate((entry.name, entry.version, entry.licence)):
                self.licence_table.setItem(row, column, QTableWidgetItem(text))
        self.licence_table.resizeRowsToContents()
        licence_note = QLabel(
            self.tr(
                "AcuJournal is free software under the %1 licence. The full text of each "
                "component's licence is installed with it."
            ).replace("%1", self.licence_rows[0].licence)
        )
        licence_note.setWordWrap(True)
        licence_note.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(places)
        layout.addWidget(QLabel(self.tr("<b>Licences</b>")))
        layout.addWidget(licence_note)
        layout.addWidget(self.licence_table, 1)
        layout.addWidget(buttons)

    def _journal_state(self, db: Database, is_demo: bool) -> str:
        if is_demo:
            return self.tr("the demo clinic (made-up patients)")
        if not db.is_sqlite:
            return self.tr("a PostgreSQL server database")
        if db.encrypted:
            return self.tr("protected with a passphrase (SQLCipher)")
        return self.tr("not protected with a passphrase")

    def place(self, key: str) -> str:
        """The text shown for one place ("data", "database", "backups", ...)."""
        return self.places[key].text()

    def open_data_folder(self) -> bool:
        """Show the data folder in the system's file manager."""
        opened = self.data_folder.is_dir() and QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.data_folder))
        )
        if not opened:
            QMessageBox.warning(
                self,
                self.tr("Cannot open the folder"),
                self.tr("The folder %1 could not be opened here.").replace(
                    "%1", str(self.data_folder)
                ),
            )
        return bool(opened)


class HelpMenu(QObject):
    """The Help menu of a main window: About AcuJournal and About Qt."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: AboutDialog | None = None
        self.menu = window.menuBar().addMenu(self.tr("&Help"))
        self.about_action = QAction(self.tr("&About AcuJournal"), window)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(lambda _checked=False: self.show_about())
        self.about_qt_action = QAction(self.tr("About &Qt"), window)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.about_qt_action.triggered.connect(lambda _checked=False: self.about_qt())
        self.menu.addAction(self.about_action)
        self.menu.addAction(self.about_qt_action)

    def show_about(self) -> AboutDialog:
        """Open the About box (a fresh one: the journal may have changed since the last)."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        backups = self.window.backups
        self.dialog = AboutDialog(
            self.window.db,
            is_demo=self.window.is_demo,
            backup_folder=backups.folder if backups is not None else None,
            parent=self.window,
        )
        self.dialog.open()
        return self.dialog

    def about_qt(self) -> None:
        QApplication.aboutQt()
