"""Translated labels for the domain's enumerations, as the session editor shows them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

from acujournal.domain.catalogue import BODY_REGIONS
from acujournal.domain.model import (
    AdverseEventCategory,
    Severity,
    Side,
    StimulationMethod,
)

translate = QCoreApplication.translate

# Body regions from head to foot, the order a practitioner scans a body in; regions added to
# the catalogue later still show, after these.
_REGION_ORDER = (
    "head",
    "face",
    "ear",
    "neck",
    "shoulder",
    "upper_back",
    "chest",
    "abdomen",
    "low_back",
    "buttock",
    "perineum",
    "upper_arm",
    "forearm",
    "hand",
    "thigh",
    "knee",
    "lower_leg",
    "foot",
)
BODY_REGION_ORDER: tuple[str, ...] = tuple(r for r in _REGION_ORDER if r in BODY_REGIONS) + tuple(
    sorted(BODY_REGIONS.difference(_REGION_ORDER))
)


def side_labels() -> dict[Side, str]:
    return {
        Side.BILATERAL: translate("Labels", "both"),
        Side.LEFT: translate("Labels", "left"),
        Side.RIGHT: translate("Labels", "right"),
        Side.MIDLINE: translate("Labels", "midline"),
    }


def method_labels() -> dict[StimulationMethod, str]:
    return {
        StimulationMethod.MANUAL: translate("Labels", "manual"),
        StimulationMethod.ELECTRO: translate("Labels", "electro"),
        StimulationMethod.NONE: translate("Labels", "none"),
    }


def deqi_labels() -> dict[bool | None, str]:
    return {
        None: translate("Labels", "–"),
        True: translate("Labels", "yes"),
        False: translate("Labels", "no"),
    }


def severity_labels() -> dict[Severity, str]:
    return {
        Severity.MILD: translate("Labels", "mild"),
        Severity.MODERATE: translate("Labels", "moderate"),
        Severity.SEVERE: translate("Labels", "severe"),
    }


def category_labels() -> dict[AdverseEventCategory, str]:
    c = AdverseEventCategory
    return {
        c.BLEEDING_BRUISING: translate("Labels", "bleeding / bruising"),
        c.PAIN_AT_SITE: translate("Labels", "pain at needle site"),
        c.FAINTING_NAUSEA: translate("Labels", "fainting / nausea"),
        c.AGGRAVATION: translate("Labels", "aggravation of symptoms"),
        c.EMOTIONAL_REACTION: translate("Labels", "emotional reaction"),
        c.FORGOTTEN_NEEDLE: translate("Labels", "forgotten needle"),
        c.MOXIBUSTION_BURN: translate("Labels", "moxibustion burn"),
        c.INFECTION: translate("Labels", "infection"),
        c.NERVE_INJURY: translate("Labels", "nerve injury"),
        c.PNEUMOTHORAX: translate("Labels", "pneumothorax"),
        c.OTHER: translate("Labels", "other"),
    }


def region_label(region: str) -> str:
    names = {
        "head": translate("Labels", "head"),
        "face": translate("Labels", "face"),
        "ear": translate("Labels", "ear"),
        "neck": translate("Labels", "neck"),
        "shoulder": translate("Labels", "shoulder"),
        "upper_back": translate("Labels", "upper back"),
        "chest": translate("Labels", "chest"),
        "abdomen": translate("Labels", "abdomen"),
        "low_back": translate("Labels", "low back"),
        "buttock": translate("Labels", "buttock"),
        "perineum": translate("Labels", "perineum"),
        "upper_arm": translate("Labels", "upper arm"),
        "forearm": translate("Labels", "forearm"),
        "hand": translate("Labels", "hand"),
        "thigh": translate("Labels", "thigh"),
        "knee": translate("Labels", "knee"),
        "lower_leg": translate("Labels", "lower leg"),
        "foot": translate("Labels", "foot"),
    }
    return names.get(region, region.replace("_", " "))


def with_shortcut(text: str, *sequences: QKeySequence | str) -> str:
    """A tooltip naming the action's keyboard shortcut(s): "Sign & lock (Ctrl+Return)"."""
    keys = [
        QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if s
    ]
    keys = [k for k in keys if k]
    return f"{text} ({translate('Labels', ' or ').join(keys)})" if keys else text


def format_number(value: float | None) -> str:
    """A measurement without trailing zeros ("0.25", "25"), or "" when it is missing."""
    return "" if value is None else f"{value:g}"
