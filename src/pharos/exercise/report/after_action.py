"""The after-action report and improvement plan (AAR/IP), as data (drawn as HTML by
``pharos.exercise.report.html``, as PDF by ``pharos.exercise.report.pdf``).

Structure after HSEEP's AAR/IP: overview, timeline, scores against the procedure's targets,
observers' ratings per objective and team, strengths, areas for improvement, and an improvement
plan of corrective actions, each with an owner agency and a due date (30/60/90 days after the
exercise). Strengths and areas come from the measures (``scoring``) and from the observers and
the hot-wash; controllers add corrective actions of their own during the hot-wash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pharos.exercise.rules.scoring import Scores, score
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.story import describe
from pharos.exercise.words import wording
from pharos.exercise.words.names import Names, clock_label
from pharos.i18n import _


@dataclass
class Finding:
    objective: str
    text: str
    owner: str | None = None


@dataclass
class CorrectiveAction:
    action: str
    owner: str
    due: date
    objective: str
    source: str


@dataclass
class Report:
    title: str
    exercise_id: str
    status: str
    ended_day: float
    scores: Scores
    timeline: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    strengths: list[Finding]
    improvements: list[Finding]
    plan: list[CorrectiveAction]
    hotwash: list[dict[str, Any]]
    wellbeing: list[dict[str, Any]]
    objectives: dict[str, str] = field(default_factory=dict)
    #: charging decisions per network and state: network, state, status, by, when (labels)
    charges: list[dict[str, str]] = field(default_factory=list)
    #: how to show the scenario's ids (persons, teams, ...) in the report
    names: Names = field(default_factory=Names)


def _charges(s: Scores, team_names: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for n in s.networks:
        for c in n.charges:
            if c.by.startswith("engine:"):
                who = _("engine policy: %(p)s") % {"p": c.by.removeprefix("engine:")}
            elif c.by == "engine":
                who = _("engine policy")
            else:
                who = team_names.get(c.by, c.by)
            day = c.due_day if c.status == "pending" else c.decided_day
            when = clock_label(round(day * 1440)) if day is not None else "—"
            if c.status == "pending" and day is not None:
                when = _("due %(when)s") % {"when": when}
            rows.append(
                {
                    "network": n.name,
                    "state": wording.country(c.state),
                    "status": c.status,
                    "label": wording.charge_status(c.status),
                    "by": who,
                    "when": when,
                    "reason": wording.engine_reason(c.reason),
                }
            )
    return rows


def build(sc: ExerciseScenario, st: ExerciseState, report_date: date | None = None) -> Report:
    """The report of an exercise state; due dates count from ``report_date`` (default today)."""
    report_date = report_date or date.today()
    s = score(sc, st)
    names = describe.names(sc, st)
    team_names = {t.id: t.name for t in sc.teams}
    timeline = [
        {
            "when": clock_label(e["minute"]),
            "team": team_names.get(e["team"] or "", ""),
            "text": describe.describe(e, names),
        }
        for e in st.timeline
    ]
    ratings = _ratings(st, team_names)
    found = _Findings()
    found.of_victims(sc, st, s)
    found.of_networks(s)
    found.of_teams(s, names)
    found.of_replies(s)
    found.of_ratings(ratings)
    found.of_hotwash(st)
    return Report(
        sc.title,
        st.exercise_id,
        st.status,
        round(st.minute / 1440, 2),
        s,
        timeline,
        ratings,
        found.strengths,
        found.areas,
        _plan(st, found.areas, team_names, report_date),
        st.hotwash,
        st.wellbeing,
        {o.id.value: o.title for o in sc.objectives},
        _charges(s, team_names),
        names,
    )


def _ratings(st: ExerciseState, team_names: dict[str, str]) -> list[dict[str, Any]]:
    """The observers' ratings per objective and team: how many, their mean, the notes."""
    ratings: dict[tuple[str, str], list[Any]] = {}
    for o in st.observations:
        ratings.setdefault((o.objective, o.team), []).append(o)
    return [
        {
            "objective": obj,
            "team": team_names.get(team, team),
            "n": len(obs),
            "mean": round(sum(o.rating for o in obs) / len(obs), 1),
            "notes": [f"{clock_label(o.minute)} — {o.note}" for o in obs if o.note],
        }
        for (obj, team), obs in sorted(ratings.items())
    ]


