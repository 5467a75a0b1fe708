"""The hot wash and the lead evaluator's review of the after-action report (issue 17, item 4).

``/exercises/{id}/review`` shows the hot wash and, once the exercise has ended, the findings and
improvement actions under review, their history and the approval. Who may (checked here on every
read and write; the rules themselves are ``pharos.exercise.rules.review``):

- read: the control team and the lead evaluator;
- write the review (begin, edit, add, remove, approve): the lead evaluator, a user a controller
  gave that role in the roster; while nobody holds it, the control team;
- record the hot wash: the control team and the lead evaluator.

Every form is posted with the session's CSRF token (the middleware refuses it without one).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import audit
from pharos.coordinate.permissions import PermissionDenied, Principal
from pharos.exercise.report import after_action
from pharos.exercise.rules import review as rules
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime import views
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.story import describe
from pharos.exercise.words import wording
from pharos.i18n import _, ngettext
from pharos.learn import exercise_lessons as lessons
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.routes.exercise import _loaded, _role, _session, _submit
from pharos.web.routes.exercise_people import _report
from pharos.web.templating import render

router = APIRouter()

#: days from today an added action is due unless the lead evaluator says otherwise
DEFAULT_DUE_DAYS = 60


def _may_read(p: Principal, s: ExerciseSession) -> Any:
    r = _role(p, s)
    if not (r.controller or r.lead_evaluator):
        raise PermissionDenied()
    return r


@router.get("/exercises/{exercise_id}/review", include_in_schema=False)
def review_page(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _may_read(p, s)
    return render(request, "exercise/review.html", _context(s, r.reviews, r))


def _split(value: Any) -> tuple[str, str]:
    """ "objective|capability" (or "objective") from a form's select."""
    objective, _sep, capability = str(value or "").partition("|")
    return objective, capability


def _owner(value: Any) -> tuple[str, str]:
    state, _sep, kind = str(value or "").partition("|")
    return state, kind


def _place(item: dict[str, Any]) -> str:
    """An item's objective and capability as the form's select has them."""
    cap = item.get("capability")
    return f"{item['objective']}|{cap}" if cap else str(item["objective"])


def _context(s: ExerciseSession, may_edit: bool, r: Any) -> dict[str, Any]:
    sc, st = s.shown(), s.state
    objectives = {o.id.value: o.title for o in sc.objectives}
    # an aim the scenario leaves out that the review's items fall under, named as the report
    # names it, so that editing an item keeps its aim
    items = (st.review.findings + st.review.actions) if st.review else []
    for item in items:
        objectives.setdefault(item["objective"], wording.objective(item["objective"]))
    caps = {o: rules.capabilities(sc, o) for o in objectives}

    def where(objective: str, capability: str) -> str:
        title = objectives.get(objective, objective)
        cap = caps.get(objective, {}).get(capability)
        return f"{title} — {cap}" if cap else title

    choices = []
    for o, title in objectives.items():
        choices.append((o, title))
        choices += [(f"{o}|{c}", f"{title} — {t}") for c, t in caps[o].items()]
    review = st.review
    findings = [
        f
        | {
            "where": where(f["objective"], f.get("capability") or ""),
            "place": f"{f['objective']}|{f['capability']}"
            if f.get("capability")
            else f["objective"],
            "kind_label": _("Strength") if f["kind"] == "strength" else _("Area for improvement"),
            "source_label": str(after_action.ORIGINS.get(f.get("source") or "", "")),
        }
        for f in (review.findings if review else [])
    ]
    texts = {f["id"]: f["text"] for f in findings}
    # an area for improvement no action addresses (by its id, or by teaching its lesson: the
    # report drafts one action per lesson however many areas taught it) is pointed out, so
    # that the lead evaluator writes one (the report drafts none for an area without a lesson)
    addressed = {a.get("finding") for a in (review.actions if review else [])}
    taught = {a["action"] for a in (review.actions if review else [])}
    for f in findings:
        f["unaddressed"] = f["kind"] == "improvement" and not (
            f["id"] in addressed or (f.get("lesson") and f["lesson"] in taught)
        )
    actions = [
        a
        | {
            "where": where(a["objective"], a.get("capability") or ""),
            "place": f"{a['objective']}|{a['capability']}"
            if a.get("capability")
            else a["objective"],
            "owner_value": f"{a['state']}|{a['agency_kind']}" if a.get("state") else "",
            "owner_label": after_action.owner_label(a.get("state"), a.get("agency_kind")),
            "finding_text": texts.get(a.get("finding") or "", ""),
        }
        for a in (review.actions if review else [])
    ]
    speakers = [(t.id, t.name) for t in sc.teams if t.played]
    speakers += [("control", _("Control team")), ("evaluators", _("Evaluators"))]
    said = dict(speakers)
    hotwash = [
        {
            "where": where(str(h.get("objective", "")), str(h.get("capability") or "")),
            "kind_label": _("Strength")
            if h.get("kind") == "strength"
            else _("Area for improvement"),
            "text": h.get("text", ""),
            "said_by": said.get(str(h.get("said_by") or ""), "—"),
            "by": h.get("by", ""),
        }
        for h in st.hotwash
    ]
    leads = [a["username"] for a in st.assignments if a["role"] == "lead_evaluator"]
    return {
        "ex": s,
        "clock": views.clock(s),
        "ended": st.status == "ended",
        "may_edit": may_edit,
        "leads": leads,
        "review": review,
        "findings": findings,
        "actions": actions,
        "improvements": [f for f in findings if f["kind"] == "improvement"],
        "choices": choices,
        "owners": [
            (f"{state}|{kind}", after_action.owner_label(state, kind))
            for state, kind in rules.owners(sc)
        ],
        "speakers": speakers,
        "hotwash": hotwash,
        "history": _history(s, sc),
        "published": rules.published(st),
        "may_publish": r.controller or r.reviews,
        "default_due": (date.today() + timedelta(days=DEFAULT_DUE_DAYS)).isoformat(),
    }


