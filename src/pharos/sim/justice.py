"""Justice in the regional model: investigation, intelligence and evidence from abroad, charging.

A network group comes under investigation when a protected victim decides to cooperate or,
intelligence-led, at ``proactive_rate`` per active group per year. Investigations wait for one
of the state's ``investigators``; a share adds a financial investigation. When the group's origin
is another state, the investigation asks abroad in the order practice follows:

1. **Intelligence.** The police ask by a police instrument (Interpol, the Single Points of
   Contact over SIENA between EU states, a liaison officer where one is posted); a useful reply
   is a lead that saves ``lead_speedup`` of the investigation still to run (locating victims and
   suspects sooner), but it is not evidence (Directive (EU) 2023/977, Art. 1).
2. **Evidence.** When the police reply is in, the prosecutor asks by a judicial instrument
   (a joint investigation team where agreed, the European Investigation Order between EU states
   bound by it, mutual legal assistance otherwise); a request for mutual legal assistance first
   waits for the requesting state's central authority (finite staff, first come first served).

The investigators move on when their work is done; the case waits for the judicial reply, and
only a useful one adds the cross-border evidence that decides whether the prosecutor can
charge. Charging disrupts the group (it stops recruiting, its remaining victims are rescued
wherever they are) until a replacement takes over; the verdict comes after
``prosecution_days``. The receiving state's agency executes a request or declines
(``decide_answer``; the SOP executes whatever the channel's draw says can be).

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
    fastest,
)
from pharos.sim.records import JusticeRecord, RequestRecord
from pharos.sim.streams import Streams, binomial, poisson
from pharos.sim.victims import Cohort
from pharos.sim.world import CENTRAL_AUTHORITY_INSTRUMENTS, KIND_INDEX, World

if TYPE_CHECKING:
    from pharos.scenario.schema import ChannelTerms, Scenario

# event kinds used here (the full list is in pharos.sim.engine)
NET_START, PROACTIVE, INVEST_DONE, VERDICT, LEAD, EVIDENCE = 5, 6, 7, 8, 9, 10
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
    #: the judicial reply brought admissible evidence (None: no judicial request)
    reply: bool | None = None
    #: the police reply brought a useful lead (None: no police request)
    lead: bool | None = None
    #: the case's judicial reply is still awaited (or its request not yet sent)
    awaiting: bool = False
    #: the investigators' work is done; the case waits for the judicial reply
    work_done: bool = False
    #: the uniform that decides whether the evidence suffices (drawn when the work is done)
    u_charge: float = 1.0
    opened_at: float = 0.0
    #: investigations started against the group (tags the replies of the current one)
    case_no: int = 0
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
    justice_stats: dict[tuple[str, int, str, int], float]
    _proactive: dict[int, float]
    automated: bool
    request_stats: dict[tuple[str, str, str, str], list[float]]
    _sop_request: dict[tuple[str, str, str], tuple[str, ChannelTerms] | None]
    #: per state, the time each member of the central authority's staff is next free
    ca_free: list[list[float]]

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

    def _tally(self, state: str, time: float, event: str, template: int, persons: float) -> None:
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
        nr.opened_at = self.now
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
        nr.reply = nr.lead = None
        nr.awaiting = nr.work_done = False
        nr.case_no += 1
        self._tally(st.code, now, "investigation", cell.template, 1)
        if nr.financial:
            self._tally(st.code, now, "financial_investigation", cell.template, 1)
        if spec.origin != st.code:
            nr.awaiting = True  # the prosecutor will ask for evidence
            sent = self._request(nr, "intelligence")
            if sent is None:
                self._ask_evidence(nr)  # no police channel: the prosecutor asks at once
            else:
                latency, ok = sent
                nr.lead = ok
                if ok and latency < duration:  # a lead: the rest of the work goes faster
                    duration = latency + (duration - latency) * (1.0 - st.lead_speedup)
                self.schedule(now + latency, LEAD, nr.index, nr.case_no)
        self.schedule(now + duration, INVEST_DONE, nr.index, nr.gen)

    def _request(self, nr: NetworkRun, purpose: str) -> tuple[float, bool] | None:
        """Send the case's request for ``purpose`` to the group's origin state: the instrument
        the agency's policy chooses, its latency (days from the request to the reply, with the
        wait for the central authority) and whether it brought something useful (None: no
        instrument, or the policy sent none)."""
        now = self.now
        cell = self.world.networks[nr.index]
        origin = cell.spec.origin
        st = self.world.states[nr.case_state]
        rng = self._rng(nr)
        chosen: tuple[str, ChannelTerms] | None
        if self.automated:  # the SOP, inlined (same choice, cached)
            key = (st.code, origin, purpose)
            if key in self._sop_request:
                chosen = self._sop_request[key]
            else:
                best = fastest(self.world.instruments_for(st.code, origin, purpose))
                found = (
                    self.world.terms(st.code, origin, best.instrument) if best is not None else None
                )
                chosen = self._sop_request[key] = (
                    (best.instrument, found) if best is not None and found is not None else None
                )
        else:
            agency = _LAW if purpose == "intelligence" else _PROSECUTOR
            ctx = RequestContext(
                time=now,
                sender=st.code,
                receiver=origin,
                agency=agency,
                network=cell.id,
                cooperating_victims=nr.evidence,
                available=self.world.instruments_for(st.code, origin, purpose),
                purpose=purpose,
            )
            decision = self.policies.of(st.code, agency).decide_request(ctx)
            chosen = None
            if decision.action is Action.REQUEST and decision.instrument is not None:
                found = self.world.terms(st.code, origin, decision.instrument)
                chosen = (decision.instrument, found) if found is not None else None
        if chosen is None:
            return None
        code, terms = chosen
        wait = 0.0
        if code in CENTRAL_AUTHORITY_INSTRUMENTS:  # FIFO over the central authority's staff
            service = rng.expovariate(1.0 / st.ca_days)
            free = self.ca_free[nr.case_state]
            k = free.index(min(free))
            done = max(now, free[k]) + service
            free[k] = done
            wait = done - now
        latency = (
            wait
            + terms.setup_days
            + terms.median_days * math.exp(terms.dispersion * rng.gauss(0.0, 1.0))
        )
        ok = bool(rng.random() < terms.success)
        if not self.automated:  # the receiving state's agency executes or declines
            kind = answering_agency(code)
            answer = self.policies.of(origin, kind).decide_answer(
                AnswerContext(
                    time=now,
                    sender=st.code,
                    receiver=origin,
                    agency=kind,
                    instrument=code,
                    network=cell.id,
                    terms=InstrumentTerms(code, terms.median_days, terms.success, terms.setup_days),
                    executable=ok,
                    latency=latency,
                )
            )
            ok = ok and answer.action is Action.EXECUTE
        acc_key = (st.code, origin, code, purpose)
        acc = self.request_stats.get(acc_key)
        if acc is None:
            acc = self.request_stats[acc_key] = [0.0, 0.0, 0.0]
        acc[0] += 1
        acc[1] += ok
        acc[2] += latency
        return latency, ok

    def _ask_evidence(self, nr: NetworkRun) -> None:
        """The prosecutor's judicial request; the case waits for its reply."""
        sent = self._request(nr, "evidence")
        if sent is None:
            nr.awaiting = False
            if nr.work_done:
                self._conclude(nr)
            return
        latency, ok = sent
        nr.reply = ok
        self.schedule(self.now + latency, EVIDENCE, nr.index, nr.case_no)

    def _on_lead(self, net: int, case: int) -> None:
        """The police reply is in: the prosecutor asks for evidence."""
        nr = self.networks[net]
        if nr.case_no == case and nr.active and nr.awaiting:
            self._ask_evidence(nr)

    def _on_evidence(self, net: int, case: int) -> None:
        """The judicial reply is in: charge or close if the investigators are done."""
        nr = self.networks[net]
        if nr.case_no != case or not nr.active or not nr.awaiting:
            return
        nr.awaiting = False
        if nr.work_done:
            self._conclude(nr)

    def _on_invest_done(self, net: int, gen: int) -> None:
        nr = self.networks[net]
        s = nr.case_state
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
        nr.work_done = True
        nr.u_charge = self._rng(nr).random()
        if nr.awaiting and not nr.u_charge < min(self._readiness(nr, False), 0.95):
            return  # not enough without the evidence from abroad: the case waits for it
        self._conclude(nr)

    def _readiness(self, nr: NetworkRun, judicial: bool) -> float:
        """The probability that the admissible evidence suffices to charge: base, cooperating
        victims, a financial investigation and, with ``judicial``, a useful judicial reply
        (police intelligence never counts)."""
        st = self.world.states[nr.case_state]
        return (
            st.evidence_base
            + st.evidence_per_victim * min(nr.evidence, 5)
            + (st.evidence_cross_border if judicial and nr.reply else 0.0)
            + (st.evidence_financial if nr.financial else 0.0)
        )

    def _conclude(self, nr: NetworkRun) -> None:
        """The prosecutor decides on the admissible evidence gathered (the judicial reply
        counts once it is in): charge, or close the case."""
        cell = self.world.networks[nr.index]
        spec = cell.spec
        s = nr.case_state
        st = self.world.states[s]
        rng = self._rng(nr)
        sufficient = bool(nr.u_charge < min(self._readiness(nr, not nr.awaiting), 0.95))
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
        days = self.now - nr.opened_at
        self._tally(st.code, self.now, "days_to_charge_sum", cell.template, days)
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
