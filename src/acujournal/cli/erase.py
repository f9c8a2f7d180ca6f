"""``acujournal erase-patient``: erase a patient for good (archiving is the usual way)."""

from __future__ import annotations

import argparse
import uuid

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.services.audit import AuditKeyError
from acujournal.services.erasure import ErasureRefusedError, erase_patient
from acujournal.storage.repository import NotFoundError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``erase-patient`` subcommand."""
    parser = subparsers.add_parser(
        "erase-patient",
        help="erase a patient and every record of them for good (usually, archive instead)",
        description=(
            "Remove a patient with their cases, sessions (signed ones too), measurements and "
            "drafts from the journal, in one transaction. Their audit trail entries lose their "
            "content, and the erasure itself is recorded (who, when, which ids). Refused "
            "within the retention period for clinical records (records.retention_years, by "
            "default 10 years after the last session) unless --override-retention is given. "
            "Backups made before still hold the patient until they are rotated away."
        ),
    )
    parser.add_argument("patient", metavar="ID", help="the patient's id")
    parser.add_argument(
        "--confirm",
        metavar="NAME",
        required=True,
        help="the patient's name, exactly as the journal has it",
    )
    parser.add_argument(
        "--override-retention",
        action="store_true",
        help="erase even though the records are within their retention period",
    )
    add_database_options(parser)
    parser.set_defaults(handler=run_erase)


def run_erase(args: argparse.Namespace) -> int:
    """Erase the patient when the name matches; say what was removed."""
    try:
        patient_id = uuid.UUID(args.patient)
    except ValueError as error:
        raise CliError(f'"{args.patient}" is not a patient id (a UUID).') from error
    db = open_journal(args)
    try:
        result = erase_patient(
            db,
            patient_id,
            None,
            args.confirm,
            override_retention=args.override_retention,
        )
    except (NotFoundError, ErasureRefusedError, AuditKeyError) as error:
        raise CliError(str(error)) from error
    finally:
        db.dispose()
    print(result.summary())
    return 0
