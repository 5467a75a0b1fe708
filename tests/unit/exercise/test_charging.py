"""Charging decisions after arrests: the engine's policy where nobody plays the prosecutor,
the prosecutor team where one does; stored, folded and reported."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.exercise.report.after_action import build
from pharos.exercise.report.html import render_html
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.scoring import score
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.scenario.schema import ReplyTime

from .test_agencies import _decisions, _session

FAST_PIE = {
    "reply_times": {
        "police_information_exchange": ReplyTime(min_days=0.1, max_days=0.2, answer_rate=1)
    }
}
FAST_JIT = {
    "reply_times": {
        "joint_investigation_team": ReplyTime(min_days=0.1, max_days=0.2, answer_rate=1)
    }
}


def _malta_drill(ask_italy: bool) -> ExerciseSession:
    """Maltese police search the flat in Marsa (the ledger: purpose; the transporter's phone:
    act), having first asked Italy's unplayed police for what they hold (the madam's chat:
    act, means and purpose), or not."""
    s = _session(world=FAST_PIE, unplayed=("ita-police",))
    s.act("mlt-police", "joe", type="open_investigation", network="gloria-ring")
    if ask_italy:
        s.act(
            "mlt-police",
            "joe",
            type="send_cross_border_request",
            to_state="ITA",
            instrument="police_information_exchange",
            network="gloria-ring",
            question="Who is Madam Gloria?",
        )
        s.advance_days(0.5)
    s.act("mlt-police", "joe", type="search_and_arrest", place="valletta-flat")
    return s


def _prosecutions(s: ExerciseSession) -> list[dict[str, Any]]:
    return [d for d in _decisions(s) if d["point"] == "prosecution"]


@pytest.mark.parametrize(("ask_italy", "outcome"), [(True, "charged"), (False, "dropped")])
def test_an_unplayed_prosecutor_charges_on_documented_act_means_purpose_and_drops_otherwise(
    ask_italy: bool, outcome: str
) -> None:
    s = _malta_drill(ask_italy)
    charge = s.state.networks["gloria-ring"].charges["MLT"]
    assert charge.status == "pending" and charge.prosecutor is None
    assert charge.investigator == "mlt-police"
    assert not _prosecutions(s)  # falls due a day after the arrest
    s.advance_days(0.9)
    assert not _prosecutions(s)
    s.advance_days(0.2)
    (d,) = _prosecutions(s)
    assert d["subject"] == "gloria-ring@MLT" and d["policy"] == "StandardOperatingProcedure"
    assert d["sufficient_evidence"] is ask_italy
    assert d["cross_border_reply"] is (True if ask_italy else None)
    assert d["action"] == ("charge" if ask_italy else "drop") and d["outcome"] == outcome
    assert charge.status == outcome and charge.decided_by == "engine:StandardOperatingProcedure"
    assert charge.decided_at == charge.opened_at + 1440
    titles = [m.title for m in s.state.teams["mlt-police"].inbox]
    expected = "Suspects charged" if ask_italy else "Charges dropped"
    assert f"{expected}: The Catania–Valletta–Athens ring" in titles
    # the fold reads the decision from the log: replaying gives the live state
    events = s.store.events(s.exercise_id)
    assert state_hash(fold(s.scenario, "x", s.seed, events)) == s.state_hash()


def test_the_same_commands_and_seed_give_the_same_charging_decision() -> None:
    logs = []
    for _ in range(2):
        s = _malta_drill(ask_italy=True)
        s.advance_days(2)
        logs.append([(e.seq, e.at, e.kind, e.actor, e.payload) for e in s.store.events("x")])
    assert logs[0] == logs[1]


def test_arrests_by_a_simulated_state_under_a_judicial_request_open_its_charging_decision():
    s = _session(world=FAST_JIT)
    s.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    s.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="EGY",
        instrument="joint_investigation_team",
        network="delta-agri",
        question="A joint team on the Cairo recruiter?",
    )
    s.advance_days(2)
    assert s.state.networks["delta-agri"].arrested_in == {"hany": "EGY"}
    (d,) = _prosecutions(s)
    charge = s.state.networks["delta-agri"].charges["EGY"]
    # the investigating team is the one that asked; Egypt's own documents lack the purpose
    assert charge.investigator == "ita-police" and d["state"] == "EGY"
    assert d["sufficient_evidence"] is False and charge.status == "dropped"
    assert any(m.title.startswith("Charges dropped") for m in s.state.teams["ita-police"].inbox)


def _italy_arrests(s: ExerciseSession) -> None:
    s.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    s.act("ita-police", "marco", type="search_and_arrest", place="ragusa-greenhouse")


def test_a_played_prosecutor_gets_the_item_in_its_inbox_and_decides_charges() -> None:
    s = _session(played=("ita-prosecutor",))
    _italy_arrests(s)
    charge = s.state.networks["delta-agri"].charges["ITA"]
    assert charge.prosecutor == "ita-prosecutor" and charge.due is None
    inbox = s.state.teams["ita-prosecutor"].inbox
    assert [m.title for m in inbox if m.id == "charges-delta-agri-ITA"] == [
        "Charging decision due: The Delta agricultural labour network"
    ]
    s.advance_days(3)
    assert not _prosecutions(s) and charge.status == "pending"
    s.act(
        "ita-prosecutor",
        "giulia",
        type="decide_charges",
        network="delta-agri",
        decision="charge",
        reason="The phone extraction and the payslips document act, means and purpose",
    )
    assert charge.status == "charged" and charge.decided_by == "ita-prosecutor"
    assert charge.decided_at == s.state.minute
    titles = [m.title for m in s.state.teams["ita-police"].inbox]
    assert "Suspects charged: The Delta agricultural labour network" in titles
    events = s.store.events(s.exercise_id)
    assert state_hash(fold(s.scenario, "x", s.seed, events)) == s.state_hash()
    with pytest.raises(CommandRefused, match="no charging decision"):
        s.act(
            "ita-prosecutor",
            "giulia",
            type="decide_charges",
            network="delta-agri",
            decision="drop",
            reason="again",
        )


def test_only_a_prosecutor_with_a_pending_decision_may_decide_charges() -> None:
    s = _session(played=("ita-prosecutor",))
    body = {"network": "delta-agri", "decision": "charge", "reason": "enough"}
    with pytest.raises(CommandRefused, match="no charging decision"):
        s.act("ita-prosecutor", "giulia", type="decide_charges", **body)  # nobody arrested yet
    _italy_arrests(s)
    refused = r"only these agencies may do this: Public prosecutor$"  # a name, not a code
    with pytest.raises(CommandRefused, match=refused):
        s.act("ita-police", "marco", type="decide_charges", **body)
    with pytest.raises(CommandRefused, match="choose a decision"):
        s.act("ita-prosecutor", "giulia", type="decide_charges", **(body | {"decision": "maybe"}))
    with pytest.raises(CommandRefused, match="reason"):
        s.act("ita-prosecutor", "giulia", type="decide_charges", **(body | {"reason": " "}))
    with pytest.raises(CommandRefused, match="unknown network"):
        s.act("ita-prosecutor", "giulia", type="decide_charges", **(body | {"network": "x"}))
    assert s.state.networks["delta-agri"].charges["ITA"].status == "pending"


def test_scores_and_the_report_show_charged_dropped_and_pending_by_whom_and_when() -> None:
    s = _session(played=("ita-prosecutor",), world=FAST_PIE)
    _italy_arrests(s)
    s.act("mlt-police", "joe", type="open_investigation", network="gloria-ring")
    s.act("mlt-police", "joe", type="search_and_arrest", place="valletta-flat")
    s.advance_days(1.5)
    rows = {(n.network, c.state): c for n in score(s.scenario, s.state).networks for c in n.charges}
    italy, malta = rows[("delta-agri", "ITA")], rows[("gloria-ring", "MLT")]
    assert italy.status == "pending" and italy.by == "ita-prosecutor" and italy.decided_day is None
    assert malta.status == "dropped" and malta.by == "engine:StandardOperatingProcedure"
    assert malta.decided_day == pytest.approx(malta.opened_day + 1.0, abs=0.01)
    report = build(s.scenario, s.state)
    html = render_html(report)
    assert "Charging decisions" in html
    assert "Catania prosecutor&#39;s office (DDA)" in html  # the played team that owes it
    # the prosecutor nobody plays, by its name and procedure (not the class name)
    assert "Public prosecutor, Malta (simulated): standard operating procedure" in html
    assert any("dropped" in f.text for f in report.improvements)


def test_the_prosecutor_workspace_offers_the_pending_charging_decision() -> None:
    from pharos.exercise.runtime import views
    from pharos.web.templating import environment

    s = _session(played=("ita-prosecutor",))
    assert views.player(s, "ita-prosecutor")["charging"] == []
    _italy_arrests(s)
    ctx = views.player(s, "ita-prosecutor") | {"ex": s, "csrf_field": "csrf", "csrf_token": "t"}
    (item,) = ctx["charging"]
    assert item["network"] == "delta-agri"
    html = environment().get_template("exercise/play.html").render(ctx)
    assert 'id="charges-delta-agri"' in html and 'value="decide_charges"' in html
    assert views.player(s, "ita-police")["charging"] == []  # the police do not decide charges
    s.act(
        "ita-prosecutor",
        "giulia",
        type="decide_charges",
        network="delta-agri",
        decision="drop",
        reason="Only the gangmaster's phone so far",
    )
    assert views.player(s, "ita-prosecutor")["charging"] == []
