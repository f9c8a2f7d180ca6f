"""``acujournal report``: write a progress report, patient summary or clinic report as PDF.

ReportLab is imported only when a report is actually made, so ``acujournal --help`` and the
other commands start without it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError

KINDS = ("progress", "summary", "clinic")


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


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise CliError(f"Cannot write {out}: it is a folder.")
    if not out.parent.is_dir():
        raise CliError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    if not os.access(out.parent, os.W_OK):
        raise CliError(f"Cannot write {out}: the folder {out.parent} is not writable.")


def _write(out: Path, pdf: bytes) -> None:
    """Write through a temporary file, so a failed write never leaves half a PDF behind.

    The file is readable by its owner only (``mkstemp``'s mode): it holds health data.
    """
    try:
        handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".pdf", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(pdf)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CliError(f"Cannot write {out}: {error.strerror or error}.") from error


def _make(args: argparse.Namespace, db: Database) -> bytes:
    from acujournal.services.reporting import (
        ReportError,
        build_patient_summary,
        build_progress_report,
    )

    date_from = _date(args.date_from, "--from")
    date_to = _date(args.date_to, "--to")
    try:
        if args.kind == "clinic":
            from acujournal.reports.clinic import render_clinic_report
            from acujournal.services.clinic_stats import build_clinic_report

            last = date_to or date.today()
            first = date_from or _year_before(last) + timedelta(days=1)
            return render_clinic_report(build_clinic_report(db, first, last))
        patient_id = _uuid(args.patient, "patient")
        if patient_id is None:
            raise CliError(f"A {args.kind} report needs --patient ID.")
        case_id = _uuid(args.case, "case")
        if args.kind == "progress":
            from acujournal.reports.progress import render_progress_report

            data = build_progress_report(
                db,
                patient_id,
                case_id=case_id,
                date_from=date_from,
                date_to=date_to,
                include_internal=args.include_internal,
            )
            return render_progress_report(data)
        from acujournal.reports.summary import render_patient_summary

        summary = build_patient_summary(
            db, patient_id, case_id=case_id, date_from=date_from, date_to=date_to
        )
        return render_patient_summary(summary)
    except (NotFoundError, ReportError) as error:
        raise CliError(str(error)) from error


def run_report(args: argparse.Namespace) -> int:
    """Build the chosen report and write it to ``--out``."""
    if args.kind == "clinic" and (args.patient or args.case or args.include_internal):
        raise CliError(
            "The clinic report covers the whole clinic: drop --patient, --case and "
            "--include-internal."
        )
    if args.kind == "summary" and args.include_internal:
        raise CliError("A patient summary never holds internal notes; drop --include-internal.")
    # Checked before the work, so a typo in --out does not waste a report build.
    _date(args.date_from, "--from")
    _date(args.date_to, "--to")
    out = Path(args.out)
    _check_out(out)
    db = open_journal(args)
    try:
        pdf = _make(args, db)
    finally:
        db.dispose()
    _write(out, pdf)
    print(f"Wrote the {args.kind} report to {out} ({len(pdf) // 1024 + 1} KB).")
    return 0
