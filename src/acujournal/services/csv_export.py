"""Export to CSV files for spreadsheets: sessions.csv, needles.csv and measurements.csv.

The files are UTF-8 with a byte-order mark (so spreadsheet programs read accents right),
comma-separated, one header line, dates ``YYYY-MM-DD`` and times ISO 8601 with the offset the
clock showed. docs/export.md describes every column (:data:`SESSION_COLUMNS` and the others
are the same list the code writes).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so a
patient named ``=HYPERLINK(...)`` could run one on the clinic's computer. Every text cell that
starts with one of those characters, a tab or a carriage return gets a leading apostrophe
(:func:`guard_cell`), which spreadsheets show as text; plain numbers, negative ones included,
stay numbers.

The practitioner's internal note is not exported (as in the FHIR export); the ``acujournal/1``
JSON export holds everything.
"""

from __future__ import annotations

import csv
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from acujournal.domain import outcomes
from acujournal.services.audit import record_export
from acujournal.services.export_rows import (
    JournalBatches,
    PatientBatch,
    Row,
    StagedFiles,
    instant_text,
    local_time,
    staged_files,
)
from acujournal.services.fhir_resources import point_text
from acujournal.services.settings import get_clinic_measures
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")

Column = tuple[str, str]

SESSION_COLUMNS: tuple[Column, ...] = (
    ("session_id", "the session's id"),
    ("patient_id", "the patient's id"),
    ("patient_name", "the patient's name"),
    ("case_id", "the case (course of treatment) the session belongs to"),
    ("case_title", "the case's title"),
    ("condition", "the condition the case was opened for"),
    ("practitioner_id", "who treated"),
    ("practitioner", "the practitioner's name"),
    ("date", "the day of the session, in the clinic's local time (YYYY-MM-DD)"),
    ("start_time", "local start time (HH:MM)"),
    ("started_at", "start, ISO 8601 with the offset from UTC"),
    ("time_zone", "the IANA time zone the session took place in"),
    ("status", "draft or signed"),
    ("signed_at", "when the session was signed (ISO 8601), empty for a draft"),
    ("pain_before_back", "NRS 0-10 back pain on arrival"),
    ("pain_before_leg", "NRS 0-10 leg pain on arrival"),
    ("pain_after_back", "NRS 0-10 back pain after treatment"),
    ("pain_after_leg", "NRS 0-10 leg pain after treatment"),
    ("needle_rows", "points needled (rows in needles.csv)"),
    ("insertions", "needle insertions (a bilateral point counts twice; STRICTA 2a)"),
    ("needles_in", "needles counted in"),
    ("needles_out", "needles counted out"),
    ("sham", "yes for a sham or control session"),
    ("protocol_id", "the protocol version given, if any"),
    ("co_interventions", "other interventions, separated by semicolons"),
    ("adverse_events", "adverse events as category (severity), separated by semicolons"),
    ("subjective", "SOAP note: subjective"),
    ("objective", "SOAP note: objective"),
    ("assessment", "SOAP note: assessment"),
    ("plan", "SOAP note: plan"),
    ("patient_advice", "home-care advice given to the patient"),
)
NEEDLE_COLUMNS: tuple[Column, ...] = (
    ("session_id", "the session (sessions.csv)"),
    ("patient_id", "the patient's id"),
    ("case_id", "the case's id"),
    ("date", "the day of the session (YYYY-MM-DD)"),
    ("position", "1 for the first point recorded in the session, then 2, 3, ..."),
    ("point", "WHO point code (BL40, EX-B2), ASHI or FREE"),
    ("point_text", "the point in words with how it was needled"),
    ("side", "left, right, bilateral or midline"),
    ("spinal_level", "spinal level of a Jiaji (EX-B2) point, e.g. L4"),
    ("region", "body region of an Ashi or free point"),
    ("description", "description of an Ashi or free point"),
    ("depth_mm", "depth in millimetres"),
    ("tissue_level", "depth as tissue level: skin, subcutaneous, muscle, periosteum"),
    ("angle", "perpendicular, oblique or transverse"),
    ("gauge_mm", "needle diameter in millimetres"),
    ("length_mm", "needle length in millimetres"),
    ("needle_brand", "needle maker"),
    ("method", "stimulation: none, manual or electro"),
    ("frequency_hz", "electro-acupuncture frequency (the lower one for dense-disperse)"),
    ("frequency_high_hz", "the higher frequency of dense-disperse stimulation"),
    ("intensity_ma", "electro-acupuncture intensity in milliamperes"),
    ("waveform", "electro-acupuncture waveform"),
    ("response_sought", "none, deqi or muscle_twitch"),
    ("deqi", "yes when de qi was obtained, no when not, empty when not recorded"),
    ("retention_min", "retention time in minutes"),
)
MEASUREMENT_COLUMNS: tuple[Column, ...] = (
    ("measurement_id", "the measurement's id"),
    ("patient_id", "the patient's id"),
    ("patient_name", "the patient's name"),
    ("case_id", "the case's id"),
    ("session_id", "the session it was taken at, empty for one taken between sessions"),
    (
        "instrument",
        "NRS_BACK, NRS_LEG, VAS_BACK, VAS_LEG, ODI, RMDQ, SBI, PPT or the clinic's code",
    ),
    ("instrument_name", "the instrument's name"),
    ("date", "the local day it was taken (YYYY-MM-DD)"),
    ("taken_at", "when it was taken, ISO 8601 with the offset from UTC"),
    ("time_zone", "the IANA time zone it was taken in"),
    ("value", "the reading of a single-reading instrument (NRS, VAS, clinic measures)"),
    ("score", "the instrument's score"),
    ("unit", "the score's unit"),
    ("follow_up", "yes for a reading after the case's last session (follow-up)"),
    ("answers", "item answers as JSON (ODI, RMDQ, SBI, PPT trials)"),
    ("note", "the note recorded with the measurement"),
)
FILES = {
    "sessions.csv": SESSION_COLUMNS,
    "needles.csv": NEEDLE_COLUMNS,
    "measurements.csv": MEASUREMENT_COLUMNS,
}


