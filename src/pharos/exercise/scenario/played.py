"""The teams people play, written into the text an exercise keeps.

The setup wizard lets the director choose which of a scenario's teams people play and which
the engine simulates. The choice is written into the scenario's text itself, as a top-level
``played_teams`` list (``docs/exercise-format.md``), so that the text the exercise keeps (and its
hash) says exactly what the exercise ran on: its pages, its replay and its report read the
teams from it like any other part of the scenario. Comments and layout of the author's text are
kept; a ``played_teams`` written before (an exercise's text set up again) is replaced.
"""

from __future__ import annotations

import json

import yaml

from pharos.domain import userfile
from pharos.exercise.scenario.source import ScenarioSource

#: the comment written above the list (found again when the text is set up once more)
COMMENT = "# The teams people play, chosen in the setup wizard (the others are simulated)."


def _without_played(text: str) -> str:
    """``text`` without its top-level ``played_teams`` entry (and the comment above it)."""
    _data, node = userfile.load(text, userfile.MAX_SCENARIO_BYTES)
    if not isinstance(node, yaml.MappingNode):
        return text
    lines = text.splitlines(keepends=True)
    for key, value in node.value:
        if key.value != "played_teams":
            continue
        first = key.start_mark.line
        end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
        if first > 0 and lines[first - 1].strip() == COMMENT:
            first -= 1
        return "".join(lines[:first] + lines[end:])
    return text


def with_played_teams(src: ScenarioSource, teams: list[str]) -> ScenarioSource:
    """``src`` whose scenario says that people play ``teams`` (ids) and nobody else.

    Raises ``userfile.UserFileError`` if the scenario's text is not YAML (a scenario that
    loads always is)."""
    body = _without_played(src.text).rstrip("\n")
    # JSON strings are YAML 1.2 double-quoted scalars: any id is written safely
    listed = ", ".join(json.dumps(t, ensure_ascii=False) for t in teams)
    return src.with_text(f"{body}\n\n{COMMENT}\nplayed_teams: [{listed}]\n")
