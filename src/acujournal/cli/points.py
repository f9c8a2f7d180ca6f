"""``acujournal points [QUERY]``: list or search the acupuncture point catalogue."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence

from acujournal.cli.common import CliError, print_table
from acujournal.domain.catalogue import AcuPoint, default_catalogue

CSV_COLUMNS = ("code", "meridian", "pinyin", "english", "region")
_TABLE_COLUMNS = ("code", "pinyin", "english", "region", "hanzi")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``points`` subcommand."""
    parser = subparsers.add_parser(
        "points",
        help="list or search the acupuncture point catalogue",
        description=(
            "List the point catalogue (WHO classical and extra points, Ashi and free points), "
            'or search it: by code with any common alias ("UB40", "SJ5", "Liv3"), by pinyin '
            '("zu san li"), English name ("three li") or Han characters.'
        ),
    )
    parser.add_argument("query", metavar="QUERY", nargs="?", help="code or name to look for")
    parser.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="output as an aligned table (default) or as CSV with a header row",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the whole catalogue, or the points matching ``args.query``."""
    catalogue = default_catalogue()
    query: str | None = args.query
    if query is None:
        points = list(catalogue)
    else:
        points = catalogue.search(query, limit=len(catalogue))
        if not points:
            message = f'no point matches "{query}"'
            suggestions = catalogue.suggest(query)
            if suggestions:
                message += "; did you mean " + ", ".join(p.label for p in suggestions) + "?"
            raise CliError(message)
    if args.format == "csv":
        _write_csv(points)
    else:
        _write_table(points)
    return 0


def _write_csv(points: Sequence[AcuPoint]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for point in points:
        writer.writerow(
            [point.code, point.meridian or "", point.pinyin, point.english, point.region]
        )


def _write_table(points: Sequence[AcuPoint]) -> None:
    rows = [[column.upper() for column in _TABLE_COLUMNS]]
    rows += [
        [point.code, point.pinyin, point.english, point.region, point.hanzi] for point in points
    ]
    # Han characters come last: they are double width on a terminal and would skew alignment.
    print_table(rows)
