"""``acujournal backup``, ``restore`` and ``check``: keeping a SQLite journal safe.

None of these opens the journal through SQLAlchemy: opening migrates, and a backup must copy
the journal as it is, a check must not write to a file that may be damaged, and a restore
must find the journal closed. They work on the file named by ``--db`` (or the default
journal) directly.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from acujournal.cli.common import CliError, add_database_options
from acujournal.cli.encryption import passphrase_for
from acujournal.services.audit import AuditVerdict, verify_audit_chain, verify_journal_file
from acujournal.services.backups import (
    SERVER_BACKUP_REFUSAL,
    BackupError,
    BackupRecord,
    back_up_journal_file,
    default_backup_folder,
    journal_backups,
    newest_good_backup,
    restore_journal,
)
from acujournal.storage.db import DatabaseOpenError, database_url, open_database
from acujournal.storage.integrity import FileState, check_database_file, location_warning


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backup``, ``restore`` and ``check`` subcommands."""
    backup = subparsers.add_parser(
        "backup",
        help="make a checked backup of the journal (safe while the app is open)",
        description=(
            "Copy the journal with SQLite's online backup API, check the copy (integrity, "
            "foreign keys, row counts) and record the result in manifest.json beside it. Old "
            "backups are thinned out: the newest of each of the last 7 days, 4 weeks and 12 "
            "months are kept. A PostgreSQL server database is backed up by the server "
            "(pg_dump), not here."
        ),
    )
    backup.add_argument(
        "--out",
        metavar="DIR",
        help=f"folder for the backup (default: {default_backup_folder()})",
    )
    backup.add_argument(
        "--list", action="store_true", help="list the journal's backups and their checks instead"
    )
    add_database_options(backup)
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the journal with a backup (the current file is kept aside)",
        description=(
            "Check the backup, move the current journal (and its -wal/-shm files) aside under "
            "a name with the time, and copy the backup into its place. Nothing is deleted. The "
            "app must be closed. Asks for --yes, because the journal then shows the backup's "
            "contents."
        ),
    )
    restore.add_argument(
        "file", metavar="FILE", help="the backup file (a name alone is looked up in the backups)"
    )
    restore.add_argument("--yes", action="store_true", help="really replace the journal")
    add_database_options(restore)
    restore.set_defaults(handler=run_restore)

    check = subparsers.add_parser(
        "check",
        help="check the journal file for damage, a risky location and a tampered audit trail",
        description=(
            "Check the journal file without changing it: header, size, and every page "
            "(SQLite's quick_check); warn when it lives in a cloud-synced folder or on a "
            "network drive; check every audit trail entry against its seal (entries altered "
            "or removed, a missing audit key). Exits with 0 when all is well and 1 otherwise."
        ),
    )
    add_database_options(check)
    check.set_defaults(handler=run_check)


def run_backup(args: argparse.Namespace) -> int:
    """Make a backup (or list them) and say where it went and what its check found."""
    journal = _journal_file(args)
    folder = Path(args.out) if args.out else default_backup_folder()
    if args.list:
        _print_backups(journal_backups(journal, folder), journal, folder)
        return 0
    try:
        record = back_up_journal_file(journal, folder, passphrase=passphrase_for(journal))
    except BackupError as error:
        raise CliError(str(error)) from error
    print(
        f"Backed up {journal} to {record.path} ({_size(record.size)}, "
        f"{record.counts.get('sessions', 0)} sessions); its check passed."
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore a backup over the journal, only with ``--yes``."""
    journal = _journal_file(args)
    backup = Path(args.file)
    if not backup.exists() and backup.parent == Path() and default_backup_folder().is_dir():
        backup = default_backup_folder() / backup
    if not backup.is_file():
        raise CliError(f"There is no backup file {args.file}.")
    if not args.yes:
        raise CliError(
            f"Restoring replaces the journal {journal} with the backup {backup.name}, and "
            "the journal then shows what it held when that backup was made; the current file "
            f"is kept beside it as {journal.stem}.before-restore-<time>{journal.suffix}. "
            "Run the command again with --yes to restore."
        )
    try:
        result = restore_journal(backup, journal, passphrase=passphrase_for(backup))
    except BackupError as error:
        raise CliError(str(error)) from error
    kept = result.set_aside[-1] if result.set_aside else None
    print(f"Restored {backup} as the journal {journal}.")
    if kept is not None:
        print(f"The journal it replaced is kept as {kept}.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Report on the journal file; 0 when it is intact and safely located, 1 otherwise."""
    url = _url(args)
    if url.get_backend_name() != "sqlite":
        return _check_server(url.render_as_string(hide_password=True), args)
    journal = Path(str(url.database))
    passphrase = passphrase_for(journal, required=False)
    report = check_database_file(journal, passphrase=passphrase)
    print(report.message)
    for line in report.details:
        print(f"  {line}")
    warning = location_warning(journal)
    if warning:
        print(f"Warning: {warning}")
    audit_ok = _print_audit(verify_journal_file(journal, passphrase)) if report.ok else True
    if not report.ok and report.state is not FileState.MISSING:
        good = newest_good_backup(journal)
        if good is not None:
            print(
                f"The newest good backup is {good.path} ({_local(good.created_at)}); restore it "
                f"with: acujournal restore {good.path} --db {journal} --yes"
            )
        else:
            print("No checked backup of this journal was found.")
    return 0 if report.ok and warning is None and audit_ok else 1


def _print_audit(verdict: AuditVerdict) -> bool:
    """Say what checking the audit trail found; whether it is intact."""
    print(verdict.message)
    if not verdict.ok:
        for line in verdict.problems[1:]:
            print(f"  {line}")
    return verdict.ok


def _check_server(where: str, args: argparse.Namespace) -> int:
    try:
        db = open_database(_url(args), create=False, migrate=False)
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error
    try:
        verdict = verify_audit_chain(db)
    finally:
        db.dispose()
    print(
        f"The server database {where} answers; checking its storage is the server's job "
        "(for example with pg_amcheck)."
    )
    return 0 if _print_audit(verdict) else 1


def _url(args: argparse.Namespace) -> URL:
    try:
        return database_url(getattr(args, "db", None), getattr(args, "database_url", None))
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error


def _journal_file(args: argparse.Namespace) -> Path:
    url = _url(args)
    if url.get_backend_name() != "sqlite":
        raise CliError(SERVER_BACKUP_REFUSAL)
    return Path(str(url.database))


def _print_backups(records: list[BackupRecord], journal: Path, folder: Path) -> None:
    if not records:
        print(f"There are no backups of {journal.name} in {folder}.")
        return
    for record in records:
        state = "ok" if record.verified else f"NOT USABLE: {record.problem}"
        print(f"{_local(record.created_at)}  {_size(record.size):>9}  {record.path}  {state}")


def _local(moment: datetime) -> str:
    return moment.astimezone(UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} kB"
