"""Screening in the field without a connection (issue 20, item 6): the screening rule as data
for the device (``/screenings/offline/rules.json``, from :mod:`pharos.domain.rule_data`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pharos.domain.rule_data import rule_data

router = APIRouter(include_in_schema=False)
BASE = "/screenings/offline/"


@router.get(BASE + "rules.json")
def rules() -> dict[str, Any]:
    """The screening rule's data (public: the published ILO/EC indicators and rule)."""
    return rule_data()
