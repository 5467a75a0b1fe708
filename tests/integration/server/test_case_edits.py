"""Edit with history (issue 18, item 3): persons, events, notes and support plans are edited by
those allowed; every edit is kept with who, when and the values before and after, and shown in
the case's history as each reader may see the record; a form loaded before someone else's change
is refused (409) instead of overwriting it; a victim's identifying values never reach a reader
who does not see the victim's identity (across borders, a journalist, a state the case left)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import editing
from pharos.coordinate.accounts import principal
from pharos.store.models import AuditEntry, Case, Person, User
from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow

VICTIM = {"first_name": "Samira", "second_name": "Nour", "birthdate": "1999-03-14"}
CONSENT: dict[str, object] = {
    "informed": True,
    "consent_for_services": True,
    "disclosure_other_orgs": True,
}


@pytest.fixture(scope="module")
def users(app: FastAPI) -> dict[str, PharosClient]:
    names = (
        "it.labour",
        "it.police",
        "it.ngo",
        "it.journalist",
        "eg.police",
        "eg.ngo",
        "it.coordinator",
        "it.labour2",
    )
    return {u: signed_in_client(app, u) for u in names}


def agency(client: PharosClient, state: str, kind: str) -> int:
    found = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(found[0]["id"])


def new_case(client: PharosClient, title: str) -> dict[str, Any]:
    r = client.post("/api/v1/cases", json={"title": title, "citizenship": "EGY", **VICTIM})
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    r = client.post(f"/api/v1/cases/{case_id}/consent", json=CONSENT)
    assert r.status_code == 200, r.text
    return dict(r.json())


def share(owner: PharosClient, case_id: int, receiver: PharosClient, to: int) -> None:
    r = owner.post(f"/api/v1/cases/{case_id}/referrals", json={"to_agency_id": to, "stage": 2})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = receiver.post(f"/api/v1/referrals/{rid}/respond", json={"action": "accept"})
    assert r.status_code == 200, r.text


def test_a_person_edited_in_the_page_keeps_who_when_before_and_after(
    users: dict[str, PharosClient],
) -> None:
    inspector = users["it.labour"]
    case = new_case(inspector, "Edit a person")
    person = case["persons"][0]
    assert person["version"] == 1
    page = inspector.get(f"/cases/{case['id']}").text
    assert f'action="/cases/{case["id"]}/persons/{person["id"]}"' in page
    form = {
        "version": "1",
        "first_name": "Samira",
        "second_name": "Nour Haddad",
        "birthdate": "1999-03-14",
        "citizenship": "EGY",
        "gender": "feminine",
    }
    r = inspector.post(f"/cases/{case['id']}/persons/{person['id']}", data=form)
    assert r.status_code == 303, r.text[:500]
    after = inspector.get(f"/api/v1/cases/{case['id']}").json()
    assert after["persons"][0]["second_name"] == "Nour Haddad"
    assert after["persons"][0]["version"] == 2
    [h] = after["history"]
    assert h["by"] == "it.labour" and h["record"] == "person"
    changes = {c["field"]: (c["before"], c["after"]) for c in h["changes"]}
    assert changes == {
        "second_name": ("Nour", "Nour Haddad"),
        "gender": ("Not specified or unknown", "Feminine"),
    }
    page = inspector.get(f"/cases/{case['id']}").text
    history = page[page.index('id="history"') :]
    assert "Nour Haddad" in history and "it.labour" in history and "Person #" in history


def test_a_stale_form_is_refused_and_nothing_is_overwritten(
    users: dict[str, PharosClient],
) -> None:
    """Two caseworkers open the same event; the first saves; the second's form, loaded at
    version 1, is refused with who changed it and when, and the page shows the current place
    with what the second sent listed as not saved."""
    inspector, police = users["it.labour"], users["it.police"]
    case = new_case(inspector, "Stale event")
    share(inspector, case["id"], police, agency(inspector, "ITA", "law_enforcement"))
    r = inspector.post(
        f"/api/v1/cases/{case['id']}/events",
        json={"type": "exploitation", "place": "Ragusa", "country": "ITA"},
    )
    event = r.json()["events"][0]
    url = f"/cases/{case['id']}/events/{event['id']}"
    base = {"version": "1", "type": "exploitation", "country": "ITA", "description": ""}
    assert police.post(url, data={**base, "place": "Vittoria"}).status_code == 303
    late = inspector.post(url, data={**base, "place": "Comiso"})
    assert late.status_code == 409
    assert "it.police changed this record on" in late.text
    assert "your changes were not saved" in late.text
    assert re.search(r'id="f-e\d+-place"[^>]*value="Vittoria"', late.text), "current value"
    unsaved = late.text[late.text.index('class="unsaved"') :]
    assert "Comiso" in unsaved[: unsaved.index("</div>")]
    now = inspector.get(f"/api/v1/cases/{case['id']}").json()
    assert now["events"][0]["place"] == "Vittoria" and now["events"][0]["version"] == 2
    # the API says the same with 409, names the field, and writes nothing
    r = inspector.patch(
        f"/api/v1/cases/{case['id']}/events/{event['id']}", json={"version": 1, "place": "Comiso"}
    )
    assert r.status_code == 409 and r.json()["detail"][0]["loc"] == ["body", "version"]
    # with the current version, a partial edit changes only what it sends
    r = inspector.patch(
        f"/api/v1/cases/{case['id']}/events/{event['id']}",
        json={"version": 2, "description": "Greenhouses"},
    )
    assert r.status_code == 200, r.text
    ev = r.json()["events"][0]
    assert (ev["place"], ev["description"], ev["version"]) == ("Vittoria", "Greenhouses", 3)
    assert [h["by"] for h in r.json()["history"]] == ["it.labour", "it.police"]


def test_two_edits_racing_past_the_check_cannot_both_be_written(engine: Engine) -> None:
    """Both sessions read version 1 and pass the check; the database's UPDATE … WHERE version=1
    lets the first through and refuses the second (StaleEdit), which writes nothing."""
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == "it.labour")).scalar_one()
        from pharos.coordinate.cases import open_case

        case = open_case(s, principal(user), {"title": "Race", "first_name": "Lina"})
        s.commit()
        case_id, person_id = case.id, case.persons[0].id
    one, two = Session(engine), Session(engine)
    try:
        p1 = principal(one.execute(select(User).where(User.username == "it.labour")).scalar_one())
        p2 = principal(two.execute(select(User).where(User.username == "it.labour")).scalar_one())
        c1, c2 = one.get(Case, case_id), two.get(Case, case_id)
        assert c1 is not None and c2 is not None
        assert one.get(Person, person_id) is not None and two.get(Person, person_id) is not None
        editing.edit_person(one, p1, c1, person_id, {"version": 1, "first_name": "Lena"})
        one.commit()
        with pytest.raises(editing.StaleEdit):
            # the second session still holds version 1 in memory: its check passes, the
            # database refuses
            editing.edit_person(two, p2, c2, person_id, {"version": 1, "first_name": "Leila"})
        two.rollback()
    finally:
        one.close()
        two.close()
    with Session(engine) as s:
        person = s.get(Person, person_id)
        assert person is not None and (person.first_name, person.version) == ("Lena", 2)
        edits = s.execute(
            select(AuditEntry).where(
                AuditEntry.case_id == case_id, AuditEntry.action == "edit_person"
            )
        ).scalars()
        assert [json.loads(e.detail)["changes"] for e in edits] == [
            {"first_name": ["Lina", "Lena"]}
        ]


def test_who_may_edit_what(users: dict[str, PharosClient]) -> None:
    """A note is edited by its author only; a support plan by its author's agency; a person by
    those who may change the case; nobody edits a record through another case's address."""
    inspector, ngo, police = users["it.labour"], users["it.ngo"], users["it.police"]
    case = new_case(inspector, "Who edits")
    share(inspector, case["id"], ngo, agency(inspector, "ITA", "ngo"))
    share(inspector, case["id"], police, agency(inspector, "ITA", "law_enforcement"))
    cid = case["id"]
    note = ngo.post(f"/api/v1/cases/{cid}/notes", json={"text": "Needs a doctor"}).json()
    note_id = note["notes"][0]["id"]
    plan = ngo.post(
        f"/api/v1/cases/{cid}/support-plans", json={"type": "health", "objectives": "GP visit"}
    ).json()["support_plans"][0]
    assert (
        inspector.patch(
            f"/api/v1/cases/{cid}/notes/{note_id}", json={"version": 1, "text": "x"}
        ).status_code
        == 403
    )
    assert (
        police.patch(
            f"/api/v1/cases/{cid}/support-plans/{plan['id']}",
            json={"version": 1, "objectives": "x"},
        ).status_code
        == 403
    )
    r = ngo.patch(f"/api/v1/cases/{cid}/notes/{note_id}", json={"version": 1, "text": "Seen"})
    assert r.status_code == 200, r.text
    r = ngo.patch(
        f"/api/v1/cases/{cid}/support-plans/{plan['id']}",
        json={"version": 1, "actual_end": "2026-01-10"},
    )
    assert r.status_code == 200 and r.json()["support_plans"][0]["actual_end"] == "2026-01-10"
    person_id = case["persons"][0]["id"]
    assert (
        ngo.patch(
            f"/api/v1/cases/{cid}/persons/{person_id}", json={"version": 1, "phone": "1"}
        ).status_code
        == 403
    )
    # the page offers each form only to those who may use it
    assert f'/notes/{note_id}"' in ngo.get(f"/cases/{cid}").text
    assert f'/notes/{note_id}"' not in inspector.get(f"/cases/{cid}").text
    assert f'/persons/{person_id}"' not in ngo.get(f"/cases/{cid}").text
    # a record of another case is not reached through this one
    other = new_case(inspector, "Other")
    r = inspector.patch(
        f"/api/v1/cases/{other['id']}/persons/{person_id}", json={"version": 1, "phone": "1"}
    )
    assert r.status_code == 404
    unchanged = inspector.get(f"/api/v1/cases/{cid}").json()
    assert unchanged["persons"][0]["phone"] == "" and unchanged["notes"][0]["text"] == "Seen"


