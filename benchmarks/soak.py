"""A soak: mixed traffic against two `pharos serve` processes on one PostgreSQL database, with
one of them killed (SIGKILL) and started again along the way.

    PYTHONPATH=src python benchmarks/soak.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/soak
        [--seconds 1200] [--kills 2] [--players 200] [--rate 5] [--case-rate 2]
        [--import-every 20] [--simulation-every 120]

On a fresh database (the demo loaded), on loopback only: two server processes A and B; an
exercise of the bundled scenario started, ``--players`` browsers following it (server-sent
events, half on each process, reconnecting as a browser does), player actions at ``--rate`` per
second, case work at ``--case-rate`` per second (a case opened, a note added to an earlier one),
a hidden-figure estimate every ten seconds, a small CTDC file imported through the import page
every ``--import-every`` seconds (every fourth one sent to both processes at once, as a double
submission), and a simulation run started from /analysis every ``--simulation-every`` seconds
(its progress followed), each request to either process at random. A is killed with SIGKILL
``--kills`` times, evenly spread, and started again each time. The clients keep idle connections
for half the servers' keep-alive time and never send a request again (tests/integration/server/
test_keep_alive.py: with the same time on both sides, a request can meet the server closing the
connection; a POST sent again would be stored twice).

At the end it checks, and exits 1 if any check fails:
- no acknowledged write lost: every action acknowledged (201) is in the exercise's log with its
  text, every case and note acknowledged is in the database;
- nothing duplicated: each action's text is in the log once, each note once; no browser was told
  of one event twice on one connection;
- each acknowledged import is one dataset of the analytics store with its three victims, none
  stored twice (a double submission is stored by one process and refused by the other); each
  acknowledged simulation is one row, done with its report, or interrupted because A, which held
  it, was killed after it started;
- the exercise's log is chained and numbered without a gap; ``pharos audit verify`` passes;
- no error other than requests to the killed process between its death and its restart;
- memory: each process's resident size sampled every ten seconds; the growth from the first
  sample after warming up to the last is printed (a process started again counts from its start).

It prints each kind of request's answer times (p50, p99, max, how many over 5 s) and the longest
wait for a lock seen in pg_stat_activity (sampled twice a second).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from pharos.estimate.examples import EXAMPLES
from pharos.exercise.runtime.store import SqlEventStore, verify
from pharos.learn.store import Store
from pharos.store.db import make_engine
from pharos.store.models import Case, CaseNote, SimulationRun
from pharos.web.serverproc import ServerProcess
from pharos.web.testing import fresh_database

TEAM_USERS = {
    "ita-labour": "it.labour",
    "ita-police": "it.police",
    "ita-ngo": "it.ngo",
    "tun-police": "tn.police",
    "esp-police": "es.police",
    "esp-labour": "es.labour",
    "mlt-police": "mt.police",
    "grc-police": "gr.police",
}
WARM_UP_SECONDS = 30.0
ENDED = {"done", "failed", "cancelled", "interrupted"}
#: Seconds a client waits for an answer: a case write or an action (a few database statements)
#: longer than this is an error; an estimate (1.4 s of CPU for UKdat's bootstrap on this machine
#: unloaded) or an import (parsing, Parquet) may take longer on a loaded machine, and each answer's
#: time is printed (p50, p99, max, over 5 s) so that slowness shows without being taken for loss.
WRITE_TIMEOUT = 30.0
HEAVY_TIMEOUT = 180.0
#: The Global Synthetic Data Codebook v2 (CTDC, Feb 2024) layout, as tests/unit/learn/ctdc_files.py
#: transcribes it; the values below are the codebook's spellings.
CTDC_HEADER = (
    "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,traffickMonths,"
    "meansDebtBondageEarnings,meansThreats,meansAbusePsyPhySex,meansFalsePromises,"
    "meansDrugsAlcohol,meansDenyBasicNeeds,meansExcessiveWorkHours,meansWithholdDocs,"
    "isForcedLabour,isSexualExploit,isOtherExploit,typeOfLabourAgriculture,"
    "typeOfLabourConstruction,typeOfLabourDomesticWork,typeOfLabourHospitality,"
    "typeOfSexProstitution,typeOfSexPornography,recruiterRelationIntimatePartner,"
    "recruiterRelationFriend,recruiterRelationFamily,recruiterRelationOther"
)
CTDC_ROWS = (  # after the year: gender, age, citizenship, country of exploitation, months, flags
    "Woman,18--20,NGA,ITA,0--12 (0-1 yr),,1,,1,,,,,,1,,,,,,1,,,1,,",
    "Man,27--29,EGY,ITA,13--24 (1-2 yrs),1,,,,,,1,1,1,,,1,,,,,,,,1,",
    "Woman,9--17,TUN,ESP,,,,1,,,,,,,1,,,,,,1,,1,,,",
)


def ctdc_file(i: int) -> bytes:
    """The ``i``-th import: three victims, each file different (the years spell ``i``)."""
    years = [2002 + (i // 21**k) % 21 for k in range(3)]
    lines = [CTDC_HEADER] + [f"{y},{row}" for y, row in zip(years, CTDC_ROWS, strict=True)]
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Tally:
    """What happened, shared by the traffic threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    actions: dict[int, str] = field(default_factory=dict)  # seq -> text
    cases: list[int] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # text -> case id
    estimates: int = 0
    expected_errors: int = 0  # to the killed process while it was down
    errors: list[str] = field(default_factory=list)
    stream_duplicates: int = 0
    stream_messages: int = 0
    down: dict[str, tuple[float, float]] = field(default_factory=dict)  # base -> (since, until)
    started: float = field(default_factory=time.monotonic)
    imports: dict[str, str] = field(default_factory=dict)  # sha256 -> file name, acknowledged
    imports_twice: list[str] = field(default_factory=list)  # acknowledged by both processes
    runs: dict[int, tuple[str, float]] = field(default_factory=dict)  # id -> (process, when)
    run_status: dict[int, str] = field(default_factory=dict)  # id -> last status seen
    runs_refused: int = 0  # 429: the queue was full, said so
    kills: list[float] = field(default_factory=list)  # when A was killed
    durations: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds

    def took(self, what: str, seconds: float) -> None:
        kind = what.split()[0] if not what.startswith("run ") else "status"
        with self.lock:
            self.durations.setdefault(kind, []).append(seconds)

    def failed(self, base: str, what: str) -> None:
        with self.lock:
            since, until = self.down.get(base, (0.0, 0.0))
            if since and since <= time.monotonic() <= until + 2.0:
                self.expected_errors += 1
            else:
                self.errors.append(f"{time.monotonic() - self.started:.0f} s, {what}")


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_report(name: str, samples: list[tuple[float, int, int]]) -> str:
    """The growth of a process's memory after warming up, in all and by quarter of the time
    sampled (a leak grows in every quarter; loading what the first request of each kind needs
    grows the first), from the process's own resident size; with its children as well (a
    simulation's worker while one runs) in all."""
    warm = [x for x in samples if x[0] >= samples[0][0] + WARM_UP_SECONDS] if samples else []
    if len(warm) < 5:
        return f"memory of {name}: too few samples after warming up ({len(warm)})"
    t0, t1 = warm[0][0], warm[-1][0]
    cuts = [t0 + (t1 - t0) * k / 4 for k in range(5)]
    at = [min(warm, key=lambda x: abs(x[0] - c))[1] for c in cuts]
    quarters = ", ".join(f"{(b - a) / 1024:+.0f}" for a, b in pairwise(at))
    return (
        f"memory of {name} over {t1 - t0:.0f} s after warming up: own {warm[0][1] / 1024:.0f} -> "
        f"{warm[-1][1] / 1024:.0f} MiB ({(warm[-1][1] - warm[0][1]) / 1024:+.0f} MiB; by quarter "
        f"{quarters} MiB), with children {warm[0][2] / 1024:.0f} -> {warm[-1][2] / 1024:.0f} MiB"
    )


