"""Text a server database refuses, refused in words instead of a driver error.

SQLite keeps any text in any column. PostgreSQL refuses text longer than its column
(``VARCHAR(64)`` for a phone number) and any text with a NUL character, with a raw driver
error (``DataError``) in the middle of a use case, which reached the person as a traceback.
On a server journal the text a unit of work sets is checked before it is written: too long, a
NUL character (also inside JSON values), or a lone surrogate (which is not text at all) ends
the use case with a ``ValidationError`` naming the field, like every other rule. Only values
being written are checked.

A SQLite journal keeps accepting such text as it always has (reports are built to cope with
it); moving one onto a server names each value the server would refuse
(:mod:`acujournal.storage.journal_copy`). The limits are the columns' own, so they cannot
drift from the schema; the interchange importer holds imported files to the same ones.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, String, event, inspect
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker
from sqlalchemy.types import TypeEngine

if TYPE_CHECKING:
    from acujournal.domain.validation import Problem

NUL = "\x00"


_installed: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def install(sessions: sessionmaker[Session], dialect: str) -> None:
    """Check the text of every flush of this server journal's sessions (idempotent)."""
    if dialect != "sqlite" and sessions not in _installed:
        # Remembered here rather than asked of SQLAlchemy's event registry, which knows
        # targets by id() and can mistake a new factory for a collected one (see audit.py).
        _installed.add(sessions)
        event.listen(sessions, "before_flush", _check_flush)


def text_problem(value: str, limit: int | None) -> str | None:
    """Why ``value`` cannot be stored in a column of ``limit`` characters, or None."""
    if limit is not None and len(value) > limit:
        return f"is {len(value)} characters long; at most {limit} are allowed"
    if NUL in value:
        return "contains a NUL character, which a journal cannot keep"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


def json_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from json_strings(key)
            yield from json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from json_strings(item)


def value_problem(column_type: TypeEngine[Any], value: Any) -> str | None:
    """Why a server would refuse ``value`` in a column of ``column_type``, or None."""
    if isinstance(column_type, String) and isinstance(value, str):
        return text_problem(value, column_type.length)
    if isinstance(column_type, JSON):
        for text in json_strings(value):
            problem = text_problem(text, None)
            if problem:
                return problem
    return None


def row_problems(row: object, *, changed_only: bool) -> list[Problem]:
    """The text problems of one mapped row (of its changed attributes only, if asked)."""
    # Imported here: opening a journal (on the way to the first window) need not load the
    # domain's rules, and SQLite journals never get this far.
    from acujournal.domain.validation import Problem

    state = inspect(row)
    entity = state.mapper.local_table.name.removesuffix("s")
    problems: list[Problem] = []
    for attribute in state.mapper.column_attrs:
        column_type = attribute.columns[0].type
        if not isinstance(column_type, String | JSON):
            continue
        if changed_only and not state.attrs[attribute.key].history.has_changes():
            continue
        problem = value_problem(column_type, getattr(row, attribute.key))
        if problem:
            problems.append(Problem(f"{entity}.{attribute.key}", problem))
    return problems


def _check_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    problems = [
        problem
        for row in chain(session.new, session.dirty)
        for problem in row_problems(row, changed_only=row not in session.new)
    ]
    if problems:
        from acujournal.domain.validation import ValidationError

        raise ValidationError(problems)
