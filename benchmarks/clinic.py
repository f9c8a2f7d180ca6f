"""The clinic every figure is measured on, generated once and kept in a cache folder.

The reference clinic of docs/performance.md (2,000 patients over 10 years, about 60,000
sessions) takes most of a minute to write, so it is written once per seed and generator
version and reused. The version is a digest of the generator's and the schema's source: when
either changes, the next run writes a new clinic instead of measuring a stale one.

The audit trail of a journal is sealed with a key kept outside it (``audit-key.json`` in the
configuration folder, see ``storage.audit_keys``), and each run of the harness has a scratch
configuration folder of its own. So the key the clinic was written with is cached beside it
and put into each run's configuration folder: without it nothing could be saved into the
clinic (or a copy of it) after the run that wrote it. A clinic cached without its key is
written again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import acujournal
from acujournal.services import demo
from acujournal.storage import audit_keys
from acujournal.storage import db as storage_db
from acujournal.storage.private_files import make_private_folder, restrict_to_owner

REFERENCE_PATIENTS = 2_000
REFERENCE_YEARS = 10
QUICK_PATIENTS = 8
QUICK_YEARS = 1

Say = Callable[[str], object]


def default_cache_dir() -> Path:
    """``$ACUJOURNAL_BENCH_CACHE``, else ``$XDG_CACHE_HOME/acujournal-bench`` (~/.cache)."""
    override = os.environ.get("ACUJOURNAL_BENCH_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "acujournal-bench"


def generator_version() -> str:
    """A short digest of what decides the generated file: generator, its data, the schema."""
    package = Path(acujournal.__file__).parent
    sources = [
        package / "services" / "demo.py",
        package / "services" / "demo_data.py",
        package / "domain" / "outcomes.py",
        *sorted(storage_db.MIGRATIONS_DIR.rglob("*.py")),
    ]
    digest = hashlib.sha256(acujournal.__version__.encode())
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class ClinicSpec:
    patients: int
    years: int
    seed: int

    @property
    def label(self) -> str:
        if (self.patients, self.years) == (REFERENCE_PATIENTS, REFERENCE_YEARS):
            return "reference"
        return f"clinic{self.patients}x{self.years}"


@dataclass(frozen=True)
class LongPatient:
    """The patient with the most sessions: the "patient with 300 sessions" of the figures."""

    id: uuid.UUID
    name: str
    sessions: int


class ClinicCache:
    """Files of one clinic in the cache folder: the journal, its export, an empty journal."""

    def __init__(self, folder: Path, spec: ClinicSpec) -> None:
        self.folder = folder
        self.spec = spec
        self.version = generator_version()
        self.stem = f"{spec.label}-{spec.seed}-{self.version}"

    @property
    def journal(self) -> Path:
        return self.folder / f"{self.stem}.sqlite3"

    @property
    def export(self) -> Path:
        return self.folder / f"{self.stem}.json"

    @property
    def empty_journal(self) -> Path:
        return self.folder / f"empty-{self.version}.sqlite3"

    @property
    def audit_keys(self) -> Path:
        """The audit key store the journal's trail was sealed with."""
        return self.folder / f"{self.stem}.audit-key.json"

    def ensure(self, say: Say = print) -> Path:
        """The journal file, written first when it (or its audit key) is missing.

        Its audit key is put into this process's configuration folder, where the app and the
        probes started with the same environment look for it.
        """
        if not self.journal.exists() or not self.audit_keys.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            for stale in (self.journal, self.export):
                stale.unlink(missing_ok=True)
            say(
                f"writing the clinic ({self.spec.patients} patients, {self.spec.years} years, "
                f"seed {self.spec.seed}) to {self.journal}; this is done once"
            )
            partial = self.journal.with_name(self.journal.name + ".partial")
            partial.unlink(missing_ok=True)
            database = storage_db.open_database(storage_db.database_url(partial))
            try:
                demo.generate_clinic(
                    database,
                    patients=self.spec.patients,
                    years=self.spec.years,
                    seed=self.spec.seed,
                )
            finally:
                database.dispose()
            settle(partial)
            shutil.copyfile(_key_file(), self.audit_keys)
            restrict_to_owner(self.audit_keys)
            for suffix in ("-wal", "-shm"):  # left by readers of a journal written before
                Path(f"{self.journal}{suffix}").unlink(missing_ok=True)
            partial.replace(self.journal)
            self._forget_other_versions()
        else:
            self._install_audit_keys()
        return self.journal

    def _install_audit_keys(self) -> None:
        target = _key_file()
        make_private_folder(target.parent)
        shutil.copyfile(self.audit_keys, target)
        restrict_to_owner(target)

    def _forget_other_versions(self) -> None:
        """Remove this clinic's files, and empty journals, of other generator versions."""
        prefix = f"{self.spec.label}-{self.spec.seed}-"
        for path in self.folder.glob(f"{prefix}*"):
            if not path.name.startswith(self.stem):
                path.unlink(missing_ok=True)
        for path in self.folder.glob("empty-*"):
            if not path.name.startswith(self.empty_journal.name):
                path.unlink(missing_ok=True)

    def ensure_export(self, say: Say = print) -> Path:
        """The clinic as an ``acujournal/1`` file, written first when it is missing."""
        if not self.export.exists():
            from acujournal.services.interchange import write_export

            say(f"exporting the clinic to {self.export}; this is done once")
            database = storage_db.open_database(storage_db.database_url(self.ensure(say)))
            try:
                partial = self.export.with_name(self.export.name + ".partial")
                write_export(database, partial)
                partial.replace(self.export)
            finally:
                database.dispose()
        return self.export

    def ensure_empty(self) -> Path:
        """A journal with the current schema and no records, to copy for each import."""
        if not self.empty_journal.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.empty_journal.with_name(self.empty_journal.name + ".partial")
            partial.unlink(missing_ok=True)
            storage_db.open_database(storage_db.database_url(partial)).dispose()
            settle(partial)
            partial.replace(self.empty_journal)
        return self.empty_journal


def _key_file() -> Path:
    return audit_keys.user_config_dir() / audit_keys.KEY_FILE_NAME


def settle(path: Path) -> None:
    """Fold the write-ahead log into the file, so copying the one file copies everything."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def working_copy(source: Path, folder: Path, name: str) -> Path:
    """A private copy of a cached journal for figures that write."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def long_patient(journal: Path) -> LongPatient:
    """The patient with the most sessions (ties: the lowest id, so every run picks the same)."""
    connection = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT p.id, p.name, COUNT(*) AS n FROM sessions s"
            " JOIN cases c ON s.case_id = c.id JOIN patients p ON c.patient_id = p.id"
            " GROUP BY p.id ORDER BY n DESC, p.id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        raise RuntimeError(f"{journal} holds no sessions")
    return LongPatient(uuid.UUID(hex=row[0]), row[1], row[2])


def count_rows(journal: Path, table: str) -> int:
    connection = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()
