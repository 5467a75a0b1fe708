"""The learn area's commands: import, export, trends, equity, datasets.

The analytics (Polars, DuckDB, SciPy, statsmodels) are imported when a command runs, not when
the command line is built; the options' choices and defaults come from ``pharos.learn.options``
(docs/architecture.md, "A fast command line")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pharos.cli.app import app
from pharos.domain.disclosure import DEFAULT_K, DisclosureRuleError
from pharos.i18n import _, format_list, ngettext, pgettext
from pharos.learn.options import (
    DEFAULT_FOCUS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LOSS,
    DEFAULT_QUASI_IDENTIFIERS,
    EQUITY_ALPHA,
    EQUITY_DIMENSIONS,
    FOCUSES,
    TREND_DIMENSIONS,
    Kind,
    Layout,
)

if TYPE_CHECKING:
    from pharos.learn.anonymity import Plan
    from pharos.learn.ingest.report import ImportReport
    from pharos.learn.store import Store

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

STORE_HELP = (
    "Folder of the analytics store "
    "(default: $PHAROS_LEARN_STORE, $PHAROS_DATA_DIR/learn or ./data/learn)."
)


def _store(path: Path | None) -> Store:
    from pharos.learn.store import Store

    return Store(path)


DATASET_HELP = (
    "A dataset to read (repeat; see pharos datasets). Default: every real dataset; simulated "
    "and exercise datasets are read only when named."
)


def _announce(target: Store, datasets: list[str] | None) -> None:
    """Say which datasets are read, labelling simulated and exercise data as such."""
    from pharos.learn.labels import origin_label
    from pharos.learn.store import REAL, UnknownDatasetError, origin_of

    try:
        target.selected(datasets)
    except UnknownDatasetError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    if not datasets:
        return
    chosen = [m for m in target.datasets() if m["id"] in datasets]
    for m in chosen:
        colour = "magenta" if origin_of(m) != REAL else "default"
        console.print(
            f"[{colour}]"
            + _("Dataset %(id)s: %(origin)s") % {"id": m["id"], "origin": origin_label(m)}
            + f"[/{colour}]"
        )


def _import_generated(
    target: Store,
    simulation: Path | None,
    exercise: str | None,
    seed: int | None,
    db: str | None,
    first_year: int | None = None,
) -> None:
    """``pharos import --from-simulation`` / ``--from-exercise``: one labelled dataset each."""
    from pharos.learn.from_exercise import import_exercise, open_events
    from pharos.learn.from_simulation import import_simulation
    from pharos.learn.ingest.report import ImportRefused
    from pharos.learn.labels import origin_label

    try:
        if simulation is not None:
            for item in import_simulation(target, simulation, seed, first_year):
                console.print(
                    ngettext(
                        "Stored %(n)d simulated victim from %(folder)s as dataset %(id)s",
                        "Stored %(n)d simulated victims from %(folder)s as dataset %(id)s",
                        item.victims,
                    )
                    % {"n": item.victims, "folder": item.folder, "id": item.dataset}
                )
                console.print(
                    "  "
                    + origin_label({"origin": "simulation", "details": item.details})
                    + "; "
                    + ngettext(
                        "%(n)d replication pooled",
                        "%(n)d replications pooled",
                        item.replications,
                    )
                    % {"n": item.replications}
                )
        if exercise is not None:
            ex = import_exercise(target, open_events(db), exercise)
            console.print(
                ngettext(
                    "Stored %(n)d victim persona of exercise %(ex)s as dataset %(id)s",
                    "Stored %(n)d victim personas of exercise %(ex)s as dataset %(id)s",
                    ex.tables["case_outcomes"].height,
                )
                % {"n": ex.tables["case_outcomes"].height, "ex": exercise, "id": ex.dataset}
            )
            console.print("  " + origin_label({"origin": "exercise", "details": ex.details}))
    except ImportRefused as exc:
        err.print(f"[red]{_('Refused')}[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(None, help="CTDC, HTCDS or UNODC GLOTIP files."),
    from_simulation: Path | None = typer.Option(
        None,
        "--from-simulation",
        help="A pharos simulate output folder: stored as simulated data, one dataset per variant.",
    ),
    from_exercise: str | None = typer.Option(
        None,
        "--from-exercise",
        help="An exercise id: its victim personas, as exercise data.",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="The seed the simulation was run with (recorded with the dataset)."
    ),
    first_year: int | None = typer.Option(
        None,
        "--first-year",
        help="Calendar year given to simulated year 0 (default: the current year).",
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Exercise database URL (default: $PHAROS_DATABASE_URL, else pharos.db in "
        "$PHAROS_DATA_DIR).",
    ),
    kind: Kind | None = typer.Option(None, help="Force the importer (default: from the header)."),
    layout: Layout | None = typer.Option(None, help="Require this CTDC layout."),
    accept_partial: bool = typer.Option(
        False, "--accept-partial", help="Store the accepted rows even if some rows are refused."
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="With --accept-partial: store the accepted rows even when dropping the refused "
        "ones biases a field.",
    ),
    max_size: int = typer.Option(DEFAULT_MAX_BYTES // 2**20, help="Largest file to read, in MB."),
    store: Path | None = typer.Option(None, help=STORE_HELP),
) -> None:
    """Import case data files, simulation outputs or an exercise log (all or nothing)."""
    from pharos.learn.importing import import_file
    from pharos.learn.ingest.report import ImportRefused

    target = _store(store)
    files = files or []
    if from_simulation is not None or from_exercise is not None:
        if files:
            err.print(
                _("Import files, --from-simulation and --from-exercise one at a time, not together")
            )
            raise typer.Exit(2)
        _import_generated(target, from_simulation, from_exercise, seed, db, first_year)
        return
    if not files:
        err.print(_("Name files to import, or --from-simulation DIR, or --from-exercise ID"))
        raise typer.Exit(2)
    failed = False
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(_("Importing"), total=len(files))
        results: list[tuple[Path, ImportReport | None, str | None]] = []
        for path in files:
            progress.update(task, description=_("Importing %(file)s") % {"file": path.name})
            try:
                report = import_file(
                    target,
                    path,
                    kind=kind,
                    layout=layout,
                    accept_partial=accept_partial,
                    force=force,
                    max_bytes=max_size * 2**20,
                )
                results.append((path, report, None))
            except ImportRefused as exc:
                results.append((path, None, str(exc)))
            progress.advance(task)
    for path, outcome, error in results:
        if error is not None or outcome is None:
            err.print(f"[red]{_('Refused')}[/red] {error}")
            failed = True
            continue
        report = outcome
        table = Table(title=path.name)
        table.add_column(_("Rows read"), justify="right")
        table.add_column(pgettext("rows", "Accepted"), justify="right")
        table.add_column(_("Refused"), justify="right")
        table.add_column(_("Stored"))
        table.add_row(
            str(report.rows_read),
            str(report.rows_accepted),
            str(report.rows_refused),
            (_("yes, dataset %(id)s") % {"id": report.dataset}) if report.written else _("no"),
        )
        console.print(table)
        _print_refusals(report)
        if report.written and report.refusals:
            _print_dropped(report)
        if not report.written:
            failed = True
            if report.biased_refused:
                _print_dropped(report)
                err.print(
                    _(
                        "Nothing was stored: dropping the refused rows would bias the fields "
                        "above. Fix the refused rows, or add --force to store the accepted rows "
                        "anyway."
                    )
                )
            elif report.refusals:
                err.print(
                    _(
                        "Nothing was stored: fix the refused rows, or import with "
                        "--accept-partial to store the accepted rows only."
                    )
                )
            else:
                err.print(_("Nothing was stored: the file has no data rows."))
    if failed:
        raise typer.Exit(2)


#: Refused lines listed one by one after the summary.
FIRST_LINES = 10


def _print_refusals(report: ImportReport) -> None:
    """The refusals by field, reason and value with counts, then the first lines."""
    if not report.refusals:
        return
    table = Table(title=_("Refusals by field and value"))
    table.add_column(_("Field"))
    table.add_column(_("Value"), overflow="fold")
    table.add_column(_("Reason"), overflow="fold")
    table.add_column(_("Rows"), justify="right")
    table.add_column(_("First line"), justify="right")
    groups = report.summary()
    for g in groups[:20]:
        table.add_row(g.field, repr(g.value), g.reason, str(g.count), str(g.first_line))
    err.print(table)
    if len(groups) > 20:
        err.print(
            "  "
            + ngettext("... and %(n)d more group", "... and %(n)d more groups", len(groups) - 20)
            % {"n": len(groups) - 20}
        )
    err.print(_("First refused lines:"))
    for refusal in sorted(report.refusals, key=lambda r: (r.line, r.field))[:FIRST_LINES]:
        err.print("  " + refusal.describe())
    if len(report.refusals) > FIRST_LINES:
        err.print(
            "  "
            + ngettext(
                "... and %(n)d more refusal",
                "... and %(n)d more refusals",
                len(report.refusals) - FIRST_LINES,
            )
            % {"n": len(report.refusals) - FIRST_LINES}
        )


def _rows(n: int) -> str:
    return ngettext("%(n)s row", "%(n)s rows", n) % {"n": n}


def _comparisons(n: int) -> str:
    return ngettext("%(n)s comparison", "%(n)s comparisons", n) % {"n": n}


def _print_dropped(report: ImportReport) -> None:
    """What share a partial import drops, by reason, and the fields it would bias."""
    err.print(
        _("Dropped %(n)s of %(rows)s (%(share)s):")
        % {
            "n": report.rows_refused,
            "rows": _rows(report.rows_read),
            "share": f"{report.share_refused:.1%}",
        }
    )
    for field_name, reason, n, share in report.by_reason():
        err.print(
            "  "
            + ngettext(
                "%(field)s, %(reason)s: %(n)d row (%(share)s)",
                "%(field)s, %(reason)s: %(n)d rows (%(share)s)",
                n,
            )
            % {"field": field_name, "reason": reason, "n": n, "share": f"{share:.1%}"}
        )
    if report.bias:
        err.print(f"[red]{_('The drop is biased:')}[/red]")
        for b in report.bias:
            err.print("  " + b.describe())


datasets_app = typer.Typer(help="The datasets of the analytics store: list, delete.")
app.add_typer(datasets_app, name="datasets")


@datasets_app.callback(invoke_without_command=True)
def datasets_command(
    ctx: typer.Context, store: Path | None = typer.Option(None, help=STORE_HELP)
) -> None:
    """List the datasets in the analytics store."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = store
        return
    from pharos.learn.labels import origin_label
    from pharos.learn.store import REAL, origin_of

    table = Table(title=_("Datasets"))
    table.add_column(_("Dataset"), overflow="fold")
    table.add_column(_("Kind"), no_wrap=True)
    for col in (_("Origin"), _("File"), _("Rows"), _("Imported at")):
        table.add_column(col, overflow="fold")
    for m in _store(store).datasets():
        rows = ", ".join(f"{t}: {n}" for t, n in m["rows"].items())
        label = origin_label(m)
        if origin_of(m) != REAL:
            label = f"[magenta]{label}[/magenta]"
        table.add_row(m["id"], m["kind"], label, m["file"], rows, m["imported_at"][:19])
    console.print(table)


