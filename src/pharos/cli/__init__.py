"""The ``pharos`` command. Each area registers its commands from its own module, imported here."""

from __future__ import annotations

import typer

from pharos import __version__

# One line per area: importing the module registers its commands on ``app``.
# (keep this list sorted; each area owns only its own module)
from pharos.cli import analysis as _analysis  # noqa: F401
from pharos.cli import estimate as _estimate  # noqa: F401
from pharos.cli import exercise as _exercise  # noqa: F401
from pharos.cli import learn as _learn  # noqa: F401
from pharos.cli import screening as _screening  # noqa: F401
from pharos.cli import server as _server  # noqa: F401
from pharos.cli import sim as _sim  # noqa: F401
from pharos.cli.app import app


@app.command()
def version() -> None:
    """Print the Pharos version."""
    typer.echo(__version__)


def main() -> None:
    app()


__all__ = ["app", "main"]
