"""The after-action report's sections as text, in the current language: the one home of what
the report says, drawn by the HTML page (``html``) and by the PDF (``pdf``), so that both hold
the same sections, headings, columns and cells (tests/unit/exercise/test_report_sections.py
reads both files back and compares them).

A section is a table (header and rows of cells), a list of items (the findings) or lines of
label and value (the cover's dates, the executive summary). A cell carries a mark for the HTML's
colours (``met``, ``missed``); the text is the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pharos.exercise.report.after_action import (
    CorrectiveAction,
    Finding,
    Report,
    heading,
    result_label,
)
from pharos.exercise.words import wording
from pharos.i18n import _

DASH = "—"


@dataclass(frozen=True)
class Cell:
    text: str
    mark: str = ""  # "met" | "missed" | ""


@dataclass
class Section:
    key: str
    title: str
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    #: a list of findings (text, objective)
    items: list[tuple[str, str]] = field(default_factory=list)
    #: label: value lines
    lines: list[tuple[str, str]] = field(default_factory=list)
    #: what an empty table or list says
    empty: str = DASH
    #: relative column widths for the PDF (None: equal)
    widths: list[float] | None = None


def _n(value: object) -> str:
    return DASH if value is None else str(value)


def _yes(flag: bool, no: str | None = None) -> Cell:
    return Cell(_("yes"), "met") if flag else Cell(no or _("no"), "missed")


def cover_lines(r: Report) -> list[tuple[str, str]]:
    """The cover: the exercise, when it was held, the in-world dates, the report's date."""
    c = r.cover

    def span(a: object, b: object) -> str:
        if a is None:
            return DASH
        return str(a) if b is None or a == b else f"{a} – {b}"

    lines = [
        (_("Exercise"), f"{r.title} ({r.exercise_id})"),
        *([(_("Scenario"), r.scenario_title)] if r.scenario_title else []),
        (_("Status"), wording.choice(r.status)),
    ]
    if c is not None:
        lines += [
            (_("Held"), span(c.held_from, c.held_to)),
            (_("In-world dates"), span(c.world_from, c.world_to)),
            (_("Report date"), str(c.report_date)),
        ]
    return lines


def _participants(r: Report) -> Section:
    rows = [
        [
            Cell(t["name"]),
            Cell(t["state"]),
            Cell(t["agency"]),
            Cell(_("played") if t["played"] else _("simulated")),
        ]
        for t in r.teams
    ]
    rows += [
        [Cell(p["name"]), Cell(p.get("agency", "")), Cell(p["role"]), Cell(p.get("of", ""))]
        for p in r.people
    ]
    return Section(
        "participants",
        heading("participants"),
        [_("Team or person"), _("State or agency"), _("Agency or role"), _("Part")],
        rows,
    )


def _scores(r: Report) -> Section:
    rows = [
        [
            Cell(wording.measure(t["measure"])),
            Cell(r.names.person(t["subject"])),
            Cell(_n(t["value"])),
            Cell(_n(t["target"])),
            Cell(result_label(t["result"]), "met" if t["result"] == "met" else "missed"),
        ]
        for t in r.scores.target_results
    ]
    return Section(
        "scores",
        heading("scores"),
        [_("Measure"), _("Subject"), _("Measured (days)"), _("Target (days)"), _("Result")],
        rows,
        empty=_("Nothing measured yet."),
    )


def _screening(recall: float | None, correct: bool | None) -> Cell:
    if correct is None:
        return Cell(DASH)
    share = round((recall or 0) * 100)
    return Cell(f"{_('correct') if correct else _('wrong')}, {share}%")


def _victims(r: Report) -> Section:
    rows = []
    for p in r.scores.personas:
        name = p.name if p.is_victim else f"{p.name} ({_('not a victim')})"
        rows.append(
            [
                Cell(name),
                Cell(", ".join(wording.group(g) for g in p.groups) or DASH),
                Cell(_n(p.first_contact_days)),
                _screening(p.screening_recall, p.screening_correct),
                Cell(_n(p.identification_days)),
                Cell(_n(p.referral_days)),
                Cell(_n(p.protection_days)),
                _yes(p.retained, _("lost")),
                Cell(", ".join(wording.protection(m) for m in p.protection) or DASH),
            ]
        )
    return Section(
        "victims",
        heading("victims"),
        [
            _("Person"),
            _("Groups"),
            _("First contact (days)"),
            _("Screening"),
            _("Identification (days)"),
            _("Referral (days)"),
            _("Protection (days)"),
            _("Retained"),
            _("Protection"),
        ],
        rows,
    )


