"""The secret key that seals the audit trail, kept outside the journal database.

Every audit entry carries an HMAC made with this key (see :mod:`acujournal.storage.audit_chain`).
Someone who can edit the database but not read the key cannot rewrite an entry, or remove one,
without the check noticing. So the key never goes into the database or its backups; it lives

- in ``audit-key.json`` in AcuJournal's configuration folder (``ACUJOURNAL_CONFIG_DIR``, else the
  platform's user configuration folder: ``~/.config/AcuJournal`` on Linux), readable by its
  owner only (mode 0600, in a folder of mode 0700);
- or, when the ``keyring`` package is installed and reaches a working system keyring (GNOME
  Keyring, KWallet, macOS Keychain, Windows Credential Locker), in that keyring. A configuration
  folder named explicitly with ``ACUJOURNAL_CONFIG_DIR`` always keeps the key in its file:
  that is how portable installs and tests keep everything in one place.

A store holds every key ever used on this computer, oldest first; new entries are sealed with
the newest. Keys are told apart by an id derived from the key (a hash, which gives nothing
away), stored with each entry.

A new key is only ever made for a journal whose audit trail is still empty. When the key of an
existing trail is missing, writing stops with :class:`AuditKeyMissingError` instead: a fresh key
would quietly make every earlier entry uncheckable. Starting a new key then is a deliberate,
recorded step (``acujournal audit --new-key``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import platformdirs

from acujournal.storage.private_files import (
    create_private_file,
    make_private_folder,
    restrict_to_owner,
)

APP_NAME = "AcuJournal"
KEY_FILE_NAME = "audit-key.json"
KEY_FILE_FORMAT = "acujournal-audit-keys/1"
KEY_BYTES = 32
KEYRING_SERVICE = "AcuJournal"
KEYRING_USERNAME = "audit-keys"


class AuditKeyError(Exception):
    """The audit key cannot be read or stored; the message says why in one sentence."""


class AuditKeyMissingError(AuditKeyError):
    """The journal has an audit trail but its key is not on this computer."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    """One secret key and its public id."""

    id: str
    secret: bytes
    created_at: datetime

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "key": base64.b64encode(self.secret).decode("ascii"),
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def key_id(secret: bytes) -> str:
    """The public id of a key: 16 hex digits of a hash of it."""
    return hashlib.sha256(b"acujournal-audit-key-id\n" + secret).hexdigest()[:16]


def new_key(now: datetime | None = None) -> AuditKey:
    """A fresh random key."""
    secret = secrets.token_bytes(KEY_BYTES)
    return AuditKey(key_id(secret), secret, (now or datetime.now(UTC)).replace(microsecond=0))


def user_config_dir() -> Path:
    """AcuJournal's per-user configuration folder (``ACUJOURNAL_CONFIG_DIR`` overrides)."""
    override = os.environ.get("ACUJOURNAL_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


class AuditKeyStore(Protocol):
    """Where the keys live; ``location`` says where, for messages."""

    @property
    def location(self) -> str: ...

    def load(self) -> list[AuditKey]:
        """Every stored key, oldest first; empty when none was ever stored."""
        ...

    def add(self, key: AuditKey) -> None:
        """Store one more key (it becomes the one new entries are sealed with)."""
        ...


def _parse(text: str, where: str) -> list[AuditKey]:
    try:
        document = json.loads(text)
        if document.get("format") != KEY_FILE_FORMAT:
            raise ValueError("unknown format")
        keys: list[AuditKey] = []
        for entry in document["keys"]:
            secret = base64.b64decode(str(entry["key"]), validate=True)
            if key_id(secret) != entry["id"]:
                raise ValueError("a key does not match its id")
            created = datetime.strptime(str(entry["created_at"]), "%Y-%m-%dT%H:%M:%SZ")
            keys.append(AuditKey(str(entry["id"]), secret, created.replace(tzinfo=UTC)))
        return keys
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
        raise AuditKeyError(
            f"The audit key store {where} is damaged ({error}); it was left as it is."
        ) from error


def _dump(keys: list[AuditKey]) -> str:
    return json.dumps({"format": KEY_FILE_FORMAT, "keys": [k.to_json() for k in keys]}, indent=2)


class FileKeyStore:
    """Keys in one JSON file, mode 0600, written atomically.

    Every save of the journal seals its audit entries, so the keys are asked for on every
    commit. The file is read again only when it changed (another inode, size or modification
    time, which every write of it changes, see :meth:`add`); otherwise the keys read last
    time are returned.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read: tuple[tuple[int, int, int], list[AuditKey]] | None = None

    @property
    def location(self) -> str:
        return f"the file {self.path}"

    def load(self) -> list[AuditKey]:
        try:
            info = self.path.stat()
            signature = (info.st_ino, info.st_size, info.st_mtime_ns)
            if self._read is not None and self._read[0] == signature:
                if info.st_mode & 0o077:
                    self._tighten()
                return list(self._read[1])
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._read = None
            return []
        except OSError as error:
            raise AuditKeyError(
                f"The audit key file {self.path} cannot be read: {error.strerror or error}."
            ) from error
        self._tighten()
        keys = _parse(text, f"in {self.path}")
        self._read = (signature, keys)
        return list(keys)

    def _tighten(self) -> None:
        # A key readable by others is no secret; put the mode back rather than refuse to work.
        restrict_to_owner(self.path)

    def add(self, key: AuditKey) -> None:
        keys = [*self.load(), key]
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        try:
            make_private_folder(self.path.parent)
            create_private_file(temporary)
            try:
                with temporary.open("w", encoding="utf-8") as stream:
                    stream.write(_dump(keys) + "\n")
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        except OSError as error:
            raise AuditKeyError(
                f"The audit key cannot be stored in {self.path}: {error.strerror or error}."
            ) from error


class KeyringKeyStore:
    """Keys in the system keyring; keys found in the file as well are still honoured."""

    def __init__(self, keyring: Any, fallback: FileKeyStore) -> None:
        self.keyring = keyring
        self.fallback = fallback
        self._cache: list[AuditKey] | None = None

    @property
    def location(self) -> str:
        return f'the system keyring (service "{KEYRING_SERVICE}") or {self.fallback.location}'

    def load(self) -> list[AuditKey]:
        if self._cache is None:
            try:
                text = self.keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
            except Exception as error:  # any keyring backend failure
                raise AuditKeyError(f"The system keyring cannot be read: {error}.") from error
            stored = _parse(text, "in the system keyring") if text else []
            known = {k.id for k in stored}
            self._cache = stored + [k for k in self.fallback.load() if k.id not in known]
        return list(self._cache)

    def add(self, key: AuditKey) -> None:
        keys = [*self.load(), key]
        try:
            self.keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, _dump(keys))
        except Exception:  # the keyring stopped working: the file still keeps the key safe
            self.fallback.add(key)
        self._cache = keys


def _working_keyring() -> Any:
    """The ``keyring`` module when it is installed and has a usable backend, else None."""
    try:
        # An optional dependency: imported by name so the type checker needs no stubs for it.
        keyring = importlib.import_module("keyring")
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
        if "fail" in name or "null" in name or getattr(backend, "priority", 1) <= 0:
            return None
        keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
    except Exception:  # no D-Bus, locked keyring, broken backend: use the file
        return None
    return keyring


_stores: dict[Path, AuditKeyStore] = {}


def default_key_store() -> AuditKeyStore:
    """The key store of this user (the keyring when it works, else the file)."""
    path = user_config_dir() / KEY_FILE_NAME
    store = _stores.get(path)
    if store is None:
        file_store = FileKeyStore(path)
        keyring = None if os.environ.get("ACUJOURNAL_CONFIG_DIR") else _working_keyring()
        store = file_store if keyring is None else KeyringKeyStore(keyring, file_store)
        _stores[path] = store
    return store
