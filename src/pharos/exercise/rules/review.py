"""The hot wash and the lead evaluator's review of the after-action report (HSEEP).

**Hot wash** (``hotwash_note``): right after play, the control team or the lead evaluator
records what the participants said, per objective and capability: a strength or an area for
improvement, and who said it — a played team, the control team or the evaluators, never a
free-floating text.

**Review**: the report derives strengths, areas for improvement and improvement actions from the
measures, the observers' ratings and the hot wash. Before anything is published, the lead
evaluator reviews them: ``review_started`` copies what the report derived when the review began
(in the reviewer's language) into the log; each change is a ``finding_reviewed`` or
``action_reviewed`` event with ``op`` (add, edit, remove) and the item ``before`` and ``after``
(who and when are the event's actor and time); ``review_approved`` approves the list as it
stands, and any later change withdraws the approval. Publishing needs an approved review.

Rules (each refused with a reason, nothing stored):

- the review begins once the exercise has ended, once; nothing changes after publication;
- a finding is a strength or an area for improvement of one of the OSCE's four aims (the
  report measures some under aims a small scenario leaves out) and, if given, one of the
  capabilities the scenario gives that objective, with a text; its lesson, which is what the
  lessons library receives, names no person, team or network of the scenario;
- an improvement action says what to do, is owned by an agency of a state (one of the
  scenario's agencies: a state and an agency kind of its teams), is due on a date, and addresses
  an objective (optionally a capability) and, if given, an area for improvement of the review;
- an edit or removal names the item as it is now (``before``): a change made meanwhile by
  someone else is not overwritten;
- a finding an action addresses is not removed before the action;
- approval needs every action owned (agency and state) and dated.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.state import ExerciseState, ReviewState
from pharos.exercise.scenario.schema import ExerciseScenario, ObjectiveId
from pharos.i18n import _

FINDING_KINDS = ("strength", "improvement")
#: the longest text of a finding, lesson, action or hot-wash entry
TEXT_MAX = 4000
#: who may have said something at the hot wash besides a played team
SPEAKERS = ("control", "evaluators")
OPS = ("add", "edit", "remove")
REVIEW_KINDS = (
    EventKind.REVIEW_STARTED,
    EventKind.FINDING_REVIEWED,
    EventKind.ACTION_REVIEWED,
    EventKind.REVIEW_APPROVED,
)
FINDING_FIELDS = ("kind", "objective", "capability", "text", "lesson", "source")
ACTION_FIELDS = (
    "action",
    "state",
    "agency_kind",
    "due",
    "objective",
    "capability",
    "finding",
    "source",
)


def capabilities(sc: ExerciseScenario, objective: str) -> dict[str, str]:
    """The capabilities of ``objective`` (id → title), in the file's order."""
    out: dict[str, str] = {}
    for o in sc.objectives:
        if o.id.value == objective:
            for t in o.tasks():
                out.setdefault(t.capability, t.capability_title)
    return out


def owners(sc: ExerciseScenario) -> list[tuple[str, str]]:
    """The agencies an improvement action may be given to: each state and agency kind of the
    scenario's teams (played or simulated), in the file's order."""
    return list(dict.fromkeys((t.state, t.agency_kind.value) for t in sc.teams))


def named_in(sc: ExerciseScenario, text: str) -> str | None:
    """The first name of the scenario's people, teams or networks that ``text`` contains (a
    lesson is worded for practitioners outside the exercise), else None."""
    names = [c.name for c in sc.characters] + [t.name for t in sc.teams]
    names += [n.name for n in sc.networks]
    for c in sc.characters:  # "Salma" of "Salma B."
        first = c.name.split()[0] if c.name.split() else ""
        if len(first) >= 3:
            names.append(first)
    low = text.casefold()
    for name in names:
        if name and re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", low):
            return name
    return None


def published(st: ExerciseState) -> bool:
    return any(n.get("published_lessons") for n in st.notes)


def _text(value: Any, required: bool) -> str | None:
    """Why a text field is refused (None: fine)."""
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        return _("a text is longer than allowed (maximum length: %(n)s)") % {"n": TEXT_MAX}
    if required and not value.strip():
        return _("write the text")
    return None


def _objective(sc: ExerciseScenario, p: dict[str, Any]) -> str | None:
    # any of the OSCE's four aims: the report measures findings under aims a small scenario
    # leaves out (a network not disrupted is one of networks across borders)
    if p.get("objective") not in {o.value for o in ObjectiveId}:
        return _("unknown objective %(id)s") % {"id": p.get("objective")}
    capability = p.get("capability") or ""
    if capability and capability not in capabilities(sc, str(p["objective"])):
        return _("%(c)s is not a capability of this objective") % {"c": capability}
    return None


def check_hotwash(sc: ExerciseScenario, p: dict[str, Any]) -> str | None:
    """Why a hot-wash entry is refused."""
    if p.get("kind") not in FINDING_KINDS:
        return _("say whether it is a strength or an area for improvement")
    error = _objective(sc, p) or _text(p.get("text", ""), True)
    if error:
        return error
    speakers = {t.id for t in sc.teams if t.played} | set(SPEAKERS)
    if p.get("said_by") not in speakers:
        return _("say who said it: a played team, the control team or the evaluators")
    return None


