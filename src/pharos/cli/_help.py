"""The ``--help`` of every command in the language of the run.

Typer builds the help texts (command docstrings, ``help=`` of options and arguments, the help of
the app and its sub-apps) from the code, in English, before the root callback reads ``--lang``.
So ``pharos.cli.main`` chooses the language from argv and the environment first (the rule of
``chosen_locale``), builds the click command tree, replaces each English help text by its
translation (catalog area ``cli``) and only then runs the command.

The msgid is the text as click shows it: the cleaned docstring (``inspect.cleandoc``) up to a
form feed (``\\f``, after which click hides the rest), without surrounding space; that space and
the hidden rest are kept as they are. A text
without a translation stays in English, byte for byte, and in English nothing is touched.

The command objects are duck-typed (``help``, ``short_help``, ``params``, ``commands``): recent
Typer versions carry their own copy of click, older ones use click itself.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import typer

from pharos.i18n import DEFAULT_LOCALE, gettext, use_locale

LANG_OPTION = "--lang"


def lang_in_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--lang X`` or ``--lang=X`` anywhere in ``argv`` (the last one wins, as for
    click), or None. Nothing after ``--`` is an option."""
    found: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == LANG_OPTION and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(LANG_OPTION + "="):
            found = arg[len(LANG_OPTION) + 1 :]
    return found


def hoist_lang(argv: Sequence[str]) -> list[str]:
    """``argv`` with every ``--lang X`` / ``--lang=X`` before ``--`` moved to the front, so the
    language can be given before or after the command (``pharos screen F --lang fr``): click
    knows ``--lang`` only as an option of the root. The last one wins, as for click. A ``--lang``
    without a value is left where it is (click then says it needs one)."""
    args = list(argv)
    lang = lang_in_argv(args)
    if lang is None:
        return args
    kept: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            kept += args[i:]
            break
        if arg == LANG_OPTION and i + 1 < len(args):
            i += 2
            continue
        if arg.startswith(LANG_OPTION + "="):
            i += 1
            continue
        kept.append(arg)
        i += 1
    return [LANG_OPTION, lang, *kept]


def _split(text: str) -> tuple[str, str, str, str]:
    """(leading space, msgid, trailing space, hidden rest) of a help text as click shows it."""
    shown, formfeed, hidden = inspect.cleandoc(text).partition("\f")
    msgid = shown.strip()
    lead = shown[: len(shown) - len(shown.lstrip())]
    trail = shown[len(shown.rstrip()) :]
    return lead, msgid, trail, formfeed + hidden


def help_msgid(text: str) -> str:
    """The msgid of a help text: the cleaned text up to ``\f``, without surrounding space."""
    return _split(text)[1]


def translate_help(text: str | None) -> str | None:
    """``text`` in the current language; unchanged if it has no translation."""
    if not text:
        return text
    lead, msgid, trail, hidden = _split(text)
    translated = gettext(msgid) if msgid else msgid
    return text if translated == msgid else lead + translated + trail + hidden


def _commands(command: Any) -> list[Any]:
    subcommands = getattr(command, "commands", None) or {}
    return list(subcommands.values())


def walk(command: Any) -> Iterator[Any]:
    """``command`` and every command and group below it, depth first."""
    yield command
    for sub in _commands(command):
        yield from walk(sub)


def help_texts(command: Any) -> list[str]:
    """The msgid of every help text in the tree under ``command`` (the root, groups, commands,
    options and arguments), each once, in the order of the tree."""
    found: dict[str, None] = {}
    for cmd in walk(command):
        texts = [cmd.help, cmd.short_help] + [getattr(p, "help", None) for p in cmd.params]
        for text in texts:
            if text:
                found.setdefault(help_msgid(text), None)
    return list(found)


def translate_tree(command: Any) -> None:
    """Replace, in place, every help text under ``command`` by its current translation."""
    for cmd in walk(command):
        cmd.help = translate_help(cmd.help)
        cmd.short_help = translate_help(cmd.short_help)
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = translate_help(param.help)


#: Typer's own words in its Rich help panels: module settings of ``typer.rich_utils`` (read
#: when help is drawn), set to the run's language. Click's "Usage:" and the --help option's
#: "Show this message and exit." come from click's own gettext domain and stay English.
TYPER_LABELS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ENVVAR_STRING": "[env var: {}]",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def _typer_labels() -> None:
    from typer import rich_utils

    for name, msgid in TYPER_LABELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, gettext(msgid))


def english_typer_labels() -> None:
    """Typer's labels back in English (they are module settings, shared by the process).

    Typer's own defaults are the English texts, so when its help renderer (``rich_utils``, which
    loads Rich's Markdown, syntax and traceback modules) was never loaded there is nothing to set
    and it is not loaded: a command that draws no help does not pay for it."""
    if "typer.rich_utils" not in sys.modules:
        return
    with use_locale(DEFAULT_LOCALE):
        _typer_labels()


def localised_command(app: typer.Typer, lang: str) -> Any:
    """The click command of ``app`` with its help texts in ``lang`` (a fresh tree each call),
    and Typer's panel titles in ``lang`` too."""
    command = typer.main.get_command(app)
    if lang == DEFAULT_LOCALE:
        english_typer_labels()
        return command
    with use_locale(lang):
        _typer_labels()
        translate_tree(command)
    return command
