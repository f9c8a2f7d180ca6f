"""``acujournal report``: write a progress report, patient summary or clinic report as PDF.

ReportLab is imported only when a report is actually made, so ``acujournal --help`` and the
other commands start without it.
"""

from __future__ import annotations

import argparse
import os
import uuid
from datetime import date
from pathlib import Path

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.services.report_files import (
    ReportKind,
    ReportRequest,
    render_report,
    write_atomically,
)
from acujournal.services.reporting import ReportError
from acujournal.storage.repository import NotFoundError

KINDS = tuple(kind.value for kind in ReportKind)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write a PDF report: progress (practitioner), summary (patient) or clinic",
        description=(
            "Write a PDF report. progress: a patient's course for the practitioner or a "
            "referrer (one case with --case, else every case in the period). summary: the "
            "plain-language summary for the patient, without clinical or internal notes. "
            "clinic: sessions, new patients, outcomes and adverse events for a period "
            "(default: the last 12 months)."
        ),
    )
    parser.add_argument("kind", choices=KINDS, help="which report to write")
    parser.add_argument("--patient", metavar="ID", help="the patient (progress and summary)")
    parser.add_argument("--case", metavar="ID", help="only this case of the patient")
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day of the period (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--to", dest="date_to", metavar="DATE", help="last day of the period (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--include-internal",
        action="store_true",
        help="include internal notes (progress report only; never in a patient summary)",
    )
    parser.add_argument("--out", metavar="FILE.pdf", required=True, help="the PDF file to write")
    add_database_options(parser)
    parser.set_defaults(handler=run_report)


def _uuid(text: str | None, what: str) -> uuid.UUID | None:
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise CliError(f'"{text}" is not a {what} id (a UUID).') from error


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CliError(f'{option} "{text}" is not a date like 2026-01-31.') from error


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise CliError(f"Cannot write {out}: it is a folder.")
    if not out.parent.is_dir():
        raise CliError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    if not os.access(out.parent, os.W_OK):
        raise CliError(f"Cannot write {out}: the folder {out.parent} is not writable.")


def _write(out: Path, pdf: bytes) -> None:
    try:
        write_atomically(out, pdf)
    except OSError as error:
        raise CliError(f"Cannot write {out}: {error.strerror or error}.") from error


def run_report(args: argparse.Namespace) -> int:
    """Build the chosen report and write it to ``--out``."""
    # Which options fit which report is checked before their values are.
    given = uuid.UUID(int=0)
    shape = ReportRequest(
        kind=ReportKind(args.kind),
        patient_id=given if args.patient else None,
        case_id=given if args.case else None,
        include_internal=args.include_internal,
    )
    problem = shape.problem()
    if problem:
        raise CliError(problem)
    request = ReportRequest(
        kind=ReportKind(args.kind),
        patient_id=_uuid(args.patient, "patient"),
        case_id=_uuid(args.case, "case"),
        # Checked before the work, so a typo in --out does not waste a report build.
        date_from=_date(args.date_from, "--from"),
        date_to=_date(args.date_to, "--to"),
        include_internal=args.include_internal,
    )
    out = Path(args.out)
    _check_out(out)
    db = open_journal(args)
    try:
        pdf = render_report(db, request)
    except (NotFoundError, ReportError) as error:
        raise CliError(str(error)) from error
    finally:
        db.dispose()
    _write(out, pdf)
    print(f"Wrote the {args.kind} report to {out} ({len(pdf) // 1024 + 1} KB).")
    return 0
