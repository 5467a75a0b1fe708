"""Exercise pages for role players and observers, the after-action report (HTML, PDF,
replay to any exercise day) and the live updates (server-sent events).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import (
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import accounts
from pharos.coordinate.permissions import PermissionDenied, Principal
from pharos.exercise.report import after_action
from pharos.exercise.report.html import render_html
from pharos.exercise.report.pdf import pdf_for_reader
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.state import TASK_RATINGS, ExerciseState
from pharos.exercise.runtime import views
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording
from pharos.exercise.words.names import FIRST_DAY, clock_label, day_minute
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.routes.exercise import (
    _clean,
    _hub,
    _loaded,
    _role,
    _session,
    _submit,
)
from pharos.web.templating import render

router = APIRouter()


# -- role player, observer ----------------------------------------------------------------------
@router.get("/exercises/{exercise_id}/role/{persona}", include_in_schema=False)
def role_page(
    exercise_id: str,
    persona: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    if persona not in _role(p, s).personas:
        raise PermissionDenied()
    return render(request, "exercise/role.html", views.role_player(s, persona) | {"ex": s})


@router.post("/exercises/{exercise_id}/role/{persona}", include_in_schema=False)
async def role_wellbeing(
    exercise_id: str,
    persona: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    if persona not in _role(p, s).personas:
        raise PermissionDenied()
    if data.get("command") == "speak":  # the role player speaks for the character
        trust: Any = data.get("trust", 0)
        with contextlib.suppress(TypeError, ValueError):  # else refused by the session
            trust = int(trust)
        said = {
            "persona": persona,
            "team": data.get("team"),
            "text": str(data.get("text", "")),
            "trust": trust,
            "reason": str(data.get("reason", "")),
        }
        kind, payload = EventKind.PERSONA_SPOKE, said
    else:
        kind = EventKind.WELLBEING_CHECKED
        payload = {
            "persona": persona,
            "ok": data.get("ok") == "yes",
            "note": str(data.get("note", "")),
        }
    error = await run_in_threadpool(_submit, s, kind, p.username, payload)
    if error:
        return render(
            request,
            "exercise/role.html",
            views.role_player(s, persona) | {"ex": s, "refusal": error},
            status=422,
        )
    return RedirectResponse(f"/exercises/{exercise_id}/role/{persona}", status_code=303)


@router.get("/exercises/{exercise_id}/observe", include_in_schema=False)
def observe_page(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    if not _role(p, s).observer:
        raise PermissionDenied()
    return render(request, "exercise/observe.html", _observe_ctx(s, p))


def _observe_ctx(s: ExerciseSession, p: Principal) -> dict[str, Any]:
    sc = s.shown()
    teams = {t.id: t.name for t in sc.teams}
    return {
        "ex": s,
        "clock": views.clock(s),
        "objectives": sc.objectives,
        "teams": [t for t in sc.teams if t.played],
        "ratings": [
            (code, wording.task_rating(code), wording.task_rating_meaning(code))
            for code in TASK_RATINGS
        ],
        "rated": [
            {
                "team": teams.get(r.team, r.team),
                "task": _task_text(sc, r.objective, r.task),
                "rating": r.rating,
                "label": wording.task_rating(r.rating),
                "note": r.note,
                "evidence": r.evidence,
                "when": clock_label(r.minute),
            }
            for r in reversed(s.state.task_ratings)
            if r.observer == p.username
        ],
        "mine": [
            {
                "team": next((t.name for t in sc.teams if t.id == o.team), o.team),
                "objective": next(
                    (x.title for x in sc.objectives if x.id == o.objective),
                    wording.objective(o.objective),
                ),
                "rating": o.rating,
                "note": o.note,
            }
            for o in reversed(s.state.observations)
            if o.observer == p.username
        ],
        "activity": views.controller(s)["teams"],
    }


def _task_text(sc: ExerciseScenario, objective: str, task: str) -> str:
    t = sc.critical_task(objective, task)
    return f"{t.capability_title}: {t.task}" if t is not None else task


@router.post("/exercises/{exercise_id}/observe", include_in_schema=False)
async def observe_rate(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    if not _role(p, s).observer:
        raise PermissionDenied()
    if "task" in data:  # a critical task rated P/S/M/U: "objective|task" from the form
        objective, _sep, task = str(data.pop("task")).partition("|")
        evidence = data.get("evidence", "")  # _clean reads "evidence" as a list of documents
        data = {
            "team": data.get("team"),
            "objective": objective,
            "task": task,
            "rating": data.get("rating"),
            "note": str(data.get("note", "")),
            "evidence": "\n".join(evidence) if isinstance(evidence, list) else str(evidence),
        }
    else:  # the 1-5 rating per objective of exercises rated before critical tasks
        try:
            data["rating"] = int(data.get("rating", 0))
        except ValueError:
            data["rating"] = 0
    error = await run_in_threadpool(_submit, s, EventKind.OBSERVATION, p.username, data)
    if error:
        return render(
            request, "exercise/observe.html", _observe_ctx(s, p) | {"refusal": error}, status=422
        )
    return RedirectResponse(f"/exercises/{exercise_id}/observe", status_code=303)


@router.post("/exercises/{exercise_id}/feedback", include_in_schema=False)
async def participant_feedback(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A participant's feedback form (HSEEP): what went well, what to improve; anyone who takes
    part in the exercise, with their team if they play one."""
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    r = _role(p, s)
    if not r.any or r.spectator:
        raise PermissionDenied()
    said = {
        "team": r.team,
        "went_well": str(data.get("went_well", "")),
        "to_improve": str(data.get("to_improve", "")),
    }
    error = await run_in_threadpool(_submit, s, EventKind.FEEDBACK, p.username, said)
    back = f"/exercises/{exercise_id}"
    if error:
        return Response(error, status_code=422, media_type="text/plain; charset=utf-8")
    return RedirectResponse(f"{back}?feedback=1", status_code=303)