def _networks(r: Report) -> Section:
    rows = [
        [
            Cell(n.name),
            Cell(wording.element_status(n.elements["act"])),
            Cell(wording.element_status(n.elements["means"])),
            Cell(wording.element_status(n.elements["purpose"])),
            Cell(_("yes") if n.financial_investigation else _("no")),
            Cell(f"{n.requests_sent} / {n.requests_answered}"),
            Cell(_n(n.median_reply_days)),
            Cell(str(n.arrests)),
            _yes(n.disrupted),
            Cell(f"{n.prosecution_readiness}/100"),
        ]
        for n in r.scores.networks
    ]
    return Section(
        "networks",
        heading("networks"),
        [
            _("Network"),
            _("Act"),
            _("Means"),
            _("Purpose"),
            _("Financial investigation"),
            _("Requests sent / answered"),
            _("Median reply (days)"),
            _("Arrests"),
            _("Disrupted"),
            _("Prosecution readiness"),
        ],
        rows,
    )


def _charges(r: Report) -> Section:
    marks = {"charged": "met", "dropped": "missed"}
    rows = [
        [
            Cell(c["network"]),
            Cell(c["state"]),
            Cell(c["label"], marks.get(c["status"], "")),
            Cell(c["by"]),
            Cell(c["when"]),
            Cell(c["reason"]),
        ]
        for c in r.charges
    ]
    return Section(
        "charges",
        heading("charges"),
        [_("Network"), _("State"), _("Decision"), _("Decided by"), _("When"), _("Reason")],
        rows,
        empty=_("No arrests, so no charging decisions."),
    )


def _teams(r: Report) -> Section:
    rows = [
        [
            Cell(t.name),
            Cell(str(t.actions)),
            Cell(str(t.shares)),
            Cell(str(t.personas_contacted)),
            Cell(str(t.identifications)),
            Cell(str(t.referrals)),
            Cell(f"{t.requests_sent} / {t.requests_answered_to_them}"),
            Cell(
                f"{t.requests_received} / {t.requests_they_answered} / {t.requests_they_declined}"
            ),
            _yes(t.equal_protection),
        ]
        for t in r.scores.teams
        if t.played
    ]
    return Section(
        "teams",
        heading("teams"),
        [
            _("Team"),
            _("Actions"),
            _("Shared with other agencies"),
            _("Persons contacted"),
            _("Identifications"),
            _("Referrals"),
            _("Requests sent / answered"),
            _("Requests received / answered / declined"),
            _("Same protection for every victim within reach"),
        ],
        rows,
    )


def _ratings(r: Report) -> Section:
    rows = [
        [
            Cell(r.objectives.get(x["objective"], x["objective"])),
            Cell(x["team"]),
            Cell(str(x["n"])),
            Cell(str(x["mean"])),
            Cell(" / ".join(x["notes"]) or DASH),
        ]
        for x in r.ratings
    ]
    return Section(
        "ratings",
        heading("ratings"),
        [_("Objective"), _("Team"), _("Ratings"), _("Mean (1-5)"), _("Notes")],
        rows,
        empty=_("No observations recorded."),
    )


def _tasks(r: Report) -> Section:
    marks = {"P": "met", "M": "missed", "U": "missed"}
    rows = [
        [
            Cell(r.objectives.get(x["objective"], x["objective"])),
            Cell(x["capability"]),
            Cell(x["task"]),
            Cell(x["team"]),
            Cell(x["label"], marks.get(x["rating"], "")),
            Cell(
                " / ".join(
                    v
                    for v in (
                        x["when"],
                        x["note"],
                        _("Evidence: %(e)s") % {"e": x["evidence"]} if x["evidence"] else "",
                    )
                    if v
                )
            ),
        ]
        for x in r.task_ratings
    ]
    return Section(
        "tasks",
        heading("tasks"),
        [_("Objective"), _("Capability"), _("Critical task"), _("Team"), _("Rating"), _("Notes")],
        rows,
        empty=_("No critical task rated."),
    )


