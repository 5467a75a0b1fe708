"""Exercise pages: list, player workspace, evidence, controller console (role players,
observers, the report and live updates: ``exercise_people``; the JSON API: ``exercise_api``).

Thin: every command goes through ``ExerciseSession.submit`` (checked, stored, applied); every
page is built by ``pharos.exercise.runtime.views``.
"""

from __future__ import annotations

import contextlib
import logging
import math
from functools import cache, partial
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import accounts
from pharos.coordinate.permissions import (
    PermissionDenied,
    Principal,
    allowed,
)
from pharos.coordinate.queries import normal_username
from pharos.exercise.report import html as report_html
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime import views
from pharos.exercise.runtime.service import Hub, Role, role_of
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession, StoreFailed
from pharos.exercise.runtime.store import UnknownScenarioTextError
from pharos.exercise.scenario.loader import LoadedScenario, load_scenario
from pharos.exercise.words import wording
from pharos.exercise.words.names import FIRST_DAY, day_minute
from pharos.i18n import _, lazy_gettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.templating import render

nav.add(nav.NavEntry(lazy_gettext("Exercises"), "/exercises", "exercise", "read", order=50))
router = APIRouter()
log = logging.getLogger("pharos.web.exercise")

CONTROL_COMMANDS = {
    "start": EventKind.STARTED,
    "pause": EventKind.PAUSED,
    "resume": EventKind.RESUMED,
    "speed": EventKind.SPEED_CHANGED,
    "release": EventKind.INJECT_RELEASED,
    "inject": EventKind.FREE_INJECT,
    "override": EventKind.PERSONA_OVERRIDDEN,
    "note": EventKind.NOTE_ADDED,
    "end": EventKind.ENDED,
    "hotwash": EventKind.HOTWASH_NOTE,
    "corrective": EventKind.CORRECTIVE_ACTION,
    "assign": EventKind.ROLE_ASSIGNED,
}
LIST_FIELDS = {"indicators", "evidence", "consent"}
BOOL_FIELDS = {"threats", "exploiter_present", "decline"}


def _hub(request: Request) -> Hub:
    return Hub.for_engine(request.app.state.engine)


def _session(request: Request, exercise_id: str) -> ExerciseSession:
    try:
        return _hub(request).session(exercise_id)
    except KeyError as exc:
        raise HTTPException(404, _("No such exercise.")) from exc


async def _loaded(request: Request, exercise_id: str) -> ExerciseSession:
    """``_session`` for async routes: in a worker thread, since the first request for an
    exercise after a start folds its log from the database (never on the event loop)."""
    return await run_in_threadpool(_session, request, exercise_id)


def _role(p: Principal, s: ExerciseSession) -> Role:
    if not allowed(p, "exercise", "read"):
        raise PermissionDenied()
    return role_of(s, p.username, p.state, p.kind, p.is_admin)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k == "csrf_token" or v == "" or v is None:
            continue
        if k in LIST_FIELDS and not isinstance(v, list):
            v = [v]
        if k in BOOL_FIELDS:
            v = v in (True, "on", "true", "1", 1)
        out[k] = v
    return out


def _submit(
    s: ExerciseSession, kind: EventKind, actor: str, payload: dict[str, Any], at: int | None = None
) -> str | None:
    try:
        s.submit(kind, actor, payload, at=at)
    except (CommandRefused, StoreFailed) as exc:
        return str(exc)
    except (KeyError, ValueError, TypeError) as exc:
        return _("the form is incomplete: %(e)s") % {"e": exc}
    return None


def assign_refusal(work: UnitOfWork, data: dict[str, Any]) -> str | None:
    """Why a role cannot be assigned (``data``: an ``assign`` command's fields, its user name
    made the account's, as accounts store it), or None: every role goes to a real, active
    account (taking one away needs no account). The pages and the JSON API both ask."""
    if isinstance(data.get("username"), str):
        data["username"] = normal_username(data["username"])
    if data.get("role") == "none" or accounts.active_user_exists(
        work.session, data.get("username")
    ):
        return None
    return _("no active account is called %(name)s") % {"name": data.get("username")}


