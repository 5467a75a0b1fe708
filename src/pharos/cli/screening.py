"""``pharos screen``, ``pharos reference`` and ``pharos demo``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule

import pharos
from pharos.cli import _reference
from pharos.cli._screening_view import render, render_brief
from pharos.cli.app import app
from pharos.domain import userfile
from pharos.domain.explain import explained
from pharos.domain.geography import UnknownCountryError, country, region_state_codes
from pharos.domain.screening import ConflictingObservationError, screen
from pharos.domain.screening_file import ScreeningFileError, ScreeningInput, parse_screening
from pharos.domain.vocabulary_labels import VOCABULARIES
from pharos.i18n import gettext as _

INPUT_ERROR = 2


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(
        _("Error: %(message)s") % {"message": message}, style="bold red", soft_wrap=True
    )
    return typer.Exit(INPUT_ERROR)


def read_screening_file(path: Path) -> ScreeningInput:
    """Read and parse one screening file; raises typer.Exit(2) with one clear message."""
    try:
        text = userfile.read_text(path, userfile.MAX_SCREENING_BYTES)
    except userfile.UserFileError as exc:
        raise _fail(f"{path}: {exc.message}") from None
    except FileNotFoundError:
        raise _fail(_("%(file)s: no such file") % {"file": path}) from None
    except IsADirectoryError:
        raise _fail(_("%(file)s: is a folder, expected a file") % {"file": path}) from None
    except UnicodeDecodeError:
        raise _fail(_("%(file)s: expected UTF-8 text") % {"file": path}) from None
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror}") from None
    try:
        return parse_screening(text, str(path))
    except ScreeningFileError as exc:
        raise _fail(str(exc)) from None


@app.command("screen")
def screen_command(
    file: Path = typer.Argument(
        ...,
        help="YAML or JSON file: what was observed about one person (see examples/screening/).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON for scripts."),
    state: str = typer.Option(
        None,
        "--state",
        help="The state where the person is (ISO3, e.g. ITA): who takes each next step there.",
    ),
) -> None:
    """Screen one person against the ILO/EC indicators and explain the result."""
    if state is not None:
        state = _state_code(state)
    parsed = read_screening_file(file)
    try:
        result = screen(parsed.observations, parsed.person)
    except ConflictingObservationError as exc:
        raise _fail(
            _("indicator %(id)s is both observed and ruled out") % {"id": exc.indicator}
        ) from None
    if as_json:
        out = explained(result, state=state)
        out["file"] = str(file)
        out["title"] = parsed.document.title
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    render(Console(highlight=False), result, parsed.document, state)


def _state_code(code: str) -> str:
    """``code`` as the ISO3 code of a state of the region, else exit 2 naming the states."""
    codes = region_state_codes()
    try:
        iso3 = country(code).iso3
    except UnknownCountryError:
        iso3 = ""
    if iso3 not in codes:
        raise _fail(
            _("--state: unknown state %(code)s; expected one of: %(values)s")
            % {"code": repr(code), "values": ", ".join(codes)}
        )
    return iso3


VOCABULARY_NAMES = tuple(v.id for v in VOCABULARIES)
INDICATOR_LISTS = ("ilo", "delphi", "unodc")


@app.command("reference")
def reference_command(
    topic: str = typer.Argument(
        None, help="states, powers, practitioners, vocabulary, indicators or instruments."
    ),
    name: str = typer.Argument(
        None,
        help="For vocabulary: its name; for indicators: ilo, delphi or unodc; "
        "for instruments: the sending state (ISO3).",
    ),
) -> None:
    """Browse the domain: states, powers per state, practitioners, vocabularies, indicators."""
    console = Console(highlight=False)
    if topic is None:
        console.print(_("Topics: %(topics)s") % {"topics": ", ".join(_reference.TOPICS)})
        return
    if topic not in _reference.TOPICS:
        raise _fail(
            _("unknown topic %(topic)s; expected one of: %(values)s")
            % {"topic": repr(topic), "values": ", ".join(_reference.TOPICS)}
        )
    allowed: tuple[str, ...] | None = {
        "vocabulary": VOCABULARY_NAMES,
        "indicators": INDICATOR_LISTS,
    }.get(topic)
    if name is not None and allowed is not None and name not in allowed:
        raise _fail(
            _("unknown name %(name)s for %(topic)s; expected one of: %(values)s")
            % {"name": repr(name), "topic": topic, "values": ", ".join(allowed)}
        )
    if name is not None and topic in ("states", "powers", "practitioners"):
        raise _fail(_("%(topic)s takes no name") % {"topic": topic})
    try:
        _reference.show(console, topic, name)
    except KeyError:
        raise _fail(
            _("unknown state %(name)s; expected an ISO3 code such as ITA") % {"name": repr(name)}
        ) from None


def find_examples() -> Path | None:
    """The bundled vignettes: ./examples/screening, else beside the installed source tree."""
    candidates = [
        Path.cwd() / "examples" / "screening",
        Path(pharos.__file__).resolve().parents[2] / "examples" / "screening",
    ]
    return next((p for p in candidates if p.is_dir() and any(p.glob("*.yaml"))), None)


@app.command("demo")
def demo_command(
    examples: Path = typer.Option(
        None, "--examples", help="Folder of screening files (default: examples/screening)."
    ),
    full: bool = typer.Option(False, "--full", help="Show every screening in full."),
) -> None:
    """Walk through the region, the powers per state, and screen the bundled vignettes."""
    console = Console(highlight=False)
    console.print(
        Panel(
            _(
                "Pharos helps the anti-trafficking community of the Mediterranean act faster "
                "together. This demo shows the shared domain: the states of the region, who may "
                "do what in each, how they cooperate, and the screening of possible victims "
                "against the ILO/EC indicators, with the reasons."
            ),
            title="Pharos",
        )
    )
    console.print(Rule(_("1. The region")))
    _reference.show(console, "states", None)
    console.print(Rule(_("2. Who may do what in each state")))
    console.print(
        _(
            "Red lines mark facts the sources do not establish: Pharos then uses a default and "
            "says so."
        )
    )
    _reference.show(console, "powers", None)
    console.print(Rule(_("3. Cooperation: EU membership decides the instruments")))
    console.print(_reference.instruments_table("ITA"))
    console.print(Rule(_("4. Screening possible victims")))
    folder = examples or find_examples()
    if folder is None or not folder.is_dir():
        raise _fail(_("no screening examples found; expected a folder such as examples/screening"))
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.json"))
    parsed = [(f, read_screening_file(f)) for f in files]  # validate all before printing any
    for f, item in parsed:
        result = screen(item.observations, item.person)
        if full:
            render(console, result, item.document)
        else:
            render_brief(console, result, item.document)
        console.print(_("File: %(file)s") % {"file": f.name}, style="dim")
    console.print(
        _(
            "Screen your own case: pharos screen FILE (add --json for scripts); browse the domain: "
            "pharos reference."
        )
    )