def _feedback(r: Report) -> Section:
    rows = [
        [
            Cell(r.names.team(f.get("team")) if f.get("team") else DASH),
            Cell(str(f.get("went_well", "")) or DASH),
            Cell(str(f.get("to_improve", "")) or DASH),
        ]
        for f in r.feedback
    ]
    return Section(
        "feedback",
        heading("feedback"),
        [_("Team"), _("What went well"), _("What to improve")],
        rows,
    )


def _hotwash(r: Report) -> Section:
    """The hot wash: per objective and capability, what was said and who said it."""
    rows = []
    for h in r.hotwash:
        objective = str(h.get("objective", ""))
        capability = capabilities(r, objective).get(str(h.get("capability") or ""), DASH)
        said_by = str(h.get("said_by") or "")
        rows.append(
            [
                Cell(r.objectives.get(objective, objective)),
                Cell(capability),
                Cell(_("Strength") if h.get("kind") == "strength" else _("Area for improvement")),
                Cell(str(h.get("text", ""))),
                Cell(speaker(r, said_by) if said_by else DASH),
            ]
        )
    return Section(
        "hotwash",
        heading("hotwash"),
        [_("Objective"), _("Capability"), _("Finding"), _("What was said"), _("Said by")],
        rows,
        widths=[3.5, 3.5, 2.5, 6.5, 3],
    )


def capabilities(r: Report, objective: str) -> dict[str, str]:
    """The capabilities of an objective (id → title), from the critical tasks of the report."""
    return r.capabilities.get(objective, {})


def speaker(r: Report, said_by: str) -> str:
    """Who said something at the hot wash: a team's name, the control team or the evaluators."""
    if said_by == "control":
        return _("Control team")
    if said_by == "evaluators":
        return _("Evaluators")
    return r.names.team(said_by)


def _findings(key: str, findings: list[Finding], r: Report) -> Section:
    return Section(
        key,
        heading(key),
        items=[(f.text, _where(r, f.objective, f.capability)) for f in findings],
    )


def _addresses(r: Report, a: CorrectiveAction) -> str:
    """What an action addresses: its objective and, if given, the capability."""
    return _where(r, a.objective, a.capability)


def _where(r: Report, objective_id: str, capability_id: str) -> str:
    """An objective's title and, if given, its capability's: "Identify … — Screening …"."""
    objective = r.objectives.get(objective_id, objective_id)
    capability = capabilities(r, objective_id).get(capability_id) if capability_id else None
    return f"{objective} — {capability}" if capability else objective


def _plan(r: Report) -> Section:
    rows = [
        [
            Cell(a.action),
            Cell(a.owner),
            Cell(a.due.isoformat()),
            Cell(_addresses(r, a)),
            Cell(a.source),
        ]
        for a in r.plan
    ]
    return Section(
        "plan",
        heading("plan"),
        [_("Corrective action"), _("Owner agency"), _("Due"), _("Objective"), _("Source")],
        rows,
        widths=[8, 4, 2.2, 3.3, 2],
    )


def _timeline(r: Report) -> Section:
    rows = [[Cell(e["when"]), Cell(e["team"]), Cell(e["text"])] for e in r.timeline]
    return Section(
        "timeline",
        heading("timeline"),
        [_("Exercise time"), _("Team"), _("What happened")],
        rows,
        widths=[2.6, 4.5, 10.9],
    )


def sections(r: Report) -> list[Section]:
    """Every section of the report, in the order of ``after_action.SECTIONS``."""
    return [
        _participants(r),
        Section("summary", heading("summary"), lines=r.summary),
        _scores(r),
        _victims(r),
        _networks(r),
        _charges(r),
        _teams(r),
        _ratings(r),
        _tasks(r),
        _feedback(r),
        _hotwash(r),
        _findings("strengths", r.strengths, r),
        _findings("improvements", r.improvements, r),
        _plan(r),
        _timeline(r),
    ]
