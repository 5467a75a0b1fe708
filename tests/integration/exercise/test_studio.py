"""The scenario studio on the server (issue 17, item 1): create from a template, check as you
type, save versions, import and export YAML, start an exercise from a version; and who may."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.studio import Studio
from pharos.exercise.scenario.loader import bundled_path
from pharos.web.testing import app_on, app_routes, signed_in_client


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def key(app) -> str:
    director = signed_in_client(app, "it.coordinator")
    r = director.post("/exercises/studio", data={"template": "mediterranean-regional"})
    assert r.status_code == 303, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def test_a_template_becomes_version_1_with_its_documents_and_translations(app, key):
    director = signed_in_client(app, "it.coordinator")
    page = director.get(f"/exercises/studio/{key}")
    assert page.status_code == 200
    assert "Karim A." in page.text  # the persona's preview
    assert "mediterranean-regional.fr.yaml" in page.text and "evidence/gh-job-ad.md" in page.text
    (v,) = Studio(app.state.engine).versions(key)
    assert v.number == 1 and v.author == "it.coordinator"
    src = Studio(app.state.engine).source(v)
    assert set(src.translations()) == {"ar", "el", "es", "fr", "it"}


def test_the_check_reports_every_problem_with_its_line(app, key):
    director = signed_in_client(app, "it.coordinator")
    text = bundled_path("mediterranean-regional").read_text(encoding="utf-8")
    broken = text.replace(
        "[dr_nature_of_job, dr_wages, cd_debt_bondage]", "[dr_nature_of_jobb, dr_wages]", 1
    ).replace("place: milan-station\n", "place: milano\n", 1)
    r = director.post(
        f"/exercises/studio/{key}/check",
        json={"version": "1", "file": "mediterranean-regional.yaml", "text": broken},
    )
    assert r.status_code == 200
    got = r.json()
    assert got["preview"] is None
    lines = broken.splitlines()
    msgs = {p["field"]: p for p in got["problems"]}
    ind = msgs["characters[0].ladder[2].indicators[0]"]
    assert "dr_nature_of_job" in ind["message"] and "karim-ad" in lines[ind["line"] - 1]
    assert any("milano" in p["message"] and p["line"] for p in got["problems"])
    ok = director.post(
        f"/exercises/studio/{key}/check",
        json={"version": "1", "file": "mediterranean-regional.yaml", "text": text},
    ).json()
    assert ok["problems"] == [] and "Karim A." in ok["preview"]


def test_the_preview_counts_days_as_the_exercise_clock_does(app, key):
    """One convention for days (issue 17, item 6): the preview said "Day 0.1" and "Day 0 to
    day 10.0" where the rehearsal, the consoles and the report say "day 1 02:24"."""
    director = signed_in_client(app, "it.coordinator")
    page = director.get(f"/exercises/studio/{key}").text
    # the anonymous call's at_day 0.1 is 0.1 x 24 h = 2 h 24 min into the first day
    assert "day 1 02:24" in page and "day 0.1" not in page.lower()
    # end_day 10: ten whole days, the last ending when the eleventh begins
    assert "From day 1 00:00 to day 11 00:00." in page
    assert "Days after the start (0.5: day 1 12:00)" in page  # the inject form's field
    text = bundled_path("mediterranean-regional").read_text(encoding="utf-8")
    checked = director.post(
        f"/exercises/studio/{key}/check",
        json={
            "file": "mediterranean-regional.yaml",
            "text": text.replace("at_day: 0.1\n", "at_day: 0.25\n", 1),
        },
    ).json()
    assert "day 1 06:00" in checked["preview"] and "day 1 02:24" not in checked["preview"]


