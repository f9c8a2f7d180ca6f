"""What every command-line subcommand shares: the error type and database options."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from acujournal.storage.db import (
    Database,
    DatabaseOpenError,
    PassphraseNeededError,
    database_url,
    open_database,
)

# The passphrase of an encrypted journal, for commands run without a person to ask.
PASSPHRASE_ENV = "ACUJOURNAL_PASSPHRASE"


class CliError(Exception):
    """An expected problem (bad file, missing database, wrong argument).

    The message is printed to stderr as one sentence and the program exits with ``exit_code``;
    no traceback is shown for these.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` and ``--database-url URL`` to a parser.

    The options are accepted both before and after the subcommand
    (``acujournal --db X export`` and ``acujournal export --db X``): a subcommand's own
    options must not reset a value given before it, so they default to "not given" and
    readers use ``getattr(args, "db", None)``.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help="SQLite journal file to use"
    )
    group.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="SQLAlchemy database URL, for example postgresql+psycopg://user@host/clinic",
    )


def open_journal(args: argparse.Namespace, *, create: bool = False) -> Database:
    """Open the database named by ``--db``/``--database-url`` (or the default one).

    Expected problems (no such file, not a database, server unreachable) become a CliError.
    An encrypted journal is opened with the passphrase in ``ACUJOURNAL_PASSPHRASE`` (a new
    journal created with it set is encrypted).
    """
    try:
        url = database_url(getattr(args, "db", None), getattr(args, "database_url", None))
        return open_database(url, create=create, passphrase=os.environ.get(PASSPHRASE_ENV) or None)
    except PassphraseNeededError as error:
        raise CliError(f"{error} Set {PASSPHRASE_ENV} to it.") from error
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error


def journal_if_any(args: argparse.Namespace) -> Database | None:
    """The journal named by the options, or the default one; None when no journal is named
    and the default one does not exist yet (for commands that can do without)."""
    if getattr(args, "db", None) or getattr(args, "database_url", None):
        return open_journal(args)
    try:
        return open_journal(args)
    except CliError as error:
        if isinstance(error.__cause__, DatabaseOpenError):
            return None
        raise


def one_line(text: str) -> str:
    """Text from a file or the journal as one safe terminal line.

    Control characters must not steer the terminal: they are shown escaped, and line breaks
    become " / " so every value stays on its line.
    """
    flat = " / ".join(text.splitlines())
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in flat)


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Print rows as aligned columns; the last column is not padded (it may be wide text)."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
