"""The simulate report's time series and cost table show the run's own outputs (issue 15, item 7).

Checked against an independent computation from the files the run wrote:

- **Time series.** From each variant's ``annual.csv``: the count of a metric in each simulated
  year of each replication (all states summed, 0 where a replication has none), its mean over
  the replications and the 95 % interval of that mean by ``scipy.stats.t.interval`` with
  ``scipy.stats.sem`` (a code path the report does not use). The drawn line and band must be
  these, for the baseline and each intervention, in every year of the horizon.
- **Costs.** From ``outcomes.csv`` (victims protected per replication over the years after the
  warm-up) and ``annual.csv`` (persons convicted in those years): each intervention's paired
  difference with the baseline and its interval by ``scipy.stats.ttest_rel``; the cost per
  extra one is the cost over the effect only where the interval lies above zero, else the
  report says 'no clear effect' (the run below has both kinds, asserted). A combination costs
  the sum of its parts.

The same renderers draw the experiment report's series and cost table (no copy): the last tests
call the experiment report's functions and find the simulate report's markup.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pharos.i18n import use_locale
from pharos.sim.costs import CostsError, cost_effectiveness, parse_costs
from pharos.sim.report import costs_table
from pharos.sim.study import prepare, run, write

ONE, TWO = "fast-track-identification", "labour-inspector-indicator-training"
OVERLAYS = [ONE, TWO, f"{ONE}+{TWO}"]
COSTS = {ONE: 400_000.0, TWO: 1_200_000.0}
HORIZON, WARMUP = 1095, 365


def _array(value: object) -> np.ndarray:
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value, dtype=float)


def _traces(page: str, div: str) -> list[dict[str, object]]:
    start = page.index(f'id="{div}"')
    call = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*').search(page, start)
    assert call is not None
    traces, _end = json.JSONDecoder().raw_decode(page, call.end())
    return list(traces)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("series") / "out"
    text = "".join(f"{k}: {v:.0f}\n" for k, v in COSTS.items())
    st = prepare("mediterranean-baseline", OVERLAYS, runs=5, seed=3, costs=text)
    for v in st.variants:
        v.scenario = v.scenario.model_copy(update={"horizon_days": HORIZON, "warmup_days": WARMUP})
    with use_locale("en"):
        write(run(st), out)
    return out, (out / "report.html").read_text(encoding="utf-8")


def _yearly(folder: Path, metric: str) -> pd.DataFrame:
    """Per replication (rows) and year (columns), the metric's count summed over the region."""
    annual = pd.read_csv(folder / "annual.csv")
    reps = sorted(pd.read_csv(folder / "outcomes.csv")["replication"].unique())
    g = annual[annual["metric"] == metric].groupby(["replication", "year"])["value"].sum()
    wide = g.unstack("year").reindex(index=reps, columns=range(HORIZON // 365))
    return wide.fillna(0.0)


@pytest.mark.parametrize("metric", ["protected", "identified", "convicted"])
def test_the_time_series_and_its_band_are_the_replications_mean_and_interval(
    report: tuple[Path, str], metric: str
) -> None:
    out, page = report
    traces = _traces(page, f"series-{metric}")
    assert len(traces) == 2 * (1 + len(OVERLAYS))  # a band and a line per variant
    for k, name in enumerate(["baseline", *OVERLAYS]):
        band, line = traces[2 * k], traces[2 * k + 1]
        assert str(line["name"]).replace("<br>", "") == name and band["legendgroup"] == name
        counts = _yearly(out / name, metric).to_numpy()
        n = counts.shape[0]
        mean = counts.mean(axis=0)
        low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=stats.sem(counts, axis=0))
        assert list(_array(line["x"])) == [1, 2, 3]
        assert _array(line["y"]) == pytest.approx(mean, rel=1e-12)
        drawn = _array(band["y"])
        assert drawn[:3] == pytest.approx(high, rel=1e-12)  # upper edge, left to right
        assert drawn[3:][::-1] == pytest.approx(low, rel=1e-12)  # lower edge, back
    # the note says which interval the band is
    assert "the band its 95% interval (Student&#x27;s t over the replications" in page


def _paired(out: Path, values: dict[str, pd.Series]) -> pd.DataFrame:
    rows = {}
    for name in OVERLAYS:
        base, other = values["baseline"], values[name]
        assert list(base.index) == list(other.index)
        test = stats.ttest_rel(other.to_numpy(), base.to_numpy())
        ci = test.confidence_interval(0.95)
        rows[name] = {
            "effect": float((other - base).mean()),
            "low": float(ci.low),
            "high": float(ci.high),
        }
    return pd.DataFrame(rows).T


def test_cost_per_extra_victim_and_conviction(report: tuple[Path, str]) -> None:
    out, page = report
    span = (HORIZON - WARMUP) / 365
    protected, convicted = {}, {}
    for name in ["baseline", *OVERLAYS]:
        o = pd.read_csv(out / name / "outcomes.csv")
        sel = o[(o["metric"] == "protected") & (o["group"] == "all")]
        protected[name] = sel.groupby("replication")["value"].sum() / span
        # persons convicted in the years after the warm-up, a year
        years = _yearly(out / name, "convicted")
        convicted[name] = years.loc[:, WARMUP // 365 :].sum(axis=1) / span
    expected = {"protected": _paired(out, protected), "convicted": _paired(out, convicted)}
    block = page[page.index('<div id="costs">') :]
    table = block[: block.index("</table>")]
    rows = {
        re.sub(r"<[^>]+>", "", r.split("</td>", 1)[0]): r.split("</td>")
        for r in table.split("<tr>")[2:]
    }
    assert set(rows) == set(OVERLAYS)
    kinds = set()
    for name in OVERLAYS:
        cost = sum(COSTS[p] for p in name.split("+"))  # a combination: the sum of its parts
        cells = [re.sub(r"<[^>]+>", "", c) for c in rows[name]]
        assert cells[1] == f"{cost:,.0f}"
        for key, (effect_cell, per_cell) in (("protected", (2, 3)), ("convicted", (4, 5))):
            e = expected[key].loc[name]
            assert cells[effect_cell] == f"{e['effect']:+.1f} ({e['low']:.1f} – {e['high']:.1f})"
            if e["low"] > 0:
                kinds.add("ratio")
                assert cells[per_cell] == (
                    f"{cost / e['effect']:,.0f} ({cost / e['high']:,.0f} – {cost / e['low']:,.0f})"
                )
            else:  # the interval includes no effect (or lies below it): no ratio
                kinds.add("none")
                assert cells[per_cell] in ("no clear effect", "fewer than the baseline")
                assert cells[per_cell] == (
                    "no clear effect" if e["high"] >= 0 else "fewer than the baseline"
                )
    assert kinds == {"ratio", "none"}  # this run shows both cases


def test_a_ratio_only_where_the_effect_is_clear() -> None:
    """Synthetic effects: a clear gain, an interval through zero, a clear loss, and a cheaper
    intervention that helps; only the first has a cost per extra victim."""
    effects = pd.DataFrame(
        {
            "effect": [10.0, 3.0, -4.0, 5.0],
            "low": [5.0, -1.0, -6.0, 1.0],
            "high": [20.0, 7.0, -2.0, 9.0],
        },
        index=["gain", "unclear", "loss", "cheaper"],
    )
    extra = {"gain": 1000.0, "unclear": 1000.0, "loss": 1000.0, "cheaper": -500.0}
    frame = cost_effectiveness(extra, {"protected": effects})
    assert frame.loc["gain", "per_protected"] == 100.0
    assert (frame.loc["gain", "per_protected_low"], frame.loc["gain", "per_protected_high"]) == (
        50.0,
        200.0,
    )
    for name in ("unclear", "loss", "cheaper"):
        assert math.isnan(frame.loc[name, "per_protected"])
    assert frame.index[0] == "gain"  # sorted by the ratio, the ones without one last
    with use_locale("en"):
        html = costs_table(frame, "Intervention")
    assert "100 (50 – 200)" in html and "no clear effect" in html
    assert "fewer than the baseline" in html and "costs less and achieves more" in html
    assert "333" not in html  # 1000 / 3: the misleading ratio of the unclear one


def test_bad_costs_are_refused_with_line_and_field() -> None:
    names = [ONE, TWO]
    assert parse_costs(f"{ONE}: 10\n{TWO}: 2.5\n", "c.yaml", names) == {ONE: 10.0, TWO: 2.5}
    assert parse_costs("  \n", "c.yaml", names) == {}
    with pytest.raises(CostsError) as err:
        parse_costs(f"{ONE}: 10\ntypo: 5\n{TWO}: -1\n", "c.yaml", names)
    assert err.value.details[0].startswith("c.yaml:2: field costs.typo: not an intervention")
    assert err.value.details[1] == f"c.yaml:3: field costs.{TWO}: must be zero or more, not -1"
    with pytest.raises(CostsError, match=r"c\.yaml:1: field costs\.[a-z-]+: must be a number"):
        parse_costs(f"{ONE}: lots\n", "c.yaml", names)
    with pytest.raises(CostsError, match=r"c\.yaml:1: field costs\.[a-z-]+: must be zero or more"):
        parse_costs(f"{ONE}: .inf\n", "c.yaml", names)
    with pytest.raises(CostsError, match=r"c\.yaml:1: the costs must be a mapping"):
        parse_costs(f"- {ONE}\n", "c.yaml", names)
    with pytest.raises(CostsError, match=r"c\.yaml:2: not YAML"):
        parse_costs(f"{ONE}: 1\n  x: [\n", "c.yaml", names)


def test_the_experiment_report_draws_with_the_same_renderers() -> None:
    """One renderer each: the experiment report's series is the simulate report's chart (its
    10th-90th percentile band passed as the band), and its template's cost table is
    :func:`pharos.sim.report.costs_table` (no table of its own)."""
    from pharos.analysis import report as experiment
    from pharos.sim.report import series_figure

    series = pd.DataFrame(
        {
            "policy": ["baseline"] * 2 + ["more officers"] * 2,
            "year": [1, 2, 1, 2],
            "mean": [10.0, 12.0, 11.0, 15.0],
            "p10": [8.0, 9.0, 9.0, 12.0],
            "p90": [12.0, 14.0, 13.0, 18.0],
        }
    )
    with use_locale("en"):
        drawn = str(experiment.series_figure(series))
        shared = series_figure(
            "Victims entering protection each year",
            series.rename(columns={"policy": "variant", "p10": "low", "p90": "high"}),
            "victims a year",
            "chart-series-protected",
        )
    assert drawn == shared
    template = (Path(experiment.__file__).parent / "templates" / "report.html").read_text(
        encoding="utf-8"
    )
    assert "costs_table(analysis.costs)" in template and '<table class="costs"' not in template
