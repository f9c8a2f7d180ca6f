"""Figures of the PDF reports: the long patient's progress report, a year's clinic report.

Each is measured from the database to the PDF bytes, as the app makes it (data built by
``services``, rendered by ``reports``). Each baseline reads comparable rows with plain sqlite3
and lays them out with ReportLab alone: a SimpleDocTemplate with the same rows as Paragraph
cells of a Table whose header repeats, the same notes, and a plain Drawing for the chart.
"""

from __future__ import annotations

import io
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from acujournal.reports.clinic import render_clinic_report
from acujournal.reports.progress import render_progress_report
from acujournal.services.clinic_stats import build_clinic_report
from acujournal.services.demo import DEFAULT_END
from acujournal.services.reporting import build_progress_report
from acujournal.storage.db import database_url, open_database
from benchmarks.context import Context
from benchmarks.measure import interleave, timed
from benchmarks.results import Goal, Result

STYLES = getSampleStyleSheet()
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
)
WIDTH = A4[0] - 2 * 72


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf(story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    cell = STYLES["BodyText"]
    table = Table(
        [[Paragraph(text, cell) for text in row] for row in rows],
        colWidths=[WIDTH * w for w in widths],
        repeatRows=1,
    )
    table.setStyle(GRID)
    return table


def _line_chart(series: Sequence[Sequence[int | None]]) -> Drawing:
    drawing = Drawing(WIDTH, 190)
    for index, values in enumerate(series):
        left = index * WIDTH / 2
        drawing.add(Line(left, 20, left + WIDTH / 2 - 20, 20))
        drawing.add(Line(left, 20, left, 180))
        step = (WIDTH / 2 - 20) / max(len(values) - 1, 1)
        points: list[float] = []
        for position, score in enumerate(values):
            if score is not None:
                points += [left + position * step, 20 + 16 * score]
        if len(points) >= 4:  # a line needs two scores
            drawing.add(PolyLine(points, strokeColor=colors.darkblue))
    return drawing


# Progress report -------------------------------------------------------------------------------

PROGRESS_QUERY = """
SELECT s.id, s.started_at, pr.name, s.pain_before_back, s.pain_before_leg, s.pain_after_back,
       s.pain_after_leg, s.subjective, s.objective, s.assessment, s.plan, s.patient_advice,
       (SELECT group_concat(n.point || ' ' || n.side || ' ' || ifnull(n.depth_mm, '') || ' mm',
                            '; ')
          FROM needles n WHERE n.session_id = s.id),
       (SELECT group_concat(DISTINCT n.method) FROM needles n WHERE n.session_id = s.id),
       (SELECT min(n.retention_min) || '-' || max(n.retention_min)
          FROM needles n WHERE n.session_id = s.id),
       (SELECT group_concat(a.category || ' (' || a.severity || ')', '<br/>')
          FROM adverse_events a WHERE a.session_id = s.id)
  FROM sessions s JOIN cases c ON s.case_id = c.id
  JOIN practitioners pr ON s.practitioner_id = pr.id
 WHERE c.patient_id = ?
 ORDER BY s.started_at
"""


def bare_progress_report(journal: Path, patient_hex: str) -> bytes:
    connection = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        rows = connection.execute(PROGRESS_QUERY, (patient_hex,)).fetchall()
    finally:
        connection.close()
    story: list[Flowable] = [Paragraph("Progress report", STYLES["Title"])]
    story.append(_line_chart([[r[3] for r in rows], [r[4] for r in rows]]))
    table_rows = [
        ["#", "Date", "Practitioner", "Points", "Stimulation", "Retention", "Pain", "Adverse"]
    ]
    for number, r in enumerate(rows, start=1):
        when = str(r[1])
        table_rows.append(
            [
                str(number),
                f"{when[:10]}<br/>{when[11:16]}",
                _escape(r[2]),
                _escape(r[12] or "–"),
                r[13] or "–",
                f"{r[14]} min" if r[14] else "–",
                f"back {r[3]} → {r[5]}<br/>leg {r[4]} → {r[6]}",
                r[15] or "–",
            ]
        )
    story.append(_table(table_rows, (0.035, 0.105, 0.115, 0.28, 0.125, 0.1, 0.115, 0.125)))
    for number, r in enumerate(rows, start=1):
        notes = [
            (label, text)
            for label, text in zip(("S", "O", "A", "P", "Advice"), r[7:12], strict=True)
            if text
        ]
        if notes:
            story.append(Paragraph(f"<b>Session {number}</b> · {str(r[1])[:16]}", STYLES["h4"]))
            for label, text in notes:
                story.append(Paragraph(f"<b>{label}:</b> {_escape(text)}", STYLES["BodyText"]))
    return _pdf(story)


def progress_report(ctx: Context) -> list[Result]:
    db = open_database(database_url(ctx.journal))
    sizes: list[int] = []

    def app_once() -> float:
        def make() -> None:
            sizes.append(len(render_progress_report(build_progress_report(db, ctx.long.id))))

        return timed(make)

    def bare_once() -> float:
        return timed(lambda: bare_progress_report(ctx.journal, ctx.long.id.hex))

    try:
        runs, baseline_runs = interleave(app_once, bare_once, ctx.runs, warmup=ctx.warmup)
    finally:
        db.dispose()
    return [
        Result(
            "progress_report",
            f"progress report PDF, patient with {ctx.long.sessions} sessions",
            "s",
            runs.values,
            baseline_runs.values,
            "sqlite3 rows + ReportLab alone: same session rows, notes and a line chart",
            Goal("ratio", 1.5, "<= 1.5x"),
            {"sessions": ctx.long.sessions, "pdf_kib": round(sizes[-1] / 1024)},
        )
    ]


# Clinic report ---------------------------------------------------------------------------------


def report_year() -> tuple[date, date]:
    """The last year of the generated clinic (its records stop the day before DEFAULT_END)."""
    last = DEFAULT_END - timedelta(days=1)
    return last.replace(year=last.year - 1) + timedelta(days=1), last


def bare_clinic_report(journal: Path, first: date, last: date) -> bytes:
    start, end = first.isoformat(), (last + timedelta(days=1)).isoformat()
    connection = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        per_month = connection.execute(
            "SELECT pr.name, substr(s.started_at, 1, 7), count(*) FROM sessions s"
            " JOIN practitioners pr ON s.practitioner_id = pr.id"
            " WHERE s.started_at >= ? AND s.started_at < ? GROUP BY 1, 2",
            (start, end),
        ).fetchall()
        new_patients = connection.execute(
            "SELECT substr(first, 1, 7), count(*) FROM (SELECT c.patient_id,"
            " min(s.started_at) AS first FROM sessions s JOIN cases c ON s.case_id = c.id"
            " GROUP BY c.patient_id) WHERE first >= ? AND first < ? GROUP BY 1",
            (start, end),
        ).fetchall()
        conditions = connection.execute(
            "SELECT c.condition, count(DISTINCT c.id), count(*) FROM sessions s"
            " JOIN cases c ON s.case_id = c.id WHERE s.started_at >= ? AND s.started_at < ?"
            " GROUP BY 1 ORDER BY 2 DESC",
            (start, end),
        ).fetchall()
        adverse = connection.execute(
            "SELECT a.category, a.severity, count(*) FROM adverse_events a"
            " JOIN sessions s ON a.session_id = s.id"
            " WHERE s.started_at >= ? AND s.started_at < ? GROUP BY 1, 2",
            (start, end),
        ).fetchall()
    finally:
        connection.close()
    months = sorted({month for _, month, _ in per_month})
    by_name: dict[str, dict[str, int]] = defaultdict(dict)
    for name, month, count in per_month:
        by_name[name][month] = count
    totals = [sum(by_name[name].get(month, 0) for name in by_name) for month in months]
    chart = Drawing(WIDTH, 160)
    top = max(totals, default=1) or 1
    for index, total in enumerate(totals):
        bar = WIDTH / max(len(totals), 1)
        chart.add(Rect(index * bar + 2, 20, bar - 4, 130 * total / top, fillColor=colors.teal))
        chart.add(String(index * bar + 2, 6, months[index][2:], fontSize=6))
    short = [month[2:] for month in months]
    widths = [0.16] + [0.84 / max(len(months), 1)] * len(months)
    story: list[Any] = [Paragraph("Clinic report", STYLES["Title"]), chart]
    story.append(
        _table(
            [["Practitioner", *short]]
            + [
                [_escape(name), *(str(by_name[name].get(m, 0)) for m in months)]
                for name in sorted(by_name)
            ],
            widths,
        )
    )
    new_by_month = dict(new_patients)
    story.append(
        _table(
            [["New patients", *short], ["all", *(str(new_by_month.get(m, 0)) for m in months)]],
            widths,
        )
    )
    story.append(
        _table(
            [["Condition", "Cases", "Sessions"]]
            + [[_escape(c), str(n), str(s)] for c, n, s in conditions],
            (0.6, 0.2, 0.2),
        )
    )
    story.append(
        _table(
            [["Adverse event", "Severity", "Count"]] + [[c, s, str(n)] for c, s, n in adverse],
            (0.6, 0.2, 0.2),
        )
    )
    return _pdf(story)


def clinic_report(ctx: Context) -> list[Result]:
    first, last = report_year()
    db = open_database(database_url(ctx.journal))

    def app_once() -> float:
        return timed(lambda: render_clinic_report(build_clinic_report(db, first, last)))

    def bare_once() -> float:
        return timed(lambda: bare_clinic_report(ctx.journal, first, last))

    try:
        runs, baseline_runs = interleave(app_once, bare_once, ctx.runs, warmup=ctx.warmup)
    finally:
        db.dispose()
    return [
        Result(
            "clinic_report",
            f"clinic report PDF for one year ({first} to {last})",
            "s",
            runs.values,
            baseline_runs.values,
            "sqlite3 GROUP BY queries + ReportLab alone: month, condition and adverse tables",
            Goal("value", 2.0, "<= 2 s"),
            {"period": [first.isoformat(), last.isoformat()]},
        )
    ]
