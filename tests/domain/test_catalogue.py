"""The point catalogue: its data against an independent reference, lookup, search, suggestions."""

from __future__ import annotations

import csv
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acujournal.domain.catalogue import (
    ASHI_POINT,
    BODY_REGIONS,
    MERIDIANS,
    AcuPoint,
    PointCatalogue,
    PointKind,
    UnknownPointError,
    default_catalogue,
    load_points,
    points_folder,
)

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "acupoints-reference.csv"

MERIDIAN_COUNTS = {
    "LU": 11,
    "LI": 20,
    "ST": 45,
    "SP": 21,
    "HT": 9,
    "SI": 19,
    "BL": 67,
    "KI": 27,
    "PC": 9,
    "TE": 23,
    "GB": 44,
    "LR": 14,
    "GV": 28,
    "CV": 24,
}
EXTRA_GROUP_COUNTS = {"EX-HN": 15, "EX-CA": 1, "EX-B": 9, "EX-UE": 11, "EX-LE": 12}

# Cells where the reference is wrong, checked against the Han characters of the point. Each test
# run confirms the reference still says this, so a corrected reference shortens the list.
# (BL2 "Zanzhu" and CV17 "Tanzhong" are not here: they are real alternative readings of 攒 and
# 膻, and the catalogue knows them as alternative names.)
KNOWN_REFERENCE_ERRORS = {
    "ST31": "Diguan",  # 髀关: 髀 is read bì, so Biguan; B/D slip in the reference
    "SP9": "Yinlingqnan",  # 阴陵泉: typo for Yinlingquan
    "BL32": "Chiliao",  # 次髎: 次 is read cì, so Ciliao
    "KI23": "Shengfeng",  # 神封: 神 is read shén, so Shenfeng
}
# The one empty reference cell (see shared/data/README.md).
REFERENCE_UNNAMED = {"GV4"}

# Pinyin names that two points share: a lookup by name alone cannot choose.
SHARED_PINYIN = {
    "Erjian": {"LI2", "EX-HN6"},
    "Futu": {"LI18", "ST32"},
    "Juliao": {"ST3", "GB29"},
    "Wangu": {"SI4", "GB12"},
    "Zhongzhu": {"TE3", "KI15"},
    "Zhongdu": {"GB32", "LR6"},
    "Yinjiao": {"GV28", "CV7"},
    "Zigong": {"CV19", "EX-CA1"},
}


def fold(text: str) -> str:
    """The reference README's comparison: case and spaces do not count."""
    return "".join(text.split()).casefold()


@pytest.fixture(scope="module")
def catalogue() -> PointCatalogue:
    return default_catalogue()


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, str]]:
    with REFERENCE.open(encoding="utf-8", newline="") as file:
        return {row["code"]: row for row in csv.DictReader(file)}


def classical(catalogue: PointCatalogue) -> list[AcuPoint]:
    return [point for point in catalogue if point.kind is PointKind.CLASSICAL]


