"""The acupuncture point catalogue: lookup, forgiving normalisation and search.

The catalogue holds the 361 classical points of the WHO standard nomenclature, the 48 WHO extra
points (EX-HN, EX-CA, EX-B, EX-UE, EX-LE), and two pseudo-points: ``ASHI`` for a tender point with
no fixed location and ``FREE`` for a named point the catalogue does not list (an auricular point,
say). Both pseudo-points need a body region when recorded.

Practitioners type points in many ways ("UB40", "ub 40", "BL-40", "Weizhong", "SJ5", "Liv3",
"K3", "ex-b2", "Huatuojiaji"). :meth:`PointCatalogue.normalize` turns any of them into the WHO
code; :meth:`PointCatalogue.search` ranks partial input for pickers; unknown input gets the
closest suggestions. All comparisons use :func:`fold`: case-, accent-, space- and
punctuation-insensitive.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NamedTuple

from acujournal.resource_files import resource_path

BODY_REGIONS = frozenset(
    {
        "head",
        "face",
        "neck",
        "shoulder",
        "chest",
        "abdomen",
        "upper_back",
        "low_back",
        "buttock",
        "upper_arm",
        "forearm",
        "hand",
        "thigh",
        "knee",
        "lower_leg",
        "foot",
        "ear",
        "perineum",
    }
)
"""The coded body regions a point (or an Ashi/free point) is filed under."""

MERIDIANS = ("LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR", "GV", "CV")
"""The WHO meridian codes of the classical points, in the catalogue's order."""

# Code prefixes as typed (folded) -> the WHO prefix. The WHO prefixes map to themselves.
MERIDIAN_ALIASES: dict[str, str] = {
    **{who.lower(): who for who in MERIDIANS},
    "ub": "BL",
    "th": "TE",
    "tw": "TE",
    "sj": "TE",
    "tb": "TE",
    "liv": "LR",
    "lv": "LR",
    "du": "GV",
    "ren": "CV",
    "rn": "CV",
    "k": "KI",
    "h": "HT",
    "he": "HT",
    "p": "PC",
    **{
        group.replace("-", "").lower(): group
        for group in ("EX-HN", "EX-CA", "EX-B", "EX-UE", "EX-LE")
    },
}

# Other names in common use: older or alternative readings, and names shared by two points
# (an ambiguous name resolves to nothing but finds both points in a search).
ALTERNATE_NAMES: tuple[tuple[str, str], ...] = (
    ("Zanzhu", "BL2"),  # 攒 read zǎn
    ("Gaohuangshu", "BL43"),
    ("Qimai", "TE18"),
    ("Renzhong", "GV26"),
    ("Tanzhong", "CV17"),  # 膻 read tán
    ("Shanzhong", "CV17"),  # 膻 read shān
    ("Waixiyan", "ST35"),
    ("Huatuojiaji", "EX-B2"),
    ("Huatuo Jiaji", "EX-B2"),
    ("Heliao", "LI19"),  # before WHO 2008 both were plain Heliao
    ("Heliao", "TE22"),
    ("Sanli", "LI10"),
    ("Sanli", "ST36"),
    ("Tonggu", "BL66"),
    ("Tonggu", "KI20"),
    ("Qiaoyin", "GB11"),
    ("Qiaoyin", "GB44"),
    ("Linqi", "GB15"),
    ("Linqi", "GB41"),
    ("Ah Shi", "ASHI"),
    ("Tender point", "ASHI"),
)

# Codes from other standards: the Chinese national standard GB/T 12346-2006 files Yintang on the
# Governor Vessel as GV29.
CODE_ALIASES: dict[str, str] = {"gv29": "EX-HN3"}

NORMALIZE_CACHE_SIZE = 10_000
"""Distinct texts whose normalisation is remembered (a large import repeats a few hundred)."""

SUGGESTION_CUTOFF = 0.6
"""Lowest difflib similarity (0-1) a suggestion may have."""
SUGGESTION_SPREAD = 0.1
"""Suggestions more than this much less similar than the best one are left out as noise."""

_CODE_KEY = re.compile(r"([a-z]+)([0-9]{1,3})", re.ASCII)
_CODE_START = re.compile(r"([a-z]+)([0-9].*)", re.ASCII)


