"""What players are told (issue 17, item 6): a successful action is confirmed in the status
region and listed in the team's own history; a refusal is shown once, as a refusal (never in
the green status region), in plain words without agency codes; ending the exercise needs a
confirmation the server checks, on a form away from Pause."""

from __future__ import annotations

import re
from html import unescape

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.web.testing import app_on, signed_in_client, start_exercise

STATUS = re.compile(r'<div id="status-region"[^>]*>(.*?)</div>', re.S)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


def _status(html: str) -> str:
    m = STATUS.search(html)
    assert m, "no status region"
    return unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()


def test_an_action_is_confirmed_and_listed_in_the_teams_history(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director, advance_hours=5)
    labour = signed_in_client(app, "it.labour")
    play = f"/exercises/{ex}/play"
    res = labour.post(play, data={"type": "inspect_site", "place": "ragusa-greenhouse"})
    assert res.status_code == 303 and "?done=" in res.headers["location"]
    page = labour.get(res.headers["location"]).text
    said = _status(page)
    assert said.startswith("Done: ") and "inspected" in said and "Vittoria" in said
    history = page[page.index('id="history"') :]
    assert said.removeprefix("Done: ") in unescape(history)
    # another team's page confirms nothing of it and lists nothing of it
    police = signed_in_client(app, "it.police")
    other = police.get(res.headers["location"]).text
    assert _status(other) == ""
    assert "inspected" not in unescape(other[other.index('id="history"') :])
    # in Arabic too
    ar = labour.get(res.headers["location"] + "&lang=ar").text
    assert _status(ar).startswith("تم: ")


def test_a_refusal_is_said_once_in_plain_words(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director, advance_hours=14)
    police = signed_in_client(app, "it.police")
    police.post(
        f"/exercises/{ex}/play", data={"type": "inspect_site", "place": "ragusa-greenhouse"}
    )
    res = police.post(
        f"/exercises/{ex}/play", data={"type": "give_legal_advice", "persona": "karim"}
    )
    assert res.status_code == 422
    text = unescape(res.text)
    assert text.count("only these agencies may do this") == 1
    assert _status(res.text) == ""  # not in the green status region
    refusal = re.search(r'<p class="error" role="alert" id="flash">(.*?)</p>', text).group(1)
    assert "Lawyer" in refusal and "_" not in refusal  # names, never codes like law_enforcement


def test_ending_the_exercise_needs_a_confirmation(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    control = f"/exercises/{ex}/control"
    page = director.get(control).text
    # Pause and End are not side by side: End has a form of its own, with its confirmation
    assert 'id="cmd-pause"' in page and 'id="end-confirm"' in page
    row = page[page.index('id="cmd-pause"') - 600 : page.index('id="cmd-pause"') + 600]
    assert "cmd-end" not in row
    refused = director.post(control, data={"command": "end"})
    assert refused.status_code == 422 and "tick the confirmation" in refused.text
    s = Hub.for_engine(app.state.engine).session(ex)
    assert s.state.status == "running"
    ended = director.post(control, data={"command": "end", "confirm": "yes"})
    assert ended.status_code == 303
    assert 'id="end-form"' not in director.get(control).text and s.state.status == "ended"


def test_a_screening_says_what_it_still_lacks(app) -> None:
    """The workspace said only "insufficient information" for a screening; it now gives what
    is missing in the screening rule's own words (``pharos.domain.explain``), and nothing
    more once trafficking is presumed."""
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director, advance_hours=5)
    labour = signed_in_client(app, "it.labour")
    play = f"/exercises/{ex}/play"
    labour.post(play, data={"type": "inspect_site", "place": "ragusa-greenhouse"})
    res = labour.post(
        play, data={"type": "screen", "persona": "karim", "indicators": "ec_excessive_hours"}
    )
    assert res.status_code == 303
    page = unescape(labour.get(play).text)
    lacks = page[page.index('id="missing-karim"') :]
    lacks = lacks[: lacks.index("</details>")]
    assert "What the screening still lacks" in lacks
    # the conclusion drawn from the indicators is said once, not "Insufficient information
    # (insufficient information)"
    screened = re.findall(r'<p class="muted">Screening: (.*?)</p>', page)
    assert screened == ["Insufficient information"], screened
    assert "Exploitative conditions is not positive yet: 1 strong found" in lacks
    assert "Coercion at destination is not positive yet: no indicator found" in lacks
    fr = unescape(labour.get(play + "?lang=fr").text)
    assert "Ce qui manque encore au repérage" in fr
    indicators = [
        "dr_nature_of_job",
        "dr_wages",
        "cd_confiscation_documents",
        "cd_debt_bondage",
        "ec_excessive_hours",
        "ec_bad_living",
    ]
    labour.post(play, data={"type": "screen", "persona": "karim", "indicators": indicators})
    page = unescape(labour.get(play + "?lang=en").text)
    assert 'id="missing-karim"' not in page  # presumed: nothing lacks
    # a presumption and the conclusion it gives, in other words: both said, after the first
    presumed = "Presumed trafficking for labour exploitation (possible victim)"
    assert re.findall(r'<p class="muted">Screening: (.*?)</p>', page) == [
        f"Insufficient information and {presumed}"
    ]
