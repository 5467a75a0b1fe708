"""The simulate report's forest plots show the paired effects of the run's own outputs.

The figures drawn are checked against an independent computation from the files the run wrote:
each variant's ``outcomes.csv`` (counts per replication), from which the share protected and the
days to identification are recomputed per replication, paired with the baseline's replication
of the same seed, and given a 95 % interval by ``scipy.stats.ttest_rel`` (a code path the report
does not use). The order (most helpful first) and the equal-protection verdict (one-sample
t-tests at 5 % over the number of tests, Bonferroni) are recomputed the same way. A plot showing
unpaired differences, another replication's baseline, the wrong sign or the wrong order fails.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pharos.i18n import use_locale
from pharos.sim.study import prepare, run, write

OVERLAYS = [
    "fast-track-identification",
    "labour-inspector-indicator-training",
    "fast-track-identification+labour-inspector-indicator-training",
]
GROUPS = ("women", "men", "girls", "boys")


def _array(value: object) -> np.ndarray:
    """A plotly array as written in the page: a list, or typed (base64 ``bdata``)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value, dtype=float)


def _traces(page: str, div: str) -> list[dict[str, object]]:
    """The plotly traces of the chart inside the element whose id is ``div``."""
    start = page.index(f'id="{div}"')
    call = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*').search(page, start)
    assert call is not None
    traces, _end = json.JSONDecoder().raw_decode(page, call.end())
    return list(traces)


def _per_replication(folder: Path, group: str) -> pd.DataFrame:
    """Share protected and mean days to identification of ``group`` in each replication,
    from the run's outcome counts."""
    out = pd.read_csv(folder / "outcomes.csv")
    g = out[out["group"] == group].groupby(["replication", "metric"])["value"].sum()
    wide = g.unstack("metric")
    return pd.DataFrame(
        {
            "share_protected": wide["protected"] / wide["victims"],
            "days_to_identification": wide["days_to_identification_sum"] / wide["identified"],
        }
    )


def _expected(out: Path, indicator: str, group: str = "all") -> pd.DataFrame:
    base = _per_replication(out / "baseline", group)[indicator]
    rows = {}
    for name in OVERLAYS:
        other = _per_replication(out / name, group)[indicator]
        assert list(other.index) == list(base.index)  # the same seeds
        test = stats.ttest_rel(other.to_numpy(), base.to_numpy())
        ci = test.confidence_interval(0.95)
        diff = other.to_numpy() - base.to_numpy()
        rows[name] = {
            "effect": float(diff.mean()),
            "low": float(ci.low),
            "high": float(ci.high),
            "p": float(test.pvalue),
        }
    return pd.DataFrame(rows).T


def _drawn(trace: dict[str, object]) -> pd.DataFrame:
    x = _array(trace["x"])
    err = trace["error_x"]
    assert isinstance(err, dict)
    names = list(trace["text"])  # type: ignore[call-overload]
    return pd.DataFrame(
        {"effect": x, "low": x - _array(err["arrayminus"]), "high": x + _array(err["array"])},
        index=names,
    ).iloc[::-1]  # drawn bottom up: the most helpful is at the top


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("effects") / "out"
    st = prepare("mediterranean-baseline", OVERLAYS, runs=5, seed=3)
    for v in st.variants:
        v.scenario = v.scenario.model_copy(update={"horizon_days": 1095, "warmup_days": 365})
    with use_locale("en"):
        write(run(st), out)
    return out, (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("indicator", "better"), [("share_protected", "higher"), ("days_to_identification", "lower")]
)
def test_the_forest_plot_shows_the_paired_effects_of_the_run(
    report: tuple[Path, str], indicator: str, better: str
) -> None:
    out, page = report
    (trace,) = _traces(page, f"forest-{indicator}")
    drawn = _drawn(trace)
    expected = _expected(out, indicator)
    # sorted from the most helpful
    order = expected["effect"].sort_values(ascending=(better == "lower")).index
    assert list(drawn.index) == list(order)
    for name in OVERLAYS:
        for col in ("effect", "low", "high"):
            assert drawn.loc[name, col] == pytest.approx(expected.loc[name, col], rel=1e-9)
    # the table under it states the same figures
    block = page[page.index(f'id="forest-{indicator}"') :]
    table = block[block.index('<table class="effects-table">') : block.index("</table>")]
    for name in OVERLAYS:
        e = expected.loc[name]
        assert f"{e['effect']:+.4g}" in table
        assert f"{e['low']:.4g} – {e['high']:.4g}" in table


def test_per_group_plot_and_equal_protection(report: tuple[Path, str]) -> None:
    out, page = report
    traces = _traces(page, "forest-groups")
    assert [t["name"] for t in traces] == list(GROUPS)
    p_values: dict[str, dict[str, float]] = {}
    for trace, group in zip(traces, GROUPS, strict=True):
        expected = _expected(out, "share_protected", group)
        drawn = _drawn(trace)
        for name in OVERLAYS:
            assert drawn.loc[name, "effect"] == pytest.approx(expected.loc[name, "effect"])
            assert drawn.loc[name, "low"] == pytest.approx(expected.loc[name, "low"])
            assert drawn.loc[name, "high"] == pytest.approx(expected.loc[name, "high"])
        p_values[group] = {str(k): float(v) for k, v in expected["p"].items()}
    level = 0.05 / (len(GROUPS) * len(OVERLAYS))
    flagged = []
    for name in OVERLAYS:
        effect = {g: float(_expected(out, "share_protected", g)["effect"][name]) for g in GROUPS}
        helped = [g for g in GROUPS if p_values[g][name] < level and effect[g] > 0]
        harmed = [g for g in GROUPS if p_values[g][name] < level and effect[g] < 0]
        if helped and harmed:
            flagged.append(name)
    verdict = page[page.index('id="equal-protection"') :]
    verdict = verdict[: verdict.index("</div>")]
    if flagged:
        for name in flagged:
            assert f"<b>{name}</b>" in verdict
    else:
        assert "No intervention helps one group and harms another." in verdict
    assert f"level {level:.2g}" in page
