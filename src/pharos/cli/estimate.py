"""``pharos estimate TABLE.csv``: the hidden figure from the agencies' overlapping lists.

The model fitting (NumPy, numba, statsmodels) is imported when the command runs, not when the
command line is built (docs/architecture.md, "A fast command line")."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from babel.numbers import format_decimal
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from pharos.cli.app import app
from pharos.domain.disclosure import DEFAULT_K, DisclosureRuleError, check_k, protect
from pharos.estimate.options import (
    DEFAULT_LEVEL,
    DEFAULT_REPLICATIONS,
    DEFAULT_SEED,
    DELTA,
    Criterion,
)
from pharos.estimate.table import OverlapTableError, read_overlap_csv
from pharos.i18n import _, current_locale, ngettext

if TYPE_CHECKING:
    from pharos.estimate.report import HiddenFigure

#: Alternatives shown in the terminal (all are in --json).
SHOWN_ALTERNATIVES = 10
SHOWN_EXCLUSIONS = 8


def _fmt(x: float) -> str:
    """A whole number of people in the user's language (11,313 / 11 313 / 11.313)."""
    return "∞" if math.isinf(x) else format_decimal(round(x), locale=current_locale())


def _shown(count: int, k: int) -> str:
    """A count as it may be shown: below k it is hidden (small-cell rule)."""
    return str(count) if protect(count, k).value is not None else f"<{k}"


def _fail(console: Console, message: str) -> typer.Exit:
    label = _("Error")
    console.print(f"[bold red]{label}:[/] {message}")
    return typer.Exit(code=2)


def _print(console: Console, result: HiddenFigure, path: Path) -> None:
    from pharos.estimate.selection import exclusion_summary

    table = result.table
    title = _("Hidden figure estimate")
    n_lists = ngettext("%(n)s list", "%(n)s lists", table.n_lists) % {"n": table.n_lists}
    console.print(f"[bold]{title}[/] — {path.name} ({n_lists}: {', '.join(table.lists)})")
    seen = table.observed if result.disclosed else None
    console.print(
        _("People seen on at least one list: %(n)s")
        % {"n": _fmt(seen) if seen is not None else _("fewer than %(k)s") % {"k": result.k}}
    )
    if result.disclosed:
        low, high = result.total_interval
        console.print(
            "[bold green]"
            + _("Estimated total: %(total)s (%(level)s%% interval %(low)s to %(high)s)")
            % {
                "total": _fmt(result.total),
                "level": round(result.interval.level * 100),
                "low": _fmt(low),
                "high": _fmt(high),
            }
            + "[/]"
        )
        console.print(
            _("Estimated on no list (the hidden figure): %(unseen)s")
            % {"unseen": _fmt(result.unseen)}
        )
        console.print(_("Interval method: %(method)s.") % {"method": result.interval_name()})
    console.print(_("Method: %(method)s") % {"method": result.method_name()})
    console.print(_("Chosen model: %(model)s") % {"model": result.label(result.best)})
    threshold = result.selection.criterion is Criterion.THRESHOLD
    for step in result.selection.steps:
        i, j = step.pair
        console.print(
            "  + "
            + _(
                "%(pair)s: p = %(p)s (on both lists: %(observed)s, "
                "expected without it: %(expected)s)"
            )
            % {
                "pair": f"{table.lists[i]}:{table.lists[j]}",
                "p": f"{step.p_value:.2g}",
                "observed": _shown(step.observed, result.k) if result.disclosed else "—",
                "expected": f"{step.expected:.1f}" if result.disclosed else "—",
            }
        )
    crit = "AIC" if threshold else result.selection.criterion.value.upper()
    title = (
        _("Models on the search's path (chosen first)")
        if threshold
        else _("Models considered (best first)")
    )
    alt = Table(title=title)
    alt.add_column(_("Model"))
    alt.add_column(crit, justify="right")
    alt.add_column("Δ", justify="right")
    alt.add_column(_("Estimated total"), justify="right")
    for fit in result.selection.fits[:SHOWN_ALTERNATIVES]:
        delta = fit.criterion(result.selection.criterion.value) - result.best.criterion(
            result.selection.criterion.value
        )
        alt.add_row(
            result.label(fit),
            f"{fit.criterion(result.selection.criterion.value):.1f}",
            f"{delta:.1f}",
            _fmt(fit.total) if result.disclosed else "—",
        )
    console.print(alt)
    more = len(result.selection.fits) - SHOWN_ALTERNATIVES
    if more > 0:
        console.print(
            ngettext(
                "… and %(n)s more model (all are listed with --json).",
                "… and %(n)s more models (all are listed with --json).",
                more,
            )
            % {"n": more}
        )
    if result.selection.excluded:
        counts = exclusion_summary(result.selection.excluded)
        console.print(
            "[bold]"
            + _("Models excluded: %(n)s") % {"n": len(result.selection.excluded)}
            + "[/] ("
            + ", ".join(f"{result.reason_name(reason)}: {n}" for reason, n in counts.items())
            + ")"
        )
        shown: set[str] = set()
        for excluded in result.selection.excluded:
            reason = result.exclusion_reason(excluded)
            if reason in shown:
                continue
            shown.add(reason)
            console.print(f"  • {result.label(excluded)} — {reason}")
            if len(shown) >= SHOWN_EXCLUSIONS:
                break
    cells = Table(title=_("Overlap table (cells below %(k)s suppressed)") % {"k": result.k})
    cells.add_column(_("Lists"))
    cells.add_column(_("People"), justify="right")
    for row in table.protected_rows(result.k):
        cells.add_row(
            "+".join(row["lists"]),  # type: ignore[arg-type]
            f"<{result.k}" if row["suppressed"] else str(row["count"]),
        )
    console.print(cells)
    for warning in result.warnings:
        console.print(f"[bold yellow]! {warning}[/]")
    for note in result.notes:
        console.print(f"[yellow]· {note}[/]")


