"""The exercise's JSON API: state, actions and control commands, creating an exercise."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from pharos.coordinate.permissions import PermissionDenied, Principal, allowed
from pharos.exercise.rules.actions.catalogue import BY_NAME, LIST_FIELDS
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime import views
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession, StoreFailed
from pharos.i18n import _
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.routes.exercise import (
    CONTROL_COMMANDS,
    _clean,
    _hub,
    _loaded,
    _role,
    _session,
    assign_refusal,
)
from pharos.web.schemas import errors

router = APIRouter(responses=errors(401, 403, 404, 422))

_SCALAR = {"type": ["string", "number", "boolean", "null"]}


def _body(command: str, values: list[str], description: str) -> dict[str, Any]:
    """The OpenAPI description of a JSON object whose ``command`` is one of ``values`` (the
    other fields depend on it; the exercise's rules check them and say what is wrong)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": [command],
                        "properties": {command: {"type": "string", "enum": values}},
                        "description": description,
                    }
                }
            },
        }
    }


_ACTION_BODY = _body(
    "type",
    list(BY_NAME),
    "A player action: its type and the fields of its form (persona, place, to_team, ...); "
    "indicators, evidence and consent are lists of texts, every other field one value.",
)
_ACTION_BODY["requestBody"]["content"]["application/json"]["schema"]["properties"].update(
    {f: {"type": "array", "items": {"type": "string"}} for f in LIST_FIELDS}
)
_ACTION_BODY["requestBody"]["content"]["application/json"]["schema"]["additionalProperties"] = (
    _SCALAR
)
_CONTROL_BODY = _body(
    "command",
    list(CONTROL_COMMANDS),
    "A control command and its fields (speed: days_per_hour; release: inject; inject: title, "
    "text, to; override: persona, trust; assign: username, role, team; ...).",
)


# -- JSON API -----------------------------------------------------------------------------------
@router.get("/api/v1/exercises/{exercise_id}/state", tags=["exercise"])
def api_state(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> JSONResponse:
    """The exercise clock, the number of events and the hash of the folded state."""
    s = _session(request, exercise_id)
    r = _role(p, s)
    if not r.any:
        raise PermissionDenied()
    return JSONResponse(views.clock(s) | {"hash": s.state_hash(), "team": r.team})


async def _command(
    s: ExerciseSession, kind: EventKind, actor: str, payload: dict[str, Any]
) -> JSONResponse:
    """Submit a command (in a worker thread): 201 with the stored event's number and time; 422
    with the reason when it is refused or malformed; 503 when the store failed."""
    try:
        ev = await run_in_threadpool(s.submit, kind, actor, payload)
    except CommandRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=422)
    except StoreFailed as exc:
        return JSONResponse({"detail": str(exc)}, status_code=503)
    except (KeyError, ValueError, TypeError) as exc:  # as the pages: a field missing or malformed
        return JSONResponse({"detail": _("the form is incomplete: %(e)s") % {"e": exc}}, 422)
    return JSONResponse({"seq": ev.seq, "at": ev.at}, status_code=201)


@router.post(
    "/api/v1/exercises/{exercise_id}/actions",
    tags=["exercise"],
    status_code=201,
    responses=errors(400, 503),
    openapi_extra=_ACTION_BODY,
)
async def api_action(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> JSONResponse:
    """A player action for the caller's team; 201 with the stored event's number, else 422."""
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    r = _role(p, s)
    if r.team is None or r.spectator:
        raise PermissionDenied()
    with contextlib.suppress(Exception):
        work.session.close()
    return await _command(s, EventKind.ACTION, p.username, {**data, "team": r.team})


@router.post(
    "/api/v1/exercises/{exercise_id}/control",
    tags=["exercise"],
    status_code=201,
    responses=errors(400, 503),
    openapi_extra=_CONTROL_BODY,
)
async def api_control(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> JSONResponse:
    """A control command (``command``: start, pause, resume, speed, release, inject, ...)."""
    data = _clean(await body(request))
    s = await _loaded(request, exercise_id)
    if not _role(p, s).controller:
        raise PermissionDenied()
    kind = CONTROL_COMMANDS.get(str(data.pop("command", "")))
    if kind is None:
        return JSONResponse({"detail": _("unknown command")}, status_code=422)
    if kind == EventKind.ROLE_ASSIGNED:  # as the control page: only to real, active accounts
        refusal = await run_in_threadpool(assign_refusal, work, data)
        if refusal:
            return JSONResponse({"detail": refusal}, status_code=422)
    return await _command(s, kind, p.username, data)


@router.post("/api/v1/exercises", tags=["exercise"], status_code=201, responses=errors(503))
async def api_create(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> JSONResponse:
    """Create an exercise of the bundled scenario (no body); returns its id."""
    if not allowed(p, "exercise", "direct"):
        raise PermissionDenied()
    # writes the new log's first event, naming its creator as the head of its control team
    s = await run_in_threadpool(partial(_hub(request).create, director=p.username))
    return JSONResponse({"id": s.exercise_id}, status_code=201)
