"""Tasks and assignment (issue 18, item 5): a case or a task is given to a colleague of the same
agency, checked on the server (same agency, an active account); due dates; "My tasks" on the
dashboard with the overdue ones said in words; tasks on the case page, marked done; the case
list's "cases I hold" includes the cases assigned to the user; each assignment is one audit entry
a notifier can read (``assign_task``, ``assign_case``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import notifications, tasks
from pharos.coordinate.accounts import hash_password, principal
from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.store.models import User
from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow


def add_colleague(
    engine: Engine, of: str, username: str, display_name: str, *, active: bool = True
) -> None:
    """An account in the agency of ``of`` (besides the demo's second caseworkers)."""
    with Session(engine) as s:
        mate = s.execute(select(User).where(User.username == of)).scalar_one()
        s.add(
            User(
                username=username,
                display_name=display_name,
                password_hash=hash_password(DEMO_PASSWORD),
                agency_id=mate.agency_id,
                kind=mate.kind,
                state=mate.state,
                active=active,
            )
        )
        s.commit()


@pytest.fixture(scope="module")
def users(app: FastAPI, engine: Engine) -> dict[str, PharosClient]:
    # it.labour2, it.ngo2 and it.police2 are the demo's second caseworkers; a colleague whose
    # account was closed is never given anything
    add_colleague(engine, "it.labour", "it.labour.gone", "Left", active=False)
    names = ("it.labour", "it.labour2", "it.ngo", "it.ngo2", "it.police", "eg.police")
    return {u: signed_in_client(app, u) for u in names}


def principal_of(s: Session, username: str) -> Any:
    return principal(s.execute(select(User).where(User.username == username)).scalar_one())


def uid(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return int(s.execute(select(User.id).where(User.username == username)).scalar_one())


def assignments(engine: Engine, case_id: int) -> list[tuple[Any, Any]]:
    """The assignments of one case, as a notifier reads them (``tasks.assignments_since``)."""
    with Session(engine) as s:
        return [(e, d) for e, d in tasks.assignments_since(s) if e.case_id == case_id]


def new_case(client: PharosClient, title: str) -> dict[str, Any]:
    r = client.post("/api/v1/cases", json={"title": title, "first_name": "Ines"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_task_for_a_colleague_on_the_dashboard_overdue_in_words_then_done(
    users: dict[str, PharosClient], engine: Engine
) -> None:
    inspector, colleague = users["it.labour"], users["it.labour2"]
    case = new_case(inspector, "Task")
    cid = case["id"]
    page = inspector.get(f"/cases/{cid}").text
    assert f'action="/cases/{cid}/tasks"' in page
    late = (date.today() - timedelta(days=2)).isoformat()
    r = inspector.post(
        f"/cases/{cid}/tasks",
        data={
            "title": "Call the employer's accountant",
            "assignee_id": str(uid(engine, "it.labour2")),
            "due_on": late,
        },
    )
    assert r.status_code == 303, r.text[:400]
    soon = (date.today() + timedelta(days=3)).isoformat()
    r = inspector.post(
        f"/api/v1/cases/{cid}/tasks",
        json={
            "title": "Book an interpreter",
            "assignee_id": uid(engine, "it.labour2"),
            "due_on": soon,
        },
    )
    assert r.status_code == 200, r.text
    listed = r.json()["tasks"]
    assert [t["title"] for t in listed] == ["Call the employer's accountant", "Book an interpreter"]
    assert [t["overdue"] for t in listed] == [True, False]
    # the colleague's dashboard: both, the overdue one first and said in words
    dash = colleague.get("/").text
    mine = dash[dash.index('id="my-tasks"') :]
    mine = mine[: mine.index("</section>")]
    assert mine.index("Call the employer") < mine.index("Book an interpreter")
    assert "1 of your tasks is overdue." in mine
    assert "Overdue: was due" in mine and 'class="overdue"' in mine
    api = colleague.get("/api/v1/dashboard").json()["my_tasks"]
    assert [(t["title"], t["overdue"]) for t in api] == [
        ("Call the employer's accountant", True),
        ("Book an interpreter", False),
    ]
    assert colleague.get("/api/v1/tasks").json() == api
    # the one who gave them has none
    assert inspector.get("/api/v1/tasks").json() == []
    # the colleague was told, twice, with a link to the case (issue 18, item 6)
    told = colleague.get("/notifications").text
    assert f"it.labour assigned you a task in case {case['reference']}." in told
    with Session(engine) as s:
        mine = notifications.list_for(s, principal_of(s, "it.labour2")).items
        about = [(n.key, n.subject) for n in mine if n.case_id == cid]
    assert about == [("task_assigned", "task")] * 2
    # the colleague marks the first done; it leaves the dashboard and stays on the case, done
    first = listed[0]
    r = colleague.post(f"/cases/{cid}/tasks/{first['id']}/done", data={"version": "1"})
    assert r.status_code == 303, r.text[:400]
    assert [t["title"] for t in colleague.get("/api/v1/tasks").json()] == ["Book an interpreter"]
    page = inspector.get(f"/cases/{cid}").text
    section = page[page.index('id="tasks"') :]
    assert "Done" in section and "done by Italy: Labour inspector (2)" in section
    # marking it done again with the old form: refused, nothing changes
    r = inspector.post(f"/cases/{cid}/tasks/{first['id']}/done", data={"version": "1"})
    assert r.status_code == 409
    # the audit trail holds who was given what, for a notifier (no victim's name in it)
    found = [(e.action, d) for e, d in assignments(engine, cid)]
    assert [a for a, _d in found] == ["assign_task", "assign_task"]
    assert {d["assignee"] for _a, d in found} == {uid(engine, "it.labour2")}
    assert all("Ines" not in str(d) for _a, d in found)


def test_only_an_active_colleague_of_the_same_agency(
    users: dict[str, PharosClient], engine: Engine
) -> None:
    inspector = users["it.labour"]
    case = new_case(inspector, "Who")
    cid = case["id"]
    for who in ("it.ngo", "eg.police", "it.labour.gone", "admin"):
        r = inspector.post(
            f"/api/v1/cases/{cid}/tasks", json={"title": "x", "assignee_id": uid(engine, who)}
        )
        assert r.status_code == 422, (who, r.text)
        assert r.json()["detail"][0]["loc"] == ["body", "assignee_id"], who
        r = inspector.post(f"/api/v1/cases/{cid}/assign", json={"assignee_id": uid(engine, who)})
        assert r.status_code == 422, (who, r.text)
    r = inspector.post(f"/api/v1/cases/{cid}/tasks", json={"title": "x", "assignee_id": 2**31 - 1})
    assert r.status_code == 422
    assert inspector.get(f"/api/v1/cases/{cid}").json()["tasks"] == []
    # the colleagues offered are the agency's active accounts only
    offered = {c["username"] for c in inspector.get("/api/v1/colleagues").json()}
    assert offered == {"it.labour", "it.labour2"}


def test_a_task_is_its_agencys_business(users: dict[str, PharosClient], engine: Engine) -> None:
    """The NGO the case was referred to gives a task to its own colleague: the inspector does
    not see it nor change it; the NGO's colleague holds the case in the list."""
    inspector, ngo, ngo2 = users["it.labour"], users["it.ngo"], users["it.ngo2"]
    case = new_case(inspector, "NGO task")
    cid = case["id"]
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    assert inspector.post(f"/api/v1/cases/{cid}/consent", json=consent).status_code == 200
    to = inspector.get("/api/v1/directory", params={"state": "ITA", "kind": "ngo"}).json()[0]["id"]
    r = inspector.post(f"/api/v1/cases/{cid}/referrals", json={"to_agency_id": to, "stage": 2})
    ngo.post(f"/api/v1/referrals/{r.json()['id']}/respond", json={"action": "accept"})
    r = ngo.post(
        f"/api/v1/cases/{cid}/tasks",
        json={"title": "Find a bed", "assignee_id": uid(engine, "it.ngo2")},
    )
    assert r.status_code == 200, r.text
    task = r.json()["tasks"][0]
    assert inspector.get(f"/api/v1/cases/{cid}").json()["tasks"] == []
    assert "Find a bed" not in inspector.get(f"/cases/{cid}").text
    r = inspector.post(f"/api/v1/cases/{cid}/tasks/{task['id']}/done", json={"version": 1})
    assert r.status_code == 404
    r = inspector.patch(
        f"/api/v1/cases/{cid}/tasks/{task['id']}", json={"version": 1, "title": "x"}
    )
    assert r.status_code == 404
    # the NGO's colleague: on the dashboard, and the case among "cases I hold"
    assert [t["title"] for t in ngo2.get("/api/v1/tasks").json()] == ["Find a bed"]
    held = ngo2.get("/cases", params={"mine": "1"}).text
    assert case["reference"] in held
    # reassigned back to the NGO worker who made it: a second assign_task, the previous named
    r = ngo.patch(
        f"/api/v1/cases/{cid}/tasks/{task['id']}",
        json={"version": 1, "assignee_id": uid(engine, "it.ngo")},
    )
    assert r.status_code == 200, r.text
    assert ngo2.get("/api/v1/tasks").json() == []
    last = assignments(engine, cid)[-1][1]
    assert (last["assignee"], last["previous"]) == (uid(engine, "it.ngo"), uid(engine, "it.ngo2"))


def test_assign_a_case_to_a_colleague(users: dict[str, PharosClient], engine: Engine) -> None:
    inspector, colleague, police = users["it.labour"], users["it.labour2"], users["it.police"]
    case = new_case(inspector, "Assigned case")
    cid = case["id"]
    page = inspector.get(f"/cases/{cid}").text
    assert f'action="/cases/{cid}/assign"' in page
    # before: the case is not the colleague's own (it is the agency's: 'cases I hold' has it)
    r = inspector.post(
        f"/cases/{cid}/assign",
        data={
            "assignee_id": str(uid(engine, "it.labour2")),
            "from_user_id": str(uid(engine, "it.labour")),
        },
    )
    assert r.status_code == 303, r.text[:400]
    view = colleague.get(f"/api/v1/cases/{cid}").json()
    assert view["owner_user"] == "it.labour2"
    assert (
        f"it.labour assigned case {case['reference']} to you."
        in colleague.get("/notifications").text
    )
    assert case["reference"] in colleague.get("/cases", params={"mine": "1"}).text
    assert cid in [c["id"] for c in colleague.get("/api/v1/dashboard").json()["my_cases"]]
    # a second form loaded before that change: refused (409), the case stays with the colleague
    r = inspector.post(
        f"/cases/{cid}/assign",
        data={
            "assignee_id": str(uid(engine, "it.labour")),
            "from_user_id": str(uid(engine, "it.labour")),
        },
    )
    assert r.status_code == 409 and "assigned this case to another colleague" in r.text
    assert colleague.get(f"/api/v1/cases/{cid}").json()["owner_user"] == "it.labour2"
    # another agency working on the case may not assign it
    to = inspector.get("/api/v1/directory", params={"state": "ITA", "kind": "law_enforcement"})
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    inspector.post(f"/api/v1/cases/{cid}/consent", json=consent)
    r = inspector.post(
        f"/api/v1/cases/{cid}/referrals", json={"to_agency_id": to.json()[0]["id"], "stage": 4}
    )
    police.post(f"/api/v1/referrals/{r.json()['id']}/respond", json={"action": "accept"})
    r = police.post(f"/api/v1/cases/{cid}/assign", json={"assignee_id": uid(engine, "it.police2")})
    assert r.status_code == 403
    found = assignments(engine, cid)
    assert [(e.action, d["from"], d["to"]) for e, d in found] == [
        ("assign_case", uid(engine, "it.labour"), uid(engine, "it.labour2"))
    ]
