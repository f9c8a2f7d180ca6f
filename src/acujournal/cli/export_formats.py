"""``acujournal export --format fhir|csv|research``: the exports beside ``acujournal/1`` JSON.

``fhir`` writes a FHIR R4 Bundle to a file; ``csv`` writes sessions.csv, needles.csv and
measurements.csv to a folder; ``research`` writes a de-identified cohort (cohort.csv and
codebook.md) to a folder. docs/export.md describes all three.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import date
from pathlib import Path

from acujournal.cli.common import CliError, open_journal
from acujournal.services.csv_export import write_csv_export
from acujournal.services.fhir_export import write_fhir_export
from acujournal.services.research_export import (
    CohortFilter,
    ResearchExportError,
    write_research_export,
)
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError

FORMATS = ("json", "fhir", "csv", "research")
FOLDER_FORMATS = ("csv", "research")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f'"{text}" is not a date written YYYY-MM-DD') from error


def add_format_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--format`` and the research export's ``--condition``, ``--from`` and ``--to``."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help=(
            "json: the acujournal/1 file (the default); fhir: a FHIR R4 bundle file; csv: "
            "sessions, needles and measurements for spreadsheets, in a folder; research: a "
            "de-identified cohort with its codebook, in a folder"
        ),
    )
    research = parser.add_argument_group("research export (--format research)")
    research.add_argument(
        "--condition", metavar="C", help='only courses for this condition, e.g. "sciatica"'
    )
    research.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        type=_day,
        help="only courses whose first session is on or after this day (YYYY-MM-DD)",
    )
    research.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        type=_day,
        help="only courses whose first session is on or before this day (YYYY-MM-DD)",
    )


def check_format_options(args: argparse.Namespace, patient_id: uuid.UUID | None) -> None:
    """Refuse options that do not go with the chosen format (before anything is opened)."""
    research_only = [
        option
        for option, value in (
            ("--condition", args.condition),
            ("--from", args.date_from),
            ("--to", args.date_to),
        )
        if value is not None
    ]
    if research_only and args.format != "research":
        raise CliError(f"{research_only[0]} is only for --format research.")
    if args.format == "research" and patient_id is not None:
        raise CliError(
            "A research export is a de-identified cohort of the whole journal; "
            "--patient cannot be used with it."
        )


def _check_out(out: Path, folder: bool) -> None:
    if folder:
        if out.exists() and not out.is_dir():
            raise CliError(f"Cannot write to {out}: it is a file, and this export needs a folder.")
    elif out.is_dir():
        raise CliError(f"Cannot write {out}: it is a folder, and this export writes a file.")
    if not out.exists() and not out.parent.is_dir():
        raise CliError(f"Cannot write {out}: the folder {out.parent} does not exist.")


def run_format_export(args: argparse.Namespace, patient_id: uuid.UUID | None) -> int:
    """Run a fhir, csv or research export and say what was written.

    The options were checked with :func:`check_format_options`.
    """
    out = Path(args.out)
    _check_out(out, args.format in FOLDER_FORMATS)
    db = open_journal(args)
    try:
        message = _export(db, args, out, patient_id)
    except (NotFoundError, ResearchExportError) as error:
        raise CliError(str(error)) from error
    except OSError as error:
        raise CliError(f"Cannot write {out}: {error.strerror or error}.") from error
    finally:
        db.dispose()
    print(message)
    return 0


def _export(db: Database, args: argparse.Namespace, out: Path, patient_id: uuid.UUID | None) -> str:
    if args.format == "fhir":
        fhir = write_fhir_export(db, out, patient_id)
        return (
            f"Exported {_count(fhir.patients, 'patient')} with {_count(fhir.sessions, 'session')} "
            f"to {out} as a FHIR R4 bundle of {_count(fhir.resources, 'resource')}."
        )
    if args.format == "csv":
        csv = write_csv_export(db, out, patient_id)
        names = ", ".join(path.name for path in csv.files)
        return (
            f"Wrote {names} to {out}: {_count(csv.patients, 'patient')}, "
            f"{_count(csv.sessions, 'session')}, {_count(csv.needles, 'needle row')} and "
            f"{_count(csv.measurements, 'measurement')}."
        )
    chosen = CohortFilter(args.condition, args.date_from, args.date_to)
    cohort = write_research_export(db, out, chosen)
    return (
        f"Wrote a de-identified cohort of {_count(cohort.courses, 'course')} of "
        f"{_count(cohort.participants, 'participant')} to {out} (cohort.csv, codebook.md)."
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
