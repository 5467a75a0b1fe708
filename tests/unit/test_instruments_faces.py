"""Every face of Pharos takes its cross-border instruments from the one data file.

Coordinate's request permissions, clocks, labels and demo contact points, the exercise's checks,
routing and sandbox directory, and the model's answering agencies and instrument sets are all
compared with ``pharos.domain.cooperation`` (``data/instruments.yaml``). Where a face kept a
table of its own before, the test also pins the values it had, so that deriving it changed
nothing but the deliberate decision on who may send a transnational referral request.
"""

from __future__ import annotations

import pytest

from pharos.coordinate import demo
from pharos.coordinate.permissions import Principal, allowed
from pharos.coordinate.vocabulary import INSTRUMENT_LABELS
from pharos.domain.cooperation import Family, instrument, instrument_codes, instruments
from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules.actions import catalogue
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.world import ACTING_INSTRUMENTS
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.sandbox import database as sandbox
from pharos.exercise.scenario.schema import Team
from pharos.exercise.story.describe import CODES
from pharos.exercise.words import wording
from pharos.i18n import use_locale
from pharos.sim.policies import answering_agency
from pharos.sim.world import (
    EVIDENCE_INSTRUMENTS,
    INTELLIGENCE_INSTRUMENTS,
    RETURN_RISK_ASSESSMENT,
)

TRM = ("family_safety_check", "pre_return_risk_assessment", "return_and_reception")
#: the instruments of 4cea705, whose values the faces had in tables of their own (a new
#: instrument added as data joins the derived tables without changing these)
BEFORE = (
    "police_information_exchange",
    "mutual_legal_assistance",
    "european_investigation_order",
    "joint_investigation_team",
    *TRM,
)


def _of_before(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in codes if c in BEFORE)


def who(kind: K) -> Principal:
    return Principal(1, f"{kind.value}@ITA", 1, "ITA", kind.value, False)


@pytest.mark.parametrize("code", instrument_codes())
def test_coordinate_lets_exactly_the_senders_send(code: str) -> None:
    for kind in K:
        may = allowed(who(kind), f"request:{code}", "create")
        assert may == instrument(code).may_send(kind), (code, kind)


@pytest.fixture(scope="module")
def session() -> ExerciseSession:
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    return s


@pytest.mark.parametrize("code", instrument_codes())
def test_the_exercise_lets_exactly_the_senders_send(session: ExerciseSession, code: str) -> None:
    network = next(iter(session.state.networks))
    refusal = "only these agencies may use this instrument"
    for kind in K:
        if kind is K.JOURNALIST:
            continue  # a journalist team may only publish media statements
        team = Team(id="probe", name="probe", state="ITA", agency_kind=kind)
        payload = {
            "type": "send_cross_border_request",
            "to_state": "TUN" if code != "european_investigation_order" else "ESP",
            "instrument": code,
            "network": network,
        }
        why = catalogue.check(session.scenario, session.state, team, payload)
        if instrument(code).may_send(kind):
            assert why is None, (code, kind, why)
        else:
            assert why is not None and why.startswith(refusal), (code, kind, why)


def test_ngos_and_coordinators_send_referral_requests_in_both_faces(
    session: ExerciseSession,
) -> None:
    """The decision of docs/domain.md: Coordinate allowed an NGO and a national coordinator to
    send a return-and-reception request and the exercise did not; now both faces allow it."""
    network = next(iter(session.state.networks))
    for kind in (K.NGO, K.NATIONAL_COORDINATOR):
        team = Team(id="probe", name="probe", state="ITA", agency_kind=kind)
        for code in TRM:
            assert allowed(who(kind), f"request:{code}", "create")
            payload = {
                "type": "send_cross_border_request",
                "to_state": "EGY",
                "instrument": code,
                "network": network,
            }
            assert catalogue.check(session.scenario, session.state, team, payload) is None


