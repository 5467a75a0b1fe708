"""A study: a scenario and its overlays, run on the same random numbers, written to a folder.

Everything is validated before anything runs, and everything is written to a temporary folder
beside the output folder and moved in only when complete: a failed study writes nothing.

Output folder::

    <variant>/outcomes.{parquet,csv}        per replication, tidy (see pharos.sim.metrics)
    <variant>/annual.*, requests.*, identification_days.*, flows.*
    <variant>/indicators.*                  every indicator of every replication
    <variant>/summary.*                     mean and 95 % interval across replications
    differences.*                           each overlay minus the baseline, paired (CRN);
                                            column ``intervention`` names the overlay
    report.html, plotly.min.js              the report (opens offline)

``<variant>`` is ``baseline`` or the overlay's name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pharos.scenario.load import load_overlay, load_scenario
from pharos.scenario.schema import Scenario
from pharos.sim.costs import CostsError, currency_problem, intervention_cost, parse_costs
from pharos.sim.defaults import assumption_text, scenario_assumptions
from pharos.sim.report import write_report
from pharos.sim.runner import run_many
from pharos.sim.summary import differences, indicators, summarise

BASELINE = "baseline"


@dataclass
class Variant:
    """The baseline or one overlay: its scenario and, once run, its tables."""

    name: str
    scenario: Scenario
    #: the overlays' names it applies (one, or the parts of a combination a+b)
    parts: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    indicators: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None


@dataclass
class Study:
    """A scenario with overlays, ready to run (all inputs already validated)."""

    scenario_ref: str
    variants: list[Variant]
    runs: int
    seed: int
    workers: int
    diffs: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: each single intervention's cost a year, where given (pharos.sim.costs); None: no costs
    costs: dict[str, float] | None = None
    currency: str = "EUR"


def prepare(
    scenario_ref: str,
    overlays: list[str],
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    costs: str | None = None,
    currency: str = "EUR",
    costs_origin: str = "costs",
) -> Study:
    """Load and validate the scenario and every overlay (raises ScenarioError), and the costs
    (``costs``: the YAML text of :func:`pharos.sim.costs.parse_costs`, read from
    ``costs_origin``; raises CostsError)."""
    base = load_scenario(scenario_ref)
    variants = [Variant(BASELINE, base)]
    for ref in overlays:
        # "a+b" combines interventions: both overlays applied in order, one variant, compared
        # with the baseline on the same random numbers like any other (a file whose name holds
        # a "+" is still one overlay)
        parts = [ref] if Path(ref).is_file() else [p.strip() for p in ref.split("+") if p.strip()]
        names = [load_overlay(p).name for p in parts]
        variants.append(Variant("+".join(names), load_scenario(scenario_ref, parts), names))
    priced: dict[str, float] | None = None
    if costs is not None:
        problem = currency_problem(currency)
        if problem:
            raise CostsError([f"--currency: {problem}"])
        singles = list(dict.fromkeys(n for v in variants[1:] for n in v.parts))
        priced = parse_costs(costs, costs_origin, singles)
    return Study(
        scenario_ref=scenario_ref,
        variants=variants,
        runs=runs if runs is not None else base.replications,
        seed=seed if seed is not None else base.seed,
        workers=max(1, workers),
        costs=priced,
        currency=currency.strip(),
    )


def run(study: Study, progress: Callable[[int], None] | None = None) -> Study:
    """Run every variant on the same seeds and compute summaries and paired differences."""
    for v in study.variants:
        v.tables = run_many(v.scenario, study.runs, study.seed, study.workers, progress)
        v.indicators = indicators(v.tables, v.scenario)
        v.summary = summarise(v.indicators)
    base = study.variants[0]
    assert base.indicators is not None
    for v in study.variants[1:]:
        assert v.indicators is not None
        study.diffs[v.name] = differences(base.indicators, v.indicators)
    return study


def _write_table(df: pd.DataFrame, folder: Path, name: str, formats: list[str]) -> None:
    if "parquet" in formats:
        table = pa.Table.from_pandas(df, preserve_index=False)
        pq.write_table(table, folder / f"{name}.parquet")
    if "csv" in formats:
        df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def _variant_costs(study: Study) -> dict[str, float] | None:
    """Each intervention's cost a year (a combination: the sum of its parts), where every part
    has a cost given; None when no costs were given."""
    if study.costs is None:
        return None
    out = {}
    for v in study.variants[1:]:
        cost = intervention_cost(study.costs, v.parts)
        if cost is not None:
            out[v.name] = cost
    return out


def write(study: Study, out: Path) -> Path:
    """Write every table and the report to ``out`` (atomically: temp folder, then move)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    base = study.variants[0]
    formats = list(base.scenario.outputs.formats)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for v in study.variants:
            folder = tmp / v.name
            folder.mkdir()
            for name, df in v.tables.items():
                _write_table(df, folder, name, formats)
            assert v.indicators is not None and v.summary is not None
            _write_table(v.indicators, folder, "indicators", formats)
            _write_table(v.summary, folder, "summary", formats)
        if study.diffs:
            all_diffs = pd.concat(
                [d.assign(intervention=name) for name, d in study.diffs.items()],
                ignore_index=True,
            )
            all_diffs = all_diffs[["intervention", *[c for c in all_diffs if c != "intervention"]]]
            _write_table(all_diffs, tmp, "differences", formats)
        if base.scenario.outputs.report:
            write_report(
                tmp,
                base.scenario.name,
                base.tables["outcomes"],
                {v.name: v.tables["identification_days"] for v in study.variants},
                {v.name: v.summary for v in study.variants if v.summary is not None},
                {v.name: v.indicators for v in study.variants if v.indicators is not None},
                base.tables["requests"],
                [assumption_text(a) for a in scenario_assumptions(base.scenario)],
                {v.name: v.tables["annual"] for v in study.variants},
                (base.scenario.horizon_days, base.scenario.warmup_days),
                _variant_costs(study),
                study.currency,
            )
        out.mkdir(exist_ok=True)
        for path in sorted(tmp.rglob("*")):
            target = out / path.relative_to(tmp)
            if path.is_dir():
                target.mkdir(exist_ok=True)
            else:
                os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
