"""The hot wash and the lead evaluator's review (issue 17, item 4): HSEEP's hot wash records,
per objective and capability, the strengths and areas for improvement the participants name and
who named them; a lead evaluator edits, adds, removes and approves the findings and improvement
actions before anything is published (HSEEP 2020, AAR/IP: each corrective action has a
capability, an owner — an agency — and a completion date). Every change is an event of the log
with who, when, before and after."""

from __future__ import annotations

from datetime import date

import pytest

from pharos.exercise.report import after_action, html, pdf
from pharos.exercise.report.sections import sections
from pharos.exercise.rules import review as rules
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.learn.exercise_lessons import NotApproved, publish

from .drill import play
from .test_report_sections import pdf_headings_and_text

DAY = date(2024, 10, 11)
HOTWASH = {
    "kind": "improvement",
    "objective": "identification_and_referral",
    "capability": "screening",
    "text": "We screened Karim only at the second interview",
    "said_by": "ita-labour",
}


@pytest.fixture
def ended(session: ExerciseSession) -> ExerciseSession:
    play(session)
    session.submit(EventKind.HOTWASH_NOTE, "director", HOTWASH)
    session.submit(EventKind.ENDED, "director", {})
    return session


def _start(s: ExerciseSession) -> None:
    draft = after_action.review_draft(after_action.build(s.scenario, s.state, DAY))
    s.submit(EventKind.REVIEW_STARTED, "lead", draft)


def _owned(s: ExerciseSession) -> None:
    """Give every action without an owner one (Tunisia's police), as the lead evaluator must."""
    assert s.state.review is not None
    for a in list(s.state.review.actions):
        if not a["state"]:
            after = a | {"state": "TUN", "agency_kind": "law_enforcement"}
            s.submit(
                EventKind.ACTION_REVIEWED,
                "lead",
                {"op": "edit", "id": a["id"], "before": a, "after": after},
            )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"said_by": ""}, "say who said it"),
        ({"said_by": "Lucia, somewhere"}, "say who said it"),  # no free-floating text
        ({"said_by": "egy-police"}, "say who said it"),  # a simulated team says nothing
        ({"capability": "cross-border-cooperation"}, "not a capability of this objective"),
        ({"kind": "opinion"}, "strength or an area for improvement"),
        ({"text": "  "}, "write the text"),
        ({"objective": "fun"}, "unknown objective"),
    ],
)
def test_a_hot_wash_entry_says_what_of_which_capability_and_who_said_it(
    session: ExerciseSession, change: dict[str, str], error: str
) -> None:
    with pytest.raises(CommandRefused, match=error):
        session.submit(EventKind.HOTWASH_NOTE, "director", HOTWASH | change)
    assert session.state.hotwash == []


def test_the_hot_wash_is_in_the_report_html_and_pdf(ended: ExerciseSession) -> None:
    ended.submit(
        EventKind.HOTWASH_NOTE,
        "director",
        HOTWASH | {"kind": "strength", "text": "The interpreter came fast", "said_by": "control"},
    )
    r = after_action.build(ended.scenario, ended.state, DAY)
    (section,) = [x for x in sections(r) if x.key == "hotwash"]
    rows = [[c.text for c in row] for row in section.rows]
    assert rows == [
        [
            "Identify victims in mixed migration flows and refer them to assistance",
            "Screening and identification",
            "Area for improvement",
            "We screened Karim only at the second interview",
            "Italian labour inspectorate (Ragusa)",  # who said it, by the team's name
        ],
        [
            "Identify victims in mixed migration flows and refer them to assistance",
            "Screening and identification",
            "Strength",
            "The interpreter came fast",
            "Control team",
        ],
    ]
    # the finding it also is says its capability
    (areas,) = [x for x in sections(r) if x.key == "improvements"]
    assert (
        "We screened Karim only at the second interview",
        "Identify victims in mixed migration flows and refer them to assistance"
        " — Screening and identification",
    ) in areas.items
    page = html.render_html(r)
    _headings, text = pdf_headings_and_text(pdf.pdf_bytes(r))
    text = " ".join(text.split())
    for said in ("The interpreter came fast", "Control team"):
        assert said in page and said in text, said


