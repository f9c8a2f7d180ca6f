"""Outcome instruments: scoring by hand-computed examples, edge cases, important change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acujournal.domain.outcomes import (
    INSTRUMENTS,
    KPA_PER_KGF_CM2,
    ODI_SECTIONS,
    InstrumentKind,
    ScoringError,
    Thresholds,
    clinical_change,
    first_important_improvement,
    is_important_improvement,
    is_recovered,
    odi_band,
    score,
)


def test_registry_holds_every_instrument_with_its_rules() -> None:
    assert set(INSTRUMENTS) == {
        "NRS_BACK",
        "NRS_LEG",
        "VAS_BACK",
        "VAS_LEG",
        "ODI",
        "RMDQ",
        "SBI",
        "PPT",
    }
    assert (INSTRUMENTS["NRS_LEG"].mcid_points, INSTRUMENTS["NRS_LEG"].mcid_percent) == (2, 30)
    assert INSTRUMENTS["VAS_LEG"].mcid_points == 15
    assert INSTRUMENTS["ODI"].mcid_points == 10
    assert INSTRUMENTS["RMDQ"].mcid_points == 5
    assert INSTRUMENTS["SBI"].mcid_points is None
    assert INSTRUMENTS["PPT"].better == "higher"
    assert INSTRUMENTS["PPT"].mcid_points is None
    assert "1.2" in INSTRUMENTS["PPT"].note
    assert INSTRUMENTS["ODI"].section_names == ODI_SECTIONS
    assert len(ODI_SECTIONS) == 10
    assert INSTRUMENTS["SBI"].section_names == (
        "leg pain",
        "numbness or tingling",
        "weakness",
        "pain when sitting",
    )
    assert "Mapi" in INSTRUMENTS["ODI"].licence_note
    for code, inst in INSTRUMENTS.items():
        assert inst.code == code
        assert inst.better in ("lower", "higher")


# NRS and VAS -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["NRS_BACK", "NRS_LEG"])
def test_nrs_is_a_whole_number_from_0_to_10(code: str) -> None:
    assert score(code, value=0) == 0.0
    assert score(code, value=7) == 7.0
    assert score(code, value=10.0) == 10.0  # stored values come back as floats
    for bad in (-1, 11, 6.5, float("nan"), True):
        with pytest.raises(ScoringError, match=code):
            score(code, value=bad)


def test_vas_takes_any_millimetre_reading_on_the_line() -> None:
    assert score("VAS_LEG", value=62.5) == 62.5
    assert score("VAS_BACK", value=0) == 0.0
    assert score("VAS_BACK", value=100) == 100.0
    with pytest.raises(ScoringError, match=r"VAS_LEG: 100\.5 is outside the scale 0-100 mm"):
        score("VAS_LEG", value=100.5)


def test_a_rating_needs_a_value_and_no_answers() -> None:
    with pytest.raises(ScoringError, match="NRS_BACK needs a value"):
        score("NRS_BACK")
    with pytest.raises(ScoringError, match="give a value, not answers"):
        score("NRS_BACK", answers=[5])


def test_unknown_instrument_is_named_with_the_known_ones() -> None:
    with pytest.raises(ScoringError, match=r'Unknown instrument "EQ5D".*ODI'):
        score("EQ5D", value=1)


# ODI ---------------------------------------------------------------------------------------


def test_odi_with_a_skipped_section_scores_over_the_answered_ones() -> None:
    # 3+2+1+4+0+2+3+1+2 = 18 over 9 answered sections: 18 / 45 x 100 = 40.0
    assert score("ODI", answers=[3, 2, 1, 4, 0, 2, 3, None, 1, 2]) == 40.0


def test_odi_all_answered() -> None:
    # 25 of 50 = 50 %
    assert score("ODI", answers=[5, 0, 5, 0, 5, 0, 5, 0, 5, 0]) == 50.0
    assert score("ODI", answers=[0] * 10) == 0.0
    assert score("ODI", answers=[5] * 10) == 100.0


def test_odi_with_two_skipped_sections_still_scores() -> None:
    # 8 answered, sum 12: 12 / 40 x 100 = 30.0
    assert score("ODI", answers=[None, 2, 1, 2, 1, 2, 1, None, 2, 1]) == 30.0


def test_odi_refuses_fewer_than_eight_answered_sections() -> None:
    with pytest.raises(ScoringError, match="only 7 of 10 sections answered"):
        score("ODI", answers=[1, 1, 1, 1, 1, 1, 1, None, None, None])


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1] * 9, "expected 10 answers, got 9"),
        ([1] * 9 + [6], r'section "travelling" \(item 10\) must be a whole number from 0 to 5'),
        ([1] * 9 + [-1], "item 10"),
        ([1] * 9 + [2.5], "item 10"),
        ([True] + [1] * 9, "item 1"),
        ("1111111111", "must be a list"),
        ({"a": 1}, "must be a list"),
    ],
)
def test_odi_rejects_malformed_answers(answers: object, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score("ODI", answers=answers)


def test_odi_is_not_scored_from_a_value() -> None:
    with pytest.raises(ScoringError, match="ODI is scored from its answers"):
        score("ODI", value=40)
    with pytest.raises(ScoringError, match="ODI needs answers"):
        score("ODI")


@pytest.mark.parametrize(
    ("odi", "band"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.5, "moderate"),
        (21, "moderate"),
        (40, "moderate"),
        (41, "severe"),
        (60, "severe"),
        (61, "crippled"),
        (80, "crippled"),
        (81, "bed-bound or exaggerating"),
        (100, "bed-bound or exaggerating"),
    ],
)
def test_odi_bands(odi: float, band: str) -> None:
    assert odi_band(odi) == band


def test_odi_band_refuses_impossible_scores() -> None:
    for bad in (-1, 100.1, float("nan")):
        with pytest.raises(ScoringError, match="ODI"):
            odi_band(bad)


# RMDQ, SBI, PPT ----------------------------------------------------------------------------


def test_rmdq_counts_the_yes_answers() -> None:
    answers = [True] * 7 + [False] * 17
    assert score("RMDQ", answers=answers) == 7.0
    assert score("RMDQ", answers=[False] * 24) == 0.0
    with pytest.raises(ScoringError, match="item 3 must be yes"):
        score("RMDQ", answers=[True, False, 1] + [False] * 21)
    with pytest.raises(ScoringError, match="item 24 must be yes"):
        score("RMDQ", answers=[False] * 23 + [None])
    with pytest.raises(ScoringError, match="expected 24 answers"):
        score("RMDQ", answers=[True] * 23)


def test_rmdq_recovered_at_two_or_less() -> None:
    assert is_recovered("RMDQ", 2)
    assert not is_recovered("RMDQ", 3)
    assert is_recovered("NRS_LEG", 0)
    assert not is_recovered("NRS_LEG", 1)
    assert not is_recovered("ODI", 0)


def test_sbi_totals_four_items() -> None:
    assert score("SBI", answers=[5, 3, 1, 6]) == 15.0
    with pytest.raises(ScoringError, match=r'"weakness" \(item 3\) must be a whole number'):
        score("SBI", answers=[5, 3, 7, 6])
    with pytest.raises(ScoringError, match="expected 4 answers"):
        score("SBI", answers=[5, 3, 1])


def test_ppt_is_the_mean_of_the_trials() -> None:
    answers = {"site": "BL25 left", "unit": "kgf/cm2", "trials": [4.0, 5.0, 6.0]}
    assert score("PPT", answers=answers) == pytest.approx(5.0)
    two = {"site": "BL25 left", "unit": "kgf/cm2", "trials": [3.5, 4.5]}
    assert score("PPT", answers=two) == pytest.approx(4.0)


def test_ppt_in_kpa_is_converted_to_kgf_per_cm2() -> None:
    answers = {"site": "thenar", "unit": "kPa", "trials": [392.266, 392.266]}
    assert score("PPT", answers=answers) == pytest.approx(4.0)
    assert pytest.approx(98.0665) == KPA_PER_KGF_CM2


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1.0, 2.0], "must hold"),
        ({"unit": "kPa", "trials": [1.0, 2.0]}, "name the site"),
        ({"site": " ", "unit": "kPa", "trials": [1.0, 2.0]}, "name the site"),
        ({"site": "BL23", "unit": "N", "trials": [1.0, 2.0]}, "kgf/cm2 or kPa"),
        ({"site": "BL23", "unit": "kPa", "trials": [1.0]}, "2 or 3 trials are needed, got 1"),
        ({"site": "BL23", "unit": "kPa", "trials": [1.0] * 4}, "got 4"),
        ({"site": "BL23", "unit": "kPa", "trials": [1.0, 0.0]}, "trial 2 must be a number above"),
        ({"site": "BL23", "unit": "kPa", "trials": [1.0, "2"]}, "trial 2"),
        ({"site": "BL23", "unit": "kPa", "trials": "12"}, "must be a list"),
    ],
)
def test_ppt_rejects_malformed_answers(answers: object, message: str) -> None:
    with pytest.raises(ScoringError, match=f"PPT: .*{message}"):
        score("PPT", answers=answers)


# Properties --------------------------------------------------------------------------------


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10))
def test_odi_score_lies_within_0_to_100(answers: list[int | None]) -> None:
    answered = sum(a is not None for a in answers)
    if answered < 8:
        with pytest.raises(ScoringError):
            score("ODI", answers=answers)
    else:
        result = score("ODI", answers=answers)
        assert 0 <= result <= 100
        assert odi_band(result) in (
            "minimal",
            "moderate",
            "severe",
            "crippled",
            "bed-bound or exaggerating",
        )


@given(st.lists(st.booleans(), min_size=24, max_size=24))
def test_rmdq_score_lies_within_0_to_24(answers: list[bool]) -> None:
    assert 0 <= score("RMDQ", answers=answers) <= 24


@given(st.lists(st.integers(0, 6), min_size=4, max_size=4))
def test_sbi_score_lies_within_0_to_24(answers: list[int]) -> None:
    assert 0 <= score("SBI", answers=answers) <= 24


@given(
    st.lists(st.floats(0.01, 2000, allow_nan=False), min_size=2, max_size=3),
    st.sampled_from(["kgf/cm2", "kPa"]),
)
def test_ppt_score_lies_between_the_trials(trials: list[float], unit: str) -> None:
    result = score("PPT", answers={"site": "BL23", "unit": unit, "trials": trials})
    factor = KPA_PER_KGF_CM2 if unit == "kPa" else 1.0
    assert min(trials) / factor * (1 - 1e-9) <= result <= max(trials) / factor * (1 + 1e-9)


@given(st.sampled_from(["NRS_BACK", "VAS_LEG"]), st.floats(-1000, 1000, allow_nan=False))
def test_ratings_are_in_range_or_refused(code: str, value: float) -> None:
    inst = INSTRUMENTS[code]
    assert inst.kind is InstrumentKind.RATING
    assert inst.maximum is not None
    try:
        result = score(code, value=value)
    except ScoringError:
        return
    assert inst.minimum <= result <= inst.maximum


# Clinically important change ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "current", "important"),
    [
        (8, 6, True),  # 2 points
        (8, 7, False),  # 1 point, 12.5 %
        (3, 2, True),  # 1 point is 33 % of 3
        (10, 7, True),  # 3 points and exactly 30 %
        (1, 0, True),  # 100 %
        (0, 0, False),  # nothing to improve; no percent of 0
        (5, 6, False),  # worse
    ],
)
def test_nrs_important_improvement_is_2_points_or_30_percent(
    baseline: float, current: float, important: bool
) -> None:
    assert is_important_improvement("NRS_LEG", baseline, current) is important


def test_odi_and_rmdq_use_their_point_thresholds() -> None:
    assert is_important_improvement("ODI", 40, 30)
    assert not is_important_improvement("ODI", 40, 31)
    assert is_important_improvement("RMDQ", 12, 7)
    assert not is_important_improvement("RMDQ", 12, 8)
    assert is_important_improvement("VAS_LEG", 70, 55)
    assert not is_important_improvement("VAS_LEG", 70, 56)


def test_clinic_thresholds_override_the_instruments_own() -> None:
    strict = Thresholds(points=3)
    assert not is_important_improvement("NRS_LEG", 8, 6, strict)
    assert is_important_improvement("NRS_LEG", 8, 5, strict)
    assert is_important_improvement("ODI", 40, 30, Thresholds(percent=25))
    assert not is_important_improvement("ODI", 40, 31, Thresholds(percent=25))


def test_instruments_without_consensus_need_thresholds() -> None:
    with pytest.raises(ScoringError, match="SBI has no agreed minimal important change"):
        is_important_improvement("SBI", 18, 6)
    assert is_important_improvement("SBI", 18, 12, Thresholds(points=6))


def test_higher_is_better_for_pressure_pain_threshold() -> None:
    mdc = Thresholds(points=1.2)
    assert is_important_improvement("PPT", 3.0, 4.2, mdc)
    assert not is_important_improvement("PPT", 3.0, 4.1, mdc)
    assert not is_important_improvement("PPT", 4.2, 3.0, mdc)


def test_clinical_change_reports_points_and_percent() -> None:
    change = clinical_change("NRS_BACK", 8, 4)
    assert change.improvement == 4
    assert change.improvement_percent == 50
    assert change.important
    assert clinical_change("NRS_BACK", 0, 2).improvement_percent is None


def test_first_important_improvement_uses_the_first_reading_as_baseline() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    series = [(start + timedelta(weeks=week), value) for week, value in enumerate([8, 7, 7, 6, 5])]
    assert first_important_improvement("NRS_LEG", series) == start + timedelta(weeks=3)
    # Out of order input: the earliest reading is still the baseline.
    assert first_important_improvement("NRS_LEG", list(reversed(series))) == start + timedelta(
        weeks=3
    )
    assert first_important_improvement("NRS_LEG", series[:3]) is None
    assert first_important_improvement("NRS_LEG", series[:1]) is None
    assert first_important_improvement("NRS_LEG", []) is None
    with pytest.raises(ScoringError, match="SBI"):
        first_important_improvement("SBI", series)
