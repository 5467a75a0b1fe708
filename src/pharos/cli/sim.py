"""``pharos simulate`` and ``pharos calibrate``: the regional model from the command line.

The scenario schema and the model (NumPy, pandas, SciPy) are imported when a command runs, not
when the command line is built (docs/architecture.md, "A fast command line")."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pharos.cli.app import app
from pharos.i18n import _, ngettext

if TYPE_CHECKING:
    from pharos.scenario.load import ScenarioError

HEADLINE = (
    "share_identified",
    "days_to_identification",
    "share_protected",
    "share_lost",
    "prosecuted",
    "convicted",
    "networks_disrupted",
)


def _fail(err: ScenarioError) -> typer.Exit:
    console = Console(stderr=True)
    console.print(_("The scenario or overlay is not valid:"), style="bold red")
    for d in err.details:
        console.print(f"  {d}", markup=False, highlight=False)
    console.print(_("Nothing was written."))
    return typer.Exit(code=2)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def _fmt(x: object) -> str:
    value = float(x)  # type: ignore[arg-type]
    return "–" if math.isnan(value) else f"{value:.3f}"


@app.command()
def simulate(
    scenario: str = typer.Argument(..., help="A bundled scenario name or a YAML file."),
    overlay: list[str] = typer.Option(
        [],
        "--overlay",
        "-o",
        help="An intervention overlay (bundled name or file); repeatable; a+b combines two.",
    ),
    runs: int = typer.Option(None, "--runs", min=1, help="Replications (default: scenario)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    out: Path = typer.Option(Path("sim-output"), "--out", help="Output folder."),
    costs: Path = typer.Option(
        None,
        "--costs",
        help="A YAML file of each intervention's cost a year (name: amount); the report then "
        "gives the cost per extra victim protected and per extra conviction.",
    ),
    currency: str = typer.Option("EUR", "--currency", help="The currency of --costs."),
) -> None:
    """Run a scenario and its overlays on common random numbers; write tables and a report."""
    from pharos.scenario.load import ScenarioError
    from pharos.sim import study as study_mod
    from pharos.sim.costs import CostsError

    text = None
    try:
        if costs is not None:
            try:
                text = costs.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CostsError(
                    [_("%(file)s: cannot be read: %(why)s") % {"file": costs, "why": exc}]
                ) from None
        st = study_mod.prepare(
            scenario, list(overlay), runs, seed, workers, text, currency, str(costs)
        )
    except ScenarioError as err:
        raise _fail(err) from None
    except CostsError as err:
        console = Console(stderr=True)
        console.print(_("The costs are not valid:"), style="bold red")
        for detail in err.details:
            console.print(f"  {detail}", markup=False, highlight=False)
        console.print(_("Nothing was written."))
        raise typer.Exit(code=2) from None
    total = st.runs * len(st.variants)
    started = time.perf_counter()
    with _progress() as bar:
        task = bar.add_task(_("Simulating"), total=total)
        study_mod.run(st, progress=lambda n: bar.advance(task, n))
    study_mod.write(st, out)
    console = Console()
    base = st.variants[0]
    assert base.summary is not None
    table = Table(
        title=ngettext(
            "Baseline: %(name)s, %(runs)s replication",
            "Baseline: %(name)s, %(runs)s replications",
            st.runs,
        )
        % {"name": base.scenario.name, "runs": st.runs}
    )
    for col in (_("Indicator"), _("Mean"), _("95% interval")):
        table.add_column(col)
    s = base.summary[base.summary["dimension"] == "total"].set_index("indicator")
    for ind in HEADLINE:
        if ind in s.index:
            r = s.loc[ind]
            table.add_row(ind, _fmt(r["mean"]), f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]")
    console.print(table)
    for name, d in st.diffs.items():
        t = Table(
            title=_("%(overlay)s against the baseline (common random numbers)") % {"overlay": name}
        )
        for col in (
            _("Indicator"),
            _("Baseline"),
            _("Overlay"),
            _("Difference"),
            _("95% interval"),
        ):
            t.add_column(col)
        dd = d[d["dimension"] == "total"].set_index("indicator")
        for ind in HEADLINE:
            if ind in dd.index:
                r = dd.loc[ind]
                t.add_row(
                    ind,
                    _fmt(r["baseline"]),
                    _fmt(r["overlay"]),
                    _fmt(r["difference"]),
                    f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
                )
        console.print(t)
    console.print(
        _("Wrote %(folder)s in %(seconds).1f s.")
        % {"folder": str(out), "seconds": time.perf_counter() - started}
    )


def _figure_label(metric: str) -> str:
    labels = {
        "identified": _("identified/yr"),
        "protected": _("protected/yr"),
        "prosecuted": _("prosecuted/yr"),
        "convicted": _("convicted/yr"),
        "arrivals": _("arrivals/yr"),
        "share_sexual_exploitation": _("sexual expl. share"),
        "share_forced_labour": _("forced lab. share"),
        "share_female": _("female share"),
    }
    return labels.get(metric, metric)


def _number(metric: str, value: float) -> str:
    if math.isnan(value):
        return "–"
    if metric.startswith("share_"):
        return f"{value * 100:.1f}"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _calibration_tables(cmp: object, n: int) -> list[Table]:
    import pandas as pd
    from rich import box

    from pharos.sim.calibration import TOLERANCE

    assert isinstance(cmp, pd.DataFrame)
    titles = {
        "input": _("Inputs: figures the model restates (a check of the wiring, not of fit)"),
        "fitted": _("Fitted: 2017–2019, the only years inputs may be set against"),
        "held_out": _("Held out: 2020–2021, never used to set an input"),
    }
    tables = []
    for role, title in titles.items():
        part = cmp[cmp["role"] == role]
        if part.empty:
            continue
        t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
        t.add_column(_("Figure"))
        t.add_column(_("Where"))
        t.add_column(_("Ref."), justify="right")
        t.add_column(_("Model"), justify="right")
        t.add_column(_("95% CI"), justify="right")
        t.add_column(_("Error"), justify="right")
        t.add_column("", justify="left")
        for _i, r in part.iterrows():
            ok = bool(r["within_tolerance"])
            metric = str(r["metric"])
            flags = ("" if ok else "✗") + ("!" if r["sources_disagree"] else "")
            t.add_row(
                _figure_label(metric),
                str(r["state"] or r["route"]),
                _number(metric, float(r["reference"])),
                _number(metric, float(r["model"])),
                "–".join(_number(metric, float(r[k])) for k in ("model_low", "model_high")),
                f"{r['relative_error']:+.0%}",
                flags,
                style=None if ok else "red",
            )
        t.caption = _(
            "%(replications)s; shares in %%; ✗ outside ±%(tol)s%%; ! sources disagree"
        ) % {
            "replications": ngettext("%(n)s replication", "%(n)s replications", n) % {"n": n},
            "tol": int(TOLERANCE * 100),
        }
        t.caption_justify = "left"
        tables.append(t)
    return tables


@app.command()
def calibrate(
    scenario: str = typer.Argument("mediterranean-baseline", help="Scenario to check."),
    runs: int = typer.Option(None, "--runs", min=1, help="Replications (default: scenario)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    fmt: str = typer.Option(
        "table", "--format", help="table (for reading), csv or json (every column, to stdout)."
    ),
) -> None:
    """The model against published figures: inputs, fitted and held-out targets, disagreements."""
    # Exits 1 when an input or a fitted figure is outside the tolerance or the ranking of states
    # breaks; a held-out miss is reported, not an error (it measures the model out of sample).
    from pharos.scenario.load import ScenarioError, load_scenario
    from pharos.sim.calibration import (
        TOLERANCE,
        compare,
        disagreements,
        ranking,
        short_source,
        summary,
    )
    from pharos.sim.runner import run_many

    if fmt not in ("table", "csv", "json"):
        Console(stderr=True).print(
            _("--format must be table, csv or json, not %(value)s") % {"value": fmt},
            style="bold red",
            markup=False,
        )
        raise typer.Exit(code=2)
    try:
        scen = load_scenario(scenario)
    except ScenarioError as err:
        raise _fail(err) from None
    n = runs or scen.replications
    with _progress() as bar:
        task = bar.add_task(_("Simulating"), total=n)
        tables = run_many(
            scen,
            n,
            seed if seed is not None else scen.seed,
            workers,
            lambda k: bar.advance(task, k),
        )
    cmp = compare(tables, scen)
    ref, mod = ranking(cmp)
    same = ref == mod
    gate = cmp[cmp["role"].isin(["input", "fitted"])]
    failed = bool((~gate["within_tolerance"]).any()) or not same
    if fmt == "csv":
        typer.echo(cmp.to_csv(index=False), nl=False)
        raise typer.Exit(code=1 if failed else 0)
    if fmt == "json":
        import json

        doc = {
            "scenario": scen.name,
            "replications": n,
            "tolerance": TOLERANCE,
            "figures": json.loads(cmp.to_json(orient="records")),
            "summary": json.loads(summary(cmp).to_json(orient="records")),
            "disagreements": json.loads(disagreements().to_json(orient="records")),
            "ranking": {"reference": ref, "model": mod, "preserved": same},
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        raise typer.Exit(code=1 if failed else 0)
    console = Console()
    for t in _calibration_tables(cmp, n):
        console.print(t)
    dis = disagreements()
    if not dis.empty:
        console.print(
            _("Sources disagree (by more than ±%(tol)s%%):") % {"tol": int(TOLERANCE * 100)}
        )
        for r in dis.itertuples():
            console.print(
                "  "
                + _(
                    "%(figure)s %(state)s %(year)s: %(source)s %(value)s, "
                    "%(other_source)s %(other)s"
                )
                % {
                    "figure": _figure_label(str(r.metric)),
                    "state": r.state,
                    "year": r.year,
                    "value": f"{r.value:g}",
                    "source": short_source(str(r.source)),
                    "other": f"{r.other_value:g}",
                    "other_source": short_source(str(r.other_source)),
                },
                markup=False,
                highlight=False,
            )
    names = {
        "input": _("inputs"),
        "fitted": _("fitted"),
        "held_out": _("held out"),
    }
    for r in summary(cmp).itertuples():
        console.print(
            _("%(role)s: %(met)s of %(total)s within ±%(tol)s%%, median absolute error %(err)s")
            % {
                "role": names[str(r.role)],
                "met": r.within_tolerance,
                "total": r.figures,
                "tol": int(TOLERANCE * 100),
                "err": f"{r.median_abs_error:.0%}",
            },
            markup=False,
            highlight=False,
        )
    console.print(
        _("Ranking of states by identified victims (2017–2019): reference %(ref)s; model %(model)s")
        % {"ref": " > ".join(ref), "model": " > ".join(mod)},
        markup=False,
        highlight=False,
    )
    console.print(
        _("Sources of every figure: pharos calibrate --format csv"), markup=False, highlight=False
    )
    if failed:
        raise typer.Exit(code=1)
