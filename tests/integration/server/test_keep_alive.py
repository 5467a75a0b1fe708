"""The soak's 'Connection reset by peer' (docs/server.md, "The soak"): the keep-alive race.

uvicorn closes a connection idle for ``timeout_keep_alive`` seconds (5 by default; ``pharos
serve --keep-alive``), and httpx keeps an idle connection for ``keepalive_expiry`` seconds (5 by
default). With the same time on both sides, a client that sends on a connection idle for just
under that time can send its request while the server is closing the connection: when the
server's event loop is busy (the soak's servers stream to 200 browsers), the request reaches a
socket the server's keep-alive timer has already closed, and the client reads a reset. The soak
met it when its case-work thread (2 requests a second, each to one of two servers at random) sent
to one server after ten requests to the other: 5.0 s idle. A client that drops idle connections
sooner than the server never meets it (``ServerProcess.limits``: half the server's time); a
POST is never sent again on such an error (the API takes no idempotency key: it would be stored
twice).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from pharos.web.serverproc import ServerProcess

KEEP_ALIVE = 1  # seconds, the server's (uvicorn's least)


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers 'ok'; at start-up, a task that holds the event loop 20 ms at a time, as a
    server busy with many streams does."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                asyncio.get_running_loop().create_task(_busy())
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _busy() -> None:
    while True:
        time.sleep(0.02)  # blocks the loop, as a long callback would
        await asyncio.sleep(0)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        _app, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _resets(base: str, limits: httpx.Limits, tries: int = 24) -> list[str]:
    """Requests each sent when the connection has been idle just under the client's keep-alive
    time (0 to 45 ms under), from a client that takes 50 ms to read each answer (the soak's
    client is one process with 200 streams and five threads: it reads late). The client counts
    the idle time from when it has read the answer, the server from when it wrote it: for those
    50 ms the server has closed a connection the client still thinks it may use."""

    def reads_late(response: httpx.Response) -> None:
        time.sleep(0.05)

    errors: list[str] = []
    with httpx.Client(limits=limits, timeout=5, event_hooks={"response": [reads_late]}) as client:
        client.get(base)
        for i in range(tries):
            time.sleep(KEEP_ALIVE - 0.045 * (i % 10) / 9)
            try:
                client.get(base)
            except httpx.TransportError as exc:
                errors.append(repr(exc))
    return errors


@pytest.mark.slow
def test_the_same_keep_alive_on_both_sides_meets_resets(base: str) -> None:
    errors = _resets(base, httpx.Limits(keepalive_expiry=KEEP_ALIVE))
    assert errors, "no request met the server closing its connection"


@pytest.mark.slow
def test_a_client_that_drops_idle_connections_sooner_meets_none(base: str, tmp_path: Path) -> None:
    server = ServerProcess("postgresql://unused", tmp_path, keep_alive=KEEP_ALIVE)
    assert server.limits().keepalive_expiry == KEEP_ALIVE / 2
    assert _resets(base, server.limits()) == []