def test_save_refuses_problems_and_keeps_versions(app, key):
    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    text = studio.source(studio.version(key)).text
    base = studio.version(key).number
    bad = director.post(
        f"/exercises/studio/{key}/versions",
        data={
            "base": str(base),
            "file": "mediterranean-regional.yaml",
            "text": text.replace("place: milan-station\n", "place: milano\n", 1),
        },
    )
    assert bad.status_code == 422 and "milano" in bad.text
    assert studio.version(key).number == base  # nothing saved
    good = director.post(
        f"/exercises/studio/{key}/versions",
        data={
            "base": str(base),
            "file": "mediterranean-regional.yaml",
            "note": "Karim older",
            "text": text.replace("    age: 24\n", "    age: 25\n", 1),
        },
    )
    assert good.status_code == 303, good.text
    assert studio.version(key).number == base + 1
    # saving from a stale version is refused
    stale = director.post(
        f"/exercises/studio/{key}/versions",
        data={"base": str(base), "file": "mediterranean-regional.yaml", "text": text + "\n"},
    )
    assert stale.status_code == 422 and studio.version(key).number == base + 1
    # a document is a file of the scenario too
    doc = director.post(
        f"/exercises/studio/{key}/versions",
        data={"base": str(base + 1), "file": "evidence/gh-job-ad.md", "text": "# A new ad\n"},
    )
    assert doc.status_code == 303
    assert studio.source(studio.version(key)).files["evidence/gh-job-ad.md"] == "# A new ad\n"
    outside = director.post(
        f"/exercises/studio/{key}/versions",
        data={"base": str(base + 2), "file": "../etc/x.md", "text": "x"},
    )
    assert outside.status_code == 422


def test_a_template_is_cut_down_once_its_translations_are_removed(app):
    """A director who cuts a template down (here: the witness Rosa G. removed) is told by the
    template's translations that they name her; a translation saved with no text is removed
    from the next version (the check as you type agrees), and the cut-down scenario saves.
    Before, an empty translation was "expected a mapping" and no file could be removed, so a
    template could not be made smaller in the browser."""
    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    made = director.post("/exercises/studio", data={"template": "mediterranean-regional"})
    key = made.headers["location"].rsplit("/", 1)[1]
    main = "mediterranean-regional.yaml"
    text = studio.source(studio.version(key)).text
    rosa = next(line for line in text.splitlines(keepends=True) if "{id: rosa," in line)
    cut = text.replace(rosa, "", 1)
    named = director.post(
        f"/exercises/studio/{key}/versions", data={"base": "1", "file": main, "text": cut}
    )
    assert named.status_code == 422 and "characters.rosa.name" in named.text
    for n, lang in enumerate(("ar", "el", "es", "fr", "it"), start=1):
        file = f"mediterranean-regional.{lang}.yaml"
        checked = director.post(
            f"/exercises/studio/{key}/check", json={"version": str(n), "file": file, "text": ""}
        ).json()
        assert checked["problems"] == [], checked["problems"]
        r = director.post(
            f"/exercises/studio/{key}/versions", data={"base": str(n), "file": file, "text": " \n"}
        )
        assert r.status_code == 303, r.text
        assert file not in studio.source(studio.version(key)).files
    assert studio.source(studio.version(key)).translations() == {}
    assert "evidence/gh-job-ad.md" in studio.source(studio.version(key)).files  # the rest kept
    saved = director.post(
        f"/exercises/studio/{key}/versions", data={"base": "6", "file": main, "text": cut}
    )
    assert saved.status_code == 303, saved.text
    assert "{id: rosa," not in studio.source(studio.version(key)).text
    # the scenario file itself is never removed so: an empty one is a problem, nothing saved
    empty = director.post(
        f"/exercises/studio/{key}/versions", data={"base": "7", "file": main, "text": ""}
    )
    assert empty.status_code == 422 and studio.version(key).number == 7


