"""A played shelter operator (NGO, social welfare) decides on referrals: pending until it
accepts, declined with a reason, lapsed when the person leaves; old logs fold as before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.scoring import score
from pharos.exercise.rules.state import canonical_json, state_hash
from pharos.exercise.runtime import views
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import LoadedScenario, load_scenario
from pharos.exercise.scenario.schema import Team
from pharos.exercise.story.describe import describe, describe_event, names
from pharos.exercise.story.inbox import shown
from pharos.i18n import SUPPORTED_LOCALES, use_locale

from . import drill
from .test_agencies import _session as _old_session
from .test_describe import SNAKE

ESP_WELFARE = Team(
    id="esp-welfare",
    name="Barcelona child and family services",
    state="ESP",
    agency_kind=K.SOCIAL_WELFARE,
    languages=["es"],
)
ITA_WELFARE = Team(
    id="ita-welfare", name="Catania social services", state="ITA", agency_kind=K.SOCIAL_WELFARE
)


def _session(*extra: Team) -> ExerciseSession:
    """A started exercise created as the server creates one now (referrals answered), with
    ``extra`` played teams added to the bundled scenario."""
    loaded = load_scenario("mediterranean-regional")
    sc = loaded.scenario.model_copy(update={"teams": [*loaded.scenario.teams, *extra]})
    store = MemoryEventStore()
    store.create_exercise("x", "t", sc.title, sc.world.seed, loaded.source)
    created = {"seed": sc.world.seed, "decisions": "logged", "referrals": "answered"}
    store.append("x", 0, EventKind.CREATED, "system", created)
    s = ExerciseSession(LoadedScenario(sc, loaded.source), store, "x", sc.world.seed, lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    return s


def _protections(s: ExerciseSession, persona: str) -> list[int]:
    ps = s.state.personas[persona]
    return [h["minute"] for h in ps.trust_history if h["reason"] == "protection_granted"]


def _refused(s: ExerciseSession, team: str, **payload: Any) -> str:
    with pytest.raises(CommandRefused) as exc:
        s.act(team, "someone", **payload)
    return str(exc.value)


@pytest.fixture
def pending() -> ExerciseSession:
    """The drill: the Italian police identify Karim and refer him to a shelter; the Italian NGO
    (played) has not answered."""
    s = _session()
    drill.play(s)
    return s


def _ref(s: ExerciseSession) -> str:
    (ref,) = [r for r in s.state.referrals if r.status == "pending"]
    return ref.id


def test_a_referral_to_a_played_operator_is_pending_until_it_answers(pending) -> None:
    st = pending.state
    (ref,) = st.referrals
    karim = st.personas["karim"]
    assert (ref.persona, ref.to, ref.from_team, ref.to_team) == (
        "karim",
        "shelter",
        "ita-police",
        "ita-ngo",
    )
    assert ref.status == "pending" and ref.made_at == karim.referred_at
    assert not karim.sheltered and karim.assisted_at is None
    assert _protections(pending, "karim") == []
    item = next(m for m in st.teams["ita-ngo"].inbox if m.id.startswith("ref-"))
    assert item.title == "Referral for assistance" and item.body == "Karim A. (karim): shelter"
    page = views.player(pending, "ita-ngo")
    assert [f["id"] for f in page["to_decide"]] == [ref.id]
    assert page["shelter"]["used"] == 0 and page["shelter"]["free"] == page["shelter"]["total"]
    assert views.player(pending, "ita-police")["to_decide"] == []
    # the same referral cannot be made again while it waits
    again = _refused(pending, "ita-police", type="refer", persona="karim", to="shelter")
    assert "already awaiting an answer" in again


def test_accepting_gives_protection_and_the_trust_effect(pending) -> None:
    karim = pending.state.personas["karim"]
    trust = karim.trust
    pending.advance_days(0.5)
    pending.act(
        "ita-ngo", "nina", type="answer_referral", referral=_ref(pending), decision="accept",
        note="A bed in the Catania shelter",
    )  # fmt: skip
    (ref,) = pending.state.referrals
    m = pending.state.minute
    assert ref.status == "accepted" and ref.answered_at == m
    assert karim.sheltered and karim.assisted_at == m
    rules = pending.scenario.character("karim").trust_rules
    assert karim.trust == min(100, trust + rules.protection_granted)
    assert _protections(pending, "karim") == [m]
    told = pending.state.teams["ita-police"].inbox[-1]
    assert told.title == "Referral accepted" and told.sender == "Italian NGO anti-trafficking unit"
    assert told.body == "Karim A. (karim): shelter\nA bed in the Catania shelter"
    places = views.player(pending, "ita-ngo")["shelter"]
    assert places["used"] == 1 and places["free"] == places["total"] - 1
    # time to referral is when the referral was made, time to protection when it was accepted
    k = next(p for p in score(pending.scenario, pending.state).personas if p.persona == "karim")
    assert k.referral_days == 0.3 and k.protection_days == round(0.3 + (m - 720) / 1440, 2)
    assert k.protection_days > k.referral_days
    # only once
    again = _refused(
        pending, "ita-ngo", type="answer_referral", referral=ref.id, decision="decline", reason="x"
    )
    assert "already been answered" in again
    # the live state is the fold of the log
    events = pending.store.events("x")
    assert state_hash(fold(pending.scenario, "x", pending.seed, events)) == pending.state_hash()


def test_declining_needs_a_reason_and_tells_the_referring_team(pending) -> None:
    ref = _ref(pending)
    assert "reason" in _refused(
        pending, "ita-ngo", type="answer_referral", referral=ref, decision="decline", reason=" "
    )
    assert "choose a decision" in _refused(
        pending, "ita-ngo", type="answer_referral", referral=ref, decision="maybe"
    )
    pending.act(
        "ita-ngo", "nina", type="answer_referral", referral=ref, decision="decline",
        reason="No bed for men this week; try the Caritas dormitory",
    )  # fmt: skip
    karim = pending.state.personas["karim"]
    assert not karim.sheltered and not karim.child_protection and karim.assisted_at is None
    assert _protections(pending, "karim") == []
    (r,) = pending.state.referrals
    assert r.status == "declined" and r.reason.startswith("No bed for men")
    told = pending.state.teams["ita-police"].inbox[-1]
    assert told.title == "Referral declined"
    with use_locale("fr"):
        text = shown(told, [])
        assert text.title == "Orientation refusée"
        assert text.body == (
            "Karim A. (karim): foyer d’accueil\nNo bed for men this week; try the Caritas dormitory"
        )
    entry = pending.state.timeline[-1]
    assert entry["what"] == "answer_referral" and entry["persona"] == "karim"
    sentence = describe(entry, names(pending.scenario))
    assert sentence == (
        "Italian NGO anti-trafficking unit declined the referral of Karim A. to shelter: "
        "No bed for men this week; try the Caritas dormitory"
    )
    k = next(p for p in score(pending.scenario, pending.state).personas if p.persona == "karim")
    assert k.referral_days == 0.3 and k.protection_days is None


def test_only_the_receiving_team_may_answer(pending) -> None:
    ref = _ref(pending)
    who = _refused(pending, "ita-police", type="answer_referral", referral=ref, decision="accept")
    assert "only these agencies" in who
    assert "not sent to your team" in _refused(
        pending, "ita-ngo", type="answer_referral", referral="REF-1", decision="accept"
    )
    # with a played social-welfare team too, shelter referrals go to it, not to the NGO
    s = _session(ITA_WELFARE)
    drill.play(s)
    (r,) = s.state.referrals
    assert r.to_team == "ita-welfare"
    assert "not sent to your team" in _refused(
        s, "ita-ngo", type="answer_referral", referral=r.id, decision="accept"
    )
    s.act("ita-welfare", "gio", type="answer_referral", referral=r.id, decision="accept")
    assert s.state.personas["karim"].sheltered


def test_a_referral_lapses_when_the_person_leaves_while_it_waits(pending) -> None:
    ref = _ref(pending)
    pending.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "karim", "trust": 0})
    pending.advance_days(1)
    karim = pending.state.personas["karim"]
    assert karim.status == "fled" and not karim.sheltered
    (r,) = pending.state.referrals
    assert r.status == "lapsed" and r.answered_at == karim.fled_at
    for team in ("ita-police", "ita-ngo"):
        told = [m for m in pending.state.teams[team].inbox if m.id.startswith("lapsed-")]
        assert [m.title for m in told] == ["Referral lapsed: the person left"], team
    assert told[0].sender == "Italian police (Catania)"  # the NGO hears it from the police
    lapsed = next(e for e in pending.state.timeline if e["what"] == "referral_lapsed")
    assert describe(lapsed, names(pending.scenario)) == (
        "The referral of Karim A. to shelter lapsed: the person left"
    )
    assert "lapsed" in _refused(
        pending, "ita-ngo", type="answer_referral", referral=ref, decision="accept"
    )
    # brought back by control, the person is not sheltered by the lapsed referral
    pending.submit(
        EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "karim", "status": "present"}
    )
    assert pending.state.referrals[0].status == "lapsed" and not karim.sheltered


def test_a_referral_lapses_when_the_person_moves_to_another_state(pending) -> None:
    pending.advance_days(4)  # Karim is moved on to Almería (Spain) on day 6
    karim = pending.state.personas["karim"]
    assert karim.status == "present" and karim.state == "ESP"
    (r,) = pending.state.referrals
    assert r.status == "lapsed" and not karim.sheltered
    assert any(m.id.startswith("lapsed-") for m in pending.state.teams["ita-police"].inbox)


def _yassine_referred(s: ExerciseSession) -> str:
    s.advance_days(1.6)  # Yassine is brought to the Spanish police's reach on day 1.5
    s.act(
        "esp-police",
        "jordi",
        type="open_case",
        persona="yassine",
        consent=["services", "other_orgs"],
    )
    s.act("esp-police", "jordi", type="refer", persona="yassine", to="child_protection")
    (r,) = s.state.referrals
    assert r.to_team == "esp-welfare" and r.status == "pending"
    assert not s.state.personas["yassine"].child_protection
    return r.id


def test_an_unaccompanied_child_is_declined_only_on_a_ground_and_with_a_reason() -> None:
    s = _session(ESP_WELFARE)
    ref = _yassine_referred(s)
    assert views.player(s, "esp-welfare")["to_decide"][0]["child"]
    no_ground = _refused(
        s, "esp-welfare", type="answer_referral", referral=ref, decision="decline",
        reason="We are full",
    )  # fmt: skip
    assert "only on one of these grounds" in no_ground
    assert "reason" in _refused(
        s, "esp-welfare", type="answer_referral", referral=ref, decision="decline",
        ground="in_care_of_another_service",
    )  # fmt: skip
    s.act(
        "esp-welfare", "marta", type="answer_referral", referral=ref, decision="decline",
        ground="in_care_of_another_service", reason="Under the guardianship of Girona's DGAIA",
    )  # fmt: skip
    (r,) = s.state.referrals
    assert r.status == "declined" and r.ground == "in_care_of_another_service"
    told = s.state.teams["esp-police"].inbox[-1]
    with use_locale("es"):
        body = shown(told, []).body
    assert body.splitlines()[1] == (
        "a cargo de otro servicio de protección de menores: "
        "Under the guardianship of Girona's DGAIA"
    )


def test_child_protection_accepted_protects_the_child_and_stops_flight() -> None:
    s = _session(ESP_WELFARE)
    ref = _yassine_referred(s)
    s.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "yassine", "trust": 5})
    yassine = s.state.personas["yassine"]
    assert yassine.flight_due is not None
    s.act("esp-welfare", "marta", type="answer_referral", referral=ref, decision="accept")
    assert yassine.child_protection and yassine.sheltered and yassine.protected
    assert yassine.flight_due is None
    s.advance_days(2)
    assert yassine.status == "present"


def test_a_referral_to_ones_own_team_or_without_a_played_operator_takes_effect_at_once(
    pending,
) -> None:
    # the NGO refers the person it now knows to its own assistance: no answer needed
    pending.act(
        "ita-ngo", "nina", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    pending.act("ita-ngo", "nina", type="refer", persona="karim", to="ngo_assistance")
    assert len(pending.state.referrals) == 1
    karim = pending.state.personas["karim"]
    assert karim.assisted_at == pending.state.minute and len(_protections(pending, "karim")) == 1
    # Spain has no played operator: the engine's shelter operator decides, as before
    s = _session()
    s.advance_days(0.2)
    s.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    s.act(
        "esp-labour", "ana", type="open_case", persona="salma", consent=["services", "other_orgs"]
    )
    s.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    s.advance_days(1)
    salma = s.state.personas["salma"]
    assert s.state.referrals == [] and salma.sheltered
    decision = next(e for e in s.store.events("x") if e.kind == EventKind.DECISION)
    assert salma.assisted_at == decision.at


#: The state hash of the log below folded by the code before answer_referral (commit 7ab8271).
OLD_LOG_HASH = "106c868f453b41e88dd7cf8f0726561ec1e65836a1549e93eb1bd621fb5734e3"


def test_a_log_from_before_answer_referral_folds_as_before() -> None:
    s = _old_session()  # its created event does not say "referrals": "answered"
    drill.play(s)
    s.act("ita-labour", "lucia", type="refer", persona="karim", to="ngo_assistance")
    s.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    s.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    s.advance_days(1)
    st = s.state
    assert not st.referrals_decided and st.referrals == []
    # the played NGO was told and the person sheltered at once, as before
    assert st.personas["karim"].sheltered and _protections(s, "karim") == [720]
    assert [m.title for m in st.teams["ita-ngo"].inbox if m.id.startswith("ref-")] == [
        "Referral for assistance",
        "Referral for assistance",
    ]
    assert st.personas["karim"].assisted_at is None
    data = json.loads(canonical_json(st))
    assert not {"referrals", "referrals_decided"} & set(data)
    assert not any("assisted_at" in p for p in data["personas"].values())
    assert state_hash(st) == OLD_LOG_HASH
    assert state_hash(fold(s.scenario, "x", s.seed, s.store.events("x"))) == OLD_LOG_HASH
    # and answer_referral has nothing to answer there
    assert "not sent to your team" in _refused(
        s, "ita-ngo", type="answer_referral", referral="REF-10", decision="accept"
    )


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_answers_and_lapses_read_without_codes(lang: str) -> None:
    s = _session(ESP_WELFARE)
    ref = _yassine_referred(s)
    s.act(
        "esp-welfare", "marta", type="answer_referral", referral=ref, decision="decline",
        ground="assessed_as_adult", reason="Passport says 19",
    )  # fmt: skip
    drill.play(s)
    s.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "karim", "trust": 0})
    s.advance_days(1)
    kinds = [e["what"] for e in s.state.timeline]
    assert {"answer_referral", "referral_lapsed"} <= set(kinds)
    n = names(s.scenario, s.state)
    with use_locale(lang):
        for e in s.state.timeline:
            if e["what"] in ("answer_referral", "referral_lapsed"):
                text = describe(e, n)
                assert not text.startswith("Event: ") and not SNAKE.findall(text), text
        for team in ("esp-police", "ita-police", "ita-ngo"):
            for m in s.state.teams[team].inbox:
                if m.inject is None:
                    t = shown(m, s.state.requests)
                    assert not SNAKE.findall(f"{t.title} {t.body}"), (team, t)
        ev = next(e for e in s.store.events("x") if e.payload.get("type") == "answer_referral")
        assert not SNAKE.findall(describe_event(ev, n))
