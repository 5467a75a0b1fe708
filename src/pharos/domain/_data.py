"""Reading the domain's own data files (shipped inside the package, never fetched)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_data_file(name: str) -> Any:
    """Parse ``pharos/domain/data/<name>`` (YAML); cached, the files are read-only."""
    text = resources.files("pharos.domain").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
