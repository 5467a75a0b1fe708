"""The batched fast path against the reference engine (pharos.sim.batch)."""

from __future__ import annotations

import numpy as np
import pytest

from pharos.analysis.pharos_model import PharosModel, engine_disruptions, engine_victims
from pharos.scenario.load import load_scenario
from pharos.scenario.params import set_params
from pharos.scenario.schema import Scenario
from pharos.sim.batch import JUSTICE, compile_world, draw_inputs, inputs_from_engine, run_inputs
from pharos.sim.engine import Engine
from pharos.sim.world import REQUEST_INSTRUMENTS

EXACT = ("detected_at", "identified_at", "protected_at", "lost_at")


def _without_justice(scenario: Scenario) -> Scenario:
    # no proactive investigation and no cooperating victim: no case is ever opened
    changes: dict[str, float] = {}
    for code in scenario.states:
        changes[f"states.{code}.justice.proactive_rate"] = 0.0
        changes[f"states.{code}.protection.cooperation_share"] = 0.0
    return set_params(scenario, changes)


@pytest.mark.slow
def test_same_per_victim_outcomes_as_the_engine_on_shared_random_numbers() -> None:
    scenario = _without_justice(load_scenario("mediterranean-baseline"))
    engine = Engine(scenario, 20261128, 2).run()
    fast = run_inputs(compile_world(scenario), inputs_from_engine(engine)).victims
    ref = engine_victims(engine)
    assert len(fast["detected_at"]) == len(ref["detected_at"]) > 30_000
    for name in EXACT:
        # the same event sequence; only the last bits of floating point may differ
        np.testing.assert_allclose(fast[name], ref[name], rtol=1e-12, atol=1e-9, err_msg=name)
    for name in ("channel", "exists", "prevented", "state", "female", "unaccompanied"):
        np.testing.assert_array_equal(fast[name], ref[name], err_msg=name)
    assert np.isfinite(fast["identified_at"]).sum() > 5_000
    assert np.isfinite(fast["lost_at"]).sum() > 500
    np.testing.assert_array_equal(fast["exit_code"], ref["exit_code"])
    np.testing.assert_allclose(fast["exit_at"], ref["exit_at"], rtol=1e-12, atol=1e-9)
    assert (fast["exit_code"] == 1).sum() > 100  # some victims were returned home


@pytest.mark.slow
def test_with_justice_the_outcomes_agree_in_distribution() -> None:
    # With investigations and disruptions on, the fast path draws the justice process from its
    # own counter-based streams (NumPy's exponential and Poisson samplers cannot be replayed in
    # compiled code), so runs agree in distribution only. On the engine's own victim draws, four
    # replications: the mean outcomes agree within 5 % (shares within 0.02).
    model = PharosModel()
    scenario = model.base
    cw = compile_world(scenario)
    fast, ref = [], []
    for r in range(4):
        engine = Engine(scenario, 7, r).run()
        ref.append(model.summarise(scenario, engine_victims(engine), engine_disruptions(engine)))
        result = run_inputs(cw, inputs_from_engine(engine))
        fast.append(model.summarise(scenario, result.victims, int(result.justice[:, 4].sum())))
    for name in ("share_identified", "share_lost"):
        a, b = np.mean([f[name] for f in fast]), np.mean([x[name] for x in ref])
        assert a == pytest.approx(b, abs=0.02), name
    for name in ("days_to_identification", "disrupted_per_year"):
        a, b = np.mean([f[name] for f in fast]), np.mean([x[name] for x in ref])
        assert a == pytest.approx(b, rel=0.05), name


def _engine_requests(engine: Engine) -> np.ndarray:
    # requests, useful replies and days summed, by instrument (the fast path's order)
    out = np.zeros((len(REQUEST_INSTRUMENTS), 3))
    for (_s, _r, code, purpose), acc in engine.request_stats.items():
        if purpose != "return":
            out[REQUEST_INSTRUMENTS.index(code)] += acc
    return out


def _days_to_charge(justice: np.ndarray) -> float:
    return float(justice[:, 5].sum() / justice[:, 4].sum())


@pytest.mark.slow
def test_intelligence_and_evidence_requests_agree_with_the_engine() -> None:
    # Issue 15: the police ask for intelligence, the prosecutor for evidence, in both
    # implementations. On the engine's victims (four replications of the baseline, with the
    # EIO's network and a JIT and a liaison desk agreed), the requests by instrument, the share
    # answered usefully and the mean days to a reply agree within 5 % plus two standard errors
    # of a count of that size (the EIO's network makes about 30 requests a run), and the mean
    # days from opening a case to charging within 5 %: the justice streams differ, so in
    # distribution. (Measured: 1,953 and 1,953 police requests a run, MLA 1,614 and 1,615,
    # JIT 196 and 196, the desk 113 and 109, the EIO 27 and 29; 241 and 240 days to charge.)
    scenario = load_scenario(
        "mediterranean-baseline",
        ["italy-nigeria-joint-investigation-team", "tunisia-italy-liaison-desk"],
    )
    cw = compile_world(scenario)
    ref, fast = np.zeros((len(REQUEST_INSTRUMENTS), 3)), np.zeros((len(REQUEST_INSTRUMENTS), 3))
    ref_j, fast_j = np.zeros((len(cw.world.states), 6)), np.zeros((len(cw.world.states), 6))
    states = {code: i for i, code in enumerate(cw.world.state_codes)}
    for r in range(4):
        engine = Engine(scenario, 7, r).run()
        ref += _engine_requests(engine)
        for (state, _y, event, _t), value in engine.justice_stats.items():
            if event in JUSTICE:
                ref_j[states[state], JUSTICE.index(event)] += value
        result = run_inputs(cw, inputs_from_engine(engine))
        fast += result.requests.sum(axis=0)
        fast_j += result.justice
    used = {code for code, row in zip(REQUEST_INSTRUMENTS, ref, strict=True) if row[0] > 0}
    assert used == set(REQUEST_INSTRUMENTS)  # every instrument is exercised
    for code, a, b in zip(REQUEST_INSTRUMENTS, fast, ref, strict=True):
        se = 1.0 / np.sqrt(b[0])
        assert a[0] == pytest.approx(b[0], rel=0.05 + 2 * se), code
        assert a[1] / a[0] == pytest.approx(b[1] / b[0], abs=0.03 + se), code
        assert a[2] / a[0] == pytest.approx(b[2] / b[0], rel=0.05 + 2 * se), code
    assert _days_to_charge(fast_j) == pytest.approx(_days_to_charge(ref_j), rel=0.05)