def _history(s: ExerciseSession, sc: ExerciseScenario) -> list[dict[str, str]]:
    """Every change of the review, from the log: when (UTC), who, what, before and after."""
    names = describe.names(sc, s.state)
    rows = []
    for ev in s.store.events(s.exercise_id, after_seq=0):
        if ev.kind not in rules.REVIEW_KINDS:
            continue
        p = ev.payload
        rows.append(
            {
                "when": ev.recorded_at.strftime("%Y-%m-%d %H:%M UTC") if ev.recorded_at else "",
                "by": ev.actor,
                "what": describe.describe_event(ev, names),
                "before": _summary(p.get("before")),
                "after": _summary(p.get("after")),
            }
        )
    return list(reversed(rows))


def _summary(item: Any) -> str:
    """A finding or action in one line, for the history's before and after."""
    if not isinstance(item, dict):
        return ""
    if "action" in item:
        parts = [
            str(item.get("action", "")),
            after_action.owner_label(item.get("state"), item.get("agency_kind")),
            str(item.get("due") or "—"),
        ]
    else:
        kind = _("Strength") if item.get("kind") == "strength" else _("Area for improvement")
        parts = [str(kind), str(item.get("text", ""))]
        if item.get("lesson"):
            parts.append(_("Lesson: %(l)s") % {"l": item["lesson"]})
    return " · ".join(parts)


