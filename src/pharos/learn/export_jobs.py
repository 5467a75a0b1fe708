"""Exports run in the background, one at a time, and their files are kept for a limited time.

The export page (``/learn/export``) hands the k-anonymous export to :class:`ExportJobs` instead
of running it inside the request: a 1,000,000-row export takes about a minute, longer than a
browser or a reverse proxy waits. One worker thread runs the jobs in order (the generalisation
search is CPU-bound; a second one at the same time would only slow both). Each job reports its
stage and progress (the plans of the generalisation lattice searched, then writing and
verifying) for the job's page to show.

Files are kept for ``ttl`` seconds after their job ends, then deleted with the job: a sweep runs
whenever the registry is used and every ``ttl / 4`` seconds at most (a daemon thread), so files do
not outlive their time even when nobody visits the page. Files in the folder that belong to no
job — left by a server that stopped, or a temporary file of an interrupted write — are deleted
once they are older than ``ttl``.

A user cannot start an export identical to one of theirs that is still queued or running (same
options, same datasets): :class:`DuplicateExport` names the running job.

Several server processes (``pharos serve --workers N``, or several machines sharing the store)
see the same jobs: each job is written next to its file as ``ID.json`` (atomically, at every
change of stage and at most twice a second while it runs), and a process that does not run a job
reads it from there — its page, its progress and its download work whichever process answers.
The duplicate check is a file created exclusively (``O_EXCL``) per user and export, so two
identical requests reaching two processes at the same moment cannot both start. A job's result
is plain JSON data (the web page rebuilds the report from it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Stages of a job; the last three are final.
QUEUED, SEARCH, WRITE, VERIFY = "queued", "search", "write", "verify"
DONE, REFUSED, FAILED = "done", "refused", "failed"
FINAL = frozenset({DONE, REFUSED, FAILED})
#: How long a finished export's file is kept by default (seconds): one hour.
DEFAULT_TTL = 3600.0
#: Least time between two writes of a running job's progress (seconds).
SAVE_EVERY = 0.5


@dataclass
class ExportJob:
    """One export: who asked, with what, where it stands and what it gave."""

    id: str
    owner: str
    key: Any  # JSON data: the options and datasets that make two exports the same
    path: Path
    created: float
    options: dict[str, Any] = field(default_factory=dict)
    #: when it was submitted, in wall-clock nanoseconds (orders jobs submitted in one tick)
    order: int = 0
    stage: str = QUEUED
    done: int = 0
    total: int = 0
    finished: float | None = None
    expires: float | None = None
    #: what the run returned (the export's report) or, refused, what to show (JSON data)
    result: Any = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = self.path.name
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> ExportJob:
        return cls(**{**data, "path": folder / data["path"]})

    @property
    def final(self) -> bool:
        return self.stage in FINAL

    def fraction(self) -> float:
        """Share of the work done, for a progress bar: the search is most of it."""
        if self.stage == QUEUED:
            return 0.0
        if self.final:
            return 1.0
        if self.stage == SEARCH:
            return 0.9 * (self.done / self.total if self.total else 0.0)
        return 0.9 if self.stage == WRITE else 0.95


class DuplicateExport(Exception):
    """The same user already has the same export queued or running."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__(job.id)
        self.job = job


#: ``run(job, progress)`` does the export into ``job.path`` and returns its report as JSON data;
#: it raises :class:`Refused` (with what to show) when the export is refused, any exception when
#: it fails.
Runner = Callable[[ExportJob, Callable[[str, int, int], None]], Any]


class Refused(Exception):
    """The export was refused (nothing written); ``shown`` is kept as the job's result."""

    def __init__(self, message: str, shown: Any = None) -> None:
        super().__init__(message)
        self.shown = shown