def children(pid: int) -> list[int]:
    try:
        out = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(x) for x in out]


class Traffic:
    def __init__(
        self, servers: list[ServerProcess], tokens: dict[str, str], ex: str, tally: Tally
    ) -> None:
        self.servers, self.tokens, self.ex, self.tally = servers, tokens, ex, tally
        self.stop = threading.Event()
        self.last_use: dict[tuple[int, str], float] = {}  # (client, server) -> last answer

    def _auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def _client(self, timeout: float = WRITE_TIMEOUT) -> httpx.Client:
        """Keeps idle connections for less time than the servers do (``ServerProcess.limits``):
        reusing one the server is closing is the keep-alive race, not a server fault."""
        return httpx.Client(timeout=timeout, limits=self.servers[0].limits())

    def _send(
        self, client: httpx.Client, base: str, what: str, method: str, path: str, **kw: Any
    ) -> httpx.Response | None:
        """One request; an exception is an error (told with the time the connection to this
        server had been idle, and how long the request took). Never retried: a POST sent again
        would be stored twice (the API takes no idempotency key)."""
        t0 = time.monotonic()
        idle = t0 - self.last_use.get((id(client), base), t0)
        try:
            r = client.request(method, f"{base}{path}", **kw)
        except httpx.HTTPError as exc:
            cause = exc.__cause__ or exc.__context__
            self.tally.failed(
                base,
                f"{what} to {self._name(base)} (idle {idle:.2f} s, {time.monotonic() - t0:.1f} s): "
                f"{exc!r} <- {cause!r}",
            )
            self.last_use.pop((id(client), base), None)
            return None
        self.last_use[(id(client), base)] = time.monotonic()
        self.tally.took(what, time.monotonic() - t0)
        return r

    def _name(self, base: str) -> str:
        return "A" if base == self.servers[0].base else "B"

    def actions(self, rate: float) -> None:
        teams = list(TEAM_USERS)
        rng = random.Random(1)
        with self._client() as client:
            i = 0
            start = time.monotonic()
            while not self.stop.is_set():
                team = teams[i % len(teams)]
                text = f"soak statement {i}"
                base = rng.choice(self.servers).base
                r = self._send(
                    client,
                    base,
                    f"action {i}",
                    "POST",
                    f"/api/v1/exercises/{self.ex}/actions",
                    headers=self._auth(TEAM_USERS[team]),
                    json={"type": "publish_media_statement", "text": text},
                )
                if r is not None and r.status_code == 201:
                    with self.tally.lock:
                        self.tally.actions[int(r.json()["seq"])] = text
                elif r is not None:
                    self.tally.failed(base, f"action {i}: HTTP {r.status_code} {r.text[:120]}")
                i += 1
                self.stop.wait(max(0.0, start + i / rate - time.monotonic()))

    def casework(self, rate: float) -> None:
        rng = random.Random(2)
        with self._client() as client:
            i = 0
            start = time.monotonic()
            while not self.stop.is_set():
                base = rng.choice(self.servers).base
                auth = self._auth("it.labour")
                if i % 2 == 0 or not self.tally.cases:
                    r = self._send(
                        client,
                        base,
                        f"case {i}",
                        "POST",
                        "/api/v1/cases",
                        headers=auth,
                        json={"title": f"soak case {i}"},
                    )
                    if r is not None and r.status_code == 201:
                        body = r.json()
                        with self.tally.lock:
                            self.tally.cases.append(int(body.get("id") or body["case"]["id"]))
                    elif r is not None:
                        self.tally.failed(base, f"case {i}: HTTP {r.status_code}")
                else:
                    case_id = rng.choice(self.tally.cases)
                    text = f"soak note {i}"
                    r = self._send(
                        client,
                        base,
                        f"note {i}",
                        "POST",
                        f"/api/v1/cases/{case_id}/notes",
                        headers=auth,
                        json={"text": text},
                    )
                    if r is not None and r.status_code == 200:
                        with self.tally.lock:
                            self.tally.notes[text] = case_id
                    elif r is not None:
                        self.tally.failed(base, f"note {i}: HTTP {r.status_code}")
                i += 1
                self.stop.wait(max(0.0, start + i / rate - time.monotonic()))

    def estimates(self, every: float = 10.0) -> None:
        table = {"source": "example", "example": next(iter(EXAMPLES))}  # a published table
        rng = random.Random(3)
        with self._client(HEAVY_TIMEOUT) as client:
            while not self.stop.wait(every):
                base = rng.choice(self.servers).base
                r = self._send(
                    client,
                    base,
                    "estimate",
                    "POST",
                    "/api/v1/estimate",
                    headers=self._auth("it.labour"),
                    json=table,
                )
                if r is not None and r.status_code == 200:
                    with self.tally.lock:
                        self.tally.estimates += 1
                elif r is not None:
                    self.tally.failed(base, f"estimate: HTTP {r.status_code} {r.text[:200]}")

    def imports(self, every: float) -> None:
        """A small CTDC file uploaded through the import page every ``every`` seconds, each a
        different file; every fourth one sent to both processes at once (a double submission):
        one of the two must store it and the other refuse it as already imported."""
        rng = random.Random(4)
        with self._client(HEAVY_TIMEOUT) as client, self._client(HEAVY_TIMEOUT) as other:
            i = 0
            while not self.stop.wait(every):
                name, content = f"soak-{i}.csv", ctdc_file(i)
                answers: list[tuple[str, httpx.Response | None]] = []
                if i % 4 == 3:
                    both = [
                        threading.Thread(target=self._import, args=(c, s.base, i, answers))
                        for c, s in zip((client, other), self.servers, strict=True)
                    ]
                    for t in both:
                        t.start()
                    for t in both:
                        t.join()
                else:
                    self._import(client, rng.choice(self.servers).base, i, answers)
                stored = [b for b, r in answers if r is not None and r.status_code == 200]
                refused = [
                    b
                    for b, r in answers
                    if r is not None and r.status_code == 422 and "already imported" in r.text
                ]
                with self.tally.lock:
                    if stored:
                        self.tally.imports[hashlib.sha256(content).hexdigest()] = name
                    if len(stored) > 1:
                        self.tally.imports_twice.append(name)
                for b, r in answers:
                    if r is not None and b not in stored and b not in refused:
                        self.tally.failed(b, f"import {i}: HTTP {r.status_code} {r.text[:200]}")
                i += 1

    def _import(
        self, client: httpx.Client, base: str, i: int, answers: list[tuple[str, Any]]
    ) -> None:
        files = {"file": (f"soak-{i}.csv", ctdc_file(i), "text/csv")}
        auth = self._auth("it.coordinator")
        r = self._send(
            client, base, f"import {i}", "POST", "/learn/import", headers=auth, files=files
        )
        answers.append((base, r))

    def simulations(self, every: float) -> None:
        """A simulation run started from /analysis every ``every`` seconds (two replications of
        the bundled baseline), its progress followed as the run page does."""
        rng = random.Random(5)
        with self._client() as client:
            i = 0
            while not self.stop.wait(every):
                base = rng.choice(self.servers).base
                r = self._send(
                    client,
                    base,
                    f"simulation {i}",
                    "POST",
                    "/analysis/simulations",
                    headers=self._auth("it.coordinator"),
                    data={"scenario": "mediterranean-baseline", "runs": "2", "seed": str(i)},
                )
                if r is not None and r.status_code == 303:
                    run_id = int(r.headers["location"].rsplit("/", 1)[1])
                    with self.tally.lock:
                        self.tally.runs[run_id] = (self._name(base), time.monotonic())
                        self.tally.run_status[run_id] = "queued"
                elif r is not None and r.status_code == 429:  # the queue is full: said so
                    with self.tally.lock:
                        self.tally.runs_refused += 1
                elif r is not None:
                    self.tally.failed(base, f"simulation {i}: HTTP {r.status_code} {r.text[:200]}")
                for run_id in [k for k, v in self.tally.run_status.items() if v not in ENDED]:
                    other = rng.choice(self.servers).base
                    r = self._send(
                        client,
                        other,
                        f"run {run_id} status",
                        "GET",
                        f"/analysis/simulations/{run_id}/status",
                        headers=self._auth("it.coordinator"),
                    )
                    if r is not None and r.status_code == 200:
                        with self.tally.lock:
                            self.tally.run_status[run_id] = str(r.json()["status"])
                i += 1

    async def _browser(self, client: httpx.AsyncClient, base: str, username: str) -> None:
        while not self.stop.is_set():  # reconnects like a browser's EventSource
            seen: set[int] = set()
            try:
                async with client.stream(
                    "GET", f"{base}/exercises/{self.ex}/stream", headers=self._auth(username)
                ) as res:
                    async for line in res.aiter_lines():
                        if line.startswith("data: {"):
                            seq = int(json.loads(line[6:])["seq"])
                            with self.tally.lock:
                                self.tally.stream_messages += 1
                                if seq in seen:
                                    self.tally.stream_duplicates += 1
                            seen.add(seq)
                        if self.stop.is_set():
                            return
            except (httpx.HTTPError, asyncio.CancelledError):
                pass
            await asyncio.sleep(2.0)

    def browsers(self, players: int) -> None:
        async def main() -> None:
            limits = httpx.Limits(max_connections=players + 10)
            async with httpx.AsyncClient(timeout=None, limits=limits) as client:
                users = list(TEAM_USERS.values())
                tasks = [
                    asyncio.create_task(
                        self._browser(client, self.servers[i % 2].base, users[i % len(users)])
                    )
                    for i in range(players)
                ]
                while not self.stop.is_set():
                    await asyncio.sleep(0.5)
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run(main())


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--database-url", required=True, help="a PostgreSQL database to fill")
    ap.add_argument("--seconds", type=float, default=1200.0)
    ap.add_argument("--kills", type=int, default=2)
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument("--rate", type=float, default=5.0, help="player actions per second")
    ap.add_argument("--case-rate", type=float, default=2.0, help="case writes per second")
    ap.add_argument(
        "--import-every",
        type=float,
        default=20.0,
        help="seconds between two CTDC imports through the import page",
    )
    ap.add_argument(
        "--simulation-every",
        type=float,
        default=120.0,
        help="seconds between two simulation runs started from /analysis",
    )
    a = ap.parse_args()
    if not a.database_url.startswith("postgresql"):
        print("the soak needs PostgreSQL (two processes on one database)", file=sys.stderr)
        return 2
    fresh_database(a.database_url).dispose()
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder:
        servers = [ServerProcess(a.database_url, Path(folder)) for _ in range(2)]
        for s in servers:
            s.start()
        killed, survivor = servers
        usernames = {*TEAM_USERS.values(), "it.coordinator", "it.labour"}
        tokens = {u: servers[0].token(u) for u in usernames}
        director = {"Authorization": f"Bearer {tokens['it.coordinator']}"}
        ex = httpx.post(f"{killed.base}/api/v1/exercises", headers=director, timeout=60).json()[
            "id"
        ]
        httpx.post(
            f"{killed.base}/api/v1/exercises/{ex}/control",
            headers=director,
            json={"command": "start"},
            timeout=60,
        ).raise_for_status()
        traffic = Traffic(servers, tokens, ex, tally)
        threads = [
            threading.Thread(target=traffic.browsers, args=(a.players,), daemon=True),
            threading.Thread(target=traffic.actions, args=(a.rate,), daemon=True),
            threading.Thread(target=traffic.casework, args=(a.case_rate,), daemon=True),
            threading.Thread(target=traffic.estimates, daemon=True),
            threading.Thread(target=traffic.imports, args=(a.import_every,), daemon=True),
            threading.Thread(target=traffic.simulations, args=(a.simulation_every,), daemon=True),
        ]
        for t in threads:
            t.start()
        start = time.monotonic()
        kill_at = [a.seconds * (k + 1) / (a.kills + 1) for k in range(a.kills)]
        # (seconds, the process's own resident KiB, with its children's: a simulation's worker)
        memory: dict[str, list[tuple[float, int, int]]] = {"A": [], "B": []}
        lock_waits = LockWaits(a.database_url)
        next_sample = 0.0
        print(
            f"soak: {a.seconds:.0f} s, {a.players} browsers, {a.rate:g} actions/s, "
            f"{a.case_rate:g} case writes/s, {a.kills} kills of A",
            flush=True,
        )
        while (now := time.monotonic() - start) < a.seconds:
            if kill_at and now >= kill_at[0]:
                kill_at.pop(0)
                with tally.lock:
                    tally.down[killed.base] = (time.monotonic(), float("inf"))
                killed.kill()
                tally.kills.append(time.monotonic())
                print(f"  {now:6.0f} s: A killed (SIGKILL)", flush=True)
                time.sleep(2.0)
                killed.start()
                with tally.lock:
                    tally.down[killed.base] = (tally.down[killed.base][0], time.monotonic())
                memory["A"] = []  # a new process: its memory counts from its start
                print(f"  {time.monotonic() - start:6.0f} s: A started again", flush=True)
            if now >= next_sample:
                next_sample = now + 10.0
                for name, s in (("A", killed), ("B", survivor)):
                    if s.proc is not None:
                        own = rss_kib(s.proc.pid) or 0
                        total = own + sum(rss_kib(p) or 0 for p in children(s.proc.pid))
                        memory[name].append((now, own, total))
                with tally.lock:
                    acted, cased = len(tally.actions), len(tally.cases)
                print(
                    f"  {now:6.0f} s: {acted} actions, {cased} cases, {len(tally.notes)} notes, "
                    f"{tally.estimates} estimates, {len(tally.imports)} imports, "
                    f"{len(tally.runs)} simulations, errors {len(tally.errors)}, "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            lock_waits.sample()
            time.sleep(0.5)
        traffic.stop.set()
        for t in threads:
            t.join(60)
        wait_for_runs(a.database_url, tally)
        time.sleep(2.0)
        failures = check(a.database_url, ex, tally, Path(folder))
        lock_waits.close()
        for s in servers:
            s.stop()
    for name, samples in memory.items():
        print(memory_report(name, samples))
    print(
        f"acknowledged: {len(tally.actions)} actions, {len(tally.cases)} cases, "
        f"{len(tally.notes)} notes, {tally.estimates} estimates; stream messages "
        f"{tally.stream_messages}, duplicated on a connection {tally.stream_duplicates}; errors to "
        f"the killed process while down {tally.expected_errors}, other errors {len(tally.errors)}"
    )
    print(
        f"imports acknowledged {len(tally.imports)}; simulations acknowledged {len(tally.runs)} "
        f"({_counts(tally.run_status.values())}), refused as the queue was full "
        f"{tally.runs_refused}"
    )
    for kind, seconds in sorted(tally.durations.items()):
        q = sorted(seconds)
        print(
            f"  {kind}: {len(q)} answered, p50 {q[len(q) // 2]:.2f} s, "
            f"p99 {q[min(len(q) - 1, int(len(q) * 0.99))]:.2f} s, max {q[-1]:.2f} s, "
            f"over 5 s {sum(x > 5 for x in q)}"
        )
    print(f"longest wait for a lock seen in pg_stat_activity: {lock_waits.report()}")
    for e in tally.errors[:20]:
        print("  error:", e)
    for f in failures:
        print("FAILED:", f)
    print("soak:", "passed" if not failures else "FAILED")
    return 1 if failures else 0


def _counts(values: Any) -> str:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"


class LockWaits:
    """The longest wait for a lock among the servers' queries (pg_stat_activity, sampled twice a
    second): a request stuck behind a lock shows here."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.longest = (0.0, "")

    def sample(self) -> None:
        query = text(
            "SELECT extract(epoch FROM now() - query_start), left(query, 160) "
            "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        try:
            with self.engine.connect() as conn:
                for seconds, sql in conn.execute(query):
                    if float(seconds) > self.longest[0]:
                        self.longest = (float(seconds), str(sql))
        except Exception as exc:  # the soak goes on; the sample is lost
            print("pg_stat_activity:", exc, file=sys.stderr)

    def report(self) -> str:
        seconds, sql = self.longest
        return f"{seconds:.1f} s ({sql})" if sql else "none"

    def close(self) -> None:
        self.engine.dispose()


def wait_for_runs(url: str, tally: Tally, timeout: float = 300.0) -> None:
    """The simulations acknowledged end (done, or interrupted with their process) before the
    check; the servers are still up."""
    engine = make_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(
                    select(SimulationRun.id, SimulationRun.status).where(
                        SimulationRun.id.in_(list(tally.runs))
                    )
                ).all()
            if all(status in ENDED for _id, status in rows):
                return
            time.sleep(2.0)
    finally:
        engine.dispose()


def check(url: str, ex: str, tally: Tally, data_dir: Path) -> list[str]:
    failures: list[str] = []
    store = SqlEventStore(url, create=False)
    try:
        events = store.events(ex)
    finally:
        store.engine.dispose()
    if verify(events):
        failures.append(f"the exercise's log is broken at {verify(events)[:5]}")
    if [e.seq for e in events] != list(range(1, len(events) + 1)):
        failures.append("the exercise's log has a gap")
    by_seq = {e.seq: e for e in events}
    texts: dict[str, int] = {}
    for e in events:
        text = e.payload.get("text")
        if isinstance(text, str) and text.startswith("soak statement "):
            texts[text] = texts.get(text, 0) + 1
    lost = [
        s
        for s, t in tally.actions.items()
        if by_seq.get(s) is None or by_seq[s].payload.get("text") != t
    ]
    if lost:
        failures.append(f"{len(lost)} acknowledged actions are not in the log as acknowledged")
    twice = [t for t, n in texts.items() if n > 1]
    if twice:
        failures.append(f"{len(twice)} actions are in the log more than once")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = set(conn.execute(select(Case.id)).scalars())
            notes: dict[str, int] = {}
            for text in conn.execute(select(CaseNote.text)).scalars():
                if text.startswith("soak note "):
                    notes[text] = notes.get(text, 0) + 1
    finally:
        engine.dispose()
    if missing := [c for c in tally.cases if c not in stored]:
        failures.append(f"{len(missing)} acknowledged cases are missing")
    if missing_notes := [t for t in tally.notes if notes.get(t) != 1]:
        failures.append(f"{len(missing_notes)} acknowledged notes are missing or duplicated")
    failures += check_imports(data_dir, tally) + check_runs(url, data_dir, tally)
    if tally.stream_duplicates:
        failures.append(f"{tally.stream_duplicates} updates told twice on one connection")
    if tally.errors:
        failures.append(f"{len(tally.errors)} errors other than the killed process's")
    audit = subprocess.run(
        [sys.executable, "-m", "pharos", "--lang", "en", "audit", "verify"],
        env=os.environ | {"PHAROS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if audit.returncode != 0:
        failures.append(f"pharos audit verify: {audit.stdout[-300:]} {audit.stderr[-300:]}")
    return failures


def check_imports(data_dir: Path, tally: Tally) -> list[str]:
    """Each acknowledged import is one dataset of three victims; none stored twice."""
    failures: list[str] = []
    stored: dict[str, list[dict[str, Any]]] = {}
    for m in Store(data_dir / "learn").datasets():
        stored.setdefault(str(m["sha256"]), []).append(m)
    if missing := [n for d, n in tally.imports.items() if len(stored.get(d, [])) == 0]:
        failures.append(f"{len(missing)} acknowledged imports are not stored: {missing[:5]}")
    if twice := [m[0]["file"] for m in stored.values() if len(m) > 1]:
        failures.append(f"{len(twice)} imports are stored more than once: {twice[:5]}")
    if tally.imports_twice:
        failures.append(f"{len(tally.imports_twice)} imports acknowledged by both processes")
    if wrong := [
        n
        for d, n in tally.imports.items()
        if stored.get(d) and stored[d][0]["rows"] != {"victims": len(CTDC_ROWS)}
    ]:
        failures.append(f"{len(wrong)} imports stored with the wrong rows: {wrong[:5]}")
    return failures


def check_runs(url: str, data_dir: Path, tally: Tally) -> list[str]:
    """Each acknowledged simulation is one row; it ended done with its report, or interrupted
    because the process holding it (A) was killed after it was started."""
    failures: list[str] = []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(select(SimulationRun.id, SimulationRun.status)).all())
    finally:
        engine.dispose()
    kills = tally.kills
    for run_id, (process, when) in tally.runs.items():
        status = rows.get(run_id)
        tally.run_status[run_id] = status or "not stored"
        report = data_dir / "simulations" / str(run_id) / "report.html"
        if status is None:
            failures.append(f"simulation {run_id} acknowledged but not stored")
        elif status == "done" and not report.exists():
            failures.append(f"simulation {run_id} done without its report")
        elif status == "interrupted" and not (process == "A" and any(k > when for k in kills)):
            failures.append(f"simulation {run_id} on {process} interrupted with no kill")
        elif status not in ("done", "interrupted"):
            failures.append(f"simulation {run_id} ended {status}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
