"""A soak: mixed traffic against two `pharos serve` processes on one PostgreSQL database, with
one of them killed (SIGKILL) and started again along the way.

    PYTHONPATH=src python benchmarks/soak.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/soak
        [--seconds 1200] [--kills 2] [--players 200] [--rate 5] [--case-rate 2]

On a fresh database (the demo loaded), on loopback only: two server processes A and B; an
exercise of the bundled scenario started, ``--players`` browsers following it (server-sent
events, half on each process, reconnecting as a browser does), player actions at ``--rate`` per
second, case work at ``--case-rate`` per second (a case opened, a note added to an earlier one),
and a hidden-figure estimate every ten seconds, each request to either process at random. A is
killed with SIGKILL ``--kills`` times, evenly spread, and started again each time.

At the end it checks, and exits 1 if any check fails:
- no acknowledged write lost: every action acknowledged (201) is in the exercise's log with its
  text, every case and note acknowledged is in the database;
- nothing duplicated: each action's text is in the log once, each note once; no browser was told
  of one event twice on one connection;
- the exercise's log is chained and numbered without a gap; ``pharos audit verify`` passes;
- no error other than requests to the killed process between its death and its restart;
- memory: each process's resident size sampled every ten seconds; the growth from the first
  sample after warming up to the last is printed (a process started again counts from its start).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from pharos.estimate.examples import EXAMPLES
from pharos.exercise.runtime.serverproc import ServerProcess
from pharos.exercise.runtime.store import SqlEventStore, verify
from pharos.store.db import make_engine
from pharos.store.models import Case, CaseNote
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

    def failed(self, base: str, what: str) -> None:
        with self.lock:
            since, until = self.down.get(base, (0.0, 0.0))
            if since and since <= time.monotonic() <= until + 2.0:
                self.expected_errors += 1
            else:
                self.errors.append(what)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


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
        self.rng = random.Random(20261205)

    def _base(self) -> str:
        return self.rng.choice(self.servers).base

    def _auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def actions(self, rate: float) -> None:
        teams = list(TEAM_USERS)
        with httpx.Client(timeout=30) as client:
            i = 0
            start = time.monotonic()
            while not self.stop.is_set():
                team = teams[i % len(teams)]
                text = f"soak statement {i}"
                base = self._base()
                try:
                    r = client.post(
                        f"{base}/api/v1/exercises/{self.ex}/actions",
                        headers=self._auth(TEAM_USERS[team]),
                        json={"type": "publish_media_statement", "text": text},
                    )
                    if r.status_code == 201:
                        with self.tally.lock:
                            self.tally.actions[int(r.json()["seq"])] = text
                    else:
                        self.tally.failed(base, f"action {i}: HTTP {r.status_code} {r.text[:120]}")
                except httpx.HTTPError as exc:
                    self.tally.failed(base, f"action {i}: {exc!r}")
                i += 1
                self.stop.wait(max(0.0, start + i / rate - time.monotonic()))

    def casework(self, rate: float) -> None:
        with httpx.Client(timeout=30) as client:
            i = 0
            start = time.monotonic()
            while not self.stop.is_set():
                base = self._base()
                auth = self._auth("it.labour")
                try:
                    if i % 2 == 0 or not self.tally.cases:
                        r = client.post(
                            f"{base}/api/v1/cases", headers=auth, json={"title": f"soak case {i}"}
                        )
                        if r.status_code == 201:
                            body = r.json()
                            case_id = int(body.get("id") or body["case"]["id"])
                            with self.tally.lock:
                                self.tally.cases.append(case_id)
                        else:
                            self.tally.failed(base, f"case {i}: HTTP {r.status_code}")
                    else:
                        case_id = self.rng.choice(self.tally.cases)
                        text = f"soak note {i}"
                        r = client.post(
                            f"{base}/api/v1/cases/{case_id}/notes",
                            headers=auth,
                            json={"text": text},
                        )
                        if r.status_code == 200:
                            with self.tally.lock:
                                self.tally.notes[text] = case_id
                        else:
                            self.tally.failed(base, f"note {i}: HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    self.tally.failed(base, f"case work {i}: {exc!r}")
                i += 1
                self.stop.wait(max(0.0, start + i / rate - time.monotonic()))

    def estimates(self, every: float = 10.0) -> None:
        table = {"source": "example", "example": next(iter(EXAMPLES))}  # a published table
        with httpx.Client(timeout=60) as client:
            while not self.stop.wait(every):
                base = self._base()
                try:
                    r = client.post(
                        f"{base}/api/v1/estimate", headers=self._auth("it.labour"), json=table
                    )
                    if r.status_code == 200:
                        with self.tally.lock:
                            self.tally.estimates += 1
                    else:
                        self.tally.failed(base, f"estimate: HTTP {r.status_code} {r.text[:200]}")
                except httpx.HTTPError as exc:
                    self.tally.failed(base, f"estimate: {exc!r}")

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
        ]
        for t in threads:
            t.start()
        start = time.monotonic()
        kill_at = [a.seconds * (k + 1) / (a.kills + 1) for k in range(a.kills)]
        memory: dict[str, list[tuple[float, int]]] = {"A": [], "B": []}
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
                        pids = [s.proc.pid, *children(s.proc.pid)]
                        total = sum(rss_kib(p) or 0 for p in pids)
                        memory[name].append((now, total))
                with tally.lock:
                    acted, cased = len(tally.actions), len(tally.cases)
                print(
                    f"  {now:6.0f} s: {acted} actions, {cased} cases, {len(tally.notes)} notes, "
                    f"{tally.estimates} estimates, errors {len(tally.errors)}",
                    flush=True,
                )
            time.sleep(0.5)
        traffic.stop.set()
        for t in threads:
            t.join(30)
        time.sleep(2.0)
        failures = check(a.database_url, ex, tally)
        for s in servers:
            s.stop()
    for name, samples in memory.items():
        warm = [m for t, m in samples if t >= samples[0][0] + WARM_UP_SECONDS] if samples else []
        if len(warm) >= 2:
            print(
                f"memory of {name}: {warm[0] / 1024:.0f} MiB after warming up, "
                f"{warm[-1] / 1024:.0f} MiB at the end ({(warm[-1] - warm[0]) / 1024:+.0f} MiB)"
            )
    print(
        f"acknowledged: {len(tally.actions)} actions, {len(tally.cases)} cases, "
        f"{len(tally.notes)} notes, {tally.estimates} estimates; stream messages "
        f"{tally.stream_messages}, duplicated on a connection {tally.stream_duplicates}; errors to "
        f"the killed process while down {tally.expected_errors}, other errors {len(tally.errors)}"
    )
    for e in tally.errors[:10]:
        print("  error:", e)
    for f in failures:
        print("FAILED:", f)
    print("soak:", "passed" if not failures else "FAILED")
    return 1 if failures else 0


def check(url: str, ex: str, tally: Tally) -> list[str]:
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


if __name__ == "__main__":
    sys.exit(main())
