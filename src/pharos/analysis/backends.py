"""Where the runs execute: in this process, in local worker processes, or on a Ray cluster.

The unit of work is a *task*: a batch of consecutive runs. Every backend computes a task with
the same function (:func:`execute`) from the same inputs, so results do not depend on the
backend; only the order in which tasks finish does, and the runner stores results by run index.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from pharos.analysis.model import FloatArray, ModelRef, build_model
from pharos.i18n import _


@dataclass(frozen=True)
class Task:
    """A batch of consecutive runs: their parameter values, seeds and replications per run."""

    task_id: int
    values: dict[str, FloatArray]
    seeds: npt.NDArray[np.uint64]
    replications: int


def execute(ref: ModelRef, task: Task) -> tuple[int, dict[str, FloatArray]]:
    """Run one task (in whatever process this is called); returns (task id, outcomes)."""
    model = build_model(ref)
    out = model.run_batch(task.values, task.seeds, task.replications)
    return task.task_id, {k: np.asarray(v, dtype=float) for k, v in out.items()}


class Backend(Protocol):
    """Runs tasks and yields (task id, outcomes) as each one finishes."""

    name: str
    workers: int

    def run(
        self, ref: ModelRef, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, dict[str, FloatArray]]]: ...


class SerialBackend:
    """Every task in this process, one after the other."""

    name = "serial"
    workers = 1

    def run(
        self, ref: ModelRef, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, dict[str, FloatArray]]]:
        for task in tasks:
            yield execute(ref, task)


def _init_worker(parent: int) -> None:
    # one thread per worker process: the parallelism is across processes
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # a worker whose experiment was killed (no clean shutdown) stops by itself

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="pharos-parent-watch").start()


class LocalBackend:
    """Local worker processes (``concurrent.futures``, spawn start method, safe everywhere)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or (os.cpu_count() or 1))

    def run(
        self, ref: ModelRef, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, dict[str, FloatArray]]]:
        if self.workers == 1:
            yield from SerialBackend().run(ref, tasks)
            return
        ctx = multiprocessing.get_context("spawn")
        todo = iter(tasks)
        with ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
        ) as pool:
            pending: set[Future[tuple[int, dict[str, FloatArray]]]] = set()
            while True:
                while len(pending) < 2 * self.workers:
                    task = next(todo, None)
                    if task is None:
                        break
                    pending.add(pool.submit(execute, ref, task))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()


class RayBackend:
    """Tasks on a Ray cluster: a local one started here, or an existing one at ``address``.

    Each task is a batch of runs (Ray's guidance: tasks under ~10 ms do not speed up). The model
    reference goes into the object store once; at most two tasks per worker are in flight.
    """

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.address = address
        self.workers = max(1, workers or (os.cpu_count() or 1))
        self._started = False

    def _connect(self) -> Any:
        try:
            import ray
        except ImportError as exc:  # pragma: no cover - ray is an optional extra
            raise RuntimeError(_("the Ray backend needs Ray: pip install 'pharos[ray]'")) from exc
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                kwargs["address"] = self.address
            else:
                kwargs["num_cpus"] = self.workers
            ray.init(**kwargs)
            self._started = True
        if self.address:
            cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]  # ray leaves it unannotated
            self.workers = max(1, int(cpus))
        return ray

    def shutdown(self) -> None:
        """Stop the local Ray cluster this backend started (if any)."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def run(
        self, ref: ModelRef, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, dict[str, FloatArray]]]:
        ray = self._connect()
        remote = ray.remote(num_cpus=1, max_retries=2)(execute)
        ref_obj = ray.put(ref)
        todo = iter(tasks)
        pending: list[Any] = []
        while True:
            while len(pending) < 2 * self.workers:
                task = next(todo, None)
                if task is None:
                    break
                pending.append(remote.remote(ref_obj, task))
            if not pending:
                return
            done, pending = ray.wait(pending, num_returns=1)
            for obj in done:
                yield ray.get(obj)


def make_backend(name: str, workers: int | None = None, address: str | None = None) -> Backend:
    """The backend called ``name``: ``local`` (default), ``serial`` or ``ray``."""
    if name == "local":
        return LocalBackend(workers)
    if name == "serial":
        return SerialBackend()
    if name == "ray":
        return RayBackend(address, workers)
    raise ValueError(_("unknown backend %(name)s (use local, serial or ray)") % {"name": name})