def _channel_shares(victims: dict[str, np.ndarray]) -> np.ndarray:
    seen = ~np.isnan(victims["detected_at"]) & victims["exists"]
    return np.bincount(victims["channel"][seen] + 2, minlength=16) / seen.sum()


def _profile_shares(victims: dict[str, np.ndarray]) -> np.ndarray:
    flags = [victims[f].mean() for f in ("female", "child", "unaccompanied", "asylum_seeker")]
    n = len(victims["state"])
    by_state = np.bincount(victims["state"], minlength=8) / n
    by_method = np.bincount(victims["method"], minlength=8) / n
    return np.concatenate([flags, by_state, by_method])


@pytest.mark.slow
def test_on_its_own_streams_the_fast_path_agrees_with_the_engine_in_distribution() -> None:
    # On its own streams (what experiments run) the fast path draws differently from the engine,
    # not only in the justice process: exponentials by the ziggurat instead of -log(U), and the
    # first recognised contact as one exponential at the summed rate plus a choice of channel in
    # proportion to its rate, instead of one clock per channel. Both are exact in distribution,
    # so six replications of the engine and thirty of the fast path (fixed seeds) must agree on
    # the mean outcomes within about four standard errors of the difference: shares of victims
    # identified within 0.015 and lost within 0.02, days to identification within 4 %, groups
    # disrupted per year within 3 %, the share of each detection channel within 0.015, and the
    # victims' profile (sex, age, unaccompanied, asylum, destination, recruitment) within 0.01.
    model = PharosModel()
    scenario = model.base
    cw = compile_world(scenario)
    ref, fast, ref_ch, fast_ch, ref_pr, fast_pr = [], [], [], [], [], []
    for r in range(6):
        engine = Engine(scenario, 11, r).run()
        victims = engine_victims(engine)
        ref.append(model.summarise(scenario, victims, engine_disruptions(engine)))
        ref_ch.append(_channel_shares(victims))
        ref_pr.append(_profile_shares(victims))
    for r in range(30):
        result = run_inputs(cw, draw_inputs(cw, 11, r))
        fast.append(model.summarise(scenario, result.victims, int(result.justice[:, 4].sum())))
        fast_ch.append(_channel_shares(result.victims))
        fast_pr.append(_profile_shares(result.victims))
    for name, tolerance in (("share_identified", 0.015), ("share_lost", 0.02)):
        a, b = np.mean([f[name] for f in fast]), np.mean([x[name] for x in ref])
        assert a == pytest.approx(b, abs=tolerance), name
    for name, tolerance in (("days_to_identification", 0.04), ("disrupted_per_year", 0.03)):
        a, b = np.mean([f[name] for f in fast]), np.mean([x[name] for x in ref])
        assert a == pytest.approx(b, rel=tolerance), name
    np.testing.assert_allclose(np.mean(fast_ch, axis=0), np.mean(ref_ch, axis=0), atol=0.015)
    np.testing.assert_allclose(np.mean(fast_pr, axis=0), np.mean(ref_pr, axis=0), atol=0.01)


def test_fast_path_is_deterministic_and_seeded() -> None:
    scenario = set_params(load_scenario("mediterranean-baseline"), {"horizon_days": 1500})
    cw = compile_world(scenario)
    a = run_inputs(cw, draw_inputs(cw, 5, 0))
    b = run_inputs(cw, draw_inputs(cw, 5, 0))
    c = run_inputs(cw, draw_inputs(cw, 5, 1))
    for name in ("recruited_at", "detected_at", "identified_at", "exit_at"):
        np.testing.assert_array_equal(a.victims[name], b.victims[name])
    np.testing.assert_array_equal(a.justice, b.justice)
    assert len(a.victims["recruited_at"]) != len(c.victims["recruited_at"])
    assert a.events > 1000


def test_more_identification_officers_identify_sooner() -> None:
    model = PharosModel()
    few = model.scenario_for({"states.ITA.identification.officers": 5})
    many = model.scenario_for({"states.ITA.identification.officers": 60})
    days = []
    for scenario in (few, many):
        cw = compile_world(scenario)
        res = run_inputs(cw, draw_inputs(cw, 3, 0))
        days.append(model.summarise(scenario, res.victims, 0)["focus_days_to_identification"])
    assert days[1] < days[0] - 30
