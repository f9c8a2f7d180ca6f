"""Timing helpers: medians of interleaved runs, and whole processes timed from outside.

Shared machines are noisy, so a figure is never one number: the measured thing and its
baseline run alternately (A B, B A, A B, ...), each the same number of times, and each side
is summarised by its median. Alternating keeps a burst of load from another user from landing
on one side only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Samples:
    """Repeated measurements of one side of a figure, in the order they were taken."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values)


def interleave(
    measured: Callable[[], float],
    baseline: Callable[[], float],
    runs: int,
    *,
    warmup: int = 1,
) -> tuple[Samples, Samples]:
    """Run both sides ``runs`` times each, alternating which goes first; medians come later.

    Each callable returns one measurement (seconds, bytes, a count). ``warmup`` rounds of both
    run first and are thrown away: they fill the file cache and import what is lazily imported.
    """
    for _ in range(warmup):
        measured()
        baseline()
    a, b = Samples(), Samples()
    for index in range(runs):
        if index % 2 == 0:
            a.add(measured())
            b.add(baseline())
        else:
            b.add(baseline())
            a.add(measured())
    return a, b


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took, by the monotonic high-resolution clock."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@dataclass(frozen=True)
class ProcessRun:
    """One finished child process: wall time from start to exit, and what it printed."""

    seconds: float
    stdout: str


def run_process(
    command: Sequence[str | os.PathLike[str]],
    env: Mapping[str, str],
    *,
    timeout: float = 300,
) -> ProcessRun:
    """Start ``command`` and wait for it; wall time from before the start to after the exit.

    Fails loudly (RuntimeError with the child's stderr) when the child does not exit with 0:
    a crashed start must never pass as a fast one.
    """
    start = time.perf_counter()
    completed = subprocess.run(
        [str(part) for part in command],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(str(p) for p in command)} exited with {completed.returncode}:\n"
            f"{completed.stderr[-2000:]}"
        )
    return ProcessRun(seconds, completed.stdout)


def last_json_line(text: str) -> dict[str, object]:
    """The last line of a probe's output that is a JSON object (probes print one)."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            value = json.loads(line)
            if isinstance(value, dict):
                return value
    raise RuntimeError(f"the probe printed no result: {text[-500:]!r}")


def probe_path(name: str) -> Path:
    """A probe script of this package, run by path so only what it imports is loaded."""
    return Path(__file__).with_name("probes") / name
