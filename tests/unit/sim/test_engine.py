"""The engine: determinism, policies at decision points, common random numbers."""

from functools import cache
from typing import ClassVar

import pandas as pd

from pharos.domain.practitioners import PractitionerKind
from pharos.scenario import Scenario, load_scenario, set_params
from pharos.sim import run_replication
from pharos.sim.engine import Engine
from pharos.sim.policies import (
    Action,
    AnswerContext,
    Decision,
    IdentificationContext,
    Policies,
    StandardOperatingProcedure,
    answering_agency,
)


@cache
def small() -> Scenario:
    s = load_scenario("mediterranean-baseline")
    return set_params(s, {"horizon_days": 1460, "warmup_days": 365})


def test_same_seed_same_tables_and_other_seed_other_tables() -> None:
    a = run_replication(small(), 5, 0)
    b = run_replication(small(), 5, 0)
    c = run_replication(small(), 6, 0)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not a["outcomes"].equals(c["outcomes"])


def test_victims_flow_through_every_stage() -> None:
    out = run_replication(small(), 1, 0)["outcomes"]
    total = out[out.group == "all"].groupby("metric").value.sum()
    for metric in ("victims", "detected", "identified", "protected", "lost", "cooperated"):
        assert total[metric] > 0, metric
    assert total["identified"] <= total["detected"] <= total["victims"]


class NobodyIdentifies(StandardOperatingProcedure):
    def decide_identification(self, ctx: IdentificationContext) -> Decision:
        return Decision(Action.DISMISS)


def test_a_played_agency_replaces_the_sop_at_its_decision_point() -> None:
    pol = Policies()
    for kind in PractitionerKind:
        pol.assign("GRC", kind, NobodyIdentifies(kind))
    e = Engine(small(), 3, 0, pol).run()
    base = Engine(small(), 3, 0).run()
    grc = e.world.state_index["GRC"]

    def identified(engine: Engine, state: int) -> int:
        return sum(
            1
            for co in engine.cohorts
            for i in range(co.n)
            if co.states[i] == state and co.ident_at[i] == co.ident_at[i]
        )

    assert identified(base, grc) > 0
    assert identified(e, grc) == 0


def test_the_inlined_sop_path_equals_the_sop_policies() -> None:
    """With no agency played the engine applies the SOP inline; it must decide identically."""
    explicit = Policies()
    for state in small().states:
        for kind in PractitionerKind:
            explicit.assign(state, kind, StandardOperatingProcedure(kind))
    a = run_replication(small(), 8, 0)
    b = run_replication(small(), 8, 0, explicit)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_advancing_in_steps_gives_the_same_run() -> None:
    """An exercise advances the clock step by step; the run must not depend on the steps."""
    whole = Engine(small(), 9, 0).run()
    stepped = Engine(small(), 9, 0)
    for day in range(0, small().horizon_days + 100, 97):
        stepped.advance(day)
        assert stepped.now == min(day, small().horizon_days) or day == 0
    stepped.finish()
    assert stepped.events == whole.events
    for a, b in zip(whole.cohorts, stepped.cohorts, strict=True):
        assert a.ident_at == b.ident_at or all(
            (x != x and y != y) or x == y for x, y in zip(a.ident_at, b.ident_at, strict=True)
        )
        assert a.status == b.status


class Recorder(StandardOperatingProcedure):
    """The SOP, noting every request it is asked to answer."""

    seen: ClassVar[list[AnswerContext]] = []

    def decide_answer(self, ctx: AnswerContext) -> Decision:
        Recorder.seen.append(ctx)
        return super().decide_answer(ctx)


class NobodyAnswers(StandardOperatingProcedure):
    def decide_answer(self, ctx: AnswerContext) -> Decision:
        return Decision(Action.DECLINE, reason="no capacity")


def _everyone(policy: type[StandardOperatingProcedure]) -> Policies:
    """``policy`` for every agency of the modelled states and of the networks' origins."""
    pol = Policies()
    for state in {*small().states, *(n.origin for n in small().networks)}:
        for kind in PractitionerKind:
            pol.assign(state, kind, policy(kind))
    return pol


def test_the_receiving_agency_answers_requests_through_decide_answer_without_changing_the_run():
    Recorder.seen = []
    a = run_replication(small(), 8, 0)
    b = run_replication(small(), 8, 0, _everyone(Recorder))
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    evidence = [c for c in Recorder.seen if c.network is not None]
    prra = [c for c in Recorder.seen if c.instrument == "pre_return_risk_assessment"]
    assert evidence and prra
    assert any(c.executable for c in evidence) and not all(c.executable for c in evidence)
    for c in Recorder.seen:
        assert c.agency is answering_agency(c.instrument) and c.sender != c.receiver
        assert c.latency > 0 and c.terms.instrument is c.instrument
    assert all(c.network is None and c.executable for c in prra)


def test_a_receiving_agency_that_declines_everything_sends_no_useful_reply():
    sop = Engine(small(), 8, 0, _everyone(StandardOperatingProcedure)).run()
    declined = Engine(small(), 8, 0, _everyone(NobodyAnswers)).run()
    assert sum(acc[1] for acc in sop.request_stats.values()) > 0
    assert sum(acc[0] for acc in declined.request_stats.values()) > 0
    assert all(acc[1] == 0 for acc in declined.request_stats.values())
    returned = sum(1 for co in declined.cohorts for code in co.exit_code if code == 1)
    assert returned == 0  # nobody is returned without a risk assessment
