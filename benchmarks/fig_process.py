"""Figures measured on whole processes from outside: cold start and peak memory."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.clinic import working_copy
from benchmarks.context import Context
from benchmarks.measure import last_json_line, probe_path, run_process
from benchmarks.results import Goal, Result

COLD_START_GOAL = Goal("ratio", 2.5, "<= 2.5x")
MEMORY_GOAL = Goal("ratio", 2.0, "<= 2x")


def app_command() -> list[str]:
    """The installed ``acujournal`` command next to this Python, else ``python -m``."""
    script = Path(sys.executable).with_name("acujournal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "acujournal"]


def _rotate(ctx: Context, sides: list[Callable[[], float]]) -> list[list[float]]:
    """Run each side ``ctx.runs`` times, rotating which goes first, after one warm-up round."""
    if not ctx.quick:
        for side in sides:
            side()
    samples: list[list[float]] = [[] for _ in sides]
    for index in range(ctx.runs):
        for offset in range(len(sides)):
            which = (index + offset) % len(sides)
            samples[which].append(sides[which]())
    return samples


def cold_start(ctx: Context) -> list[Result]:
    """``acujournal --db REF --quit-after-load``, start to exit, against bare PySide6 windows.

    The app opens a copy: it opens its journal for writing (and keeps a lock file beside it),
    and the cached clinic is never written.
    """
    journal = working_copy(ctx.journal, ctx.work, "start.sqlite3")
    app = [*app_command(), "--db", str(journal), "--quit-after-load"]
    bare = [sys.executable, str(probe_path("bare_window.py"))]
    table = [*bare, "--table", str(ctx.journal)]

    def side(command: list[str]) -> Callable[[], float]:
        return lambda: run_process(command, ctx.env).seconds

    app_runs, bare_runs, table_runs = _rotate(ctx, [side(app), side(bare), side(table)])
    details = {"command": " ".join(["acujournal", *app[-3:]]), "patients": ctx.patients_listed}
    return [
        Result(
            "cold_start",
            "cold start to a filled patient list",
            "s",
            app_runs,
            bare_runs,
            "bare PySide6 process showing an empty QMainWindow",
            COLD_START_GOAL,
            details,
        ),
        Result(
            "cold_start_vs_table",
            "cold start, against a bare window listing the same patients",
            "s",
            app_runs,
            table_runs,
            "bare PySide6 process: QMainWindow + QTableView of the patients read with sqlite3",
            Goal("ratio", float("inf"), "(context)"),
            details,
        ),
    ]


def peak_memory(ctx: Context) -> list[Result]:
    """Peak RSS with the clinic open and the long patient shown, against a bare window."""
    app = [
        sys.executable,
        str(probe_path("app_memory.py")),
        "--db",
        str(working_copy(ctx.journal, ctx.work, "memory.sqlite3")),
        "--patient",
        str(ctx.long.id),
    ]
    bare = [sys.executable, str(probe_path("bare_window.py")), "--rss"]
    shown: list[object] = []

    def measure(command: list[str]) -> Callable[[], float]:
        def once() -> float:
            result = last_json_line(run_process(command, ctx.env).stdout)
            if "history_rows" in result:
                shown.append(result["history_rows"])
            kib = result["maxrss_kib"]
            assert isinstance(kib, int | float)
            return kib / 1024

        return once

    app_runs, bare_runs = _rotate(ctx, [measure(app), measure(bare)])
    return [
        Result(
            "peak_memory",
            f"peak memory, clinic open, {ctx.long.sessions}-session patient shown",
            "MiB",
            app_runs,
            bare_runs,
            "bare PySide6 process showing an empty QMainWindow",
            MEMORY_GOAL,
            {"history_rows_shown": shown[-1] if shown else None},
        )
    ]
