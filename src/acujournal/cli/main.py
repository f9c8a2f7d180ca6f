"""The ``acujournal`` command line: one parser, one module per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from acujournal import __version__
from acujournal.cli import (
    audit,
    demo,
    encryption,
    erase,
    intake,
    interchange,
    maintenance,
    move,
    points,
    questionnaires,
    report,
)
from acujournal.cli.common import CliError, add_database_options
from acujournal.storage.audit_keys import AuditKeyError

SUBCOMMANDS = (
    points,
    demo,
    interchange,
    report,
    maintenance,
    encryption,
    audit,
    erase,
    intake,
    questionnaires,
    move,
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser; without a subcommand the app opens."""
    parser = argparse.ArgumentParser(
        prog="acujournal",
        description=(
            "AcuJournal, the treatment journal for acupuncturists. Without a command, opens the "
            "app on your journal (or on a demo clinic when you have none yet)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"AcuJournal {__version__}")
    add_database_options(parser)
    parser.add_argument(
        "--quit-after-load",
        action="store_true",
        help="open the main window with the patient list filled, then exit (for timing start-up)",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the subcommand chosen in ``args``; expected problems end as one line on stderr."""
    try:
        result: int = args.handler(args)
        return result
    except CliError as error:
        print(f"acujournal: {error}", file=sys.stderr)
        return error.exit_code
    except AuditKeyError as error:  # any command that writes may meet a lost audit key
        print(f"acujournal: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("acujournal: interrupted.", file=sys.stderr)
        return 130


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