class ExportJobs:
    """The jobs of one server process and the folder their files are written to."""

    def __init__(
        self,
        folder: Path,
        ttl: float = DEFAULT_TTL,
        *,
        clock: Callable[[], float] = time.time,
        sweeper: bool = True,
    ) -> None:
        self.folder = Path(folder)
        self.ttl = float(ttl)
        self.clock = clock
        self._jobs: dict[str, ExportJob] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pharos-export")
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None
        self.sweep()
        if sweeper:
            self._sweeper = threading.Thread(
                target=self._sweep_loop, name="pharos-export-sweeper", daemon=True
            )
            self._sweeper.start()

    # --- starting and following jobs -------------------------------------------------------

    def submit(
        self, owner: str, key: Any, run: Runner, options: dict[str, Any] | None = None
    ) -> ExportJob:
        """Queue an export for ``owner``; refuses a duplicate of one still queued or running."""
        self.sweep()
        self.folder.mkdir(parents=True, exist_ok=True)
        token = secrets.token_hex(16)
        lock = self._claim(owner, key, token)
        job = ExportJob(
            id=token,
            owner=owner,
            key=json.loads(json.dumps(key)),  # as it reads back from the job's file
            path=self.folder / f"{token}.csv",
            created=self.clock(),
            options=dict(options or {}),
            order=time.time_ns(),
        )
        with self._lock:
            self._jobs[token] = job
        self._save(job)
        self._executor.submit(self._run, job, run, lock)
        return job

    def _claim(self, owner: str, key: Any, token: str) -> Path:
        """Create the file that marks ``owner``'s export ``key`` as under way (exclusively)."""
        digest = hashlib.sha256(json.dumps([owner, key], sort_keys=True).encode()).hexdigest()
        lock = self.folder / f".running-{digest[:32]}"
        for _attempt in range(2):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                holder = lock.read_text(encoding="utf-8").strip() if lock.exists() else ""
                job = self.get(holder) if holder else None
                if job is not None and not job.final:
                    raise DuplicateExport(job) from None
                lock.unlink(missing_ok=True)  # its job ended or is gone
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                fp.write(token)
            return lock
        raise DuplicateExport(self.get(lock.read_text(encoding="utf-8").strip()) or ExportJob(
            id="", owner=owner, key=key, path=lock, created=self.clock()))  # fmt: skip

    def get(self, token: str) -> ExportJob | None:
        """The job (None once it expired or if there is none), from this process or its file."""
        self.sweep()
        with self._lock:
            job = self._jobs.get(token)
        return job if job is not None else self._load(self.folder / f"{token}.json")

    def of(self, owner: str) -> list[ExportJob]:
        """The owner's jobs, newest first."""
        self.sweep()
        found = {j.id: j for j in self._stored() if j.owner == owner}
        with self._lock:
            found.update({t: j for t, j in self._jobs.items() if j.owner == owner})
        return sorted(found.values(), key=lambda j: (j.created, j.order), reverse=True)

    def _run(self, job: ExportJob, run: Runner, lock: Path) -> None:
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            changed = stage != job.stage
            job.stage, job.done, job.total = stage, done, total
            now = time.monotonic()
            if changed or now - last[0] >= SAVE_EVERY:
                last[0] = now
                self._save(job)

        try:
            job.stage = SEARCH
            self._save(job)
            job.result = run(job, progress)
            stage, error = DONE, None
        except Refused as exc:
            job.result = exc.shown
            stage, error = REFUSED, str(exc)
        except Exception as exc:  # reported on the job's page; the traceback goes to the log
            logger.exception("export %s failed", job.id)
            stage, error = FAILED, str(exc) or type(exc).__name__
        if stage != DONE:
            job.path.unlink(missing_ok=True)
        with self._lock:
            job.error = error
            job.finished = self.clock()
            job.expires = job.finished + self.ttl
            job.stage = stage
        self._save(job)
        lock.unlink(missing_ok=True)

    # --- the jobs' files ---------------------------------------------------------------------

    def _save(self, job: ExportJob) -> None:
        """Write the job's state next to its file (atomically: readers see old or new)."""
        with self._lock:
            text = json.dumps(job.to_json())
        fd, tmp = tempfile.mkstemp(prefix=f".{job.id}.json.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                fp.write(text)
            os.replace(tmp, self.folder / f"{job.id}.json")
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _load(self, path: Path) -> ExportJob | None:
        try:
            job = ExportJob.from_json(json.loads(path.read_text(encoding="utf-8")), self.folder)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if job.expires is not None and job.expires <= self.clock():
            return None
        return job

    def _stored(self) -> list[ExportJob]:
        if not self.folder.is_dir():
            return []
        jobs = (self._load(p) for p in self.folder.glob("*.json"))
        return [j for j in jobs if j is not None]

    def wait(self, token: str, timeout: float = 60.0) -> ExportJob | None:
        """Wait until the job has ended (for tests and the command line); None if unknown."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                job = self._jobs.get(token)
            if job is None or job.final:
                return job
            time.sleep(0.02)
        raise TimeoutError(f"export {token} still running after {timeout} s")

    # --- cleaning up -----------------------------------------------------------------------

    def sweep(self) -> list[Path]:
        """Forget expired jobs and delete their files (any process's: the job's file says when),
        and delete files of no job — and jobs not heard of (a stopped process's) — older than
        the time files are kept. Returns the files deleted."""
        now = self.clock()
        removed: list[Path] = []

        def delete(path: Path) -> None:
            if path.exists():
                path.unlink(missing_ok=True)
                removed.append(path)

        with self._lock:
            for token in [t for t, j in self._jobs.items() if j.expires is not None
                          and j.expires <= now]:  # fmt: skip
                self._jobs.pop(token)
        if not self.folder.is_dir():
            return removed
        live: set[str] = set()
        running: set[str] = set()
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                expires, stage, name = data.get("expires"), data["stage"], data["path"]
                age = now - path.stat().st_mtime
            except (OSError, ValueError, TypeError, KeyError):
                continue
            if (expires is not None and expires <= now) or (stage not in FINAL and age >= self.ttl):
                delete(path)
                delete(self.folder / name)
                continue
            live.update({path.name, name})
            if stage not in FINAL:
                running.add(name)
        for path in self.folder.iterdir():
            if not path.is_file() or path.name in live:
                continue
            if any(path.name.startswith(f".{name.split('.')[0]}.") for name in running):
                continue  # a temporary file of a job being written
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime >= self.ttl:
                    delete(path)
        return removed

    def _sweep_loop(self) -> None:
        interval = max(1.0, min(self.ttl / 4, 300.0))
        while not self._stop.wait(interval):
            try:
                self.sweep()
            except Exception:  # a failed sweep is retried at the next one
                logger.exception("sweeping the export folder failed")

    def close(self) -> None:
        """Stop the sweeper and the worker (waiting for a running export to end)."""
        self._stop.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
