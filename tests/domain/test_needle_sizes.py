"""Needle sizes are named as clinics order them, and only where the name is certain."""

from __future__ import annotations

import pytest

from acujournal.domain.needle_sizes import (
    NeedleSizeNames,
    gauge_name,
    length_name,
    needle_size_names_from,
    with_name,
)

CN, JP, MM = NeedleSizeNames.CHINESE, NeedleSizeNames.JAPANESE, NeedleSizeNames.MILLIMETRES


@pytest.mark.parametrize(
    ("diameter", "names", "expected"),
    [
        (0.25, CN, "32G"),
        (0.30, CN, "30G"),
        (0.18, CN, "38G"),
        (0.25, JP, "No. 5"),
        (0.16, JP, "No. 1"),
        (0.25, MM, None),
        (0.27, CN, None),  # no needle is sold as that: no guessed gauge
        (None, CN, None),
    ],
)
def test_gauge_names(diameter: float | None, names: NeedleSizeNames, expected: str | None) -> None:
    assert gauge_name(diameter, names) == expected


@pytest.mark.parametrize(
    ("length", "names", "expected"),
    [
        (40, CN, "1.5 cun"),
        (25, CN, "1 cun"),
        (75, CN, "3 cun"),
        (40, JP, "1.3 sun"),
        (30, JP, "1 sun"),
        (45, CN, None),
        (40, MM, None),
    ],
)
def test_length_names(length: float, names: NeedleSizeNames, expected: str | None) -> None:
    assert length_name(length, names) == expected


def test_names_sit_beside_the_millimetres() -> None:
    assert with_name("0.25", "32G") == "0.25 (32G)"
    assert with_name("0.27", None) == "0.27"


def test_an_unknown_stored_choice_falls_back_to_millimetres() -> None:
    assert needle_size_names_from("chinese") is CN
    assert needle_size_names_from("furlongs") is MM
    assert needle_size_names_from(None) is MM
