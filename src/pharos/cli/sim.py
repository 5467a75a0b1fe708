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
from pharos.i18n import _

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
        [], "--overlay", "-o", help="An intervention overlay (bundled name or file); repeatable."
    ),
    runs: int = typer.Option(None, "--runs", min=1, help="Replications (default: scenario)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    out: Path = typer.Option(Path("sim-output"), "--out", help="Output folder."),
) -> None:
    """Run a scenario and its overlays on common random numbers; write tables and a report."""
    from pharos.scenario.load import ScenarioError
    from pharos.sim import study as study_mod

    try:
        st = study_mod.prepare(scenario, list(overlay), runs, seed, workers)
    except ScenarioError as err:
        raise _fail(err) from None
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
        title=_("Baseline: %(name)s, %(runs)s replications")
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


@app.command()
def calibrate(
    scenario: str = typer.Argument("mediterranean-baseline", help="Scenario to check."),
    runs: int = typer.Option(None, "--runs", min=1, help="Replications (default: scenario)."),
    seed: int = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
) -> None:
    """Print the model against every published reference figure it is calibrated to."""
    from pharos.scenario.load import ScenarioError, load_scenario
    from pharos.sim.calibration import TOLERANCE, compare, ranking
    from pharos.sim.runner import run_many

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
    console = Console()
    table = Table(title=_("Model against reference, %(runs)s replications") % {"runs": n})
    for col in (
        _("Figure"),
        _("Where"),
        _("Reference"),
        _("Model"),
        _("Relative error"),
        _("Within ±35%"),
        _("Years"),
        _("Source"),
    ):
        table.add_column(col, overflow="fold")
    for _i, r in cmp.iterrows():
        ok = bool(r["within_tolerance"])
        table.add_row(
            str(r["metric"]),
            str(r["state"] or r["route"]),
            f"{r['reference']:.4g}",
            f"{r['model']:.4g}",
            f"{r['relative_error']:+.1%}",
            _("yes") if ok else _("NO"),
            str(r["years"]),
            str(r["source"]),
            style=None if ok else "red",
        )
    console.print(table)
    ref, mod = ranking(cmp)
    same = ref == mod
    console.print(
        _("Ranking of states by identified victims: reference %(ref)s; model %(model)s")
        % {"ref": " > ".join(ref), "model": " > ".join(mod)}
    )
    met = int(cmp["within_tolerance"].sum())
    console.print(
        _("%(met)s of %(total)s figures within ±%(tol)s%%; ranking preserved: %(same)s")
        % {
            "met": met,
            "total": len(cmp),
            "tol": int(TOLERANCE * 100),
            "same": _("yes") if same else _("no"),
        }
    )
    if met < len(cmp) or not same:
        raise typer.Exit(code=1)