@dataclass
class _Findings:
    """The strengths and areas for improvement, gathered from the measures, the observers and
    the hot-wash, in that order."""

    strengths: list[Finding] = field(default_factory=list)
    areas: list[Finding] = field(default_factory=list)

    def of_victims(self, sc: ExerciseScenario, st: ExerciseState, s: Scores) -> None:
        target = s.targets
        for p in s.personas:
            if not p.is_victim:
                if p.screening_correct is False:
                    self.areas.append(
                        Finding(
                            "identification_and_referral",
                            _(
                                "%(p)s was screened as a possible victim although the facts "
                                "showed labour exploitation without trafficking"
                            )
                            % {"p": p.name},
                        )
                    )
                continue
            if (
                p.identification_days is not None
                and p.identification_days <= target["identification_days"]
            ):
                self.strengths.append(
                    Finding(
                        "identification_and_referral",
                        _("%(p)s was identified %(d)s days after first contact (target %(t)s)")
                        % {
                            "p": p.name,
                            "d": p.identification_days,
                            "t": target["identification_days"],
                        },
                    )
                )
            elif p.first_contact_days is not None:
                self.areas.append(
                    Finding(
                        "identification_and_referral",
                        _("%(p)s was not identified within the target of %(t)s days")
                        % {"p": p.name, "t": target["identification_days"]},
                        _owner_of(sc, st, p.persona),
                    )
                )
            if not p.retained:
                self.areas.append(
                    Finding(
                        "victim_centred_protection",
                        _("%(p)s was lost: trust fell to %(t)s without protection")
                        % {"p": p.name, "t": p.trust},
                        _owner_of(sc, st, p.persona),
                    )
                )
            elif p.first_contact_days is None:
                self.areas.append(
                    Finding(
                        "identification_and_referral",
                        _("%(p)s was never contacted") % {"p": p.name},
                    )
                )

    def of_networks(self, s: Scores) -> None:
        for n in s.networks:
            if n.disrupted:
                self.strengths.append(
                    Finding(
                        "networks_across_borders",
                        _("%(n)s was disrupted through cross-border cooperation") % {"n": n.name},
                    )
                )
            else:
                self.areas.append(
                    Finding(
                        "networks_across_borders",
                        _("%(n)s was not disrupted; prosecution readiness %(r)s/100")
                        % {"n": n.name, "r": n.prosecution_readiness},
                    )
                )
            for c in n.charges:
                if c.status == "charged":
                    self.strengths.append(
                        Finding(
                            "networks_across_borders",
                            _("%(n)s: suspects charged in %(s)s")
                            % {"n": n.name, "s": wording.country(c.state)},
                        )
                    )
                elif c.status == "dropped":
                    self.areas.append(
                        Finding(
                            "networks_across_borders",
                            _("%(n)s: charges dropped in %(s)s (%(r)s)")
                            % {
                                "n": n.name,
                                "s": wording.country(c.state),
                                "r": wording.engine_reason(c.reason),
                            },
                        )
                    )
            if not n.financial_investigation:
                self.areas.append(
                    Finding(
                        "victim_centred_protection",
                        _("No financial investigation into %(n)s") % {"n": n.name},
                    )
                )

    def of_teams(self, s: Scores, names: Names) -> None:
        for t in s.teams:
            if t.played and not t.equal_protection:
                self.areas.append(
                    Finding(
                        "victim_centred_protection",
                        _("%(t)s did not give every victim the same protection: %(g)s")
                        % {"t": t.name, "g": "; ".join(_gap(g, names) for g in t.protection_gap)},
                        t.team,
                    )
                )

    def of_replies(self, s: Scores) -> None:
        for r in s.target_results:
            if r["measure"] == "cross_border_reply_days" and not r["met"]:
                self.areas.append(
                    Finding(
                        "networks_across_borders",
                        _("Request %(r)s was answered in %(v)s days (target %(t)s)")
                        % {"r": r["subject"], "v": r["value"], "t": r["target"]},
                    )
                )

    def of_ratings(self, ratings: list[dict[str, Any]]) -> None:
        for row in ratings:
            said = _("Observers rated %(t)s %(m)s/5") % {"t": row["team"], "m": row["mean"]}
            if row["mean"] >= 4:
                self.strengths.append(Finding(row["objective"], said))
            elif row["mean"] <= 2:
                self.areas.append(Finding(row["objective"], said))

    def of_hotwash(self, st: ExerciseState) -> None:
        for h in st.hotwash:
            (self.strengths if h.get("kind") == "strength" else self.areas).append(
                Finding(
                    h.get("objective", "multi_agency_collaboration"),
                    h.get("text", ""),
                    h.get("team"),
                )
            )


#: Days after the report by which an area of each objective is to be addressed.
DUE_DAYS = {
    "victim_centred_protection": 30,
    "identification_and_referral": 60,
    "multi_agency_collaboration": 60,
    "networks_across_borders": 90,
}


def _plan(
    st: ExerciseState, areas: list[Finding], team_names: dict[str, str], report_date: date
) -> list[CorrectiveAction]:
    """The improvement plan: a corrective action for every area (measured), then those the
    controllers added at the hot-wash."""
    plan = [
        CorrectiveAction(
            _("Address: %(f)s") % {"f": f.text},
            team_names.get(f.owner or "", "") or _("national anti-trafficking coordinator"),
            report_date + timedelta(days=DUE_DAYS.get(f.objective, 60)),
            f.objective,
            _("measured"),
        )
        for f in areas
    ]
    for ca in st.corrective_actions:
        plan.append(
            CorrectiveAction(
                ca["action"],
                team_names.get(ca["owner"], ca["owner"]),
                report_date + timedelta(days=int(ca.get("due_days", 60))),
                ca.get("objective", "multi_agency_collaboration"),
                _("hot-wash"),
            )
        )
    return plan


def _gap(gap: str, names: Names) -> str:
    """A protection gap of the scores ("karim: own_language, safe_interview") in words."""
    pid, _sep, codes = gap.partition(": ")
    measures = ", ".join(wording.protection(c) for c in codes.split(", ") if c)
    return f"{names.person(pid)}: {measures}"


def _owner_of(sc: ExerciseScenario, st: ExerciseState, pid: str) -> str | None:
    p = st.personas[pid]
    counts: dict[str, int] = {}
    for i in p.interviews:
        counts[i["team"]] = counts.get(i["team"], 0) + 1
    if counts:
        return max(sorted(counts), key=lambda k: counts[k])
    return next(iter(p.known_to), None)
