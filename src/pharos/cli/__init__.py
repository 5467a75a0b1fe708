"""The ``pharos`` command. Each face registers its commands from its own module here."""

from __future__ import annotations

import typer

from pharos import __version__

app = typer.Typer(
    name="pharos",
    help="Pharos: act faster together against trafficking in human beings in the Mediterranean.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the Pharos version."""
    typer.echo(__version__)


def main() -> None:
    app()
