"""Counted nouns in plain English: "1 needle", "2 needles", "1,204 entries"."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and the noun in the number it takes; ``words`` when not ``word + "s"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
