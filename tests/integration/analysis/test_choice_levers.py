"""Levers whose options are not numbers: intervention overlays and lists of values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pharos.analysis.designs import policies
from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import ExperimentSpecError, parse_experiment


def _spec(levers: list[dict[str, Any]], model: str = "pharos-fast") -> dict[str, Any]:
    return {
        "model": model,
        "model_options": {"horizon_days": 1460, "warmup_days": 365},
        "design": "latin_hypercube",
        "n": 3,
        "seed": 5,
        "uncertainties": [
            {"name": "ident_days", "path": "states.ITA.identification.mean_days",
             "low": 15, "high": 120},
        ],
        "levers": levers,
        "outcomes": ["share_identified", "focus_days_to_identification"],
    }  # fmt: skip


FAST_TRACK = {"name": "fast_track", "overlays": {"no": None, "yes": "fast-track-identification"}}
BODIES = {
    "name": "ita_bodies",
    "path": "states.ITA.identification.bodies",
    "options": {"police": ["law_enforcement"], "police_ngo": ["law_enforcement", "ngo"]},
}


def test_overlay_and_list_levers_make_policies_named_by_their_options() -> None:
    spec = parse_experiment(_spec([FAST_TRACK, BODIES]))
    names = [p.name for p in policies(spec)]
    assert names == [
        "baseline",
        "ita_bodies=police_ngo",
        "fast_track=yes",
        "fast_track=yes, ita_bodies=police_ngo",
    ]
    assert policies(spec)[3].values == {"lever:fast_track": 1.0, "lever:ita_bodies": 1.0}


def test_an_overlay_lever_changes_the_runs_on_common_random_numbers() -> None:
    spec = parse_experiment(_spec([FAST_TRACK]))
    result = run_experiment(spec)
    frame = result.runs
    base = frame[frame["policy"] == "baseline"].sort_values("scenario")
    fast = frame[frame["policy"] == "fast_track=yes"].sort_values("scenario")
    assert (base["seed"].to_numpy() == fast["seed"].to_numpy()).all()
    # NGOs and social services identifying too cannot identify fewer victims in Italy
    assert (
        fast["share_identified"].to_numpy() >= base["share_identified"].to_numpy() - 1e-12
    ).all()
    assert not np.allclose(fast["share_identified"].to_numpy(), base["share_identified"].to_numpy())


def test_the_same_list_lever_as_an_overlay_gives_the_same_runs() -> None:
    as_list = run_experiment(parse_experiment(_spec([BODIES]))).runs
    moved = as_list[as_list["policy"] == "ita_bodies=police_ngo"]["share_identified"]
    base = as_list[as_list["policy"] == "baseline"]["share_identified"]
    assert not np.allclose(moved.to_numpy(), base.to_numpy())


@pytest.mark.parametrize(
    ("lever", "field", "says"),
    [
        ({"name": "ft", "overlays": {"no": None, "x": "no-such-overlay"}},
         "experiment.levers.0.overlays.x", "no-such-overlay"),
        ({"name": "b", "path": "states.ITA.identification.bodies",
          "options": {"a": ["law_enforcement"], "b": ["astrologer"]}},
         "experiment.levers.0.options.b", "astrologer"),
        ({"name": "b", "path": "states.ITA.no_such_field", "options": {"a": ["x"]}},
         "experiment.levers.0.options.a", "no_such_field"),
    ],
)  # fmt: skip
def test_an_option_the_model_cannot_apply_is_refused_before_any_run(
    lever: dict[str, Any], field: str, says: str
) -> None:
    spec = parse_experiment(_spec([lever]))
    with pytest.raises(ExperimentSpecError) as err:
        run_experiment(spec)
    assert field in str(err.value) and says in str(err.value)


def test_a_model_without_a_scenario_refuses_levers_that_do_not_set_numbers() -> None:
    data = _spec([FAST_TRACK], model="ishigami")
    data.pop("model_options")
    data["uncertainties"] = [
        {"name": f"x{i}", "path": f"ishigami.x{i}", "low": -3, "high": 3} for i in (1, 2, 3)
    ]
    data["outcomes"] = []
    with pytest.raises(ExperimentSpecError, match=r"experiment\.levers\.0: the model ishigami"):
        run_experiment(parse_experiment(data))


@pytest.mark.parametrize(
    "lever",
    [
        {"name": "x", "overlays": {"a": None}, "path": "states.ITA.identification.bodies"},
        {"name": "x", "overlays": {}},
        {"name": "x", "options": {"a": 1}},
        {"name": "x", "path": "states.ITA.identification.officers", "options": {}},
    ],
)
def test_a_lever_must_be_one_kind_with_options(lever: dict[str, Any]) -> None:
    with pytest.raises(ExperimentSpecError, match=r"experiment\.levers\.0"):
        parse_experiment(_spec([lever]))


def test_declarations_that_only_set_numbers_keep_their_fingerprint() -> None:
    """A folder of an interrupted experiment resumes only under the same fingerprint: adding
    overlay levers must not change the fingerprint of declarations written before."""
    from pharos.analysis.spec import load_experiment
    from pharos.cli.analysis import bundled_experiment

    found = {
        name: load_experiment(bundled_experiment(name))[0].fingerprint()
        for name in ("baseline-sobol", "egypt-online-italy")
    }
    assert found == {"baseline-sobol": "23851f332805c125", "egypt-online-italy": "18bca6b37f1c6dc8"}
