"""``pharos serve``, ``pharos audit verify``, and account and token administration.

The server and the database (FastAPI, SQLAlchemy) are imported when a command runs, not when the
command line is built (docs/architecture.md, "A fast command line")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from pharos.cli.app import app
from pharos.i18n import _, ngettext
from pharos.web.settings import KEEP_ALIVE_S, Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pharos.store.models import User
    from pharos.store.uow import UnitOfWork

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
user_app = typer.Typer(
    help="Accounts: create, reset passwords, unlock, deactivate and reactivate.",
    no_args_is_help=True,
)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def tampered(problems: int, entries: int) -> dict[str, str]:
    """The counts of "The audit trail was tampered with: …", each with its plural."""
    return {
        "problems": ngettext("%(n)s problem", "%(n)s problems", problems) % {"n": problems},
        "entries": ngettext("%(n)s entry", "%(n)s entries", entries) % {"n": entries},
    }


def _engine() -> tuple[Settings, Engine]:
    from pharos.store.db import make_engine

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        Console(stderr=True).print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    return settings, make_engine(settings.database_url)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool | None = typer.Option(
        None,
        "--demo/--no-demo",
        help="Load the Mediterranean demo (accounts with a published password) into an empty "
        "database. Default: yes for SQLite, no for PostgreSQL.",
    ),
    workers: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Worker processes (PostgreSQL only: on SQLite one process serves a database).",
    ),
    keep_alive: int = typer.Option(
        KEEP_ALIVE_S,
        "--keep-alive",
        min=1,
        max=3600,
        help="Seconds an idle connection is kept open. Behind a proxy that keeps connections "
        "to Pharos open (nginx 'keepalive' in an upstream block), set it longer than the "
        "proxy's idle time (nginx: keepalive_timeout, 60 s by default).",
    ),
) -> None:
    """Create or migrate the database, load the demo on first start, and serve Pharos."""
    import uvicorn

    from pharos.coordinate.demo import DEMO_PASSWORD, is_loaded
    from pharos.coordinate.setup import (
        demo_accounts_with_published_password,
        prepare_database,
        should_load_demo,
    )
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork
    from pharos.web.app import create_app

    settings, engine = _engine()
    console = Console()
    if workers > 1 and engine.dialect.name != "postgresql":
        Console(stderr=True).print(
            _(
                "More than one worker needs PostgreSQL: on SQLite one process serves a database "
                "(its live exercise updates stay in that process). Set PHAROS_DATABASE_URL to a "
                "PostgreSQL database, or serve with one worker."
            ),
            markup=False,
        )
        raise typer.Exit(2)
    try:
        settings.secret()  # read or create the key before anything else happens
    except (ValueError, OSError) as exc:
        Console(stderr=True).print(
            _("The server's secret key cannot be used: %(reason)s") % {"reason": exc}
        )
        raise typer.Exit(2) from exc
    load = should_load_demo(engine.dialect.name, demo, settings.load_demo)
    with console.status(_("Preparing the database…")):
        logins = prepare_database(engine, demo=load)
    with UnitOfWork(session_factory(engine)) as work:
        empty = not is_loaded(work.session)
        exposed = demo_accounts_with_published_password(work.session)
    engine.dispose()
    console.print(_("Database: %(url)s") % {"url": engine.url.render_as_string(hide_password=True)})
    if empty and demo is None and settings.load_demo and not load:
        console.print(
            _(
                "The demo was not loaded: this is a PostgreSQL database and the demo's accounts "
                "have a published password. Start with --demo to load it anyway (for a trial "
                "only), or create accounts with 'pharos user create'."
            ),
            style="yellow",
        )
    if logins:
        table = Table(title=_("Demo logins (password: %(pw)s)") % {"pw": DEMO_PASSWORD})
        table.add_column(_("Username"))
        table.add_column(_("State"))
        table.add_column(_("Practitioner kind"))
        for login in logins:
            table.add_row(login.username, login.state, login.kind)
        console.print(table)
    if exposed:
        console.print(
            ngettext(
                "WARNING: %(n)s demo account (%(names)s) exists in this database with the "
                "published password %(pw)s: anyone can sign in with it. Use this database for "
                "trials only, never for real cases.",
                "WARNING: %(n)s demo accounts (%(names)s) exist in this database with the "
                "published password %(pw)s: anyone can sign in with them. Use this database for "
                "trials only, never for real cases.",
                len(exposed),
            )
            % {"n": len(exposed), "names": _names(exposed), "pw": DEMO_PASSWORD},
            style="bold red",
        )
    console.print(_("Pharos is at http://%(host)s:%(port)s/") % {"host": host, "port": port})
    # Forwarded headers are Pharos's business (only from PHAROS_TRUSTED_PROXIES, see
    # pharos.web.deps.client_address): uvicorn's own would believe X-Forwarded-For from
    # 127.0.0.1, so that anything on the host could choose its address for the sign-in limits.
    # Several workers each build the app from the same environment (settings are read from it).
    uvicorn.run(
        create_app(settings) if workers == 1 else "pharos.web.app:create_app",
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
        forwarded_allow_ips="",
        timeout_keep_alive=keep_alive,
    )


def _names(usernames: list[str], shown: int = 4) -> str:
    """The first ``shown`` usernames and an ellipsis if there are more."""
    return ", ".join(usernames[:shown]) + (", …" if len(usernames) > shown else "")


@audit_app.command("verify")
def audit_verify(
    anchor: Path | None = typer.Option(
        None,
        "--anchor",
        help="An anchor written by 'pharos audit anchor': the trail must still hold the entry "
        "it anchors, unchanged.",
    ),
) -> None:
    """Check the hash chain of the audit trail against its head and print the head's hash; exit
    code 1 if it was tampered with."""
    from pharos.coordinate import audit
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    settings, engine = _engine()
    console = Console()
    err = Console(stderr=True)
    anchored: dict[str, object] | None = None
    if anchor is not None:
        try:
            anchored = audit.read_anchor(anchor.read_text(encoding="utf-8"), settings.secret())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            err.print(_("%(file)s: %(reason)s") % {"file": anchor, "reason": exc}, markup=False)
            raise typer.Exit(2) from exc
    with UnitOfWork(session_factory(engine)) as work:
        result = audit.check(work.session)
        against = audit.against_anchor(work.session, result, anchored) if anchored else []
    for p in result.problems:
        console.print(
            _("Entry %(id)s: %(reason)s") % {"id": p.entry_id, "reason": p.reason}, markup=False
        )
    for reason in against:
        console.print(_("Anchor %(file)s: %(reason)s") % {"file": anchor, "reason": reason})
    console.print(  # on one line, never wrapped: the hash is copied from here
        _("Head: entry #%(id)s, hash %(hash)s") % {"id": result.last_id, "hash": result.last_hash},
        soft_wrap=True,
    )
    if result.problems or against:
        console.print(
            _("The audit trail was tampered with: %(problems)s in %(entries)s.")
            % tampered(len(result.problems) + len(against), result.count)
        )
        raise typer.Exit(1)
    console.print(
        ngettext(
            "The audit trail is intact: %(count)s entry checked.",
            "The audit trail is intact: %(count)s entries checked.",
            result.count,
        )
        % {"count": result.count}
    )
    if anchored is not None:
        console.print(
            _("It still holds entry #%(id)s as anchored on %(at)s.")
            % {"id": anchored["last_id"], "at": anchored["written_at"]}
        )


@audit_app.command("anchor")
def audit_anchor(
    file: Path = typer.Argument(..., help="Where to write the anchor (a new file)."),
) -> None:
    """Write the trail's head, signed with the server's secret, to FILE: keep it outside the
    database and check the trail against it later with 'pharos audit verify --anchor FILE'."""
    import json
    import os
    import tempfile

    from pharos.coordinate import audit
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    settings, engine = _engine()
    err = Console(stderr=True)
    try:
        secret = settings.secret()
    except (ValueError, OSError) as exc:
        err.print(_("The server's secret key cannot be used: %(reason)s") % {"reason": exc})
        raise typer.Exit(2) from exc
    with UnitOfWork(session_factory(engine)) as work:
        result = audit.check(work.session)
    if result.problems:
        err.print(
            _(
                "The audit trail was tampered with: %(problems)s in %(entries)s. Run 'pharos "
                "audit verify'; no anchor written."
            )
            % tampered(len(result.problems), result.count)
        )
        raise typer.Exit(1)
    data = audit.anchor(result, secret)
    folder = file.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".anchor.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.write("\n")
        try:
            os.link(tmp, file)  # never replaces an anchor already there
        finally:
            os.unlink(tmp)
    except FileExistsError as exc:
        err.print(_("%(file)s exists: choose a new file.") % {"file": file})
        raise typer.Exit(2) from exc
    except OSError as exc:
        err.print(_("%(file)s: %(reason)s") % {"file": file, "reason": exc}, markup=False)
        raise typer.Exit(2) from exc
    Console().print(
        _("Anchored entry #%(id)s, hash %(hash)s, in %(file)s.")
        % {"id": result.last_id, "hash": result.last_hash, "file": file},
        soft_wrap=True,
    )


def _find_user(work: UnitOfWork, username: str) -> User:
    from pharos.coordinate.queries import user_named

    user = user_named(work.session, username)
    if user is None:
        typer.echo(_("No user %(name)s.") % {"name": username}, err=True)
        raise typer.Exit(2)
    return user


def _ask_password() -> str:
    from pharos.coordinate.accounts import MIN_PASSWORD_LENGTH

    password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        typer.echo(
            ngettext(
                "The password needs at least %(n)s character.",
                "The password needs at least %(n)s characters.",
                MIN_PASSWORD_LENGTH,
            )
            % {"n": MIN_PASSWORD_LENGTH},
            err=True,
        )
        raise typer.Exit(2)
    return str(password)


@user_app.command("create")
def user_create(
    username: str,
    agency_id: int = typer.Option(..., "--agency", help="Agency id (see `pharos user agencies`)."),
    name: str = typer.Option("", help="Display name."),
    admin: bool = typer.Option(
        False,
        help="An administrator: manages accounts and the audit trail, and works on no case.",
    ),
) -> None:
    """Create an account in an agency (it takes the agency's state and practitioner kind)."""
    from pharos.coordinate import audit
    from pharos.coordinate.accounts import hash_password
    from pharos.coordinate.permissions import account_kind
    from pharos.coordinate.queries import USERNAME_MAX, normal_username, user_named
    from pharos.store.db import migrate, session_factory
    from pharos.store.models import Agency, User
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    migrate(engine)
    with UnitOfWork(session_factory(engine)) as work:
        agency = work.session.get(Agency, agency_id)
        if agency is None:
            typer.echo(_("No agency %(id)s.") % {"id": agency_id}, err=True)
            raise typer.Exit(2)
        username = normal_username(username)
        if not username or len(username) > USERNAME_MAX or not username.isprintable():
            typer.echo(
                ngettext(
                    "A username has 1 to %(num)d printable character.",
                    "A username has 1 to %(num)d printable characters.",
                    USERNAME_MAX,
                )
                % {"num": USERNAME_MAX},
                err=True,
            )
            raise typer.Exit(2)
        if user_named(work.session, username) is not None:
            typer.echo(_("The username %(name)s is taken.") % {"name": username}, err=True)
            raise typer.Exit(2)
        user = User(
            username=username,
            display_name=name or username,
            password_hash=hash_password(_ask_password()),
            agency_id=agency.id,
            kind=account_kind(agency.kind, admin),
            state=agency.state,
            is_admin=admin,
        )
        work.session.add(user)
        work.session.flush()
        audit.record(
            work.session, None, "create", "account", user.id, detail={"username": username}
        )
        work.commit()
    typer.echo(_("Created %(name)s.") % {"name": username})


@user_app.command("agencies")
def user_agencies() -> None:
    """List the agencies with their ids."""
    from pharos.coordinate.queries import agencies_by_state
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    table = Table()
    for col in ("id", _("State"), _("Practitioner kind"), _("Agency")):
        table.add_column(col)
    with UnitOfWork(session_factory(engine)) as work:
        for a in agencies_by_state(work.session):
            table.add_row(str(a.id), a.state, a.kind, a.name)
    Console().print(table)


@user_app.command("password")
def user_password(username: str) -> None:
    """Set a new password for an account: its sessions end, its API tokens are revoked and its
    failed sign-ins are forgotten."""
    from pharos.coordinate.accounts import set_password
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        out = set_password(work.session, user, _ask_password(), None)
        work.commit()
    typer.echo(_("Password changed for %(name)s.") % {"name": username})
    typer.echo(
        _("Sessions ended: %(sessions)s; API tokens revoked: %(tokens)s.")
        % {"sessions": out.sessions, "tokens": out.tokens}
    )


@user_app.command("deactivate")
def user_deactivate(username: str) -> None:
    """Shut an account out: no sign-in, its sessions end, its API tokens are revoked (its
    records stay)."""
    from pharos.coordinate.accounts import deactivate
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        out = deactivate(work.session, user, None)
        work.commit()
    typer.echo(_("Deactivated %(name)s.") % {"name": username})
    typer.echo(
        _("Sessions ended: %(sessions)s; API tokens revoked: %(tokens)s.")
        % {"sessions": out.sessions, "tokens": out.tokens}
    )


@user_app.command("reactivate")
def user_reactivate(username: str) -> None:
    """Let a deactivated account sign in again (its revoked API tokens stay revoked)."""
    from pharos.coordinate.accounts import reactivate
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        reactivate(work.session, user, None)
        work.commit()
    typer.echo(_("Reactivated %(name)s.") % {"name": username})


@user_app.command("unlock")
def user_unlock(username: str) -> None:
    """Forget an account's failed sign-ins, so that its attempts are no longer slowed down."""
    from pharos.coordinate import audit
    from pharos.coordinate.accounts import clear_failures
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        n = clear_failures(work.session, user.username)
        audit.record(work.session, None, "unlock", "account", user.id, detail={"failures": n})
        work.commit()
    typer.echo(_("Unlocked %(name)s.") % {"name": username})


@token_app.command("create")
def token_create(
    username: str,
    name: str = typer.Option("script", help="What the token is for."),
    days: int = typer.Option(
        90, min=1, max=365, help="How many days the token is valid (at most 365)."
    ),
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    from pharos.coordinate.accounts import create_token
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        if not user.active:
            typer.echo(_("%(name)s is deactivated.") % {"name": username}, err=True)
            raise typer.Exit(2)
        token = create_token(work.session, user, name, days)
        work.commit()
    sys.stdout.write(token + "\n")


@token_app.command("revoke")
def token_revoke(username: str) -> None:
    """Revoke every API token of a user."""
    from pharos.coordinate.accounts import revoke_tokens
    from pharos.store.db import session_factory
    from pharos.store.uow import UnitOfWork

    _settings, engine = _engine()
    with UnitOfWork(session_factory(engine)) as work:
        user = _find_user(work, username)
        n = revoke_tokens(work.session, user)
        work.commit()
    typer.echo(ngettext("Revoked %(n)s token.", "Revoked %(n)s tokens.", n) % {"n": n})
