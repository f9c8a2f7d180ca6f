"""AcuJournal's own icon, for the window title bar, the task bar and the dialogs."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from acujournal.resource_files import resource_path

# The sizes rendered from resources/icons/acujournal.svg by packaging/render-icons.py.
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The app icon with every rendered size, so Qt never has to scale a small one up.

    PNGs rather than the SVG: they load without Qt's SVG icon engine plugin, which a frozen
    build might leave out.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", "hicolor", f"{size}x{size}", "apps", "acujournal.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
