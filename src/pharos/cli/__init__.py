"""The ``pharos`` command. Each area registers its commands from its own module, imported here."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from pharos import __version__

# One line per area: importing the module registers its commands on ``app``.
# (keep this list sorted; each area owns only its own module)
from pharos.cli import analysis as _analysis  # noqa: F401
from pharos.cli import backup as _backup  # noqa: F401
from pharos.cli import estimate as _estimate  # noqa: F401
from pharos.cli import exercise as _exercise  # noqa: F401
from pharos.cli import learn as _learn  # noqa: F401
from pharos.cli import screening as _screening  # noqa: F401
from pharos.cli import server as _server  # noqa: F401
from pharos.cli import sim as _sim  # noqa: F401
from pharos.cli._help import english_typer_labels, hoist_lang, lang_in_argv, localised_command
from pharos.cli.app import app, chosen_locale
from pharos.i18n import set_locale


@app.command()
def version() -> None:
    """Print the Pharos version."""
    typer.echo(__version__)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``pharos`` command on ``argv`` (default: the process's arguments).

    The language is chosen before Typer renders any help, so ``--help`` is translated too; it
    may be given before or after the command (``--lang`` is moved to the front)."""
    given = list(sys.argv[1:] if argv is None else argv)
    args = hoist_lang(given)
    lang = set_locale(chosen_locale(lang_in_argv(args)))
    # args=None when reading the process's arguments: click then expands globs on Windows as
    # it did when main() was app().
    command = localised_command(app, lang)
    try:
        command.main(args=None if argv is None and args == given else args)
    finally:
        english_typer_labels()  # Typer's labels are module settings: leave them as found


__all__ = ["app", "main"]
