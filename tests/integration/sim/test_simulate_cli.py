"""``pharos simulate``: byte-identical outputs, workers, bad input, the report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pharos.cli import app
from pharos.scenario import load_scenario
from pharos.scenario.params import scenario_data


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A scenario file: the baseline over three years (fast), written as a copy."""
    s = load_scenario("mediterranean-baseline")
    data = scenario_data(s)
    data["horizon_days"] = 1095
    data["warmup_days"] = 365
    f = tmp_path / "small.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return f


@pytest.mark.slow
def test_same_seed_same_bytes_and_workers_do_not_matter(small: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for k, workers in enumerate(("1", "1", "2")):
        out = tmp_path / f"out{k}"
        args = ["simulate", str(small), "--overlay", "shelter-beds-malta-greece"]
        args += ["--runs", "3", "--seed", "11", "--workers", workers, "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outs.append(_digest(out))
    assert outs[0] == outs[1] == outs[2]
    names = set(outs[0])
    for expected in (
        "baseline/outcomes.parquet",
        "baseline/outcomes.csv",
        "baseline/summary.csv",
        "shelter-beds-malta-greece/requests.parquet",
        "differences.csv",
        "report.html",
        "plotly.min.js",
    ):
        assert expected in names
    page = (tmp_path / "out0" / "report.html").read_text(encoding="utf-8")
    assert "cdn" not in page.lower()
    assert 'src="plotly.min.js"' in page


def test_an_invalid_overlay_exits_2_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("overlay: bad\nset:\n  states.MLT.protection.shelter_beds: many\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", "mediterranean-baseline", "--overlay", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert f"{bad}:3" in result.output
    assert "shelter_beds" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    ("text", "currency", "words"),
    [
        (
            "fast-track-identification: 10\nmla-fast-trak: 5\n",
            "EUR",
            ":2: field costs.mla-fast-trak",
        ),
        ("fast-track-identification: -5\n", "EUR", ":1: field costs.fast-track-identification"),
        ("fast-track-identification: 5\n", "", "--currency: the currency must be a short name"),
    ],
)
def test_bad_costs_exit_2_name_the_line_and_field_and_write_nothing(
    tmp_path: Path, text: str, currency: str, words: str
) -> None:
    costs = tmp_path / "costs.yaml"
    costs.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["simulate", "mediterranean-baseline", "-o", "fast-track-identification", "--runs", "1",
         "--costs", str(costs), "--currency", currency, "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "The costs are not valid:" in flat and "Nothing was written." in flat
    assert (words if words.startswith("--") else f"{costs}{words}") in flat
    assert not out.exists()


def test_an_invalid_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstates: {}\nnetworks: []\nhorizon_days: 0\n")
    result = CliRunner().invoke(app, ["simulate", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{bad}:4" in result.output
    assert not (tmp_path / "o").exists()


def test_combined_interventions_are_one_variant_with_both_overlays(
    small: Path, tmp_path: Path
) -> None:
    from pharos.sim import study as study_mod

    a, b = "shelter-beds-malta-greece", "labour-inspector-indicator-training"
    st = study_mod.prepare(str(small), [a, b, f"{a}+{b}"], runs=2, seed=5)
    assert [v.name for v in st.variants] == ["baseline", a, b, f"{a}+{b}"]
    both = st.variants[3].scenario
    # both overlays' edits, as applying them one after the other gives
    assert scenario_data(both) == scenario_data(load_scenario(str(small), [a, b]))
    assert scenario_data(both) != scenario_data(st.variants[1].scenario)
    assert scenario_data(both) != scenario_data(st.variants[2].scenario)
    out = tmp_path / "out"
    args = ["simulate", str(small), "-o", a, "-o", f"{a}+{b}", "--runs", "2", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / f"{a}+{b}" / "outcomes.parquet").is_file()
    diffs = (out / "differences.csv").read_text(encoding="utf-8")
    assert f"{a}+{b}" in diffs
