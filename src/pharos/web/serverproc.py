"""A real ``pharos serve`` process on loopback, for the crash test, the test of several
processes on one database and the load benchmark.

Starts the server in its own process (so a SIGKILL kills it like a power cut), waits until it
answers, and gives API tokens for demo users. Tokens are created directly in the database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pharos.coordinate.accounts import create_token
from pharos.store.db import make_engine, session_factory
from pharos.store.models import User
from pharos.store.uow import UnitOfWork
from pharos.web.settings import KEEP_ALIVE_S as KEEP_ALIVE


def client_limits(keep_alive: int = KEEP_ALIVE) -> httpx.Limits:
    """For a client that keeps connections to a server closing idle ones after ``keep_alive``
    seconds: idle ones are dropped in half that time. With the same time on both sides (httpx's
    default and uvicorn's are both 5 s) a request sent just as the server closes the idle
    connection meets a reset (tests/integration/server/test_keep_alive.py)."""
    return httpx.Limits(keepalive_expiry=keep_alive / 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """``pharos serve`` on ``database_url``; ``start``/``kill``/``stop`` by process id."""

    database_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    #: more options of ``pharos serve`` (``--workers 2``)
    args: tuple[str, ...] = ()
    #: ``pharos serve --keep-alive``: seconds the server keeps an idle connection open
    keep_alive: int = KEEP_ALIVE
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        """What the server printed."""
        return self.data_dir / f"server-{self.port}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0) -> None:
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        env.update(
            PHAROS_DATABASE_URL=self.database_url,
            PHAROS_DATA_DIR=str(self.data_dir),
            PHAROS_FAST_HASHING="1",
        )
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pharos",
                    "serve",
                    "--port",
                    str(self.port),
                    "--keep-alive",
                    str(self.keep_alive),
                    *self.args,
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"pharos serve exited with {self.proc.returncode}:\n{self.log.read_text()}"
                )
            try:
                if httpx.get(self.base + "/login", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("pharos serve did not answer in time")

    def limits(self) -> httpx.Limits:
        """:func:`client_limits` for this server."""
        return client_limits(self.keep_alive)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def token(self, username: str) -> str:
        engine = make_engine(self.database_url)
        try:
            with UnitOfWork(session_factory(engine)) as work:
                user = work.session.query(User).filter_by(username=username).one()
                token = create_token(work.session, user, "exercise-test")
                work.commit()
            return token
        finally:
            engine.dispose()