@datasets_app.command("delete")
def datasets_delete(
    ctx: typer.Context,
    dataset: str = typer.Argument(..., help="The dataset's id (see pharos datasets)."),
    store: Path | None = typer.Option(None, help=STORE_HELP),
) -> None:
    """Delete one dataset; the file it came from can then be imported again."""
    target = _store(store or ctx.obj)
    found = next((m for m in target.datasets() if m["id"] == dataset), None)
    if found is None or not target.remove(dataset):
        err.print(_("No dataset %(id)s in the analytics store") % {"id": dataset})
        raise typer.Exit(2)
    console.print(_("Deleted dataset %(id)s (%(file)s)") % {"id": dataset, "file": found["file"]})


def _print_diversity(check: Any, stated: int | None) -> None:
    """Each sensitive field's distinct l-diversity, and a warning for those below a stated l."""
    if not check.diversity:
        return
    console.print(
        _(
            "Distinct l-diversity of the sensitive fields (distinct values in a class of the "
            "quasi-identifiers; suppressed cells not counted):"
        )
    )
    for d in check.diversity:
        console.print(
            "  "
            + _(
                "%(field)s: smallest l %(smallest)d; classes below l = %(l)d: %(classes)d; "
                "their rows: %(rows)d"
            )
            % {
                "field": d.field,
                "smallest": d.smallest,
                "classes": d.classes_below,
                "rows": d.rows_below,
                "l": check.l_target,
            }
        )
    below = [d.field for d in check.diversity if d.classes_below]
    if stated is not None and below:
        err.print(
            "[yellow]"
            + _("Warning: %(fields)s are less diverse than l = %(l)d (forced).")
            % {"fields": ", ".join(below), "l": stated}
            + "[/yellow]"
        )