def check_finding(sc: ExerciseScenario, f: Any) -> str | None:
    if not isinstance(f, dict):
        return _("the form is incomplete: %(e)s") % {"e": "finding"}
    if f.get("kind") not in FINDING_KINDS:
        return _("say whether it is a strength or an area for improvement")
    error = _objective(sc, f) or _text(f.get("text", ""), True) or _text(f.get("lesson", ""), False)
    if error:
        return error
    name = named_in(sc, str(f.get("lesson", "")))
    if name is not None:
        return _(
            "a lesson is worded for practitioners outside the exercise: it names %(name)s of "
            "the scenario"
        ) % {"name": name}
    return None


def check_action(
    sc: ExerciseScenario, review: ReviewState | None, a: Any, owned: bool = True
) -> str | None:
    """Why an improvement action is refused; ``owned``: the owner and due date are required
    (an action the report derived may have none until the lead evaluator gives them)."""
    if not isinstance(a, dict):
        return _("the form is incomplete: %(e)s") % {"e": "action"}
    error = _text(a.get("action", ""), True) or _objective(sc, a)
    if error:
        return error
    owner = (a.get("state") or "", a.get("agency_kind") or "")
    if (owned or any(owner)) and owner not in owners(sc):
        return _("choose the agency that owns the action, and its state")
    due = a.get("due") or ""
    if owned or due:
        try:
            date.fromisoformat(str(due))
        except ValueError:
            return _("give the due date as a date (YYYY-MM-DD)")
    finding = a.get("finding") or ""
    if finding and review is not None:
        found = next((f for f in review.findings if f["id"] == finding), None)
        if found is None or found["kind"] != "improvement":
            return _("an action addresses an area for improvement of the review")
    return None


def check(
    sc: ExerciseScenario, st: ExerciseState, kind: EventKind, p: dict[str, Any]
) -> str | None:
    """Why a review event is refused now (None: it may be stored)."""
    if st.status != "ended":
        return _("the review begins once the exercise has ended")
    if published(st):
        return _("the lessons of this exercise are already published: the review is closed")
    review = st.review
    if kind == EventKind.REVIEW_STARTED:
        if review is not None:
            return _("the review has already begun")
        draft = ReviewState()
        for f in p.get("findings", []):
            error = check_finding(sc, f)
            if error:
                return error
            draft.findings.append(f)
        for a in p.get("actions", []):
            error = check_action(sc, draft, a, owned=False)
            if error:
                return error
        return None
    if review is None:
        return _("begin the review first")
    if kind == EventKind.REVIEW_APPROVED:
        if review.approved_by is not None:
            return _("the review is already approved")
        for a in review.actions:
            if check_action(sc, review, a) is not None:
                return _(
                    "give every improvement action an owner agency, its state and a due date "
                    "before approving: %(a)s"
                ) % {"a": a["action"]}
        return None
    op = p.get("op")
    if op not in OPS:
        return _("the form is incomplete: %(e)s") % {"e": "op"}
    items = review.findings if kind == EventKind.FINDING_REVIEWED else review.actions
    if op != "add":
        current = next((x for x in items if x["id"] == p.get("id")), None)
        if current is None:
            return _("no such item in the review: %(id)s") % {"id": p.get("id")}
        if p.get("before") != current:
            return _("someone changed this item meanwhile: read it again before changing it")
    if op == "remove":
        if kind == EventKind.FINDING_REVIEWED and any(
            a.get("finding") == p.get("id") for a in review.actions
        ):
            return _("an improvement action addresses this finding: change or remove it first")
        return None
    after = p.get("after")
    if kind == EventKind.FINDING_REVIEWED:
        return check_finding(sc, after)
    return check_action(sc, review, after)


def apply(st: ExerciseState, kind: EventKind, p: dict[str, Any], actor: str) -> None:
    """Apply a checked review event to the state."""
    if kind == EventKind.REVIEW_STARTED:
        findings = copy.deepcopy(list(p.get("findings", [])))
        actions = copy.deepcopy(list(p.get("actions", [])))
        st.review = ReviewState(
            findings,
            actions,
            actor,
            next_finding=len(findings) + 1,
            next_action=len(actions) + 1,
        )
        return
    review = st.review
    assert review is not None
    if kind == EventKind.REVIEW_APPROVED:
        review.approved_by = actor
        return
    review.approved_by = None  # any change withdraws the approval
    finding = kind == EventKind.FINDING_REVIEWED
    items = review.findings if finding else review.actions
    op = p["op"]
    if op == "remove":
        items[:] = [x for x in items if x["id"] != p["id"]]
        return
    fields = FINDING_FIELDS if finding else ACTION_FIELDS
    after = {k: p["after"].get(k, "") for k in fields}
    if op == "edit":
        at = next(n for n, x in enumerate(items) if x["id"] == p["id"])
        items[at] = {"id": p["id"], **after}
    elif finding:
        items.append({"id": f"f{review.next_finding}", **after})
        review.next_finding += 1
    else:
        items.append({"id": f"a{review.next_action}", **after})
        review.next_action += 1
