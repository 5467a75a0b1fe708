"""The Typer application behind the ``pharos`` command; areas add their commands to it."""

from __future__ import annotations

import os

import typer

from pharos.i18n import SUPPORTED_LOCALES, normalise_locale, set_locale

app = typer.Typer(
    name="pharos",
    help="Pharos: act faster together against trafficking in human beings in the Mediterranean.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def chosen_locale(lang: str | None) -> str:
    """The language of a run: ``--lang``, else $PHAROS_LANG, else $LANG, else English.

    One rule for the output (the root callback) and for the help texts (``pharos.cli.main``
    reads ``--lang`` from argv before Typer renders any help)."""
    return normalise_locale(lang or os.environ.get("PHAROS_LANG") or os.environ.get("LANG"))


@app.callback()
def _root(
    lang: str = typer.Option(
        None,
        "--lang",
        help=f"Language of the output: {', '.join(SUPPORTED_LOCALES)} "
        "(default: $PHAROS_LANG, else $LANG, else English).",
    ),
) -> None:
    """Pharos: act faster together against trafficking in human beings in the Mediterranean."""
    set_locale(chosen_locale(lang))
