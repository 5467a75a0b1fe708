"""The setup wizard of a new exercise (``/exercises/new``), for those who may direct exercises.

Three steps, each posted to the server and checked there (``pharos.exercise.runtime.setup``):

1. ``basics``: name, scenario (bundled, or a saved version of the studio), seed, the dates the
   exercise is held (``held_from``, ``held_to``);
2. ``teams``: which teams people play (``played``, repeated); the others are simulated;
3. ``roster``: a role for each account (``role.<username>``: ``director``, ``observer``,
   ``player:<team>``, ``role_player:<persona>``, or empty), the players of each played team's
   state and agency kind suggested; an account may also be typed by name (``extra_username``,
   ``extra_role``).

A step with problems comes back with every problem next to its field and what was typed kept
(422); nothing is created before the last step is right. The earlier steps' answers travel as
hidden fields and are checked again at every step.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import accounts
from pharos.coordinate.permissions import PermissionDenied, Principal, allowed
from pharos.exercise.runtime import setup
from pharos.exercise.runtime.service import Hub
from pharos.exercise.scenario.loader import LoadedScenario
from pharos.exercise.words import wording
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.templating import render

router = APIRouter()

STEPS = ("basics", "teams", "roster")


def _may(p: Principal) -> None:
    """The rule of exercise creation (``POST /exercises``): ``exercise:direct``."""
    if not allowed(p, "exercise", "direct"):
        raise PermissionDenied()


def _studio_too(p: Principal) -> bool:
    return allowed(p, "exercise_scenario", "read")


def _page(
    request: Request,
    p: Principal,
    step: str,
    data: dict[str, Any],
    problems: setup.Problems,
    loaded: LoadedScenario | None = None,
    played: list[str] | None = None,
    people: list[dict[str, Any]] | None = None,
) -> Response:
    ctx: dict[str, Any] = {
        "step": step,
        "steps": STEPS,
        "data": data,
        "problems": problems,
        # each field's problems, as the form macros read them
        "errors": {w: " ".join(problems.of(w)) for w, _m in problems.items},
        "choices": setup.choices(request.app.state.engine, _studio_too(p)),
    }
    if loaded is not None:
        sc = loaded.localized()
        ctx["sc"] = sc
        ctx["national"] = sc.national
        ctx["state_name"] = wording.country(sc.state) if sc.state else ""
        ctx["teams"] = [
            {
                "id": t.id,
                "name": t.name,
                "state": wording.country(t.state),
                "kind": wording.agency_kind(t.agency_kind.value),
                "played": t.id in played if played is not None else t.played,
            }
            for t in sc.teams
        ]
    if step == "roster" and loaded is not None and played is not None and people is not None:
        ctx["rows"] = _rows(loaded, played, people, data, p.username)
    status = 422 if problems else 200
    return render(request, "exercise/setup.html", ctx, status=status)


def _rows(
    loaded: LoadedScenario,
    played: list[str],
    people: list[dict[str, Any]],
    data: dict[str, Any],
    creator: str,
) -> list[dict[str, Any]]:
    """One row per active account (the creator first, fixed): its role chosen so far (else the
    suggested one on the first showing), its options, whether it is suggested."""
    sc = loaded.localized()
    first_showing = not data.get("roster_step")
    rows = []
    for u in people:
        hint = setup.suggested(sc, played, u)
        key = setup.roster_field(u["username"])
        value = hint if first_showing else str(data.get(key) or "")
        rows.append(
            {
                "username": u["username"],
                "name": u.get("name") or u["username"],
                "agency": u["agency"],
                "state": wording.country(u["state"]),
                "field": key,
                "value": value,
                "options": setup.role_options(sc, played, u),
                "suggested": bool(hint),
                "creator": u["username"] == creator,
            }
        )
    rows.sort(key=lambda r: (not r["creator"], not r["suggested"], r["state"], r["username"]))
    return rows


@router.get("/exercises/new", include_in_schema=False)
def setup_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    _may(p)
    return _page(request, p, "basics", {}, setup.Problems())


@router.post("/exercises/new", include_in_schema=False)
async def setup_step(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    _may(p)
    return await run_in_threadpool(_step, request, p, work, data)


def _step(request: Request, p: Principal, work: UnitOfWork, data: dict[str, Any]) -> Response:
    """Check every step up to the one posted; show the first with a problem, else the next
    one, and after the last create the exercise."""
    engine = request.app.state.engine
    posted = str(data.get("step") or "basics")
    if posted not in STEPS:
        posted = "basics"
    back = bool(data.get("back"))
    problems = setup.Problems()
    basics = setup.check_basics(data, problems)
    found = setup.check_scenario(engine, data, _studio_too(p), problems)
    if problems or found is None or (back and posted == "teams"):
        shown = setup.Problems() if back else problems
        return _page(request, p, "basics", data, shown, found[0] if found else None)
    loaded, where_from = found
    sc = loaded.scenario
    played_given = setup.played_of(data)
    if posted == "basics" or (back and posted == "roster"):
        return _page(request, p, "teams", data, setup.Problems(), loaded, played_given)
    played = setup.check_teams(sc, played_given or [], problems)
    if problems:
        return _page(request, p, "teams", data, problems, loaded, played_given)
    people = accounts.active_people(work.session)
    if posted == "teams":
        return _page(request, p, "roster", data, problems, loaded, played, people)
    roster = setup.check_roster(sc, played, data, people, p.username, problems)
    if problems:
        return _page(request, p, "roster", data, problems, loaded, played, people)
    hub = Hub.for_engine(engine)
    s = setup.create(hub, loaded, where_from, p.username, basics, played, roster)
    return RedirectResponse(f"/exercises/{s.exercise_id}/control", status_code=303)
