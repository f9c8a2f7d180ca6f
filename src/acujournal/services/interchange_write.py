"""Building an ``acujournal/1`` document from the journal.

The whole journal is read with one query per table (never one per session), as plain column
rows rather than ORM objects: a ten-year clinic has 60,000 sessions and 600,000 needle rows,
and per-object loading would be minutes instead of seconds. Every list is sorted in Python
with a full key (ids break ties), so the same data gives the same document on SQLite and on
PostgreSQL, whatever their collations.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, Select, select
from sqlalchemy.orm import Session

from acujournal.services.interchange_intake import IntakeRows
from acujournal.services.interchange_questionnaires import KEY, questionnaire_documents
from acujournal.services.interchange_read import FORMAT
from acujournal.storage import mapping
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
from acujournal.storage.repository import NotFoundError

Row = RowMapping
Document = dict[str, Any]


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, LookupError):
        # Stored data was validated on the way in; should a bad name slip through anyway,
        # the instant is still exact when written in UTC.
        return UTC


def _instant(moment: datetime | None, zone: str = "UTC") -> str | None:
    """ISO 8601 with offset, as the clock on the wall showed it in ``zone``."""
    return None if moment is None else moment.astimezone(_zone(zone)).isoformat()


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _real(value: float | None) -> float | None:
    # Float columns may hand back ints (SQLite, JSON); writing 25.0 everywhere keeps a
    # re-export byte-identical.
    return None if value is None else float(value)


def _grouped(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    groups: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _practitioner(row: Row) -> Document:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "qualification": row["qualification"],
        "years_in_practice": row["years_in_practice"],
        "style": row["style"],
        "default_gauge_mm": _real(row["default_gauge_mm"]),
        "default_length_mm": _real(row["default_length_mm"]),
        "default_needle_brand": row["default_needle_brand"],
        "active": row["active"],
    }


def _protocol(row: Row) -> Document:
    points = [mapping.protocol_point_from_json(value) for value in row["points"]]
    return {
        "id": str(row["id"]),
        "family_id": str(row["family_id"]),
        "version": row["version"],
        "name": row["name"],
        "condition": row["condition"],
        "created_at": _instant(row["created_at"]),
        "points": [
            {
                "point": point.point,
                "side": point.side.value,
                "depth_mm": _real(point.depth_mm),
                "method": point.stimulation.method.value,
                "frequency_hz": _real(point.stimulation.frequency_hz),
                "frequency_high_hz": _real(point.stimulation.frequency_high_hz),
                "intensity_ma": _real(point.stimulation.intensity_ma),
                "retention_min": _real(point.retention_min),
                "spinal_level": point.spinal_level,
                "region": point.region,
                "description": point.description,
            }
            for point in points
        ],
    }


def _needle(row: Row) -> Document:
    return {
        "point": row["point"],
        "side": row["side"],
        "depth_mm": _real(row["depth_mm"]),
        "tissue_level": row["tissue_level"],
        "angle": row["angle"],
        "gauge_mm": _real(row["gauge_mm"]),
        "length_mm": _real(row["length_mm"]),
        "needle_brand": row["needle_brand"],
        "stimulation": {
            "method": row["method"],
            "frequency_hz": _real(row["frequency_hz"]),
            "frequency_high_hz": _real(row["frequency_high_hz"]),
            "intensity_ma": _real(row["intensity_ma"]),
            "waveform": row["waveform"],
        },
        "response_sought": row["response_sought"],
        "deqi": row["deqi"],
        "retention_min": _real(row["retention_min"]),
        "spinal_level": row["spinal_level"],
        "region": row["region"],
        "description": row["description"],
    }


class _JournalReader:
    """The rows of the exported part of the journal, grouped by parent."""

    def __init__(self, session: Session, patient_id: uuid.UUID | None) -> None:
        def of_patient(query: Select[Any], case_column: Any) -> Select[Any]:
            if patient_id is None:
                return query
            return query.where(
                case_column.in_(select(CaseRow.id).where(CaseRow.patient_id == patient_id))
            )

        def rows(model: type[Base], case_column: Any = None) -> list[Row]:
            query = select(model.__table__)
            if case_column is not None:
                query = of_patient(query, case_column)
            return list(session.execute(query).mappings())

        def children(model: type[Base]) -> list[Row]:
            # Needles and the like of the same sessions, in one query per table.
            table = model.__table__
            of_sessions = of_patient(select(SessionRow.id), SessionRow.case_id)
            query = select(table)
            if patient_id is not None:
                query = query.where(table.c.session_id.in_(of_sessions))
            return list(session.execute(query).mappings())

        patients = select(PatientRow.__table__)
        if patient_id is not None:
            patients = patients.where(PatientRow.id == patient_id)
        self.patients = list(session.execute(patients).mappings())
        if patient_id is not None and not self.patients:
            raise NotFoundError(f"No patient with id {patient_id}.")
        self.cases = _grouped(rows(CaseRow, CaseRow.id), "patient_id")
        session_rows = rows(SessionRow, SessionRow.case_id)
        self.sessions = _grouped(session_rows, "case_id")
        self.measurements = _grouped(rows(MeasurementRow, MeasurementRow.case_id), "case_id")
        self.needles = _grouped(children(NeedleRow), "session_id")
        self.adverse_events = _grouped(children(AdverseEventRow), "session_id")
        amendment_rows = children(AmendmentRow)
        self.amendments = _grouped(amendment_rows, "session_id")
        self.practitioners = rows(PractitionerRow)
        self.protocols = rows(ProtocolRow)
        self.intakes = IntakeRows(session, patient_id)
        if patient_id is not None:
            # Only what this patient's records point at, so nobody else's data leaves.
            used = {r["practitioner_id"] for r in session_rows} | self.intakes.reviewers()
            used |= {r["signed_by"] for r in session_rows}
            used |= {r["author_id"] for r in amendment_rows}
            self.practitioners = [r for r in self.practitioners if r["id"] in used]
            protocol_ids = {r["protocol_id"] for r in session_rows}
            self.protocols = [r for r in self.protocols if r["id"] in protocol_ids]
        forms = None if patient_id is None else self.intakes.forms()
        self.questionnaires = questionnaire_documents(session, forms)


def _sorted(rows: Sequence[Row], *keys: str) -> list[Row]:
    """Rows by ``keys``; None sorts last so undated records follow dated ones."""

    def key(row: Row) -> tuple[Any, ...]:
        # (is-None, value): a None never meets a value in a comparison, so types never mix.
        return tuple(
            part for k in keys for part in (row[k] is None, row[k] if row[k] is not None else 0)
        )

    return sorted(rows, key=key)


def build_document(
    session: Session, patient_id: uuid.UUID | None, generator: str, now: datetime
) -> Document:
    """The document for the whole journal, or one patient and what their records point at
    (the clinic's questionnaires included)."""
    journal = _JournalReader(session, patient_id)
    document: Document = {
        "format": FORMAT,
        "exported_at": _instant(now),
        "generator": generator,
        "practitioners": [
            _practitioner(row) for row in _sorted(journal.practitioners, "name", "id")
        ],
        "protocols": [
            _protocol(row) for row in _sorted(journal.protocols, "name", "family_id", "version")
        ],
    }
    if journal.questionnaires:  # left out without any, so older versions read the file too
        document[KEY] = journal.questionnaires
    document["patients"] = [
        _patient(journal, row) for row in _sorted(journal.patients, "name", "id")
    ]
    return document


def _patient(journal: _JournalReader, row: Row) -> Document:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "birth_date": _day(row["birth_date"]),
        "phone": row["phone"],
        "email": row["email"],
        "address": row["address"],
        "archived": row["archived"],
        "cases": [
            _case(journal, case)
            for case in _sorted(journal.cases.get(row["id"], []), "opened_on", "id")
        ],
        "intakes": journal.intakes.documents(row["id"]),
    }