def test_export_import_and_start(app, key):
    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    v = studio.version(key)
    exported = director.get(f"/exercises/studio/{key}/{v.number}/export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.text == studio.source(v).text
    imported = director.post(
        "/exercises/studio",
        files={"file": ("aegean.yaml", exported.content, "application/yaml")},
    )
    # imported alone, its documents are missing: refused with every one named
    assert imported.status_code == 422 and "document not found" in imported.text
    into = director.post(
        "/exercises/studio",
        data={"into": key},
        files={"file": ("aegean.yaml", exported.content.replace(b"age: 25", b"age: 26"), "x")},
    )
    assert into.status_code == 303
    assert studio.version(key).number == v.number + 1
    started = director.post(f"/exercises/studio/{key}/{v.number}/start")
    assert started.status_code == 303
    ex = started.headers["location"].split("/")[2]
    rec = next(r for r in Hub.for_engine(app.state.engine).store.exercises() if r.id == ex)
    assert rec.scenario == f"studio:{key}@{v.number}" and rec.scenario_sha256 == v.sha256
    assert director.get(f"/exercises/{ex}/control").status_code == 200


def test_the_inject_form_adds_a_version_or_shows_the_problems(app, key):
    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    base = studio.version(key).number
    fields = {
        "base": str(base),
        "id": "ngo-hotline",
        "title": "A worker calls the hotline at night",
        "channel": "call_note",
        "sender": "NGO hotline",
        "to": ["ita-ngo", "ita-police"],
        "body": "A man calls from a greenhouse.",
        "release": "at_day",
        "at_day": "2,5",
    }
    bad = director.post(f"/exercises/studio/{key}/injects", data=fields | {"to": "no-team"})
    assert bad.status_code == 422 and "no-team" in bad.text and "injects[14].to[0]" in bad.text
    assert studio.version(key).number == base
    ok = director.post(f"/exercises/studio/{key}/injects", data=fields)
    assert ok.status_code == 303, ok.text
    v = studio.version(key)
    assert v.number == base + 1 and "ngo-hotline" in v.note
    inj = studio.loaded(v).scenario.injects[-1]
    assert (inj.id, inj.at_day, inj.to) == ("ngo-hotline", 2.5, ["ita-ngo", "ita-police"])
    page = director.get(f"/exercises/studio/{key}")
    assert "A worker calls the hotline at night" in page.text  # on the timeline's preview


def test_the_persona_form_adds_a_victim_with_truth_and_ladder(app, key):
    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    base = studio.version(key).number
    fields = {
        "base": str(base),
        "id": "amal",
        "name": "Amal S.",
        "age": "17",
        "gender": "girl",
        "nationality": "tun",
        "languages": "ar, fr",
        "place": "ragusa-greenhouse",
        "storyline": "greenhouses",
        "trust": "20",
        "script": "Came with her cousin.",
        "cues": "Looks at the door\r\nAsks for her phone",
        "is_victim": "1",
        "exploitation": "forced_labour",
        "indicators": "dr_wages",
        "rung1_trust": "30",
        "rung1_text": "I cook for the men.",
        "rung1_indicators": "dr_nature_of_jobb",
        "rung2_trust": "60",
        "rung2_text": "They keep my passport.",
        "rung2_indicators": "cd_confiscation_documents",
        "rung2_interpreter": "1",
    }
    bad = director.post(f"/exercises/studio/{key}/personas", data=fields)
    assert bad.status_code == 422 and "dr_nature_of_jobb" in bad.text
    assert "did you mean dr_nature_of_job" in bad.text.replace("&#39;", "'")
    assert studio.version(key).number == base
    ok = director.post(
        f"/exercises/studio/{key}/personas", data=fields | {"rung1_indicators": "dr_nature_of_job"}
    )
    assert ok.status_code == 303, ok.text
    sc = studio.loaded(studio.version(key)).scenario
    amal = sc.character("amal")
    assert (amal.age, amal.nationality, amal.languages) == (17, "TUN", ["ar", "fr"])
    assert amal.cues == ["Looks at the door", "Asks for her phone"]
    assert [d.min_trust for d in amal.ladder] == [30, 60] and amal.ladder[1].requires_interpreter
    assert amal.truth is not None and amal.truth.indicators == ["dr_wages"]
    assert "Amal S." in director.get(f"/exercises/studio/{key}").text  # in the preview


# -- who may: every route of the studio, for each kind of user --------------------------------
USERS = ["it.coordinator", "admin", "it.police", "it.labour", "it.ngo", "eg.coordinator", "iom"]
DIRECTORS = {"it.coordinator", "admin", "eg.coordinator"}


def _table(key: str) -> dict[tuple[str, str], tuple[str, dict | None]]:
    return {
        ("GET", "/exercises/studio"): ("/exercises/studio", None),
        ("POST", "/exercises/studio"): ("/exercises/studio", {"template": "no-such"}),
        ("GET", "/exercises/studio/{key}"): (f"/exercises/studio/{key}", None),
        ("POST", "/exercises/studio/{key}/check"): (f"/exercises/studio/{key}/check", {}),
        ("POST", "/exercises/studio/{key}/versions"): (f"/exercises/studio/{key}/versions", {}),
        ("POST", "/exercises/studio/{key}/injects"): (f"/exercises/studio/{key}/injects", {}),
        ("POST", "/exercises/studio/{key}/personas"): (f"/exercises/studio/{key}/personas", {}),
        ("GET", "/exercises/studio/{key}/{number}/export"): (
            f"/exercises/studio/{key}/1/export",
            None,
        ),
        ("POST", "/exercises/studio/{key}/{number}/start"): (
            f"/exercises/studio/{key}/99/start",
            {},
        ),
        # rehearsals (no such version or template: 404 once the permission is checked)
        ("GET", "/exercises/studio/{key}/{number}/rehearsal"): (
            f"/exercises/studio/{key}/99/rehearsal",
            None,
        ),
        ("GET", "/exercises/studio/templates/rehearsal"): (
            "/exercises/studio/templates/rehearsal?template=no-such-99",
            None,
        ),
    }


def test_every_studio_route_says_who_may(app, key):
    routes = {
        (m, r.path)
        for r in app_routes(app)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and r.endpoint.__module__ == "pharos.web.routes.exercise_studio"
        for m in r.methods
    }
    assert routes == set(_table(key))
    wrong = []
    for user in USERS:
        c = signed_in_client(app, user)
        for (method, _path), (url, data) in _table(key).items():
            r = c.get(url) if method == "GET" else c.post(url, data=data)
            # allowed: done, or refused for what was sent (422), or no such version (404 on
            # start); refused: 403
            ok = r.status_code in {200, 303, 422} or (r.status_code == 404 and "99" in url)
            if (user in DIRECTORS) != ok or (user not in DIRECTORS and r.status_code != 403):
                wrong.append(f"{user} {method} {url}: {r.status_code}")
    assert not wrong, wrong


def test_a_version_and_a_template_are_rehearsed_for_directors_only(app, key):
    """Issue 17, item 2: the studio's "Rehearse" plays the version through by the standard
    procedures and shows its pacing; the same figures as ``rehearse`` on the same text; nothing
    is stored (no exercise appears). Only those who may read scenarios see it."""
    from pharos.exercise.runtime.rehearsal import rehearse, shown

    director = signed_in_client(app, "it.coordinator")
    studio = Studio(app.state.engine)
    v = studio.version(key, 1)
    before = director.get("/exercises").text.count("/control")
    editor = director.get(f"/exercises/studio/{key}?version=1")
    assert f"/exercises/studio/{key}/1/rehearsal" in editor.text
    page = director.get(f"/exercises/studio/{key}/1/rehearsal")
    assert page.status_code == 200
    expected = shown(rehearse(studio.loaded(v)), studio.loaded(v))
    for row in expected["injects"] + expected["personas"] + expected["teams"]:
        assert f'data-id="{row["id"]}"' in page.text
    for row in expected["networks"]:
        assert row["falls"] in page.text
    assert "Hellenic police anti-trafficking unit" in page.text
    assert director.get("/exercises").text.count("/control") == before
    ar = director.get(f"/exercises/studio/{key}/1/rehearsal?lang=ar")
    assert 'dir="rtl"' in ar.text and "تجربة" in ar.text
    listing = director.get("/exercises/studio")
    assert 'action="/exercises/studio/templates/rehearsal"' in listing.text
    t = director.get("/exercises/studio/templates/rehearsal?template=mediterranean-regional")
    assert t.status_code == 200 and 'data-id="karim"' in t.text
    assert director.get("/exercises/studio/templates/rehearsal?template=nope").status_code == 404
    assert director.get(f"/exercises/studio/{key}/99/rehearsal").status_code == 404
    police = signed_in_client(app, "it.police")
    assert police.get(f"/exercises/studio/{key}/1/rehearsal").status_code == 403
    assert (
        police.get(
            "/exercises/studio/templates/rehearsal?template=mediterranean-regional"
        ).status_code
        == 403
    )
