"""pharos screen shows the next steps of every outcome; with --state, who takes each route there
(issue 20, item 2), from the powers data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from pharos.cli import app
from pharos.domain.practitioners import state_powers

ROOT = Path(__file__).resolve().parents[3]
MALAGA = ROOT / "examples" / "screening" / "04_hospitality_not_trafficking_malaga.yaml"
RAGUSA = ROOT / "examples" / "screening" / "01_agriculture_ragusa_greenhouse.yaml"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--lang", "en", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.stdout, result.stderr


def test_not_established_still_has_next_steps() -> None:
    code, out, _err = invoke("screen", str(MALAGA))
    assert code == 0
    assert "Trafficking not established" in out and "Next steps" in out
    assert "Legal aid" in out


def test_state_names_who_takes_each_route_there() -> None:
    code, out, _err = invoke("screen", str(RAGUSA), "--state", "TUN")
    assert code == 0
    flat = re.sub(r"[│\s]+", " ", out)  # the panel wraps lines between its borders
    for body in state_powers("TUN").formal_identification.bodies:
        assert body in flat
    code, out, _err = invoke("screen", str(RAGUSA), "--state", "TUN", "--json")
    data = json.loads(out)
    assert data["outcome"] == "presumed_trafficking"
    ident = next(s for s in data["next_steps"] if s["route"] == "formal_identification")
    assert ident["bodies"] == list(state_powers("TUN").formal_identification.bodies)


def test_an_unknown_state_is_refused_with_the_states_named() -> None:
    code, _out, err = invoke("screen", str(RAGUSA), "--state", "FRA")
    assert code == 2
    assert "--state" in err and "ITA" in err