def test_identifying_values_of_the_history_reach_only_those_who_see_the_identity(
    users: dict[str, PharosClient],
) -> None:
    """The Egyptian police, answering a request about the case, and the journalist it was
    referred to read the case's history: they learn that the victim's name was edited, not
    the name before nor after (nor who edited it); the Italian police see everything."""
    inspector, police = users["it.labour"], users["it.police"]
    journalist = users["it.journalist"]
    case = new_case(inspector, "Identity flow")
    cid, person_id = case["id"], case["persons"][0]["id"]
    share(inspector, cid, police, agency(inspector, "ITA", "law_enforcement"))
    share(inspector, cid, journalist, agency(inspector, "ITA", "journalist"))
    r = police.post(
        f"/api/v1/cases/{cid}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "EGY",
            "subject": "Recruiter",
            "body": "Who recruited her?",
        },
    )
    assert r.status_code == 201, r.text
    r = inspector.patch(
        f"/api/v1/cases/{cid}/persons/{person_id}",
        json={
            "version": 1,
            "first_name": "Samiraah",
            "phone": "+39 333 0000000",
            "gender": "feminine",
        },
    )
    assert r.status_code == 200, r.text
    r = inspector.post(
        f"/api/v1/cases/{cid}/events", json={"type": "recruitment", "place": "Sohag"}
    )
    event_id = r.json()["events"][0]["id"]
    r = inspector.patch(
        f"/api/v1/cases/{cid}/events/{event_id}",
        json={"version": 1, "place": "Asyut", "country": "EGY"},
    )
    assert r.status_code == 200, r.text
    secrets = ("Samira", "Samiraah", "+39 333", "Sohag", "Asyut")
    for user, sees in (("it.police", True), ("eg.police", False), ("it.journalist", False)):
        api = users[user].get(f"/api/v1/cases/{cid}")
        page = users[user].get(f"/cases/{cid}")
        assert api.status_code == 200 and page.status_code == 200, user
        history = api.json()["history"]
        person_edit = next(h for h in history if h["record"] == "person")
        fields = {c["field"]: c for c in person_edit["changes"]}
        assert fields["first_name"]["withheld"] is not sees, user
        assert fields["phone"]["withheld"] is not sees, user
        # what the reader sees of the person anyway is shown: the gender
        assert fields["gender"]["after"] == "Feminine", user
        event_edit = next(h for h in history if h["record"] == "event")
        country = {c["field"]: c for c in event_edit["changes"]}["country"]
        assert (country["before"], country["after"]) == ("—", "EGY"), user
        assert (person_edit["by"] == "it.labour") is sees, user
        section = page.text[page.text.index('id="history"') :]
        for secret in secrets:
            assert (secret in api.text) is sees, (user, secret)
            assert (secret in section) is sees, (user, secret)


