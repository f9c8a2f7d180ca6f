"""The audit report PDF: hostile text from the trail is shown as text, never as markup."""

from __future__ import annotations

from datetime import UTC, date, datetime

from acujournal.reports.audit_report import AuditReportData, AuditReportLine, render_audit_report
from acujournal.reports.data import ClinicHeader
from tests.reports.course import body_text, squashed

MARKUP = '<b>x</b> </para> <img src="http://example.invalid/x.png"/> &amp; <font name="Courier">'


def _data(lines: tuple[AuditReportLine, ...], ok: bool = True) -> AuditReportData:
    return AuditReportData(
        clinic=ClinicHeader(name="Klinikk <Nord>"),
        generated_at=datetime(2026, 3, 2, 14, 5, tzinfo=UTC),
        lines=lines,
        verdict="The audit trail is intact: 2 entries checked." if ok else "Tampered: entry 2.",
        verdict_ok=ok,
        period_from=date(2026, 3, 1),
        period_to=date(2026, 3, 2),
        patient_name=f"Åse {MARKUP}",
        total=len(lines),
    )


def _line(seq: int, actor: str, summary: str) -> AuditReportLine:
    return AuditReportLine(
        seq=seq,
        recorded_at=datetime(2026, 3, 2, 9, seq, tzinfo=UTC),
        actor=actor,
        action="change",
        record="session 3f2a9c1e",
        patient="Åse",
        summary=summary,
    )


def test_hostile_actor_and_summary_text_is_printed_as_text() -> None:
    pdf = render_audit_report(
        _data((_line(1, f"Dr {MARKUP}", "plan"), _line(2, "front desk", f"what {MARKUP}")))
    )
    text = squashed(body_text(pdf))
    assert squashed("Dr <b>x</b> </para>") in text
    assert squashed('<img src="http://example.invalid/x.png"/> &amp;') in text
    assert "Period:2026-03-01to2026-03-02" in text
    assert "Theaudittrailisintact" in text


def test_an_empty_period_says_so() -> None:
    text = body_text(render_audit_report(_data((), ok=False)))
    assert "No entries in this period." in text
    assert "Tampered: entry 2." in text
