"""The event-driven engine of the regional model.

One replication is a plain ``heapq`` event loop: the heap holds the distinct event times (days,
plain floats: cheap to compare) and a dict maps each time to its events (kind, payload) in the
order they were scheduled, so ties are served first-scheduled first. The victims of each
network generation are drawn at once (:mod:`pharos.sim.victims`);
the loop then only handles what interacts: detections, formal identification by the competent
body (finite officers, FIFO), referral to shelter places (finite beds, FIFO waiting list),
loss while waiting (absconding, removal, re-trafficking), the victim's decision to cooperate,
investigations (finite investigators) with financial investigation and cross-border requests
(police intelligence first, then judicial evidence through a central authority's queue),
charging and disruption of the network with the rescue of its remaining victims in whichever
state they are, prosecution and conviction, replacement of a disrupted network, and return after
a pre-return risk assessment (which the origin state's agency executes or declines). Every
decision goes through :mod:`pharos.sim.policies`.

Same scenario, seed and replication: the same run, byte for byte, in any process.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from heapq import heappush

import numpy as np

from pharos.domain.practitioners import PractitionerKind
from pharos.scenario.schema import ChannelTerms, Scenario
from pharos.sim.justice import JusticeProcesses, NetworkRun
from pharos.sim.policies import (
    Action,
    AnswerContext,
    IdentificationContext,
    InstrumentTerms,
    Policies,
    ReferralContext,
    ReturnContext,
    answering_agency,
)
from pharos.sim.records import JusticeRecord, RequestRecord
from pharos.sim.streams import Streams
from pharos.sim.victims import (
    RESCUE,
    Cohort,
    FlowModel,
    draw_cohort,
)
from pharos.sim.world import KINDS, RETURN_RISK_ASSESSMENT, TYPES, StateModel, World

# event kinds
DETECT, IDENT_DIRECT, IDENT_QUEUED, SHELTER_END, COOPERATE = 0, 1, 2, 3, 4
NET_START, PROACTIVE, INVEST_DONE, VERDICT, LEAD, EVIDENCE = 5, 6, 7, 8, 9, 10

# victim status
EXPLOITED, AWAIT_IDENT, IN_IDENT, AWAIT_BED, PROTECTED, LOST, EXITED, NOT_PROTECTED = range(8)

_LAW = PractitionerKind.LAW_ENFORCEMENT
_PROSECUTOR = PractitionerKind.PUBLIC_PROSECUTOR
_MIGRATION = PractitionerKind.MIGRATION_ASYLUM
_PRRA = RETURN_RISK_ASSESSMENT


class Engine(JusticeProcesses):
    """One replication of the regional model."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        policies: Policies | None = None,
    ) -> None:
        self.scenario = scenario
        self.world = World(scenario)
        self._states = self.world.states
        self.streams = Streams(seed, replication)
        self.policies = policies or Policies()
        #: no agency is played: the SOP decisions are applied inline (same rules, faster)
        self.automated = not self.policies.assigned
        self._started = False
        self._finished = False
        self._det_order: list[list[int]] = []
        self._det_times: list[list[float]] = []
        self._det_next = [0] * len(scenario.networks)
        self.flows = FlowModel(scenario, self.world, self.streams)
        self.horizon = self.world.horizon
        #: the calendar: distinct event times, and the events at each time in scheduling order
        self.heap: list[float] = []
        self.pending: dict[float, list[tuple[int, int, int]]] = {}
        self.now = 0.0
        self.events = 0
        self.cohorts: list[Cohort] = [
            draw_cohort(self.world, self.flows, self.streams, t, spec, self.world.first_cell[t])
            for t, spec in enumerate(scenario.networks)
        ]
        self.networks = [NetworkRun(i) for i in range(len(self.world.networks))]
        ns = len(self.world.states)
        self.officers_busy = [0] * ns
        self.ident_queue: list[deque[tuple[int, int]]] = [deque() for _ in range(ns)]
        self.beds_used = [0] * ns
        self.bed_queue: list[deque[tuple[int, int]]] = [deque() for _ in range(ns)]
        self.investigators_busy = [0] * ns
        self.case_queue: list[deque[tuple[int, int]]] = [deque() for _ in range(ns)]
        #: cross-border requests: (sender, receiver, instrument, purpose) -> [n, ok, days]
        self.request_stats: dict[tuple[str, str, str, str], list[float]] = {}
        #: justice events: (state, year, event, template) -> persons (days, for a sum of days)
        self.justice_stats: dict[tuple[str, int, str, int], float] = {}
        self._template_of = {cell.id: cell.template for cell in self.world.networks}
        self._verdicts: list[tuple[int, str]] = []
        self._members: dict[int, tuple[list[int], list[float]]] = {}
        self._proactive: dict[int, float] = {}
        self._sop_request: dict[tuple[str, str, str], tuple[str, ChannelTerms] | None] = {}
        self.ca_free: list[list[float]] = [[0.0] * st.ca_staff for st in self.world.states]
        self._prra: dict[tuple[str, str], ChannelTerms | None] = {}

    def record_request(self, rec: RequestRecord) -> None:
        """Count a cross-border request (and its reply) in the run's statistics."""
        key = (rec.sender, rec.receiver, rec.instrument, rec.purpose)
        acc = self.request_stats.get(key)
        if acc is None:
            acc = self.request_stats[key] = [0.0, 0.0, 0.0]
        acc[0] += 1
        acc[1] += rec.success
        acc[2] += rec.latency

    def record_justice(self, rec: JusticeRecord) -> None:
        """Count an investigation, prosecution, conviction or disruption."""
        key = (rec.state, int(rec.time // 365), rec.event, self._template_of[rec.network])
        self.justice_stats[key] = self.justice_stats.get(key, 0) + rec.persons

    # -- scheduling -------------------------------------------------------------------------
    def _push(self, time: float, kind: int, a: int, b: int) -> None:
        """Put an event on the calendar at day ``time`` (after any already there at that time)."""
        at = self.pending.get(time)
        if at is None:
            self.pending[time] = [(kind, a, b)]
            heappush(self.heap, time)
        else:
            at.append((kind, a, b))

    def schedule(self, time: float, kind: int, a: int, b: int) -> None:
        """Put an event on the calendar (ignored beyond the horizon)."""
        if time < self.horizon:  # (the body of _push, inlined: a hot path)
            at = self.pending.get(time)
            if at is None:
                self.pending[time] = [(kind, a, b)]
                heappush(self.heap, time)
            else:
                at.append((kind, a, b))

    def start(self) -> None:
        """Put the first events on the calendar (once; ``run`` and ``advance`` call it)."""
        if self._started:
            return
        self._started = True
        horizon = self.horizon
        # Each cohort's detections are merged into the calendar one at a time, in time order:
        # the heap stays small (a cohort's next detection plus the events in flight).
        for c, co in enumerate(self.cohorts):
            order = np.argsort(co.t_det, kind="stable")
            order = order[co.t_det[order] < horizon]
            self._det_order.append(order.tolist())
            self._det_times.append(co.t_det[order].tolist())
            self._push_next_detection(c)
        for i in range(len(self.networks)):
            self._schedule_proactive(i)

    def advance(self, until: float) -> int:
        """Process every event before day ``until`` (at most the horizon); the clock then reads
        ``until``. Returns the number of events processed. For a live exercise: advance, let
        people decide, advance again."""
        self.start()
        limit = min(until, self.horizon)
        heap = self.heap
        pending = self.pending
        pop = heapq.heappop
        handlers = (
            self._on_detect,
            self._on_ident_direct,
            self._on_ident_queued,
            self._on_shelter_end,
            self._on_cooperate,
            self._on_net_start,
            self._on_proactive,
            self._on_invest_done,
            self._on_verdict,
            self._on_lead,
            self._on_evidence,
        )
        done = 0
        while heap and heap[0] < limit:
            t = heap[0]
            at = pending[t]
            if len(at) == 1:
                pop(heap)
                del pending[t]
                kind, a, b = at[0]
            else:  # several events at the same time: first scheduled, first served
                kind, a, b = at.pop(0)
            self.now = t
            done += 1
            handlers[kind](a, b)
        self.events += done
        self.now = max(self.now, limit)
        return done

    def run(self) -> Engine:
        """Run to the horizon and settle who was lost while waiting; returns self."""
        self.advance(self.horizon)
        self.finish()
        return self

    def finish(self) -> None:
        """At the horizon: victims still waiting whose loss clock ran out count as lost."""
        if self._finished:
            return
        self._finished = True
        self._finish()

    def _finish(self) -> None:
        horizon = self.horizon
        for q in (*self.ident_queue, *self.bed_queue):
            for c, i in q:
                co = self.cohorts[c]
                if co.status[i] in (AWAIT_IDENT, AWAIT_BED) and co.t_loss[i] < horizon:
                    self._lose(co, i, co.t_loss[i])

    # -- victims ------------------------------------------------------------------------------
    def _on_net_start(self, net: int, gen: int) -> None:
        """A replacement group takes over the niche of a disrupted one."""
        nr = self.networks[net]
        nr.gen, nr.active, nr.restart_at = gen, True, self.now
        nr.case_open, nr.evidence = False, 0
        self._schedule_proactive(net)

    def _push_next_detection(self, c: int) -> None:
        k = self._det_next[c]
        if k < len(self._det_order[c]):
            self._det_next[c] = k + 1
            self._push(self._det_times[c][k], DETECT, c, self._det_order[c][k])

    def _on_detect(self, c: int, i: int) -> None:
        k = self._det_next[c]
        if k < len(self._det_order[c]):  # merge the cohort's next detection into the calendar
            self._det_next[c] = k + 1
            t = self._det_times[c][k]
            at = self.pending.get(t)
            if at is None:
                self.pending[t] = [(DETECT, c, self._det_order[c][k])]
                heappush(self.heap, t)
            else:
                at.append((DETECT, c, self._det_order[c][k]))
        co = self.cohorts[c]
        if not co.exists[i] or co.status[i] != EXPLOITED or co.detected_at[i] == co.detected_at[i]:
            return
        self._detect(co, c, i, co.det_kinds[i], rescued=False)

    def _detect(self, co: Cohort, c: int, i: int, kind_idx: int, rescued: bool) -> None:
        now = self.now
        st = self._states[co.states[i]]
        co.detected_at[i] = now
        co.channel[i] = RESCUE if rescued else kind_idx
        if st.loss_rate > 0:
            co.t_loss[i] = now + co.e_loss[i] / st.loss_rate
        kind = KINDS[kind_idx]
        if self.automated:  # the SOP, inlined (see StandardOperatingProcedure)
            if kind in st.bodies:
                co.status[i] = IN_IDENT
                t = now + co.e_service[i] * st.direct_days
                at = self.pending.get(t)
                if at is None:
                    self.pending[t] = [(IDENT_DIRECT, c, i)]
                    heappush(self.heap, t)
                else:
                    at.append((IDENT_DIRECT, c, i))
                return
            s = st.index
            if self.officers_busy[s] < st.officers:
                self.officers_busy[s] += 1
                co.status[i] = IN_IDENT
                t = now + co.e_service[i] * st.ident_days
                at = self.pending.get(t)
                if at is None:
                    self.pending[t] = [(IDENT_QUEUED, c, i)]
                    heappush(self.heap, t)
                else:
                    at.append((IDENT_QUEUED, c, i))
            else:
                co.status[i] = AWAIT_IDENT
                self.ident_queue[s].append((c, i))
            return
        ctx = IdentificationContext(
            time=now,
            state=st.code,
            agency=kind,
            channel="rescue" if rescued else kind.value,
            exploitation=self.scenario.networks[co.net].exploitation,
            child=bool(co.child[i]),
            may_identify=kind in st.bodies,
            competent_bodies=st.bodies,
            rescued_in_operation=rescued,
        )
        decision = self.policies.of(st.code, kind).decide_identification(ctx)
        if decision.action is Action.IDENTIFY and ctx.may_identify:
            co.status[i] = IN_IDENT
            service = co.e_service[i] * st.direct_days
            self.schedule(now + service, IDENT_DIRECT, c, i)
        elif decision.action in (Action.REFER, Action.IDENTIFY):
            s = st.index
            if self.officers_busy[s] < st.officers:
                self.officers_busy[s] += 1
                self._start_ident(co, c, i)
            else:
                co.status[i] = AWAIT_IDENT
                self.ident_queue[s].append((c, i))
        else:
            co.status[i] = NOT_PROTECTED

    def _start_ident(self, co: Cohort, c: int, i: int) -> None:
        st = self._states[co.states[i]]
        co.status[i] = IN_IDENT
        service = co.e_service[i] * st.ident_days
        self.schedule(self.now + service, IDENT_QUEUED, c, i)

    def _lose(self, co: Cohort, i: int, when: float) -> None:
        st = self._states[co.states[i]]
        co.status[i] = LOST
        co.lost_at[i] = when
        co.retrafficked[i] = co.u_retraf[i] < st.retrafficking_share

    def _next_waiting(self, queue: deque[tuple[int, int]], status: int) -> tuple[int, int] | None:
        now = self.now
        while queue:
            c, i = queue.popleft()
            co = self.cohorts[c]
            if co.status[i] != status:
                continue
            if co.t_loss[i] < now:
                self._lose(co, i, co.t_loss[i])
                continue
            return c, i
        return None

    def _on_ident_queued(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        s = co.states[i]
        nxt = self._next_waiting(self.ident_queue[s], AWAIT_IDENT)
        if nxt is None:
            self.officers_busy[s] -= 1
        else:
            self._start_ident(self.cohorts[nxt[0]], nxt[0], nxt[1])
        self._identified(co, c, i)

    def _on_ident_direct(self, c: int, i: int) -> None:
        self._identified(self.cohorts[c], c, i)

    def _identified(self, co: Cohort, c: int, i: int) -> None:
        now = self.now
        st = self._states[co.states[i]]
        co.ident_at[i] = now
        s = st.index
        if self.automated:  # the SOP: every identified victim is offered a place
            if self.beds_used[s] < st.beds:
                self.beds_used[s] += 1
                self._admit(co, c, i)
            elif co.t_loss[i] <= now:
                self._lose(co, i, co.t_loss[i])
            else:
                co.status[i] = AWAIT_BED
                self.bed_queue[s].append((c, i))
            return
        body = st.bodies[0] if st.bodies else _LAW
        ctx = ReferralContext(
            time=now,
            state=st.code,
            agency=body,
            beds_free=st.beds - self.beds_used[s],
            waiting=len(self.bed_queue[s]),
            child=bool(co.child[i]),
        )
        decision = self.policies.of(st.code, body).decide_referral(ctx)
        if decision.action is not Action.SHELTER:
            co.status[i] = NOT_PROTECTED
        elif self.beds_used[s] < st.beds:
            self.beds_used[s] += 1
            self._admit(co, c, i)
        elif co.t_loss[i] <= now:
            self._lose(co, i, co.t_loss[i])
        else:
            co.status[i] = AWAIT_BED
            self.bed_queue[s].append((c, i))

    def _admit(self, co: Cohort, c: int, i: int) -> None:
        now = self.now
        st = self._states[co.states[i]]
        co.status[i] = PROTECTED
        co.protect_at[i] = now
        t = now + st.reflection_days + co.e_stay[i] * st.stay_days
        at = self.pending.get(t)
        if at is None:
            self.pending[t] = [(SHELTER_END, c, i)]
            heappush(self.heap, t)
        else:
            at.append((SHELTER_END, c, i))
        if co.u_coop[i] < st.cooperation_share:
            co.cooperated[i] = True
            self.schedule(now + st.reflection_days, COOPERATE, c, i)

    def _on_shelter_end(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        st = self._states[co.states[i]]
        s = st.index
        nxt = self._next_waiting(self.bed_queue[s], AWAIT_BED)
        if nxt is None:
            self.beds_used[s] -= 1
        else:
            self._admit(self.cohorts[nxt[0]], nxt[0], nxt[1])
        self._exit(co, i, st)

    def _exit(self, co: Cohort, i: int, st: StateModel) -> None:
        now = self.now
        origin = co.origin
        state = st.code
        co.status[i] = EXITED
        co.exit_at[i] = now
        if origin == state:
            co.exit_code[i] = 2
            return
        wants = co.u_return[i] < st.return_share
        safe: bool | None = None
        latency = 0.0
        if wants:
            pair = (state, origin)
            if pair in self._prra:
                terms = self._prra[pair]
            else:
                terms = self._prra[pair] = self.world.terms(state, origin, _PRRA)
            if terms is not None:
                latency = terms.median_days * math.exp(terms.dispersion * co.z_reqlat[i])
                safe = co.u_risk[i] >= st.return_risk_share
                if not self.automated and not self._answers(state, origin, terms, latency):
                    safe = None  # the origin's agency declined: no assessment
                key = (state, origin, _PRRA, "return")
                acc = self.request_stats.get(key)
                if acc is None:
                    acc = self.request_stats[key] = [0.0, 0.0, 0.0]
                acc[0] += 1
                acc[1] += safe is True
                acc[2] += latency
        if self.automated:  # the SOP: return whoever asks and was assessed safe
            returned = bool(wants and safe)
        else:
            ctx = ReturnContext(now, state, origin, wants, safe)
            decision = self.policies.of(state, _MIGRATION).decide_return(ctx)
            returned = decision.action is Action.RETURN
        if returned:
            co.exit_code[i] = 1
            co.exit_at[i] = now + latency
        else:
            co.exit_code[i] = 2

    def _answers(self, sender: str, receiver: str, terms: ChannelTerms, latency: float) -> bool:
        """Whether the receiving state's agency executes a pre-return risk assessment
        (``decide_answer``; the assessment itself can always be carried out)."""
        instrument = _PRRA
        kind = answering_agency(instrument)
        ctx = AnswerContext(
            time=self.now,
            sender=sender,
            receiver=receiver,
            agency=kind,
            instrument=instrument,
            network=None,
            terms=InstrumentTerms(instrument, terms.median_days, terms.success),
            executable=True,
            latency=latency,
        )
        return self.policies.of(receiver, kind).decide_answer(ctx).action is Action.EXECUTE


__all__ = ["TYPES", "Engine", "JusticeRecord", "RequestRecord"]
