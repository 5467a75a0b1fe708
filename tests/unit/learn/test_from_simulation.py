"""A small ``pharos simulate`` run imported as a simulated dataset: same numbers, kept apart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from pharos.cli import app
from pharos.learn import equity
from pharos.learn.from_simulation import import_simulation
from pharos.learn.ingest.report import ImportRefused
from pharos.learn.store import Store
from pharos.scenario import load_scenario
from pharos.scenario.params import scenario_data

runner = CliRunner()
K = 5


@pytest.fixture(scope="module")
def simulation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline over 90 days without warm-up (about a thousand victims, a few seconds)."""
    folder = tmp_path_factory.mktemp("sim")
    data = scenario_data(load_scenario("mediterranean-baseline"))
    data["horizon_days"] = 90
    data["warmup_days"] = 0
    scenario = folder / "small.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    args = ["simulate", str(scenario), "--runs", "2", "--seed", "7", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _direct(outcomes: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per gender, straight from the simulation's own table: cases, shares and mean days."""
    sexes = {"feminine": ["women", "girls"], "masculine": ["men", "boys"]}
    out: dict[str, dict[str, float]] = {}
    for gender, groups in sexes.items():
        rows = outcomes[outcomes["group"].isin(groups)]
        total = rows.groupby("metric")["value"].sum()
        out[gender] = {
            "cases": total["victims"],
            "identified": total["identified"] / total["victims"],
            "protected": total["protected"] / total["victims"],
            "days_identified": total["days_to_identification_sum"] / total["identified"],
            "days_protected": total["days_to_protection_sum"] / total["protected"],
        }
    return out


def test_equity_equals_the_simulations_own_numbers(simulation: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    (item,) = import_simulation(store, simulation, seed=7)
    outcomes = pd.read_parquet(simulation / "baseline" / "outcomes.parquet")
    all_victims = outcomes[(outcomes["group"] == "all") & (outcomes["metric"] == "victims")]
    assert item.victims == int(all_victims["value"].sum())
    assert 300 <= item.victims <= 3000  # a small run
    cases = store.frame("case_outcomes", [str(item.dataset)])
    results = {r.group: r for r in equity.monitor(cases, ("gender",), K)}
    for gender, expected in _direct(outcomes).items():
        r = results[gender]
        assert r.cases == expected["cases"]
        assert r.shares["identified"].share == pytest.approx(expected["identified"])
        assert r.shares["protected"].share == pytest.approx(expected["protected"])
        assert r.durations["identified"].mean_days == pytest.approx(expected["days_identified"])
        assert r.durations["protected"].mean_days == pytest.approx(expected["days_protected"])
        # The model has no separate referral step: shown as not recorded, never as 0 %.
        assert not r.shares["referred"].recorded


def test_simulated_data_is_labelled_and_kept_apart(simulation: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    (item,) = import_simulation(store, simulation, seed=7)
    (manifest,) = store.datasets()
    assert manifest["origin"] == "simulation"
    assert manifest["details"]["scenario"] == "mediterranean-baseline"
    assert manifest["details"]["overlay"] is None
    assert manifest["details"]["seed"] == 7
    # Default views read real data only: the simulated victims are not mixed in.
    assert store.frame("case_outcomes").height == 0
    assert store.connect().execute("select count(*) from victims").fetchone() == (0,)
    named = store.connect(datasets=[str(item.dataset)])
    states = {r[0] for r in named.execute("select exploitation_country from victims").fetchall()}
    assert states <= {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"} and states


def test_identified_victims_per_year_feed_the_victims_table(
    simulation: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    (item,) = import_simulation(store, simulation, seed=7, first_year=2030)
    annual = pd.read_parquet(simulation / "baseline" / "annual.parquet")
    ident = annual[annual["metric"] == "identified"].groupby("year")["value"].sum()
    female = annual[annual["metric"] == "identified_female"]["value"].sum()
    con = store.connect(datasets=[str(item.dataset)])
    got = dict(con.execute("select year, count(*) from victims group by year").fetchall())
    assert got == {2030 + int(y): int(n) for y, n in ident.items() if n > 0}
    women = con.execute("select count(*) from victims where gender = 'feminine'").fetchone()
    assert women == (int(female),)
    assert store.datasets()[0]["details"]["first_year"] == 2030


def test_cli_import_and_equity_say_simulated(simulation: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    result = runner.invoke(app, ["import", "--store", store, "--from-simulation", str(simulation),
                                 "--seed", "7"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "SIMULATED" in result.output and "mediterranean-baseline" in result.output
    listing = runner.invoke(app, ["datasets", "--store", store])
    assert "SIMULATED" in listing.output
    (manifest,) = Store(Path(store)).datasets()
    shown = runner.invoke(app, ["equity", "--store", store, "--dataset", manifest["id"],
                                "--k", str(K), "--dimension", "gender"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "SIMULATED" in shown.output and "Women and girls" in shown.output
    assert "not recorded" in shown.output
    trends = runner.invoke(app, ["trends", "--store", store, "--dataset", manifest["id"], "--all"])
    assert trends.exit_code == 0, trends.output
    assert "SIMULATED" in trends.output
    again = runner.invoke(app, ["import", "--store", store, "--from-simulation", str(simulation)])
    assert again.exit_code == 2 and "already imported" in again.output
    assert len(Store(Path(store)).datasets()) == 1


def test_a_folder_that_is_not_a_simulation_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    folder = tmp_path / "notsim"
    folder.mkdir()
    (folder / "cases.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not a folder written by pharos simulate"):
        import_simulation(store, folder)
    (folder / "outcomes.csv").write_text("state,metric,value\nITA,victims,3\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="missing columns replication, route"):
        import_simulation(store, folder)
    result = runner.invoke(app, ["import", "--store", str(store.root), "--from-simulation",
                                 str(tmp_path / "absent")])  # fmt: skip
    assert result.exit_code == 2 and "not a folder written by pharos simulate" in result.output
    assert store.datasets() == []
    assert not (store.root / "case_outcomes").exists()


def test_unknown_dataset_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["equity", "--store", str(tmp_path), "--dataset", "nope"])
    assert result.exit_code == 2 and "No dataset nope" in result.output
