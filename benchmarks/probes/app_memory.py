"""Memory probe: the app's main window on a journal, one patient shown, then peak memory.

Opens the journal and shows the main window the way the app does (the application first, then
the window through ``open_main_window``, which loads the window's code; automatic backups
off, as with ``--quit-after-load``), selects the patient given by ``--patient`` in the patient
list as a click would, processes events until that patient's page shows their session history
(and has been painted), then prints the process's peak resident memory (VmHWM, see peak.py)
as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

from peak import peak_rss_kib  # type: ignore[import-not-found]  # beside this file
from PySide6.QtWidgets import QApplication

from acujournal.storage.db import database_url, open_database
from acujournal.ui.application import application, open_main_window

TIMEOUT_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--patient", required=True, type=uuid.UUID)
    args = parser.parse_args()
    app = application()
    db = open_database(database_url(args.db))
    try:
        window = open_main_window(db, is_demo=False, backups=False)
        QApplication.processEvents()
        window.select_patient(args.patient)
        deadline = time.monotonic() + TIMEOUT_S
        while window.current_patient_id != args.patient or window.page.history.rowCount() == 0:
            if time.monotonic() > deadline:
                print("the patient's page was not shown in time", file=sys.stderr)
                return 1
            QApplication.processEvents()
        window.repaint()
        QApplication.processEvents()
        shown = window.page.history.rowCount()
        peak = peak_rss_kib()
        print(json.dumps({"maxrss_kib": peak, "history_rows": shown}))
        window.close()
        del app
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
