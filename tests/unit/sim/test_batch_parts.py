"""Parts of the fast path (pharos.sim.batch): the event queue, the compiled world's cache and the
prefetch intrinsic."""

from __future__ import annotations

import numpy as np
from scipy import stats

from pharos.scenario.load import load_scenario
from pharos.scenario.params import set_params
from pharos.sim.batch import Workspace, compile_world, draw_inputs, run_inputs
from pharos.sim.batch.cohort import year_of
from pharos.sim.batch.mem import prefetch
from pharos.sim.batch.queue import by_time, new_queue, peek, pop, schedule
from pharos.sim.batch.rng import (
    _ZR,
    BoolArray,
    FloatArray,
    IntArray,
    bare,
    compiled,
    standard_exponential,
)  # fmt: skip


def test_the_queue_pops_by_time_then_by_order_of_scheduling() -> None:
    qt, qi = new_queue(64, 10.0, 4.0)
    for t, a in ((3.0, 0), (0.1, 1), (3.0, 2), (9.99, 3), (0.1, 4), (10.0, 5), (2.6, 6)):
        schedule(qt, qi, t, 7, a, 0)  # 10.0 is the horizon: never scheduled
    out = []
    while peek(qt, qi) < np.inf:
        out.append(pop(qt, qi))
    assert [(t, a) for t, _k, a, _b in out] == [
        (0.1, 1), (0.1, 4), (2.6, 6), (3.0, 0), (3.0, 2), (9.99, 3),
    ]  # fmt: skip
    assert {k for _t, k, _a, _b in out} == {7}


@compiled
def _exponentials(key: np.uint64, n: int) -> FloatArray:
    out = np.empty(n)
    for i in range(n):
        out[i] = standard_exponential(key, i)
    return out


def test_the_ziggurat_draws_standard_exponentials() -> None:
    # Marsaglia & Tsang's r for 256 strips is 7.69711747013104972: the bisection finds it
    assert abs(_ZR - 7.69711747013104972) < 1e-12
    x = _exponentials(np.uint64(20261129), 1_000_000)
    assert stats.kstest(x, "expon").pvalue > 1e-3
    assert abs(x.mean() - 1.0) < 0.005 and abs(x.var() - 1.0) < 0.01
    # the tail beyond r (drawn by the base strip's rare path) has its share: P(X > r) = e^-r
    beyond = (x > _ZR).sum()
    assert beyond > 0 and abs(beyond / len(x) - np.exp(-_ZR)) < 5 * np.sqrt(np.exp(-_ZR) / len(x))
    # the strips' wedges (drawn with a second word) are not over- or under-filled
    counts, _ = np.histogram(x, bins=np.linspace(0.0, 8.0, 81))
    expected = len(x) * np.diff(-np.exp(-np.linspace(0.0, 8.0, 81)))
    assert stats.chisquare(counts, expected * counts.sum() / expected.sum()).pvalue > 1e-3


def test_by_time_sorts_by_time_then_index_and_drops_the_horizon_and_beyond() -> None:
    rng = np.random.default_rng(4)
    t = np.round(rng.uniform(0.0, 12.0, 5_000), 1)  # many ties
    t[::7] = np.inf
    t[::11] = np.nan
    records = np.empty((len(t), 3))
    records[:, 1] = t  # a strided column, as the victims' records give
    order, times = by_time(records[:, 1], 10.0)
    keep = np.flatnonzero(t < 10.0)
    expected = keep[np.lexsort((keep, t[keep]))]
    np.testing.assert_array_equal(order, expected)
    np.testing.assert_array_equal(times, t[expected])


def test_buckets_give_the_same_run_as_a_single_heap() -> None:
    scenario = load_scenario("mediterranean-baseline").model_copy(update={"horizon_days": 1095})
    cw = compile_world(scenario)
    inputs = draw_inputs(cw, 3, 1)
    heap, buckets = run_inputs(cw, inputs, buckets_per_day=0.0), run_inputs(cw, inputs)
    assert heap.events == buckets.events > 10_000
    np.testing.assert_array_equal(heap.justice, buckets.justice)
    np.testing.assert_array_equal(heap.requests, buckets.requests)
    for name, values in heap.victims.items():
        np.testing.assert_array_equal(values, buckets.victims[name], err_msg=name)


def test_a_change_of_cooperation_terms_reaches_the_compiled_world() -> None:
    base = load_scenario("mediterranean-baseline")
    slower = set_params(
        base, {"cooperation.defaults.police_information_exchange.median_days": 90.0}
    )
    a, b, again = compile_world(base), compile_world(slower), compile_world(base)
    assert not np.array_equal(a.request_terms, b.request_terms)
    np.testing.assert_array_equal(a.request_terms, again.request_terms)
    np.testing.assert_array_equal(a.return_terms, again.return_terms)


@bare
def _sum_with_prefetch(f: FloatArray, i: IntArray, b: BoolArray, order: IntArray) -> float:
    total = 0.0
    for k in range(order.shape[0]):
        if k + 2 < order.shape[0]:
            ahead = order[k + 2]
            prefetch(f, ahead, 1)
            prefetch(i, ahead, 0)
            prefetch(b, ahead, 2)
        g = order[k]
        total += f[g, 1] + i[g, 0] + b[g, 2]
    return total


def test_prefetch_compiles_for_each_record_type_and_changes_no_value() -> None:
    rng = np.random.default_rng(5)
    f, i = rng.random((50, 3)), rng.integers(0, 9, (50, 3))
    b = rng.random((50, 3)) < 0.5
    order = rng.permutation(50)
    expected = float(sum(f[g, 1] + i[g, 0] + b[g, 2] for g in order))
    assert _sum_with_prefetch(f, i, b, order) == expected


@compiled
def _years(t: FloatArray) -> IntArray:
    out = np.empty(t.shape[0], dtype=np.int64)
    for k in range(t.shape[0]):
        out[k] = year_of(t[k])
    return out


def test_year_of_is_floor_division_by_365_at_every_boundary() -> None:
    whole = np.arange(0, 40) * 365.0
    t = np.concatenate(
        [whole, np.nextafter(whole, -1.0), np.nextafter(whole, np.inf), whole + 0.5, [1e9, 7.3]]
    )
    t = t[t >= 0]
    np.testing.assert_array_equal(_years(t), [int(x // 365.0) for x in t])


def test_a_workspace_gives_the_same_results_as_fresh_memory() -> None:
    scenario = load_scenario("mediterranean-baseline").model_copy(update={"horizon_days": 1095})
    cw = compile_world(scenario)
    workspace = Workspace()
    for r in (0, 1, 2):  # the workspace grows or is reused as the number of victims varies
        inputs = draw_inputs(cw, 9, r)
        fresh = run_inputs(cw, inputs)
        reused = run_inputs(cw, inputs, workspace=workspace)
        assert reused.events == fresh.events
        np.testing.assert_array_equal(reused.justice, fresh.justice)
        for name, values in fresh.victims.items():
            np.testing.assert_array_equal(reused.victims[name], values, err_msg=name)
