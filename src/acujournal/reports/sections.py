"""Building blocks of the practitioner's report: the tables and described sections.

Each function takes report data and the stylesheet and returns flowables; user text passes
through :mod:`acujournal.reports.text` on the way. Table cells hold clipped text (a row of a
table cannot break across pages), and every clipped field is shown in full elsewhere: adverse
events in their own section, names in the patient block and the STRICTA description.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from acujournal.domain.model import AdverseEventCategory, Side, StimulationMethod
from acujournal.domain.needle_sizes import NeedleSizeNames, gauge_name, length_name, with_name
from acujournal.reports.data import (
    CaseFacts,
    NeedleLine,
    OutcomeSeries,
    ProgressCourse,
    SessionLine,
)
from acujournal.reports.styles import WARNING, Styles, table_style
from acujournal.reports.text import clip, para_text, text_flowables
from acujournal.reports.wording import (
    CATEGORY_NAMES,
    METHOD_NAMES,
    RESPONSE_NAMES,
    SIDE_SHORT,
    SIDE_WORDS,
    STYLE_NAMES,
    iso,
    number,
    per_week,
    plural,
    range_text,
    signed,
)

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

HEADING_CHARS = 150
CELL_CHARS = 160

# Fractions of the frame width for the session table's columns.
SESSION_COLUMNS = (
    ("#", 0.035),
    ("Date", 0.105),
    ("Practitioner", 0.115),
    ("Points (side, depth)", 0.28),
    ("Stimulation", 0.125),
    ("Retention", 0.1),
    ("Pain before → after", 0.115),
    ("Adverse events", 0.125),
)


def _p(markup: str, style: Any) -> Flowable:
    from reportlab.platypus import Paragraph

    return Paragraph(markup, style)


def case_heading(case: CaseFacts, st: Styles, label: str) -> list[Flowable]:
    """The case title as a heading, then a line of case facts."""
    out: list[Flowable] = [_p(label + para_text(clip(case.title, HEADING_CHARS)), st.heading)]
    if len(case.title) > HEADING_CHARS:
        out += text_flowables(case.title, st.body, lead="<b>Full case title:</b> ")
    facts = [f"<b>Condition:</b> {para_text(clip(case.condition, CELL_CHARS))}"]
    if case.side:
        facts.append(f"side: {case.side}")
    if case.radiation:
        facts.append(f"radiating to: {case.radiation}")
    if case.numbness is not None:
        facts.append(f"numbness or tingling: {'yes' if case.numbness else 'no'}")
    if case.suspected_cause.strip():
        facts.append(f"suspected cause: {para_text(clip(case.suspected_cause, 300))}")
    if case.onset_date:
        facts.append(f"onset {iso(case.onset_date)}")
    if case.opened_on:
        facts.append(f"opened {iso(case.opened_on)}")
    facts.append(f"closed {iso(case.closed_on)}" if case.closed_on else "open")
    out.append(_p(" · ".join(facts), st.body))
    return out


def facts_table(pairs: Sequence[tuple[str, str]], st: Styles, width: float) -> Flowable:
    """A label/value table; values are markup (already escaped by the caller)."""
    from reportlab.platypus import Table

    rows = [[_p(f"<b>{label}</b>", st.cell), _p(value, st.cell)] for label, value in pairs]
    table = Table(rows, colWidths=[width * 0.25, width * 0.75], hAlign="LEFT")
    table.setStyle(table_style(zebra=False, header_rows=0))
    return table


# Session table -----------------------------------------------------------------------------


def _depth(needle: NeedleLine) -> str:
    if needle.depth_mm is not None:
        return f"{number(needle.depth_mm)} mm"
    return needle.tissue_level.value if needle.tissue_level else ""


def points_cell(needles: Sequence[NeedleLine]) -> str:
    """Points grouped by side and depth: "BL23, BL25 bilat 25 mm; GB30 L 50 mm"."""
    groups: dict[tuple[Side, str], list[str]] = {}
    for needle in needles:
        key = (needle.side, _depth(needle))
        groups.setdefault(key, []).append(para_text(clip(needle.point.short, 50)))
    parts = []
    for (side, depth), names in groups.items():
        parts.append(" ".join(filter(None, (", ".join(names), SIDE_SHORT[side], depth))))
    return "; ".join(parts) or "–"


def stimulation_cell(needles: Sequence[NeedleLine]) -> str:
    """Manual or electro (with settings), and de qi obtained over recorded insertions."""
    lines: list[str] = []
    methods = {n.method for n in needles}
    if StimulationMethod.MANUAL in methods:
        lines.append("manual")
    electro: dict[str, int] = {}
    for needle in needles:
        if needle.method is StimulationMethod.ELECTRO:
            setting = ", ".join(
                part
                for part in (
                    (
                        f"{number(needle.frequency_hz)}"
                        + (
                            f"/{number(needle.frequency_high_hz)}"
                            if needle.frequency_high_hz
                            else ""
                        )
                        + " Hz"
                    )
                    if needle.frequency_hz is not None
                    else "",
                    f"{number(needle.intensity_ma)} mA" if needle.intensity_ma is not None else "",
                )
                if part
            )
            electro[setting] = electro.get(setting, 0) + 1
    for setting, count in electro.items():
        lines.append(f"EA {setting} ×{count}".replace("  ", " "))
    if StimulationMethod.NONE in methods and not lines:
        lines.append("none")
    known = [n.deqi for n in needles if n.deqi is not None]
    if known:
        lines.append(f"de qi {sum(1 for d in known if d)}/{len(known)}")
    return "<br/>".join(lines) or "–"


def _pain_cell(session: SessionLine) -> str:
    lines = []
    for region, before, after in (
        ("back", session.pain_before_back, session.pain_after_back),
        ("leg", session.pain_before_leg, session.pain_after_leg),
    ):
        if before is None and after is None:
            continue
        shown_before = "–" if before is None else str(before)
        shown_after = "–" if after is None else str(after)
        lines.append(f"{region} {shown_before} → {shown_after}")
    return "<br/>".join(lines) or "–"


def _adverse_cell(session: SessionLine) -> str:
    lines = []
    for event in session.adverse_events:
        text = f"{CATEGORY_NAMES[event.category]} ({event.severity.value})"
        if event.category is AdverseEventCategory.FORGOTTEN_NEEDLE:
            text = f'<font color="{WARNING}"><b>{text}</b></font>'
        lines.append(text)
    return "<br/>".join(lines) or "–"


def _date_cell(session: SessionLine) -> str:
    text = f"{session.started_at:%Y-%m-%d}<br/>{session.started_at:%H:%M}"
    if not session.signed:
        text += "<br/><b>draft</b>"
    if session.sham:
        text += "<br/>sham/control"
    return text


def session_table(sessions: Sequence[SessionLine], st: Styles, width: float) -> Flowable:
    """Every session of a course in one table; its header row repeats on each page."""
    from reportlab.platypus import Table

    header = [_p(title, st.header_cell) for title, _ in SESSION_COLUMNS]
    rows: list[list[Any]] = [header]
    for s in sessions:
        retention = [n.retention_min for n in s.needles if n.retention_min is not None]
        rows.append(
            [
                _p(str(s.number), st.cell),
                _p(_date_cell(s), st.cell),
                _p(para_text(clip(s.practitioner, 60)), st.cell),
                _p(points_cell(s.needles), st.cell),
                _p(stimulation_cell(s.needles), st.cell),
                _p(
                    range_text(min(retention, default=None), max(retention, default=None), "min")
                    if retention
                    else "–",
                    st.cell,
                ),
                _p(_pain_cell(s), st.cell),
                _p(_adverse_cell(s), st.cell),
            ]
        )
    table = Table(
        rows,
        colWidths=[width * fraction for _, fraction in SESSION_COLUMNS],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(table_style())
    return table


# Outcome measures --------------------------------------------------------------------------


def measurement_table(series: Sequence[OutcomeSeries], st: Styles, width: float) -> Flowable:
    """Every scored measurement: instrument, date, score, change from the first score."""
    from reportlab.platypus import Table

    titles = ("Instrument", "Date", "Score", "Change from first", "Note")
    rows: list[list[Any]] = [[_p(t, st.header_cell) for t in titles]]
    for one in series:
        first = one.readings[0].score
        for reading in one.readings:
            change = (
                signed(round(reading.score - first, 1))
                if reading is not one.readings[0]
                else "baseline"
            )
            if one.first_important_on == reading.taken_on:
                change += " · first important change"
            rows.append(
                [
                    _p(para_text(clip(one.name, 80)), st.cell),
                    _p(iso(reading.taken_on), st.cell),
                    _p(f"{number(round(reading.score, 1))} {para_text(one.unit)}", st.cell),
                    _p(change, st.cell),
                    _p(para_text(clip(reading.note, CELL_CHARS)), st.cell),
                ]
            )
    fractions = (0.3, 0.13, 0.12, 0.2, 0.25)
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style())
    return table


# Adverse events ----------------------------------------------------------------------------


def adverse_event_flowables(sessions: Sequence[SessionLine], st: Styles) -> list[Flowable]:
    """Every adverse event in full: category, severity, description and action taken."""
    out: list[Flowable] = []
    for session in sessions:
        for event in session.adverse_events:
            name = f"{CATEGORY_NAMES[event.category]} ({event.severity.value})"
            if event.category is AdverseEventCategory.FORGOTTEN_NEEDLE:
                name = f'<font color="{WARNING}"><b>{name}</b></font>'
            lead = f"<b>Session {session.number}, {session.started_at:%Y-%m-%d}</b> · {name}"
            described = text_flowables(event.description, st.body, lead=lead + ": ")
            out += described if event.description.strip() else [_p(lead, st.body)]
            if event.action.strip():
                out += text_flowables(event.action, st.body, lead="<b>Action taken:</b> ")
    if not out:
        out.append(_p("No adverse events were recorded.", st.body))
    return out


# STRICTA -----------------------------------------------------------------------------------


def _point_entry(use_point: Any, sessions: int, sides: Sequence[Side], total: int) -> str:
    point = use_point
    names = " ".join(filter(None, (point.pinyin, point.hanzi)))
    text = para_text(clip(point.described, 160))
    if names:
        text += " " + para_text(names)
    side_words = ", ".join(SIDE_WORDS[s] for s in sides)
    return f"{text} ({side_words}; {sessions}/{total})"


def stricta_flowables(
    course: ProgressCourse,
    st: Styles,
    sizes: NeedleSizeNames = NeedleSizeNames.MILLIMETRES,
) -> list[Flowable]:
    """The STRICTA 2010 items, each as a labelled paragraph."""
    facts = course.stricta
    total = course.summary.session_count
    items: list[tuple[str, str]] = []
    items.append(("1a Style", STYLE_NAMES[facts.style] if facts.style else "not recorded"))
    points = "; ".join(_point_entry(u.point, u.sessions, u.sides, total) for u in facts.points)
    if facts.insertions_max:
        insertions = range_text(facts.insertions_min, facts.insertions_max, "").strip()
    else:
        insertions = "none recorded"
    items.append(("2a Needle insertions per session", insertions))
    items.append(("2b Points (sides; sessions used)", points or "none recorded"))
    depth = range_text(facts.depth_min_mm, facts.depth_max_mm, "mm")
    if facts.tissue_levels:
        depth += "; by tissue: " + ", ".join(t.value for t in facts.tissue_levels)
    items.append(("2c Depth", depth))
    response = ", ".join(RESPONSE_NAMES[r] for r in facts.responses_sought) or "not recorded"
    if facts.deqi_recorded:
        response += (
            f"; de qi obtained at {facts.deqi_obtained} of {facts.deqi_recorded} "
            "recorded insertions"
        )
    items.append(("2d Response sought", response))
    stimulation = ", ".join(METHOD_NAMES[m] for m in facts.methods) or "not recorded"
    if facts.electro_settings:
        stimulation += "; electro settings: " + "; ".join(
            para_text(clip(s, 120)) for s in facts.electro_settings
        )
    items.append(("2e Stimulation", stimulation))
    items.append(("2f Retention", range_text(facts.retention_min, facts.retention_max, "min")))
    needle_type = "gauge " + (
        ", ".join(with_name(f"{number(g)} mm", gauge_name(g, sizes)) for g in facts.gauges_mm)
        or "not recorded"
    )
    needle_type += "; length " + (
        ", ".join(with_name(f"{number(x)} mm", length_name(x, sizes)) for x in facts.lengths_mm)
        or "not recorded"
    )
    if facts.brands:
        needle_type += "; brand " + ", ".join(para_text(clip(b, 80)) for b in facts.brands)
    items.append(("2g Needle type", needle_type))
    span = course.summary.span_days
    items.append(
        (
            "3a-3b Sessions and frequency",
            f"{plural(total, 'session')} over {plural(span, 'day')}, "
            f"{per_week(course.summary.sessions_per_week)}",
        )
    )
    co = "; ".join(
        f"{para_text(clip(name, 80))} ({plural(n, 'session')})"
        for name, n in facts.co_interventions
    )
    items.append(("4a Other interventions", co or "none recorded"))
    items.append(
        (
            "6 Control or sham",
            f"{plural(facts.sham_sessions, 'session')} tagged sham/control"
            if facts.sham_sessions
            else "none",
        )
    )
    out: list[Flowable] = [_p(f"<b>{label}:</b> {value}", st.body) for label, value in items[:1]]
    out += (
        text_flowables(facts.rationale, st.body, lead="<b>1b Reasoning:</b> ")
        if facts.rationale.strip()
        else [_p("<b>1b Reasoning:</b> not recorded", st.body)]
    )
    out += [_p(f"<b>{label}:</b> {value}", st.body) for label, value in items[1:]]
    if not facts.practitioners:
        out.append(_p("<b>5 Practitioner:</b> not recorded", st.body))
    for person in facts.practitioners:
        background = ", ".join(
            filter(
                None,
                (
                    para_text(clip(person.qualification, 200)),
                    plural(person.years_in_practice, "year") + " in practice"
                    if person.years_in_practice is not None
                    else "",
                ),
            )
        )
        out += text_flowables(person.name, st.body, lead="<b>5 Practitioner:</b> ")
        if background:
            out.append(_p(background, st.small))
    return out