# -- report, replay, live updates ---------------------------------------------------------------
@router.get("/exercises/{exercise_id}/report", include_in_schema=False)
def report_page(
    exercise_id: str,
    request: Request,
    at_day: float | None = Query(None, ge=FIRST_DAY, allow_inf_nan=False),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _role(p, s)
    if not (r.controller or r.observer):
        raise PermissionDenied()
    st = s.replay(until_minute=day_minute(at_day)) if at_day is not None else s.state
    report = _report(s, st, work)
    return HTMLResponse(render_html(report, css_href="/exercises/report.css"))


def _report(s: ExerciseSession, st: ExerciseState, work: UnitOfWork) -> after_action.Report:
    """The report to hand out: the calendar dates from the log, the people by their names."""
    people = [
        {
            "username": row["username"],
            "name": row["name"],
            "agency": row["agency"],
            "role": row["role"],
            "of": row["of"],
        }
        for row in views.roster(s, accounts.active_people(work.session))
    ]
    held = after_action.held_dates(s.store.events(s.exercise_id))
    return after_action.build(s.shown(), st, date.today(), held=held, people=people)


@router.get("/exercises/{exercise_id}/report.pdf", include_in_schema=False)
def report_pdf(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _role(p, s)
    if not (r.controller or r.observer):
        raise PermissionDenied()
    data = pdf_for_reader(_report(s, s.state, work))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="aar-{exercise_id}.pdf"'},
    )


@router.get("/exercises/{exercise_id}/stream", include_in_schema=False)
async def stream(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = await _loaded(request, exercise_id)
    r = _role(p, s)
    if not r.any:
        raise PermissionDenied()
    work.session.close()  # do not hold a database connection for the life of the stream
    hub = _hub(request)
    sub = hub.broker.subscribe(
        exercise_id, None if (r.controller or r.observer or r.personas) else r.team
    )

    async def events() -> AsyncIterator[str]:
        try:
            yield f"retry: 2000\nevent: hello\ndata: {s.state.last_seq}\n\n"
            while True:
                try:
                    async with asyncio.timeout(15):  # no task per message, as wait_for made
                        msg = await sub.queue.get()
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                # what arrived meanwhile goes out in the same write (the same events, in order)
                frames = [f"data: {msg}\n\n"]
                while not sub.queue.empty():
                    frames.append(f"data: {sub.queue.get_nowait()}\n\n")
                yield "".join(frames)
        finally:
            hub.broker.unsubscribe(exercise_id, sub)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"}
    )
