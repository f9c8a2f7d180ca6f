"""``scripts/bench``: measure every figure of docs/performance.md against its baseline.

Writes (once) the reference clinic to a cache folder, then measures each figure and its
same-run baseline as medians of several alternating runs, prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import clinic
from benchmarks.context import Context
from benchmarks.results import Result, show

RESULTS_DIR = Path(__file__).with_name("results")
DEFAULT_RUNS = 5
QUICK_RUNS = 1

# Figure groups in the order they run; --only takes these names.
GROUPS = (
    "cold_start",
    "memory",
    "search",
    "open_patient",
    "repeat_session",
    "save_session",
    "progress_report",
    "clinic_report",
    "import",
)
GUI_GROUPS = ("search", "open_patient", "repeat_session")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=(
            "Measure the figures of docs/performance.md on the reference clinic, each against "
            "a baseline measured in the same run (medians of alternating runs)."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a small clinic and {QUICK_RUNS} run per side: checks the harness, not the app",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="FIGURE",
        help=f"measure only these (repeat or comma-separate): {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--runs", type=int, help=f"runs per side of each figure (default {DEFAULT_RUNS})"
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="where to write the results (default benchmarks/results/latest.json, or "
        "quick.json with --quick)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="folder of the generated clinics (default ~/.cache/acujournal-bench, or "
        "$ACUJOURNAL_BENCH_CACHE)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated clinic")
    args = parser.parse_args(argv)
    wanted: list[str] = []
    for item in args.only or []:
        wanted += [name.strip() for name in item.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(GROUPS))
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    args.only = wanted or list(GROUPS)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import reportlab
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from sqlalchemy import __version__ as sqlalchemy_version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "qt": qVersion(),
        "pyside6": pyside_version,
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy_version,
        "reportlab": reportlab.Version,
        "commit": _commit(),
    }


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _load() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def table(results: Sequence[Result]) -> str:
    """The results as an aligned text table."""
    header = ("figure", "value", "baseline", "ratio", "goal", "met")
    rows = [header]
    for r in results:
        met = "-" if r.goal.text.startswith("(") else ("yes" if r.met else "NO")
        rows.append(
            (
                r.id,
                show(r.value, r.unit),
                show(r.baseline, r.unit),
                f"{r.ratio:.2f}x",
                r.goal.text,
                met,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _runner(name: str) -> Callable[[Context], list[Result]]:
    if name == "cold_start":
        from benchmarks.fig_process import cold_start

        return cold_start
    if name == "memory":
        from benchmarks.fig_process import peak_memory

        return peak_memory
    if name == "save_session":
        from benchmarks.fig_storage import save_session

        return save_session
    if name == "import":
        from benchmarks.fig_storage import import_clinic

        return import_clinic
    if name == "progress_report":
        from benchmarks.fig_reports import progress_report

        return progress_report
    if name == "clinic_report":
        from benchmarks.fig_reports import clinic_report

        return clinic_report
    raise KeyError(name)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="acujournal-bench-"))
    # Qt draws offscreen, and neither settings nor data of the user's own app are touched.
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(work / "config"),
        XDG_DATA_HOME=str(work / "data"),
        ACUJOURNAL_CONFIG_DIR=str(work / "config"),
        ACUJOURNAL_DATA_DIR=str(work / "data"),
    )
    os.environ.update(env)
    spec = (
        clinic.ClinicSpec(clinic.QUICK_PATIENTS, clinic.QUICK_YEARS, args.seed)
        if args.quick
        else clinic.ClinicSpec(clinic.REFERENCE_PATIENTS, clinic.REFERENCE_YEARS, args.seed)
    )
    cache = clinic.ClinicCache(args.cache or clinic.default_cache_dir(), spec)
    failures: list[str] = []
    results: list[Result] = []
    load_before = _load()
    try:
        journal = cache.ensure(say)
        long = clinic.long_patient(journal)
        listed = clinic.count_rows(journal, "patients WHERE archived = 0")
        ctx = Context(
            quick=args.quick,
            runs=args.runs or (QUICK_RUNS if args.quick else DEFAULT_RUNS),
            cache=cache,
            journal=journal,
            long=long,
            patients_listed=listed,
            work=work,
            env=env,
            say=say,
        )
        say(
            f"clinic {journal.name}: {listed} patients listed; the long patient has "
            f"{long.sessions} sessions; {ctx.runs} run(s) per side"
        )
        gui_done = False
        for name in _ordered(args.only):
            try:
                if name in GUI_GROUPS:
                    if gui_done:
                        continue
                    gui_done = True
                    from benchmarks.fig_gui import gui_figures

                    results += gui_figures(ctx, lambda group: group in args.only)
                    continue
                say(f"measuring {name}")
                results += _runner(name)(ctx)
            except Exception as error:  # one broken figure must not hide the others
                traceback.print_exc()
                failures.append(f"{name}: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "runs_per_side": args.runs or (QUICK_RUNS if args.quick else DEFAULT_RUNS),
        "clinic": {
            "file": cache.journal.name,
            "patients": spec.patients,
            "years": spec.years,
            "seed": spec.seed,
            "generator_version": cache.version,
        },
        "machine": machine(),
        "load_average": {"before": load_before, "after": _load()},
        "figures": [r.as_json() for r in results],
        "failures": failures,
    }
    out = args.json or RESULTS_DIR / ("quick.json" if args.quick else "latest.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {out}; load average {load_before} -> {_load()}")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def _ordered(names: Sequence[str]) -> list[str]:
    return [name for name in GROUPS if name in names]
