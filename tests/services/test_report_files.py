"""Reports as files: one request builds any report; batches write each summary safely."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from acujournal.domain.model import Patient
from acujournal.services.patients import create_patient
from acujournal.services.report_files import (
    ReportKind,
    ReportRequest,
    export_summaries,
    render_report,
    safe_file_name,
    write_atomically,
)
from acujournal.services.reporting import ReportError
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from tests.builders import make_journal, make_session


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("suggested", "safe"),
    [
        ("Summary Åse Bjørnstad 2026-03-02", "Summary Åse Bjørnstad 2026-03-02.pdf"),
        ("a/b\\c:d*e?f", "a-b-c-d-e-f.pdf"),
        ("../../etc/passwd", "etc-passwd.pdf"),
        ("", "report.pdf"),
        ("x" * 300, "x" * 120 + ".pdf"),
        ("Already.PDF", "Already.PDF"),
    ],
)
def test_suggested_names_are_safe_file_names(suggested: str, safe: str) -> None:
    assert safe_file_name(suggested) == safe


def test_each_kind_of_report_is_built_from_one_request(db: Database) -> None:
    journal = make_journal(db, "Åse Bjørnstad")
    sign_session(db, make_session(journal), journal.practitioner.id)
    patient = journal.patient.id
    assert "Åse Bjørnstad" in _text(render_report(db, ReportRequest(ReportKind.PROGRESS, patient)))
    assert "Åse Bjørnstad" in _text(render_report(db, ReportRequest(ReportKind.SUMMARY, patient)))
    assert "Clinic report" in _text(render_report(db, ReportRequest(ReportKind.CLINIC)))


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (ReportRequest(ReportKind.PROGRESS), "needs --patient"),
        (ReportRequest(ReportKind.SUMMARY, include_internal=True), "needs --patient"),
        (ReportRequest(ReportKind.CLINIC, include_internal=True), "whole clinic"),
    ],
)
def test_a_request_that_cannot_be_built_says_why(
    db: Database, request_: ReportRequest, message: str
) -> None:
    with pytest.raises(ReportError, match=message):
        render_report(db, request_)


def test_an_atomic_write_leaves_the_old_file_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    write_atomically(target, b"first")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing" / "report.pdf", b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_batch_writes_summaries_skips_the_empty_and_never_overwrites(
    db: Database, tmp_path: Path
) -> None:
    first = make_journal(db, "Åse Bjørnstad")
    sign_session(db, make_session(first), first.practitioner.id)
    second = make_journal(db, "Ola/Nordmann")
    sign_session(db, make_session(second), second.practitioner.id)
    empty = create_patient(db, Patient(name="Nils Empty"))
    (tmp_path / "Åse Bjørnstad - summary.pdf").write_bytes(b"kept")
    seen: list[tuple[int, int, str]] = []

    result = export_summaries(
        db,
        [
            (first.patient.id, "Åse Bjørnstad"),
            (empty.id, "Nils Empty"),
            (second.patient.id, "Ola/Nordmann"),
        ],
        tmp_path,
        progress=lambda done, total, name: seen.append((done, total, name)),
    )

    assert [p.name for p in result.written] == [
        "Åse Bjørnstad - summary (2).pdf",
        "Ola-Nordmann - summary.pdf",
    ]
    assert result.skipped == ["Nils Empty"]
    assert (tmp_path / "Åse Bjørnstad - summary.pdf").read_bytes() == b"kept"
    assert "Ola/Nordmann" in _text(result.written[1].read_bytes())
    assert seen == [(1, 3, "Åse Bjørnstad"), (2, 3, "Nils Empty"), (3, 3, "Ola/Nordmann")]
    assert result.sentence() == "2 patient summaries written, 1 patients without sessions skipped."


def test_a_cancelled_batch_keeps_what_it_wrote(db: Database, tmp_path: Path) -> None:
    journals = [make_journal(db, f"Patient {n}") for n in range(3)]
    for journal in journals:
        sign_session(db, make_session(journal), journal.practitioner.id)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1

    result = export_summaries(
        db, [(j.patient.id, j.patient.name) for j in journals], tmp_path, cancelled=cancelled
    )
    assert result.cancelled
    assert [p.name for p in result.written] == ["Patient 0 - summary.pdf"]
    assert result.sentence().startswith("Cancelled: 1 patient summaries written")


def test_an_unknown_patient_fails_alone(db: Database, tmp_path: Path) -> None:
    journal = make_journal(db, "Åse Bjørnstad")
    sign_session(db, make_session(journal), journal.practitioner.id)
    import uuid

    ghost = uuid.UUID(int=7)
    result = export_summaries(
        db, [(ghost, "Ghost"), (journal.patient.id, "Åse Bjørnstad")], tmp_path
    )
    assert len(result.written) == 1
    assert result.failed[0].startswith("Ghost: ")
    assert str(ghost) in result.failed[0]
