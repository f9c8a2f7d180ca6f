"""``acujournal demo``: write a realistic demo clinic into a new journal."""

from __future__ import annotations

import argparse
import sys
import time

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.services.demo import ClinicNotEmptyError, check_demo_size, generate_clinic


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="write a realistic demo clinic into a new journal",
        description=(
            "Generate a clinic with practitioners, patients, courses of treatment, signed "
            "sessions, outcome measurements and adverse events, for trying the app out. The "
            "same seed always gives the same clinic. The journal must be new or empty; use "
            "--db to name a file. The reference clinic of the benchmarks is "
            "--patients 2000 --years 10."
        ),
    )
    parser.add_argument(
        "--patients", type=int, default=200, metavar="N", help="number of patients (default 200)"
    )
    parser.add_argument(
        "--years", type=int, default=2, metavar="N", help="years of records (default 2)"
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    add_database_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the demo clinic and say what was written."""
    try:
        check_demo_size(args.patients, args.years)
    except ValueError as error:
        raise CliError(str(error), exit_code=2) from error
    db = open_journal(args, create=True)
    show_progress = not args.quiet and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            print(f"\r{done:,} of {total:,} patients written", end="", file=sys.stderr)

    started = time.perf_counter()
    try:
        report = generate_clinic(
            db, patients=args.patients, years=args.years, seed=args.seed, progress=progress
        )
    except ClinicNotEmptyError as error:
        raise CliError(str(error)) from error
    finally:
        if show_progress:
            print(file=sys.stderr)
        db.dispose()
    if not args.quiet:
        print(f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
    return 0
