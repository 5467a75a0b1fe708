"""Choosing datasets for a learn page: real by default, one origin at a time, labelled."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from pharos.learn import charts
from pharos.learn.schema import conform
from pharos.learn.selection import SelectionRefused, choices, select
from pharos.learn.store import Store


def _add(store: Store, digest: str, origin: str, details: dict[str, object]) -> str:
    frame = conform(pl.DataFrame([{"source": origin, "year": 2020}] * 3), "victims")
    return store.add(kind=origin, file=digest, digest=digest * 64, tables={"victims": frame},
                     origin=origin, details=details)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "learn")


def test_nothing_chosen_is_real_data_without_banner(store: Store) -> None:
    _add(store, "a", "real", {})
    chosen = select(store, ["", "  "])
    assert chosen.real and chosen.datasets is None and chosen.banner() == ""


def test_a_simulated_dataset_is_labelled(store: Store) -> None:
    sim = _add(store, "b", "simulation", {"scenario": "baseline", "overlay": "surge", "seed": 7})
    chosen = select(store, [sim, sim])
    assert not chosen.real and chosen.datasets == [sim]
    assert chosen.banner() == "NOT REAL DATA: SIMULATED (scenario baseline, overlay surge, seed 7)"


def test_origins_are_never_mixed_and_unknown_ids_refused(store: Store) -> None:
    real = _add(store, "a", "real", {})
    sim = _add(store, "b", "simulation", {"scenario": "baseline", "seed": 1})
    drill = _add(store, "c", "exercise", {"exercise": 4, "scenario": "port"})
    for mixed in ([real, sim], [sim, drill], [real, drill]):
        with pytest.raises(SelectionRefused, match="never shown together"):
            select(store, mixed)
    with pytest.raises(SelectionRefused, match="No dataset nope"):
        select(store, [sim, "nope"])
    assert [c[1] for c in choices(store)] == ["real", "exercise", "simulation"]


def test_chart_title_and_csv_carry_the_origin() -> None:
    chart = charts.Chart(
        "x", "Victims", json.dumps({"layout": {"title": {"text": "Victims"}}}), False
    )
    charts.mark_origin(chart, "NOT REAL DATA: SIMULATED (<b>)")
    figure = json.loads(chart.figure)
    assert "NOT REAL DATA: SIMULATED (&lt;b&gt;)" in figure["layout"]["title"]["text"]
    assert chart.title.startswith("Victims — NOT REAL DATA")
    assert charts.csv_with_origin("a,b\n1,2\n", "").startswith("a,b")
    marked = charts.csv_with_origin("a,b\n1,2\n", "NOT REAL DATA: X, Y").splitlines()
    assert marked[0] == '"# NOT REAL DATA: X, Y"' and marked[1] == "a,b"
