"""The exercise's case files in French: the refusals of the case tools, the notes and texts the
projector writes, the agencies and accounts, none left in English; the teams by their French
names."""

from __future__ import annotations

import re

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.web.testing import (
    app_on,
    play,
    signed_in_client,
    start_exercise,
)

from .test_exercise_words import visible

#: what the projector and the sandbox wrote in English, which a French page must not show
ENGLISH = (
    "Not recorded by the case tools (exercise action",
    "no case file of this team concerns",
    "The victim has not consented",
    "consent_for_services",
    "disclosure_other_orgs",
    "— exercise team",
    "— simulated by the engine",
    "Investigation opened into the network",
    "The Delta agricultural labour network",
    ": a person in case",
    "Declined.",
    "Reply from",
    "request executed under",
    "police_information_exchange",
    "I work in the greenhouse",  # Karim's story, the case's summary
    "Italian labour inspectorate",
    "Italian police (Catania)",
    "Tunisian Ministry of Interior",
    "Egyptian police",
    "exercise_action",
    "(ita-labour)",
    "· EGY",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def exercise(app):
    """Italian labour inspectors refer Karim before opening his case and without his consent
    (both refused by the case tools), then with it; the police open an investigation and ask
    Tunisia (which declines) and Egypt (simulated, which answers)."""
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    s = Hub.for_engine(app.state.engine).session(ex)
    # played as an exercise created before the rules refused a referral the case tools refuse
    # (its log replays as played): the case tools' own refusals are what this test reads
    s.state.consent_checked = False
    s.advance_days(0.2)
    labour = signed_in_client(app, "it.labour")
    play(
        labour,
        ex,
        {"type": "inspect_site", "place": "ragusa-greenhouse"},
        {"type": "refer", "persona": "karim", "to": "shelter"},
        {
            "type": "interview",
            "persona": "karim",
            "approach": "trauma_informed",
            "interpreter": "ar",
            "setting": "office",
        },
        {"type": "screen", "persona": "karim", "indicators": ["dr_wages", "cd_debt_bondage"]},
        {"type": "open_case", "persona": "karim"},
        {"type": "refer", "persona": "karim", "to": "competent_authority"},
        {
            "type": "refer",
            "persona": "karim",
            "to": "competent_authority",
            "consent": ["services", "other_orgs"],
        },
    )
    s.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    for to in ("TUN", "EGY"):
        s.act(
            "ita-police",
            "marco",
            type="send_cross_border_request",
            to_state=to,
            instrument="police_information_exchange",
            persona="karim",
            question="Who recruited him?",
        )
    s.advance_days(0.5)
    tun = next(r.id for r in s.state.requests if r.to_state == "TUN")
    s.act("tun-police", "amira", type="answer_cross_border_request", request=tun, decline=True)
    s.advance_days(9)
    return ex


def pages(app, ex: str, who: str, lang: str) -> tuple[str, str]:
    client = signed_in_client(app, who)
    listing = client.get(f"/exercises/{ex}/cases?lang={lang}")
    assert listing.status_code == 200
    m = re.search(rf'href="(/exercises/{ex}/cases/\d+)', listing.text)
    assert m, "no case on the page"
    case = client.get(f"{m.group(1)}?lang={lang}")
    assert case.status_code == 200
    return visible(listing.text), visible(case.text)


def test_the_english_texts_are_there_in_english(app, exercise) -> None:
    """The check looks for texts the pages do show (in English)."""
    listing, case = pages(app, exercise, "it.labour", "en")
    text = listing + case
    shown = [t for t in ENGLISH if t in text]
    assert "no case file of this team concerns" in shown and "— exercise team" in shown
    assert "Reply from" in case and "I work in the greenhouse" in case
    assert "(ita-labour)" not in case  # the owner's account is its agency, not repeated


@pytest.mark.parametrize("who", ["it.labour", "it.police"])
def test_the_french_case_files_show_no_english_projector_text(app, exercise, who) -> None:
    listing, case = pages(app, exercise, who, "fr")
    for text in (listing, case):
        assert not [t for t in ENGLISH if t in text]
    assert "Inspection du travail italienne (Raguse) — équipe de l’exercice" in listing
    assert "Police italienne (Catane) — équipe de l’exercice" in case
    assert "Police égyptienne — simulée par le moteur" in case
    assert "Réponse de Unité du ministère tunisien de l’Intérieur — équipe de l’exercice" in case
    # Egypt's reply (executed or not, as the engine drew it), stored as "EGY: ...", in French
    assert "Police égyptienne — simulée par le moteur à la demande n° 2 : Égypte : " in case
    assert "Enquête ouverte sur le réseau Le réseau de main-d’œuvre agricole du Delta." in case
    assert "Victime potentielle de la traite · Égypte" in case and "· EGY" not in case
    if who == "it.labour":
        assert "Je travaille dans la serre tous les jours" in case
        assert (
            "Non enregistré par les outils de dossier (action d’exercice orientation) : "
            "La victime n’a pas consenti à : les services et la communication à d’autres "
            "organisations." in case
        )
        assert "aucun dossier de cette équipe ne concerne encore cette personne" in listing


def test_the_arabic_case_page_names_the_teams_in_arabic(app, exercise) -> None:
    listing, case = pages(app, exercise, "it.labour", "ar")
    assert not [t for t in ENGLISH if t in listing + case]
    assert "مفتشية العمل الإيطالية (راغوزا) — فريق التمرين" in case
    assert "الشرطة المصرية — يحاكيه المحرك" in case
