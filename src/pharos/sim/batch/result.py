"""Running replications of the compiled model: :func:`run_inputs` and :func:`run_batch`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from pharos.domain.practitioners import PractitionerKind
from pharos.sim.batch.cohort import derive_victims
from pharos.sim.batch.inputs import ReplicationInputs, draw_inputs
from pharos.sim.batch.kernel import run_kernel
from pharos.sim.batch.layout import (
    JUSTICE,
    N_BOOL,
    N_FLOAT,
    N_INT,
    OUT_BOOL,
    OUT_FLOAT,
    OUT_INT,
)  # fmt: skip
from pharos.sim.batch.own import derive_own
from pharos.sim.batch.queue import BUCKETS_PER_DAY
from pharos.sim.batch.rng import IntArray, compiled, recruit
from pharos.sim.batch.world import CompiledWorld
from pharos.sim.victims import C_REQLAT, WIDTH
from pharos.sim.world import KIND_INDEX, REQUEST_INSTRUMENTS

_LAW = KIND_INDEX[PractitionerKind.LAW_ENFORCEMENT]


@compiled
def columns(records: npt.NDArray[Any], k: int) -> npt.NDArray[Any]:
    """The first ``k`` fields of per-victim records as one contiguous row per field (a
    compiled loop: numpy's transposed copy of these arrays took several times longer)."""
    n = records.shape[0]
    out = np.empty((k, n), dtype=records.dtype)
    for g in range(n):
        for i in range(k):
            out[i, g] = records[g, i]
    return out


@dataclass(frozen=True)
class BatchResult:
    """Per-victim outcomes of one replication (arrays in template order), justice counts by
    state (columns as :data:`JUSTICE`) and the cross-border requests of investigations by
    sending state and instrument (``pharos.sim.world.REQUEST_INSTRUMENTS``): requests, useful
    replies, days to the replies summed."""

    victims: dict[str, npt.NDArray[Any]]
    justice: npt.NDArray[np.float64]
    events: int
    requests: npt.NDArray[np.float64]


class Workspace:
    """Memory for the victims' records, reused from one replication to the next.

    A ten-year replication's records take about 6 MB; fresh memory of that size comes from the
    operating system as zeroed pages at every replication (about a tenth of the run's time).
    With a workspace, :func:`run_inputs` writes into the same memory each time, so the arrays of
    its result are views valid only until the workspace's next use: for callers that reduce a
    replication to figures before running the next (as experiments do). Not for sharing
    between threads."""

    def __init__(self) -> None:
        self._records: tuple[npt.NDArray[np.float64], IntArray, npt.NDArray[np.bool_]] | None = None

    def records(self, n: int) -> tuple[npt.NDArray[np.float64], IntArray, npt.NDArray[np.bool_]]:
        """Records for ``n`` victims (grown by a quarter when too small)."""
        if self._records is None or self._records[0].shape[0] < n:
            m = n + n // 4
            self._records = (
                np.empty((m, N_FLOAT)),
                np.empty((m, N_INT), dtype=np.int64),
                np.empty((m, N_BOOL), dtype=np.bool_),
            )
        outf, outi, outb = self._records
        return outf[:n], outi[:n], outb[:n]


def run_inputs(
    cw: CompiledWorld,
    inputs: ReplicationInputs,
    buckets_per_day: float = BUCKETS_PER_DAY,
    workspace: Workspace | None = None,
) -> BatchResult:
    """Run one replication of the compiled model on ``inputs``. ``buckets_per_day`` tunes the
    event queue only (0: a single heap); the results do not depend on it. With a ``workspace``
    the result's arrays live in it (valid until its next use); without, in fresh memory."""
    lazy = inputs.u is None
    if inputs.u is None or inputs.t_rec is None or inputs.counts is None:
        offsets, t_rec = recruit(
            cw.recruits_per_year / 365.0, cw.horizon, np.uint64(inputs.victim_key)
        )
        u = np.zeros((1, WIDTH))
        z = np.zeros(1)
    else:
        offsets = np.concatenate([[0], np.cumsum(inputs.counts)]).astype(np.int64)
        t_rec, u = inputs.t_rec, inputs.u
        z = ndtri(np.clip(u[:, C_REQLAT], 1e-12, 1 - 1e-12)) if len(u) else np.zeros(0)
    n = len(t_rec)
    # one record per victim (pharos.sim.batch.layout): outputs, then working fields, every field
    # written by derive_victims (filling them here first cost a pass over megabytes)
    if workspace is not None:
        outf, outi, outb = workspace.records(n)
    else:
        outf = np.empty((n, N_FLOAT))
        outi = np.empty((n, N_INT), dtype=np.int64)
        outb = np.empty((n, N_BOOL), dtype=np.bool_)
    justice = np.zeros((len(cw.world.states), len(JUSTICE)))
    requests = np.zeros((len(cw.world.states), len(REQUEST_INSTRUMENTS), 3))
    vkey = np.uint64(inputs.victim_key)
    if lazy:
        derive_own(
            cw.state, cw.contact_total, cw.contact_kind, cw.contact_cum, cw.contact_n, cw.net,
            cw.dest_state, cw.dest_cum, cw.method_cum, cw.method_index, cw.method_online,
            cw.years, offsets, t_rec, vkey, inputs.coverage, outf, outi, outb,
        )  # fmt: skip
    else:
        derive_victims(
            cw.state, cw.rates, cw.net, cw.dest_state, cw.dest_cum, cw.method_cum,
            cw.method_index, cw.method_online, cw.years, offsets, t_rec, u, inputs.coverage,
            outf, outi, outb,
        )  # fmt: skip
    events = run_kernel(
        cw.state, cw.may_identify, cw.net, cw.return_terms, cw.request_terms, cw.cell_template,
        cw.cell_main_state, cw.horizon, _LAW, t_rec, u, z, np.uint64(inputs.justice_key), outf,
        outi, outb, justice, requests, lazy, vkey, float(buckets_per_day),
    )  # fmt: skip
    victims: dict[str, npt.NDArray[Any]] = {"recruited_at": t_rec}
    for out, names in ((outf, OUT_FLOAT), (outi, OUT_INT), (outb, OUT_BOOL)):
        victims.update((name, out[:, i]) for i, name in enumerate(names))
    return BatchResult(victims, justice, int(events), requests)


def run_batch(cw: CompiledWorld, seed: int, replications: Sequence[int]) -> list[BatchResult]:
    """Run ``replications`` of the compiled scenario under ``seed`` (the fast path's streams)."""
    return [run_inputs(cw, draw_inputs(cw, seed, r)) for r in replications]
