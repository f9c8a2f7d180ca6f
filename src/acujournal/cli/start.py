"""Telling a plain start of the app from a command, before any command is imported.

``acujournal`` without a command opens the window; with one it runs that command. The full
parser (:mod:`acujournal.cli.main`) imports every command's module, and through them reports,
backups and migrations, which a window does not need to show a patient list. So the command
line is first read with a parser of the options a plain start takes; only when something is
left over (a command, ``--help``, ``--version``, a mistake) is the full parser built.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from acujournal.cli.common import add_database_options


class _NotAPlainStartError(Exception):
    """The command line is not a plain start; the full parser reads it (and explains)."""


class _PlainStartParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotAPlainStartError(message)


def plain_start_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace | None:
    """The options of a start without a command, or None when ``argv`` is anything else.

    Gives what the full parser would give for the same ``argv`` (same attributes, same
    defaults); None for a command, ``--help``, ``--version`` or a command line in error, which
    the full parser then reads.
    """
    parser = _PlainStartParser(prog="acujournal", add_help=False)
    add_database_options(parser)
    parser.add_argument("--quit-after-load", action="store_true")
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotAPlainStartError:
        return None
    return None if rest else args
