"""``acujournal encrypt``, ``decrypt`` and ``change-passphrase``: encryption at rest.

Passphrases are read from the terminal without echo, or, for scripts, from the environment:
``ACUJOURNAL_PASSPHRASE`` holds the journal's current passphrase and ``ACUJOURNAL_NEW_PASSPHRASE``
the one to give it (``encrypt`` also takes the new one from ``ACUJOURNAL_PASSPHRASE``). They
are never accepted as command-line arguments, which other users of the computer can see.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from acujournal.cli.common import PASSPHRASE_ENV, CliError, add_database_options
from acujournal.services.backups import lock_holder
from acujournal.storage.db import DatabaseOpenError, database_url
from acujournal.storage.encryption import (
    EncryptionError,
    EncryptionUnavailableError,
    change_passphrase,
    decrypt_journal,
    encrypt_journal,
    is_encrypted,
    new_passphrase_problem,
)

NEW_PASSPHRASE_ENV = "ACUJOURNAL_NEW_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``encrypt``, ``decrypt`` and ``change-passphrase`` subcommands."""
    encrypt = subparsers.add_parser(
        "encrypt",
        help="encrypt the journal with a passphrase (the unencrypted file is kept aside)",
        description=(
            "Copy the journal into an encrypted file (SQLCipher, AES-256), check the copy and "
            "put it in the journal's place. The unencrypted journal is kept beside it as "
            "<name>.before-encryption-<time>.sqlite3: delete it securely once AcuJournal opens "
            f"the encrypted journal. The passphrase is asked for twice, or read from "
            f"{NEW_PASSPHRASE_ENV} (or {PASSPHRASE_ENV}). The app must be closed."
        ),
    )
    add_database_options(encrypt)
    encrypt.set_defaults(handler=run_encrypt)

    decrypt = subparsers.add_parser(
        "decrypt",
        help="store the journal unencrypted again (the encrypted file is kept aside)",
        description=(
            "Copy the encrypted journal into a plain SQLite file, check the copy and put it in "
            "the journal's place; the encrypted file is kept beside it as "
            "<name>.before-decryption-<time>.sqlite3. The passphrase is asked for, or read "
            f"from {PASSPHRASE_ENV}. The app must be closed."
        ),
    )
    add_database_options(decrypt)
    decrypt.set_defaults(handler=run_decrypt)

    change = subparsers.add_parser(
        "change-passphrase",
        help="give the encrypted journal a new passphrase",
        description=(
            "Re-encrypt every page of the journal with a new passphrase, in one transaction. "
            f"The current passphrase is asked for or read from {PASSPHRASE_ENV}, the new one "
            f"asked for twice or read from {NEW_PASSPHRASE_ENV}. Backups made before keep the "
            "passphrase they were made with. The app must be closed."
        ),
    )
    add_database_options(change)
    change.set_defaults(handler=run_change_passphrase)


def run_encrypt(args: argparse.Namespace) -> int:
    """Encrypt the journal; say where the unencrypted file was kept."""
    journal = _closed_journal(args)
    new = _new_passphrase(fallback_env=PASSPHRASE_ENV)
    try:
        result = encrypt_journal(journal, new)
    except (EncryptionError, EncryptionUnavailableError, DatabaseOpenError) as error:
        raise CliError(str(error)) from error
    print(f"Encrypted the journal {journal}; its check passed.")
    print(
        f"The unencrypted journal is kept as {result.set_aside}. It still holds every record in "
        "plain text: once AcuJournal has opened the encrypted journal, delete it securely, "
        "and keep in mind that backups made before today are not encrypted."
    )
    return 0


def run_decrypt(args: argparse.Namespace) -> int:
    """Decrypt the journal; say where the encrypted file was kept."""
    journal = _closed_journal(args)
    passphrase = passphrase_for(journal)
    if passphrase is None:
        raise CliError(f"The journal {journal} is not encrypted.")
    try:
        result = decrypt_journal(journal, passphrase)
    except (EncryptionError, EncryptionUnavailableError, DatabaseOpenError) as error:
        raise CliError(str(error)) from error
    print(f"The journal {journal} is stored unencrypted now; its check passed.")
    print(f"The encrypted journal is kept as {result.set_aside}.")
    return 0


def run_change_passphrase(args: argparse.Namespace) -> int:
    """Re-key the journal with a new passphrase."""
    journal = _closed_journal(args)
    old = passphrase_for(journal)
    if old is None:
        raise CliError(
            f"The journal {journal} is not encrypted: encrypt it with acujournal encrypt."
        )
    new = _new_passphrase()
    try:
        change_passphrase(journal, old, new)
    except (EncryptionError, EncryptionUnavailableError, DatabaseOpenError) as error:
        raise CliError(str(error)) from error
    print(f"The journal {journal} has its new passphrase; its check passed.")
    print("Backups made before keep the passphrase they were made with.")
    return 0


# Passphrases -----------------------------------------------------------------------------------


def passphrase_for(path: Path, *, required: bool = True) -> str | None:
    """The passphrase for the file at ``path`` when it is encrypted, else None.

    Read from ``ACUJOURNAL_PASSPHRASE`` or asked for on the terminal. Without either, a
    CliError (or None when ``required`` is false).
    """
    if not is_encrypted(path):
        return None
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not _interactive():
        if not required:
            return None
        raise CliError(f"{path} is encrypted: set {PASSPHRASE_ENV} to its passphrase.")
    return _ask(f"Passphrase for {path.name}: ")


def _new_passphrase(fallback_env: str | None = None) -> str:
    for name in (NEW_PASSPHRASE_ENV, fallback_env):
        value = os.environ.get(name) if name else None
        if value:
            problem = new_passphrase_problem(value)
            if problem:
                raise CliError(f"{name}: {problem}")
            return value
    if not _interactive():
        raise CliError(f"Set {NEW_PASSPHRASE_ENV} to the new passphrase.")
    print(
        "Choose a passphrase you can remember: without it the journal cannot be opened, by "
        "anyone, and it cannot be recovered.",
        file=sys.stderr,
    )
    first = _ask("New passphrase: ")
    problem = new_passphrase_problem(first)
    if problem:
        raise CliError(problem)
    if _ask("The new passphrase again: ") != first:
        raise CliError("The two passphrases differ; nothing was changed.")
    return first


def _ask(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError as error:
        raise CliError("No passphrase was given.") from error


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


# The journal -----------------------------------------------------------------------------------


def _closed_journal(args: argparse.Namespace) -> Path:
    try:
        url = database_url(getattr(args, "db", None), getattr(args, "database_url", None))
    except DatabaseOpenError as error:
        raise CliError(str(error)) from error
    if url.get_backend_name() != "sqlite":
        raise CliError(
            "Encryption here applies to a SQLite journal; a PostgreSQL server's storage is "
            "encrypted by the server (its disk or its own encryption settings)."
        )
    journal = Path(str(url.database))
    if not journal.exists():
        raise CliError(f"There is no journal database at {journal}.")
    holder = lock_holder(journal)
    if holder is not None:
        raise CliError(f"The journal {journal} is open in AcuJournal {holder}; close it first.")
    return journal