def test_the_review_begins_after_the_end_once(session: ExerciseSession) -> None:
    play(session)
    with pytest.raises(CommandRefused, match="once the exercise has ended"):
        session.submit(EventKind.REVIEW_STARTED, "lead", {"findings": [], "actions": []})
    session.submit(EventKind.ENDED, "director", {})
    _start(session)
    with pytest.raises(CommandRefused, match="already begun"):
        _start(session)


def test_the_review_starts_from_what_the_report_derived(ended: ExerciseSession) -> None:
    before = after_action.build(ended.scenario, ended.state, DAY)
    _start(ended)
    after = after_action.build(ended.scenario, ended.state, DAY)
    assert [f.text for f in after.strengths] == [f.text for f in before.strengths]
    assert [f.text for f in after.improvements] == [f.text for f in before.improvements]
    assert [(a.action, a.due) for a in after.plan] == [(a.action, a.due) for a in before.plan]
    assert after.review == "review"
    assert dict(after.summary)["Lead evaluator's review"] == "under review, not yet approved"
    # the hot-wash finding keeps its capability
    hot = next(f for f in ended.state.review.findings if f["source"] == "hotwash")
    assert hot["capability"] == "screening"


def test_an_edit_keeps_before_and_after_and_refuses_a_stale_before(
    ended: ExerciseSession,
) -> None:
    _start(ended)
    f = ended.state.review.findings[0]
    changed = f | {"text": "Karim was identified on day 2, within the target"}
    ev = ended.submit(
        EventKind.FINDING_REVIEWED,
        "lead",
        {"op": "edit", "id": f["id"], "before": f, "after": changed},
    )
    assert ev.payload["before"]["text"] == f["text"]
    assert ev.actor == "lead"
    r = after_action.build(ended.scenario, ended.state, DAY)
    assert "Karim was identified on day 2, within the target" in [x.text for x in r.strengths]
    # the same form sent again names the finding as it was: refused, nothing overwritten
    with pytest.raises(CommandRefused, match="changed this item meanwhile"):
        ended.submit(
            EventKind.FINDING_REVIEWED,
            "lead",
            {"op": "edit", "id": f["id"], "before": f, "after": f | {"text": "x"}},
        )


def test_a_lesson_names_no_person_team_or_network_of_the_scenario(
    ended: ExerciseSession,
) -> None:
    _start(ended)
    new = {
        "kind": "improvement",
        "objective": "victim_centred_protection",
        "capability": "interviewing",
        "text": "Karim was interviewed without an interpreter",
    }
    for lesson in ("Give Karim an interpreter", "Ask the Italian police (Catania) first"):
        with pytest.raises(CommandRefused, match="worded for practitioners"):
            ended.submit(
                EventKind.FINDING_REVIEWED, "lead", {"op": "add", "after": new | {"lesson": lesson}}
            )
    ended.submit(
        EventKind.FINDING_REVIEWED,
        "lead",
        {"op": "add", "after": new | {"lesson": "Interview with an interpreter of the language"}},
    )
    added = ended.state.review.findings[-1]
    assert added["id"] == f"f{len(ended.state.review.findings)}" and added["source"] == ""


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"state": "", "agency_kind": ""}, "owns the action, and its state"),
        # no such agency among the scenario's (the issue: a coordinator of no state)
        ({"state": "", "agency_kind": "national_coordinator"}, "owns the action"),
        ({"state": "ITA", "agency_kind": "journalist"}, "owns the action"),
        ({"due": "in sixty days"}, "due date as a date"),
        ({"due": ""}, "due date as a date"),
        ({"action": ""}, "write the text"),
        ({"capability": "screening", "objective": "networks_across_borders"}, "not a capability"),
        ({"finding": "f1"}, "addresses an area for improvement"),  # f1 is a strength
        ({"finding": "f999"}, "addresses an area for improvement"),
    ],
)
def test_an_action_has_an_owner_agency_of_a_state_a_due_date_and_what_it_addresses(
    ended: ExerciseSession, change: dict[str, str], error: str
) -> None:
    _start(ended)
    assert ended.state.review.findings[0]["kind"] == "strength"
    action = {
        "action": "Train inspectors to screen at first contact",
        "state": "ITA",
        "agency_kind": "labour_inspector",
        "due": "2025-01-31",
        "objective": "identification_and_referral",
        "capability": "screening",
        "finding": "",
    }
    with pytest.raises(CommandRefused, match=error):
        ended.submit(EventKind.ACTION_REVIEWED, "lead", {"op": "add", "after": action | change})
    ended.submit(EventKind.ACTION_REVIEWED, "lead", {"op": "add", "after": action})
    r = after_action.build(ended.scenario, ended.state, DAY)
    added = r.plan[-1]
    assert (added.owner, added.due, added.state) == (
        "Labour inspector, Italy",
        date(2025, 1, 31),
        "ITA",
    )


