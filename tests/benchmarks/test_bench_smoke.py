"""The benchmark harness runs end to end (``--quick``, tiny clinic) and writes every figure.

Only the shape of the results is checked, never a timing: timings belong to ``scripts/bench``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {
    "cold_start",
    "cold_start_vs_table",
    "peak_memory",
    "search_2000",
    "search_100000",
    "open_patient",
    "repeat_session",
    "save_session",
    "progress_report",
    "clinic_report",
    "import",
}


def test_quick_run_writes_every_figure_with_positive_numbers(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["failures"] == []
    assert report["quick"] is True
    figures = {figure["id"]: figure for figure in report["figures"]}
    assert set(figures) == FIGURES
    for figure in figures.values():
        for key in ("value", "baseline", "ratio"):
            number = figure[key]
            assert isinstance(number, int | float), (figure["id"], key)
            assert math.isfinite(number), (figure["id"], key)
            assert number > 0, (figure["id"], key)
        assert isinstance(figure["met"], bool)
        assert figure["runs"]
        assert figure["baseline_runs"]
    assert report["machine"]["python"]
    assert report["machine"]["qt"]
    # The table printed at the end names every figure too.
    for figure_id in FIGURES:
        assert figure_id in completed.stdout
