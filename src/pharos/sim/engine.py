"""The event-driven engine of the regional model.

One replication is a plain ``heapq`` event loop over (time in days, sequence number, kind,
payload). The victims of each network generation are drawn at once (:mod:`pharos.sim.victims`);
the loop then only handles what interacts: detections, formal identification by the competent
body (finite officers, FIFO), referral to shelter places (finite beds, FIFO waiting list),
loss while waiting (absconding, removal, re-trafficking), the victim's decision to cooperate,
investigations (finite investigators) with financial investigation and cross-border requests,
charging and disruption of the network with the rescue of its remaining victims in whichever
state they are, prosecution and conviction, replacement of a disrupted network, and return after
a pre-return risk assessment. Every decision goes through :mod:`pharos.sim.policies`.

Same scenario, seed and replication: the same run, byte for byte, in any process.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass

from pharos.domain.cooperation import Instrument
from pharos.domain.practitioners import PractitionerKind
from pharos.scenario.schema import Scenario
from pharos.sim.policies import (
    Action,
    IdentificationContext,
    Policies,
    ProsecutionContext,
    ReferralContext,
    RequestContext,
    ReturnContext,
)
from pharos.sim.records import JusticeRecord, RequestRecord
from pharos.sim.streams import Streams
from pharos.sim.victims import (
    RESCUE,
    Cohort,
    FlowModel,
    draw_cohort,
)
from pharos.sim.world import KIND_INDEX, KINDS, TYPES, World

# event kinds
DETECT, IDENT_DIRECT, IDENT_QUEUED, SHELTER_END, COOPERATE = 0, 1, 2, 3, 4
NET_START, PROACTIVE, INVEST_DONE, VERDICT = 5, 6, 7, 8

# victim status
EXPLOITED, AWAIT_IDENT, IN_IDENT, AWAIT_BED, PROTECTED, LOST, EXITED, NOT_PROTECTED = range(8)

_LAW = PractitionerKind.LAW_ENFORCEMENT
_PROSECUTOR = PractitionerKind.PUBLIC_PROSECUTOR
_MIGRATION = PractitionerKind.MIGRATION_ASYLUM


@dataclass
class NetworkRun:
    """A network's state during a run."""

    index: int
    gen: int = 0
    restart_at: float = 0.0
    active: bool = True
    case_open: bool = False
    evidence: int = 0
    financial: bool = False
    reply: bool | None = None
    case_state: int = 0


