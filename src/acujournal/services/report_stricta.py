"""The STRICTA 2010 description of a course of acupuncture, gathered from its sessions.

STRICTA (MacPherson et al., PLoS Med 2010) lists what a description of acupuncture treatment
must say: style, points, depth, response sought, stimulation, retention, needle type, number
and frequency of sessions, other interventions and the practitioner's background.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence

from acujournal.domain.model import (
    AcupunctureStyle,
    Case,
    Practitioner,
    ResponseSought,
    Side,
    StimulationMethod,
    TissueLevel,
)
from acujournal.reports.data import NeedleLine, PractitionerBackground, SessionLine, StrictaFacts
from acujournal.reports.wording import number
from acujournal.services.report_course import point_uses


def electro_settings(needles: Iterable[NeedleLine]) -> tuple[str, ...]:
    """Electro-acupuncture settings of a course, one line per frequency and waveform, with the
    range of intensities used: "2/100 Hz dense-disperse, 1-5 mA"."""
    intensities: dict[str, list[float]] = {}
    for needle in needles:
        if needle.method is not StimulationMethod.ELECTRO:
            continue
        hz = ""
        if needle.frequency_hz is not None:
            hz = number(needle.frequency_hz)
            if needle.frequency_high_hz is not None:
                hz += f"/{number(needle.frequency_high_hz)}"
            hz += " Hz"
        key = " ".join(part for part in (hz, needle.waveform.strip()) if part)
        values = intensities.setdefault(key or "settings not recorded", [])
        if needle.intensity_ma is not None:
            values.append(needle.intensity_ma)
    lines = []
    for key, values in intensities.items():
        if values and min(values) != max(values):
            key += f", {number(min(values))}–{number(max(values))} mA"
        elif values:
            key += f", {number(values[0])} mA"
        lines.append(key)
    return tuple(lines)


def _sorted_values(values: Iterable[float | None]) -> tuple[float, ...]:
    return tuple(sorted({v for v in values if v is not None}))


def stricta_facts(
    case: Case,
    sessions: Sequence[SessionLine],
    practitioners: Sequence[Practitioner],
    treated_by: Iterable[uuid.UUID],
) -> StrictaFacts:
    """What STRICTA 2010 asks a description of acupuncture treatment to say, for one course."""
    needles = [n for s in sessions for n in s.needles]
    insertions = [sum(2 if n.side is Side.BILATERAL else 1 for n in s.needles) for s in sessions]
    by_id = {p.id: p for p in practitioners}
    treating = [by_id[i] for i in dict.fromkeys(treated_by) if i in by_id]
    style: AcupunctureStyle | None = case.style
    if style is None and treating:
        style = Counter(p.style for p in treating).most_common(1)[0][0]
    depths = [n.depth_mm for n in needles if n.depth_mm is not None]
    retentions = [n.retention_min for n in needles if n.retention_min is not None]
    deqi_known = [n.deqi for n in needles if n.deqi is not None]
    co = Counter(item.strip() for s in sessions for item in set(s.co_interventions) if item.strip())
    order_tissue = list(TissueLevel)
    order_method = list(StimulationMethod)
    order_response = list(ResponseSought)
    return StrictaFacts(
        style=style,
        rationale=case.rationale,
        points=point_uses(sessions),
        insertions_min=min(insertions, default=0),
        insertions_max=max(insertions, default=0),
        gauges_mm=_sorted_values(n.gauge_mm for n in needles),
        lengths_mm=_sorted_values(n.length_mm for n in needles),
        brands=tuple(sorted({n.needle_brand.strip() for n in needles} - {""})),
        depth_min_mm=min(depths, default=None),
        depth_max_mm=max(depths, default=None),
        tissue_levels=tuple(
            sorted({n.tissue_level for n in needles if n.tissue_level}, key=order_tissue.index)
        ),
        responses_sought=tuple(
            sorted({n.response_sought for n in needles}, key=order_response.index)
        ),
        deqi_obtained=sum(1 for d in deqi_known if d),
        deqi_recorded=len(deqi_known),
        methods=tuple(sorted({n.method for n in needles}, key=order_method.index)),
        electro_settings=electro_settings(needles),
        retention_min=min(retentions, default=None),
        retention_max=max(retentions, default=None),
        co_interventions=tuple(sorted(co.items(), key=lambda item: (-item[1], item[0]))),
        sham_sessions=sum(1 for s in sessions if s.sham),
        practitioners=tuple(
            PractitionerBackground(p.name, p.qualification, p.years_in_practice) for p in treating
        ),
    )
