"""The after-action report and improvement plan (AAR/IP), as data (drawn as HTML by
``pharos.exercise.report.html``, as PDF by ``pharos.exercise.report.pdf``).

Structure after HSEEP's AAR/IP template: a cover (the exercise, when it was held, in-world
dates, the report's date), the participants, an executive summary, scores against the
procedure's targets, victims, networks, charging decisions, teams, observers' ratings per
objective and team, strengths, areas for improvement, an improvement plan of corrective
actions, each with an owner agency and a due date (30/60/90 days after the exercise), and the
timeline. Strengths and areas come from the measures (``scoring``) and from the observers and
the hot-wash; controllers add corrective actions of their own during the hot-wash.

The HTML and the PDF draw the same sections, in the order of :data:`SECTIONS` (a test compares
the headings of both files), and every figure once: the executive summary counts from the same
scores as the tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.scoring import Scores, score
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import ExerciseScenario, ObjectiveId
from pharos.exercise.story import describe
from pharos.exercise.words import wording
from pharos.exercise.words.names import Names, clock_label
from pharos.i18n import _, format_number, lazy_gettext


def _days(value: object) -> str:
    """Days with a decimal (0.3), in the reader's digits and separators ("0,3" in French): a
    decimal takes no ngettext form, so these messages say "days" for any number."""
    if isinstance(value, int | float):
        return format_number(value, 1, fixed=False)
    return str(value)


@dataclass
class Finding:
    objective: str
    #: what happened in the exercise (names the scenario's people, teams and networks)
    text: str
    owner: str | None = None
    #: the lesson it teaches, worded for practitioners outside the exercise (no fictional
    #: person, team or network); None where the finding is a person's own words (observers,
    #: hot-wash), which are published as written
    lesson: str | None = None
    #: the capability of the objective it concerns ("": the objective as a whole)
    capability: str = ""
    #: where it comes from: measured, hotwash, observers or evaluator (added at the review)
    origin: str = "measured"


@dataclass
class CorrectiveAction:
    action: str
    owner: str
    due: date
    objective: str
    source: str
    #: the owning team's id (None: no team owns it); publishing maps it to a real agency
    team: str | None = None
    #: the owning agency's state and kind (None: no owner given); a reviewed action has these
    #: instead of a team
    state: str | None = None
    agency_kind: str | None = None
    #: the area for improvement it addresses
    addresses: Finding | None = None
    capability: str = ""
    origin: str = "measured"


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
    cover: Cover | None = None
    #: the teams: name, state, agency kind, played or simulated
    teams: list[dict[str, Any]] = field(default_factory=list)
    #: the people who took part: name, agency, role, team or persona
    people: list[dict[str, str]] = field(default_factory=list)
    #: the executive summary: (label, value) lines counted from ``scores``
    summary: list[tuple[str, str]] = field(default_factory=list)
    #: the observers' ratings of critical tasks (P/S/M/U), in the order of the scenario's tasks
    task_ratings: list[dict[str, str]] = field(default_factory=list)
    #: the participants' feedback forms (team, what went well, what to improve)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    #: the lead evaluator's review: "" (not begun), "review" (under review) or "approved"
    review: str = ""
    #: who approved the review (a username), once approved
    approved_by: str | None = None
    #: each objective's capabilities (id → title)
    capabilities: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the scenario's title, when the exercise has a name of its own (the setup wizard's)
    scenario_title: str = ""


@dataclass(frozen=True)
class Cover:
    """When the exercise was held (calendar dates of its start and end, from the log), the
    in-world dates it covered (the scenario's ``clock.start_date`` plus the days played) and the
    date of the report."""

    held_from: date | None
    held_to: date | None
    world_from: date | None
    world_to: date | None
    report_date: date


#: The report's sections in order (heading; the HTML and the PDF draw each under this heading).
SECTIONS = (
    ("participants", lazy_gettext("Participants")),
    ("summary", lazy_gettext("Executive summary")),
    ("scores", lazy_gettext("Scores against the procedure's targets")),
    ("victims", lazy_gettext("Victims")),
    ("networks", lazy_gettext("Networks and prosecution readiness")),
    ("charges", lazy_gettext("Charging decisions")),
    ("teams", lazy_gettext("Teams")),
    ("ratings", lazy_gettext("Observers' ratings")),
    ("tasks", lazy_gettext("Critical tasks rated (P/S/M/U)")),
    ("feedback", lazy_gettext("Participant feedback")),
    ("hotwash", lazy_gettext("Hot wash")),
    ("strengths", lazy_gettext("Strengths")),
    ("improvements", lazy_gettext("Areas for improvement")),
    ("plan", lazy_gettext("Improvement plan")),
    ("timeline", lazy_gettext("Timeline")),
)


def heading(key: str) -> str:
    """The heading of section ``key`` in the current language."""
    return str(dict(SECTIONS)[key])


def result_label(result: object) -> str:
    """A measure's result against its target: met, missed, or declined (a request refused)."""
    return str(
        {"met": _("met"), "missed": _("missed"), "declined": _("declined")}.get(
            str(result), str(result)
        )
    )


def held_dates(events: Iterable[Event]) -> tuple[date | None, date | None]:
    """The calendar dates the exercise started and ended (or was last played), from the log's
    ``recorded_at``; ``None`` where the log has no such time (an exercise in memory)."""
    start = end = None
    for ev in events:
        if ev.recorded_at is None:
            continue
        if ev.kind == EventKind.STARTED and start is None:
            start = ev.recorded_at.date()
        if start is not None:
            end = ev.recorded_at.date()
    return start, end


def people_of(st: ExerciseState, names: Names) -> list[dict[str, str]]:
    """Who took part as the log names them (usernames; the server names accounts instead):
    the control team, the role players with their persona, the observers and the players
    assigned to a team."""
    rows = [
        {"name": d, "agency": "", "role": str(wording.role("director")), "of": ""}
        for d in st.directors
    ]
    for a in st.assignments:
        of = names.person(a.get("persona")) if a["role"] == "role_player" else ""
        of = names.team(a.get("team")) if a["role"] == "player" else of
        role = wording.role(a["role"])
        rows.append({"name": a["username"], "agency": "", "role": role, "of": of})
    return rows


#: The policies of agencies nobody plays, by class name (``pharos.sim.policies``), in words.
POLICY_WORDS = {"StandardOperatingProcedure": lazy_gettext("standard operating procedure")}


def decided_by(by: str, state: str, team_names: dict[str, str]) -> str:
    """Who took a charging decision, in words: the played team's name, or the state's
    prosecutor nobody plays and the policy it followed (never a class name)."""
    if by == "engine" or by.startswith("engine:"):
        who = _("%(agency)s, %(state)s (simulated)") % {
            "agency": wording.agency_kind("public_prosecutor"),
            "state": wording.country(state),
        }
        policy = POLICY_WORDS.get(by.removeprefix("engine:"))
        return f"{who}: {policy}" if policy is not None else who
    return team_names.get(by, by)


def _charges(s: Scores, team_names: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for n in s.networks:
        for c in n.charges:
            who = decided_by(c.by, c.state, team_names)
            # the logged minute, as the timeline shows it (not the rounded days)
            minute = c.due_minute if c.status == "pending" else c.decided_minute
            when = clock_label(minute) if minute is not None else "—"
            if c.status == "pending" and minute is not None:
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


def build(
    sc: ExerciseScenario,
    st: ExerciseState,
    report_date: date | None = None,
    held: tuple[date | None, date | None] = (None, None),
    people: list[dict[str, str]] | None = None,
) -> Report:
    """The report of an exercise state; due dates count from ``report_date`` (default today).
    ``held``: the calendar dates it was played (``held_dates`` of its log); ``people``: who
    took part, by name (default: as the log names them, ``people_of``); a row's ``username``
    lets the timeline name that account as the participants table does."""
    report_date = report_date or date.today()
    s = score(sc, st)
    accounts = {r["username"]: r["name"] for r in people or [] if r.get("username")}
    names = dataclasses.replace(describe.names(sc, st), accounts=accounts)
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
    rated = _task_ratings(sc, st, team_names)
    found.of_task_ratings(rated)
    found.of_hotwash(st)
    plan = _plan(sc, st, found.areas, team_names, report_date)
    if st.review is not None:  # the lead evaluator's review replaces what was derived
        found.strengths, found.areas, plan = _reviewed(sc, st)
    named = st.setup.get("name", "")  # the name the setup wizard gave the exercise
    report = Report(
        named or sc.title,
        st.exercise_id,
        st.status,
        round(st.minute / 1440, 2),
        s,
        timeline,
        ratings,
        found.strengths,
        found.areas,
        plan,
        st.hotwash,
        st.wellbeing,
        # a finding may fall under an aim the scenario leaves out (a network not disrupted in
        # a scenario without "networks across borders"): named as the OSCE's aims are
        {o.value: wording.objective(o.value) for o in ObjectiveId}
        | {o.id.value: o.title for o in sc.objectives},
        _charges(s, team_names),
        names,
        _cover(sc, st, held, report_date),
        [
            {
                "name": t.name,
                "state": wording.country(t.state),
                "agency": wording.agency_kind(t.agency_kind.value),
                "played": t.played,
            }
            for t in sc.teams
        ],
        people if people is not None else people_of(st, names),
    )
    if named and named != sc.title:
        report.scenario_title = sc.title
    report.task_ratings = rated
    report.feedback = list(st.feedback)
    report.capabilities = {
        o.id.value: {t.capability: t.capability_title for t in o.tasks()} for o in sc.objectives
    }
    if st.review is not None:
        report.review = "approved" if st.review.approved_by else "review"
        report.approved_by = st.review.approved_by
    report.summary = summary(report)
    return report


def _task_ratings(
    sc: ExerciseScenario, st: ExerciseState, team_names: dict[str, str]
) -> list[dict[str, str]]:
    """Each rating of a critical task, in the order of the scenario's tasks, then of time."""
    order = {(t.objective, t.id): n for n, t in enumerate(sc.critical_tasks())}
    rows = []
    for r in sorted(st.task_ratings, key=lambda r: (order.get((r.objective, r.task), 0), r.minute)):
        t = sc.critical_task(r.objective, r.task)
        rows.append(
            {
                "objective": r.objective,
                "capability": t.capability_title if t else "",
                "capability_id": t.capability if t else "",
                "task": t.task if t else r.task,
                "team": team_names.get(r.team, r.team),
                "rating": r.rating,
                "label": f"{r.rating} · {wording.task_rating(r.rating)}",
                "when": clock_label(r.minute),
                "note": r.note,
                "evidence": r.evidence,
            }
        )
    return rows


def _cover(
    sc: ExerciseScenario,
    st: ExerciseState,
    held: tuple[date | None, date | None],
    report_date: date,
) -> Cover:
    try:
        day0 = date.fromisoformat(sc.clock.start_date)
    except ValueError:
        day0 = None
    first = st.started_at if st.started_at is not None else 0
    last = st.ended_at if st.ended_at is not None else st.minute
    return Cover(
        held[0],
        held[1],
        day0 + timedelta(days=first // 1440) if day0 else None,
        day0 + timedelta(days=last // 1440) if day0 else None,
        report_date,
    )


def summary(r: Report) -> list[tuple[str, str]]:
    """The executive summary, each line a label and its figures, counted from the report's own
    scores and lists (so that it says what the tables say)."""
    s = r.scores
    played = [t for t in s.teams if t.played]
    victims = [p for p in s.personas if p.is_victim and p.reachable_at is not None]
    identified = [p for p in victims if p.identification_days is not None]
    in_time = [t for t in s.target_results if t["measure"] == "identification_days" and t["met"]]
    replies = [t for t in s.target_results if t["measure"] == "cross_border_reply_days"]
    sent = sum(t.requests_sent for t in s.teams)
    lines = [
        (
            _("Teams"),
            _("played: %(p)s; simulated: %(s)s; states playing: %(n)s")
            % {
                "p": len(played),
                "s": len(s.teams) - len(played),
                "n": len({t.state for t in played}),
            },
        ),
        (_("Exercise days"), f"{r.ended_day}"),
        (
            _("Victims within reach"),
            _(
                "%(n)s; contacted: %(c)s; identified: %(i)s (within the target: %(t)s); "
                "referred: %(r)s; lost: %(l)s"
            )
            % {
                "n": len(victims),
                "c": sum(1 for p in victims if p.first_contact_days is not None),
                "i": len(identified),
                "t": len(in_time),
                "r": sum(1 for p in victims if p.referral_days is not None),
                "l": sum(1 for p in victims if not p.retained),
            },
        ),
        (
            _("Cross-border requests"),
            _("sent: %(s)s; answered: %(a)s (within the target: %(m)s); declined: %(d)s")
            % {
                "s": sent,
                "a": sum(1 for t in replies if t["result"] != "declined"),
                "m": sum(1 for t in replies if t["result"] == "met"),
                "d": sum(1 for t in replies if t["result"] == "declined"),
            },
        ),
        (
            _("Networks"),
            _("%(n)s; disrupted: %(d)s; charged in: %(c)s")
            % {
                "n": len(s.networks),
                "d": sum(1 for n in s.networks if n.disrupted),
                "c": format_names(c["state"] for c in r.charges if c["status"] == "charged"),
            },
        ),
        (
            _("Critical tasks rated"),
            "; ".join(
                f"{code}: {sum(1 for t in r.task_ratings if t['rating'] == code)}"
                for code in ("P", "S", "M", "U")
            ),
        ),
        (
            _("Findings"),
            _("strengths: %(s)s; areas for improvement: %(a)s; corrective actions: %(c)s")
            % {"s": len(r.strengths), "a": len(r.improvements), "c": len(r.plan)},
        ),
        (_("Lead evaluator's review"), review_label(r)),
    ]
    return lines


def review_label(r: Report) -> str:
    """Where the lead evaluator's review stands, in words."""
    if r.review == "approved":
        return _("approved by %(u)s") % {"u": r.approved_by}
    if r.review == "review":
        return _("under review, not yet approved")
    return _("not begun: the findings and actions are as measured")


def format_names(names: Iterable[str]) -> str:
    shown = list(dict.fromkeys(names))
    return ", ".join(shown) if shown else "—"


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
                            lesson=_(
                                "Screen against every indicator before presuming trafficking: "
                                "labour exploitation without the means of trafficking is not "
                                "trafficking"
                            ),
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
                            "d": _days(p.identification_days),
                            "t": _days(target["identification_days"]),
                        },
                        lesson=_(
                            "Screening at first contact and a referral to the competent body "
                            "let a victim be identified within the target time"
                        ),
                    )
                )
            elif p.first_contact_days is not None:
                self.areas.append(
                    Finding(
                        "identification_and_referral",
                        _("%(p)s was not identified within the target of %(t)s days")
                        % {"p": p.name, "t": _days(target["identification_days"])},
                        _owner_of(sc, st, p.persona),
                        _(
                            "Screen every person contacted and refer presumed victims to the "
                            "competent body at once, so that identification meets its target"
                        ),
                    )
                )
            if not p.retained:
                self.areas.append(
                    Finding(
                        "victim_centred_protection",
                        _("%(p)s was lost: trust fell to %(t)s without protection")
                        % {"p": p.name, "t": p.trust},
                        _owner_of(sc, st, p.persona),
                        _(
                            "Protect presumed victims early (a recovery and reflection period, "
                            "a safe place, an interpreter): a person without protection may leave"
                        ),
                    )
                )
            elif p.first_contact_days is None:
                self.areas.append(
                    Finding(
                        "identification_and_referral",
                        _("%(p)s was never contacted") % {"p": p.name},
                        lesson=_(
                            "Contact every person within reach early: a victim who is never "
                            "contacted gets no protection"
                        ),
                    )
                )

    def of_networks(self, s: Scores) -> None:
        for n in s.networks:
            if n.disrupted:
                self.strengths.append(
                    Finding(
                        "networks_across_borders",
                        _("%(n)s was disrupted through cross-border cooperation") % {"n": n.name},
                        lesson=_(
                            "Arrests in every state a network works in, with requests executed "
                            "between them, disrupt a network across borders"
                        ),
                    )
                )
            else:
                self.areas.append(
                    Finding(
                        "networks_across_borders",
                        _("%(n)s was not disrupted; prosecution readiness %(r)s/100")
                        % {"n": n.name, "r": n.prosecution_readiness},
                        lesson=_(
                            "Investigate a network in every state it works in and ask the other "
                            "states early: one state's arrests do not disrupt it"
                        ),
                    )
                )
            for c in n.charges:
                if c.status == "charged":
                    self.strengths.append(
                        Finding(
                            "networks_across_borders",
                            _("%(n)s: suspects charged in %(s)s")
                            % {"n": n.name, "s": wording.country(c.state)},
                            lesson=_("Documented act, means and purpose let the prosecutor charge"),
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
                            lesson=_(
                                "Document the act, the means and the purpose with evidence "
                                "beyond the victim's statement before arrests, or charges fail"
                            ),
                        )
                    )
            if not n.financial_investigation:
                self.areas.append(
                    Finding(
                        "victim_centred_protection",
                        _("No financial investigation into %(n)s") % {"n": n.name},
                        lesson=_("Open a financial investigation alongside every trafficking case"),
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
                        _("Give every victim within reach the same protection measures"),
                    )
                )

    def of_replies(self, s: Scores) -> None:
        for r in s.target_results:
            if r["measure"] == "cross_border_reply_days" and r["result"] == "declined":
                self.areas.append(
                    Finding(
                        "networks_across_borders",
                        _("Request %(r)s was declined (reply time in days: %(v)s)")
                        % {"r": r["subject"], "v": r["value"]},
                        lesson=_(
                            "Choose the instrument the other state can execute, and say why a "
                            "request is declined"
                        ),
                    )
                )
            elif r["measure"] == "cross_border_reply_days" and not r["met"]:
                self.areas.append(
                    Finding(
                        "networks_across_borders",
                        _("Request %(r)s was answered in %(v)s days (target %(t)s)")
                        % {"r": r["subject"], "v": _days(r["value"]), "t": _days(r["target"])},
                        lesson=_("Answer cross-border requests within the agreed time"),
                    )
                )

    def of_ratings(self, ratings: list[dict[str, Any]]) -> None:
        for row in ratings:
            said = _("Observers rated %(t)s %(m)s/5") % {"t": row["team"], "m": row["mean"]}
            if row["mean"] >= 4:
                self.strengths.append(Finding(row["objective"], said))
            elif row["mean"] <= 2:
                self.areas.append(Finding(row["objective"], said))

    def of_task_ratings(self, rated: list[dict[str, str]]) -> None:
        for row in rated:
            said = _("%(team)s, %(task)s: %(rating)s") % {
                "team": row["team"],
                "task": row["task"],
                "rating": wording.task_rating(row["rating"]),
            }
            # the critical task is the practice the scenario asks for: the lesson
            found = Finding(
                row["objective"],
                said,
                lesson=row["task"],
                capability=row["capability_id"],
                origin="observers",
            )
            if row["rating"] == "P":
                self.strengths.append(found)
            elif row["rating"] in ("M", "U"):
                self.areas.append(found)

    def of_hotwash(self, st: ExerciseState) -> None:
        for h in st.hotwash:
            (self.strengths if h.get("kind") == "strength" else self.areas).append(
                Finding(
                    h.get("objective", "multi_agency_collaboration"),
                    h.get("text", ""),
                    h.get("team"),
                    capability=str(h.get("capability") or ""),
                    origin="hotwash",
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
    sc: ExerciseScenario,
    st: ExerciseState,
    areas: list[Finding],
    team_names: dict[str, str],
    report_date: date,
) -> list[CorrectiveAction]:
    """The improvement plan: a corrective action for every area with a lesson (measured, or
    rated by observers) — the lesson it teaches, once per owner however many times it was found
    —, then those the controllers added at the hot-wash. An area with no lesson (one the hot
    wash raised) gets no drafted action: "Address: <the finding>" only restated it (issue 17);
    the lead evaluator writes its action in the review."""
    teams = {t.id: t for t in sc.teams}
    plan: list[CorrectiveAction] = []
    seen: set[tuple[str, str | None]] = set()
    for f in areas:
        action = f.lesson
        if not action or (action, f.owner) in seen:
            continue
        seen.add((action, f.owner))
        plan.append(
            CorrectiveAction(
                action,
                team_names.get(f.owner or "", "") or _("national anti-trafficking coordinator"),
                report_date + timedelta(days=DUE_DAYS.get(f.objective, 60)),
                f.objective,
                _("measured"),
                f.owner if f.owner in team_names else None,
                *_owner(teams.get(f.owner or "")),
                addresses=f,
                capability=f.capability,
            )
        )
    for ca in st.corrective_actions:
        plan.append(
            CorrectiveAction(
                ca["action"],
                team_names.get(ca["owner"], ca["owner"]),
                report_date + timedelta(days=int(ca.get("due_days", 60))),
                ca.get("objective", "multi_agency_collaboration"),
                _("hot-wash"),
                ca["owner"] if ca["owner"] in team_names else None,
                *_owner(teams.get(ca["owner"])),
                origin="hotwash",
            )
        )
    return plan


def _owner(team: Any) -> tuple[str | None, str | None]:
    """A team's state and agency kind (None, None: no team)."""
    return (team.state, team.agency_kind.value) if team is not None else (None, None)


#: where a finding or action comes from, in words (the report's "Source" column)
ORIGINS = {
    "measured": lazy_gettext("measured"),
    "hotwash": lazy_gettext("hot-wash"),
    "observers": lazy_gettext("observers"),
    "evaluator": lazy_gettext("lead evaluator"),
}


def owner_label(state: str | None, kind: str | None) -> str:
    """An action's owner in words: "Labour inspector, Italy" (— when none is given)."""
    if not state or not kind:
        return "—"
    return f"{wording.agency_kind(kind)}, {wording.country(state)}"


def _reviewed(
    sc: ExerciseScenario, st: ExerciseState
) -> tuple[list[Finding], list[Finding], list[CorrectiveAction]]:
    """The strengths, areas and improvement actions as the lead evaluator's review has them."""
    assert st.review is not None
    by_id: dict[str, Finding] = {}
    strengths: list[Finding] = []
    areas: list[Finding] = []
    for f in st.review.findings:
        found = Finding(
            f["objective"],
            f["text"],
            lesson=f.get("lesson") or None,
            capability=f.get("capability") or "",
            origin=f.get("source") or "evaluator",
        )
        by_id[f["id"]] = found
        (strengths if f["kind"] == "strength" else areas).append(found)
    plan = []
    for a in st.review.actions:
        try:
            due = date.fromisoformat(str(a.get("due")))
        except ValueError:
            due = date.max  # not yet given: approval needs it
        plan.append(
            CorrectiveAction(
                a["action"],
                owner_label(a.get("state"), a.get("agency_kind")),
                due,
                a["objective"],
                str(ORIGINS.get(a.get("source") or "evaluator", a.get("source"))),
                None,
                a.get("state") or None,
                a.get("agency_kind") or None,
                by_id.get(a.get("finding") or ""),
                a.get("capability") or "",
                a.get("source") or "evaluator",
            )
        )
    return strengths, areas, plan


def review_draft(r: Report) -> dict[str, list[dict[str, str]]]:
    """What a review begins with (the ``review_started`` event's payload): the report's
    findings and actions as it derived them, in the current language, numbered f1…, a1…"""
    ids: dict[int, str] = {}
    findings: list[dict[str, str]] = []
    for kind, found in (("strength", r.strengths), ("improvement", r.improvements)):
        for f in found:
            ids[id(f)] = f"f{len(findings) + 1}"
            findings.append(
                {
                    "id": ids[id(f)],
                    "kind": kind,
                    "objective": f.objective,
                    "capability": f.capability,
                    "text": f.text,
                    "lesson": f.lesson or "",
                    "source": f.origin,
                }
            )
    actions = [
        {
            "id": f"a{n}",
            "action": a.action,
            "state": a.state or "",
            "agency_kind": a.agency_kind or "",
            "due": a.due.isoformat(),
            "objective": a.objective,
            "capability": a.capability,
            "finding": ids.get(id(a.addresses), "") if a.addresses is not None else "",
            "source": a.origin,
        }
        for n, a in enumerate(r.plan, start=1)
    ]
    return {"findings": findings, "actions": actions}


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
