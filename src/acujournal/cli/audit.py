"""``acujournal audit``: check the audit trail, write the audit report, start a new key."""

from __future__ import annotations

import argparse
import uuid
from datetime import date
from pathlib import Path

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.services.audit import (
    AuditKeyError,
    start_new_audit_key,
    verify_audit_chain,
)
from acujournal.services.reporting import ReportError
from acujournal.storage.audit_keys import default_key_store
from acujournal.storage.repository import NotFoundError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``audit`` subcommand."""
    parser = subparsers.add_parser(
        "audit",
        help="check the audit trail, or write it as a PDF audit report",
        description=(
            "Without options: check every entry of the audit trail against its seal and say "
            "what was found (exit 1 when entries were altered or removed, or the key is "
            "missing). --report writes the audit report (who did what to which record, when) "
            "as a PDF, optionally for one patient and a period. --new-key starts sealing with "
            "a new key when the old one is lost for good; entries sealed with the lost key "
            "stay but can no longer be checked."
        ),
    )
    parser.add_argument("--report", metavar="FILE.pdf", help="write the audit report to FILE")
    parser.add_argument("--patient", metavar="ID", help="only entries about this patient")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day (YYYY-MM-DD)")
    parser.add_argument(
        "--new-key",
        metavar="REASON",
        help="start a new audit key, saying why (recorded in the trail)",
    )
    add_database_options(parser)
    parser.set_defaults(handler=run_audit)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CliError(f'{option} "{text}" is not a date like 2026-01-31.') from error


def run_audit(args: argparse.Namespace) -> int:
    """Check, report or re-key, as asked."""
    patient_id = None
    if args.patient:
        try:
            patient_id = uuid.UUID(args.patient)
        except ValueError as error:
            raise CliError(f'"{args.patient}" is not a patient id (a UUID).') from error
    date_from, date_to = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    db = open_journal(args)
    try:
        if args.new_key is not None:
            key_id = start_new_audit_key(db, None, args.new_key)
            print(
                f"New entries are now sealed with the audit key {key_id}, kept in "
                f"{default_key_store().location}."
            )
            return 0
        if args.report:
            from acujournal.services.audit_report import write_audit_report

            out = Path(args.report)
            data = write_audit_report(
                db, out, patient_id=patient_id, date_from=date_from, date_to=date_to
            )
            print(f"Wrote the audit report ({len(data.lines):,} entries) to {out}.")
            return 0
        verdict = verify_audit_chain(db)
    except (AuditKeyError, NotFoundError, ReportError, ValueError) as error:
        raise CliError(str(error)) from error
    except OSError as error:
        raise CliError(f"Cannot write {args.report}: {error.strerror or error}.") from error
    finally:
        db.dispose()
    print(verdict.message)
    for line in verdict.problems[1:]:
        print(f"  {line}")
    return 0 if verdict.ok else 1
