"""Keeping PySide6's import hook from holding the source of every module in memory.

PySide6 watches every import that follows its own (for its ``__feature__`` switches), and to
tell whether a module uses PySide6 it reads the module's whole source with
``inspect.getsource``. That leaves the text of every module the app imports in Python's line
cache (:mod:`linecache`): some 20 MiB, a sixth of the app's memory, that nothing else needs,
and a noticeable part of a start spent reading and splitting it into lines.

:func:`lighten` answers the same question by searching the module's file for "PySide6"
directly (the hook's own way for anything else), and drops the lines cached so far. Line
numbers in tracebacks are unaffected: the line cache reads a file again when it needs it.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

_MARK = "_acujournal_reads_file"


def lighten() -> None:
    """Make PySide6's check of each imported module read its file, and free the cached lines."""
    feature: Any = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is not None and callable(original) and not getattr(original, _MARK, False):
        feature._mod_uses_pyside = _reading_the_file(original)
    drop_cached_source()


def _reading_the_file(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    marked: Any = uses_pyside
    setattr(marked, _MARK, True)
    return uses_pyside


def drop_cached_source() -> None:
    """Forget the cached lines of files on disk (the line cache reads them again if asked).

    Entries without a file behind them (source registered for generated code) are kept:
    they could not be read again.
    """
    for name, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(name, None)
