"""Load on a live exercise: browsers in their own processes, steady actions, 1 and 2 workers.

    PYTHONPATH=src python benchmarks/exercise_load.py [--players 200] [--rate 5] [--seconds 20]
        [--workers 1,2] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--client-processes 4]

For each number of workers (default: 1, and 2 on PostgreSQL), on a fresh database: starts
``pharos serve --workers N`` on loopback, creates and starts an exercise of the bundled scenario,
and opens one server-sent-event stream per player in ``--client-processes`` separate processes
(players are spread over the scenario's played teams, each with a browser session of its team's
demo user; with several workers each stream lands on whichever worker accepts it). Then actions
are sent at a steady rate, round robin over the teams, from another process. For each action it
measures the time from sending it to the moment its update (the event with the action's number)
reached EVERY browser of the affected team (one machine, one monotonic clock for all processes),
and prints p50/p95/p99, updates lost (a browser of the team never got it), updates duplicated
(a browser got it twice) and errors (refused or unanswered actions). The reference, measured in
the same run, is a plain signed-in ``GET`` of the exercise state at the same rate; the ratio says
what live fan-out costs on top. Goal: p95 under 250 ms, nothing lost, duplicated or refused; with
2 workers, p95 at most 0.6 x one worker's.

SQLite serves with one worker only (``pharos serve`` refuses more). On this machine the clients
share the cores with the server: say how many cores there are when quoting the figures.
PHAROS_EXERCISE_SQLITE_SYNC=normal lets SQLite commit without waiting for the disk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.exercise.scenario.loader import load_scenario
from pharos.web.serverproc import ServerProcess, client_limits
from pharos.web.testing import fresh_database

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
USERS = {
    "ita-labour": "it.labour",
    "ita-police": "it.police",
    "ita-ngo": "it.ngo",
    "tun-police": "tn.police",
    "esp-police": "es.police",
    "esp-labour": "es.labour",
    "mlt-police": "mt.police",
    "grc-police": "gr.police",
}


def sign_in(base: str, username: str) -> dict[str, str]:
    """Headers of a browser session of ``username`` (session cookie and CSRF token)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as c:
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


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by process ``pid`` and every process under it (the
    workers of ``pharos serve --workers N``), from Linux's /proc; ``None`` elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue  # ended meanwhile
            fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
            parents[int(entry)] = int(fields[1])
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        return None
    if pid not in used:
        return None
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                todo.append(child)
    return sum(used[p] for p in tree)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# -- the browsers (in their own processes) ---------------------------------------------------------
async def _stream(
    client: httpx.AsyncClient,
    url: str,
    auth: dict[str, str],
    seen: dict[int, list[float]],
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
                    seen.setdefault(json.loads(line[6:])["seq"], []).append(time.monotonic())
                if stop.is_set():
                    return
    except (httpx.HTTPError, asyncio.CancelledError) as exc:
        if not ready.is_set():
            print(f"stream failed before it opened: {exc!r}", flush=True)


async def _browsers(
    base: str, url: str, players: list[tuple[str, dict[str, str]]], conn: Any
) -> list[tuple[str, dict[int, list[float]]]]:
    limits = httpx.Limits(
        max_connections=len(players) + 10, keepalive_expiry=client_limits().keepalive_expiry
    )
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=None, limits=limits) as client:
        clients = []
        for team, auth in players:
            seen: dict[int, list[float]] = {}
            ready = asyncio.Event()
            task = asyncio.create_task(_stream(client, url, auth, seen, ready, stop))
            clients.append((team, seen, ready, task))
            if len(clients) % 25 == 0:  # connect in waves, as people sign in
                await asyncio.wait_for(
                    asyncio.gather(*(c[2].wait() for c in clients[-25:])), timeout=300
                )
        await asyncio.wait_for(asyncio.gather(*(c[2].wait() for c in clients)), timeout=300)
        conn.send("ready")
        while not conn.poll(0.1):  # until the actions are done and their updates had time
            await asyncio.sleep(0.1)
        conn.recv()
        stop.set()
        for c in clients:
            c[3].cancel()
    return [(team, seen) for team, seen, _r, _t in clients]