def _finding(data: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    objective, capability = _split(data.get("capability"))
    return {
        "kind": str(data.get("kind", "")),
        "objective": objective,
        "capability": capability,
        "text": str(data.get("text", "")).strip(),
        "lesson": str(data.get("lesson", "")).strip(),
        "source": (before or {}).get("source") or "evaluator",
    }


def _action(data: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    objective, capability = _split(data.get("capability"))
    state, kind = _owner(data.get("owner"))
    return {
        "action": str(data.get("action", "")).strip(),
        "state": state,
        "agency_kind": kind,
        "due": str(data.get("due", "")).strip(),
        "objective": objective,
        "capability": capability,
        "finding": str(data.get("finding", "")),
        "source": (before or {}).get("source") or "evaluator",
    }


@router.post("/exercises/{exercise_id}/review", include_in_schema=False)
async def review_command(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """One change of the review: ``op`` = start, add_finding, edit_finding, remove_finding,
    add_action, edit_action, remove_action or approve."""
    data = await body(request)
    s = await _loaded(request, exercise_id)
    r = _may_read(p, s)
    if not r.reviews:
        raise PermissionDenied()
    op = str(data.get("op", ""))
    error = await run_in_threadpool(_review, s, p.username, op, data)
    if error:
        ctx = _context(s, True, r) | {"refusal": error}
        return render(request, "exercise/review.html", ctx, status=422)
    return RedirectResponse(f"/exercises/{exercise_id}/review", status_code=303)


def _review(s: ExerciseSession, actor: str, op: str, data: dict[str, Any]) -> str | None:
    st = s.state
    if op == "start":
        if st.review is not None:
            return _("the review has already begun")
        draft = after_action.review_draft(after_action.build(s.shown(), st, date.today()))
        return _submit(s, EventKind.REVIEW_STARTED, actor, draft)
    if op == "approve":
        return _submit(s, EventKind.REVIEW_APPROVED, actor, {})
    what, _sep, item = op.partition("_")
    if what not in ("add", "edit", "remove") or item not in ("finding", "action"):
        return _("unknown command")
    kind = EventKind.FINDING_REVIEWED if item == "finding" else EventKind.ACTION_REVIEWED
    if st.review is None:
        return _("begin the review first")
    items = st.review.findings if item == "finding" else st.review.actions
    before = None
    if what != "add":
        before = next((x for x in items if x["id"] == data.get("id")), None)
        if before is None:
            return _("no such item in the review: %(id)s") % {"id": data.get("id")}
    payload: dict[str, Any] = {"op": what}
    if before is not None:
        payload |= {"id": before["id"], "before": dict(before)}
    if what != "remove":
        after = _finding(data, before) if item == "finding" else _action(data, before)
        # the session checks the scenario's names in English; the lead evaluator may write in
        # another language, with the names as the reader sees them
        named = rules.named_in(s.shown(), after.get("lesson", "")) if item == "finding" else None
        if named is not None:
            return _(
                "a lesson is worded for practitioners outside the exercise: it names %(name)s "
                "of the scenario"
            ) % {"name": named}
        payload["after"] = after
    return _submit(s, kind, actor, payload)


@router.post("/exercises/{exercise_id}/hotwash", include_in_schema=False)
async def hotwash_record(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A hot-wash entry: per objective and capability, a strength or an area for improvement
    and who said it (a played team, the control team or the evaluators)."""
    data = await body(request)
    s = await _loaded(request, exercise_id)
    r = _may_read(p, s)
    objective, capability = _split(data.get("capability"))
    said = {
        "kind": str(data.get("kind", "")),
        "objective": objective,
        "capability": capability,
        "text": str(data.get("text", "")).strip(),
        "said_by": str(data.get("said_by", "")),
    }
    error = await run_in_threadpool(_submit, s, EventKind.HOTWASH_NOTE, p.username, said)
    if error:
        ctx = _context(s, r.reviews, r) | {"refusal": error}
        return render(request, "exercise/review.html", ctx, status=422)
    return RedirectResponse(f"/exercises/{exercise_id}/review#hotwash", status_code=303)


@router.post("/exercises/{exercise_id}/publish", include_in_schema=False)
async def publish_lessons(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Publish the approved findings and improvement actions to the lessons library (once):
    the control team or the lead evaluator; audited."""
    await body(request)
    s = await _loaded(request, exercise_id)
    r = _may_read(p, s)
    if not (r.controller or r.reviews):
        raise PermissionDenied()

    def refused(error: str) -> Response:
        ctx = _context(s, r.reviews, r) | {"refusal": error}
        return render(request, "exercise/review.html", ctx, status=422)

    if s.state.status != "ended":
        return refused(_("end the exercise before publishing its lessons"))
    if rules.published(s.state):
        return refused(_("the lessons of this exercise are already published"))
    report = await run_in_threadpool(_report, s, s.state, work)
    if report.review != "approved":
        return refused(
            _(
                "the lead evaluator reviews and approves the findings and improvement actions "
                "before anything is published"
            )
        )

    def publish() -> lessons.Published:
        # SQLite has one writer at a time: the library rows are committed first, then the
        # exercise log records the publication (which stops a second one)
        counts = lessons.publish(work.session, p, s.scenario, report)
        audit.record(
            work.session,
            p,
            "publish",
            "exercise",
            s.exercise_id,
            detail={
                "lessons": counts.lessons,
                "items": counts.items,
                "kept_in_report": counts.kept_in_report,
                "approved_by": report.approved_by,
            },
        )
        work.commit()
        return counts

    done = await run_in_threadpool(publish)  # the database, off the event loop
    note = _("Published to the lessons library: %(lessons)s and %(actions)s.") % {
        "lessons": ngettext("%(num)d lesson learned", "%(num)d lessons learned", done.lessons)
        % {"num": done.lessons},
        "actions": ngettext("%(num)d corrective action", "%(num)d corrective actions", done.items)
        % {"num": done.items},
    }
    if done.kept_in_report:
        note += " " + _(
            "Corrective actions kept in the report (no real agency of your state owns them): %(k)s"
        ) % {"k": done.kept_in_report}
    error = await run_in_threadpool(
        _submit, s, EventKind.NOTE_ADDED, p.username, {"text": note, "published_lessons": True}
    )
    if error:
        return refused(error)
    return RedirectResponse(f"/exercises/{exercise_id}/review", status_code=303)