def guard_cell(text: str) -> str:
    """``text`` safe for a spreadsheet: a leading apostrophe when it could start a formula.

    Plain numbers (``-3``, ``+47``, ``2.5``) are left as they are: a spreadsheet reads them as
    numbers, never as formulas.
    """
    if text[:1] in _FORMULA_FIRST and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _float_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else format(value, ".10g")


def _unchanged(value: int | None) -> int | None:
    return value


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# By exact type (so True, an int to isinstance, is a bool here). Called for every cell of
# every row, 15 million on a large journal, so one dictionary look-up decides.
_CELL_BY_TYPE: dict[type, Callable[[Any], str | int | None]] = {
    str: guard_cell,
    int: _unchanged,
    type(None): _unchanged,
    float: _float_text,
    bool: _yes_no,
}


def cell(value: object) -> str | int | None:
    """One value as the CSV writer takes it: text guarded, yes/no for true/false, numbers
    plain (``25``, ``0.25``), None for an empty cell (the writer writes it as nothing)."""
    convert = _CELL_BY_TYPE.get(type(value))
    return convert(value) if convert is not None else guard_cell(str(value))


class CsvTable:
    """A CSV file being written: the header first, then rows as dicts of column values."""

    def __init__(self, stream: IO[str], columns: Sequence[Column]) -> None:
        self.names = [name for name, _ in columns]
        self.writer = csv.writer(stream)
        self.writer.writerow(self.names)
        self.rows = 0

    def add(self, values: Mapping[str, object]) -> None:
        self.writer.writerow([cell(values.get(name)) for name in self.names])
        self.rows += 1


def open_table(files: StagedFiles, name: str, columns: Sequence[Column]) -> CsvTable:
    """A :class:`CsvTable` for ``name`` in a set of staged files, UTF-8 with BOM."""
    return CsvTable(files.open(name, encoding="utf-8-sig", newline=""), columns)


@dataclass(frozen=True, slots=True)
class CsvExportReport:
    """What a CSV export wrote."""

    folder: Path
    files: tuple[Path, ...]
    patients: int
    sessions: int
    needles: int
    measurements: int


def _joined(items: Iterable[str]) -> str:
    return "; ".join(item for item in items if item)


