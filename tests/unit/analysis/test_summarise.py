"""A replication's outcomes (PharosModel.summarise) against a plain computation.

``summarise`` counts in one compiled pass over the victims for speed; the reference
below builds one mask per figure, as the outcomes are defined in ``pharos_model``'s docstring,
and the two must agree (counts and shares exactly, means to rounding) on the fast path's runs
(several seeds, a focus group, a state the scenario lacks) and on the engine's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from pharos.analysis.pharos_model import (
    FastPharosModel,
    PharosModel,
    engine_convictions,
    engine_disruptions,
    engine_victims,
    year_outcomes,
)
from pharos.domain.geography import region_state_codes
from pharos.scenario.schema import Scenario
from pharos.sim.batch import compile_world, draw_inputs, run_inputs
from pharos.sim.engine import Engine


def _share(part: npt.NDArray[np.bool_], whole: npt.NDArray[np.bool_]) -> float:
    n = int(whole.sum())
    return float(part.sum()) / n if n else 0.0


def reference(
    model: PharosModel,
    scenario: Scenario,
    v: Mapping[str, npt.NDArray[Any]],
    disrupted: int,
    convicted: int,
) -> dict[str, float]:
    horizon, warmup = float(scenario.horizon_days), float(scenario.warmup_days)
    keep = v["exists"] & (v["recruited_at"] >= warmup)
    came = keep & ~v["prevented"]
    ident = ~np.isnan(v["identified_at"])
    days = v["identified_at"] - v["arrived_at"]
    out = {
        "share_identified": _share(ident & came, came),
        "days_to_identification": float(np.mean(days[ident & came]))
        if (ident & came).any()
        else float("nan"),
        "share_lost": _share(~np.isnan(v["lost_at"]) & came, ~np.isnan(v["detected_at"]) & came),
        "share_prevented": _share(v["prevented"] & keep, keep),
        "disrupted_per_year": disrupted / (horizon / 365.0),
    }
    protected = ~np.isnan(v["protected_at"]) & came
    out["share_protected"] = _share(protected, came)
    out["protected_per_year"] = float(protected.sum()) / ((horizon - warmup) / 365.0)
    out["convicted_per_year"] = convicted / (horizon / 365.0)
    names = year_outcomes(scenario.horizon_days)
    for k, name in enumerate(names):
        pt = v["protected_at"]
        year = np.minimum(np.floor(pt / 365.0), len(names) - 1)
        out[name] = float((v["exists"] & ~np.isnan(pt) & (year == k)).sum())
    female, child = v["female"], v["child"]
    groups = {
        "women": female & ~child,
        "men": ~female & ~child,
        "girls": female & child,
        "boys": ~female & child,
    }
    for g, members in groups.items():
        out[f"share_protected_{g}"] = _share(protected & members, came & members)
    codes = model._state_codes()
    for c in region_state_codes():
        there = came & (v["state"] == codes.index(c)) if c in codes else came & False
        out[f"share_protected_{c.lower()}"] = _share(protected & there, there)
    focus = keep & model.focus_templates[v["template"]]
    if model.focus_state >= 0:
        focus &= v["state"] == model.focus_state
    if model.focus_online:
        focus &= v["online"]
    seen = focus & ~v["prevented"] & (v["arrived_at"] <= horizon - model.cap)
    capped = np.where(ident, np.minimum(np.maximum(days, 0.0), model.cap), model.cap)
    years = (horizon - warmup) / 365.0
    out["focus_victims"] = float(focus.sum()) / years
    out["focus_share_prevented"] = _share(v["prevented"] & focus, focus)
    out["focus_identified_within_year"] = _share(ident & seen & (days <= 365.0), seen)
    out["focus_days_to_identification"] = float(np.mean(capped[seen])) if seen.any() else model.cap
    return out


#: means: a running sum in the compiled pass against NumPy's pairwise sum, equal to rounding
MEANS = ("days_to_identification", "focus_days_to_identification")


def _same(got: Mapping[str, float], want: Mapping[str, float]) -> None:
    assert list(got) == list(want)
    for name, value in want.items():
        if np.isnan(value):
            assert np.isnan(got[name]), name
        elif name in MEANS:
            assert got[name] == pytest.approx(value, rel=1e-12), name
        else:
            assert got[name] == value, name


@pytest.mark.parametrize(
    "focus",
    [
        None,  # Egypt-recruited online victims exploited in Italy
        {"origin": "NGA", "state": "ESP", "online": False},
        {"origin": "EGY", "state": "LBY"},  # a state the scenario may not model: no focus state
    ],
)
def test_summarise_agrees_with_one_mask_per_figure_on_the_fast_path(
    focus: dict[str, Any] | None,
) -> None:
    model = FastPharosModel(horizon_days=1460, warmup_days=365, focus=focus)
    scenario = model.base
    cw = compile_world(scenario)
    for seed in (1, 2, 3):
        result = run_inputs(cw, draw_inputs(cw, seed, 0))
        disrupted, convicted = int(result.justice[:, 4].sum()), int(result.justice[:, 3].sum())
        got = model.summarise(scenario, result.victims, disrupted, convicted)
        want = reference(model, scenario, result.victims, disrupted, convicted)
        assert want["share_protected"] > 0 and want["protected_year_02"] > 0
        if focus is None:  # the focus group is followed: some identified, some not
            assert 0 < want["focus_identified_within_year"] < 1
        _same(got, want)


def test_summarise_agrees_with_one_mask_per_figure_on_the_engine() -> None:
    model = PharosModel(horizon_days=730, warmup_days=180)
    scenario = model.base
    engine = Engine(scenario, 11, 0).run()
    v = engine_victims(engine)
    args = (engine_disruptions(engine), engine_convictions(engine))
    _same(model.summarise(scenario, v, *args), reference(model, scenario, v, *args))
