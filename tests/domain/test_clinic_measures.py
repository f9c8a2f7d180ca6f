"""A clinic's own numeric measures: defined, checked, scored and judged like built-in ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acujournal.domain.outcomes import (
    ScoringError,
    Thresholds,
    clinic_measure,
    clinical_change,
    first_important_improvement,
    score,
    thresholds_of,
)

WALK = clinic_measure(
    "WALK_MIN",
    "Minutes walked before leg pain",
    minimum=0,
    maximum=240,
    unit="min",
    better="higher",
    mcid_points=10,
)
KNOWN = {WALK.code: WALK}


def test_a_clinic_measure_is_scored_from_its_value_within_its_scale() -> None:
    assert score("WALK_MIN", value=35.5, known=KNOWN) == 35.5
    with pytest.raises(ScoringError, match="outside the scale 0-240 min"):
        score("WALK_MIN", value=300, known=KNOWN)
    with pytest.raises(ScoringError, match="give a value, not answers"):
        score("WALK_MIN", answers=[1], known=KNOWN)


def test_without_its_definition_a_clinic_code_is_unknown() -> None:
    with pytest.raises(ScoringError, match='Unknown instrument "WALK_MIN"'):
        score("WALK_MIN", value=10)


def test_change_on_a_clinic_measure_uses_its_direction_and_threshold() -> None:
    change = clinical_change("WALK_MIN", 10, 25, known=KNOWN)
    assert (change.improvement, change.important) == (15, True)
    assert not clinical_change("WALK_MIN", 25, 10, known=KNOWN).important
    start = datetime(2026, 1, 5, tzinfo=UTC)
    series = [(start + timedelta(weeks=w), v) for w, v in enumerate((10.0, 15.0, 21.0, 30.0))]
    assert first_important_improvement("WALK_MIN", series, known=KNOWN) == series[2][0]


def test_a_clinic_measure_without_threshold_needs_the_clinics_own() -> None:
    sleep = clinic_measure("SLEEP", "Nights woken by pain", minimum=0, maximum=7)
    with pytest.raises(ScoringError, match="no agreed minimal important change"):
        thresholds_of("SLEEP", known={"SLEEP": sleep})
    assert thresholds_of("SLEEP", Thresholds(points=2), known={"SLEEP": sleep}).points == 2
    with pytest.raises(ScoringError, match="not a whole number"):
        score("SLEEP", value=2.5, known={"SLEEP": sleep})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "walk"}, "must be 2-32 upper-case letters"),
        ({"code": "ODI"}, '"ODI" is a built-in instrument'),
        ({"name": " "}, "the name must be 1-200 characters"),
        ({"minimum": 5, "maximum": 5}, "needs a minimum below its maximum"),
        ({"mcid_points": 0}, "important change in points must be a number above 0"),
        ({"better": "sideways"}, '"better" must be "lower" or "higher"'),
    ],
)
def test_bad_definitions_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"code": "X_SCORE", "name": "Score", "minimum": 0, "maximum": 10}
    args |= kwargs
    with pytest.raises(ScoringError, match=message):
        clinic_measure(**args)  # type: ignore[arg-type]
