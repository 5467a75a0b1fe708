"""Load on a live exercise: simulated players with server-sent-event clients and steady actions.

    PYTHONPATH=src python benchmarks/exercise_load.py [--players 200] [--rate 5] [--seconds 20]

Starts ``pharos serve`` on loopback (SQLite in a temporary folder), creates and starts an
exercise of the bundled scenario, opens one SSE stream per player (players are spread over the
scenario's played teams and use a browser session of their team's demo user), then sends actions
at a steady rate, round robin over the teams. For each action it measures the time from sending
it to the moment its update (the event with the action's number) reached EVERY browser of the
affected team, and prints p50/p95/p99 and the errors (refused actions, updates that never
arrived). The reference, measured in the same run and process, is a plain signed-in ``GET`` of
the exercise state at the same rate; the ratio says what live fan-out costs on top.
Goal: p95 under 250 ms with no errors.

PHAROS_EXERCISE_SQLITE_SYNC=normal lets SQLite commit without waiting for the disk (an
acknowledged event then survives a crash of the process, not a power cut).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.exercise.runtime.serverproc import ServerProcess
from pharos.exercise.scenario.loader import load_scenario

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in(base: str, username: str) -> dict[str, str]:
    """Headers of a browser session of ``username`` (session cookie and CSRF token)."""
    with httpx.Client(base_url=base, follow_redirects=False) as c:
        token = CSRF.search(c.get("/login").text)
        assert token
        res = c.post(
            "/login",
            data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
        )
        assert res.status_code == 303, f"cannot sign in as {username}"
        found = CSRF.search(c.get("/account").text)
        assert found
        cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
        return {"Cookie": cookie, "X-CSRF-Token": found.group(1)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def sse_client(
    client: httpx.AsyncClient,
    url: str,
    auth: dict[str, str],
    seen: dict[int, float],
    ready: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    try:
        async with client.stream("GET", url, headers=auth) as res:
            res.raise_for_status()
            async for line in res.aiter_lines():
                if line.startswith("event: hello"):
                    ready.set()
                elif line.startswith("data: {"):
                    seen[json.loads(line[6:])["seq"]] = time.perf_counter()
                if stop.is_set():
                    return
    except (httpx.HTTPError, asyncio.CancelledError) as exc:
        if not ready.is_set():
            print(f"stream failed before it opened: {exc!r}")
        return


async def run(players: int, rate: float, seconds: float, timeout: float) -> None:
    teams = [t for t in load_scenario("mediterranean-regional").scenario.teams if t.played]
    users = {
        "ita-labour": "it.labour",
        "ita-police": "it.police",
        "ita-ngo": "it.ngo",
        "tun-police": "tn.police",
        "esp-police": "es.police",
        "esp-labour": "es.labour",
        "mlt-police": "mt.police",
        "grc-police": "gr.police",
    }
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(f"sqlite:///{Path(folder) / 'pharos.db'}", Path(folder))
        server.start()
        try:
            tokens = {t.id: sign_in(server.base, users[t.id]) for t in teams}
            director = sign_in(server.base, "it.coordinator")
            limits = httpx.Limits(
                max_connections=players + 50, max_keepalive_connections=players + 50
            )
            async with httpx.AsyncClient(
                base_url=server.base, timeout=timeout, limits=limits
            ) as client:
                h = director
                ex = (await client.post("/api/v1/exercises", headers=h)).json()["id"]
                await client.post(
                    f"/api/v1/exercises/{ex}/control", headers=h, json={"command": "start"}
                )
                stop = asyncio.Event()
                clients = []
                for i in range(players):
                    team = teams[i % len(teams)].id
                    seen: dict[int, float] = {}
                    ready = asyncio.Event()
                    task = asyncio.create_task(
                        sse_client(
                            client, f"/exercises/{ex}/stream", tokens[team], seen, ready, stop
                        )
                    )
                    clients.append((team, seen, ready, task))
                    if len(clients) % 25 == 0:  # connect in waves, as people sign in
                        await asyncio.wait_for(
                            asyncio.gather(*(c[2].wait() for c in clients[-25:])), timeout=120
                        )
                await asyncio.wait_for(asyncio.gather(*(c[2].wait() for c in clients)), timeout=120)
                print(f"{players} players connected over {len(teams)} teams")

                # reference: an authenticated GET of the state at the same rate
                ref: list[float] = []
                n = int(rate * min(seconds, 10))
                for i in range(n):
                    team = teams[i % len(teams)].id
                    t0 = time.perf_counter()
                    res = await client.get(f"/api/v1/exercises/{ex}/state", headers=tokens[team])
                    if res.status_code == 200:
                        ref.append(time.perf_counter() - t0)
                    await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - t0)))

                # actions at a steady rate
                sent: list[tuple[str, int, float]] = []
                acks: list[float] = []
                errors = 0
                failures: dict[str, int] = {}
                interval = 1 / rate

                async def one(i: int) -> None:
                    nonlocal errors
                    team = teams[i % len(teams)].id
                    t0 = time.perf_counter()
                    try:
                        res = await client.post(
                            f"/api/v1/exercises/{ex}/actions",
                            headers=tokens[team],
                            json={"type": "publish_media_statement", "text": f"statement {i}"},
                        )
                    except httpx.HTTPError as exc:  # no answer in time: an error, not a crash
                        errors += 1
                        failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                        return
                    if res.status_code != 201:
                        errors += 1
                        return
                    acks.append(time.perf_counter() - t0)
                    sent.append((team, res.json()["seq"], t0))

                start = time.perf_counter()
                pending = []
                i = 0
                while time.perf_counter() - start < seconds:
                    pending.append(asyncio.create_task(one(i)))
                    i += 1
                    await asyncio.sleep(max(0.0, start + i * interval - time.perf_counter()))
                await asyncio.gather(*pending)
                await asyncio.sleep(3)
                stop.set()
                latencies: list[float] = []
                lost = 0
                for team, seq, t0 in sent:
                    arrivals = [seen.get(seq) for tm, seen, _r, _t in clients if tm == team]
                    if any(a is None for a in arrivals):
                        lost += 1
                        continue
                    latencies.append(max(a for a in arrivals if a is not None) - t0)
                for c in clients:
                    c[3].cancel()
        finally:
            server.stop()
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    print(f"actions sent: {i}, acknowledged: {len(sent)}, refused: {errors}, updates lost: {lost}")
    if failures:
        print("no answer:", ", ".join(f"{k} x{v}" for k, v in sorted(failures.items())))
    if latencies:
        p50, p95, p99 = (pct(latencies, q) for q in (50, 95, 99))
        print(
            f"action -> update at every affected browser: p50 {ms(p50)}  p95 {ms(p95)}  "
            f"p99 {ms(p99)}  (mean {ms(statistics.mean(latencies))})"
        )
    if acks:
        print(
            f"action acknowledged (HTTP 201):             p50 {ms(pct(acks, 50))}  "
            f"p95 {ms(pct(acks, 95))}"
        )
    if ref:
        r50, r95 = pct(ref, 50), pct(ref, 95)
        print(f"reference (GET state):                      p50 {ms(r50)}  p95 {ms(r95)}")
        if latencies:
            print(f"ratio p95 action-to-update / p95 reference: {p95 / r95:.2f}")
    ok = bool(latencies) and pct(latencies, 95) < 0.250 and errors == 0 and lost == 0
    print("goal (p95 < 250 ms, no errors):", "met" if ok else "NOT met")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument(
        "--rate",
        type=float,
        default=5.0,
        help="actions per second, all players together (5: each of 200 players acts every 40 s)",
    )
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer")
    a = ap.parse_args()
    asyncio.run(run(a.players, a.rate, a.seconds, a.timeout))


if __name__ == "__main__":
    main()
