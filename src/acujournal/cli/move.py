"""``acujournal migrate-db``: move a journal to another database (SQLite file <-> PostgreSQL)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.engine import URL

from acujournal.cli.common import CliError, add_database_options
from acujournal.cli.encryption import passphrase_for
from acujournal.services.move_journal import MoveError, move_journal
from acujournal.storage.db import DatabaseOpenError, database_url


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``migrate-db`` subcommand."""
    parser = subparsers.add_parser(
        "migrate-db",
        help="copy the journal into another, empty database (onto a PostgreSQL server, or back)",
        description=(
            "Copy the journal named by --db or --database-url (or the default journal) into "
            "the empty database named by --to, table by table, then check that every table's "
            "row count and checksum and the audit trail came out the same before committing. "
            "The journal itself is only read and stays as it is. A target that already holds "
            "data is refused. Close AcuJournal everywhere first. An encrypted journal is read "
            "with ACUJOURNAL_PASSPHRASE; a SQLite target is written unencrypted."
        ),
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        required=True,
        help=(
            "the target: a database URL such as "
            "postgresql+psycopg://acujournal@db.clinic.lan/acujournal?sslmode=verify-full, "
            "or the path of a new SQLite file"
        ),
    )
    add_database_options(parser)
    parser.set_defaults(handler=run_move)


def target_url(value: str) -> URL:
    """``--to`` as a database URL: a URL as given, or a file path as a SQLite journal."""
    try:
        if "://" in value:
            return database_url(url=value)
        return database_url(Path(value))
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error


def run_move(args: argparse.Namespace) -> int:
    """Move the journal and say, table by table, what was copied and checked."""
    try:
        source = database_url(getattr(args, "db", None), getattr(args, "database_url", None))
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error
    target = target_url(args.to)
    passphrase = None
    if source.get_backend_name() == "sqlite" and Path(str(source.database)).exists():
        passphrase = passphrase_for(Path(str(source.database)))
    try:
        report = move_journal(source, target, passphrase=passphrase)
    except MoveError as error:
        raise CliError(str(error)) from error
    width = max(len(table.table) for table in report.tables)
    print(f"Copied the journal at {report.source} to {report.target}:")
    for table in report.tables:
        print(f"  {table.table:<{width}}  {table.rows:>9,} rows  checksum {table.checksum[:16]}")
    print(f"Every table's row count and checksum match ({report.rows:,} rows in all).")
    if report.audit is not None:
        print(report.audit.message)
    print(f"The journal at {report.source} was left as it was.")
    return 0
