"""User text is made safe for ReportLab by one module; these are its promises."""

from __future__ import annotations

import pytest

from acujournal.reports.fonts import HAN
from acujournal.reports.styles import make_styles
from acujournal.reports.text import (
    CHUNK_CHARS,
    clean_text,
    clip,
    para_text,
    text_chunks,
    text_flowables,
)


@pytest.mark.parametrize(
    ("raw", "markup"),
    [
        ("<b>bold?</b>", "&lt;b&gt;bold?&lt;/b&gt;"),
        ("</para>", "&lt;/para&gt;"),
        (
            '<img src="http://example.invalid/x.png"/>',
            '&lt;img src="http://example.invalid/x.png"/&gt;',
        ),
        ("&amp; & &#60;", "&amp;amp; &amp; &amp;#60;"),
        ("line one\nline two", "line one<br/>line two"),
        ("Åse Жанна Ωμέγα", "Åse Жанна Ωμέγα"),
    ],
)
def test_para_text_shows_markup_as_text(raw: str, markup: str) -> None:
    assert para_text(raw) == markup


def test_han_runs_switch_to_the_han_font() -> None:
    assert para_text("BL40 委中 point") == f'BL40 <font name="{HAN}">委中</font> point'


def test_control_and_format_characters_are_removed() -> None:
    assert clean_text("a\x00b\x07c\x1b[31md\x7f\x9be") == "abc[31mde"
    assert clean_text("tab\there") == "tab here"
    assert clean_text("crlf\r\nand cr\rand ls\u2028end") == "crlf\nand cr\nand ls\nend"
    assert clean_text("\u202eevil\u202c \u200bzero\ufeff \u00adsoft") == "evil zero soft"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text("nonchar \uffff\ufdd0 end") == "nonchar  end"
    # Printable text of any script, emoji included, is kept as it is.
    printable = "שלום مرحبا 😀 委中 Ωμέγα"
    assert clean_text(printable) == printable


def test_long_text_is_cut_into_paragraphs_at_sensible_places() -> None:
    word = "x" * 100_000
    chunks = text_chunks(word)
    assert "".join(chunks) == word
    assert max(map(len, chunks)) == CHUNK_CHARS
    sentence = "twelve chars " * 1000
    chunks = text_chunks(sentence)
    # Cut at spaces: every piece holds whole words only.
    assert all(set(chunk.split(" ")) <= {"twelve", "chars"} for chunk in chunks)
    assert " ".join(chunks) == sentence.strip()
    assert text_chunks("first\n\n\nsecond") == ["first", "second"]


def test_text_flowables_put_trusted_lead_before_user_text() -> None:
    styles = make_styles()
    flowables = text_flowables("<b>x</b>", styles.body, lead="<b>Plan:</b> ")
    # The user's "<b>" is shown as text; only the lead is markup.
    assert [f.getPlainText() for f in flowables] == ["Plan: <b>x</b>"]
    assert flowables[0].text.startswith("<b>Plan:</b> &lt;b&gt;")
    assert text_flowables("", styles.body) == []
    assert len(text_flowables("", styles.body, lead="<b>S:</b> ")) == 1


def test_clip_shortens_with_an_ellipsis() -> None:
    assert clip("Åse Bjørnstad", 50) == "Åse Bjørnstad"
    assert clip("a" * 100, 10) == "a" * 9 + "…"
    assert clip("a\x00b", 10) == "ab"
