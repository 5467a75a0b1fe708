"""Justice in the regional model: investigation, cross-border requests, charging, disruption.

A network group comes under investigation when a protected victim decides to cooperate or,
intelligence-led, at ``proactive_rate`` per active group per year. Investigations wait for one
of the state's ``investigators``; a share adds a financial investigation. When the group's origin
is another state, the police send a cross-border request by the instrument their policy chooses
among those that exist between the two states, and the receiving state's agency executes it or
declines (``decide_answer``; the SOP executes whatever the channel's draw says can be). At the
end, the evidence (base, cooperating victims, a useful reply, a financial investigation) decides
whether the prosecutor can charge; charging disrupts the group (it stops recruiting, its
remaining victims are rescued wherever they are) until a replacement takes over; the verdict
comes after ``prosecution_days``.

These handlers are a mixin of :class:`pharos.sim.engine.Engine`.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pharos.domain.practitioners import PractitionerKind
from pharos.sim.policies import (
    Action,
    AnswerContext,
    InstrumentTerms,
    Policies,
    ProsecutionContext,
    RequestContext,
    answering_agency,
)
from pharos.sim.records import JusticeRecord, RequestRecord
from pharos.sim.streams import Streams, binomial, poisson
from pharos.sim.victims import Cohort
from pharos.sim.world import KIND_INDEX, World

if TYPE_CHECKING:
    from pharos.scenario.schema import ChannelTerms, Scenario

# event kinds used here (the full list is in pharos.sim.engine)
NET_START, PROACTIVE, INVEST_DONE, VERDICT = 5, 6, 7, 8
EXPLOITED = 0

_LAW = PractitionerKind.LAW_ENFORCEMENT
_PROSECUTOR = PractitionerKind.PUBLIC_PROSECUTOR


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
    rng: random.Random | None = None
    rng_gen: int = -1


class JusticeProcesses:
    """Event handlers of the justice processes (mixed into the engine)."""

    scenario: Scenario
    world: World
    streams: Streams
    policies: Policies
    now: float
    heap: list[float]
    cohorts: list[Cohort]
    networks: list[NetworkRun]
    investigators_busy: list[int]
    case_queue: list[deque[tuple[int, int]]]
    _verdicts: list[tuple[int, str]]
    _members: dict[int, tuple[list[int], list[float]]]
    justice_stats: dict[tuple[str, int, str, int], int]
    _proactive: dict[int, float]
    automated: bool
    request_stats: dict[tuple[str, str, str, str], list[float]]
    _sop_request: dict[tuple[str, str], tuple[str, ChannelTerms] | None]

    def schedule(self, time: float, kind: int, a: int, b: int) -> None:
        raise NotImplementedError

    def record_request(self, rec: RequestRecord) -> None:
        raise NotImplementedError

    def record_justice(self, rec: JusticeRecord) -> None:
        raise NotImplementedError

    def _detect(self, co: Cohort, c: int, i: int, kind_idx: int, rescued: bool) -> None:
        raise NotImplementedError

    def _on_cooperate(self, c: int, i: int) -> None:
        co = self.cohorts[c]
        nr = self.networks[co.cells[i]]
        if not nr.active or co.t_rec[i] < nr.restart_at:
            return
        nr.evidence += 1
        if not nr.case_open:
            self._open_case(nr, co.states[i])

    def _tally(self, state: str, time: float, event: str, template: int, persons: int) -> None:
        """Count a justice event (what :meth:`record_justice` does, without the record)."""
        key = (state, int(time // 365), event, template)
        self.justice_stats[key] = self.justice_stats.get(key, 0) + persons

    def _rng(self, nr: NetworkRun) -> random.Random:
        """The justice stream of the group's current generation (cached on the group)."""
        if nr.rng is None or nr.rng_gen != nr.gen:
            name = f"justice/{self.world.networks[nr.index].id}/{nr.gen}"
            nr.rng = self.streams.scalar(name)
            nr.rng_gen = nr.gen
        return nr.rng

    def _schedule_proactive(self, net: int) -> None:
        nr = self.networks[net]
        rate = self._proactive.get(net)
        if rate is None:
            cell = self.world.networks[net]
            st = self.world.states[self.world.state_index[cell.main_state]]
            rate = self._proactive[net] = st.proactive_rate
        if rate > 0:
            rng = self._rng(nr)
            self.schedule(self.now + rng.expovariate(rate), PROACTIVE, net, nr.gen)

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
        rng = self._rng(nr)
        duration = rng.expovariate(1.0 / st.investigation_days)
        nr.financial = bool(rng.random() < st.financial_share)
        nr.reply = None
        self._tally(st.code, now, "investigation", cell.template, 1)
        if nr.financial:
            self._tally(st.code, now, "financial_investigation", cell.template, 1)
        if spec.origin != st.code and self.automated:  # the SOP, inlined (same choice, cached)
            pair = (st.code, spec.origin)
            if pair in self._sop_request:
                chosen = self._sop_request[pair]
            else:
                available = self.world.evidence_instruments(st.code, spec.origin)
                if available:
                    best = min(available, key=lambda t: t.median_days / max(t.success, 1e-9))
                    found = self.world.terms(st.code, spec.origin, best.instrument)
                    chosen = (best.instrument, found) if found is not None else None
                else:
                    chosen = None
                self._sop_request[pair] = chosen
            if chosen is not None:
                chan = chosen[1]
                latency = chan.median_days * math.exp(chan.dispersion * rng.gauss(0.0, 1.0))
                ok = bool(rng.random() < chan.success)
                nr.reply = ok
                key = (st.code, spec.origin, chosen[0], "evidence")
                acc = self.request_stats.get(key)
                if acc is None:
                    acc = self.request_stats[key] = [0.0, 0.0, 0.0]
                acc[0] += 1
                acc[1] += ok
                acc[2] += latency
                duration = max(duration, latency)
        elif spec.origin != st.code:
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
                latency = terms.median_days * math.exp(terms.dispersion * rng.gauss(0.0, 1.0))
                ok = bool(rng.random() < terms.success)
                # the receiving state's agency executes or declines (the draw says if it can)
                kind = answering_agency(decision.instrument)
                answer = self.policies.of(spec.origin, kind).decide_answer(
                    AnswerContext(
                        time=now,
                        sender=st.code,
                        receiver=spec.origin,
                        agency=kind,
                        instrument=decision.instrument,
                        network=cell.id,
                        terms=InstrumentTerms(
                            decision.instrument, terms.median_days, terms.success
                        ),
                        executable=ok,
                        latency=latency,
                    )
                )
                ok = ok and answer.action is Action.EXECUTE
                nr.reply = ok
                self.record_request(
                    RequestRecord(
                        now,
                        st.code,
                        spec.origin,
                        decision.instrument,
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
        rng = self._rng(nr)
        p = (
            st.evidence_base
            + st.evidence_per_victim * min(nr.evidence, 5)
            + (st.evidence_cross_border if nr.reply else 0.0)
            + (st.evidence_financial if nr.financial else 0.0)
        )
        sufficient = bool(rng.random() < min(p, 0.95))
        if self.automated:  # the SOP, inlined: charge when the evidence is sufficient
            charge = sufficient
        else:
            ctx = ProsecutionContext(
                self.now, st.code, cell.id, sufficient, nr.evidence, nr.reply, nr.financial
            )
            decision = self.policies.of(st.code, _PROSECUTOR).decide_prosecution(ctx)
            charge = decision.action is Action.CHARGE
        if not charge:
            nr.case_open = False
            return
        persons = min(spec.members, 1 + poisson(rng, st.persons_per_case - 1.0))
        self._tally(st.code, self.now, "prosecuted", cell.template, persons)
        self._tally(st.code, self.now, "disrupted", cell.template, 1)
        self._verdicts.append((s, cell.id))
        verdict_at = self.now + rng.expovariate(1.0 / st.prosecution_days)
        self.schedule(verdict_at, VERDICT, len(self._verdicts) - 1, persons)
        self._disrupt(nr, self.now + rng.expovariate(1.0 / spec.replacement_days))

    def _disrupt(self, nr: NetworkRun, replaced_at: float) -> None:
        """Arrests: the group stops recruiting until ``replaced_at``; its victims are rescued."""
        now = self.now
        nr.active = False
        nr.case_open = False
        cell = self.world.networks[nr.index]
        c = cell.template
        co = self.cohorts[c]
        members, t_rec = self._cell_members(nr.index, co, cell.number)
        lo = bisect_left(t_rec, nr.restart_at)
        mid = bisect_right(t_rec, now)
        hi = bisect_right(t_rec, replaced_at)
        law = KIND_INDEX[_LAW]
        t_end, intercepted = co.t_ends, co.intercepted_list
        exists, status, detected_at = co.exists, co.status, co.detected_at
        for i in members[lo:mid]:  # in the order of recruitment
            if (
                t_end[i] > now
                and not intercepted[i]
                and exists[i]
                and status[i] == EXPLOITED
                and detected_at[i] != detected_at[i]
            ):
                self._detect(co, c, i, law, rescued=True)
        for i in members[mid:hi]:
            exists[i] = False
        self.schedule(replaced_at, NET_START, nr.index, nr.gen + 1)

    def _cell_members(self, cell: int, co: Cohort, number: int) -> tuple[list[int], list[float]]:
        """The victims a cell recruits over the run (in recruitment order) and their recruitment
        days, as lists (fixed for the run; built on the cell's first disruption)."""
        hit = self._members.get(cell)
        if hit is None:
            members = co.members[number]
            hit = self._members[cell] = (members.tolist(), co.t_rec[members].tolist())
        return hit

    def _on_verdict(self, case: int, persons: int) -> None:
        s, network = self._verdicts[case]
        st = self.world.states[s]
        rng = self.streams.scalar(f"courts/{st.code}")
        convicted = binomial(rng, persons, st.conviction_share)
        self.record_justice(JusticeRecord(self.now, st.code, network, "convicted", convicted))
