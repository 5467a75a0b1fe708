"""The exercise pages of a running exercise, in French, show words and sentences, never the
code's own values (``call_note``, ``irregular_migrants``, ``persona_fled``, ``inspect_site``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pharos.exercise.story import describe
from pharos.exercise.words import wording
from pharos.i18n import use_locale
from pharos.web.testing import app_on, signed_in_client


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles (not attribute values,
    which hold the codes a form sends back)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "\n".join(p.parts)


#: The codes of every vocabulary of ``describe.CODES`` written with an underscore: no English
#: word of the scenario's own text ("office", "statement") can be mistaken for one of them.
CODES = sorted({c for codes in describe.CODES.values() for c in codes if "_" in c})


def raw_codes(html: str) -> set[str]:
    """The exercise's codes shown as text on ``html``."""
    text = visible(html)
    return {c for c in CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}


def persona_statuses(html: str) -> set[str]:
    """The status column of the controller's persona table."""
    rows = re.findall(r'<tr id="persona-[^"]+">(.*?)</tr>', html, re.S)
    return {visible(re.findall(r"<td>(.*?)</td>", r, re.S)[-1]).split(" · ")[0] for r in rows}


def test_the_check_finds_codes_in_text_and_not_in_attributes() -> None:
    assert len(CODES) > 40 and "call_note" in CODES and "send_cross_border_request" in CODES
    page = '<td>Karim <span>irregular_migrants</span></td><option value="call_note">x</option>'
    assert raw_codes(page) == {"irregular_migrants"}
    assert raw_codes("<p>call_note · day 0.1</p><script>persona_fled</script>") == {"call_note"}
    row = '<tr id="persona-karim"><td>Karim</td><td>present · <span>x</span></td></tr>'
    assert persona_statuses(row) == {"present"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def exercise(app):
    director = signed_in_client(app, "it.coordinator")
    ex = director.post("/exercises", data={}, follow_redirects=False).headers["location"]
    ex = ex.split("/")[2]
    control = f"/exercises/{ex}/control"
    director.post(control, data={"command": "start"})
    director.post(control, data={"command": "advance", "hours": "14"})
    police = signed_in_client(app, "it.police")
    play = f"/exercises/{ex}/play"
    for action in (
        {"type": "inspect_site", "place": "ragusa-greenhouse"},
        {
            "type": "interview",
            "persona": "karim",
            "approach": "trauma_informed",
            "interpreter": "ar",
            "setting": "office",
        },
        {"type": "screen", "persona": "karim", "indicators": "ec_excessive_hours"},
        {"type": "open_case", "persona": "karim", "consent": "other_orgs"},
        {"type": "refer", "persona": "karim", "to": "ngo_assistance", "consent": "services"},
        {"type": "open_investigation", "network": "delta-agri"},
        {
            "type": "send_cross_border_request",
            "route": "EGY:police_information_exchange",
            "network": "delta-agri",
            "question": "Who runs the travel agency?",
        },
    ):
        res = police.post(play, data=action, follow_redirects=False)
        assert res.status_code == 303, (action, res.text[:300])
    director.post(
        control,
        data={"command": "inject", "to": "ita-police", "channel": "call_note", "title": "Call"},
    )
    director.post(control, data={"command": "override", "persona": "salma", "trust": "10"})
    director.post(control, data={"command": "advance", "hours": "60"})
    return ex


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_control_page_shows_no_codes(app, exercise, lang) -> None:
    director = signed_in_client(app, "it.coordinator")
    page = director.get(f"/exercises/{exercise}/control?lang={lang}")
    assert page.status_code == 200
    assert not raw_codes(page.text)
    with use_locale(lang):
        words = {wording.persona_status("present"), wording.persona_status("fled")}
    assert persona_statuses(page.text) <= words and "present" not in words
    text = visible(page.text)
    if lang == "fr":
        assert "Exercice lancé par it.coordinator" in text
        assert "Police italienne (Catane) a inspecté Serre, Vittoria (Raguse)" in text
        assert "Moteur (Égypte) : demande CBR-" in text
        assert "Hommes et Migrants en situation irrégulière" in text  # Karim's groups (CLDR list)
        assert "quand Karim A. s’enfuit" in text


@pytest.mark.parametrize(
    "path", ["play", "report", "observe", "role/karim", "cases?team=ita-police"]
)
def test_other_pages_show_no_codes_in_french(app, exercise, path) -> None:
    who = "it.police" if path == "play" else "it.coordinator"
    page = signed_in_client(app, who).get(
        f"/exercises/{exercise}/{path}{'&' if '?' in path else '?'}lang=fr"
    )
    assert page.status_code == 200
    assert not raw_codes(page.text), path


CALL = {
    "en": "Anonymous call about workers sleeping in containers",
    "fr": "Appel anonyme signalant des ouvriers qui dorment dans des conteneurs",
    "ar": "اتصال مجهول بشأن عمال ينامون في حاويات",
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_scenario_s_own_texts_are_shown_in_the_reader_s_language(app, exercise, lang) -> None:
    """The inject's title on the controller's deck and timeline and in the player's inbox, the
    team names and the phase: from the scenario's translation, none left in English."""
    control = visible(
        signed_in_client(app, "it.coordinator")
        .get(f"/exercises/{exercise}/control?lang={lang}")
        .text
    )
    play = visible(
        signed_in_client(app, "it.police").get(f"/exercises/{exercise}/play?lang={lang}").text
    )
    for text in (control, play):
        assert CALL[lang] in text and CALL["en"] not in text
    assert control.count(CALL[lang]) >= 2  # the deck, and the timeline's "inject released"
    police = {"fr": "Police italienne (Catane)", "ar": "الشرطة الإيطالية (كاتانيا)"}[lang]
    assert police in play and "Italian police (Catania)" not in play
    assert "Italian police (Catania)" not in control and "Greenhouse, Vittoria" not in control
    sender = {"fr": "Unité des carabiniers", "ar": "وحدة الكارابينييري"}[lang]
    assert sender in play
    english = signed_in_client(app, "it.police").get(f"/exercises/{exercise}/play?lang=en").text
    assert CALL["en"] in visible(english)
