"""Issue 14, finding 5: a compromised account can be shut out. A new password (CLI or the
account page) or a deactivation (CLI or the administrators' page) ends the user's other
sessions and revokes their API tokens; tokens carry an expiry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.coordinate import accounts
from pharos.coordinate.demo import DEMO_PASSWORD, SHORT
from pharos.store.base import utcnow
from pharos.store.models import User
from pharos.web.testing import PharosClient, signed_in_client

NEW_PASSWORD = "a-new-password-2026"


def _token(client: PharosClient, **form: str) -> str:
    page = client.post("/account/tokens", data={"name": "sync", **form})
    m = re.search(r"(ph_[A-Za-z0-9_\-]+)", page.text)
    assert m, page.text[:300]
    return m.group(1)


def _bearer(app: FastAPI, token: str) -> int:
    r = TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return r.status_code


def _cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, *args: str, input: str = "") -> str:
    monkeypatch.setenv("PHAROS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(cli_app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _user_id(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.execute(select(User.id).where(User.username == username)).scalar_one()


def test_cli_password_change_shuts_the_old_holder_out(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reproduction: after `pharos user password it.social` the old session and the
    # old API token still answered 200
    thief = signed_in_client(app, "it.social")
    token = _token(thief)
    assert thief.get("/api/v1/me").status_code == 200 and _bearer(app, token) == 200
    out = _cli(engine, monkeypatch, "user", "password", "it.social", input=f"{NEW_PASSWORD}\n" * 2)
    assert thief.get("/api/v1/me").status_code == 401
    assert _bearer(app, token) == 401
    assert "Sessions ended: 1; API tokens revoked: 1." in out
    owner = signed_in_client(app, "it.social", NEW_PASSWORD)
    assert owner.get("/api/v1/me").json()["username"] == "it.social"


def test_a_new_password_on_the_account_page_keeps_only_this_session(app: FastAPI) -> None:
    here = signed_in_client(app, "es.social")
    elsewhere = signed_in_client(app, "es.social")
    token = _token(elsewhere)
    wrong = here.post(
        "/account/password",
        data={
            "current_password": "nope",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and elsewhere.get("/api/v1/me").status_code == 200
    differ = here.post(
        "/account/password",
        data={
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "x",
        },
    )
    assert differ.status_code == 422
    ok = here.post(
        "/account/password",
        data={
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert ok.status_code == 200
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert _bearer(app, token) == 401


def test_cli_deactivate_and_reactivate(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in_client(app, "gr.social")
    token = _token(client)
    _cli(engine, monkeypatch, "user", "deactivate", "gr.social")
    assert client.get("/api/v1/me").status_code == 401 and _bearer(app, token) == 401
    # a deactivated account answers like a name no account has
    with pytest.raises(AssertionError):
        signed_in_client(app, "gr.social")
    _cli(engine, monkeypatch, "user", "reactivate", "gr.social")
    again = signed_in_client(app, "gr.social")
    assert again.get("/api/v1/me").status_code == 200
    assert _bearer(app, token) == 401  # revoked tokens stay revoked


USERS = [f"eg.{k}" for k in SHORT.values()] + ["iom", "admin"]


def test_only_administrators_deactivate_on_the_accounts_page(app: FastAPI, engine: Engine) -> None:
    target = signed_in_client(app, "mt.police")
    token = _token(target)
    target_id = _user_id(engine, "mt.police")
    for user in USERS:
        if user == "admin":
            continue
        c = signed_in_client(app, user)
        assert c.get("/admin/accounts").status_code == 403, user
        for action in ("deactivate", "reactivate"):
            r = c.post(f"/admin/accounts/{target_id}/{action}")
            assert r.status_code == 403, (user, action)
    assert target.get("/api/v1/me").status_code == 200
    admin = signed_in_client(app, "admin")
    page = admin.get("/admin/accounts")
    assert page.status_code == 200 and "mt.police" in page.text
    r = admin.post(f"/admin/accounts/{target_id}/deactivate")
    assert r.status_code == 200 and "mt.police" in r.text
    assert target.get("/api/v1/me").status_code == 401 and _bearer(app, token) == 401
    assert admin.post(f"/admin/accounts/{_user_id(engine, 'admin')}/deactivate").status_code == 422
    assert admin.post("/admin/accounts/999999/deactivate").status_code == 404
    assert admin.post(f"/admin/accounts/{target_id}/reactivate").status_code == 200
    assert signed_in_client(app, "mt.police").get("/api/v1/me").status_code == 200


def test_tokens_carry_an_expiry(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in_client(app, "tn.police")
    assert client.post("/account/tokens", data={"name": "x", "days": "400"}).status_code == 422
    token = _token(client, days="1")
    assert _bearer(app, token) == 200
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert _bearer(app, token) == 401
    monkeypatch.setattr(accounts, "utcnow", utcnow)
    cli = _cli(engine, monkeypatch, "token", "create", "tn.police", "--days", "30")
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == "tn.police")).scalar_one()
        newest = accounts.tokens_of(s, user.id)[-1]
        assert cli.strip().startswith(newest.prefix)
        days = (newest.expires_at - newest.created_at).total_seconds() / 86400
    assert 29.9 < days < 30.1


def test_the_current_password_cannot_be_guessed_from_a_session(engine: Engine) -> None:
    """Whoever holds a stolen session meets the sign-in throttle when guessing the password."""
    from pharos.web.testing import make_app

    app = make_app(
        engine.url.render_as_string(hide_password=False), lockout_failures=2, login_first_delay=600
    )
    thief = signed_in_client(app, "mt.social")
    codes = [
        thief.post(
            "/account/password",
            data={
                "current_password": f"guess-{i}",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        ).status_code
        for i in range(3)
    ]
    assert codes == [422, 422, 429]


def test_cli_create_compares_usernames_as_they_are_stored(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pharos user create IT.Social` looked up "IT.Social" while the stored name is "it.social",
    # so the check passed and the insert died on the unique constraint with a traceback.
    monkeypatch.setenv("PHAROS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    with Session(engine) as s:
        agency_id = s.execute(
            select(User.agency_id).where(User.username == "it.social")
        ).scalar_one()
    runner = CliRunner()
    pw = f"{NEW_PASSWORD}\n" * 2
    taken = runner.invoke(
        cli_app,
        ["--lang", "en", "user", "create", " IT.Social ", "--agency", str(agency_id)],
        input=pw,
    )
    assert taken.exit_code == 2 and taken.exception is not None
    assert "The username it.social is taken." in taken.output
    for bad in ["   ", "x" * 81, "tab\there"]:
        refused = runner.invoke(
            cli_app, ["--lang", "en", "user", "create", bad, "--agency", str(agency_id)], input=pw
        )
        assert refused.exit_code == 2, refused.output
        assert "A username has 1 to 80 printable characters." in refused.output
    made = runner.invoke(
        cli_app,
        ["--lang", "en", "user", "create", " New.Worker", "--agency", str(agency_id)],
        input=pw,
    )
    assert made.exit_code == 0, made.output
    assert "Created new.worker." in made.output
    assert _user_id(engine, "new.worker") > 0
