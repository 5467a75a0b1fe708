"""``pharos experiment``: run a designed experiment and write its report.

The experiment machinery (NumPy, SALib, the model, the report) is imported when the command
runs, not when the command line is built (docs/architecture.md, "A fast command line")."""

from __future__ import annotations

import contextlib
import time
from importlib import resources
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pharos.analysis.options import Design
from pharos.cli.app import app
from pharos.i18n import _, format_list, ngettext


def bundled_experiment(name: str) -> Path | None:
    """The bundled experiment file called ``name`` (without .yaml), if there is one."""
    entry = resources.files("pharos.analysis").joinpath("experiments", f"{name}.yaml")
    return Path(str(entry)) if entry.is_file() else None


def _fail(message: str) -> typer.Exit:
    label = _("Error")
    Console(stderr=True).print(f"[bold red]{label}:[/] {message}", highlight=False)
    return typer.Exit(2)


@app.command()
def experiment(
    scenario: str = typer.Argument(
        ..., help="YAML file with an experiment section, or the name of a bundled experiment."
    ),
    design: Design | None = typer.Option(None, "--design", help="Experiment design."),
    n: int | None = typer.Option(None, "--n", min=1, help="Sample size (Sobol: base N)."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Experiment seed."),
    replications: int | None = typer.Option(None, "--replications", min=1),
    backend: str = typer.Option("local", "--backend", help="local, serial or ray."),
    address: str | None = typer.Option(None, "--address", help="Address of a Ray cluster."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Worker processes."),
    out: Path = typer.Option(Path("experiment-out"), "--out", help="Output folder."),
) -> None:
    """Run a designed experiment (uncertainties x levers) and write its HTML report."""
    import numpy as np

    from pharos.analysis.backends import RayBackend, make_backend
    from pharos.analysis.designs import DUMMY
    from pharos.analysis.model import UnknownModelError
    from pharos.analysis.report import analyse, write_report
    from pharos.analysis.runner import run_experiment
    from pharos.analysis.sensitivity import noise_floor
    from pharos.analysis.spec import ExperimentSpecError, load_experiment, parse_experiment

    console = Console()
    path = Path(scenario)
    if not path.exists():
        path = bundled_experiment(scenario) or path
    try:
        spec, _doc = load_experiment(path)
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "design": design,
                "n": n,
                "seed": seed,
                "replications": replications,
            }.items()
            if v is not None
        }
        if changes:
            data = spec.model_dump(mode="json")
            data.update({k: (v.value if isinstance(v, Design) else v) for k, v in changes.items()})
            spec = parse_experiment(data, origin=str(path))
        chosen = make_backend(backend, workers, address)
    except (ExperimentSpecError, ValueError) as exc:
        raise _fail(str(exc)) from None

    console.print(
        _("Experiment %(file)s: design %(design)s, n = %(n)d, seed %(seed)d, backend %(backend)s")
        % {
            "file": path.name,
            "design": spec.design.value,
            "n": spec.n,
            "seed": spec.seed,
            "backend": chosen.name,
        },
        highlight=False,
    )
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        bar = progress.add_task(_("runs"), total=None)

        def update(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        try:
            result = run_experiment(
                spec, folder=out, backend=chosen, progress=update, origin=str(path)
            )
        except (ExperimentSpecError, UnknownModelError) as exc:
            raise _fail(str(exc)) from None
        finally:
            if isinstance(chosen, RayBackend):
                with contextlib.suppress(Exception):
                    chosen.shutdown()
    elapsed = time.perf_counter() - started
    console.print(
        ngettext(
            "%(runs)d run in %(seconds).1f s", "%(runs)d runs in %(seconds).1f s", len(result.runs)
        )
        % {"runs": len(result.runs), "seconds": elapsed},
        highlight=False,
    )
    analysis = analyse(result)
    for outcome, indices in analysis.sensitivity.items():
        table = Table(title=_("Sensitivity of %(outcome)s") % {"outcome": outcome})
        table.add_column(_("Uncertainty"))
        for col in indices.columns:
            table.add_column(col, justify="right")
        for name, row in indices.head(10).iterrows():
            table.add_row(
                str(name),
                *(
                    (_("yes") if v else _("no")) if isinstance(v, bool | np.bool_) else f"{v:.3f}"
                    for v in row
                ),
            )
        console.print(table)
        if DUMMY in indices.index:
            above = [str(k) for k in indices.index[indices["above_noise"]]]
            console.print(
                _(
                    "Noise floor (the dummy factor's index plus its 95%% half-width): %(floor).3f;"
                    " clear of it: %(names)s"
                )
                % {
                    "floor": noise_floor(indices),
                    "names": format_list(above) if above else _("none"),
                },
                highlight=False,
            )
    if analysis.box is not None:
        console.print(
            _("PRIM box: coverage %(coverage).2f, density %(density).2f, mass %(mass).2f")
            % {
                "coverage": analysis.box.coverage,
                "density": analysis.box.density,
                "mass": analysis.box.mass,
            },
            highlight=False,
        )
        for r in analysis.box.restrictions:
            console.print(f"  {r.uncertainty} ∈ [{r.low:.4g}, {r.high:.4g}]", highlight=False)
    if analysis.regret is not None:
        table = Table(title=_("Regret of each policy"))
        table.add_column(_("Policy"), overflow="fold", min_width=24)
        for col in ("median", "mean_regret", "p90_regret", "max_regret", "share_best"):
            table.add_column(col, justify="right")
        for name, row in analysis.regret.iterrows():
            table.add_row(
                str(name),
                *(f"{row[c]:.3f}" for c in ("median", "mean_regret", "p90_regret", "max_regret")),
                f"{100 * row['share_best']:.0f}%",
            )
        console.print(table)
    for warning in analysis.warnings:
        console.print(f"[bold yellow]{_('Caution')}:[/] {warning}", highlight=False)
    report = write_report(result, out, analysis)
    console.print(_("Report: %(path)s") % {"path": report}, highlight=False)