def browsers(base: str, url: str, players: list[tuple[str, dict[str, str]]], conn: Any) -> None:
    """One process of browsers: reports 'ready' once every stream is open, waits for 'stop',
    then sends back what each browser saw (sequence number -> arrival times)."""
    conn.send(asyncio.run(_browsers(base, url, players, conn)))


# -- one run -------------------------------------------------------------------------------------
@dataclass
class Result:
    workers: int
    latencies: list[float]
    acks: list[float]
    ref: list[float]
    sent: int
    acknowledged: int
    errors: int
    lost: int
    duplicated: int
    failures: dict[str, int]
    #: CPU seconds the server's processes used while the actions were sent and delivered
    cpu: float | None = None
    #: the machine's load average (1 minute) at the end of the run
    load: float | None = None


async def _act(
    base: str,
    ex: str,
    tokens: dict[str, dict[str, str]],
    teams: list[str],
    rate: float,
    seconds: float,
    timeout: float,
    server_pid: int,
) -> tuple[
    list[float], list[tuple[str, int, float]], list[float], int, dict[str, int], float | None
]:
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=client_limits()) as client:
        ref: list[float] = []
        n = int(rate * min(seconds, 10))
        for i in range(n):  # reference: an authenticated GET of the state at the same rate
            team = teams[i % len(teams)]
            t0 = time.monotonic()
            res = await client.get(f"/api/v1/exercises/{ex}/state", headers=tokens[team])
            if res.status_code == 200:
                ref.append(time.monotonic() - t0)
            await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - t0)))

        cpu0 = cpu_seconds(server_pid)
        sent: list[tuple[str, int, float]] = []
        acks: list[float] = []
        errors = 0
        failures: dict[str, int] = {}

        async def one(i: int) -> None:
            nonlocal errors
            team = teams[i % len(teams)]
            t0 = time.monotonic()
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
                failures[f"HTTP {res.status_code}"] = failures.get(f"HTTP {res.status_code}", 0) + 1
                return
            acks.append(time.monotonic() - t0)
            sent.append((team, res.json()["seq"], t0))

        start = time.monotonic()
        pending = []
        i = 0
        while time.monotonic() - start < seconds:
            pending.append(asyncio.create_task(one(i)))
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        await asyncio.gather(*pending)
        await asyncio.sleep(3)  # the last updates' time to arrive
        cpu1 = cpu_seconds(server_pid)
    cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return ref, sent, acks, errors, failures, cpu


def run_once(args: argparse.Namespace, workers: int, url: str, folder: Path) -> Result:
    fresh_database(url).dispose()
    teams = [t.id for t in load_scenario("mediterranean-regional").scenario.teams if t.played]
    server = ServerProcess(url, folder, args=("--workers", str(workers)))
    server.start(timeout=180)
    procs: list[tuple[Any, Any]] = []
    try:
        tokens = {t: sign_in(server.base, USERS[t]) for t in teams}
        director = sign_in(server.base, "it.coordinator")
        with httpx.Client(base_url=server.base, timeout=60, limits=server.limits()) as c:
            ex = c.post("/api/v1/exercises", headers=director).json()["id"]
            c.post(f"/api/v1/exercises/{ex}/control", headers=director, json={"command": "start"})
        cast = [teams[i % len(teams)] for i in range(args.players)]
        players = [(team, tokens[team]) for team in cast]
        ctx = mp.get_context("spawn")
        k = max(1, min(args.client_processes, args.players))
        for j in range(k):
            parent, child = ctx.Pipe()
            p = ctx.Process(
                target=browsers,
                args=(server.base, f"/exercises/{ex}/stream", players[j::k], child),
                daemon=True,
            )
            p.start()
            procs.append((p, parent))
        for _p, parent in procs:
            if not parent.poll(600):
                raise RuntimeError("the browsers did not connect in time")
            assert parent.recv() == "ready"
        print(f"  {args.players} players connected over {len(teams)} teams in {k} processes")
        assert server.proc is not None
        ref, sent, acks, errors, failures, cpu = asyncio.run(
            _act(
                server.base,
                ex,
                tokens,
                teams,
                args.rate,
                args.seconds,
                args.timeout,
                server.proc.pid,
            )
        )
        seen_by: list[tuple[str, dict[int, list[float]]]] = []
        for _p, parent in procs:
            parent.send("stop")
        for p, parent in procs:
            seen_by += parent.recv()
            p.join(30)
    finally:
        for p, _parent in procs:
            if p.is_alive():
                p.kill()
        server.stop()
    latencies: list[float] = []
    lost = duplicated = 0
    for team, seq, t0 in sent:
        arrivals = [seen.get(seq) for tm, seen in seen_by if tm == team]
        if any(not a for a in arrivals):
            lost += 1
            continue
        duplicated += sum(1 for a in arrivals if a and len(a) > 1)
        latencies.append(max(a[0] for a in arrivals if a) - t0)
    total = int(args.rate * args.seconds)
    return Result(
        workers,
        latencies,
        acks,
        ref,
        total,
        len(sent),
        errors,
        lost,
        duplicated,
        failures,
        cpu,
        os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    )