def _case(journal: _JournalReader, row: Row) -> Document:
    sessions = _sorted(journal.sessions.get(row["id"], []), "started_at", "id")
    measurements = _sorted(journal.measurements.get(row["id"], []), "taken_at", "id")
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "condition": row["condition"],
        "side": row["side"],
        "suspected_cause": row["suspected_cause"],
        "onset_date": _day(row["onset_date"]),
        "radiation": row["radiation"],
        "numbness": row["numbness"],
        "style": row["style"],
        "rationale": row["rationale"],
        "opened_on": _day(row["opened_on"]),
        "closed_on": _day(row["closed_on"]),
        "sessions": [_session(journal, session) for session in sessions],
        "measurements": [_measurement(m) for m in measurements],
    }


def _session(journal: _JournalReader, row: Row) -> Document:
    zone = row["time_zone"]
    session_id = row["id"]
    needles = sorted(journal.needles.get(session_id, []), key=lambda n: n["position"])
    events = sorted(journal.adverse_events.get(session_id, []), key=lambda e: e["id"])
    amendments = _sorted(journal.amendments.get(session_id, []), "created_at", "id")
    return {
        "id": str(session_id),
        "practitioner_id": str(row["practitioner_id"]),
        "started_at": _instant(row["started_at"], zone),
        "time_zone": zone,
        "entered_at": _instant(row["entered_at"], zone),
        "status": row["status"],
        "signed_by": _id(row["signed_by"]),
        "signed_at": _instant(row["signed_at"], zone),
        "pain_before": {"back": row["pain_before_back"], "leg": row["pain_before_leg"]},
        "pain_after": {"back": row["pain_after_back"], "leg": row["pain_after_leg"]},
        "needles_in": row["needles_in"],
        "needles_out": row["needles_out"],
        "needles": [_needle(n) for n in needles],
        "notes": {
            "subjective": row["subjective"],
            "objective": row["objective"],
            "assessment": row["assessment"],
            "plan": row["plan"],
            "internal": row["internal_note"],
        },
        "patient_advice": row["patient_advice"],
        "co_interventions": list(row["co_interventions"] or []),
        "adverse_events": [
            {
                "id": str(e["id"]),
                "category": e["category"],
                "severity": e["severity"],
                "action": e["action"],
                "description": e["description"],
            }
            for e in events
        ],
        "amendments": [
            {
                "id": str(a["id"]),
                "author_id": str(a["author_id"]),
                "created_at": _instant(a["created_at"], zone),
                "text": a["text"],
            }
            for a in amendments
        ],
        "sham": row["sham"],
        "protocol_id": _id(row["protocol_id"]),
    }


def _measurement(row: Row) -> Document:
    return {
        "id": str(row["id"]),
        "instrument": row["instrument"],
        "taken_at": _instant(row["taken_at"], row["time_zone"]),
        "time_zone": row["time_zone"],
        "session_id": _id(row["session_id"]),
        "answers": row["answers"],
        "value": _real(row["value"]),
        "score": _real(row["score"]),
        "note": row["note"],
    }
