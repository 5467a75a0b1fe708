"""Issue 19, item 1: several `pharos serve` processes on one PostgreSQL database serve the same
exercises. An action taken through one process reaches the browsers following the exercise on
the other (PostgreSQL LISTEN/NOTIFY, catching up from the event log), a session opened on one is
good on the other, and after one process is killed (SIGKILL) and started again nothing is lost
or told twice. On SQLite `--workers` above 1 is refused.

Before this change the second process never heard of the first one's events: its stream stayed
silent and its pages showed the exercise as it was when it loaded it."""

from __future__ import annotations

import contextlib
import json
import queue
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.exercise.runtime.store import SqlEventStore, verify
from pharos.web.serverproc import ServerProcess, client_limits
from pharos.web.testing import database_url, fresh_database

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=20, follow_redirects=False, limits=client_limits())
    token = _CSRF.search(client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    assert r.status_code == 303, r.text[:300]
    found = _CSRF.search(client.get("/account").text)
    assert found
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


def _on(client: httpx.Client, base: str) -> httpx.Client:
    """The same signed-in browser talking to another server (the session is in the database)."""
    other = httpx.Client(base_url=base, timeout=20, follow_redirects=False, limits=client_limits())
    other.cookies = client.cookies
    other.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    return other


@contextmanager
def _following(client: httpx.Client, exercise_id: str) -> Iterator[queue.Queue[dict[str, Any]]]:
    """A browser following the exercise: the stream's messages, as they arrive."""
    got: queue.Queue[dict[str, Any]] = queue.Queue()
    hello = threading.Event()
    stop = threading.Event()

    def read() -> None:
        with (
            contextlib_suppress(),
            client.stream("GET", f"/exercises/{exercise_id}/stream", timeout=None) as r,
        ):
            for line in r.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("event: hello"):
                    hello.set()
                elif line.startswith("data: {"):
                    got.put(json.loads(line[6:]))

    t = threading.Thread(target=read, daemon=True)
    t.start()
    assert hello.wait(20), "the stream did not open"
    try:
        yield got
    finally:
        stop.set()


def contextlib_suppress() -> contextlib.suppress:
    return contextlib.suppress(httpx.HTTPError)  # the server went away (killed on purpose)


def _wait_for(got: queue.Queue[dict[str, Any]], seq: int, timeout: float = 15) -> list[int]:
    """Every sequence number the stream announced until ``seq`` arrived."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while seq not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"event {seq} never arrived; the stream announced {seen}"
        try:
            seen.append(int(got.get(timeout=left)["seq"]))
        except queue.Empty:
            continue
    return seen


def _control(client: httpx.Client, exercise_id: str, **data: Any) -> int:
    r = client.post(f"/api/v1/exercises/{exercise_id}/control", json=data)
    assert r.status_code == 201, r.text
    return int(r.json()["seq"])


def _state(client: httpx.Client, exercise_id: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/exercises/{exercise_id}/state")
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.postgres
def test_two_processes_serve_one_exercise(tmp_path: Path) -> None:
    url = database_url("postgres", tmp_path)
    fresh_database(url).dispose()
    a = ServerProcess(url, tmp_path)
    b = ServerProcess(url, tmp_path)
    try:
        a.start(timeout=180)
        b.start(timeout=180)
        director_a = _sign_in(a.base, "it.coordinator")
        director_b = _on(director_a, b.base)  # signed in on A, recognised by B
        assert director_b.get("/api/v1/me").status_code == 200
        created = director_a.post("/api/v1/exercises", json={})
        assert created.status_code == 201, created.text
        ex = str(created.json()["id"])
        _control(director_a, ex, command="start")

        with _following(director_b, ex) as on_b:
            # an action through A reaches B's browsers
            seq = _control(director_a, ex, command="speed", days_per_hour=48)
            _wait_for(on_b, seq)
            # and the other way round
            with _following(director_a, ex) as on_a:
                seq = _control(director_b, ex, command="pause")
                _wait_for(on_a, seq)
                _wait_for(on_b, seq)
        # paused (no clock ticks): both pages show the same exercise, read just after the write
        assert _state(director_a, ex)["seq"] == _state(director_b, ex)["seq"] == seq
        assert _state(director_a, ex)["hash"] == _state(director_b, ex)["hash"]

        # A dies without a word; B goes on; A comes back and catches up
        a.kill()
        _control(director_b, ex, command="resume")
        seq_b = _control(director_b, ex, command="pause")
        a.start(timeout=180)
        assert _state(director_a, ex)["seq"] == seq_b
        with _following(director_a, ex) as on_a, _following(director_b, ex) as on_b:
            seq = _control(director_a, ex, command="resume")
            assert seq > seq_b
            assert _wait_for(on_b, seq).count(seq) == 1
            seq = _control(director_b, ex, command="pause")
            for announced in (_wait_for(on_a, seq), _wait_for(on_b, seq)):
                assert len(announced) == len(set(announced)), announced  # none told twice

        # the log has every event once, chained, numbered without a gap
        store = SqlEventStore(url, create=False)
        try:
            events = store.events(ex)
        finally:
            store.engine.dispose()
        assert verify(events) == []
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert _state(director_a, ex)["hash"] == _state(director_b, ex)["hash"]
    finally:
        a.stop()
        b.stop()


def test_workers_need_postgresql(tmp_path: Path) -> None:
    env = {
        "PHAROS_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PHAROS_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli_app, ["--lang", "en", "serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    assert "More than one worker needs PostgreSQL" in result.output
    assert not (tmp_path / "p.db").exists()  # refused before anything was written
