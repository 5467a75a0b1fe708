"""Translated labels for templates: one place, so pages and forms say things the same way."""

from __future__ import annotations

from typing import Any

from pharos.coordinate import vocabulary as v
from pharos.domain import vocabulary as dv
from pharos.domain.geography import region_states
from pharos.domain.vocabulary_labels import label


def _enum(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, label(m)) for m in enum]


def template_labels() -> dict[str, Any]:
    """Option lists and label tables, translated in the current language."""
    states = [(c.iso3, c.name) for c in region_states()]
    return {
        "CASE_STATUS": v.options(v.CASE_STATUS_LABELS),
        "EVENT_TYPES": v.options(v.EVENT_LABELS),
        "PLAN_TYPES": v.options(v.SUPPORT_PLAN_LABELS),
        "REFERRAL_REASONS": v.options(v.REFERRAL_REASON_LABELS),
        "REFERRAL_REASON_NAMES": dict(v.options(v.REFERRAL_REASON_LABELS)),
        "REFERRAL_STATUS": dict(v.options(v.REFERRAL_STATUS_LABELS)),
        "REQUEST_STATUS": dict(v.options(v.REQUEST_STATUS_LABELS)),
        "PERSON_ROLES": v.options(v.PERSON_ROLE_LABELS),
        "TRM_STAGES": v.options(v.TRM_STAGES),
        "NRM_PILLARS": v.options(v.NRM_PILLARS),
        "INSTRUMENTS": dict(v.options(v.INSTRUMENT_LABELS)),
        "KINDS": dict(v.options(v.KIND_LABELS)),
        "STATES": states,
        "STATE_NAMES": dict(states),
        "LANGUAGE_NAMES": dict(v.options(v.LANGUAGE_LABELS)),
        "GENDERS": _enum(dv.Gender),
        "EXPLOITATION_TYPES": _enum(dv.ExploitationType),
        "RECRUITMENT_METHODS": _enum(dv.RecruitmentMethod),
        "METHODS_OF_CONTROL": _enum(dv.MethodOfControl),
        "TRAFFICKING_STATUS": _enum(dv.TraffickingStatus),
        "PERPETRATOR_ROLES": _enum(dv.PerpetratorRole),
        "CASE_STATUS_NAMES": dict(v.options(v.CASE_STATUS_LABELS)),
        "EVENT_NAMES": dict(v.options(v.EVENT_LABELS)),
        "PLAN_NAMES": dict(v.options(v.SUPPORT_PLAN_LABELS)),
        "TRM_NAMES": {int(k): s for k, s in v.options(v.TRM_STAGES)},
        "NRM_NAMES": {int(k): s for k, s in v.options(v.NRM_PILLARS)},
        "NRM_MEANINGS": {int(k): s for k, s in v.options(v.NRM_MEANINGS)},
        "TRM_MEANINGS": {int(k): s for k, s in v.options(v.TRM_MEANINGS)},
        "LABEL": lambda enum_name, value: _label_of(enum_name, value),
    }


def _label_of(enum_name: str, value: str) -> str:
    enum = getattr(dv, enum_name, None)
    if enum is None:
        return value
    try:
        return label(enum(value))
    except ValueError:
        return value
