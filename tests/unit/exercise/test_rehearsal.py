"""A rehearsal before the day (issue 17, item 2): the exercise played through by the standard
procedures, and its report checked against the exercise's own log and the scenario's YAML, read
here independently (``yaml.safe_load``, not the loader)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pharos.cli import app
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.runtime.rehearsal import Rehearsal, rehearse, shown
from pharos.exercise.scenario.loader import LoadedScenario, bundled_path, load_scenario
from pharos.i18n import use_locale

runner = CliRunner()
BUNDLED = bundled_path("mediterranean-regional")


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundled() -> tuple[LoadedScenario, Rehearsal]:
    loaded = load_scenario("mediterranean-regional")
    return loaded, rehearse(loaded)


def _minutes(day: float) -> int:
    return round(day * 1440)


def _edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The bundled scenario with ``changes`` made to its text, beside its documents."""
    text = BUNDLED.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / "edited.yaml"
    out.write_text(text, encoding="utf-8")
    (tmp_path / "evidence").symlink_to(BUNDLED.parent / "evidence")
    return out


def _actions(r: Rehearsal) -> list:
    return [e for e in r.log if e.kind == EventKind.ACTION]


def test_injects_fire_when_the_scenario_says(bundled, raw):
    """Timed injects at their at_day; a phase-triggered one when its phase starts; one
    triggered by an inspection a delay after the first inspection of that site in the log; the
    deck's never (nobody releases them); those triggered by a flight never, as nobody fled."""
    _loaded, r = bundled
    fired = {x.id: x.fired for x in r.injects}
    phases = {p["id"]: _minutes(p["starts_day"]) for p in raw["clock"]["phases"]}
    fled = [e for e in r.state.timeline if e["what"] == "persona_fled"]
    assert fled == []
    for inj in raw["injects"]:
        if "at_day" in inj:
            assert fired[inj["id"]] == _minutes(inj["at_day"]), inj["id"]
        elif inj.get("deck"):
            assert fired[inj["id"]] is None
        else:
            tr = inj["trigger"]
            delay = _minutes(tr.get("delay_days", 0))
            if tr["when"] == "phase":
                assert fired[inj["id"]] == phases[tr["subject"]] + delay
            elif tr["when"] == "site_inspected":
                first = min(
                    e.at
                    for e in _actions(r)
                    if e.payload["type"] == "inspect_site" and e.payload["place"] == tr["subject"]
                )
                assert fired[inj["id"]] == first + delay
            elif tr["when"] == "persona_fled":
                assert fired[inj["id"]] is None
    assert sum(x.fired is not None for x in r.injects) == 9  # 7 timed + 2 triggered


def test_people_reached_as_the_log_says(bundled, raw):
    """Each person is reached at the first action of the log on them or at a site where they
    were (their place in the YAML, before their first move)."""
    _loaded, r = bundled
    for c in raw["characters"]:
        if c["kind"] != "victim":
            continue
        first_move = min((_minutes(m["at_day"]) for m in c.get("moves", [])), default=10**9)
        touched = [
            e
            for e in _actions(r)
            if (e.payload.get("persona") == c["id"] and e.payload["type"] != "share_with_team")
            or (
                e.payload["type"] in ("inspect_site", "search_and_arrest")
                and e.payload["place"] == c["place"]
                and e.at < first_move
            )
        ]
        got = next(p for p in r.personas if p.id == c["id"])
        assert got.reached == touched[0].at, c["id"]
        assert got.reached_by == touched[0].payload["team"], c["id"]
        assert got.ladder == len(c["ladder"])


def test_every_network_falls_and_each_fall_is_in_the_log(bundled, raw):
    _loaded, r = bundled
    fell = {e["network"]: e["minute"] for e in r.state.timeline if e["what"] == "network_disrupted"}
    assert {n["id"] for n in raw["networks"]} == set(fell)
    for n in r.networks:
        assert n.fell == fell[n.id] and n.missing == [] and n.answered


def test_idle_stretches_hold_no_action(bundled):
    _loaded, r = bundled
    end = _minutes(10)
    for t in r.teams:
        times = [e.at for e in _actions(r) if e.payload["team"] == t.id]
        assert t.actions == len(times)
        for a, b in t.idle:
            assert b - a >= 24 * 60
            assert not any(a < m < b for m in times)
    greek = next(t for t in r.teams if t.id == "grc-police")
    assert greek.actions == 0 and greek.idle == [(0, end)]  # nothing structured reaches Athens