def read_csv(name: str) -> list[dict[str, str]]:
    with (points_folder() / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


# --- the data against the reference ---------------------------------------------------------


def test_every_reference_code_is_a_classical_point(
    catalogue: PointCatalogue, reference: dict[str, dict[str, str]]
) -> None:
    assert len(reference) == 361
    for code, row in reference.items():
        point = catalogue.get(code)
        assert point is not None, code
        assert point.kind is PointKind.CLASSICAL
        assert point.meridian == row["meridian"]


def test_no_classical_code_beyond_the_reference(
    catalogue: PointCatalogue, reference: dict[str, dict[str, str]]
) -> None:
    assert {point.code for point in classical(catalogue)} == set(reference)


def test_pinyin_matches_the_reference(
    catalogue: PointCatalogue, reference: dict[str, dict[str, str]]
) -> None:
    unnamed = {code for code, row in reference.items() if not row["pinyin"].strip()}
    assert unnamed == REFERENCE_UNNAMED
    mismatches = {}
    for code, row in reference.items():
        if code in unnamed:
            continue
        alternates = [name.strip() for name in row["pinyin"].split(",") if name.strip()]
        if code in KNOWN_REFERENCE_ERRORS:
            assert alternates == [KNOWN_REFERENCE_ERRORS[code]], f"{code}: reference changed"
            continue
        point = catalogue.get(code)
        assert point is not None
        if not any(
            fold(name) == fold(point.pinyin) or catalogue.normalize(name) == code
            for name in alternates
        ):
            mismatches[code] = (point.pinyin, row["pinyin"])
    assert mismatches == {}


def test_known_reference_errors_stay_few() -> None:
    assert len(KNOWN_REFERENCE_ERRORS) <= 5


# --- the data on its own ---------------------------------------------------------------------


def test_per_meridian_counts_and_numbering(catalogue: PointCatalogue) -> None:
    points = classical(catalogue)
    assert len(points) == 361
    assert Counter(point.meridian for point in points) == MERIDIAN_COUNTS
    assert list(dict.fromkeys(point.meridian for point in points)) == list(MERIDIANS)
    for meridian, count in MERIDIAN_COUNTS.items():
        numbers = [point.number for point in points if point.meridian == meridian]
        assert numbers == list(range(1, count + 1)), meridian
    for point in points:
        assert point.code == f"{point.meridian}{point.number}"


def test_extra_points_follow_who_2008(catalogue: PointCatalogue) -> None:
    extras = [point for point in catalogue if point.kind is PointKind.EXTRA]
    assert len(extras) == 48
    numbers: dict[str, list[int | None]] = {}
    for point in extras:
        numbers.setdefault(point.code.rstrip("0123456789"), []).append(point.number)
    assert {group: len(found) for group, found in numbers.items()} == EXTRA_GROUP_COUNTS
    for group, found in numbers.items():
        assert found == list(range(1, len(found) + 1)), group
    well_known = {
        "EX-HN1": "Sishencong",
        "EX-HN3": "Yintang",
        "EX-HN5": "Taiyang",
        "EX-B2": "Jiaji",
        "EX-LE5": "Xiyan",
        "EX-LE6": "Dannang",
        "EX-LE7": "Lanwei",
        "EX-LE10": "Bafeng",
    }
    for code, pinyin in well_known.items():
        extra = catalogue.get(code)
        assert extra is not None
        assert extra.pinyin == pinyin
        assert extra.meridian is None


@pytest.mark.parametrize("name", ["classical.csv", "extra.csv"])
def test_rows_are_complete_and_codes_unique(name: str) -> None:
    rows = read_csv(name)
    codes = Counter(row["code"] for row in rows)
    assert [code for code, seen in codes.items() if seen > 1] == []
    for row in rows:
        assert row["pinyin"].isascii(), row
        assert row["pinyin"].isalpha(), row
        assert row["hanzi"], row
        assert all(unicodedata.name(char).startswith("CJK") for char in row["hanzi"]), row
        assert row["english"].strip() == row["english"] != "", row
        assert row["region"] in BODY_REGIONS, row


def test_only_jiaji_needs_a_spinal_level(catalogue: PointCatalogue) -> None:
    assert [point.code for point in catalogue if point.needs_spinal_level] == ["EX-B2"]


def test_ashi_and_free_points_need_a_region(catalogue: PointCatalogue) -> None:
    ashi, free = catalogue.get("ASHI"), catalogue.get("FREE")
    assert ashi is not None
    assert free is not None
    assert (ashi.kind, free.kind) == (PointKind.ASHI, PointKind.FREE)
    assert ashi.needs_region
    assert free.needs_region
    assert ashi.region == free.region == ""
    assert ashi.english == "Ashi point"
    assert [point.code for point in catalogue if point.needs_region] == ["ASHI", "FREE"]


def test_catalogue_shape(catalogue: PointCatalogue) -> None:
    assert len(catalogue) == 361 + 48 + 2
    codes = [point.code for point in catalogue]
    assert (codes[0], codes[-2], codes[-1]) == ("LU1", "ASHI", "FREE")
    assert "BL40" in catalogue
    assert "bl40" not in catalogue
    assert 40 not in catalogue
    assert default_catalogue() is catalogue


def test_label() -> None:
    point = default_catalogue().get("BL40")
    assert point is not None
    assert point.label == "BL40 Weizhong (Bend Middle)"
    assert ASHI_POINT.label == "ASHI Ashi (Ashi point)"


def test_get_takes_canonical_codes_only(catalogue: PointCatalogue) -> None:
    assert catalogue.get("EX-B2") is not None
    for text in ("bl40", "UB40", "BL-40", "Weizhong", ""):
        assert catalogue.get(text) is None


# --- normalize and resolve -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UB40", "BL40"),
        ("ub 40", "BL40"),
        ("BL-40", "BL40"),
        ("bl.40", "BL40"),
        ("BL040", "BL40"),
        ("Weizhong", "BL40"),
        ("weizhong", "BL40"),
        ("Wei Zhong", "BL40"),
        ("委中", "BL40"),
        ("BL40 Weizhong (Bend Middle)", "BL40"),
        ("TH5", "TE5"),
        ("SJ5", "TE5"),
        ("TW5", "TE5"),
        ("TB5", "TE5"),
        ("Du20", "GV20"),
        ("Ren12", "CV12"),
        ("Liv3", "LR3"),
        ("Lv3", "LR3"),
        ("K3", "KI3"),
        ("H7", "HT7"),
        ("P6", "PC6"),
        ("Lu7", "LU7"),
        ("Sp6", "SP6"),
        ("St36", "ST36"),
        ("GB34", "GB34"),
        ("li4", "LI4"),
        ("si3", "SI3"),
        ("cv4", "CV4"),
        ("gv14", "GV14"),
        ("zu san li", "ST36"),
        ("Zúsānlǐ", "ST36"),
        ("Leg Three Li", "ST36"),
        ("ex-b2", "EX-B2"),
        ("EXB2", "EX-B2"),
        ("EX-B-2", "EX-B2"),
        ("Jiaji", "EX-B2"),
        ("Huatuojiaji", "EX-B2"),
        ("Huatuo Jiaji", "EX-B2"),
        ("ex-hn3", "EX-HN3"),
        ("Yintang", "EX-HN3"),
        ("GV29", "EX-HN3"),  # Yintang's code in the Chinese standard GB/T 12346-2006
        ("Taiyang", "EX-HN5"),
        ("Xiyan", "EX-LE5"),
        ("Renzhong", "GV26"),
        ("Zulinqi", "GB41"),
        ("Toulinqi", "GB15"),
        ("Ashi", "ASHI"),
        ("ah shi", "ASHI"),
        ("free", "FREE"),
    ],
)
def test_normalize_forgives(catalogue: PointCatalogue, text: str, code: str) -> None:
    assert catalogue.normalize(text) == code


