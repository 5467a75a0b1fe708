"""Measuring an exercise: per victim, per network and per team, against the procedure's targets.

Times are in exercise days. The measures follow the OSCE exercises' aims and the outcome
measures in ``docs/exercise.md``: time to first contact, screening against the hidden truth,
time to identification, to referral (made) and to protection (given), victim retained or lost,
act–means–purpose established with documents, financial investigation, cross-border requests
and their latency, the charging decisions after arrests (charged, dropped or pending, by whom,
when), a prosecution-readiness score (after the prosecutor's assessment used at the 2005
Moldova exercise) and whether every victim in a team's reach got the same standard of
protection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import Element, ExerciseScenario, Network

DAY = 1440.0


def _days(a: int | None, b: int | None) -> float | None:
    return None if a is None or b is None else round((b - a) / DAY, 2)


@dataclass
class PersonaScore:
    persona: str
    name: str
    groups: list[str]
    is_victim: bool
    reachable_at: float | None
    first_contact_days: float | None
    screening_recall: float | None  # share of the true indicators the teams recorded
    screening_correct: bool | None  # the conclusion matches the truth
    identification_days: float | None
    #: when the referral was made (whoever decides on it)
    referral_days: float | None
    retained: bool
    protection: list[str]
    trust: int
    #: when the person was given shelter, NGO assistance or child protection on a referral (a
    #: played operator's acceptance, the engine's shelter place, or a referral given at once);
    #: not measured for exercises created before referrals were answered (``None``)
    protection_days: float | None = None


@dataclass
class ChargeScore:
    """A charging decision on a network in one state (exercise days since the start)."""

    state: str
    status: str  # charged | dropped | pending
    #: the team, "engine:<policy class>", or "engine" while an unplayed prosecutor's is pending
    by: str
    opened_day: float
    due_day: float | None
    decided_day: float | None
    reason: str
    #: the exercise minutes of ``due_day`` and ``decided_day``, as logged: a time is shown from
    #: these (one rounding, the log's), never from the rounded days
    due_minute: int | None = None
    decided_minute: int | None = None


@dataclass
class NetworkScore:
    network: str
    name: str
    elements: dict[str, str]  # act/means/purpose -> "documented" | "stated" | "missing"
    investigation_opened: bool
    financial_investigation: bool
    requests_sent: int
    requests_answered: int
    median_reply_days: float | None
    arrests: int
    disrupted: bool
    prosecution_readiness: int  # 0-100
    #: the charging decision in each state where members were arrested
    charges: list[ChargeScore] = field(default_factory=list)


@dataclass
class TeamScore:
    team: str
    name: str
    state: str
    played: bool
    actions: int
    shares: int
    personas_contacted: int
    mean_first_contact_days: float | None
    identifications: int
    referrals: int
    requests_sent: int
    requests_answered_to_them: int
    requests_received: int
    #: requests received that the team executed (a declined request is not an answer that
    #: met the request: ``requests_they_declined``)
    requests_they_answered: int
    median_reply_days: float | None
    equal_protection: bool
    protection_gap: list[str] = field(default_factory=list)
    requests_they_declined: int = 0
    #: the victims within the team's reach (contacted or not) whose protection was compared
    victims_in_reach: int = 0


@dataclass
class Scores:
    personas: list[PersonaScore]
    networks: list[NetworkScore]
    teams: list[TeamScore]
    targets: dict[str, float]
    target_results: list[dict[str, object]]


def _protection(
    sc: ExerciseScenario, st: ExerciseState, pid: str, team: str | None = None
) -> list[str]:
    p = st.personas[pid]
    out = []
    ivs = [i for i in p.interviews if team is None or i["team"] == team]
    c = sc.character(pid)
    if any(i.get("interpreter") in c.languages for i in ivs) or p.interpreter_used:
        out.append("own_language")
    if any(
        i["setting"] in ("shelter", "office") and not i["threats"] and not i["exploiter_present"]
        for i in ivs
    ):
        out.append("safe_interview")
    if any(i["approach"] == "trauma_informed" for i in ivs):
        out.append("trauma_informed")
    if p.referred_at is not None:
        out.append("referred_to_assistance")
    if p.protected:
        out.append("recovery_period_or_child_protection")
    if p.legal_advice_at is not None:
        out.append("legal_advice")
    return out


def network_elements(
    sc: ExerciseScenario, st: ExerciseState, n: Network, held: set[str]
) -> tuple[dict[str, str], bool]:
    """Act, means and purpose of the offence for network ``n``, each "documented" (by one of
    the documents ``held``), "stated" (in a victim's disclosure) or "missing"; and whether a
    victim who disclosed an element was retained."""
    docs = [e for e in sc.evidence if e.id in held and e.storyline in n.storylines]
    stated: set[str] = set()
    retained_statement = False
    for c in sc.personas():
        if c.storyline not in n.storylines:
            continue
        p = st.personas[c.id]
        for d in c.ladder:
            if d.id in p.disclosed:
                stated |= {e.value for e in d.establishes}
                retained_statement |= bool(d.establishes) and p.status != "fled"
    elements = {}
    for el in Element:
        if any(el in e.establishes for e in docs):
            elements[el.value] = "documented"
        elif el.value in stated:
            elements[el.value] = "stated"
        else:
            elements[el.value] = "missing"
    return elements, retained_statement


def score(sc: ExerciseScenario, st: ExerciseState) -> Scores:
    """All the measures of an exercise state (finished or not)."""
    personas = [_persona_score(sc, st, c.id) for c in sc.personas()]
    targets = _targets(sc)
    return Scores(
        personas,
        _network_scores(sc, st),
        [_team_score(sc, st, t.id) for t in sc.teams],
        targets,
        _target_results(st, personas, targets),
    )


def _persona_score(sc: ExerciseScenario, st: ExerciseState, pid: str) -> PersonaScore:
    """How one persona was reached, screened, identified, referred and protected."""
    c, p = sc.character(pid), st.personas[pid]
    truth = c.truth
    assert truth is not None
    first = min(p.contacted.values()) if p.contacted else None
    recall = None
    correct = None
    if p.screenings:
        seen = set().union(*(set(s.indicators) for s in p.screenings))
        recall = (
            round(len(seen & set(truth.indicators)) / len(truth.indicators), 2)
            if truth.indicators
            else None
        )
        final = p.screenings[-1].conclusion
        correct = (final == "possible_victim") == truth.is_victim
    return PersonaScore(
        c.id,
        c.name,
        [g.value for g in c.groups],
        truth.is_victim,
        _days(0, p.reachable_since),
        _days(p.reachable_since, first),
        recall,
        correct,
        _days(first, p.identified_at),
        _days(first, p.referred_at),
        p.status != "fled",
        _protection(sc, st, c.id),
        p.trust,
        _days(first, p.assisted_at),
    )


def _network_scores(sc: ExerciseScenario, st: ExerciseState) -> list[NetworkScore]:
    """Per network: the offence's elements, investigations, requests, arrests, charges and a
    prosecution-readiness score, on the documents any team holds."""
    held: set[str] = set().union(*(set(t.evidence) for t in st.teams.values()))
    return [_network_score(sc, st, n, held) for n in sc.networks]


def _network_score(
    sc: ExerciseScenario, st: ExerciseState, n: Network, held: set[str]
) -> NetworkScore:
    ns = st.networks[n.id]
    elements, retained_statement = network_elements(sc, st, n, held)
    docs = [e for e in sc.evidence if e.id in held and e.storyline in n.storylines]
    reqs = [r for r in st.requests if r.network == n.id]
    answered = [r for r in reqs if r.answered_at is not None and not r.declined]
    lat = [(r.answered_at - r.sent_at) / DAY for r in answered if r.answered_at is not None]
    fin = any(n.id in t.financial_investigations for t in st.teams.values())
    readiness = 20 * sum(v == "documented" for v in elements.values())
    readiness += 10 * retained_statement
    readiness += 10 * any(e.financial for e in docs)
    readiness += 10 * any(r.evidence for r in answered)
    readiness += 10 * bool(ns.arrests)
    return NetworkScore(
        n.id,
        n.name,
        elements,
        any(n.id in t.investigations for t in st.teams.values()),
        fin,
        len(reqs),
        len(answered),
        round(median(lat), 2) if lat else None,
        len(ns.arrests),
        ns.disrupted_at is not None,
        readiness,
        [
            ChargeScore(
                state,
                ch.status,
                ch.decided_by or ch.prosecutor or "engine",
                round(ch.opened_at / DAY, 2),
                _days(0, ch.due),
                _days(0, ch.decided_at),
                ch.reason,
                ch.due,
                ch.decided_at,
            )
            for state, ch in sorted(ns.charges.items())
        ],
    )


def _team_score(sc: ExerciseScenario, st: ExerciseState, team_id: str) -> TeamScore:
    """One team's work: contacts, identifications, referrals, requests, and whether every
    victim it reached got the same protection."""
    t, ts = sc.team(team_id), st.teams[team_id]
    contacted = [p for p in st.personas.values() if t.id in p.contacted]
    firsts = [
        (p.contacted[t.id] - p.known_to.get(t.id, p.contacted[t.id])) / DAY for p in contacted
    ]
    sent = [r for r in st.requests if r.from_team == t.id]
    received = [r for r in st.requests if r.to_team == t.id]
    executed = [r for r in received if r.answered_at is not None and not r.declined]
    lat = [(r.answered_at - r.sent_at) / DAY for r in executed if r.answered_at is not None]
    # every victim within the team's reach, contacted or not: a victim the team could reach
    # and never contacted got none of the protection the best-treated one got
    victims = [
        p
        for p in st.personas.values()
        if (t.id in p.known_to or t.id in p.contacted)
        and (sc.character(p.id).truth or _NoTruth).is_victim
    ]
    measures = {p.id: set(_protection(sc, st, p.id, t.id)) for p in victims}
    gap = []
    if measures:
        best = max(measures.values(), key=len)
        for pid, got in measures.items():
            missing = best - got
            if missing:
                gap.append(f"{pid}: {', '.join(sorted(missing))}")
    return TeamScore(
        t.id,
        t.name,
        t.state,
        t.played,
        ts.actions,
        ts.shares,
        len(contacted),
        round(sum(firsts) / len(firsts), 2) if firsts else None,
        sum(1 for p in st.personas.values() if p.identified_by == t.id),
        sum(1 for p in st.personas.values() for r in p.referrals if r["team"] == t.id),
        len(sent),
        sum(1 for r in sent if r.answered_at is not None and not r.declined),
        len(received),
        len(executed),
        round(median(lat), 2) if lat else None,
        not gap,
        gap,
        sum(1 for r in received if r.answered_at is not None and r.declined),
        len(victims),
    )


def _targets(sc: ExerciseScenario) -> dict[str, float]:
    """The procedure's targets, in exercise days, by measure."""
    tg = sc.targets
    return {
        "first_contact_days": tg.first_contact_days,
        "identification_days": tg.identification_days,
        "referral_days": tg.identification_days + tg.referral_after_identification_days,
        "cross_border_reply_days": tg.cross_border_reply_days,
    }


def _target_results(
    st: ExerciseState, personas: list[PersonaScore], targets: dict[str, float]
) -> list[dict[str, object]]:
    """Each measure taken against its target: per persona (identification and referral for
    victims only), per request answered. ``result`` is "met", "missed" or, for a request the
    receiving state declined, "declined": a refusal is never an answer that met its target
    (the networks' table counts it as unanswered too); ``met`` is true for "met" only."""
    results: list[dict[str, object]] = []

    def met(measure: str, subject: str, value: float, declined: bool = False) -> None:
        result = "declined" if declined else "met" if value <= targets[measure] else "missed"
        results.append(
            {
                "measure": measure,
                "subject": subject,
                "value": value,
                "target": targets[measure],
                "met": result == "met",
                "result": result,
            }
        )

    for ps in personas:
        for key, value in (
            ("first_contact_days", ps.first_contact_days),
            ("identification_days", ps.identification_days if ps.is_victim else None),
            ("referral_days", ps.referral_days if ps.is_victim else None),
        ):
            if value is not None:
                met(key, ps.persona, value)
    for r in st.requests:
        if r.answered_at is not None:
            days = round((r.answered_at - r.sent_at) / DAY, 2)
            met("cross_border_reply_days", r.id, days, declined=r.declined)
    return results


class _NoTruth:
    is_victim = False
