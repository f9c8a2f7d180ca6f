"""Export to a FHIR R4 Bundle (type ``collection``) for referrers and the patient's record.

Each patient becomes a Patient; each case a Condition; each session an Encounter with the
acupuncture given as a Procedure (every needled point a body site coded with its WHO code),
its NRS pain scores as Observations (LOINC 72514-3, back or leg as the body site, before or
after treatment as a component) and its adverse events as AdverseEvents; each outcome
measurement an Observation; each intake a QuestionnaireResponse; and every practitioner the
records point at a Practitioner. Every entry's ``fullUrl`` is ``urn:uuid:<id>`` with the
record's own id, and resources refer to each other by those.

Left out on purpose: the practitioner's internal note (never for the patient or a referrer),
and the intake's automatic screening and review decision (the ``acujournal/1`` export keeps
everything). The mapping is described in docs/export.md.

The journal is read a batch of patients at a time and the Bundle is written as it is built,
so the export of a large journal needs little memory.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from acujournal.domain.outcomes import Instrument
from acujournal.domain.questionnaire import Questionnaire
from acujournal.services import fhir_outcomes as reported
from acujournal.services import fhir_resources as fhir
from acujournal.services.audit import record_export
from acujournal.services.export_rows import (
    JournalBatches,
    PatientBatch,
    Row,
    instant_text,
    staged_files,
)
from acujournal.services.fhir_codes import Resource, compact
from acujournal.services.questionnaires import questionnaire_in
from acujournal.services.settings import get_clinic_measures
from acujournal.services.unit_of_work import read_only, utc_now
from acujournal.storage.db import Database


@dataclass(frozen=True, slots=True)
class FhirExportReport:
    """What a FHIR export wrote."""

    path: Path
    patients: int
    sessions: int
    resources: int


class _BundleWriter:
    """Writes a Bundle's entries one by one to a text stream."""

    def __init__(self, stream: IO[str], bundle_id: uuid.UUID, now: datetime) -> None:
        self.stream = stream
        self.count = 0
        head = {
            "resourceType": "Bundle",
            "id": str(bundle_id),
            "meta": {"lastUpdated": instant_text(now)},
            "type": "collection",
            "timestamp": instant_text(now),
        }
        # The object is left open for the entries; FHIR forbids an empty "entry" list, so the
        # key is only written with the first entry.
        stream.write(json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1])

    def add(self, resource: Resource) -> None:
        entry = {
            "fullUrl": f"urn:uuid:{resource['id']}",
            "resource": compact(resource),
        }
        self.stream.write(',"entry":[\n' if self.count == 0 else ",\n")
        self.stream.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        self.count += 1

    def close(self) -> None:
        self.stream.write("\n]}\n" if self.count else "}\n")


FormLookup = Callable[[str, int], Questionnaire | None]


class _Exporter:
    def __init__(
        self, writer: _BundleWriter, known: Mapping[str, Instrument], forms: FormLookup
    ) -> None:
        self.writer = writer
        self.known = known
        self.forms = forms
        self.practitioners: set[uuid.UUID] = set()
        self.patients = 0
        self.sessions = 0

    def batch(self, batch: PatientBatch) -> None:
        add = self.writer.add
        for patient in batch.patients:
            patient_id = patient["id"]
            self.patients += 1
            add(fhir.patient(patient))
            for intake in batch.intakes.get(patient_id, []):
                form = self.forms(intake["questionnaire_key"], intake["questionnaire_version"])
                add(reported.questionnaire_response(intake, form))
            for case in batch.cases.get(patient_id, []):
                self.case(batch, case, patient_id)

    def case(self, batch: PatientBatch, case: Row, patient_id: uuid.UUID) -> None:
        add = self.writer.add
        add(fhir.condition(case))
        sessions = batch.sessions.get(case["id"], [])
        for session in sessions:
            session_id = session["id"]
            self.sessions += 1
            amendments = batch.amendments.get(session_id, [])
            self.practitioners.add(session["practitioner_id"])
            self.practitioners.update(a["author_id"] for a in amendments)
            add(fhir.encounter(session, patient_id))
            add(fhir.procedure(session, patient_id, batch.needles.get(session_id, []), amendments))
            for observation in reported.session_pain(session, patient_id):
                add(observation)
            for event in batch.adverse_events.get(session_id, []):
                add(fhir.adverse_event(event, session, patient_id))
        session_ids = {s["id"] for s in sessions}
        for row in batch.measurements.get(case["id"], []):
            add(reported.measurement(row, patient_id, self.known, session_ids))

    def finish(self, practitioners: Mapping[uuid.UUID, Row]) -> None:
        rows: Iterable[Row] = (practitioners[i] for i in self.practitioners)
        for row in sorted(rows, key=lambda r: (r["name"], r["id"])):
            self.writer.add(fhir.practitioner(row))


def write_fhir_export(
    db: Database, path: str | os.PathLike[str], patient_id: uuid.UUID | None = None
) -> FhirExportReport:
    """Write the journal (or one patient) as a FHIR R4 Bundle to a UTF-8 JSON file.

    With ``patient_id``, only that patient and the practitioners their records point at; a
    NotFoundError (LookupError) when there is no such patient. The file is written beside its
    final name and renamed into place, so a failed export leaves no half-written file. The
    export is recorded in the audit trail.
    """
    target = Path(path)
    known = get_clinic_measures(db)
    now = utc_now()
    with read_only(db) as repo, staged_files(target.parent) as files:
        batches = JournalBatches(repo.session, patient_id, amendments=True, intakes=True)
        writer = _BundleWriter(files.open(target.name), uuid.uuid4(), now)
        exporter = _Exporter(writer, known, lambda key, v: questionnaire_in(repo, key, v))
        for batch in batches:
            exporter.batch(batch)
        exporter.finish(batches.practitioners)
        writer.close()
        files.commit()
    record_export(db, None, patient_id, f"FHIR R4 bundle to {target.name}")
    return FhirExportReport(target, exporter.patients, exporter.sessions, writer.count)
