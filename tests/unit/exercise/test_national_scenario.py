"""The bundled national scenario (issue 17, item 3): an Italian national exercise, validated and
rehearsed as a director would before the day, and what national mode means in the rules — every
team an Italian agency, no cross-border request offered or accepted, a network disrupted by
arrests in Italy alone. The scenario's YAML is read here independently (``yaml.safe_load``)."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from pharos.cli import app
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime import views
from pharos.exercise.runtime.rehearsal import Rehearsal, rehearse
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import LoadedScenario, bundled_path, load_scenario

runner = CliRunner()
NAME = "italy-national"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(bundled_path(NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rehearsed() -> tuple[LoadedScenario, Rehearsal]:
    loaded = load_scenario(NAME)
    return loaded, rehearse(loaded)


def test_it_is_valid_and_national(raw) -> None:
    res = runner.invoke(app, ["exercise", "validate", NAME])
    assert res.exit_code == 0, res.output
    assert "Italian national exercise" in res.output
    assert raw["mode"] == "national" and raw["state"] == "ITA"
    assert {t["state"] for t in raw["teams"]} == {"ITA"}
    assert "networks_across_borders" not in {o["id"] for o in raw["objectives"]}
    sc = load_scenario(NAME).scenario
    assert sc.national and sc.state == "ITA"
    played = [t["id"] for t in raw["teams"] if t.get("played", True)]
    assert [t.id for t in sc.teams if t.played] == played


def test_the_rehearsal_fires_the_injects_and_reaches_every_person(raw, rehearsed) -> None:
    _loaded, r = rehearsed
    timed = {i["id"]: round(i["at_day"] * 1440) for i in raw["injects"] if "at_day" in i}
    fired = {i.id: i.fired for i in r.injects}
    assert {k: fired[k] for k in timed} == timed  # every timed inject at its minute
    # the inspection of the tomato field and the investigation phase release theirs
    assert fired["crews-to-calabria"] is not None and fired["embassy-bangladesh"] is not None
    deck = [i["id"] for i in raw["injects"] if i.get("deck")]
    assert all(fired[d] is None for d in deck)  # the controller's, never by themselves
    victims = {c["id"] for c in raw["characters"] if c["kind"] == "victim"}
    reached = {p.id: p for p in r.personas}
    assert set(reached) == victims and all(p.reached is not None for p in reached.values())
    not_victims = {
        c["id"] for c in raw["characters"] if c.get("truth", {}).get("is_victim") is False
    }
    assert not_victims == {"ousmane"}
    assert reached["ousmane"].identified is None  # exploited at work, not trafficked
    for pid in victims - not_victims:
        assert reached[pid].identified is not None and reached[pid].protected is not None, pid
    assert not r.refused


def test_networks_fall_on_arrests_in_italy_without_any_cross_border_request(raw, rehearsed):
    _loaded, r = rehearsed
    assert r.state is not None and r.state.requests == []
    assert not [
        e for e in r.log if e.kind == EventKind.ACTION
        and e.payload.get("type") == "send_cross_border_request"
    ]  # fmt: skip
    falls = {n.id: n for n in r.networks}
    assert set(falls) == {n["id"] for n in raw["networks"]}
    for n in falls.values():
        assert n.fell is not None and set(n.arrests) == {"ITA"}, n
    # the broker arrives from Bangladesh on day 5: his network cannot fall before
    move = next(c for c in raw["characters"] if c["id"] == "kamal")["moves"][0]
    assert falls["permit-brokers"].fell >= round(move["at_day"] * 1440)


def test_no_cross_border_request_is_offered_or_accepted() -> None:
    loaded = load_scenario(NAME)
    s = ExerciseSession.create(MemoryEventStore(), loaded, clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    assert views.player(s, "cc-foggia")["instruments"] == []
    regional = ExerciseSession.create(MemoryEventStore(), "mediterranean-regional")
    assert views.player(regional, "ita-police")["instruments"]  # a regional one offers them
    with pytest.raises(CommandRefused, match="a national exercise sends no cross-border request"):
        s.act(
            "cc-foggia",
            "carabiniere",
            type="send_cross_border_request",
            to_state="TUN",
            instrument="police_information_exchange",
            network="tavoliere-crews",
        )


def test_the_cli_rehearses_it() -> None:
    res = runner.invoke(app, ["exercise", "rehearse", NAME])
    assert res.exit_code == 0, res.output
    assert "Numero Verde Anti-tratta" in res.output and "falls at day" in res.output


def test_its_texts_are_complete_in_every_language() -> None:
    """As the regional scenario's: fails when an English text lacks a translation."""
    from pharos.exercise.scenario import translation

    loaded = load_scenario(NAME)
    keys = translation.texts(loaded.scenario)
    assert sorted(loaded.translations) == ["ar", "el", "es", "fr", "it"]
    for lang in ("fr", "ar", "it", "el", "es"):
        done, missing = translation.coverage(loaded.scenario, loaded.translations[lang])
        assert missing == [] and done == len(keys), (lang, missing)
        # translated, not copied: only persons' names and the Numero Verde's own name stay
        same = {k for k in keys if loaded.translations[lang][k] == keys[k]}
        kept = {k for k in same if k.startswith("characters.") and k.endswith(".name")}
        assert same - kept <= {"injects.numero-verde-call.sender", "characters.precious.role"}
    # the Arabic reader sees the Arabic texts, the Italian reader the Italian ones
    assert loaded.localized("ar").teams[1].name == "القيادة الإقليمية للكارابينييري (فوجا)"
    assert loaded.localized("it").teams[1].name == "Comando provinciale dei Carabinieri (Foggia)"
