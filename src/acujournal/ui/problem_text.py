"""Validation problems in the editor's words: "Row 3 (BL40) depth: …" instead of field paths."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from acujournal.domain.model import NeedleInsertion
from acujournal.domain.validation import Problem

_NEEDLE_FIELD = re.compile(r"^(?:session\.)?needles\[(\d+)\]\.?(.*)$")


def _field_names() -> dict[str, str]:
    t = QCoreApplication.translate
    return {
        "needles": t("Problems", "Needles"),
        "needles_in": t("Problems", "Needles in"),
        "needles_out": t("Problems", "Needle count"),
        "pain_before.back": t("Problems", "Back pain before"),
        "pain_before.leg": t("Problems", "Leg pain before"),
        "pain_after.back": t("Problems", "Back pain after"),
        "pain_after.leg": t("Problems", "Leg pain after"),
        "started_at": t("Problems", "Start time"),
        "time_zone": t("Problems", "Time zone"),
        "depth_mm": t("Problems", "depth"),
        "gauge_mm": t("Problems", "gauge"),
        "length_mm": t("Problems", "length"),
        "retention_min": t("Problems", "retention"),
        "spinal_level": t("Problems", "spinal level"),
        "region": t("Problems", "region"),
        "point": t("Problems", "point"),
        "side": t("Problems", "side"),
    }


def describe_problem(problem: Problem, needles: list[NeedleInsertion]) -> str:
    """One problem as a sentence naming where it is in the editor."""
    names = _field_names()
    field = problem.field.removeprefix("session.")
    match = _NEEDLE_FIELD.match(field)
    if match is not None:
        row = int(match[1])
        code = needles[row].point if row < len(needles) else "?"
        detail = match[2].removeprefix("stimulation.")
        where = (
            QCoreApplication.translate("Problems", "Row %1 (%2)")
            .replace("%1", str(row + 1))
            .replace("%2", code)
        )
        if detail:
            where += " " + names.get(detail, detail.replace("_", " "))
        return f"{where}: {problem.message}"
    return f"{names.get(field, field)}: {problem.message}"


def describe_problems(problems: list[Problem], needles: list[NeedleInsertion]) -> list[str]:
    return [describe_problem(problem, needles) for problem in problems]
