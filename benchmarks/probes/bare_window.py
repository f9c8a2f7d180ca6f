"""Baseline process: a bare PySide6 window, shown, then the event loop quits.

Without options it is the baseline of docs/performance.md for cold start and memory: an empty
QMainWindow. With ``--table JOURNAL`` the window holds a QTableView of the journal's patients
read with plain sqlite3 (name, birth date, phone, last visit; the same rows the app lists), the
least any patient list can cost. ``--rss`` prints the peak resident memory as one JSON line.

Run by path, not as a module, so that nothing but PySide6 (and sqlite3) is imported.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys

from peak import peak_rss_kib  # type: ignore[import-not-found]  # beside this file
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

PATIENTS_QUERY = (
    "SELECT name, birth_date, phone, last_visit_at FROM patients WHERE archived = 0"
    " ORDER BY last_visit_at IS NULL, last_visit_at DESC, name"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--table", metavar="JOURNAL")
    parser.add_argument("--rss", action="store_true")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    if args.table:
        connection = sqlite3.connect(f"file:{args.table}?mode=ro", uri=True)
        rows = connection.execute(PATIENTS_QUERY).fetchall()
        connection.close()
        model = QStandardItemModel(len(rows), 4, window)
        model.setHorizontalHeaderLabels(["Name", "Born", "Phone", "Last visit"])
        for row_index, row in enumerate(rows):
            for column, value in enumerate(row):
                text = "" if value is None else str(value)
                if column == 3:
                    text = text[:10]  # the day of the last visit, as the app shows it
                model.setItem(row_index, column, QStandardItem(text))
        view = QTableView()
        view.setModel(model)
        window.setCentralWidget(view)
    window.show()
    QTimer.singleShot(0, app.quit)
    code = app.exec()
    if args.rss:
        print(json.dumps({"maxrss_kib": peak_rss_kib()}))
    return code


if __name__ == "__main__":
    sys.exit(main())