def test_a_finding_an_action_addresses_is_not_removed_first(ended: ExerciseSession) -> None:
    _start(ended)
    review = ended.state.review
    a = next(a for a in review.actions if a["finding"])
    f = next(f for f in review.findings if f["id"] == a["finding"])
    with pytest.raises(CommandRefused, match="addresses this finding"):
        ended.submit(
            EventKind.FINDING_REVIEWED, "lead", {"op": "remove", "id": f["id"], "before": f}
        )
    for x in [x for x in review.actions if x["finding"] == f["id"]]:
        ended.submit(
            EventKind.ACTION_REVIEWED, "lead", {"op": "remove", "id": x["id"], "before": x}
        )
    ended.submit(EventKind.FINDING_REVIEWED, "lead", {"op": "remove", "id": f["id"], "before": f})
    assert f["id"] not in [x["id"] for x in review.findings]


def test_approval_needs_every_action_owned_and_an_edit_withdraws_it(
    ended: ExerciseSession,
) -> None:
    _start(ended)
    review = ended.state.review
    # the report derived actions owned by no team ("Salma B. was never contacted"): the issue's
    # "national anti-trafficking coordinator" of no state
    assert any(not a["state"] for a in review.actions)
    with pytest.raises(CommandRefused, match="owner agency, its state and a due date"):
        ended.submit(EventKind.REVIEW_APPROVED, "lead", {})
    _owned(ended)
    ended.submit(EventKind.REVIEW_APPROVED, "lead", {})
    r = after_action.build(ended.scenario, ended.state, DAY)
    assert r.review == "approved" and r.approved_by == "lead"
    assert dict(r.summary)["Lead evaluator's review"] == "approved by lead"
    with pytest.raises(CommandRefused, match="already approved"):
        ended.submit(EventKind.REVIEW_APPROVED, "lead", {})
    f = review.findings[0]
    ended.submit(
        EventKind.FINDING_REVIEWED,
        "lead",
        {"op": "edit", "id": f["id"], "before": f, "after": f | {"lesson": "Screen early"}},
    )
    assert ended.state.review.approved_by is None


def test_nothing_is_published_before_approval(ended: ExerciseSession) -> None:
    """The library refuses a report nobody approved (before, ``publish`` took any report)."""
    r = after_action.build(ended.scenario, ended.state, DAY)
    with pytest.raises(NotApproved):
        publish(None, None, ended.scenario, r)  # type: ignore[arg-type]
    _start(ended)
    with pytest.raises(NotApproved):
        publish(None, None, ended.scenario, after_action.build(ended.scenario, ended.state, DAY))  # type: ignore[arg-type]


def test_the_review_replays_to_the_same_state(ended: ExerciseSession) -> None:
    _start(ended)
    _owned(ended)
    ended.submit(EventKind.REVIEW_APPROVED, "lead", {})
    again = fold(
        ended.scenario, ended.exercise_id, ended.seed, ended.store.events(ended.exercise_id)
    )
    assert state_hash(again) == ended.state_hash()
    assert again.review == ended.state.review


