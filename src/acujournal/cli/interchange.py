"""``acujournal export`` and ``acujournal import``: the journal as ``acujournal/1`` JSON."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from acujournal.cli.common import CliError, add_database_options, open_journal
from acujournal.cli.export_formats import (
    add_format_options,
    check_format_options,
    run_format_export,
)
from acujournal.services.interchange import (
    InterchangeError,
    check_document,
    load_file,
    store_document,
    write_export,
)
from acujournal.storage.repository import NotFoundError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` and ``import`` subcommands."""
    export = subparsers.add_parser(
        "export",
        help="write the journal, or one patient, to an acujournal/1 JSON file (or FHIR, CSV)",
        description=(
            "Write every practitioner, protocol, patient, case, session and measurement to a "
            "JSON file in the acujournal/1 format (see docs/interchange.md). With --patient, "
            "only that patient and the practitioners and protocols their sessions refer to. "
            "--format fhir, csv and research write the other formats of docs/export.md."
        ),
    )
    export.add_argument("--patient", metavar="ID", help="export only the patient with this id")
    export.add_argument(
        "--out",
        metavar="PATH",
        required=True,
        help="the file to write (a folder for csv, research)",
    )
    add_format_options(export)
    add_database_options(export)
    export.set_defaults(handler=run_export)

    import_ = subparsers.add_parser(
        "import",
        help="add the records of an acujournal/1 JSON file to the journal",
        description=(
            "Check the whole file, then add its records in one transaction; a file with any "
            "problem adds nothing. Records already in the journal (same id) are skipped, so "
            "importing the same file twice adds nothing the second time. The journal is "
            "created when it does not exist yet."
        ),
    )
    import_.add_argument("file", metavar="FILE", help="the acujournal/1 JSON file to read")
    add_database_options(import_)
    import_.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    """Export the journal (or one patient) and say what was written."""
    patient_id = _patient_id(args.patient)
    check_format_options(args, patient_id)
    if args.format != "json":
        return run_format_export(args, patient_id)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    db = open_journal(args)
    try:
        document = write_export(db, out, patient_id)
    except NotFoundError as error:
        raise CliError(str(error)) from error
    except OSError as error:
        raise CliError(f"Cannot write {out}: {error.strerror or error}.") from error
    finally:
        db.dispose()
    patients = document["patients"]
    sessions = sum(len(case["sessions"]) for patient in patients for case in patient["cases"])
    print(
        f"Exported {_count(len(patients), 'patient')} with {_count(sessions, 'session')} to {out}."
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Check a file, then import it; a bad file is refused before any journal is touched."""
    path = Path(args.file)
    try:
        # Checked before the journal is opened, so a bad file never creates an empty journal.
        parsed = check_document(load_file(path))
    except FileNotFoundError as error:
        raise CliError(f"There is no file {path}.") from error
    except IsADirectoryError as error:
        raise CliError(f"{path} is a folder, not a file.") from error
    except OSError as error:
        raise CliError(f"Cannot read {path}: {error.strerror or error}.") from error
    except InterchangeError as error:
        raise CliError(str(error.in_file(path.name))) from error
    db = open_journal(args, create=True)
    try:
        report = store_document(db, parsed)
    except InterchangeError as error:
        raise CliError(str(error.in_file(path.name))) from error
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise CliError(f"The import failed and nothing was written: {reason}.") from error
    finally:
        db.dispose()
    print(f"{path.name}: {report.summary()}")
    return 0


def _patient_id(text: str | None) -> uuid.UUID | None:
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise CliError(f'"{text}" is not a patient id (a UUID).') from error


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
