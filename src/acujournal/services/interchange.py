"""Export and import of the journal in the ``acujournal/1`` JSON interchange format.

The format is described field by field in ``docs/interchange.md`` and, for machines, in
``resources/schema/acujournal-1.schema.json``. Export writes every field of every record, so
exporting, importing into an empty journal and exporting again gives the same document.

Import is all or nothing: the whole file is checked first (structure, types, every clinical
rule, references, ids already taken), every problem is reported with the JSON path of the bad
value, and only a clean file is written, in one transaction through the bulk insert path.
Records whose id is already in the journal are skipped, so importing a file twice adds
nothing the second time.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select

from acujournal import __version__
from acujournal.domain.model import SessionStatus
from acujournal.domain.validation import Problem
from acujournal.services import interchange_intake, interchange_questionnaires
from acujournal.services.audit import record_bulk_write, record_export
from acujournal.services.interchange_read import (
    FORMAT,
    ParsedDocument,
    parse_document,
)
from acujournal.services.interchange_write import Document, build_document
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage import mapping
from acujournal.storage.db import Database
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    Base,
    CaseRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    ProtocolRow,
    SessionRow,
)
from acujournal.storage.repository import JournalRepository

__all__ = [
    "FORMAT",
    "ImportReport",
    "InterchangeError",
    "RecordCounts",
    "check_document",
    "export_document",
    "import_document",
    "import_file",
    "load_file",
    "store_document",
    "write_export",
]

# Rows per executemany: large enough to keep round trips few, small enough that the
# parameter lists of one batch stay a modest amount of memory.
CHUNK_ROWS = 10_000
SHOWN_PROBLEMS = 10


class InterchangeError(ValueError):
    """A file that cannot be imported; ``problems`` holds everything wrong with it.

    The message is one line: how many problems, the first few with their JSON paths.
    """

    def __init__(
        self, problems: Iterable[Problem], *, source: str = "", truncated: bool = False
    ) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        count = len(self.problems)
        many = f"at least {count} problems" if truncated else _plural(count, "problem")
        shown = "; ".join(_one_line(str(p)) for p in self.problems[:SHOWN_PROBLEMS])
        more = f"; and {count - SHOWN_PROBLEMS} more" if count > SHOWN_PROBLEMS else ""
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{many}, nothing was imported: {shown}{more}")

    def in_file(self, name: str) -> InterchangeError:
        """The same problems, with the file's name at the start of the message."""
        return InterchangeError(self.problems, source=name, truncated=self.truncated)


def _one_line(text: str) -> str:
    # Problem texts may quote the file (a time zone name, a point); control characters from
    # there must not break the one-line message or steer a terminal.
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """How many records of each kind."""

    practitioners: int = 0
    protocols: int = 0
    patients: int = 0
    cases: int = 0
    sessions: int = 0
    needles: int = 0
    adverse_events: int = 0
    amendments: int = 0
    measurements: int = 0
    intakes: int = 0
    questionnaires: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def describe(self) -> str:
        """ "2 patients, 5 cases and 40 sessions": the main kinds that are not zero."""
        main = (
            "practitioners",
            "protocols",
            "patients",
            "cases",
            "sessions",
            "measurements",
            "intakes",
            "questionnaires",
        )
        parts = [_plural(getattr(self, kind), kind[:-1]) for kind in main if getattr(self, kind)]
        if not parts:
            return "nothing"
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import added and what it skipped because the journal had it already."""

    added: RecordCounts
    skipped: RecordCounts

    def summary(self) -> str:
        """One sentence for the practitioner, e.g. after the CLI's ``import``."""
        text = f"Added {self.added.describe()}"
        if self.skipped.total:
            text += f"; skipped {self.skipped.describe()} already in the journal"
        return text + "."


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while millions of small objects are made.

    A large journal becomes millions of dicts and dataclasses, none of which form reference
    cycles; the collector would still scan all of them again and again as they pile up,
    which measured at a third to half of the whole import or export of 60,000 sessions.
    Plain reference counting frees everything as usual meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Export ------------------------------------------------------------------------------------