def test_owners_are_the_scenarios_agencies(session: ExerciseSession) -> None:
    owners = rules.owners(session.scenario)
    assert ("ITA", "labour_inspector") in owners and ("EGY", "public_prosecutor") in owners
    assert all(state and kind for state, kind in owners)


def test_once_the_review_began_actions_are_added_in_it(ended: ExerciseSession) -> None:
    """The control page's corrective action went into the derived plan; once the review has
    begun the report's actions are the review's, so it is refused there (before: stored and
    never shown)."""
    ca = {
        "action": "Brief the police",
        "owner": "ita-police",
        "objective": "multi_agency_collaboration",
    }
    ended.submit(EventKind.CORRECTIVE_ACTION, "director", ca)
    _start(ended)
    with pytest.raises(CommandRefused, match="add improvement actions in the review"):
        ended.submit(EventKind.CORRECTIVE_ACTION, "director", ca)
    assert "Brief the police" in [a["action"] for a in ended.state.review.actions]


def test_the_plan_says_which_capability_an_action_addresses(ended: ExerciseSession) -> None:
    _start(ended)
    action = {
        "action": "Train inspectors to screen at first contact",
        "state": "ITA",
        "agency_kind": "labour_inspector",
        "due": "2025-01-31",
        "objective": "identification_and_referral",
        "capability": "screening",
        "finding": "",
    }
    ended.submit(EventKind.ACTION_REVIEWED, "lead", {"op": "add", "after": action})
    r = after_action.build(ended.scenario, ended.state, DAY)
    (plan,) = [x for x in sections(r) if x.key == "plan"]
    row = [c.text for c in plan.rows[-1]]
    assert row[:4] == [
        "Train inspectors to screen at first contact",
        "Labour inspector, Italy",
        "2025-01-31",
        "Identify victims in mixed migration flows and refer them to assistance"
        " — Screening and identification",
    ]


def test_a_small_scenario_reviews_what_the_report_measured_under_other_aims(
    ended: ExerciseSession,
) -> None:
    """A scenario with one objective: the report measures findings under the OSCE's other aims
    too (a network not disrupted: networks across borders), and "Begin the review" was refused
    with "unknown objective networks_across_borders", so nothing could ever be published. The
    review holds a finding of any of the four aims; a capability only of the scenario's."""
    sc = ended.scenario
    small = sc.model_copy(
        update={"objectives": [o for o in sc.objectives if o.id == "identification_and_referral"]}
    )
    draft = after_action.review_draft(after_action.build(small, ended.state, DAY))
    assert {f["objective"] for f in draft["findings"]} > {"identification_and_referral"}
    assert rules.check(small, ended.state, EventKind.REVIEW_STARTED, draft) is None
    other = {
        "kind": "improvement",
        "objective": "networks_across_borders",
        "capability": "",
        "text": "Ask the other states early",
        "lesson": "",
    }
    assert rules.check_finding(small, other) is None
    refused = rules.check_finding(small, other | {"capability": "cross-border-cooperation"})
    assert refused is not None and "not a capability" in refused
    unknown = rules.check_finding(small, other | {"objective": "tourism"})
    assert unknown is not None and "unknown objective tourism" in unknown


def test_no_drafted_action_restates_an_area_the_hot_wash_raised(ended: ExerciseSession) -> None:
    """Issue 17: 13 of 14 improvement actions read "Address: <finding>". The measured areas now
    teach a lesson; an area the hot wash raised has none, and the report drafted "Address: We
    screened Karim only at the second interview" for it — a restated finding, not an action. It
    drafts none now: the area stays among the areas for improvement and the lead evaluator
    writes its action in the review (the review page says which areas no action addresses)."""
    r = after_action.build(ended.scenario, ended.state, DAY)
    assert HOTWASH["text"] in [f.text for f in r.improvements]
    assert not [a.action for a in r.plan if HOTWASH["text"] in a.action]
    assert all(a.action for a in r.plan)
    lessons = {f.lesson for f in r.improvements if f.lesson}
    assert {a.action for a in r.plan if a.origin != "hotwash"} <= lessons