@pytest.mark.parametrize("text", ["", "   ", "BL68", "LU0", "LU12", "XX1", "H", "BL", "Sanli"])
def test_normalize_finds_nothing(catalogue: PointCatalogue, text: str) -> None:
    assert catalogue.normalize(text) is None


@pytest.mark.parametrize(("name", "codes"), SHARED_PINYIN.items())
def test_shared_pinyin_is_ambiguous_but_searchable(
    catalogue: PointCatalogue, name: str, codes: set[str]
) -> None:
    assert catalogue.normalize(name) is None
    found = catalogue.search(name)
    assert {point.code for point in found[: len(codes)]} == codes


def test_every_point_normalizes_from_its_code_label_and_names(catalogue: PointCatalogue) -> None:
    shared = set().union(*SHARED_PINYIN.values())
    for point in catalogue:
        assert catalogue.normalize(point.code) == point.code
        assert catalogue.normalize(point.code.lower()) == point.code
        assert catalogue.normalize(point.label) == point.code
        if point.code not in shared and point.pinyin:
            assert catalogue.normalize(point.pinyin) == point.code
        if point.hanzi:
            assert catalogue.normalize(point.hanzi) == point.code


def test_resolve_returns_the_point(catalogue: PointCatalogue) -> None:
    assert catalogue.resolve("ub 40") is catalogue.get("BL40")


def test_unknown_point_suggests_the_closest() -> None:
    with pytest.raises(UnknownPointError) as caught:
        default_catalogue().resolve("GB-31x")
    error = caught.value
    assert error.text == "GB-31x"
    assert [point.code for point in error.suggestions] == ["GB31"]
    assert str(error) == 'Unknown point "GB-31x". Did you mean GB31 Fengshi?'


@pytest.mark.parametrize(
    ("text", "first"),
    [("Fengshy", "GB31"), ("Weizhng", "BL40"), ("UB-40x", "BL40"), ("Zusanlii", "ST36")],
)
def test_suggestions_for_typos(catalogue: PointCatalogue, text: str, first: str) -> None:
    suggestions = catalogue.suggest(text)
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0].code == first
    with pytest.raises(UnknownPointError, match=f"Did you mean {first} "):
        catalogue.resolve(text)


def test_nothing_close_suggests_ashi_or_free(catalogue: PointCatalogue) -> None:
    assert catalogue.suggest("qqqqqqqq") == []
    with pytest.raises(UnknownPointError) as caught:
        catalogue.resolve("qqqqqqqq")
    assert caught.value.suggestions == []
    assert "ASHI" in str(caught.value)


def test_several_suggestions_are_listed() -> None:
    error = UnknownPointError("x", [ASHI_POINT, ASHI_POINT, ASHI_POINT])
    assert str(error) == 'Unknown point "x". Did you mean ASHI Ashi, ASHI Ashi or ASHI Ashi?'


def test_suggest_respects_its_limit(catalogue: PointCatalogue) -> None:
    assert len(catalogue.suggest("Zhong", limit=10)) <= 10
    assert catalogue.suggest("Fengshy", limit=0) == []


# --- search ----------------------------------------------------------------------------------


def codes(points: list[AcuPoint]) -> list[str]:
    return [point.code for point in points]


