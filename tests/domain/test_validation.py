"""The validation rules: each names the field and the allowed range."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acujournal.domain.model import (
    NeedleInsertion,
    PainScores,
    Side,
    Stimulation,
    StimulationMethod,
    TreatmentSession,
    new_id,
)
from acujournal.domain.validation import (
    ValidationError,
    normalize_spinal_level,
    session_problems,
    signing_problems,
    validate_needle,
    validate_session,
)


def _session(**changes: object) -> TreatmentSession:
    session = TreatmentSession(
        case_id=new_id(),
        practitioner_id=new_id(),
        started_at=datetime(2026, 3, 2, 8, tzinfo=UTC),
        time_zone="Europe/Oslo",
        needles=[NeedleInsertion(point="BL40", side=Side.BILATERAL, depth_mm=20, length_mm=40)],
        needles_in=2,
        needles_out=2,
    )
    for key, value in changes.items():
        setattr(session, key, value)
    return session


def _messages(needle: NeedleInsertion) -> list[str]:
    return [str(p) for p in validate_needle("needle", needle)]


def test_a_complete_session_has_no_problems() -> None:
    assert session_problems(_session()) == []
    assert signing_problems(_session()) == []


@pytest.mark.parametrize("score", [-1, 11, 2.5, True])
def test_pain_outside_the_nrs_is_refused_naming_field_and_range(score: object) -> None:
    session = _session(pain_before=PainScores(back=score, leg=3))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        validate_session(session)
    assert "session.pain_before.back" in str(caught.value)
    assert "0" in str(caught.value)
    assert "10" in str(caught.value)


def test_unknown_point_gets_a_suggestion() -> None:
    (message,) = _messages(NeedleInsertion(point="GB-31x", side=Side.LEFT))
    assert message.startswith("needle.point:")
    assert "GB31" in message


def test_alias_codes_must_be_written_in_who_form() -> None:
    (message,) = _messages(NeedleInsertion(point="UB40", side=Side.LEFT))
    assert 'write the point as "BL40"' in message


def test_depth_range_and_needle_length() -> None:
    assert (
        "outside the allowed range 0.5-150 mm"
        in _messages(NeedleInsertion(point="BL40", side=Side.LEFT, depth_mm=400))[0]
    )
    assert (
        "deeper than the needle is long"
        in _messages(NeedleInsertion(point="BL40", side=Side.LEFT, depth_mm=45, length_mm=40))[0]
    )


def test_jiaji_needs_a_spinal_level_and_ashi_a_region() -> None:
    assert "needs a spinal level" in _messages(NeedleInsertion(point="EX-B2", side=Side.LEFT))[0]
    assert _messages(NeedleInsertion(point="EX-B2", side=Side.LEFT, spinal_level="L4")) == []
    assert "needs a body region" in _messages(NeedleInsertion(point="ASHI", side=Side.LEFT))[0]
    assert _messages(NeedleInsertion(point="ASHI", side=Side.LEFT, region="buttock")) == []


def test_electro_needs_a_frequency_and_dense_disperse_order() -> None:
    electro = NeedleInsertion(
        point="BL40", side=Side.LEFT, stimulation=Stimulation(method=StimulationMethod.ELECTRO)
    )
    assert "needs a frequency" in _messages(electro)[0]
    electro.stimulation.frequency_hz = 100
    electro.stimulation.frequency_high_hz = 2
    assert "dense frequency must be higher" in _messages(electro)[0]
    electro.stimulation.frequency_hz, electro.stimulation.frequency_high_hz = 2, 100
    assert _messages(electro) == []


def test_naive_time_and_unknown_zone_are_refused() -> None:
    problems = session_problems(
        _session(started_at=datetime(2026, 3, 2, 8), time_zone="Mars/Olympus")
    )
    fields = {p.field for p in problems}
    assert fields == {"session.started_at", "session.time_zone"}


def test_signing_needs_equal_counts() -> None:
    (problem,) = signing_problems(_session(needles_out=1))
    assert problem.field == "needles_out"
    assert "forgotten needle" in problem.message


def test_bilateral_points_count_two_needles() -> None:
    session = _session()
    session.needles.append(NeedleInsertion(point="GV20", side=Side.MIDLINE))
    assert session.insertion_count == 3


@pytest.mark.parametrize(
    ("text", "level"), [("L4", "L4"), ("l 4", "L4"), ("T-12", "T12"), ("L6", None), ("C3", None)]
)
def test_spinal_levels_are_read_forgivingly(text: str, level: str | None) -> None:
    assert normalize_spinal_level(text) == level


@given(st.floats(allow_nan=True) | st.integers())
def test_depth_check_never_crashes(depth: float) -> None:
    needle = NeedleInsertion(point="BL40", side=Side.LEFT, depth_mm=depth)
    problems = _messages(needle)
    in_range = depth == depth and 0.5 <= depth <= 150
    assert (problems == []) == in_range


def _spelt_out(prefix: str, needle: NeedleInsertion) -> list[str]:
    """The needle's problems as the rules read: every range named, then the other rules."""
    from acujournal.domain import validation as v

    stim = needle.stimulation
    s = f"{prefix}.stimulation"
    found = [
        *v._validate_location(
            prefix, needle.point, needle.spinal_level, needle.region, needle.side
        ),
        *v.check_range(f"{prefix}.depth_mm", needle.depth_mm, v.DEPTH_MM_RANGE, " mm"),
        *v.check_range(f"{prefix}.gauge_mm", needle.gauge_mm, v.GAUGE_MM_RANGE, " mm"),
        *v.check_range(f"{prefix}.length_mm", needle.length_mm, v.LENGTH_MM_RANGE, " mm"),
        *v._depth_rule(prefix, needle),
        *v.check_range(
            f"{prefix}.retention_min", needle.retention_min, v.RETENTION_MIN_RANGE, " min"
        ),
        *v.check_range(f"{s}.frequency_hz", stim.frequency_hz, v.FREQUENCY_HZ_RANGE, " Hz"),
        *v.check_range(
            f"{s}.frequency_high_hz", stim.frequency_high_hz, v.FREQUENCY_HZ_RANGE, " Hz"
        ),
        *v.check_range(f"{s}.intensity_ma", stim.intensity_ma, v.INTENSITY_MA_RANGE, " mA"),
        *v._stimulation_rules(s, stim),
    ]
    return [str(problem) for problem in found]


_ODD_NUMBERS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.integers(-10, 300),
    st.booleans(),
)


@given(
    depth=_ODD_NUMBERS,
    gauge=_ODD_NUMBERS,
    length=_ODD_NUMBERS,
    retention=_ODD_NUMBERS,
    frequency=_ODD_NUMBERS,
    high=_ODD_NUMBERS,
    intensity=_ODD_NUMBERS,
    method=st.sampled_from(list(StimulationMethod)),
)
def test_needle_problems_are_the_same_whichever_way_they_are_found(
    depth: float | None,
    gauge: float | None,
    length: float | None,
    retention: float | None,
    frequency: float | None,
    high: float | None,
    intensity: float | None,
    method: StimulationMethod,
) -> None:
    needle = NeedleInsertion(
        point="BL40",
        side=Side.BILATERAL,
        depth_mm=depth,
        gauge_mm=gauge,
        length_mm=length,
        retention_min=retention,
        stimulation=Stimulation(
            method=method, frequency_hz=frequency, frequency_high_hz=high, intensity_ma=intensity
        ),
    )
    found = [str(problem) for problem in validate_needle("session.needles[0]", needle)]
    assert found == _spelt_out("session.needles[0]", needle)
