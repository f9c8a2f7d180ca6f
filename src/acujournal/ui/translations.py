"""The window's texts in the number they count: "1 patient", "2 patients".

Counted texts are written for Qt's plural handling, ``self.tr("%n patient(s)", "", n)``; the
English translation in resources/i18n (made by packaging/english-plurals.py) gives each its
singular and plural. Without it Qt would show "1 patient(s)".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from acujournal.resource_files import resource_path

ENGLISH = resource_path("i18n", "acujournal_en.qm")


def install_translations(app: QCoreApplication) -> bool:
    """Give ``app`` the English plural forms, once; False when the file cannot be read."""
    if app.findChild(QTranslator, "acujournalEnglish") is not None:
        return True
    translator = QTranslator(app)
    translator.setObjectName("acujournalEnglish")
    if not translator.load(str(ENGLISH)):
        translator.deleteLater()
        return False
    return app.installTranslator(translator)