def test_the_model_asks_the_answering_agency_of_the_data() -> None:
    for spec in instruments().values():
        assert answering_agency(spec.id) is spec.answered_by
    # the values the model had before they moved to the data file (same results bit for bit)
    assert {c: answering_agency(c) for c in BEFORE} == {
        "police_information_exchange": K.LAW_ENFORCEMENT,
        "mutual_legal_assistance": K.PUBLIC_PROSECUTOR,
        "european_investigation_order": K.PUBLIC_PROSECUTOR,
        "joint_investigation_team": K.PUBLIC_PROSECUTOR,
        "family_safety_check": K.SOCIAL_WELFARE,
        "pre_return_risk_assessment": K.SOCIAL_WELFARE,
        "return_and_reception": K.SOCIAL_WELFARE,
    }


def test_the_models_instrument_sets_follow_family_and_product() -> None:
    # the police ask for intelligence, the prosecutor for evidence (issue 15)
    assert list(INTELLIGENCE_INSTRUMENTS) == [
        s.id for s in instruments().values() if s.product == "intelligence"
    ]
    assert list(EVIDENCE_INSTRUMENTS) == [
        s.id for s in instruments().values() if s.product == "evidence"
    ]
    assert {instrument(c).family for c in INTELLIGENCE_INSTRUMENTS} == {Family.POLICE}
    assert {instrument(c).family for c in EVIDENCE_INSTRUMENTS} == {Family.JUDICIAL}
    assert set(ACTING_INSTRUMENTS) == {
        s.id for s in instruments().values() if s.product == "evidence"
    }
    # the order matters: the standard procedure takes the first of equally fast instruments
    assert _of_before(INTELLIGENCE_INSTRUMENTS) == ("police_information_exchange",)
    assert _of_before(EVIDENCE_INSTRUMENTS) == (
        "mutual_legal_assistance",
        "european_investigation_order",
        "joint_investigation_team",
    )
    assert set(_of_before(tuple(ACTING_INSTRUMENTS))) == {
        "joint_investigation_team",
        "mutual_legal_assistance",
        "european_investigation_order",
    }
    assert instrument(RETURN_RISK_ASSESSMENT).family is Family.PROTECTION_AND_RETURN


def test_the_demo_directory_receives_by_contact_points() -> None:
    for kind in K:
        expected = tuple(s.id for s in instruments().values() if kind in s.contact_points)
        assert demo.receives_of(kind) == expected
    # the demo's contact points before they moved to the data file
    assert _of_before(demo.receives_of(K.LAW_ENFORCEMENT)) == (
        "police_information_exchange",
        "joint_investigation_team",
    )
    assert _of_before(demo.receives_of(K.PUBLIC_PROSECUTOR)) == (
        "mutual_legal_assistance",
        "european_investigation_order",
        "joint_investigation_team",
    )
    assert _of_before(demo.receives_of(K.NATIONAL_COORDINATOR)) == TRM
    assert _of_before(demo.receives_of(K.NGO)) == ()


def test_the_sandbox_directory_routes_to_the_senders_counterparts() -> None:
    for kind in K:
        got = sandbox._receives(kind).split(",") if sandbox._receives(kind) else []
        assert got == [s.id for s in instruments().values() if s.may_send(kind)]


def test_labels_and_codes_come_from_the_data() -> None:
    assert list(INSTRUMENT_LABELS) == list(instrument_codes())
    assert CODES["instruments"] == instrument_codes()
    with use_locale("fr"):
        assert str(INSTRUMENT_LABELS["mutual_legal_assistance"]) == "Entraide judiciaire"
        assert wording.instrument("mutual_legal_assistance") == "Entraide judiciaire"
        assert wording.instrument_channel("central authorities") == "autorités centrales"
    with use_locale("en"):
        assert str(INSTRUMENT_LABELS["joint_investigation_team"]) == (
            "Joint investigation team proposal"
        )