class Engine:
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
        self.streams = Streams(seed, replication)
        self.policies = policies or Policies()
        self.flows = FlowModel(scenario, self.world, self.streams)
        self.horizon = self.world.horizon
        self.heap: list[tuple[float, int, int, int, int]] = []
        self.seq = 0
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
        self.requests: list[RequestRecord] = []
        self.justice: list[JusticeRecord] = []

    # -- scheduling -------------------------------------------------------------------------
    def schedule(self, time: float, kind: int, a: int, b: int) -> None:
        """Put an event on the calendar (ignored beyond the horizon)."""
        if time < self.horizon:
            self.seq += 1
            heapq.heappush(self.heap, (time, self.seq, kind, a, b))

    def run(self) -> Engine:
        """Run to the horizon; returns self for chaining."""
        horizon = self.horizon
        for c, co in enumerate(self.cohorts):
            for i, t in enumerate(co.t_det.tolist()):
                if t < horizon:
                    self.seq += 1
                    self.heap.append((t, self.seq, DETECT, c, i))
        heapq.heapify(self.heap)
        for i in range(len(self.networks)):
            self._schedule_proactive(i)
        heap = self.heap
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
        )
        while heap:
            t, _, kind, a, b = pop(heap)
            self.now = t
            self.events += 1
            handlers[kind](a, b)
        self._finish()
        return self

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

    def _on_detect(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        if not co.exists[i] or co.status[i] != EXPLOITED or co.detected_at[i] == co.detected_at[i]:
            return
        self._detect(co, c, i, int(co.det_kind[i]), rescued=False)

    def _detect(self, co: Cohort, c: int, i: int, kind_idx: int, rescued: bool) -> None:
        now = self.now
        st = self.world.states[co.states[i]]
        co.detected_at[i] = now
        co.channel[i] = RESCUE if rescued else kind_idx
        if st.loss_rate > 0:
            co.t_loss[i] = now + co.e_loss[i] / st.loss_rate
        kind = KINDS[kind_idx]
        ctx = IdentificationContext(
            time=now,
            state=st.code,
            agency=kind,
            channel="rescue" if rescued else kind.value,
            exploitation=self.world.networks[co.net].spec.exploitation,
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
        st = self.world.states[co.states[i]]
        co.status[i] = IN_IDENT
        service = co.e_service[i] * st.ident_days
        self.schedule(self.now + service, IDENT_QUEUED, c, i)

    def _lose(self, co: Cohort, i: int, when: float) -> None:
        st = self.world.states[co.states[i]]
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
        st = self.world.states[co.states[i]]
        co.ident_at[i] = now
        s = st.index
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
        st = self.world.states[co.states[i]]
        co.status[i] = PROTECTED
        co.protect_at[i] = now
        stay = st.reflection_days + co.e_stay[i] * st.stay_days
        self.schedule(now + stay, SHELTER_END, c, i)
        if co.u_coop[i] < st.cooperation_share:
            co.cooperated[i] = True
            self.schedule(now + st.reflection_days, COOPERATE, c, i)

    def _on_shelter_end(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        st = self.world.states[co.states[i]]
        s = st.index
        nxt = self._next_waiting(self.bed_queue[s], AWAIT_BED)
        if nxt is None:
            self.beds_used[s] -= 1
        else:
            self._admit(self.cohorts[nxt[0]], nxt[0], nxt[1])
        self._exit(co, i, st.code)

    def _exit(self, co: Cohort, i: int, state: str) -> None:
        now = self.now
        origin = self.world.networks[co.net].spec.origin
        co.status[i] = EXITED
        co.exit_at[i] = now
        if origin == state:
            co.exit_code[i] = 2
            return
        st = self.world.states[self.world.state_index[state]]
        wants = co.u_return[i] < st.return_share
        safe: bool | None = None
        latency = 0.0
        if wants:
            terms = self.world.terms(state, origin, Instrument.PRE_RETURN_RISK_ASSESSMENT)
            if terms is not None:
                latency = terms.median_days * math.exp(terms.dispersion * co.z_reqlat[i])
                safe = co.u_risk[i] >= st.return_risk_share
                self.requests.append(
                    RequestRecord(
                        now,
                        state,
                        origin,
                        Instrument.PRE_RETURN_RISK_ASSESSMENT.value,
                        "return",
                        latency,
                        safe,
                    )
                )
        ctx = ReturnContext(now, state, origin, wants, safe)
        decision = self.policies.of(state, _MIGRATION).decide_return(ctx)
        if decision.action is Action.RETURN:
            co.exit_code[i] = 1
            co.exit_at[i] = now + latency
        else:
            co.exit_code[i] = 2

    # -- justice ------------------------------------------------------------------------------
    def _on_cooperate(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        nr = self.networks[co.cells[i]]
        if not nr.active or co.t_rec[i] < nr.restart_at:
            return
        nr.evidence += 1
        if not nr.case_open:
            self._open_case(nr, co.states[i])

    def _schedule_proactive(self, net: int) -> None:
        nr = self.networks[net]
        cell = self.world.networks[net]
        st = self.world.states[self.world.state_index[cell.main_state]]
        if st.proactive_rate > 0:
            rng = self.streams.get(f"justice/{cell.id}/{nr.gen}")
            self.schedule(
                self.now + rng.exponential(1.0 / st.proactive_rate), PROACTIVE, net, nr.gen
            )

    def _on_proactive(self, net: int, gen: int) -> None:
        nr = self.networks[net]
        if nr.gen != gen or not nr.active:
            return
        if not nr.case_open:
            self._open_case(nr, self.world.state_index[self.world.networks[net].main_state])
        self._schedule_proactive(net)

    def _open_case(self, nr: NetworkRun, s: int) -> None:
        nr.case_open = True
        nr.case_state = s
        st = self.world.states[s]
        if self.investigators_busy[s] < st.investigators:
            self.investigators_busy[s] += 1
            self._start_investigation(nr)
        else:
            self.case_queue[s].append((nr.index, nr.gen))

    def _start_investigation(self, nr: NetworkRun) -> None:
        now = self.now
        cell = self.world.networks[nr.index]
        spec = cell.spec
        st = self.world.states[nr.case_state]
        rng = self.streams.get(f"justice/{cell.id}/{nr.gen}")
        duration = rng.exponential(st.investigation_days)
        nr.financial = bool(rng.random() < st.financial_share)
        nr.reply = None
        self.justice.append(JusticeRecord(now, st.code, cell.id, "investigation", 1))
        if nr.financial:
            self.justice.append(JusticeRecord(now, st.code, cell.id, "financial_investigation", 1))
        if spec.origin != st.code:
            ctx = RequestContext(
                time=now,
                sender=st.code,
                receiver=spec.origin,
                agency=_LAW,
                network=cell.id,
                cooperating_victims=nr.evidence,
                available=self.world.evidence_instruments(st.code, spec.origin),
            )
            decision = self.policies.of(st.code, _LAW).decide_request(ctx)
            terms = (
                self.world.terms(st.code, spec.origin, decision.instrument)
                if decision.action is Action.REQUEST and decision.instrument is not None
                else None
            )
            if terms is not None and decision.instrument is not None:
                latency = terms.median_days * math.exp(terms.dispersion * rng.standard_normal())
                ok = bool(rng.random() < terms.success)
                nr.reply = ok
                self.requests.append(
                    RequestRecord(
                        now,
                        st.code,
                        spec.origin,
                        decision.instrument.value,
                        "evidence",
                        latency,
                        ok,
                    )
                )
                duration = max(duration, latency)
        self.schedule(now + duration, INVEST_DONE, nr.index, nr.gen)

    def _on_invest_done(self, net: int, gen: int) -> None:
        nr = self.networks[net]
        cell = self.world.networks[net]
        spec = cell.spec
        s = nr.case_state
        st = self.world.states[s]
        nxt = None
        while self.case_queue[s]:
            cand = self.case_queue[s].popleft()
            if self.networks[cand[0]].gen == cand[1] and self.networks[cand[0]].active:
                nxt = cand
                break
        if nxt is None:
            self.investigators_busy[s] -= 1
        else:
            self._start_investigation(self.networks[nxt[0]])
        if nr.gen != gen or not nr.active:
            return
        rng = self.streams.get(f"justice/{cell.id}/{gen}")
        p = (
            st.evidence_base
            + st.evidence_per_victim * min(nr.evidence, 5)
            + (st.evidence_cross_border if nr.reply else 0.0)
            + (st.evidence_financial if nr.financial else 0.0)
        )
        sufficient = bool(rng.random() < min(p, 0.95))
        ctx = ProsecutionContext(
            self.now, st.code, cell.id, sufficient, nr.evidence, nr.reply, nr.financial
        )
        decision = self.policies.of(st.code, _PROSECUTOR).decide_prosecution(ctx)
        if decision.action is not Action.CHARGE:
            nr.case_open = False
            return
        persons = min(spec.members, 1 + int(rng.poisson(st.persons_per_case - 1.0)))
        self.justice.append(JusticeRecord(self.now, st.code, cell.id, "prosecuted", persons))
        self.justice.append(JusticeRecord(self.now, st.code, cell.id, "disrupted", 1))
        self.schedule(self.now + rng.exponential(st.prosecution_days), VERDICT, s, persons)
        self._disrupt(nr, self.now + rng.exponential(spec.replacement_days))

    def _disrupt(self, nr: NetworkRun, replaced_at: float) -> None:
        """Arrests: the group stops recruiting until ``replaced_at``; its victims are rescued."""
        now = self.now
        nr.active = False
        nr.case_open = False
        cell = self.world.networks[nr.index]
        c = cell.template
        co = self.cohorts[c]
        members = co.members[cell.number]
        t_rec = co.t_rec[members]
        lo = int(t_rec.searchsorted(nr.restart_at, side="left"))
        mid = int(t_rec.searchsorted(now, side="right"))
        hi = int(t_rec.searchsorted(replaced_at, side="right"))
        law = KIND_INDEX[_LAW]
        for i in members[lo:mid].tolist():
            if (
                co.exists[i]
                and co.status[i] == EXPLOITED
                and not co.intercepted[i]
                and co.detected_at[i] != co.detected_at[i]
                and co.t_end[i] > now
            ):
                self._detect(co, c, i, law, rescued=True)
        for i in members[mid:hi].tolist():
            co.exists[i] = False
        self.schedule(replaced_at, NET_START, nr.index, nr.gen + 1)

    def _on_verdict(self, s: int, persons: int) -> None:
        st = self.world.states[s]
        rng = self.streams.get(f"courts/{st.code}")
        convicted = int(rng.binomial(persons, st.conviction_share))
        self.justice.append(JusticeRecord(self.now, st.code, "", "convicted", convicted))


__all__ = ["TYPES", "Engine", "JusticeRecord", "RequestRecord"]
