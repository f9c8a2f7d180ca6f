#!/usr/bin/env python3
"""Build ``resources/fonts/AcuHan.ttf``: the Han characters of the point catalogue, nothing more.

PDF reports show point names in Han characters (委中 for BL40). A full CJK font is 4-17 MB; the
catalogue uses a few hundred characters, so the reports embed a subset of Droid Sans Fallback
(Apache-2.0, Debian package ``fonts-droid-fallback``) holding exactly those characters.

Run it again whenever ``resources/points/*.csv`` gains characters::

    apt-get install fonts-droid-fallback
    .venv/bin/pip install fonttools
    .venv/bin/python packaging/make-han-font.py

The output is reproducible: the same CSV files and source font give the same bytes (the
``head`` table's time stamps are pinned instead of set to "now").
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
SOURCE_FONT = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
POINTS_DIR = REPO / "resources" / "points"
OUTPUT = REPO / "resources" / "fonts" / "AcuHan.ttf"
FAMILY = "AcuHan"
# 2010-01-01 in the font epoch (seconds since 1904-01-01), a fixed stamp for reproducible output.
FIXED_TIMESTAMP = 3345062400


def is_han(char: str) -> bool:
    """True for CJK ideographs (the Han characters of point names)."""
    return unicodedata.name(char, "").startswith("CJK ")


def han_characters(points_dir: Path) -> set[str]:
    """Every Han character in any column of the point catalogue CSV files."""
    found: set[str] = set()
    for path in sorted(points_dir.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    found.update(char for char in cell if is_han(char))
    return found


def build(source: Path, characters: set[str], output: Path) -> None:
    """Write a TrueType subset of ``source`` with ``characters`` and a renamed family."""
    options = subset.Options()
    # ReportLab reads the classic TrueType tables only; layout and hinting tables are dead weight.
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.name_languages = [0x0409]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(char) for char in characters))
    subsetter.subset(font)
    font["head"].created = FIXED_TIMESTAMP
    font["head"].modified = FIXED_TIMESTAMP
    # A subset is a modified font: give it its own name so it is never mistaken for Droid.
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(FAMILY, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(f"{FAMILY} subset", 3, record.platformID, record.platEncID, record.langID)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE_FONT)
    parser.add_argument("--points", type=Path, default=POINTS_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"{args.source} not found: install fonts-droid-fallback.", file=sys.stderr)
        return 1
    characters = han_characters(args.points)
    build(args.source, characters, args.output)
    covered = set(map(chr, TTFont(args.output).getBestCmap()))
    missing = sorted(characters - covered)
    print(f"{args.output}: {len(characters)} Han characters, {args.output.stat().st_size} bytes")
    if missing:
        print(f"not in the source font: {''.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