def fold(text: str) -> str:
    """``text`` without case, accents, spaces or punctuation: "Zú Sān-lǐ" -> "zusanli"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())


class PointKind(StrEnum):
    CLASSICAL = "classical"
    EXTRA = "extra"
    ASHI = "ashi"
    FREE = "free"


@dataclass(frozen=True, slots=True)
class AcuPoint:
    """One catalogue entry. ``meridian``/``number`` are None for extra and pseudo-points."""

    code: str
    kind: PointKind
    meridian: str | None
    number: int | None
    pinyin: str
    hanzi: str
    english: str
    region: str
    needs_spinal_level: bool = False
    needs_region: bool = False

    @property
    def label(self) -> str:
        """How the point is shown: "BL40 Weizhong (Bend Middle)"."""
        parts = [self.code]
        if self.pinyin:
            parts.append(self.pinyin)
        if self.english and self.english != self.pinyin:
            parts.append(f"({self.english})")
        return " ".join(parts)


ASHI_POINT = AcuPoint(
    code="ASHI",
    kind=PointKind.ASHI,
    meridian=None,
    number=None,
    pinyin="Ashi",
    hanzi="阿是",
    english="Ashi point",
    region="",
    needs_region=True,
)
FREE_POINT = AcuPoint(
    code="FREE",
    kind=PointKind.FREE,
    meridian=None,
    number=None,
    pinyin="",
    hanzi="",
    english="Free-named point",
    region="",
    needs_region=True,
)


class UnknownPointError(ValueError):
    """Text that names no point; carries the closest points as suggestions."""

    def __init__(self, text: str, suggestions: Sequence[AcuPoint] = ()) -> None:
        self.text = text
        self.suggestions = list(suggestions)
        message = f'Unknown point "{text}".'
        if self.suggestions:
            names = [f"{point.code} {point.pinyin}".strip() for point in self.suggestions]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
            message += f" Did you mean {listed}?"
        else:
            message += " Write ASHI for a tender point, or FREE for a point not in the catalogue."
        super().__init__(message)


class _Entry(NamedTuple):
    """A point with its folded search keys, computed once."""

    point: AcuPoint
    code_key: str
    names: str  # every folded name, each preceded by "\0", so prefix tests are one `in`


class PointCatalogue:
    """An ordered, immutable set of points with forgiving lookup."""

    def __init__(self, points: Iterable[AcuPoint]) -> None:
        self._by_code: dict[str, AcuPoint] = {}
        for point in points:
            if point.code in self._by_code:
                raise ValueError(f"duplicate point code {point.code}")
            self._by_code[point.code] = point
        alternates: dict[str, list[str]] = {}
        for name, code in ALTERNATE_NAMES:
            if code in self._by_code:
                alternates.setdefault(code, []).append(name)
        # folded key -> codes it names; a key naming two points is ambiguous.
        self._keys: dict[str, list[str]] = {}
        self._entries: list[_Entry] = []
        self._suggest_keys: list[tuple[str, int]] = []
        # Text as typed -> its code: validating a journal normalises every needle's point, and
        # the same few hundred spellings come back hundreds of thousands of times.
        self._normalized: dict[str, str | None] = {}
        for index, point in enumerate(self._by_code.values()):
            names = [point.pinyin, point.english, point.hanzi, *alternates.get(point.code, ())]
            name_keys = list(dict.fromkeys(key for key in map(fold, names) if key))
            code_key = fold(point.code)
            exact = [code_key, *name_keys, fold(point.label), fold(f"{point.code}{point.pinyin}")]
            for key in dict.fromkeys(exact):
                self._keys.setdefault(key, []).append(point.code)
            self._entries.append(_Entry(point, code_key, "".join(f"\0{key}" for key in name_keys)))
            for key in dict.fromkeys([code_key, *name_keys]):
                self._suggest_keys.append((key, index))

    def __iter__(self) -> Iterator[AcuPoint]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def get(self, code: str) -> AcuPoint | None:
        """The point with exactly this WHO code ("BL40", "EX-B2", "ASHI"), or None."""
        return self._by_code.get(code)

    def _code_from_key(self, key: str) -> str | None:
        """The code a folded key spells with any prefix alias ("ub40" -> "BL40"), if listed."""
        code = CODE_ALIASES.get(key)
        if code is None:
            match = _CODE_KEY.fullmatch(key)
            if match is None or match[1] not in MERIDIAN_ALIASES:
                return None
            code = f"{MERIDIAN_ALIASES[match[1]]}{int(match[2])}"
        return code if code in self._by_code else None

    def normalize(self, text: str) -> str | None:
        """The WHO code ``text`` names, or None when it names no point or several.

        Accepts codes with aliases, separators and any case ("ub 40", "BL-40", "SJ5", "ex-b2"),
        pinyin with or without tone marks and spaces, English names, Han characters, common
        alternative names ("Huatuojiaji", "Renzhong") and labels ("BL40 Weizhong (Bend Middle)").
        """
        try:
            return self._normalized[text]
        except KeyError:
            pass
        key = fold(text)
        code = self._code_from_key(key)
        if code is None:
            codes = self._keys.get(key, ())
            code = codes[0] if len(codes) == 1 else None
        if len(self._normalized) < NORMALIZE_CACHE_SIZE:
            self._normalized[text] = code
        return code

    def resolve(self, text: str) -> AcuPoint:
        """The point ``text`` names; UnknownPointError (with suggestions) when there is none."""
        code = self.normalize(text)
        if code is None:
            raise UnknownPointError(text, self.suggest(text))
        return self._by_code[code]

    def search(self, query: str, limit: int = 20) -> list[AcuPoint]:
        """Points matching ``query``, best first, at most ``limit``.

        Ranks: exact code, alias or name (an ambiguous name lists every point it names); code
        prefix ("BL4" -> BL4, BL40-BL49; "ub4" the same); name prefix ("wei" -> Weizhong...);
        then names containing the query ("three li"). Catalogue order within a rank.
        """
        key = fold(query)
        if not key or limit <= 0:
            return []
        exact = set(self._keys.get(key, ()))
        aliased = self._code_from_key(key)
        if aliased is not None:
            exact.add(aliased)
        code_prefixes: tuple[str, ...] = (key,)
        match = _CODE_KEY.fullmatch(key)
        if match is not None and match[1] in MERIDIAN_ALIASES:
            code_prefixes += (fold(MERIDIAN_ALIASES[match[1]]) + match[2],)
        name_prefix = f"\0{key}"
        ranked: list[tuple[int, AcuPoint]] = []
        for point, code_key, names in self._entries:
            if point.code in exact:
                rank = 0
            elif code_key.startswith(code_prefixes):
                rank = 1
            elif name_prefix in names:
                rank = 2
            elif key in names:
                rank = 3
            else:
                continue
            ranked.append((rank, point))
        ranked.sort(key=lambda item: item[0])  # stable: catalogue order within a rank
        return [point for _, point in ranked[:limit]]

    def suggest(self, text: str, limit: int = 3) -> list[AcuPoint]:
        """The points whose code or names are closest to ``text`` (difflib ratio), best first."""
        key = fold(text)
        if not key or limit <= 0:
            return []
        queries = [key]
        match = _CODE_START.fullmatch(key)
        if match is not None and match[1] in MERIDIAN_ALIASES:
            queries.append(fold(MERIDIAN_ALIASES[match[1]]) + match[2])
        best: dict[int, float] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        for query in queries:
            matcher.set_seq2(query)
            for candidate, index in self._suggest_keys:
                matcher.set_seq1(candidate)
                if (
                    matcher.real_quick_ratio() >= SUGGESTION_CUTOFF
                    and matcher.quick_ratio() >= SUGGESTION_CUTOFF
                ):
                    score = matcher.ratio()
                    if score >= max(SUGGESTION_CUTOFF, best.get(index, 0.0)):
                        best[index] = score
        if not best:
            return []
        floor = max(best.values()) - SUGGESTION_SPREAD
        chosen = sorted(
            (index for index, score in best.items() if score >= floor),
            key=lambda index: (-best[index], index),
        )
        return [self._entries[index].point for index in chosen[:limit]]


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as file:
        yield from enumerate(csv.DictReader(file), start=2)


def _region(path: Path, line: int, value: str) -> str:
    if value not in BODY_REGIONS:
        raise ValueError(f'{path.name} line {line}: "{value}" is not a body region')
    return value


def _flag(path: Path, line: int, value: str) -> bool:
    if value not in ("true", "false"):
        raise ValueError(f'{path.name} line {line}: "{value}" is neither true nor false')
    return value == "true"


def load_points(folder: Path) -> list[AcuPoint]:
    """The points in ``classical.csv`` and ``extra.csv`` of ``folder``, in file order."""
    points: list[AcuPoint] = []
    classical = folder / "classical.csv"
    for line, row in _read_rows(classical):
        points.append(
            AcuPoint(
                code=row["code"],
                kind=PointKind.CLASSICAL,
                meridian=row["meridian"],
                number=int(row["number"]),
                pinyin=row["pinyin"],
                hanzi=row["hanzi"],
                english=row["english"],
                region=_region(classical, line, row["region"]),
            )
        )
    extra = folder / "extra.csv"
    for line, row in _read_rows(extra):
        points.append(
            AcuPoint(
                code=row["code"],
                kind=PointKind.EXTRA,
                meridian=None,
                number=int(row["code"].rpartition(row["group"])[2]),
                pinyin=row["pinyin"],
                hanzi=row["hanzi"],
                english=row["english"],
                region=_region(extra, line, row["region"]),
                needs_spinal_level=_flag(extra, line, row["needs_spinal_level"]),
            )
        )
    return points


def points_folder() -> Path:
    """Where the shipped point files are: inside the package, or the checkout's resources."""
    return resource_path("points")


@cache
def default_catalogue() -> PointCatalogue:
    """The shipped catalogue (classical, extra, Ashi and free points), loaded once."""
    return PointCatalogue([*load_points(points_folder()), ASHI_POINT, FREE_POINT])
