"""``pharos backup`` and ``pharos restore``: one archive with a consistent snapshot of the
installation (docs/server.md, "Backup and restore")."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pharos.cli.app import app
from pharos.i18n import _, format_number, ngettext
from pharos.web.settings import Settings

if TYPE_CHECKING:
    from pharos.store.backup import Installation


def _installation() -> Installation:
    from pharos.store.backup import Installation

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        Console(stderr=True).print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    assert settings.learn_store is not None  # set by Settings.__post_init__
    return Installation(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        learn_store=settings.learn_store,
        secret=settings.secret,
        attachments=settings.attachments,
    )


class _Bars:
    """One Rich progress bar per step of a backup or a restore."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(step, total=max(total, 1))
        # a step with nothing to do (no analytics store) is done, not stuck at 0 %
        completed = done if total else 1
        self.progress.update(self.tasks[step], completed=completed, total=max(total, 1))


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
    )


def _files(n: int) -> str:
    return ngettext("%(n)s file", "%(n)s files", n) % {"n": n}


def _size(n: int) -> str:
    if n >= 100_000:
        return f"{format_number(n / 1_000_000, 1)} MB"
    return f"{format_number(n / 1000, 1)} kB"


@app.command("backup")
def backup_cmd(
    out: Path = typer.Argument(..., help="The archive to write (a .tar.gz file)."),
    with_secret_key: bool = typer.Option(
        False,
        "--with-secret-key",
        help="Put the server's secret key in the archive (keep the archive as safe as the key).",
    ),
) -> None:
    """Write a consistent snapshot of the database, the data folder and the analytics store to
    one archive, while the server may run."""
    from pharos.store.backup import BackupError, backup

    inst = _installation()
    console = Console()
    start = time.perf_counter()
    try:
        with _progress(console) as progress:
            summary = backup(inst, out, with_secret_key=with_secret_key, progress=_Bars(progress))
    except (BackupError, OSError) as exc:
        Console(stderr=True).print(str(exc), markup=False, style="red")
        raise typer.Exit(1) from exc
    console.print(
        _("Wrote %(file)s: %(files)s, %(size)s, database revision %(rev)s, in %(s)s s.")
        % {
            "file": summary.path,
            "files": _files(summary.files),
            "size": _size(summary.size),
            "rev": summary.revision,
            "s": format_number(time.perf_counter() - start, 1),
        },
        markup=False,
    )
    if not with_secret_key:
        console.print(
            _(
                "The secret key is not in the archive: keep it apart (it keys the pseudonyms "
                "shown across borders), or back up with --with-secret-key."
            )
        )


@app.command("restore")
def restore_cmd(
    archive: Path = typer.Argument(..., help="An archive written by 'pharos backup'."),
    force: bool = typer.Option(
        False, "--force", help="Replace a database that is not empty (and a different secret key)."
    ),
) -> None:
    """Check an archive written by 'pharos backup' and restore it; nothing is written unless
    the whole archive is intact. Stop the server first."""
    from pharos.learn.store import Store
    from pharos.store.backup import BackupError, restore

    inst = _installation()
    console = Console()
    start = time.perf_counter()
    try:
        with _progress(console) as progress:
            summary = restore(
                inst,
                archive,
                force=force,
                progress=_Bars(progress),
                learn_lock=Store(inst.learn_store).writing,
            )
    except (BackupError, OSError) as exc:
        Console(stderr=True).print(str(exc), markup=False, style="red")
        raise typer.Exit(1) from exc
    console.print(
        _("Restored %(file)s (written %(created)s): %(files)s, in %(s)s s.")
        % {
            "file": summary.path,
            "created": summary.manifest.get("created"),
            "files": _files(summary.files),
            "s": format_number(time.perf_counter() - start, 1),
        },
        markup=False,
    )
    if not summary.secret_key:
        console.print(
            _(
                "The archive holds no secret key: start the server with the key it had, or "
                "pseudonyms shown across borders will change."
            )
        )
    console.print(_("Check it with 'pharos audit verify' and 'pharos exercise verify'."))
