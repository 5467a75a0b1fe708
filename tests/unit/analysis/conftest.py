"""Shared helpers for the analysis tests: small experiment declarations on the Ishigami model."""

from __future__ import annotations

import math
from typing import Any

import pytest


def ishigami_experiment(design: str = "sobol", n: int = 64, **extra: Any) -> dict[str, Any]:
    """The ``experiment`` section of an Ishigami experiment (x1..x3 uniform on [-π, π])."""
    data: dict[str, Any] = {
        "model": "ishigami",
        "design": design,
        "n": n,
        "seed": 11,
        "uncertainties": [
            {"name": f"x{i}", "path": f"ishigami.x{i}", "low": -math.pi, "high": math.pi}
            for i in (1, 2, 3)
        ],
    }
    data.update(extra)
    return data


@pytest.fixture
def ishigami() -> Any:
    return ishigami_experiment
