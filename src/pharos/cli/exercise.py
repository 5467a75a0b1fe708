"""``pharos exercise ...``: check scenarios, run exercises from a drill script, replay, report.

The exercise's modules (its scenario schema, the event store on SQLAlchemy, the session, the
report) are imported when a command runs, not when the command line is built
(docs/architecture.md, "A fast command line")."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from pharos.cli.app import app
from pharos.i18n import LOCALE_NAMES, SUPPORTED_LOCALES, _, ngettext, pgettext

if TYPE_CHECKING:
    from pharos.exercise.runtime.session import ExerciseSession
    from pharos.exercise.runtime.store import SqlEventStore
    from pharos.exercise.scenario.loader import LoadedScenario

exercise_app = typer.Typer(help="Simulation-based training exercises.", no_args_is_help=True)
app.add_typer(exercise_app, name="exercise")
console = Console()
err = Console(stderr=True)


def _db_option() -> Any:
    return typer.Option(
        None,
        "--db",
        help="Database URL (default: $PHAROS_DATABASE_URL, else pharos.db in $PHAROS_DATA_DIR).",
    )


def _store(db: str | None) -> SqlEventStore:
    """The event store in the server's database (same settings as ``pharos serve``)."""
    from pharos.exercise.runtime.store import SqlEventStore

    if not db:
        data = Path(os.environ.get("PHAROS_DATA_DIR", "data"))
        db = os.environ.get("PHAROS_DATABASE_URL") or f"sqlite:///{data / 'pharos.db'}"
    return SqlEventStore(db)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


@exercise_app.command("validate")
def validate(
    scenario: str = typer.Argument(..., help="Bundled name or path of an exercise scenario."),
) -> None:
    """Check an exercise scenario; print what it holds, or every problem with file and line."""
    loaded = _loaded(scenario)
    sc = loaded.scenario
    console.print(_("%(title)s: valid") % {"title": sc.title})
    t = Table()
    for col in (_("Teams"), _("Played"), _("Personas"), _("Evidence"), _("Injects"), _("Networks")):
        t.add_column(col)
    t.add_row(
        str(len(sc.teams)),
        str(sum(x.played for x in sc.teams)),
        str(len(sc.personas())),
        str(len(sc.evidence)),
        str(len(sc.injects)),
        str(len(sc.networks)),
    )
    console.print(t)
    _coverage(loaded.scenario, loaded.translations)


def _loaded(scenario: str) -> LoadedScenario:
    """The scenario, checked; else every problem with its file and line, and exit code 2."""
    from pharos.exercise.scenario.loader import ScenarioError, load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as exc:
        for p in exc.problems:
            err.print(str(p), markup=False, highlight=False, soft_wrap=True)
        n = len(exc.problems)
        err.print(ngettext("%(n)s problem", "%(n)s problems", n) % {"n": n})
        raise typer.Exit(2) from exc


