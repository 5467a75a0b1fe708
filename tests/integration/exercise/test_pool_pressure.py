"""Many players acting at once never stall the server on its database connections.

A command waits for a group commit that needs a pooled connection; the request's own
authentication needs one too. If authentication ran on the event loop, a loop blocked waiting
for a connection would stop every request holding one from finishing: the server stalled until
the pool's timeout, then failed the commands (seen under load at 20-60 actions a second). Here
the pool is cut to two connections and twelve actions arrive at once, on one event loop as in
``pharos serve``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import pharos.web.app as web_app
from pharos.store.db import make_engine
from pharos.web.testing import database_url, fresh_database, make_app, run_async, signed_in_client


@pytest.fixture
def small_pool_app(tmp_path, monkeypatch):
    url = database_url("sqlite", tmp_path)
    fresh_database(url).dispose()

    def tight(url: str, **kwargs: Any):
        return make_engine(url, pool_size=2, max_overflow=0, pool_timeout=5, **kwargs)

    monkeypatch.setattr(web_app, "make_engine", tight)
    app = make_app(url)
    yield app
    app.state.engine.dispose()


def test_a_burst_of_actions_on_a_pool_of_two_connections(small_pool_app) -> None:
    app = small_pool_app
    director = signed_in_client(app, "it.coordinator")
    ex = director.post("/exercises", data={}, follow_redirects=False).headers["location"]
    ex = ex.split("/")[2]
    director.post(f"/exercises/{ex}/control", data={"command": "start"})
    labour = signed_in_client(app, "it.labour")
    headers = {"X-CSRF-Token": labour.csrf_token}
    cookies = dict(labour.cookies)

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies, timeout=60
        ) as client:

            async def act(i: int) -> int:
                res = await client.post(
                    f"/api/v1/exercises/{ex}/actions",
                    headers=headers,
                    json={"type": "publish_media_statement", "text": f"statement {i}"},
                )
                return res.status_code

            return await asyncio.wait_for(asyncio.gather(*(act(i) for i in range(12))), 30)

    assert run_async(burst()) == [201] * 12
