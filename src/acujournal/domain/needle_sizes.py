"""How needle sizes are named: millimetres, or the gauge numbers and lengths clinics order by.

The journal stores every diameter and length in millimetres (STRICTA 2g). Practitioners
trained on Chinese needles think in gauge numbers and cun ("0.25 x 40 mm" is a 32-gauge,
1.5-cun needle); those trained on Japanese needles in numbers and sun ("No. 5, 1.3 sun"). The
clinic chooses which names appear beside the millimetres. Only the sizes makers actually sell
are named; any other size shows in millimetres alone, never as a guessed number.

Insertion depth stays in millimetres (or a tissue level): a cun of depth is a proportional
body measure that differs from patient to patient, so no fixed conversion would be honest.
"""

from __future__ import annotations

from enum import StrEnum


class NeedleSizeNames(StrEnum):
    """Which names of needle sizes the clinic shows beside millimetres."""

    MILLIMETRES = "mm"
    CHINESE = "chinese"  # gauge number (G) and cun
    JAPANESE = "japanese"  # number (No.) and sun


def needle_size_names_from(setting: object) -> NeedleSizeNames:
    """The stored setting as a choice; anything unknown falls back to millimetres alone."""
    for names in NeedleSizeNames:
        if setting == names.value:
            return names
    return NeedleSizeNames.MILLIMETRES


# Diameter in mm -> the gauge number it is sold as.
CHINESE_GAUGES: dict[float, int] = {
    0.16: 40,
    0.18: 38,
    0.20: 36,
    0.22: 34,
    0.25: 32,
    0.30: 30,
    0.35: 28,
    0.40: 27,
    0.45: 26,
}
JAPANESE_NUMBERS: dict[float, str] = {
    0.12: "01",
    0.14: "0",
    0.16: "1",
    0.18: "2",
    0.20: "3",
    0.22: "4",
    0.25: "5",
    0.30: "8",
}
# Length in mm -> the length it is sold as.
CHINESE_LENGTHS: dict[float, str] = {
    13: "0.5",
    25: "1",
    40: "1.5",
    50: "2",
    60: "2.5",
    75: "3",
    100: "4",
}
JAPANESE_LENGTHS: dict[float, str] = {
    15: "0.5",
    30: "1",
    40: "1.3",
    50: "1.6",
    60: "2",
}

_GAUGE_TOLERANCE_MM = 0.005
_LENGTH_TOLERANCE_MM = 0.5


def _nearest(table: dict[float, str], value: float, tolerance: float) -> str | None:
    for size, name in table.items():
        if abs(size - value) <= tolerance:
            return name
    return None


def gauge_name(diameter_mm: float | None, names: NeedleSizeNames) -> str | None:
    """The gauge a diameter is sold as ("32G", "No. 5"), or None when it has no common name."""
    if diameter_mm is None or names is NeedleSizeNames.MILLIMETRES:
        return None
    if names is NeedleSizeNames.CHINESE:
        table = {size: f"{gauge}G" for size, gauge in CHINESE_GAUGES.items()}
    else:
        table = {size: f"No. {number}" for size, number in JAPANESE_NUMBERS.items()}
    return _nearest(table, diameter_mm, _GAUGE_TOLERANCE_MM)


def length_name(length_mm: float | None, names: NeedleSizeNames) -> str | None:
    """The length a needle is sold as ("1.5 cun", "1.3 sun"), or None."""
    if length_mm is None or names is NeedleSizeNames.MILLIMETRES:
        return None
    if names is NeedleSizeNames.CHINESE:
        table = {size: f"{cun} cun" for size, cun in CHINESE_LENGTHS.items()}
    else:
        table = {size: f"{sun} sun" for size, sun in JAPANESE_LENGTHS.items()}
    return _nearest(table, length_mm, _LENGTH_TOLERANCE_MM)


def with_name(text_mm: str, name: str | None) -> str:
    """``"0.25"`` and ``"32G"`` give ``"0.25 (32G)"``; without a name the millimetres alone."""
    return f"{text_mm} ({name})" if name else text_mm