@exercise_app.command("rehearse")
def rehearse(
    scenario: str = typer.Argument(..., help="Bundled name or path of an exercise scenario."),
    seed: int = typer.Option(None, help="Seed (default: the scenario's)."),
    step: int = typer.Option(
        60, "--step-minutes", min=1, help="Exercise minutes between two looks of each team."
    ),
    idle: int = typer.Option(
        24,
        "--idle-hours",
        min=1,
        help="Report stretches of this many exercise hours without an action.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Rehearse a scenario: every team plays by the standard procedures, at speed, in memory."""
    import json

    from pharos.exercise.runtime.rehearsal import rehearse as run
    from pharos.exercise.runtime.rehearsal import shown

    loaded = _loaded(scenario)
    r = run(loaded, seed, step, idle)
    if as_json:
        typer.echo(json.dumps(r.as_json(), ensure_ascii=False, indent=2))
        return
    v = shown(r, loaded)
    console.print(f"[bold]{v['title']}[/bold]", highlight=False)
    for line in v["summary"]:
        console.print(line, highlight=False)
    rows = (
        (
            "injects",
            _("Injects"),
            (_("Inject"), _("Release"), _("Fired")),
            ("name", "release", "fired"),
        ),
        (
            "personas",
            _("People"),
            (
                _("Person"),
                _("Reached"),
                _("Told"),
                pgettext("persona", "Identified"),
                _("Protected"),
                _("Fled"),
            ),
            ("name", "reached", "told", "identified", "protected", "fled"),
        ),
        ("networks", _("Networks"), (_("Network"), _("Outcome")), ("name", "falls")),
        (
            "teams",
            _("Played teams"),
            (_("Team"), _("Actions"), _("First action"), v["idle_heading"]),
            ("name", "actions", "first", "idle"),
        ),
    )
    for key, title, heads, cols in rows:
        t = Table(*heads, title=title, title_justify="left")
        for row in v[key]:
            style = "yellow" if row["late"] else None
            t.add_row(*(str(row[c]) for c in cols), style=style)
        console.print(t)
    if v["refused"]:
        n = len(v["refused"])
        console.print(ngettext("%(n)s action refused", "%(n)s actions refused", n) % {"n": n})
        for line in v["refused"]:
            console.print(line, highlight=False, markup=False)


def _coverage(sc: Any, translations: dict[str, dict[str, str]]) -> None:
    """Per language: how many of the scenario's texts are translated, and which are missing."""
    from pharos.exercise.scenario import translation

    t = Table(title=_("Texts of the scenario in other languages"))
    for col in (_("Language"), _("Translated"), _("Missing")):
        t.add_column(col)
    gaps = []
    for lang in SUPPORTED_LOCALES[1:]:
        done, missing = translation.coverage(sc, translations.get(lang, {}))
        t.add_row(f"{lang} ({LOCALE_NAMES[lang]})", str(done), str(len(missing)))
        if missing and lang in translations:
            more = _(" and %(n)s more") % {"n": len(missing) - 5} if len(missing) > 5 else ""
            gaps.append(f"{lang}: {', '.join(missing[:5])}{more}")
    console.print(t)
    for line in gaps:
        console.print(_("missing in %(gap)s") % {"gap": line})


@exercise_app.command("new")
def new(
    scenario: str = typer.Option("mediterranean-regional", help="Bundled name or path."),
    seed: int = typer.Option(None, help="Seed (default: the scenario's)."),
    db: str = _db_option(),
    director: str = typer.Option(
        "",
        help="The username heading the exercise's control team on the server (default: none; "
        "administrators direct it).",
    ),
    name: str = typer.Option("", help="The exercise's name (default: the scenario's title)."),
    held_from: str = typer.Option(
        "", help="The first day the exercise is held, YYYY-MM-DD (shown with its name)."
    ),
    held_to: str = typer.Option(
        "", help="The last day it is held, YYYY-MM-DD (default: the first day)."
    ),
) -> None:
    """Create an exercise and print its id."""
    from pharos.exercise.runtime.session import ExerciseSession
    from pharos.exercise.runtime.setup import Problems, check_basics
    from pharos.exercise.scenario.loader import ScenarioError

    # the setup wizard's checks, for the options given (the wizard asks for all three)
    given = {"name": name, "held_from": held_from, "held_to": held_to}
    if held_to.strip() and not held_from.strip():
        _fail(_("--held-to needs --held-from"))
    problems = Problems()
    basics = check_basics(given, problems)
    wrong = [(w, m) for w, m in problems.items if given[w].strip()]
    if wrong:
        _fail("; ".join(f"--{where.replace('_', '-')}: {message}" for where, message in wrong))
    try:
        s = ExerciseSession.create(
            _store(db),
            scenario,
            seed,
            director=director.strip().lower() or None,
            setup=basics.setup(),  # what is empty is left out (the scenario's title names it)
        )
    except ScenarioError as exc:
        _fail(str(exc))
        return
    console.print(s.exercise_id)


@exercise_app.command("list")
def list_(db: str = _db_option()) -> None:
    """The exercises in the database."""
    t = Table(_("Id"), _("Scenario"), _("Seed"), _("Created"))
    for r in _store(db).exercises():
        t.add_row(r.id, r.title, str(r.seed), r.created_at.isoformat(timespec="seconds"))
    console.print(t)


def _step(s: ExerciseSession, step: dict[str, Any]) -> None:
    from pharos.exercise.rules.events import EventKind

    if "advance_days" in step:
        s.advance_days(float(step["advance_days"]))
    elif "action" in step:
        body = dict(step["action"])
        s.submit(EventKind.ACTION, str(step.get("actor", body.get("team"))), body)
    else:
        kind = EventKind(step["event"])
        s.submit(kind, str(step.get("actor", "controller")), dict(step.get("payload", {})))


@exercise_app.command("play")
def play(
    script: Path = typer.Argument(..., help="YAML drill script: a list of steps."),
    exercise: str = typer.Option(None, help="Continue this exercise instead of creating one."),
    scenario: str = typer.Option("mediterranean-regional"),
    db: str = _db_option(),
) -> None:
    """Run a drill script (controller, player and observer steps) and print the state hash."""
    from pharos.domain import userfile
    from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
    from pharos.exercise.runtime.store import MemoryEventStore
    from pharos.exercise.scenario.loader import ScenarioError

    try:  # strictly: YAML 1.2, no key twice, bounded size and depth
        steps, _node = userfile.load(
            userfile.read_text(script, userfile.MAX_SCENARIO_BYTES), userfile.MAX_SCENARIO_BYTES
        )
    except (OSError, UnicodeDecodeError) as exc:
        _fail(_("cannot read the script: %(e)s") % {"e": exc})
        return
    except userfile.UserFileError as exc:
        line = f":{exc.line}" if exc.line is not None else ""
        _fail(f"{script}{line}: {exc.message}")
        return
    if not isinstance(steps, list) or not all(isinstance(x, dict) for x in steps):
        _fail(_("%(f)s: a script is a list of steps") % {"f": script})
    store = _store(db)
    # Dry run in memory first: a script with a refused step writes nothing to the database.
    dry = MemoryEventStore()
    if exercise:
        rec = next((r for r in store.exercises() if r.id == exercise), None)
        if rec is None:
            _fail(_("no exercise %(id)s") % {"id": exercise})
            return
        source = store.scenario_text(rec.scenario_sha256) if rec.scenario_sha256 else None
        dry.create_exercise(rec.id, rec.scenario, rec.title, rec.seed, source)
        for ev in store.events(rec.id):
            dry.append(rec.id, ev.at, ev.kind, ev.actor, ev.payload)
        trial = ExerciseSession.open(dry, rec.id, clock=lambda: 0.0)
    else:
        try:
            trial = ExerciseSession.create(dry, scenario, clock=lambda: 0.0)
        except ScenarioError as exc:
            _fail(str(exc))
            return
    for i, step in enumerate(steps, start=1):
        try:
            _step(trial, step)
        except (CommandRefused, KeyError, ValueError, TypeError) as exc:
            _fail(_("%(f)s: step %(n)s refused: %(e)s") % {"f": script, "n": i, "e": exc})
    s = (
        ExerciseSession.open(store, exercise, clock=lambda: 0.0)
        if exercise
        else ExerciseSession.create(
            store, scenario, exercise_id=trial.exercise_id, clock=lambda: 0.0
        )
    )
    console.print(_("exercise %(id)s") % {"id": s.exercise_id})
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(_("playing"), total=len(steps))
        for step in steps:
            _step(s, step)
            bar.advance(task)
    console.print(_("state hash %(h)s") % {"h": s.state_hash()})


@exercise_app.command("status")
def status(
    exercise: str,
    at_day: float = typer.Option(None, "--at-day", min=1, help="Replay up to this exercise day."),
    db: str = _db_option(),
) -> None:
    """An exercise's state now or at a past moment, with the hash of the folded state."""
    from pharos.exercise.rules.state import state_hash
    from pharos.exercise.words.names import clock_label, day_minute

    s = _open(exercise, db)
    st = s.replay(until_minute=None if at_day is None else day_minute(at_day))
    console.print(
        ngettext(
            "%(id)s · %(status)s · %(when)s · %(n)s event",
            "%(id)s · %(status)s · %(when)s · %(n)s events",
            st.last_seq,
        )
        % {
            "id": st.exercise_id,
            "status": st.status,
            "when": clock_label(st.minute),
            "n": st.last_seq,
        }
    )
    t = Table(
        _("Person"),
        _("Place"),
        _("Trust"),
        _("Status"),
        pgettext("persona", "Identified"),
        pgettext("persona", "Referred"),
    )
    for p in st.personas.values():
        t.add_row(p.id, p.place, str(p.trust), p.status, _yes(p.identified_at), _yes(p.referred_at))
    console.print(t)
    console.print(_("state hash %(h)s") % {"h": state_hash(st)})


def _yes(v: object) -> str:
    return _("yes") if v is not None else "—"


def _open(exercise: str, db: str | None) -> ExerciseSession:
    from pharos.exercise.runtime.session import ExerciseSession

    try:
        return ExerciseSession.open(_store(db), exercise, clock=lambda: 0.0)
    except KeyError:
        _fail(_("no exercise %(id)s") % {"id": exercise})
        raise


@exercise_app.command("report")
def report(
    exercise: str,
    html: Path = typer.Option(None, help="Write the after-action report as HTML here."),
    pdf: Path = typer.Option(None, help="Write it as PDF here."),
    at_day: float = typer.Option(
        None,
        "--at-day",
        min=1,
        help="Report on the exercise as it was at this day.",
    ),
    db: str = _db_option(),
) -> None:
    """The after-action report and improvement plan (HTML and/or PDF)."""
    from pharos.exercise.report import after_action
    from pharos.exercise.report.html import write_html
    from pharos.exercise.words.names import day_minute

    s = _open(exercise, db)
    st = s.replay(until_minute=None if at_day is None else day_minute(at_day))
    held = after_action.held_dates(s.store.events(s.exercise_id))
    r = after_action.build(s.shown(), st, date.today(), held=held)
    if html is None and pdf is None:
        _fail(_("say where to write the report: --html and/or --pdf"))
    if html:
        write_html(r, html)
        console.print(_("wrote %(p)s") % {"p": html})
    if pdf:
        from pharos.exercise.report.pdf import write_pdf  # reportlab only when a PDF is asked for

        write_pdf(r, pdf)
        console.print(_("wrote %(p)s") % {"p": pdf})


@exercise_app.command("verify")
def verify_cmd(exercise: str, db: str = _db_option()) -> None:
    """Check the hash chain of an exercise's event log."""
    from pharos.exercise.runtime.store import verify

    bad = verify(_store(db).events(exercise))
    if bad:
        _fail(_("the log was changed at events %(s)s") % {"s": ", ".join(map(str, bad))}, 1)
    console.print(_("the log is intact"))
