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
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Stages of a job; the last three are final.
QUEUED, SEARCH, WRITE, VERIFY = "queued", "search", "write", "verify"
DONE, REFUSED, FAILED = "done", "refused", "failed"
FINAL = frozenset({DONE, REFUSED, FAILED})
#: How long a finished export's file is kept by default (seconds): one hour.
DEFAULT_TTL = 3600.0


@dataclass
class ExportJob:
    """One export: who asked, with what, where it stands and what it gave."""

    id: str
    owner: str
    key: Hashable
    path: Path
    created: float
    options: dict[str, Any] = field(default_factory=dict)
    stage: str = QUEUED
    done: int = 0
    total: int = 0
    finished: float | None = None
    expires: float | None = None
    #: what the run returned (the export's report) or, refused, the plan it would have used
    result: Any = None
    error: str | None = None

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


#: ``run(job, progress)`` does the export into ``job.path`` and returns its report; it raises
#: :class:`Refused` (with what to show) when the export is refused, any exception when it fails.
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
        self, owner: str, key: Hashable, run: Runner, options: dict[str, Any] | None = None
    ) -> ExportJob:
        """Queue an export for ``owner``; refuses a duplicate of one still queued or running."""
        self.sweep()
        with self._lock:
            for job in self._jobs.values():
                if job.owner == owner and job.key == key and not job.final:
                    raise DuplicateExport(job)
            token = secrets.token_hex(16)
            job = ExportJob(
                id=token,
                owner=owner,
                key=key,
                path=self.folder / f"{token}.csv",
                created=self.clock(),
                options=dict(options or {}),
            )
            self._jobs[token] = job
        self.folder.mkdir(parents=True, exist_ok=True)
        self._executor.submit(self._run, job, run)
        return job

    def get(self, token: str) -> ExportJob | None:
        """The job (None once it expired or if there is none)."""
        self.sweep()
        with self._lock:
            return self._jobs.get(token)

    def of(self, owner: str) -> list[ExportJob]:
        """The owner's jobs, newest first."""
        self.sweep()
        with self._lock:  # the registry keeps the order in which jobs were submitted
            return [j for j in reversed(self._jobs.values()) if j.owner == owner]

    def _run(self, job: ExportJob, run: Runner) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            job.stage = SEARCH
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
        """Forget expired jobs and delete their files, and delete files of no job older than the
        time files are kept. Returns the files deleted."""
        now = self.clock()
        removed: list[Path] = []
        with self._lock:
            expired = [
                t for t, j in self._jobs.items() if j.expires is not None and j.expires <= now
            ]
            for token in expired:
                job = self._jobs.pop(token)
                if job.path.exists():
                    job.path.unlink(missing_ok=True)
                    removed.append(job.path)
            live = {j.path.name for j in self._jobs.values()}
            running = [j.path.name for j in self._jobs.values() if not j.final]
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if not path.is_file() or path.name in live:
                    continue
                if any(path.name.startswith(f".{name}.") for name in running):
                    continue  # the temporary file of a job being written
                try:
                    age = now - path.stat().st_mtime
                except FileNotFoundError:
                    continue
                if age >= self.ttl:
                    path.unlink(missing_ok=True)
                    removed.append(path)
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