def export_document(db: Database, patient_id: uuid.UUID | None = None) -> Document:
    """The journal as an ``acujournal/1`` document (a dict ready for ``json.dump``).

    With ``patient_id``, only that patient and the practitioners and protocols their records
    point at; a NotFoundError (LookupError) when there is no such patient.
    """
    with _without_cycle_collection(), read_only(db) as repo:
        return build_document(repo.session, patient_id, f"AcuJournal {__version__}", utc_now())


def write_export(
    db: Database, path: str | os.PathLike[str], patient_id: uuid.UUID | None = None
) -> Document:
    """Export to a UTF-8 JSON file and return the document written.

    The file is written beside its final name and renamed into place, so a failed export
    (disk full, interrupted) never leaves a half-written file under that name.
    """
    document = export_document(db, patient_id)
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # dumps, not dump: only the one-shot encoder runs in C, several times faster.
            out.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    record_export(db, None, patient_id, f"acujournal/1 JSON export to {target.name}")
    return document


# Import ------------------------------------------------------------------------------------
def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def load_file(path: str | os.PathLike[str]) -> object:
    """The decoded JSON of a file; InterchangeError when it is not UTF-8 JSON.

    OSError (missing file, no permission) is left to the caller, who knows how to say it.
    """
    name = Path(path).name
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InterchangeError(
            [Problem(name, f"is not UTF-8 text (byte {error.start} cannot be read)")]
        ) from error
    try:
        # A byte-order mark is not JSON, but some editors add one; it carries no data.
        with _without_cycle_collection():
            return json.loads(text.removeprefix("\ufeff"), parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        reason = f"{error.msg} at line {error.lineno}, column {error.colno}"
        raise InterchangeError([Problem(name, f"is not valid JSON ({reason})")]) from error
    except RecursionError as error:
        raise InterchangeError([Problem(name, "nests too deeply to be a journal")]) from error
    except ValueError as error:  # NaN/Infinity, or an integer too long to read
        raise InterchangeError([Problem(name, f"is not valid JSON ({error})")]) from error


def import_file(db: Database, path: str | os.PathLike[str]) -> ImportReport:
    """Import an ``acujournal/1`` file; see ``import_document``."""
    try:
        return store_document(db, check_document(load_file(path)))
    except InterchangeError as error:
        raise error.in_file(Path(path).name) from error.__cause__


def import_document(db: Database, doc: object) -> ImportReport:
    """Add the records of a decoded document to the journal, all or nothing.

    Raises InterchangeError listing every problem (nothing is written then). Records whose id
    is already in the journal are skipped without comparing their content.
    """
    return store_document(db, check_document(doc))


def check_document(doc: object) -> ParsedDocument:
    """Every check that needs no database; InterchangeError listing the problems found.

    Lets a caller refuse a bad file before it opens (or creates) a journal.
    """
    with _without_cycle_collection():
        parsed = parse_document(doc)
    if parsed.problems:
        raise InterchangeError(parsed.problems, truncated=parsed.truncated)
    return parsed


def store_document(db: Database, parsed: ParsedDocument) -> ImportReport:
    """Check a parsed document against the journal and add what is new, in one transaction."""
    with _without_cycle_collection(), unit_of_work(db) as repo:
        plan = _ImportPlan(repo, parsed)
        if plan.problems:
            raise InterchangeError(plan.problems)
        plan.store()
        report = plan.report()
        if report.added.total:
            record_bulk_write(repo, "import", report.summary(), asdict(report.added))
    return report


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


class _ImportPlan:
    """What a parsed document adds to this journal, checked against what is stored."""

    def __init__(self, repo: JournalRepository, parsed: ParsedDocument) -> None:
        self.repo, self.parsed = repo, parsed
        self.problems: list[Problem] = []
        stored = self._stored_ids
        self.practitioners = stored(PractitionerRow, parsed.practitioners)
        self.protocols = stored(ProtocolRow, parsed.protocols)
        self.patients = stored(PatientRow, parsed.patients)
        self.cases = stored(CaseRow, parsed.cases)
        self.sessions = stored(SessionRow, parsed.sessions)
        self.measurements = stored(MeasurementRow, parsed.measurements)
        self.new_sessions = [s for s in parsed.sessions if s.id not in self.sessions]
        self._check_references()
        self._check_clashes()
        self.intakes, intake_problems = interchange_intake.check_intakes(
            repo, parsed.intakes, {c.id: c.patient_id for c in parsed.cases}, parsed.paths
        )
        self.problems += intake_problems
        self.questionnaires, clashes = interchange_questionnaires.check_questionnaires(
            repo, parsed.questionnaires
        )
        self.problems += clashes

    def _stored_ids(self, model: type[Base], records: Sequence[Any]) -> set[uuid.UUID]:
        return self.repo.existing_ids(model, (record.id for record in records))

    def _check_references(self) -> None:
        """Every id a record points at is in the file or already in the journal."""
        parsed, paths = self.parsed, self.parsed.paths
        case_of_session = {s.id: s.case_id for s in parsed.sessions}
        outside: dict[str, set[uuid.UUID]] = defaultdict(set)
        for ref in parsed.references:
            if (ref.kind, ref.target) not in paths:
                outside[ref.kind].add(ref.target)
        models = {"practitioner": PractitionerRow, "protocol": ProtocolRow}
        known = {kind: self.repo.existing_ids(models[kind], outside[kind]) for kind in models}
        case_of_session |= self._stored_session_cases(outside["session"])
        for ref in parsed.references:
            if ref.kind == "session":
                case_id = case_of_session.get(ref.target)
                if case_id is None:
                    self._fail(ref.path, f"no session {ref.target} in the file or the journal")
                elif case_id != ref.case_id:
                    self._fail(ref.path, f"session {ref.target} belongs to another case")
            elif (ref.kind, ref.target) not in paths and ref.target not in known[ref.kind]:
                self._fail(ref.path, f"no {ref.kind} {ref.target} in the file or the journal")

    def _stored_session_cases(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        found: dict[uuid.UUID, uuid.UUID] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            query = select(SessionRow.id, SessionRow.case_id).where(
                SessionRow.id.in_(wanted[start : start + 500])
            )
            found.update({row.id: row.case_id for row in self.repo.session.execute(query)})
        return found

    def _check_clashes(self) -> None:
        """New records must not collide with stored ones that the skip rule does not cover."""
        paths = self.parsed.paths
        for model, kind, ids in (
            (
                AdverseEventRow,
                "adverse_event",
                [e.id for s in self.new_sessions for e in s.adverse_events],
            ),
            (AmendmentRow, "amendment", [a.id for s in self.new_sessions for a in s.amendments]),
        ):
            for taken in self.repo.existing_ids(model, ids):
                self._fail(f"{paths[(kind, taken)]}.id", f"{taken} is already used in the journal")
        new_protocols = [p for p in self.parsed.protocols if p.id not in self.protocols]
        families = list({p.family_id for p in new_protocols})
        stored: set[tuple[uuid.UUID, int]] = set()
        for start in range(0, len(families), 500):
            query = select(ProtocolRow.family_id, ProtocolRow.version).where(
                ProtocolRow.family_id.in_(families[start : start + 500])
            )
            stored.update((row.family_id, row.version) for row in self.repo.session.execute(query))
        for protocol in new_protocols:
            if (protocol.family_id, protocol.version) in stored:
                self._fail(
                    f"{paths[('protocol', protocol.id)]}.version",
                    f"the journal already has version {protocol.version} of this protocol "
                    "under another id",
                )

    def _fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def store(self) -> None:
        """Insert every new record, parents before children, in the open transaction."""
        parsed, repo, now = self.parsed, self.repo, utc_now()
        interchange_questionnaires.store_questionnaires(
            repo, parsed.questionnaires, self.questionnaires, now
        )
        last_visit: dict[uuid.UUID, Any] = {}
        patient_of_case = {c.id: c.patient_id for c in parsed.cases}
        for session in self.new_sessions:
            patient_id = patient_of_case[session.case_id]
            if patient_id not in last_visit or last_visit[patient_id] < session.started_at:
                last_visit[patient_id] = session.started_at
        self._insert(
            PractitionerRow,
            (
                mapping.practitioner_values(p)
                for p in parsed.practitioners
                if p.id not in self.practitioners
            ),
        )
        self._insert(
            ProtocolRow,
            (mapping.protocol_values(p) for p in parsed.protocols if p.id not in self.protocols),
        )
        self._insert(
            PatientRow,
            (
                mapping.patient_values(p)
                | {"created_at": now, "last_visit_at": last_visit.get(p.id), "version": 1}
                for p in parsed.patients
                if p.id not in self.patients
            ),
        )
        self._insert(
            CaseRow,
            (
                mapping.case_values(c) | {"version": 1}
                for c in parsed.cases
                if c.id not in self.cases
            ),
        )
        # Signed sessions go in as drafts and are signed once their children are written:
        # the database refuses children of a signed session.
        self._insert(
            SessionRow,
            (
                mapping.session_values(s) | {"version": 1, "status": SessionStatus.DRAFT.value}
                for s in self.new_sessions
            ),
        )
        self._insert(
            NeedleRow,
            (
                mapping.needle_values(s.id, position, needle)
                for s in self.new_sessions
                for position, needle in enumerate(s.needles)
            ),
        )
        self._insert(
            AdverseEventRow,
            (
                mapping.adverse_event_values(s.id, e)
                for s in self.new_sessions
                for e in s.adverse_events
            ),
        )
        repo.sign_inserted([s.id for s in self.new_sessions if s.is_signed])
        self._insert(
            AmendmentRow,
            (mapping.amendment_values(s.id, a) for s in self.new_sessions for a in s.amendments),
        )
        self._insert(
            MeasurementRow,
            (
                mapping.measurement_values(m)
                for m in parsed.measurements
                if m.id not in self.measurements
            ),
        )
        interchange_intake.store_intakes(repo, parsed.intakes, self.intakes)
        # Patients already in the journal who got new sessions move up the recent list.
        for patient_id, moment in last_visit.items():
            if patient_id in self.patients:
                repo.touch_last_visit(patient_id, moment)

    def _insert(self, model: type[Base], rows: Iterable[dict[str, Any]]) -> None:
        for chunk in _chunks(rows):
            self.repo.bulk_insert(model, chunk)

    def report(self) -> ImportReport:
        """Counts of what was added and what was skipped, by kind."""
        parsed = self.parsed
        kinds: dict[str, tuple[Sequence[Any], set[uuid.UUID]]] = {
            "practitioners": (parsed.practitioners, self.practitioners),
            "protocols": (parsed.protocols, self.protocols),
            "patients": (parsed.patients, self.patients),
            "cases": (parsed.cases, self.cases),
            "measurements": (parsed.measurements, self.measurements),
            "intakes": (parsed.intakes, self.intakes),
        }

        def counts(stored: bool) -> RecordCounts:
            # A session's needles, adverse events and addenda go in or are skipped with it.
            sessions = [s for s in parsed.sessions if (s.id in self.sessions) == stored]
            forms = [c.form for c in parsed.questionnaires]
            return RecordCounts(
                questionnaires=sum((form in self.questionnaires) == stored for form in forms),
                sessions=len(sessions),
                needles=sum(len(s.needles) for s in sessions),
                adverse_events=sum(len(s.adverse_events) for s in sessions),
                amendments=sum(len(s.amendments) for s in sessions),
                **{
                    kind: sum((r.id in ids) == stored for r in records)
                    for kind, (records, ids) in kinds.items()
                },
            )

        return ImportReport(added=counts(stored=False), skipped=counts(stored=True))