class _Writer:
    def __init__(
        self,
        tables: dict[str, CsvTable],
        names: Mapping[uuid.UUID, str],
        known: Mapping[str, outcomes.Instrument],
    ) -> None:
        self.sessions = tables["sessions.csv"]
        self.needles = tables["needles.csv"]
        self.measurements = tables["measurements.csv"]
        self.practitioner_names = names
        self.known = known
        self.patients = 0

    def batch(self, batch: PatientBatch) -> None:
        for patient in batch.patients:
            self.patients += 1
            for case in batch.cases.get(patient["id"], []):
                sessions = batch.sessions.get(case["id"], [])
                for session in sessions:
                    self.session(batch, patient, case, session)
                last = max((s["started_at"] for s in sessions), default=None)
                for row in batch.measurements.get(case["id"], []):
                    self.measurement(patient, row, last)

    def session(self, batch: PatientBatch, patient: Row, case: Row, row: Row) -> None:
        zone = row["time_zone"]
        local = local_time(row["started_at"], zone)
        needles = batch.needles.get(row["id"], [])
        events = batch.adverse_events.get(row["id"], [])
        self.sessions.add(
            {
                **{name: row[name] for name in _SESSION_FIELDS},
                "session_id": row["id"],
                "patient_id": patient["id"],
                "patient_name": patient["name"],
                "case_title": case["title"],
                "condition": case["condition"],
                "practitioner": self.practitioner_names.get(row["practitioner_id"], ""),
                "date": local.date().isoformat(),
                "start_time": local.strftime("%H:%M"),
                "started_at": local.isoformat(),
                "signed_at": None
                if row["signed_at"] is None
                else instant_text(row["signed_at"], zone),
                "needle_rows": len(needles),
                "insertions": sum(2 if n["side"] == "bilateral" else 1 for n in needles),
                "co_interventions": _joined(row["co_interventions"] or []),
                "adverse_events": _joined(f"{e['category']} ({e['severity']})" for e in events),
            }
        )
        day = local.date().isoformat()
        for needle in needles:
            self.needles.add(
                {
                    **needle,
                    "patient_id": patient["id"],
                    "case_id": row["case_id"],
                    "date": day,
                    "position": needle["position"] + 1,
                    "point_text": point_text(needle),
                }
            )

    def measurement(self, patient: Row, row: Row, last_session: Any) -> None:
        code = row["instrument"]
        inst = outcomes.INSTRUMENTS.get(code) or self.known.get(code)
        local = local_time(row["taken_at"], row["time_zone"])
        answers = row["answers"]
        self.measurements.add(
            {
                **row,
                "measurement_id": row["id"],
                "patient_id": patient["id"],
                "patient_name": patient["name"],
                "instrument_name": inst.name if inst is not None else "",
                "date": local.date().isoformat(),
                "taken_at": local.isoformat(),
                "unit": inst.unit if inst is not None else "",
                "follow_up": row["session_id"] is None
                and last_session is not None
                and row["taken_at"] > last_session,
                "answers": None
                if answers is None
                else json.dumps(answers, ensure_ascii=False, separators=(",", ":")),
            }
        )


_SESSION_FIELDS = (
    "case_id",
    "practitioner_id",
    "time_zone",
    "status",
    "pain_before_back",
    "pain_before_leg",
    "pain_after_back",
    "pain_after_leg",
    "needles_in",
    "needles_out",
    "sham",
    "protocol_id",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "patient_advice",
)


def write_csv_export(
    db: Database, folder: str | os.PathLike[str], patient_id: uuid.UUID | None = None
) -> CsvExportReport:
    """Write sessions.csv, needles.csv and measurements.csv into ``folder``.

    The folder is created (owner-only) when it does not exist; files of the same names in it
    are replaced, all three together once everything is written. With ``patient_id``, only
    that patient (NotFoundError, a LookupError, when there is none). The export is recorded
    in the audit trail.
    """
    target = Path(folder)
    known = get_clinic_measures(db)
    with read_only(db) as repo, staged_files(target, create=True) as files:
        batches = JournalBatches(repo.session, patient_id)
        names = {key: row["name"] for key, row in batches.practitioners.items()}
        tables = {name: open_table(files, name, columns) for name, columns in FILES.items()}
        writer = _Writer(tables, names, known)
        for batch in batches:
            writer.batch(batch)
        written = files.commit()
    record_export(
        db, None, patient_id, f"CSV export (sessions, needles, measurements) to {target.name}"
    )
    return CsvExportReport(
        folder=target,
        files=tuple(written),
        patients=writer.patients,
        sessions=writer.sessions.rows,
        needles=writer.needles.rows,
        measurements=writer.measurements.rows,
    )
