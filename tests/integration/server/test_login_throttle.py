"""Issue 14, finding 4: sign-in throttling counts failures only, per username and per client
address, with a growing wait; known and unknown usernames get the same answers for the same
work; X-Forwarded-For is believed only from configured proxies (and uvicorn's own handling,
which trusted 127.0.0.1, is off)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.coordinate import accounts
from pharos.coordinate.accounts import LoginRefused, Throttle
from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.store.base import utcnow
from pharos.web.testing import make_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ERROR = re.compile(r'class="error"[^>]*>(.*?)<', re.S)
#: the first wait, long enough that a slow machine never outlasts it between two requests
SLOW = 600.0


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _client(app: Any, address: str) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False, client=(address, 50000))
    m = CSRF.search(client.get("/login").text)
    assert m
    return client, m.group(1)


def _try(client: TestClient, token: str, user: str, password: str, **headers: str) -> Any:
    return client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token},
        headers=headers,
    )


def _answer(r: Any) -> tuple[int, str]:
    """What a caller learns from a refusal: the status and the message (seconds left out)."""
    m = ERROR.search(r.text)
    return r.status_code, re.sub(r"\d+", "N", m.group(1).strip() if m else "")


def test_successful_sign_ins_never_count(engine: Engine) -> None:
    # a training room behind one NAT: 25 correct sign-ins from one address (old code: 429
    # after 20 attempts per address in 5 minutes, successes included)
    app = make_app(_url(engine), login_rate_limit=20)
    users = ["it.labour", "it.social", "it.ngo", "it.police", "eg.police"] * 5
    codes = [_try(*_client(app, "192.0.2.10"), u, DEMO_PASSWORD).status_code for u in users]
    assert codes == [303] * 25


def test_known_and_unknown_usernames_answer_alike(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step by step, a real account and a made-up name get the same status and message, and
    the server checks a password hash exactly as often for each (the same work: comparable
    time). Old code: the real account said "locked" after 5 failures, without hashing."""
    checks: list[str] = []
    real_check = accounts.check_password
    monkeypatch.setattr(
        accounts, "check_password", lambda h, p: checks.append(p) or real_check(h, p)
    )
    app = make_app(_url(engine), lockout_failures=3, login_first_delay=SLOW)
    answers: dict[str, list[tuple[int, str]]] = {}
    work: dict[str, list[int]] = {}
    for user, address in (("gr.ngo", "192.0.2.21"), ("gr.nobody", "192.0.2.22")):
        client, token = _client(app, address)
        answers[user], work[user] = [], []
        for password in ["wrong"] * 5 + [DEMO_PASSWORD]:
            before = len(checks)
            answers[user].append(_answer(_try(client, token, user, password)))
            work[user].append(len(checks) - before)
    assert answers["gr.ngo"] == answers["gr.nobody"]
    assert work["gr.ngo"] == work["gr.nobody"] == [1, 1, 1, 0, 0, 0]
    assert [a[0] for a in answers["gr.ngo"]] == [401, 401, 401, 429, 429, 429]
    assert "locked" not in str(answers)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    now = [utcnow()]
    monkeypatch.setattr(accounts, "utcnow", lambda: now[0])
    yield now


def test_the_wait_doubles_and_a_success_ends_it(engine: Engine, clock: list[datetime]) -> None:
    throttle = Throttle(account_free=2, address_free=100, first_delay_seconds=2.0)

    def attempt(password: str, seconds_later: float) -> str:
        clock[0] += timedelta(seconds=seconds_later)
        with Session(engine) as s:
            try:
                accounts.authenticate(s, "es.ngo", password, "198.51.100.1", throttle)
                result = "ok"
            except LoginRefused as refused:
                result = f"{refused.reason}:{refused.retry_after}"
            s.commit()
        return result

    steps = [
        attempt("wrong", 0),  # 1st failure
        attempt("wrong", 0),  # 2nd: the free ones are used up
        attempt(DEMO_PASSWORD, 1),  # 1 s later: wait 2 s after the last failure
        attempt("wrong", 1.5),  # checked: 3rd failure
        attempt(DEMO_PASSWORD, 3),  # wait 4 s
        attempt(DEMO_PASSWORD, 1.5),  # checked: right
        attempt("wrong", 0),  # counting starts again after a success
        attempt("wrong", 0),
    ]
    assert steps == [
        "bad_credentials:0",
        "bad_credentials:0",
        "throttled:1",
        "bad_credentials:0",
        "throttled:1",
        "ok",
        "bad_credentials:0",
        "bad_credentials:0",
    ]