def _hours(value: Any) -> float | None:
    """How many hours to advance: a positive finite number, else ``None``."""
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return None
    return hours if math.isfinite(hours) and hours > 0 else None


# -- list and creation --------------------------------------------------------------------------
@router.get("/exercises", include_in_schema=False)
def exercise_list(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    if not allowed(p, "exercise", "read"):
        raise PermissionDenied()
    hub = _hub(request)
    items = []
    archived = []
    for rec in hub.store.exercises():
        if rec.archived_at is not None:
            archived.append(rec)
            continue
        try:
            s = hub.session(rec.id)
        except (ValueError, UnknownScenarioTextError) as exc:  # ScenarioError is one
            # no text kept (before migration 0010) and its file moved, or a stored text that
            # fails its hash: listed as such, the others still open
            log.warning("exercise %s: its scenario cannot be loaded: %s", rec.id, exc)
            items.append({"id": rec.id, "title": rec.title, "unreadable": True})
            continue
        items.append(
            {
                "id": rec.id,
                # the name given in the setup wizard, else the scenario's title
                "title": s.state.setup.get("name") or s.shown().title,
                "held": views.held(s),
                "clock": views.clock(s),
                "role": _role(p, s),
                "closed": s.state.status in ("ready", "ended"),
                "ended": s.state.status == "ended",
            }
        )
    context = {
        "items": items,
        # archived exercises: listed apart (by their stored title), only to their control teams
        "archived": [
            {"id": r.id, "title": r.title, "archived_at": r.archived_at}
            for r in archived
            if _controls(p, hub, r.id)
        ],
        "directs": allowed(p, "exercise", "direct"),
        "new_title": _default_scenario().localized().title,
    }
    return render(request, "exercise/list.html", context)


def _controls(p: Principal, hub: Hub, exercise_id: str) -> bool:
    try:
        return _role(p, hub.session(exercise_id)).controller
    except (KeyError, ValueError, UnknownScenarioTextError):
        return p.is_admin


@cache
def _default_scenario() -> LoadedScenario:
    """The scenario a new exercise runs (read once: its title names the button's exercise)."""
    return load_scenario(Hub.DEFAULT_SCENARIO)


@router.post("/exercises", include_in_schema=False)
async def exercise_create(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    await body(request)
    if not allowed(p, "exercise", "direct"):
        raise PermissionDenied()
    # writes the new log's first event, naming its creator as the head of its control team
    s = await run_in_threadpool(partial(_hub(request).create, director=p.username))
    return RedirectResponse(f"/exercises/{s.exercise_id}/control", status_code=303)


@router.get("/exercises/report.css", include_in_schema=False)
def report_css() -> Response:
    return Response(report_html.report_css(), media_type="text/css")


@router.get("/exercises/{exercise_id}", include_in_schema=False)
def exercise_home(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _role(p, s)
    if r.controller:
        return RedirectResponse(f"/exercises/{exercise_id}/control", status_code=303)
    if r.team:
        return RedirectResponse(f"/exercises/{exercise_id}/play", status_code=303)
    if r.personas:
        return RedirectResponse(f"/exercises/{exercise_id}/role/{r.personas[0]}", status_code=303)
    if r.lead_evaluator:
        return RedirectResponse(f"/exercises/{exercise_id}/review", status_code=303)
    if r.observer:
        return RedirectResponse(f"/exercises/{exercise_id}/observe", status_code=303)
    raise PermissionDenied()


# -- player workspace ---------------------------------------------------------------------------
def _player_page(
    request: Request,
    s: ExerciseSession,
    team: str,
    flash: str | None = None,
    status: int = 200,
    spectator: bool = False,
) -> Response:
    ctx = views.player(s, team) | {"ex": s, "refusal": flash, "spectator": spectator}
    done = request.query_params.get("done", "")
    if flash is None and done.isdigit():  # the confirmation of the team's own action
        ctx["flash"] = views.own_action(s, team, int(done))
    return render(request, "exercise/play.html", ctx, status=status)


@router.get("/exercises/{exercise_id}/play", include_in_schema=False)
def play_page(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _role(p, s)
    if r.team is None:
        raise PermissionDenied()
    return _player_page(request, s, r.team, spectator=r.spectator)


@router.post("/exercises/{exercise_id}/play", include_in_schema=False)
async def play_action(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = _clean(await body(request))
    if "route" in data:  # "TUN:police_information_exchange" from the request form
        data["to_state"], _sep, data["instrument"] = str(data.pop("route")).partition(":")
    s = await _loaded(request, exercise_id)
    r = _role(p, s)
    if r.team is None or r.spectator:
        raise PermissionDenied()
    error = await run_in_threadpool(
        _submit, s, EventKind.ACTION, p.username, {**data, "team": r.team}
    )
    if error:
        return _player_page(request, s, r.team, error, 422)
    done = views.last_own_action(s, r.team, str(data.get("type", "")))
    after = f"?done={done}" if done is not None else ""
    return RedirectResponse(f"/exercises/{exercise_id}/play{after}", status_code=303)


@router.get("/exercises/{exercise_id}/evidence/{evidence_id}", include_in_schema=False)
def evidence_page(
    exercise_id: str,
    evidence_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    r = _role(p, s)
    held = r.team is not None and evidence_id in s.state.teams[r.team].evidence
    if not (held or r.controller):
        raise PermissionDenied()
    ev = next((e for e in s.shown().evidence if e.id == evidence_id), None)
    if ev is None:
        raise HTTPException(404)
    text = s.loaded.evidence_text(evidence_id)  # the in-world document, as found
    shown = {"kind": wording.evidence_kind(ev.kind), "held_in": wording.country(ev.held_in)}
    return render(request, "exercise/evidence.html", {"ex": s, "ev": ev, "text": text} | shown)


# -- controller console -------------------------------------------------------------------------
def _control_page(
    request: Request,
    s: ExerciseSession,
    flash: str | None = None,
    status: int = 200,
    at_day: float | None = None,
    work: UnitOfWork | None = None,
) -> Response:
    st = s.replay(until_minute=day_minute(at_day)) if at_day is not None else None
    ctx = views.controller(s, st) | {"ex": s, "refusal": flash, "at_day": at_day}
    if work is not None:  # who takes part: every active account the exercise lets in
        ctx["roster"] = views.roster(s, accounts.active_people(work.session))
    return render(request, "exercise/control.html", ctx, status=status)


@router.get("/exercises/{exercise_id}/control", include_in_schema=False)
def control_page(
    exercise_id: str,
    request: Request,
    at_day: float | None = Query(None, ge=FIRST_DAY, allow_inf_nan=False),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    s = _session(request, exercise_id)
    if not _role(p, s).controller:
        raise PermissionDenied()
    return _control_page(request, s, at_day=at_day, work=work)


@router.post("/exercises/{exercise_id}/control", include_in_schema=False)
async def control_command(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    if not _role(p, s).controller:
        raise PermissionDenied()
    command = data.pop("command", "")
    if "to" in data and not isinstance(data["to"], list):
        data["to"] = [data["to"]]
    if command == "advance":
        hours = _hours(data.get("hours"))
        error = (
            await run_in_threadpool(
                _submit,
                s,
                EventKind.CLOCK_TICKED,
                p.username,
                {},
                at=s.now_minute() + round(hours * 60),
            )
            if hours is not None
            else _("say how far to advance")
        )
    elif command == "assign" and (refusal := await run_in_threadpool(assign_refusal, work, data)):
        error = refusal
    elif command == "end" and data.get("confirm") != "yes":
        error = _("tick the confirmation to end the exercise: it ends for every team")
    elif command in CONTROL_COMMANDS:
        data.pop("confirm", None)
        if command == "override" and "trust" in data:
            with contextlib.suppress(TypeError, ValueError):  # else refused by the session
                data["trust"] = int(data["trust"])
        if command == "hotwash" or command == "corrective":
            data.setdefault("objective", "multi_agency_collaboration")
        error = await run_in_threadpool(_submit, s, CONTROL_COMMANDS[command], p.username, data)
    else:
        error = _("unknown command")
    if error:
        return _control_page(request, s, error, 422)  # no roster: no database on the loop
    return RedirectResponse(f"/exercises/{exercise_id}/control", status_code=303)
