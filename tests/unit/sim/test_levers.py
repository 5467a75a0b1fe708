"""Each cross-border lever changes what it should, on common random numbers, and nothing else.

Issue 15: MLA time, a central authority's capacity, the use of the European Investigation Order,
a joint investigation team and a liaison desk are each real levers. Every test runs the same
seeds with and without the lever (common random numbers: each victim, group and court draws from
its own named stream) and compares, per network template, the cases charged, the days from
opening a case to charging, persons prosecuted and convicted: the cross-border cases the lever
reaches change (in the direction the lever works, summed over the replications), and every
template of a state it cannot reach is identical, draw for draw. (Within the state whose cases a
lever reaches, other templates may move too: a group charged sooner or later has its victims
rescued sooner or later, and they share the state's identification officers and shelter places.)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest

from pharos.scenario import Scenario, load_scenario, set_params
from pharos.sim.engine import Engine

SHORT = {"horizon_days": 1825, "warmup_days": 365}
SEEDS = ((3, 0), (3, 1), (3, 2))
EVENTS = ("disrupted", "days_to_charge_sum", "prosecuted", "convicted", "investigation")

Cases = dict[str, dict[str, float]]


@cache
def _base(*overlays: str) -> Scenario:
    return set_params(load_scenario("mediterranean-baseline", list(overlays)), SHORT)


def _cases(scenario: Scenario, seed: int, replication: int) -> Cases:
    """Per network template: the justice events summed over the run."""
    engine = Engine(scenario, seed, replication).run()
    out: Cases = {n.id: dict.fromkeys(EVENTS, 0.0) for n in scenario.networks}
    for (_state, _year, event, template), value in engine.justice_stats.items():
        if event in EVENTS:
            out[scenario.networks[template].id][event] += value
    return out


@cache
def _runs(changes: tuple[tuple[str, Any], ...], overlays: tuple[str, ...]) -> tuple[Cases, ...]:
    scenario = set_params(_base(*overlays), dict(changes)) if changes else _base(*overlays)
    return tuple(_cases(scenario, seed, r) for seed, r in SEEDS)


def _with(changes: Mapping[str, Any] | None = None, *overlays: str) -> tuple[Cases, ...]:
    return _runs(tuple(sorted((changes or {}).items())), overlays)


def _days_to_charge(runs: tuple[Cases, ...], templates: set[str]) -> float:
    days = sum(r[t]["days_to_charge_sum"] for r in runs for t in templates)
    charged = sum(r[t]["disrupted"] for r in runs for t in templates)
    return days / charged


def _templates(origin_in: set[str] | None = None, state: str | None = None) -> set[str]:
    out = set()
    for n in _base().networks:
        if state is not None and state not in n.destinations:
            continue
        if origin_in is not None and n.origin not in origin_in:
            continue
        out.add(n.id)
    return out


def _unchanged(a: tuple[Cases, ...], b: tuple[Cases, ...], templates: set[str]) -> None:
    for ra, rb in zip(a, b, strict=True):
        for t in sorted(templates):
            assert ra[t] == rb[t], t


def _changed(a: tuple[Cases, ...], b: tuple[Cases, ...], templates: set[str]) -> None:
    assert any(ra[t] != rb[t] for ra, rb in zip(a, b, strict=True) for t in templates)


#: networks that recruit and exploit in the same state: no request abroad
DOMESTIC = {
    n.id for n in load_scenario("mediterranean-baseline").networks if n.origin in n.destinations
}
EIO_CASES = {"ita-esp-sex"}  # Spain's investigations ask Italy: an EU pair


def test_the_baseline_has_a_network_across_two_eu_states() -> None:
    spec = next(n for n in _base().networks if n.id == "ita-esp-sex")
    assert spec.origin == "ITA" and set(spec.destinations) == {"ESP"}


@pytest.mark.parametrize("median", [150.0, 600.0])
def test_mla_time_changes_the_days_to_charge_of_cases_with_non_eu_states(median: float) -> None:
    base = _with()
    other = _with({"cooperation.defaults.mutual_legal_assistance.median_days": median})
    mla = _templates() - DOMESTIC - EIO_CASES
    _changed(base, other, mla)
    faster = median < 300
    assert (_days_to_charge(other, mla) < _days_to_charge(base, mla)) == faster
    # Egypt's cases are all domestic: no request abroad. (Within a state with cross-border
    # cases every template may move: the victims rescued when a group is charged sooner or later
    # share the state's identification officers and shelter places with everyone else.)
    _unchanged(base, other, _templates(state="EGY"))
    assert _templates(state="EGY") <= DOMESTIC


def test_a_central_authority_with_less_staff_slows_that_states_cases_only() -> None:
    base = _with()
    other = _with({"states.ITA.justice.central_authority_staff": 1})
    italy = _templates(state="ITA")
    assert _days_to_charge(other, italy) > _days_to_charge(base, italy)
    _unchanged(base, other, _templates() - italy)


def test_without_the_eio_spain_asks_italy_by_mla_and_charges_later() -> None:
    base = _with()
    other = _with({"cooperation.pairs.ESP-ITA.european_investigation_order.available": False})
    assert _days_to_charge(other, EIO_CASES) > _days_to_charge(base, EIO_CASES)
    # Spain's central authority now also carries these requests: Spain's other cross-border cases
    # may move; no other state's
    _unchanged(base, other, _templates() - _templates(state="ESP"))


def test_a_joint_investigation_team_charges_more_nigerian_networks_in_italy_sooner() -> None:
    base = _with()
    other = _with({}, "italy-nigeria-joint-investigation-team")
    nga = _templates(origin_in={"NGA"}, state="ITA")
    assert _days_to_charge(other, nga) < _days_to_charge(base, nga)
    convicted = [sum(r[t]["convicted"] for r in runs for t in nga) for runs in (base, other)]
    assert convicted[1] > convicted[0]
    _unchanged(base, other, _templates() - _templates(state="ITA"))


def test_a_liaison_desk_speeds_italys_cases_against_tunisian_networks() -> None:
    base = _with()
    other = _with({}, "tunisia-italy-liaison-desk")
    tun = _templates(origin_in={"TUN"}, state="ITA")
    assert _days_to_charge(other, tun) < _days_to_charge(base, tun)
    _unchanged(base, other, _templates() - _templates(state="ITA"))


def test_an_agreed_instrument_is_inert_until_agreed() -> None:
    # a JIT between EU states exists in law but needs an agreement (FD 2002/465/JHA, Art. 1(1)),
    # and a liaison officer a posting: terms alone change nothing
    base = _with()
    other = _with(
        {
            "cooperation.pairs.ESP-ITA.joint_investigation_team.median_days": 5.0,
            "cooperation.pairs.ITA-TUN.liaison_officer.median_days": 1.0,
        }
    )
    assert base == other