def report(r: Result) -> None:
    def ms(v: float) -> str:
        return f"{v * 1000:.1f} ms"

    print(
        f"  actions sent: ~{r.sent}, acknowledged: {r.acknowledged}, errors: {r.errors}, "
        f"updates lost: {r.lost}, duplicated: {r.duplicated}"
    )
    if r.failures:
        print("  errors:", ", ".join(f"{k} x{v}" for k, v in sorted(r.failures.items())))
    if r.latencies:
        p50, p95, p99 = (pct(r.latencies, q) for q in (50, 95, 99))
        print(
            f"  action -> update at every affected browser: p50 {ms(p50)}  p95 {ms(p95)}  "
            f"p99 {ms(p99)}  (mean {ms(statistics.mean(r.latencies))})"
        )
    if r.acks:
        a50, a95 = ms(pct(r.acks, 50)), ms(pct(r.acks, 95))
        print(f"  action acknowledged (HTTP 201):  p50 {a50}  p95 {a95}")
    if r.ref:
        r50, r95 = ms(pct(r.ref, 50)), ms(pct(r.ref, 95))
        print(f"  reference (GET state):           p50 {r50}  p95 {r95}")
        if r.latencies:
            print(
                "  ratio p95 action-to-update / p95 reference: "
                f"{pct(r.latencies, 95) / pct(r.ref, 95):.2f}"
            )
    if r.cpu is not None and r.acknowledged:
        print(
            f"  server CPU while acting: {r.cpu:.1f} s, {r.cpu / r.acknowledged * 1000:.1f} ms "
            "per action"
        )
    if r.load is not None:
        print(f"  load average (1 min) at the end: {r.load:.1f}")
    clean = not (r.errors or r.lost or r.duplicated)
    ok = bool(r.latencies) and pct(r.latencies, 95) < 0.250 and clean
    print("  goal (p95 < 250 ms, nothing lost, duplicated or refused):", "met" if ok else "NOT met")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument(
        "--rate",
        type=float,
        default=5.0,
        help="actions per second, all players together (5: each of 200 players acts every 40 s)",
    )
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer")
    ap.add_argument("--workers", default="", help="worker counts to compare, e.g. 1,2")
    ap.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite, 1 worker)")
    ap.add_argument("--client-processes", type=int, default=4)
    a = ap.parse_args()
    counts = [int(w) for w in a.workers.split(",") if w.strip()] or (
        [1, 2] if a.database_url else [1]
    )
    print(f"machine: {os.cpu_count()} cores, shared by the server(s) and the clients")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for workers in counts:
            url = a.database_url or f"sqlite:///{Path(folder) / f'pharos-{workers}.db'}"
            print(f"{workers} worker(s) on {url.split(':', 1)[0]}:")
            result = run_once(a, workers, url, Path(folder))
            report(result)
            results.append(result)
    if len(results) > 1 and all(r.latencies for r in results):
        base = pct(results[0].latencies, 95)
        for r in results[1:]:
            ratio = pct(r.latencies, 95) / base
            verdict = "met" if ratio <= 0.6 else "NOT met"
            print(
                f"p95 with {r.workers} workers / p95 with {results[0].workers}: {ratio:.2f} "
                f"(goal at most 0.6: {verdict})"
            )


if __name__ == "__main__":
    main()
