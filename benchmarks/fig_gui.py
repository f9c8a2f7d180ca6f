"""Figures of the running app, measured in this process on the offscreen Qt platform.

Patient search (keystroke to filtered list), opening the long patient (history and pain chart
drawn) and the key presses of a repeat session. Each is driven through the real main window
with QTest key events; each baseline is the same job done by plain Qt on rows read with sqlite3.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPointF, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPolygonF, QStandardItem, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.sessions import get_session
from acujournal.storage.db import Database, database_url, open_database
from acujournal.storage.repository import PatientSummary
from acujournal.ui.application import application
from acujournal.ui.main_window import MainWindow
from benchmarks.clinic import working_copy
from benchmarks.context import Context
from benchmarks.measure import interleave
from benchmarks.results import Goal, Result

LARGE_LIST = 100_000
QUICK_LARGE_LIST = 500
WAIT_S = 20.0


def settle() -> None:
    """Deliver what is pending (layouts, chart updates, paints) in a few passes."""
    for _ in range(3):
        QApplication.processEvents()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting until {what}")
        QApplication.processEvents()
        time.sleep(0.002)


# Baseline widgets ------------------------------------------------------------------------------


class BarePatientList(QMainWindow):
    """Plain Qt: a search box filtering a QStandardItemModel through QSortFilterProxyModel."""

    def __init__(self, rows: Sequence[Sequence[str]]) -> None:
        super().__init__()
        self.resize(1280, 800)
        # Filled before the proxy sees it: a proxy re-checks its mapping on every item set.
        self.model = QStandardItemModel(len(rows), 4, self)
        for row_index, row in enumerate(rows):
            for column, text in enumerate(row):
                self.model.setItem(row_index, column, QStandardItem(text))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self.setCentralWidget(central)


class BareChart(QWidget):
    """Plain QPainter: the pain before each session as two polylines (back and leg)."""

    def __init__(self) -> None:
        super().__init__()
        self.series: list[list[int | None]] = [[], []]

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width(), self.height()
        for series in self.series:
            count = max(len(series) - 1, 1)
            points = [
                QPointF(width * i / count, height * (1 - score / 10))
                for i, score in enumerate(series)
                if score is not None
            ]
            painter.drawPolyline(QPolygonF(points))
        painter.end()


class BarePatientPage(QMainWindow):
    """Plain Qt: a patient's sessions from sqlite3 in a QTableView, and a polyline chart."""

    QUERY = (
        "SELECT s.id, s.started_at, pr.name, s.status, s.pain_before_back, s.pain_before_leg,"
        " s.pain_after_back, s.pain_after_leg,"
        " (SELECT group_concat(n.point, ' ') FROM needles n WHERE n.session_id = s.id)"
        " FROM sessions s JOIN cases c ON s.case_id = c.id"
        " JOIN practitioners pr ON s.practitioner_id = pr.id"
        " WHERE c.patient_id = ? ORDER BY s.started_at DESC"
    )

    def __init__(self, journal: Path) -> None:
        super().__init__()
        self.resize(1280, 800)
        self.connection = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
        self.model = QStandardItemModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.chart = BareChart()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.view)
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def show_patient(self, patient_id: uuid.UUID) -> int:
        rows = self.connection.execute(self.QUERY, (patient_id.hex,)).fetchall()
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["Date", "Practitioner", "Points", "Back", "Leg"])
        self.model.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = [
                str(row[1])[:16],
                row[2],
                row[8] or "",
                f"{row[4]} → {row[6]}",
                f"{row[5]} → {row[7]}",
            ]
            for column, text in enumerate(cells):
                self.model.setItem(index, column, QStandardItem(text))
        oldest_first = rows[::-1]
        self.chart.series = [[r[4] for r in oldest_first], [r[5] for r in oldest_first]]
        self.chart.update()
        return len(rows)


# Helpers ---------------------------------------------------------------------------------------


def _summary_rows(patients: Sequence[PatientSummary]) -> list[list[str]]:
    return [
        [
            p.name,
            p.birth_date.isoformat() if p.birth_date else "",
            p.phone,
            p.last_visit_at.date().isoformat() if p.last_visit_at else "",
        ]
        for p in patients
    ]


def large_patient_list(patients: Sequence[PatientSummary], size: int) -> list[PatientSummary]:
    """``size`` made-up patients: given names and surnames of the clinic, recombined."""
    rng = random.Random(7)
    parts = [p.name.split() for p in patients if len(p.name.split()) >= 2]
    given = sorted({words[0] for words in parts})
    family = sorted({words[-1] for words in parts})
    out = []
    for index in range(size):
        born = date(1930, 1, 1).toordinal() + rng.randrange(80 * 365)
        out.append(
            PatientSummary(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                name=f"{rng.choice(given)} {rng.choice(family)}",
                birth_date=date.fromordinal(born),
                phone=f"+47 9{rng.randrange(10_000_000):07d}",
                archived=False,
                last_visit_at=patients[index % len(patients)].last_visit_at,
            )
        )
    return out


