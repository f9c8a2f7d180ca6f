"""Paragraph and table styles: the one place where the reports' look is decided.

Two sizes share one design: practitioner and clinic reports use a compact 9 pt body so a course
of sessions fits on few pages; the patient summary uses 12.5 pt, because many patients read it
without their glasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acujournal.reports.fonts import SANS, SANS_BOLD, register_fonts

# Colours as hex strings so this module needs no ReportLab import to be read.
INK = "#1f2933"
MUTED = "#5f6b7a"
ACCENT = "#1b5e7a"
RULE = "#c9d3dd"
HEADER_FILL = "#e6eef3"
ZEBRA_FILL = "#f6f8fa"
WARNING = "#b3261e"
BACK_COLOUR = "#1b5e7a"
LEG_COLOUR = "#c2571a"
BAND_FILL = "#e9e4f5"


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one report (ReportLab ``ParagraphStyle`` objects)."""

    body: Any
    small: Any
    title: Any
    subtitle: Any
    heading: Any
    subheading: Any
    cell: Any
    cell_number: Any
    cell_bold: Any
    header_cell: Any
    letterhead_name: Any
    letterhead_address: Any
    running: Any
    callout: Any
    note_heading: Any
    note: Any
    body_size: float


def make_styles(body_size: float = 9.0) -> Styles:
    """Paragraph styles scaled from the body size (9 pt for practitioners, 12.5 for patients)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink = colors.HexColor(INK)
    base = ParagraphStyle(
        "body",
        fontName=SANS,
        fontSize=body_size,
        leading=body_size * 1.35,
        textColor=ink,
        spaceAfter=body_size * 0.35,
        # A word wider than the column is broken rather than overflowing it.
        splitLongWords=True,
    )
    cell_size = max(body_size - 1.5, 7.0)

    def derive(name: str, **changes: Any) -> Any:
        return ParagraphStyle(name, parent=base, **changes)

    return Styles(
        body=base,
        small=derive(
            "small",
            fontSize=body_size * 0.8,
            leading=body_size * 1.05,
            textColor=colors.HexColor(MUTED),
            spaceBefore=body_size * 0.3,
        ),
        title=derive(
            "title",
            fontName=SANS_BOLD,
            fontSize=body_size * 1.9,
            leading=body_size * 2.3,
            textColor=colors.HexColor(ACCENT),
            spaceBefore=body_size * 0.4,
            spaceAfter=body_size * 0.5,
        ),
        subtitle=derive(
            "subtitle",
            fontSize=body_size * 1.05,
            leading=body_size * 1.4,
            textColor=colors.HexColor(MUTED),
            spaceAfter=body_size * 0.9,
        ),
        heading=derive(
            "heading",
            fontName=SANS_BOLD,
            fontSize=body_size * 1.4,
            leading=body_size * 1.8,
            textColor=colors.HexColor(ACCENT),
            spaceBefore=body_size * 1.3,
            spaceAfter=body_size * 0.5,
            keepWithNext=True,
        ),
        subheading=derive(
            "subheading",
            fontName=SANS_BOLD,
            fontSize=body_size * 1.1,
            leading=body_size * 1.45,
            spaceBefore=body_size * 0.8,
            spaceAfter=body_size * 0.3,
            keepWithNext=True,
        ),
        cell=derive("cell", fontSize=cell_size, leading=cell_size * 1.25, spaceAfter=0),
        cell_number=derive(
            "cell_number",
            fontSize=cell_size,
            leading=cell_size * 1.25,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
        cell_bold=derive(
            "cell_bold", fontName=SANS_BOLD, fontSize=cell_size, leading=cell_size * 1.25
        ),
        header_cell=derive(
            "header_cell",
            fontName=SANS_BOLD,
            fontSize=cell_size,
            leading=cell_size * 1.25,
            spaceAfter=0,
        ),
        letterhead_name=derive(
            "letterhead_name",
            fontName=SANS_BOLD,
            fontSize=body_size * 1.45,
            leading=body_size * 1.8,
            textColor=colors.HexColor(ACCENT),
            spaceAfter=0,
        ),
        letterhead_address=derive(
            "letterhead_address",
            fontSize=body_size * 0.9,
            leading=body_size * 1.2,
            textColor=colors.HexColor(MUTED),
            spaceAfter=0,
        ),
        running=derive(
            "running", fontSize=7.5, leading=9, textColor=colors.HexColor(MUTED), spaceAfter=0
        ),
        callout=derive(
            "callout",
            borderColor=colors.HexColor(WARNING),
            borderWidth=0.8,
            borderPadding=(body_size * 0.5, body_size * 0.6, body_size * 0.5, body_size * 0.6),
            backColor=colors.HexColor("#fdf1f0"),
            # The border is drawn outside the text: indent so it stays inside the margins.
            leftIndent=body_size * 0.6,
            rightIndent=body_size * 0.6,
            spaceBefore=body_size * 0.9,
            spaceAfter=body_size * 1.1,
        ),
        note_heading=derive(
            "note_heading",
            spaceBefore=body_size * 0.7,
            spaceAfter=body_size * 0.15,
            keepWithNext=True,
        ),
        note=derive("note", leftIndent=body_size * 1.2, spaceAfter=body_size * 0.15),
        body_size=body_size,
    )


def table_style(*, zebra: bool = True, header_rows: int = 1) -> Any:
    """The one table look: a tinted header, hairline rules, optional zebra rows."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(RULE)),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor(HEADER_FILL)),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, colors.HexColor(INK)),
        ]
    if zebra:
        commands.append(
            (
                "ROWBACKGROUNDS",
                (0, header_rows),
                (-1, -1),
                [colors.white, colors.HexColor(ZEBRA_FILL)],
            )
        )
    return TableStyle(commands)
