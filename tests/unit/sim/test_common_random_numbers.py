"""Common random numbers: an intervention in one state leaves other states' outcomes identical."""

from __future__ import annotations

from functools import cache

import pandas as pd

from pharos.scenario import Scenario, load_scenario, set_params
from pharos.sim import run_replication

SHORT = {"horizon_days": 1460, "warmup_days": 365}


@cache
def _scenario(*overlays: str) -> Scenario:
    return set_params(load_scenario("mediterranean-baseline", list(overlays)), SHORT)


def _by_state(overlay: str, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = run_replication(_scenario(), seed, 0)["outcomes"]
    other = run_replication(_scenario(overlay), seed, 0)["outcomes"]
    return base, other


def test_labour_inspector_training_in_italy_and_spain_leaves_other_states_identical() -> None:
    base, other = _by_state("labour-inspector-indicator-training")
    for state in ("GRC", "MLT", "TUN", "EGY", "DZA"):
        pd.testing.assert_frame_equal(
            base[base.state == state].reset_index(drop=True),
            other[other.state == state].reset_index(drop=True),
        )
    # and it does change what it should: detection in Italy and Spain
    changed = [
        s
        for s in ("ITA", "ESP")
        if not base[base.state == s]
        .reset_index(drop=True)
        .equals(other[other.state == s].reset_index(drop=True))
    ]
    assert changed == ["ITA", "ESP"]


def test_more_shelter_beds_in_malta_and_greece_change_nothing_elsewhere() -> None:
    base, other = _by_state("shelter-beds-malta-greece")
    for state in ("ITA", "ESP", "TUN", "EGY", "DZA"):
        pd.testing.assert_frame_equal(
            base[base.state == state].reset_index(drop=True),
            other[other.state == state].reset_index(drop=True),
        )


def test_the_liaison_desk_shortens_italy_tunisia_leads_only() -> None:
    s = _scenario()
    ov = _scenario("tunisia-italy-liaison-desk")
    a = run_replication(s, 2, 0)["requests"]
    b = run_replication(ov, 2, 0)["requests"]

    def mean_latency(df: pd.DataFrame, sender: str, receiver: str, purpose: str) -> float:
        sel = df[(df.sender == sender) & (df.receiver == receiver) & (df.purpose == purpose)]
        return float(sel.latency_days_sum.sum() / sel.requests.sum())

    # leads from the desk instead of Interpol: days instead of weeks
    assert set(b[(b.sender == "ITA") & (b.receiver == "TUN")].instrument) >= {"liaison_officer"}
    assert "liaison_officer" not in set(a.instrument)
    assert mean_latency(b, "ITA", "TUN", "intelligence") < 0.5 * mean_latency(
        a, "ITA", "TUN", "intelligence"
    )
    # the evidence still goes by mutual legal assistance (a lead is not evidence)
    ev = b[(b.sender == "ITA") & (b.receiver == "TUN") & (b.purpose == "evidence")]
    assert set(ev.instrument) == {"mutual_legal_assistance"}
    esp_a = a[a.sender == "ESP"].reset_index(drop=True)
    esp_b = b[b.sender == "ESP"].reset_index(drop=True)
    pd.testing.assert_frame_equal(esp_a, esp_b)


def test_adding_a_network_does_not_shift_any_other_stream() -> None:
    from pharos.scenario.params import scenario_data
    from pharos.sim.engine import Engine

    base = _scenario()
    data = scenario_data(base)
    data["networks"].insert(
        0,
        {
            "id": "new-dza-begging",
            "origin": "NER",
            "destinations": {"DZA": 1.0},
            "exploitation": "forced_begging",
            "recruits_per_year": 20,
        },
    )
    bigger = Scenario.model_validate(data)
    a = Engine(base, 5, 0)
    b = Engine(bigger, 5, 0)
    assert len(b.cohorts) == len(a.cohorts) + 1
    for old, new in zip(a.cohorts, b.cohorts[1:], strict=True):
        assert (old.u == new.u).all() and (old.t_rec == new.t_rec).all()
    ta = run_replication(base, 5, 0)["outcomes"]
    tb = run_replication(bigger, 5, 0)["outcomes"]
    for state in ("ITA", "ESP", "GRC", "MLT", "TUN", "EGY"):
        pd.testing.assert_frame_equal(
            ta[ta.state == state].reset_index(drop=True),
            tb[tb.state == state].reset_index(drop=True),
        )