def test_a_case_that_moved_abroad_is_seen_as_it_was_when_it_left(
    users: dict[str, PharosClient],
) -> None:
    """The Italian police transfer a case to an Egyptian NGO without the victim's consent to
    disclosure across borders (an override); the NGO corrects the victim's name and the
    event's place. The Italian police, who held the case, still see what they held: the name
    and place as they were when the case left, and no edit made since."""
    police, eg_ngo = users["it.police"], users["eg.ngo"]
    case = new_case(police, "Moved then edited")
    cid, person_id = case["id"], case["persons"][0]["id"]
    r = police.post(f"/api/v1/cases/{cid}/events", json={"type": "exploitation", "place": "Gela"})
    event_id = r.json()["events"][0]["id"]
    r = police.patch(
        f"/api/v1/cases/{cid}/events/{event_id}", json={"version": 1, "place": "Gela port"}
    )
    assert r.status_code == 200
    transfer = {
        "kind": "transfer",
        "to_agency_id": agency(police, "EGY", "ngo"),
        "stage": 4,
        "override_reason": "Her family is threatened; Cairo takes her in",
    }
    r = police.post(f"/api/v1/cases/{cid}/referrals", json=transfer)
    assert r.status_code == 201, r.text
    r = eg_ngo.post(f"/api/v1/referrals/{r.json()['id']}/respond", json={"action": "accept"})
    assert r.status_code == 200, r.text
    r = eg_ngo.patch(
        f"/api/v1/cases/{cid}/persons/{person_id}",
        json={"version": 1, "first_name": "Samia", "second_name": "Abdel"},
    )
    assert r.status_code == 200, r.text
    r = eg_ngo.patch(
        f"/api/v1/cases/{cid}/events/{event_id}", json={"version": 2, "place": "Heliopolis"}
    )
    assert r.status_code == 200, r.text
    held = police.get(f"/api/v1/cases/{cid}")
    view = held.json()
    assert view["identity_view"] == "held"
    assert (view["persons"][0]["first_name"], view["persons"][0]["second_name"]) == (
        "Samira",
        "Nour",
    )
    assert view["events"][0]["place"] == "Gela port"
    assert [h["by"] for h in view["history"]] == ["it.police"]
    page = police.get(f"/cases/{cid}").text
    for text in (held.text, page):
        assert "Samia" not in text.replace("Samira", "") and "Abdel" not in text
        assert "Heliopolis" not in text
    # the new owner sees the case as it is now, with every edit
    now = eg_ngo.get(f"/api/v1/cases/{cid}").json()
    assert now["persons"][0]["first_name"] == "Samia" and now["events"][0]["place"] == "Heliopolis"
    assert [h["by"] for h in now["history"]] == ["eg.ngo", "eg.ngo", "it.police"]


