"""Every kind of thing that happens in an exercise reads as one sentence, in the reader's
language, with the scenario's names instead of ids and words instead of codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pharos.exercise.rules.actions.catalogue import ACTIONS
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import load_scenario
from pharos.exercise.story.describe import (
    CODES,
    SENTENCES,
    describe,
    describe_event,
    kind_label,
    names,
)
from pharos.exercise.words import wording
from pharos.i18n import SUPPORTED_LOCALES, use_locale

from .drill import play

SRC = Path(__file__).resolve().parents[3] / "src" / "pharos" / "exercise"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
FALLBACK = "Event: "


@pytest.fixture(scope="module")
def n():
    return names(load_scenario("mediterranean-regional").scenario)


def _event(kind: EventKind, payload: dict) -> Event:
    return Event("ex", 1, 0, kind, "it.coordinator", payload)


def test_every_event_kind_and_action_type_has_a_sentence(n) -> None:
    missing = [k.value for k in EventKind if k.value not in SENTENCES]
    missing += [a.name for a in ACTIONS if a.name not in SENTENCES]
    assert not missing, f"no sentence for: {missing}"
    for k in EventKind:
        text = describe_event(_event(k, {}), n)
        assert text and not text.startswith(FALLBACK), (k, text)
    for t in (a.name for a in ACTIONS):
        text = describe_event(_event(EventKind.ACTION, {"type": t, "team": "ita-police"}), n)
        assert text.startswith("Italian police (Catania) "), (t, text)


def _logged_kinds() -> set[str]:
    """The timeline kinds the code writes with a literal name (``st.log(m, "arrest", ...)``)."""
    found: set[str] = set()
    pattern = re.compile(r"\.log\(\s*[\w.]+,\s*\"([a-z_]*[a-z])\"", re.S)
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(pattern.findall(text))
        # shelter decisions log "shelter_" + outcome
        if '"shelter_" + ' in text:
            found |= {"shelter_admitted", "shelter_waiting", "shelter_refused"}
    return found


def test_every_kind_the_code_logs_has_a_sentence() -> None:
    kinds = _logged_kinds()
    assert {"inject", "arrest", "persona_fled", "charges_decided", "phase"} <= kinds
    assert not kinds - set(SENTENCES), f"logged without a sentence: {kinds - set(SENTENCES)}"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"what": "started", "by": "it.coordinator"}, "Exercise started by it.coordinator"),
        (
            {
                "what": "inject",
                "inject": "news-facebook-ads",
                "title": "News: Facebook groups advertise farm jobs",
                "to": ["tun-police", "ita-labour"],
            },
            # the scenario's title by the inject's id (translated when shown), not the logged one
            "Inject released: “News: Facebook groups advertise farm jobs in Europe with 'visa"
            " included'” to Tunisian Ministry of Interior unit, Italian labour inspectorate"
            " (Ragusa)",
        ),
        (
            {
                "what": "interview",
                "team": "ita-police",
                "persona": "karim",
                "approach": "trauma_informed",
                "interpreter": "ar",
                "setting": "office",
                "trust_after": 60,
                "effects": [["trauma_informed", 15]],
            },
            "Italian police (Catania) interviewed Karim A. (trauma-informed, interpreter in "
            "Arabic, our office): trust 60",
        ),
        (
            {
                "what": "request_answered",
                "team": "ita-police",
                "request": "CBR-9",
                "answer": "executed",
                "to_state": "EGY",
            },
            # the instrument is the state's request's; this state has none
            "Engine (Egypt) executed request CBR-9 (—)",
        ),
        (
            {
                "what": "screen",
                "team": "ita-labour",
                "persona": "karim",
                "conclusion": "possible_victim",
                "presumption": "presumed_victim",
            },
            "Italian labour inspectorate (Ragusa) screened Karim A.: possible victim",
        ),
        (
            {"what": "refer", "team": "ita-labour", "persona": "karim", "to": "ngo_assistance"},
            "Italian labour inspectorate (Ragusa) referred Karim A. to NGO assistance",
        ),
        (
            {
                "what": "send_cross_border_request",
                "team": "ita-police",
                "request": "CBR-4",
                "to_state": "TUN",
                "instrument": "police_information_exchange",
            },
            "Italian police (Catania) sent request CBR-4 to Tunisia (Police information exchange)",
        ),
        (
            {"what": "persona_fled", "persona": "salma", "trust": 15},
            "Salma B. fled (trust 15)",
        ),
        (
            {"what": "arrest", "character": "hany", "state": "EGY", "by": "simulated:EGY"},
            "Hany Abdelaziz arrested in Egypt by the engine (Egypt)",
        ),
        (
            {"what": "persona_identified", "persona": "karim", "by": "ita-police"},
            "Karim A. identified as a victim by Italian police (Catania)",
        ),
        (
            {"what": "shelter_waiting", "persona": "blessing", "state": "ITA"},
            "No shelter place free for Blessing O. in Italy: on the waiting list",
        ),
        (
            {
                "what": "charges_decided",
                "network": "delta-agri",
                "state": "ITA",
                "outcome": "charged",
                "reason": "evidence",
                "by": "engine:StandardOperatingProcedure",
            },
            "The Delta agricultural labour network in Italy: charged (evidence)",
        ),
        (
            {"what": "phase", "phase": "identification"},
            "New phase: Identification and protection",
        ),
        (
            {"what": "persona_overridden", "persona": "salma", "trust": 40, "note": "reset"},
            "Exercise control set the trust of Salma B. to 40 (reset)",
        ),
        (
            {
                "what": "decision",
                "point": "reply",
                "subject": "CBR-3",
                "agency": "law_enforcement",
                "action": "executed",
            },
            "Engine (Law enforcement): reply to a cross-border request, CBR-3 — executed",
        ),
    ],
)
def test_sentences_in_english(n, entry, expected) -> None:
    with use_locale("en"):
        assert describe(entry, n) == expected


def test_odd_entries_never_break_a_page(n) -> None:
    with use_locale("en"):
        assert describe({"what": "no_such_kind", "x": 1}, n) == "Event: no_such_kind"
        assert describe({}, n) == "Event: —"
        # unknown fields are ignored, missing ones show as a dash
        text = describe({"what": "interview", "team": "ita-police", "colour": "blue"}, n)
        assert text == "Italian police (Catania) interviewed — (—, no interpreter)"
        assert describe({"what": "inject", "to": 5, "title": "T"}, n) == "Inject released: “T” to —"
        assert describe({"what": "refer", "persona": "nobody"}, n) == "— referred nobody to —"


def test_a_sentence_in_french(n) -> None:
    entry = {
        "what": "interview",
        "team": "ita-police",
        "persona": "karim",
        "approach": "trauma_informed",
        "interpreter": "ar",
        "setting": "office",
        "trust_after": 60,
    }
    with use_locale("fr"):
        assert describe(entry, n) == (
            "Italian police (Catania) a mené un entretien avec Karim A. (tenant compte des "
            "traumatismes, interprète en arabe, nos bureaux) : confiance 60"
        )
        assert describe({"what": "started", "by": "it.coordinator"}, n) == (
            "Exercice lancé par it.coordinator"
        )
        assert kind_label("send_cross_border_request") == "demande transfrontalière envoyée"


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_a_played_drill_reads_without_codes(lang: str) -> None:
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    play(s)
    s.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "salma", "trust": 10})
    s.advance_days(3)
    n = names(s.scenario, s.state)
    kinds = {e["what"] for e in s.state.timeline}
    assert {"interview", "persona_disclosed", "request_answered", "persona_fled"} & kinds
    with use_locale(lang):
        for e in s.state.timeline:
            text = describe(e, n)
            assert not text.startswith(FALLBACK), e
            codes = [c for c in SNAKE.findall(text) if c not in ("it.coordinator",)]
            assert not codes, (lang, e["what"], text)


def test_codes_have_words_in_french() -> None:
    with use_locale("fr"):
        assert wording.group("irregular_migrants") != "irregular_migrants"
        assert wording.persona_status("present") == "présent(e)"
        assert wording.channel("call_note") == "note d’appel"
        assert wording.trigger("persona_fled", "Karim A.") == "quand Karim A. s’enfuit"
        assert wording.trust_reason("interpreter_in_language") == "interprète dans sa langue"
        # an unknown code comes back as it is
        assert wording.group("no_such_group") == "no_such_group"
        for vocabulary, codes in CODES.items():
            assert codes, vocabulary