def test_the_wait_has_a_ceiling(engine: Engine, clock: list[datetime]) -> None:
    throttle = Throttle(
        account_free=1, address_free=100, window_seconds=86400.0, max_delay_seconds=900.0
    )
    for _ in range(12):  # each checked only after its wait: 2, 4, ... 512, 900, 900 s
        clock[0] += timedelta(seconds=901)
        with Session(engine) as s:
            with pytest.raises(LoginRefused, match="bad_credentials"):
                accounts.authenticate(s, "ma.ngo", "wrong", "198.51.100.2", throttle)
            s.commit()  # as the sign-in route does: the failure is kept
    with Session(engine) as s:
        with pytest.raises(LoginRefused) as refused:
            accounts.authenticate(s, "ma.ngo", "wrong", "198.51.100.2", throttle)
        s.commit()
    assert refused.value.reason == "throttled" and refused.value.retry_after == 900


def test_an_address_is_slowed_down_across_usernames(engine: Engine) -> None:
    app = make_app(_url(engine), login_rate_limit=3, login_first_delay=SLOW)
    client, token = _client(app, "192.0.2.30")
    codes = [_try(client, token, f"nobody{i}", "x").status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    other, token2 = _client(app, "192.0.2.31")
    assert _try(other, token2, "nobody9", "x").status_code == 401


def test_forwarded_for_is_ignored_unless_from_a_configured_proxy(engine: Engine) -> None:
    # no proxy configured: a client choosing its X-Forwarded-For is still one address
    app = make_app(_url(engine), login_rate_limit=2, login_first_delay=SLOW)
    client, token = _client(app, "192.0.2.40")
    codes = [
        _try(client, token, f"x{i}", "x", **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 429, 429]


def test_a_configured_proxy_is_believed_for_its_hop_only(engine: Engine) -> None:
    app = make_app(
        _url(engine), login_rate_limit=2, login_first_delay=SLOW, trusted_proxies=("10.0.0.0/8",)
    )
    proxy, token = _client(app, "10.0.0.5")
    # the client behind the proxy is 203.0.113.50; what it wrote itself (left) proves nothing
    spoofed = [f"198.51.100.{i}, 203.0.113.50" for i in range(4)]
    codes = [
        _try(proxy, token, f"y{i}", "x", **{"X-Forwarded-For": h}).status_code
        for i, h in enumerate(spoofed)
    ]
    assert codes == [401, 401, 429, 429]
    # another client behind the same proxy is not slowed down
    r = _try(proxy, token, "y9", "x", **{"X-Forwarded-For": "203.0.113.51"})
    assert r.status_code == 401


def test_forwarded_proto_decides_the_secure_flag_only_from_a_proxy(engine: Engine) -> None:
    for proxies, secure in (((), False), (("10.0.0.0/8",), True)):
        app = make_app(_url(engine), trusted_proxies=proxies)
        client, token = _client(app, "10.0.0.7")
        r = _try(client, token, "it.police", DEMO_PASSWORD, **{"X-Forwarded-Proto": "https"})
        assert r.status_code == 303
        assert ("secure" in r.headers["set-cookie"].lower()) is secure


def test_bad_proxy_setting_is_refused() -> None:
    from pharos.web.settings import Settings

    with pytest.raises(ValueError, match="PHAROS_TRUSTED_PROXIES"):
        Settings(trusted_proxies=("proxy.example",))


def test_serve_leaves_forwarded_headers_to_pharos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.setenv("PHAROS_FAST_HASHING", "1")
    env = {
        "PHAROS_DATABASE_URL": f"sqlite:///{tmp_path / 'pharos.db'}",
        "PHAROS_DATA_DIR": str(tmp_path),
    }
    result = CliRunner().invoke(cli_app, ["serve", "--no-demo"], env=env)
    assert result.exit_code == 0, result.output
    assert calls[0]["proxy_headers"] is False
    bad = CliRunner().invoke(
        cli_app, ["serve", "--no-demo"], env=env | {"PHAROS_TRUSTED_PROXIES": "nonsense"}
    )
    assert bad.exit_code == 2 and "nonsense" in bad.output
