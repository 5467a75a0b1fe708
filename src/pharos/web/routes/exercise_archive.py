"""Archiving and deleting exercises (issue 17, item 3).

The exercise's control team (``service.role_of``: its creator, its co-directors; administrators
for an exercise with no creator recorded) may archive an exercise that has ended (it is
kept with its whole log and listed apart under "Archived"; an ended exercise takes only the
hot-wash, notes and observations, as before), restore it, or delete an exercise that has ended
or never started, with its whole log. Archiving and deleting need a confirmation the server checks
(422 without it); a running or paused exercise is neither archived nor deleted (end it first).
Each is an entry of the audit trail, written in the same transaction as the change: all or
nothing. Lessons already published from the exercise stay in the lessons library.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import audit
from pharos.coordinate.permissions import PermissionDenied, Principal
from pharos.exercise.runtime.session import ExerciseSession
from pharos.i18n import _
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.routes.exercise import _hub, _loaded, _role

router = APIRouter()
#: the states of an exercise that may be deleted; only an ended one is archived
CLOSED = ("ready", "ended")


async def _closing(
    request: Request,
    p: Principal,
    exercise_id: str,
    data: dict[str, Any],
    confirm: bool,
    states: tuple[str, ...] = CLOSED,
) -> ExerciseSession:
    """The exercise, once the server checked who asks, its state and the confirmation."""
    s = await _loaded(request, exercise_id)
    if not _role(p, s).controller:
        raise PermissionDenied()
    if s.state.status not in states:
        raise HTTPException(
            422, _("End the exercise first: a running or paused exercise stays where it is.")
        )
    if confirm and data.get("confirm") != "yes":
        raise HTTPException(422, _("Tick the confirmation first."))
    return s


def _archive(
    request: Request, work: UnitOfWork, p: Principal, s: ExerciseSession, when: datetime | None
) -> None:
    _hub(request).store.archive(s.exercise_id, when, work.session.connection())
    action = "archive" if when is not None else "restore"
    detail = {"title": s.scenario.title}
    audit.record(work.session, p, action, "exercise", s.exercise_id, detail=detail)
    work.commit()


@router.post("/exercises/{exercise_id}/archive", include_in_schema=False)
async def exercise_archive(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    s = await _closing(request, p, exercise_id, data, confirm=True, states=("ended",))
    await run_in_threadpool(_archive, request, work, p, s, datetime.now(UTC))
    return RedirectResponse("/exercises", status_code=303)


@router.post("/exercises/{exercise_id}/restore", include_in_schema=False)
async def exercise_restore(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    s = await _closing(request, p, exercise_id, data, confirm=False)
    await run_in_threadpool(_archive, request, work, p, s, None)
    return RedirectResponse("/exercises", status_code=303)


def _delete(request: Request, work: UnitOfWork, p: Principal, s: ExerciseSession) -> None:
    hub = _hub(request)
    events = s.state.last_seq
    hub.store.delete(s.exercise_id, work.session.connection())
    detail = {"title": s.scenario.title, "events": events, "seed": s.seed}
    audit.record(work.session, p, "delete", "exercise", s.exercise_id, detail=detail)
    work.commit()
    hub.forget(s.exercise_id)


@router.post("/exercises/{exercise_id}/delete", include_in_schema=False)
async def exercise_delete(
    exercise_id: str,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    s = await _closing(request, p, exercise_id, data, confirm=True)
    await run_in_threadpool(_delete, request, work, p, s)
    return RedirectResponse("/exercises", status_code=303)
