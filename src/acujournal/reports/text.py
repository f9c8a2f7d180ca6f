"""Making user text safe for ReportLab.

ReportLab's ``Paragraph`` parses its text as XML-like markup: a patient called "<b>Smith" would
turn the rest of the line bold, "</para>" ends the paragraph early or crashes the build, and
``<img src="http://...">`` makes ReportLab fetch a file. So every piece of user text goes through
this module before it reaches a Paragraph, and nothing else does:

- :func:`para_text` turns text into markup that shows exactly that text;
- :func:`text_flowables` does the same for text of any length, as a list of paragraphs, because
  one paragraph holding a megabyte takes ReportLab minutes to break across pages;
- :func:`clip` shortens text for places of fixed size (table cells, page headers);
- :func:`clean_text` removes what no font can show, for canvas strings and PDF metadata.

Limits, stated honestly: right-to-left text (Hebrew, Arabic) is drawn in logical order without
shaping (ReportLab needs rlbidi and uharfbuzz for that); characters no embedded font has (most
emoji, Thai, Devanagari) print as an empty box but stay in the text layer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from acujournal.reports.fonts import HAN, han_only_characters

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

CHUNK_CHARS = 2000
"""Most characters of user text in one paragraph (see :func:`text_flowables`)."""

ELLIPSIS = "…"

# Line and paragraph separators become plain newlines; tabs become spaces.
_NEWLINES = {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}


class _CleaningTable(dict[int, str]):
    """A ``str.translate`` table built lazily: each character is classified once, then cached.

    Removed: control characters other than newline (NUL, escape, C1 controls), invisible format
    characters (bidi overrides, zero-width joiners, soft hyphens: ReportLab would draw them as
    boxes or ignore their meaning) and Unicode noncharacters. Lone surrogates, which cannot be
    encoded at all, become U+FFFD. Everything printable stays.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _NEWLINES:
            result = _NEWLINES[char]
        elif char == "\t":
            result = " "
        elif char == "\n":
            result = char
        else:
            category = unicodedata.category(char)
            if category == "Cs":
                result = "\ufffd"
            elif category in ("Cc", "Cf") or _is_noncharacter(code):
                result = ""
            else:
                result = char
        self[code] = result
        return result


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


_TABLE = _CleaningTable()


def clean_text(text: str) -> str:
    """``text`` without control and format characters, line breaks as ``\\n``.

    The result is plain text (not markup): use it for canvas strings and PDF metadata.
    """
    text = text.replace("\r\n", "\n")
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_TABLE)


def clip(text: str, limit: int) -> str:
    """Clean ``text`` and shorten it to at most ``limit`` characters, ending in an ellipsis.

    For places of fixed size; the full text is shown elsewhere in the report. Only the start
    of a long text is cleaned, so clipping a megabyte on every page stays cheap.
    """
    prefix = text[: limit * 4 + 8]
    cleaned = clean_text(prefix)
    if len(cleaned) <= limit and len(prefix) < len(text):
        cleaned = clean_text(text)  # mostly control characters: the start was not enough
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: max(limit - 1, 0)].rstrip() + ELLIPSIS


@cache
def _han_runs() -> re.Pattern[str]:
    characters = "".join(sorted(han_only_characters()))
    return re.compile(f"[{re.escape(characters)}]+")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para_text(text: str) -> str:
    """Paragraph markup that shows exactly ``text`` (cleaned), whatever it contains.

    Escapes ``& < >``, removes what :func:`clean_text` removes, keeps line breaks (``<br/>``)
    and wraps runs of Han characters in the Han font. Words too long for a line are broken by
    the paragraph styles' ``splitLongWords``; keep the text to :data:`CHUNK_CHARS` or so, or use
    :func:`text_flowables`, so that stays fast.
    """
    markup = _escape(clean_text(text))
    if not markup.isascii():
        markup = _han_runs().sub(lambda run: f'<font name="{HAN}">{run.group(0)}</font>', markup)
    return markup.replace("\n", "<br/>")


def text_chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cleaned ``text`` cut into pieces of at most ``limit`` characters, one per paragraph.

    Cuts fall on line breaks first, then on the last space before the limit, and only inside a
    word (a 100,000-character "word") when there is no space at all. Empty lines are dropped.
    """
    pieces: list[str] = []
    for line in clean_text(text).split("\n"):
        line = line.strip()
        while len(line) > limit:
            cut = line.rfind(" ", limit // 2, limit + 1)
            if cut <= 0:
                cut = limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        if line:
            pieces.append(line)
    return pieces


def text_flowables(
    text: str,
    style: Any,
    *,
    lead: str = "",
    limit: int = CHUNK_CHARS,
    paragraph: Callable[[str, Any], Flowable] | None = None,
) -> list[Flowable]:
    """User text of any length as paragraphs in ``style``.

    ``lead`` is trusted markup (a bold label such as ``"<b>Plan:</b> "``) put in front of the
    first paragraph; it is shown even when ``text`` is empty. ``paragraph`` builds each
    flowable (ReportLab's ``Paragraph`` unless given).
    """
    if paragraph is None:
        from reportlab.platypus import Paragraph

        paragraph = Paragraph
    chunks = text_chunks(text, limit)
    if not chunks:
        return [paragraph(lead, style)] if lead else []
    flowables = [paragraph(lead + para_text(chunks[0]), style)]
    flowables.extend(paragraph(para_text(chunk), style) for chunk in chunks[1:])
    return flowables