def test_search_code_prefix(catalogue: PointCatalogue) -> None:
    expected = ["BL4", *(f"BL{number}" for number in range(40, 50))]
    assert codes(catalogue.search("BL4")) == expected
    assert codes(catalogue.search("ub4")) == expected
    assert codes(catalogue.search("bl 4")) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("St36", "ST36"),
        ("zu san li", "ST36"),
        ("Zúsānlǐ", "ST36"),
        ("足三里", "ST36"),
        ("Liv3", "LR3"),
        ("weizh", "BL40"),
        ("Bend M", "BL40"),
        ("Huatuo", "EX-B2"),
        ("jiaji", "EX-B2"),
        ("ex-b", "EX-B1"),
    ],
)
def test_search_ranks_the_intended_point_first(
    catalogue: PointCatalogue, query: str, first: str
) -> None:
    assert codes(catalogue.search(query))[0] == first


def test_search_ranks_exact_then_prefix_then_substring(catalogue: PointCatalogue) -> None:
    found = codes(catalogue.search("wei"))
    prefix = {"BL21", "BL39", "BL40", "BL50", "GB28", "EX-B3"}  # Weishu, Weiyang, ...
    assert set(found[: len(prefix)]) == prefix
    assert {"ST8", "CV15", "EX-LE7"} <= set(found[len(prefix) :])  # Touwei, Jiuwei, Lanwei


def test_search_finds_substrings_of_english_names(catalogue: PointCatalogue) -> None:
    assert {"ST36", "LI10"} <= set(codes(catalogue.search("three li")))


def test_search_limit_and_empty_query(catalogue: PointCatalogue) -> None:
    assert len(catalogue.search("bl")) == 20
    found = catalogue.search("bl", limit=100)
    assert codes(found[:67]) == [f"BL{number}" for number in range(1, 68)]
    assert codes(found[67:])[:2] == ["KI2", "SP10"]  # then "Blazing Valley", "Sea of Blood"
    assert catalogue.search("") == []
    assert catalogue.search(" - ") == []
    assert catalogue.search("bl", limit=0) == []
    assert catalogue.search("qqqqqq") == []


def test_search_is_fast(catalogue: PointCatalogue) -> None:
    queries = ["BL4", "zu san li", "three li", "wei", "St36", "x", "Huatuojiaji"] * 20
    best = float("inf")
    for _ in range(5):  # the best of several rounds, so a busy machine does not fail it
        start = time.perf_counter()
        for query in queries:
            catalogue.search(query)
        best = min(best, (time.perf_counter() - start) / len(queries))
    assert best < 0.001


# --- building catalogues ---------------------------------------------------------------------


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate point code ASHI"):
        PointCatalogue([ASHI_POINT, ASHI_POINT])


def test_a_small_catalogue_works_without_the_shipped_points() -> None:
    small = PointCatalogue([ASHI_POINT])
    assert small.normalize("ah shi") == "ASHI"
    assert small.normalize("BL40") is None
    assert small.normalize("GV29") is None  # Yintang's other code, but no Yintang here
    assert codes(small.search("ashi")) == ["ASHI"]


def test_bad_region_in_a_data_file_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "classical.csv").write_text(
        "code,meridian,number,pinyin,hanzi,english,region\n"
        "LU1,LU,1,Zhongfu,中府,Middle Palace,chest\n"
        "LU2,LU,2,Yunmen,云门,Cloud Gate,elbow\n",
        encoding="utf-8",
    )
    (tmp_path / "extra.csv").write_text(
        "code,group,pinyin,hanzi,english,region,needs_spinal_level\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r'classical\.csv line 3: "elbow" is not a body region'):
        load_points(tmp_path)


def test_bad_flag_in_a_data_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "classical.csv").write_text(
        "code,meridian,number,pinyin,hanzi,english,region\n", encoding="utf-8"
    )
    (tmp_path / "extra.csv").write_text(
        "code,group,pinyin,hanzi,english,region,needs_spinal_level\n"
        "EX-B2,EX-B,Jiaji,夹脊,Paravertebral Points,low_back,yes\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"extra\.csv line 2"):
        load_points(tmp_path)


# --- robustness ------------------------------------------------------------------------------


@given(st.text(max_size=60))
def test_normalize_never_raises(text: str) -> None:
    catalogue = default_catalogue()
    code = catalogue.normalize(text)
    assert code is None or code in catalogue
    assert isinstance(catalogue.search(text), list)


@given(st.from_regex(r"[A-Za-z]{1,4}[ .-]?[0-9]{1,6}[a-z]?", fullmatch=True))
def test_code_like_text_resolves_or_fails_cleanly(text: str) -> None:
    catalogue = default_catalogue()
    code = catalogue.normalize(text)
    if code is None:
        with pytest.raises(UnknownPointError) as caught:
            catalogue.resolve(text)
        assert len(caught.value.suggestions) <= 3
    else:
        assert catalogue.resolve(text).code == code
