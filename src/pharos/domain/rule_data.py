"""The screening rule as data, for a device that screens without a connection.

The offline screening page (``/screenings/offline/``) shows a provisional result computed in
the browser. The facts it needs — the ILO/EC indicators with their adult and child weights and
dimensions, the clauses that make a dimension positive, the elements the adult and the child
rule require, the age of majority, which other indicators exist and which UNODC ones concern
sexual exploitation — are exported here from their one home (``data/indicators.yaml`` read by
:mod:`pharos.domain.indicators`, and :mod:`pharos.domain.screening_types`), never re-typed in
JavaScript. ``static/screening-rule.js`` holds only the combination logic of
:func:`pharos.domain.screening.screen` (states, clauses, presumption) applied to this data;
tests/e2e/server/test_offline_rule.py checks that both give the same result on every bundled
example and on generated observations. The server's result decides; the device's is labelled
provisional.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from pharos.domain.indicators import (
    RECRUITMENT_DIMENSIONS,
    UNODC_SEXUAL_SECTION,
    adult_requirements,
    child_requirements,
    delphi_indicators,
    dimension_rule,
    dimensions,
    ilo_indicators,
    unodc_indicators,
)
from pharos.domain.screening_types import ADULT_AGE, Act, Presumption, Requirement
from pharos.domain.vocabulary import ExploitationType


@cache
def rule_data() -> dict[str, Any]:
    """Everything the browser's rule reads, JSON-safe; ``version`` is a digest of the rest (the
    device keeps the data it was given and knows when the server's changed)."""
    clauses = [
        {
            "strong": c.strong,
            "medium": c.medium,
            "weak": c.weak,
            "medium_or_weak": c.medium_or_weak,
        }
        for c in dimension_rule()
    ]
    data: dict[str, Any] = {
        "adult_age": ADULT_AGE,
        "dimensions": [d.id.value for d in dimensions()],
        "recruitment_dimensions": [d.value for d in RECRUITMENT_DIMENSIONS],
        "clauses": clauses,
        "adult": [[d.value for d in group] for group in adult_requirements()],
        "child": [[d.value for d in group] for group in child_requirements()],
        "requirements": {
            "recruitment_means": Requirement.RECRUITMENT_MEANS.value,
            "act": Requirement.ACT.value,
        },
        "indicators": {
            i.id: {
                "dimension": i.dimension.value,
                "adult": i.adult.value if i.adult else None,
                "child": i.child.value if i.child else None,
            }
            for i in delphi_indicators().values()
        },
        "ilo_indicators": list(ilo_indicators()),
        "unodc_indicators": {i.id: i.section for i in unodc_indicators().values()},
        "unodc_sexual_section": UNODC_SEXUAL_SECTION,
        "acts": [a.value for a in Act],
        "sexual_exploitation": ExploitationType.SEXUAL_EXPLOITATION.value,
        "presumptions": {
            "labour": Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION.value,
            "sexual": Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION.value,
            "not_established": Presumption.NOT_ESTABLISHED.value,
            "insufficient": Presumption.INSUFFICIENT_INFORMATION.value,
        },
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    data["version"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return data