def test_the_procedure_is_never_refused_and_the_log_folds_to_the_same_state(bundled):
    loaded, r = bundled
    assert r.refused == []
    assert r.log[-1].kind == EventKind.ENDED and r.log[-1].at == _minutes(10)
    again = fold(loaded.scenario, r.log[0].exercise_id, r.seed, r.log)
    assert again.timeline == r.state.timeline


def test_the_same_seed_gives_the_same_rehearsal(bundled):
    loaded, r = bundled
    again = rehearse(loaded)
    assert again.as_json() == r.as_json()
    assert [e.hash for e in again.log][1:] == [e.hash for e in r.log][1:] or [
        (e.at, e.kind, e.payload) for e in again.log
    ] == [(e.at, e.kind, e.payload) for e in r.log]


def test_a_person_no_team_can_reach_is_reported_not_reached(tmp_path):
    """Adel moved to an Algiers café (Algeria's police are not played) and the Milan inject no
    longer brings him: no action of the log touches him, and the report says so."""
    path = _edited(
        tmp_path,
        ("    place: milan-station\n", "    place: algiers-cafe\n"),
        ("    brings: [adel]\n", ""),
    )
    loaded = load_scenario(str(path))
    r = rehearse(loaded)
    assert not any(e.payload.get("persona") == "adel" for e in _actions(r))
    adel = next(p for p in r.personas if p.id == "adel")
    assert adel.reached is None and adel.reached_by is None and adel.told == 0
    with use_locale("en"):
        row = next(x for x in shown(r, loaded)["personas"] if x["id"] == "adel")
    assert row["reached"] == "not reached" and row["late"]


def test_a_network_that_cannot_fall_is_reported_with_what_it_lacks(tmp_path):
    """The Rambla crew must now be acted against in Libya too, where no team plays and nobody
    answers: it never falls (no network_disrupted in the log), for want of an arrest there."""
    path = _edited(tmp_path, ("disrupt_requires: [ESP, DZA]", "disrupt_requires: [ESP, DZA, LBY]"))
    loaded = load_scenario(str(path))
    r = rehearse(loaded)
    disrupted = [e["network"] for e in r.state.timeline if e["what"] == "network_disrupted"]
    assert "rambla-crew" not in disrupted
    crew = next(n for n in r.networks if n.id == "rambla-crew")
    arrested_in = {e["state"] for e in r.state.timeline if e["what"] == "arrest"}
    assert "LBY" not in arrested_in
    assert crew.fell is None and "LBY" in crew.missing
    assert set(crew.missing) == {"ESP", "DZA", "LBY"} - set(crew.arrests)
    with use_locale("en"):
        row = next(x for x in shown(r, loaded)["networks"] if x["id"] == "rambla-crew")
    assert row["falls"].startswith("does not fall: no arrest in") and "Libya" in row["falls"]
    assert row["late"]
    with use_locale("fr"):
        row = next(x for x in shown(r, loaded)["networks"] if x["id"] == "rambla-crew")
    assert row["falls"].startswith("ne tombe pas : aucune arrestation") and "Libye" in row["falls"]


def test_the_command_prints_json_and_writes_no_database(tmp_path, monkeypatch, bundled):
    _loaded, r = bundled
    monkeypatch.setenv("PHAROS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PHAROS_DATABASE_URL", f"sqlite:///{tmp_path / 'pharos.db'}")
    res = runner.invoke(app, ["exercise", "rehearse", "mediterranean-regional", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(json.dumps(r.as_json()))
    assert list(tmp_path.iterdir()) == []  # nothing was written
    text = runner.invoke(app, ["exercise", "rehearse", "mediterranean-regional"])
    assert text.exit_code == 0 and "does not fall" not in text.output
    assert text.output.startswith("Rehearsal of Mediterranean") and "Hellenic" in text.output


def test_bad_input_is_refused_with_file_and_line(tmp_path):
    missing = runner.invoke(app, ["exercise", "rehearse", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "nope.yaml" in missing.output
    path = _edited(tmp_path, ("    place: milan-station\n", "    place: milano\n"))
    res = runner.invoke(app, ["exercise", "rehearse", str(path)])
    assert res.exit_code == 2
    line = path.read_text(encoding="utf-8").splitlines().index("    place: milano") + 1
    assert f"{path}:{line}:" in res.output and "milano" in res.output
