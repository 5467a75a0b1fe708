"""``pharos --help`` in every language: the help texts of the real command tree are translated,
chosen from ``--lang`` / $PHAROS_LANG / $LANG before Typer renders them, and English is unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.pofile import read_po
from rich.cells import cell_len
from rich.markup import RE_TAGS
from typer.testing import CliRunner

from pharos.cli import app, main
from pharos.cli._help import TYPER_LABELS, help_msgid, help_texts, lang_in_argv, translate_help
from pharos.cli.app import chosen_locale
from pharos.i18n import SUPPORTED_LOCALES, use_locale

LOCALE = Path(__file__).resolve().parents[3] / "src" / "pharos" / "locale"
TRANSLATED = tuple(lang for lang in SUPPORTED_LOCALES if lang != "en")
WIDTH = 120
ROOT_HELP = "Pharos: act faster together against trafficking in human beings in the Mediterranean."
SCREEN_HELP = "Screen one person against the ILO/EC indicators and explain the result."


def _catalog(lang: str) -> dict[str, str]:
    """Every context-free msgid of ``lang`` (all areas) with its translation."""
    out: dict[str, str] = {}
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fp:
            for msg in read_po(fp, locale=lang):
                if msg.id and isinstance(msg.id, str) and not msg.context:
                    out[msg.id] = str(msg.string or "")
    return out


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _paths(sub, (*prefix, name))


COMMAND_PATHS = list(_paths(typer.main.get_command(app)))


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """``pharos.cli.main(args)`` with a clean language environment; (exit code, stdout)."""
    base: dict[str, str | None] = {"COLUMNS": str(WIDTH), "PHAROS_LANG": None, "LANG": None}
    with use_locale("en"), CliRunner().isolation(env={**base, **(env or {})}) as streams:
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, streams[0].getvalue().decode("utf-8")


def untranslated(args: list[str]) -> str:
    """The help as Typer renders it from the code, with no translation step."""
    with CliRunner().isolation(env={"COLUMNS": str(WIDTH)}) as streams:
        with pytest.raises(SystemExit) as exc:
            typer.main.get_command(app).main(args=args)
        assert exc.value.code == 0
        return streams[0].getvalue().decode("utf-8")


def tr(lang: str, msgid: str) -> str:
    translation = _catalog(lang)[msgid]
    assert translation
    return translation


# --- choosing the language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "fr", "screen", "--help"], "fr"),
        (["screen", "--help", "--lang=ar"], "ar"),
        (["--lang", "fr", "--lang", "el", "--help"], "el"),
        (["screen", "--", "--lang", "fr"], None),
        (["--help", "--lang"], None),
        (["screen", "--help"], None),
    ],
)
def test_lang_is_read_from_anywhere_in_argv(argv: list[str], expected: str | None) -> None:
    assert lang_in_argv(argv) == expected


def test_the_locale_rule_is_option_then_pharos_lang_then_lang(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PHAROS_LANG", "es")
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    assert chosen_locale("el") == "el"
    assert chosen_locale(None) == "es"
    monkeypatch.delenv("PHAROS_LANG")
    assert chosen_locale(None) == "it"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert chosen_locale(None) == "en"
    monkeypatch.delenv("LANG")
    assert chosen_locale(None) == "en"


# --- the catalogs cover the real command tree -----------------------------------------------


def test_the_tree_walk_reaches_every_level() -> None:
    texts = help_texts(typer.main.get_command(app))
    assert ROOT_HELP in texts  # the app
    assert "Simulation-based training exercises." in texts  # a sub-app (group)
    assert "Replay up to this exercise day." in texts  # an option of a command in a group
    assert "Scenario to check." in texts  # an argument
    assert ("exercise", "status") in COMMAND_PATHS and () in COMMAND_PATHS


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_help_text_of_the_command_tree_is_translated(lang: str) -> None:
    """A new command, option or argument whose help has no translation fails here."""
    catalog = _catalog(lang)
    texts = help_texts(typer.main.get_command(app)) + list(TYPER_LABELS.values())
    missing = [t for t in texts if not catalog.get(t)]
    assert not missing, f"{lang}: {len(missing)} help texts without a translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_rich_markup_of_the_english(lang: str) -> None:
    catalog = _catalog(lang)
    wrong = [
        f"{msgid!r} -> {catalog[msgid]!r}"
        for msgid in help_texts(typer.main.get_command(app))
        if sorted(m.group(0) for m in RE_TAGS.finditer(catalog[msgid]))
        != sorted(m.group(0) for m in RE_TAGS.finditer(msgid))
    ]
    assert not wrong, "\n".join(wrong)


def test_a_text_keeps_its_hidden_part_and_an_unknown_text_stays_english() -> None:
    docstring = """Output folder.

    \f
    Internal note for developers.
    """
    assert help_msgid(docstring) == "Output folder."
    with use_locale("fr"):
        assert translate_help(docstring) == (
            tr("fr", "Output folder.") + "\n\n\f\nInternal note for developers."
        )
        assert translate_help("No catalog has this help.") == "No catalog has this help."
        assert translate_help(None) is None


# --- what the user sees ---------------------------------------------------------------------


def test_typer_panel_titles_follow_the_language_and_come_back_in_english() -> None:
    code, out = run(["--lang", "fr", "screen", "--help"])
    assert code == 0 and "[obligatoire]" in out and "[required]" not in out
    code, out = run(["--lang", "es", "--help"])
    assert code == 0 and "Comandos" in out and "Commands" not in out
    code, out = run(["screen", "--help"])
    assert code == 0 and "[required]" in out and "Arguments" in out


def test_french_screen_help() -> None:
    code, out = run(["--lang", "fr", "screen", "--help"])
    assert code == 0
    assert tr("fr", SCREEN_HELP) in out
    assert tr("fr", "Print the result as JSON for scripts.") in out
    assert SCREEN_HELP not in out


def test_arabic_help_is_in_logical_order_and_fits_the_width() -> None:
    code, out = run(["--lang", "ar", "screen", "--help"])
    assert code == 0
    assert tr("ar", SCREEN_HELP) in out  # one line, letters in reading (logical) order
    assert all(cell_len(line) <= WIDTH for line in out.splitlines())
    code, out = run(["--lang", "ar", "experiment", "--help"])
    assert code == 0
    assert tr("ar", "Output folder.") in out
    # Typer's default still shown after a translation, in Arabic
    assert tr("ar", "[default: {}]").format("experiment-out") in out


def test_the_language_comes_from_the_environment_without_lang() -> None:
    assert tr("es", SCREEN_HELP) in run(["screen", "--help"], env={"PHAROS_LANG": "es"})[1]
    assert tr("it", SCREEN_HELP) in run(["screen", "--help"], env={"LANG": "it_IT.UTF-8"})[1]
    code, out = run(["--lang", "en", "screen", "--help"], env={"PHAROS_LANG": "el"})
    assert code == 0 and SCREEN_HELP in out


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_command_renders_its_help_in_each_language(lang: str) -> None:
    for path in COMMAND_PATHS:
        code, out = run(["--lang", lang, *path, "--help"])
        assert code == 0, f"{lang} {' '.join(path)}: exit {code}\n{out}"
    assert tr(lang, ROOT_HELP) in run(["--lang", lang, "--help"])[1]


def test_english_help_is_unchanged_everywhere() -> None:
    french = run(["--lang", "fr", "--help"])[1]
    for path in COMMAND_PATHS:
        expected = untranslated([*path, "--help"])
        assert run([*path, "--help"])[1] == expected, " ".join(path)
        assert run(["--lang", "en", *path, "--help"])[1] == expected, " ".join(path)
    assert french != untranslated(["--help"])  # the comparison can tell the languages apart
    assert ROOT_HELP in untranslated(["--help"])  # and a French run left the app in English


def test_the_installed_entry_point_translates_help() -> None:
    env = {**os.environ, "COLUMNS": str(WIDTH), "PHAROS_LANG": "fr"}
    env.pop("LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "pharos", "--lang", "ar", "screen", "--help"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert tr("ar", SCREEN_HELP) in done.stdout.decode("utf-8")
