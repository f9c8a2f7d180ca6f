"""The fonts every report embeds, registered with ReportLab once.

ReportLab's built-in fonts (Helvetica & co.) cover Latin-1 only: "Łukasz", "Ωμέγα" or "Жанна"
would print as black boxes. The reports therefore embed DejaVu Sans (accented Latin, Greek,
Cyrillic, Hebrew, Arabic letters, many symbols) and, for the Han characters of point names,
AcuHan: a small subset of Droid Sans Fallback made by ``packaging/make-han-font.py``.
Both files live in ``resources/fonts`` with their licences.
"""

from __future__ import annotations

from functools import cache

from acujournal.resource_files import resource_path

SANS = "AcuSans"
SANS_BOLD = "AcuSans-Bold"
HAN = "AcuHan"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    HAN: "AcuHan.ttf",
}


@cache
def register_fonts() -> None:
    """Register the report fonts and their families with ReportLab (idempotent)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    # <b> inside a paragraph looks up the bold face of the current family; there is no italic
    # face, so italic falls back to the upright one instead of failing.
    for bold, italic, face in ((0, 0, SANS), (1, 0, SANS_BOLD), (0, 1, SANS), (1, 1, SANS_BOLD)):
        addMapping(SANS, bold, italic, face)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(HAN, bold, italic, HAN)


@cache
def han_only_characters() -> frozenset[str]:
    """Characters AcuHan can draw and DejaVu Sans cannot: the runs to switch fonts for."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    sans = pdfmetrics.getFont(SANS).face.charToGlyph
    han = pdfmetrics.getFont(HAN).face.charToGlyph
    return frozenset(chr(code) for code in han if code not in sans)