def test_an_invalid_edit_names_the_field_and_changes_nothing(
    users: dict[str, PharosClient],
) -> None:
    inspector = users["it.labour"]
    case = new_case(inspector, "Invalid edit")
    cid, pid = case["id"], case["persons"][0]["id"]
    r = inspector.post(
        f"/cases/{cid}/persons/{pid}",
        data={"version": "1", "first_name": "Samira", "citizenship": "XXX"},
    )
    assert r.status_code == 422 and "Unknown country code" in r.text
    r = inspector.patch(
        f"/api/v1/cases/{cid}/persons/{pid}", json={"version": 1, "birthdate": "2999-01-01"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "birthdate"]
    after = inspector.get(f"/api/v1/cases/{cid}").json()
    assert after["persons"][0]["version"] == 1 and after["history"] == []
    # an edit that changes nothing writes nothing
    r = inspector.patch(f"/api/v1/cases/{cid}/persons/{pid}", json={"version": 1})
    assert r.status_code == 200 and r.json()["history"] == []
    assert r.json()["persons"][0]["version"] == 1


def _status_version(page: str) -> str:
    form = page[page.index('action="/cases/') : page.index("</form>", page.index('id="h-status"'))]
    found = re.search(r'name="version" value="(\d+)"', form[form.index("/status") :])
    assert found, "the status form carries the version it was loaded with"
    return found.group(1)


def test_a_stale_status_form_is_refused_and_nothing_is_lost(
    users: dict[str, PharosClient], engine: Engine
) -> None:
    """Two inspectors of the same inspectorate load the case page; the second puts the case in
    follow-up; the first's form, loaded before, would close it: refused (409) with who changed
    the status and when, in the reader's language, the page showing the current status and
    what the first sent as not saved; the follow-up stands, the audit trail has one change."""
    inspector, colleague = users["it.labour"], users["it.labour2"]
    case = new_case(inspector, "Stale status")
    url = f"/cases/{case['id']}/status"
    mine = _status_version(inspector.get(f"/cases/{case['id']}").text)
    theirs = _status_version(colleague.get(f"/cases/{case['id']}").text)
    assert mine == theirs == "1"
    first = colleague.post(url, data={"version": theirs, "status": "follow_up", "trm_stage": "2"})
    assert first.status_code == 303, first.text
    late = inspector.post(
        url,
        data={"version": mine, "status": "closed", "trm_stage": "2", "closure_reason": "Went home"},
    )
    assert late.status_code == 409, late.text
    assert "it.labour2 changed the status or stage on" in late.text
    assert "your change was not saved" in late.text
    status_form = late.text[late.text.index('id="h-status"') :]
    assert re.search(r'<option value="follow_up"[^>]*selected', status_form), "current status"
    assert _status_version(late.text) == "2"
    unsaved = status_form[status_form.index('class="unsaved"') :]
    unsaved = unsaved[: unsaved.index("</div>")]
    assert "Closed" in unsaved and "Went home" in unsaved
    # the same refusal in Arabic, for an Arabic reader
    arabic = inspector.post(
        url,
        data={"version": mine, "status": "closed", "closure_reason": "Went home"},
        headers={"Accept-Language": "ar"},
    )
    assert arabic.status_code == 409 and "غيّر it.labour2 الوضع أو المرحلة" in arabic.text
    # the API: the version is needed, a stale one is refused with the field named
    r = inspector.post(f"/api/v1{url}", json={"status": "closed", "closure_reason": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "version"]
    r = inspector.post(
        f"/api/v1{url}", json={"version": 1, "status": "closed", "closure_reason": "x"}
    )
    assert r.status_code == 409 and r.json()["detail"][0]["loc"] == ["body", "version"]
    now = inspector.get(f"/api/v1/cases/{case['id']}").json()
    assert (now["status"], now["trm_stage"], now["closure_reason"]) == ("follow_up", 2, "")
    assert now["status_version"] == 2
    with Session(engine) as s:
        changes = s.execute(
            select(AuditEntry).where(
                AuditEntry.case_id == case["id"], AuditEntry.action == "set_status"
            )
        ).scalars()
        assert [(e.actor, json.loads(e.detail)["to"]) for e in changes] == [
            ("it.labour2", "follow_up")
        ]
    # with the version now shown, the inspector's change goes through
    r = inspector.post(
        f"/api/v1{url}", json={"version": 2, "status": "closed", "closure_reason": "Went home"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["status_version"]) == ("closed", 3)


def test_two_status_changes_racing_past_the_check_cannot_both_be_written(
    engine: Engine,
) -> None:
    """Both sessions read status version 1 and pass the check; the UPDATE … WHERE
    status_version = 1 lets the first through and refuses the second, which writes nothing."""
    from pharos.coordinate.cases import open_case, set_status
    from pharos.coordinate.validation import StaleEdit

    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == "it.labour")).scalar_one()
        case_id = open_case(s, principal(user), {"title": "Status race"}).id
        s.commit()
    one, two = Session(engine), Session(engine)
    try:
        p1 = principal(one.execute(select(User).where(User.username == "it.labour")).scalar_one())
        p2 = principal(two.execute(select(User).where(User.username == "it.labour")).scalar_one())
        c1, c2 = one.get(Case, case_id), two.get(Case, case_id)
        assert c1 is not None and c2 is not None
        assert c1.status_version == c2.status_version == 1
        set_status(one, p1, c1, {"version": 1, "status": "follow_up"})
        one.commit()
        with pytest.raises(StaleEdit):
            # the second session still holds version 1 in memory: its check passes, the
            # database refuses
            set_status(two, p2, c2, {"version": 1, "status": "closed", "closure_reason": "x"})
        two.rollback()
    finally:
        one.close()
        two.close()
    with Session(engine) as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert (case.status, case.closure_reason, case.status_version) == ("follow_up", "", 2)
