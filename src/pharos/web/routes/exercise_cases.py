"""Case files of an exercise: the server's case tools, read in the exercise's sandbox.

A player sees what their TEAM may see under the server's permission rules (the team's own
cases, cases shared with it by a referral or a request, the requests it sent or received, with
the other state's victims under a pseudonym unless they consented to disclosure across
borders). Controllers and observers choose the team to view as. Anyone else: 403. The pages are
read-only: the workspace's actions are the way to act (see ``pharos.exercise.sandbox.database``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pharos.coordinate import cases as svc
from pharos.coordinate import queries, referrals, requests
from pharos.coordinate.case_view import case_detail
from pharos.coordinate.permissions import PermissionDenied, Principal, allowed
from pharos.exercise.runtime import views
from pharos.exercise.runtime.service import Hub, role_of
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.sandbox import case_words as cw
from pharos.exercise.sandbox.database import exercise_time
from pharos.exercise.sandbox.reader import Reader
from pharos.exercise.words import wording
from pharos.i18n import _
from pharos.store.models import AuditEntry
from pharos.store.uow import UnitOfWork
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()


def _viewer(request: Request, p: Principal, exercise_id: str, team: str) -> tuple[Hub, str, bool]:
    """The hub, the team whose view is shown, and whether the reader may choose it."""
    hub = Hub.for_engine(request.app.state.engine)
    try:
        s = hub.session(exercise_id)
    except KeyError as exc:
        raise HTTPException(404, _("No such exercise.")) from exc
    if not allowed(p, "exercise", "read"):
        raise PermissionDenied()
    role = role_of(s, p.username, p.state, p.kind, p.is_admin)
    if role.controller or role.observer:
        teams = [t.id for t in s.scenario.teams]
        chosen = team or next(t.id for t in s.scenario.teams if t.played)
        if chosen not in teams:
            raise HTTPException(404, _("No such team."))
        return hub, chosen, True
    if role.team is None:
        raise PermissionDenied()
    return hub, role.team, False


def _context(s: ExerciseSession, team: str, chooser: bool) -> dict[str, Any]:
    return {
        "ex": s,
        "team": s.shown().team(team),
        "teams": s.shown().teams if chooser else [],
        "chooser": chooser,
        "L": template_labels(),
        "clock": views.clock(s),
    }


@router.get("/exercises/{exercise_id}/cases", include_in_schema=False)
def case_files(
    exercise_id: str,
    request: Request,
    team: str = "",
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    hub, team_id, chooser = _viewer(request, p, exercise_id, team)
    s = hub.session(exercise_id)
    sb = hub.sandbox(exercise_id)
    key = request.app.state.settings.secret()
    with sb.reading(key) as db:
        member = sb.member_of_team(team_id)
        tp = sb.principal(db, member)
        rows = list(db.execute(svc.visible_cases(tp)).scalars())
        views = {c.id: svc.view_of(db, tp, c).value for c in rows}
        say = Reader.of(sb, s.shown(), db)
        names = {i: say.agency(i, n) for i, n in queries.all_agency_names(db).items()}
        refs = queries.all_case_references(db)
        readable = {c.id for c in rows}
        refused = queries.recent_audit_entries(db, "exercise_refused", team_id, limit=50)
        page = {
            "cases": [
                {
                    "id": c.id,
                    "reference": c.reference,
                    "title": say.text(c.title) if views[c.id] == "full" else "",
                    "view": views[c.id],
                    "state": c.state,
                    "status": c.status,
                    "owner": names.get(c.owner_agency_id, ""),
                    "updated_at": c.updated_at,
                }
                for c in rows
            ],
            "incoming": referrals.incoming(db, tp),
            "outgoing": referrals.outgoing(db, tp),
            "requests": requests.visible_requests(db, tp),
            "refused": [_refusal(e, say) for e in refused],
            "names": names,
            "refs": refs,
            "readable": readable,
            "own_agency": member.agency_id,
            "say": say.text,
        }
        return render(request, "exercise/cases.html", page | _context(s, team_id, chooser))


def _detail(text: str) -> dict[str, Any]:
    import json

    try:
        out = json.loads(text)
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def _refusal(e: AuditEntry, say: Reader) -> dict[str, Any]:
    """A refusal of the case tools: when, which step and why, in words."""
    detail = _detail(e.detail)
    step = cw.step(detail.get("action", ""))
    return {"at": e.at, "detail": {"action": step, "reason": say.render(detail.get("reason"))}}


@router.get("/exercises/{exercise_id}/cases/{case_id}", include_in_schema=False)
def case_file(
    exercise_id: str,
    case_id: RecordId,
    request: Request,
    team: str = "",
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    hub, team_id, chooser = _viewer(request, p, exercise_id, team)
    s = hub.session(exercise_id)
    sb = hub.sandbox(exercise_id)
    key = request.app.state.settings.secret()
    with sb.reading(key) as db:
        tp = sb.principal(db, sb.member_of_team(team_id))
        try:
            # reads of the sandbox are not audited: the sandbox is a function of the log
            case = svc.get_case(db, tp, case_id, audit_read=False)
        except svc.NotFound as exc:
            raise HTTPException(404, _("No such case file for this team.")) from exc
        now = exercise_time(s.scenario, s.state.minute)
        detail = case_detail(
            db, tp, case, now.date(), request.app.state.settings.reflection_warning_days
        )
        detail["may"] = {k: False for k in detail["may"]}  # read-only: act in the workspace
        _say_case(detail, Reader.of(sb, s.shown(), db))
        ctx = {
            "case": detail,
            "errors": {},
            "values": {},
            "agencies": [],
            "today": now.date(),
            "region_states": [],
            "sandbox": True,
        }
        return render(request, "exercise/case.html", ctx | _context(s, team_id, chooser))


def _say_case(detail: dict[str, Any], say: Reader) -> None:
    """The case's texts and names (the sandbox holds them in English) in the reader's words;
    its agencies by id; each account by its agency's name (the owner's, already the agency,
    not repeated); a person's citizenship by the country's name."""
    detail["title"] = say.text(detail["title"])
    detail["summary"] = say.text(detail["summary"])
    owner = detail["owner_agency"]
    owner["name"] = say.agency(owner["id"], owner["name"] or "")
    detail["owner_user"] = None
    names = detail.get("agency_names", {})
    detail["agency_names"] = {i: say.agency(i, n) for i, n in names.items()}
    for p in detail["persons"]:
        if not p.get("pseudonymised"):
            p["name"] = say.text(p["name"])
        if p.get("citizenship"):
            p["citizenship"] = wording.country(p["citizenship"])  # a nationality, not its code
    for x in detail["screenings"]:
        x["screened_by"] = say.account(x["screened_by"])
    for r in detail["referrals"]:
        r["from_agency"] = say.agency(r["from_agency_id"], r["from_agency"] or "")
        r["to_agency"] = say.agency(r["to_agency_id"], r["to_agency"] or "")
        r["details"] = say.text(r["details"])
        r["rejection_reason"] = say.text(r["rejection_reason"])
    for q in detail["requests"]:
        for key in ("subject", "body", "sender_agency", "receiver_agency", "escalated_to"):
            q[key] = say.text(q[key])
        for reply in q["replies"]:
            reply["author"] = say.account(reply["author"])
            reply["agency"] = say.text(reply["agency"])
            reply["text"] = say.text(reply["text"])
    for n in detail["notes"]:
        n["author"] = say.account(n["author"])
        n["text"] = say.text(n["text"])
    for e in detail.get("audit", []):
        e["actor"] = say.account(e["actor"])
