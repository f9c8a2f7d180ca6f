"""One measured figure: value, same-run baseline, ratio and whether its goal is met."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Literal

GoalKind = Literal["ratio", "value"]


@dataclass(frozen=True)
class Goal:
    """``ratio``: value / baseline at most ``limit``; ``value``: the value itself at most it."""

    kind: GoalKind
    limit: float
    text: str

    def met(self, value: float, ratio: float) -> bool:
        return (ratio if self.kind == "ratio" else value) <= self.limit


@dataclass
class Result:
    """A figure of docs/performance.md as measured in one run.

    ``value`` and ``baseline`` are medians of ``runs`` and ``baseline_runs`` (same unit);
    ``ratio`` is value / baseline. Figures whose goal is an absolute number still carry a
    baseline measured in the same run, so a slow machine can be told from a slow app.
    """

    id: str
    title: str
    unit: str
    runs: list[float]
    baseline_runs: list[float]
    baseline_label: str
    goal: Goal
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return statistics.median(self.runs)

    @property
    def baseline(self) -> float:
        return statistics.median(self.baseline_runs)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline

    @property
    def met(self) -> bool:
        return self.goal.met(self.value, self.ratio)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "value": self.value,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "baseline_label": self.baseline_label,
            "goal": self.goal.text,
            "goal_kind": self.goal.kind,
            "goal_limit": self.goal.limit,
            "met": self.met,
            "runs": self.runs,
            "baseline_runs": self.baseline_runs,
            "details": self.details,
        }


def show(value: float, unit: str) -> str:
    """A value for the table: "1.23 s", "14.2 ms", "118 MiB", "8"."""
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "actions":
        return f"{value:g}"
    return f"{value:.3g} {unit}"
