"""The screening form records what was asked (issue 20, item 1): a dimension ticked "Explored"
closes it, the result page names the dimensions still unexplored, and the stored record keeps
the ticks so the result read later (in any language) is the same."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI

from pharos.domain.explain import dimension_label, question_groups, question_texts
from pharos.domain.indicators import Dimension
from pharos.domain.screening import Person, screen
from pharos.domain.screening_file import Observation
from pharos.i18n import use_locale
from pharos.web.testing import PharosClient, signed_in_client

SEEN = {
    "person_label": "Worker C, packing house",
    "age": "34",
    "ind_ec_excessive_hours": "present",
    "ind_ec_low_no_salary": "present",
}


def _screen(client: PharosClient, data: dict[str, str]) -> tuple[int, str]:
    r = client.post("/screenings", data=data)
    assert r.status_code == 303, r.text
    m = re.match(r"/screenings/(\d+)", r.headers["location"])
    assert m
    sid = int(m.group(1))
    return sid, client.get(f"/screenings/{sid}").text


def test_the_form_offers_explored_for_every_dimension(app: FastAPI) -> None:
    page = signed_in_client(app, "it.labour").get("/screenings/new").text
    for d in Dimension:
        assert f'name="explored_{d.value}"' in page


def test_explored_dimensions_decide_and_unexplored_ones_are_named(app: FastAPI) -> None:
    inspector = signed_in_client(app, "it.labour")
    _sid, page = _screen(inspector, SEEN)
    assert "Insufficient information" in page
    assert "Exploring them can change the outcome" in page
    assert "No dimension was recorded as explored." in page

    explored = {f"explored_{d.value}": "1" for d in Dimension}
    sid, page = _screen(inspector, {**SEEN, **explored})
    assert "Trafficking not established" in page
    assert "Exploring them can change the outcome" not in page
    api = inspector.get(f"/api/v1/screenings/{sid}").json()
    assert api["result"]["presumption"] == "not_established"
    assert sorted(api["result"]["explored"]) == sorted(d.value for d in Dimension)


def test_a_dimension_explored_without_findings_is_enough_to_record(app: FastAPI) -> None:
    inspector = signed_in_client(app, "it.labour")
    _sid, page = _screen(
        inspector,
        {"person_label": "Worker D", "age": "40", "explored_coercion_at_destination": "1"},
    )
    assert "Coercion at destination" in page
    r = inspector.post("/screenings", data={"person_label": "Worker E", "age": "40"})
    assert r.status_code == 422
    assert "or a dimension as explored" in r.text


def test_the_result_gives_next_steps_and_the_actions_the_reader_may_take(app: FastAPI) -> None:
    from pharos.domain.practitioners import state_powers

    inspector = signed_in_client(app, "it.labour")
    data = {
        "person_label": "Worker F, olive grove",
        "age": "45",
        "ind_cd_debt_bondage": "present",
        "ind_cd_violence_on_victims": "present",
        "ind_ec_excessive_hours": "present",
        "ind_ec_low_no_salary": "present",
        **{f"explored_{d.value}": "1" for d in Dimension},
    }
    sid, page = _screen(inspector, data)
    assert "Trafficking not established" in page
    assert 'id="next-steps"' in page and "Possible forced labour" in page
    for route in ("labour_inspection", "police", "legal_aid"):
        assert f'id="route-{route}"' in page
    assert 'id="route-formal_identification"' not in page
    # Italy's investigation power is a default in the powers data: the page says so
    assert not state_powers("ITA").opens_investigation.known
    assert "not established by the sources; Pharos default" in page
    assert 'id="open-case"' in page and 'id="refer"' not in page

    r = inspector.post(
        "/cases",
        data={"screening_id": str(sid), "title": "Olive grove", "gender": "masculine"},
    )
    assert r.status_code == 303, r.text
    page = inspector.get(f"/screenings/{sid}").text
    assert 'id="open-case"' not in page and 'id="refer"' in page

    # another agency of the state cannot read the screening at all
    police = signed_in_client(app, "it.police")
    assert police.get(f"/screenings/{sid}").status_code == 404


def test_next_steps_read_in_arabic(app: FastAPI) -> None:
    inspector = signed_in_client(app, "it.labour")
    sid, _page = _screen(inspector, {**SEEN, "person_label": "Worker G"})
    page = inspector.get(f"/screenings/{sid}", headers={"Accept-Language": "ar"}).text
    assert 'dir="rtl"' in page
    assert "الخطوات التالية" in page and "آلية الإحالة الوطنية" in page


def test_the_result_page_shows_every_interview_question_by_dimension(app: FastAPI) -> None:
    """Issue 20, item 3: every question still to ask, with the questions an interviewer can ask
    about it, grouped by dimension (not four per element), in English and in Arabic."""
    inspector = signed_in_client(app, "it.labour")
    sid, page = _screen(inspector, SEEN)
    expected = screen(
        [Observation("ec_excessive_hours"), Observation("ec_low_no_salary")], Person(age=34)
    )
    assert len(expected.ask_next) > 12
    section = html.unescape(page.split('id="ask-next"')[1].split("</section>")[0])
    position = 0
    for dimension, questions in question_groups(expected):
        assert dimension is not None
        heading = f"<h3>{dimension_label(dimension)}</h3>"
        assert heading in section
        assert section.index(heading) > position  # in the order of question_groups
        position = section.index(heading)
        for q in questions:
            for text in question_texts(q):
                assert f"<li>{text}</li>" in section
    page_ar = inspector.get(f"/screenings/{sid}", headers={"Accept-Language": "ar"}).text
    with use_locale("ar"):
        first = question_texts(expected.ask_next[0])[0]
    assert first in html.unescape(page_ar)