@app.command("export")
def export_command(
    output: Path = typer.Argument(..., help="File to write (CSV)."),
    format: str = typer.Option("ctdc", help="ctdc (k-anonymous, for publication) or htcds."),
    k: int = typer.Option(DEFAULT_K, "--k", help="Smallest group size allowed (CTDC export)."),
    qi: list[str] = typer.Option(
        list(DEFAULT_QUASI_IDENTIFIERS), "--qi", help="A quasi-identifier column (repeat)."
    ),
    sensitive: list[str] = typer.Option(
        None,
        "--sensitive",
        help="A sensitive column protected with the quasi-identifiers (repeat; default: every "
        "flag of the CTDC layout).",
    ),
    max_loss: float = typer.Option(
        DEFAULT_MAX_LOSS,
        "--max-loss",
        help="Largest share of a column's values that may be lost (0 to 1) before the export "
        "is refused.",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Write the file even if a column loses more than --max-loss or a sensitive field is "
        "less diverse than --l.",
    ),
    l_diversity: int | None = typer.Option(
        None,
        "--l",
        min=2,
        help="Smallest number of distinct values of each sensitive field in every class of the "
        "quasi-identifiers (distinct l-diversity); below it the export is refused. Default: "
        "reported only.",
    ),
    store: Path | None = typer.Option(None, help=STORE_HELP),
) -> None:
    """Export the store: CTDC layout, k-anonymous and verified; or HTCDS for exchange."""
    from pharos.learn.export import ExportError, ExportRefused, export_ctdc, export_htcds

    target = _store(store)
    try:
        if format == "ctdc":
            stages = {
                "search": _("Searching the generalisations"),
                "write": _("Writing the file"),
                "verify": _("Checking the written file"),
            }
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task(_("Anonymising and verifying"), total=None)

                def follow(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=stages.get(stage, stage), completed=done,
                               total=total)  # fmt: skip

                report = export_ctdc(
                    target.frame("victims"),
                    output,
                    k=k,
                    quasi_identifiers=tuple(qi),
                    sensitive=tuple(sensitive) if sensitive else None,
                    max_loss=max_loss,
                    force=force,
                    progress=follow,
                    l_diversity=l_diversity,
                )
            assert report.plan is not None and report.verification is not None
            _print_plan(report.plan)
            check = report.verification
            console.print(
                _(
                    "Wrote %(rows)s to %(file)s. Verified by re-reading the file with DuckDB: "
                    "%(classes)s over %(qi)s, and each of %(fields)s with them; the smallest has "
                    "%(smallest)s (k = %(k)d)."
                )
                % {
                    "rows": _rows(report.rows),
                    "file": output,
                    "classes": ngettext("%(n)s class", "%(n)s classes", check.classes)
                    % {"n": check.classes},
                    "qi": format_list(qi),
                    "fields": ngettext(
                        "%(n)s sensitive field",
                        "%(n)s sensitive fields",
                        len(report.plan.sensitive),
                    )
                    % {"n": len(report.plan.sensitive)},
                    "smallest": _rows(check.smallest),
                    "k": k,
                }
            )
            _print_diversity(check, l_diversity)
            if report.plan.over_limit:
                err.print(
                    "[yellow]"
                    + _("Warning: %(columns)s lose more than %(share)s of their values (forced).")
                    % {
                        "columns": ", ".join(report.plan.over_limit),
                        "share": f"{max_loss:.0%}",
                    }
                    + "[/yellow]"
                )
        elif format == "htcds":
            report = export_htcds(target.frame("htcds_cases"), output)
            console.print(
                ngettext(
                    "Wrote %(rows)d row to %(file)s", "Wrote %(rows)d rows to %(file)s", report.rows
                )
                % {"rows": report.rows, "file": output}
            )
        else:
            err.print(_("Unknown export format %(format)s") % {"format": format})
            raise typer.Exit(2)
    except ExportRefused as exc:
        _print_plan(exc.plan)
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    except (ExportError, DisclosureRuleError, KeyError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def _print_plan(plan: Plan) -> None:
    """Each protected column's generalisation and share lost, then the plan's totals."""
    table = Table(title=_("k-anonymity plan (k = %(k)d)") % {"k": plan.k})
    table.add_column(_("Column"))
    table.add_column(_("Role"))
    table.add_column(_("Generalisation"))
    table.add_column(_("Suppressed"), justify="right")
    table.add_column(_("Lost"), justify="right")
    for col in plan.columns():
        role = _("quasi-identifier") if col.quasi else _("sensitive")
        lost = f"{col.lost_share:.1%}"
        if col.over_limit:
            lost = f"[red]{lost}[/red]"
        table.add_row(col.column, role, col.generalisation, str(col.cells_suppressed), lost)
    console.print(table)
    console.print(
        _(
            "Rows: %(rows_in)d read, %(rows_out)d written, %(suppressed)d with every "
            "quasi-identifier suppressed (*), %(removed)d removed. Information loss %(loss)s "
            "(share of cells lost; a generalised value loses its level's share). "
            "Plans evaluated: %(evaluated)d of %(total)d."
        )
        % {
            "rows_in": plan.rows_in,
            "rows_out": plan.rows_out,
            "suppressed": plan.rows_suppressed,
            "removed": plan.rows_removed,
            "loss": f"{plan.loss:.1%}",
            "evaluated": plan.nodes_evaluated,
            "total": plan.nodes_total,
        }
    )


@app.command("trends")
def trends_command(
    dimension: list[str] = typer.Option(
        list(TREND_DIMENSIONS), help="exp, rec, means, sector, citizenship, route."
    ),
    focus: str = typer.Option(
        DEFAULT_FOCUS, help="all, region (the states of the exercises) or mediterranean."
    ),
    year_from: int | None = typer.Option(None),
    year_to: int | None = typer.Option(None),
    show_all: bool = typer.Option(False, "--all", help="Also show categories without a change."),
    dataset: list[str] = typer.Option(None, "--dataset", help=DATASET_HELP),
    store: Path | None = typer.Option(None, help=STORE_HELP),
) -> None:
    """Categories rising (or falling) beyond what their history predicts."""
    from pharos.learn.analytics import Filters
    from pharos.learn.trends import scan

    if focus not in FOCUSES:
        message = _("Unknown focus %(focus)s (choose %(choices)s)")
        err.print(message % {"focus": focus, "choices": ", ".join(FOCUSES)})
        raise typer.Exit(2)
    unknown = [d for d in dimension if d not in TREND_DIMENSIONS]
    if unknown:
        message = _("Unknown dimension %(dimension)s (choose %(choices)s)")
        choices = ", ".join(TREND_DIMENSIONS)
        err.print(message % {"dimension": ", ".join(unknown), "choices": choices})
        raise typer.Exit(2)
    target = _store(store)
    _announce(target, dataset or None)
    con = target.connect(datasets=dataset or None)
    with console.status(_("Testing every category")):
        report = scan(
            con, tuple(dimension), Filters(year_from=year_from, year_to=year_to, focus=focus)
        )
    console.print(report.method(), style="dim")
    if report.mix.changed:
        names = {m["id"]: m["file"] for m in target.datasets()}
        console.print(f"[yellow]![/yellow] {report.mix.sentence(names)}")
        for trend in report.mix_only:
            console.print(f"[yellow]•[/yellow] {trend.mix_sentence()}")
    shown = [t for t in report.trends if show_all or t.significant]
    if not shown:
        console.print(_("No category changed significantly beyond its history."))
        return
    for trend in shown:
        colour = "red" if trend.rising else "yellow" if trend.significant else "dim"
        console.print(f"[{colour}]•[/{colour}] {trend.sentence()}")


@app.command("equity")
def equity_command(
    k: int = typer.Option(DEFAULT_K, "--k", help="Smallest cell shown."),
    dimension: list[str] = typer.Option(list(EQUITY_DIMENSIONS)),
    dataset: list[str] = typer.Option(None, "--dataset", help=DATASET_HELP),
    store: Path | None = typer.Option(None, help=STORE_HELP),
) -> None:
    """The equal-protection monitor: share identified, referred and protected per group."""
    from pharos.learn import equity as equity_mod
    from pharos.learn.labels import group_label

    target = _store(store)
    _announce(target, dataset or None)
    cases = target.frame("case_outcomes", dataset or None)
    try:
        unknown = [d for d in dimension if d not in EQUITY_DIMENSIONS]
        if unknown:
            message = _("Unknown dimension %(dimension)s (choose %(choices)s)")
            choices = ", ".join(EQUITY_DIMENSIONS)
            err.print(message % {"dimension": ", ".join(unknown), "choices": choices})
            raise typer.Exit(2)
        # the whole family of tests, as the page corrects it, whichever dimensions are shown
        every = equity_mod.monitor(cases, EQUITY_DIMENSIONS, k)
        results = [r for r in every if r.dimension in dimension]
    except DisclosureRuleError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    table = Table(
        title=_("Equal protection (95%% intervals; cells below k = %(k)d suppressed)") % {"k": k}
    )
    table.add_column(_("Group"))
    table.add_column(_("Cases"), justify="right")
    for outcome in equity_mod.OUTCOMES:
        table.add_column(equity_mod_label(outcome), justify="right")
    for r in results:
        name = group_label(r.dimension, r.group)
        if r.suppressed:
            table.add_row(name, _("suppressed"), *[""] * 3)
            continue
        cells = []
        for outcome in equity_mod.OUTCOMES:
            s = r.shares[outcome]
            d = r.durations[outcome]
            if not s.recorded:
                text = _("not recorded")
            elif s.suppressed:
                text = _("suppressed")
            else:
                text = f"{s.share:.0%} [{s.low:.0%}–{s.high:.0%}]"
                if s.worse:
                    text = f"[red]{text} ▼[/red]"
            if not d.suppressed:
                days = _("%(days).0f days") % {"days": d.mean_days}
                text += f"\n{days}" + (" [red]▼[/red]" if d.slower else "")
            cells.append(text)
        table.add_row(name, str(r.cases), *cells)
    console.print(table)
    console.print(
        _(
            "A cell is marked ▼ when the group fares worse than all other cases (Fisher's exact "
            "test for shares, Welch's t-test for days), after Holm's correction across the "
            "%(comparisons)s of the monitor (every group, outcome and dimension): at most a "
            "%(alpha)s %% chance of any false alarm."
        )
        % {
            "comparisons": _comparisons(equity_mod.comparisons(every)),
            "alpha": f"{100 * EQUITY_ALPHA:g}",
        },
        style="dim",
    )


def equity_mod_label(outcome: str) -> str:
    return {
        "identified": _("Identified"),
        "referred": _("Referred"),
        "protected": _("Protected"),
    }[outcome]
