"""The Typer application behind the ``pharos`` command; areas add their commands to it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="pharos",
    help="Pharos: act faster together against trafficking in human beings in the Mediterranean.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Pharos: act faster together against trafficking in human beings in the Mediterranean."""