@app.command(name="estimate")
def estimate_command(
    table_path: Path = typer.Argument(
        ..., metavar="TABLE.csv", help="Overlap table: a 0/1 column per list and a count column."
    ),
    criterion: Criterion = typer.Option(
        Criterion.THRESHOLD,
        "--criterion",
        help=(
            "How the model is chosen: threshold (default; stepwise p-value threshold with a "
            "bootstrap interval, Chan, Silverman & Vincent 2021), aic or bic (profile-likelihood "
            "interval)."
        ),
    ),
    replications: int = typer.Option(
        DEFAULT_REPLICATIONS, "--replications", help="Bootstrap replications (threshold method)."
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the bootstrap (threshold)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    k: int = typer.Option(
        DEFAULT_K, "--k", help="Small-cell threshold: counts below k are hidden."
    ),
    level: float = typer.Option(DEFAULT_LEVEL, "--level", help="Confidence level (share)."),
    delta: float = typer.Option(
        DELTA, "--delta", help="Models within this criterion distance are reasonable alternatives."
    ),
) -> None:
    """Estimate how many people no list caught (multiple systems estimation)."""
    from pharos.estimate.report import estimate
    from pharos.estimate.selection import MAX_EXHAUSTIVE_LISTS, NoModelError

    console = Console(stderr=False)
    errors = Console(stderr=True)
    try:
        check_k(k)
    except DisclosureRuleError:
        raise _fail(errors, _("k must be a whole number of at least 2")) from None
    if not 0 < level < 1:
        raise _fail(errors, _("the level must be between 0 and 1, for example 0.95"))
    if not table_path.is_file():
        raise _fail(errors, _("no such file: %(path)s") % {"path": table_path})
    try:
        table = read_overlap_csv(table_path)
    except OverlapTableError as exc:
        raise _fail(errors, f"{table_path}: {exc}") from None
    if replications < 19:
        raise _fail(errors, _("at least 19 bootstrap replications are needed"))
    n_models = 2 ** (table.n_lists * (table.n_lists - 1) // 2)
    total: int | None = n_models if table.n_lists <= MAX_EXHAUSTIVE_LISTS else None
    if criterion is Criterion.THRESHOLD:
        total = replications

    def run(progress: Callable[[int], None] | None = None) -> HiddenFigure:
        return estimate(
            table,
            criterion,
            level=level,
            k=k,
            delta=delta,
            replications=replications,
            seed=seed,
            progress=progress,
        )

    try:
        if as_json:
            result = run()
        else:
            with Progress(
                SpinnerColumn(),
                TextColumn(
                    _("Bootstrap") if criterion is Criterion.THRESHOLD else _("Fitting models")
                ),
                BarColumn(),
                MofNCompleteColumn(),
                console=errors,
                transient=True,
            ) as bar:
                task = bar.add_task("fit", total=total)
                result = run(lambda n: bar.advance(task, n))
    except (OverlapTableError, NoModelError) as exc:
        raise _fail(errors, f"{table_path}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(console, result, table_path)