def pick_query(patients: Sequence[PatientSummary]) -> str:
    """What a practitioner types to find someone: the first five letters of a surname."""
    for patient in list(patients[len(patients) // 2 :]) + list(patients):
        surname = patient.name.split()[-1]
        if len(surname) >= 5 and surname[:5].isascii() and surname[:5].isalpha():
            return surname[:5].lower()
    return patients[0].name[:3].lower()


def type_timed(field: QLineEdit, text: str, samples: list[float]) -> None:
    """Type ``text`` key by key; each sample is one key press until the list is repainted."""
    for char in text:
        start = time.perf_counter()
        QTest.keyClicks(field, char)
        QApplication.processEvents()
        samples.append(time.perf_counter() - start)
    field.clear()
    settle()


# Figures ---------------------------------------------------------------------------------------


class GuiFigures:
    """One main window on a private copy of the clinic, shared by the GUI figures."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.app = application()
        copy = working_copy(ctx.journal, ctx.work, "gui.sqlite3")
        self.db: Database = open_database(database_url(copy))
        self.window = MainWindow(self.db)
        self.window.show()
        settle()
        patients = self.window.patients
        # The list as the app loaded it.
        self.reference = [patients.patient_at(row) for row in range(patients.rowCount())]

    def close(self) -> None:
        self.window.tabs.close_all()
        self.window.close()
        self.window.deleteLater()
        settle()
        self.db.dispose()

    # Search ------------------------------------------------------------------------------------
    def search(self) -> list[Result]:
        size = QUICK_LARGE_LIST if self.ctx.quick else LARGE_LIST
        # Stable ids whatever the size (--quick uses smaller lists; "patients" says which).
        results = [self._search(self.reference, "search_2000", "clinic")]
        big = large_patient_list(self.reference, size)
        results.append(self._search(big, "search_100000", "made-up"))
        self.window.patients.set_patients(self.reference)
        settle()
        return results

    def _search(self, patients: list[PatientSummary], figure: str, kind: str) -> Result:
        window = self.window
        window.patients.set_patients(patients)
        bare = BarePatientList(_summary_rows(patients))
        bare.show()
        settle()
        query = pick_query(patients)
        app_samples: list[float] = []
        bare_samples: list[float] = []
        for round_index in range(self.ctx.warmup + self.ctx.runs):
            app_now: list[float] = []
            bare_now: list[float] = []
            pair = [(window.search, app_now), (bare.search, bare_now)]
            for field, samples in pair if round_index % 2 == 0 else pair[::-1]:
                type_timed(field, query, samples)
            if round_index >= self.ctx.warmup:
                app_samples += app_now
                bare_samples += bare_now
        bare.close()
        bare.deleteLater()
        settle()
        count = len(patients)
        goal = (
            Goal("value", 0.016, "<= 16 ms")
            if figure == "search_2000"
            else Goal("value", 0.050, "<= 50 ms")
        )
        return Result(
            figure,
            f"patient search, keystroke to filtered list, {count:,} patients",
            "s",
            app_samples,
            bare_samples,
            "QSortFilterProxyModel fixed-string filter over a QStandardItemModel, same rows",
            goal,
            {
                "patients": count,
                "patients_kind": kind,
                "typed": query,
                "keystrokes": len(app_samples),
                "slowest_keystroke_s": max(app_samples),
            },
        )

    # Opening the long patient ------------------------------------------------------------------
    def open_patient(self) -> list[Result]:
        ctx, window = self.ctx, self.window
        window.search.clear()
        other = next(p.id for p in self.reference if p.id != ctx.long.id)
        bare = BarePatientPage(ctx.journal)
        bare.show()
        settle()

        def app_once() -> float:
            window.select_patient(other)
            settle()
            start = time.perf_counter()
            window.select_patient(ctx.long.id)
            settle()
            window.page.repaint()
            seconds = time.perf_counter() - start
            if window.page.history.rowCount() == 0 or window.current_patient_id != ctx.long.id:
                raise RuntimeError("the long patient's history was not shown")
            return seconds

        def bare_once() -> float:
            bare.show_patient(other)
            settle()
            start = time.perf_counter()
            shown = bare.show_patient(ctx.long.id)
            settle()
            bare.splitter.repaint()
            seconds = time.perf_counter() - start
            if shown == 0:
                raise RuntimeError("the baseline found no sessions")
            return seconds

        runs, baseline_runs = interleave(app_once, bare_once, ctx.runs, warmup=ctx.warmup)
        rows = window.page.history.rowCount()
        bare.close()
        bare.deleteLater()
        settle()
        return [
            Result(
                "open_patient",
                f"open a patient with {ctx.long.sessions} sessions, history and pain chart drawn",
                "s",
                runs.values,
                baseline_runs.values,
                "sqlite3 query of the sessions into a QTableView + a QPainter polyline chart",
                Goal("value", 0.100, "<= 100 ms"),
                {"sessions": ctx.long.sessions, "history_rows_of_shown_case": rows},
            )
        ]

    # A repeat session, counted -----------------------------------------------------------------
    def repeat_session(self) -> list[Result]:
        counts: list[float] = []
        paper: list[float] = []
        for _ in range(self.ctx.runs):
            actions, entries = self._repeat_once()
            counts.append(actions)
            paper.append(entries)
        return [
            Result(
                "repeat_session",
                "record a repeat session (same points, pain before and after, sign)",
                "actions",
                counts,
                paper,
                "paper chart: one entry per item written (date, each point, 4 pain scores, "
                "signature)",
                Goal("value", 12, "<= 12 key presses and clicks"),
                {
                    "sequence": "Ctrl+Shift+N, Enter (repeat last session), 4 pain digits, "
                    "Enter (all needles out), Ctrl+Enter (sign)",
                    "starts_from": "the patient's page shown, patient chosen",
                },
            )
        ]

    def _repeat_once(self) -> tuple[int, int]:
        window = self.window
        window.search.clear()
        window.select_patient(self.ctx.long.id)
        settle()
        case_id = window.page.selected_case_id()
        if case_id is None:
            raise RuntimeError("the long patient has no case selected")
        window.activateWindow()
        wait_until(window.isActiveWindow, "the main window is active")
        before = {e.session_id for e in window.tabs.editors()}
        failures: list[str] = []

        def refuse_modals() -> None:
            modal = QApplication.activeModalWidget()
            if modal is not None:
                failures.append(f"a dialog asked something: {modal.windowTitle()}")
                modal.close()

        watchdog = QTimer()
        watchdog.timeout.connect(refuse_modals)
        watchdog.start(2000)
        actions = 0

        def key(
            key: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
        ) -> None:
            nonlocal actions
            target = QApplication.focusWidget() or window
            if isinstance(key, str):
                QTest.keyClicks(target, key, modifier)
            else:
                QTest.keyClick(target, key, modifier)
            actions += 1
            QApplication.processEvents()

        try:
            ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            key(Qt.Key.Key_N, ctrl_shift)  # New session
            wait_until(
                lambda: any(e.session_id not in before for e in window.tabs.editors()),
                "the session editor opened",
            )
            editor = next(e for e in window.tabs.editors() if e.session_id not in before)
            wait_until(lambda: _has_focus_inside(editor), "the editor has the focus")
            key(Qt.Key.Key_Return)  # Repeat last session (it has the focus)
            for digit in "6734":  # back and leg pain before, then after
                key(digit)
            key(Qt.Key.Key_Return)  # All needles out
            key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Sign
            wait_until(editor.is_signed, "the session was signed")
        finally:
            watchdog.stop()
        if failures:
            raise RuntimeError("; ".join(failures))
        stored = get_session(self.db, editor.session_id)
        previous = _previous_session_points(self.db, case_id, stored.id)
        points = [n.point for n in stored.needles]
        pain = (
            stored.pain_before.back,
            stored.pain_before.leg,
            stored.pain_after.back,
            stored.pain_after.leg,
        )
        if not stored.is_signed or points != previous or pain != (6, 7, 3, 4):
            raise RuntimeError(
                f"the repeat session was not recorded as intended: signed={stored.is_signed}, "
                f"points {points} (last time {previous}), pain {pain}"
            )
        window.tabs.close_all()
        settle()
        return actions, 1 + len(points) + 4 + 1


def _has_focus_inside(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and widget.isAncestorOf(focus)


def _previous_session_points(db: Database, case_id: uuid.UUID, session_id: uuid.UUID) -> list[str]:
    from acujournal.services.unit_of_work import read_only

    with read_only(db) as repo:
        sessions = [s for s in repo.sessions_of_case(case_id) if s.id != session_id]
    latest = max(sessions, key=lambda s: s.started_at)
    return [n.point for n in latest.needles]


def gui_figures(ctx: Context, wanted: Callable[[str], bool]) -> list[Result]:
    figures = GuiFigures(ctx)
    results: list[Result] = []
    try:
        if wanted("search"):
            ctx.say("measuring patient search")
            results += figures.search()
        if wanted("open_patient"):
            ctx.say("measuring opening the long patient")
            results += figures.open_patient()
        if wanted("repeat_session"):
            ctx.say("counting the key presses of a repeat session")
            results += figures.repeat_session()
    finally:
        figures.close()
    return results
