"""Parts of the fast path (pharos.sim.batch): the event queue, the compiled world's cache and the
prefetch intrinsic."""

from __future__ import annotations

import numpy as np

from pharos.scenario.load import load_scenario
from pharos.scenario.params import set_params
from pharos.sim.batch import compile_world, draw_inputs, run_inputs
from pharos.sim.batch.cohort import year_of
from pharos.sim.batch.mem import prefetch
from pharos.sim.batch.queue import new_queue, peek, pop, schedule
from pharos.sim.batch.rng import BoolArray, FloatArray, IntArray, bare, compiled


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


def test_buckets_give_the_same_run_as_a_single_heap() -> None:
    scenario = load_scenario("mediterranean-baseline").model_copy(update={"horizon_days": 1095})
    cw = compile_world(scenario)
    inputs = draw_inputs(cw, 3, 1)
    heap, buckets = run_inputs(cw, inputs, buckets_per_day=0.0), run_inputs(cw, inputs)
    assert heap.events == buckets.events > 10_000
    np.testing.assert_array_equal(heap.justice, buckets.justice)
    for name, values in heap.victims.items():
        np.testing.assert_array_equal(values, buckets.victims[name], err_msg=name)


def test_a_change_of_cooperation_terms_reaches_the_compiled_world() -> None:
    base = load_scenario("mediterranean-baseline")
    slower = set_params(
        base, {"cooperation.defaults.police_information_exchange.median_days": 90.0}
    )
    a, b, again = compile_world(base), compile_world(slower), compile_world(base)
    assert not np.array_equal(a.evidence_terms, b.evidence_terms)
    np.testing.assert_array_equal(a.evidence_terms, again.evidence_terms)
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
