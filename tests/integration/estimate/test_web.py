"""The hidden-figure page and API on a real app (SQLite; PostgreSQL when configured)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate.accounts import principal
from pharos.coordinate.cases import open_case
from pharos.store.models.accounts import User
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = fresh_database(url)
    _add_cases(engine)
    yield make_app(url)
    engine.dispose()


def _add_cases(engine: Any) -> None:
    """Victims registered by three Italian agencies through the server's case service; a person
    registered by several agencies (same name, birth date, citizenship) is matched by the
    server's duplicate detection."""
    plan = [  # (agencies that registered the person, how many people)
        (("it.police",), 40),
        (("it.ngo",), 30),
        (("it.labour",), 25),
        (("it.police", "it.ngo"), 12),
        (("it.police", "it.labour"), 8),
        (("it.ngo", "it.labour"), 6),
        (("it.police", "it.ngo", "it.labour"), 3),
    ]
    people = [users for users, count in plan for _ in range(count)]
    with Session(engine) as s:
        principals = {
            u.username: principal(u)
            for u in s.execute(
                select(User).where(User.username.in_(["it.police", "it.ngo", "it.labour"]))
            ).scalars()
        }
        for number, users in enumerate(people, start=1):
            for username in users:
                open_case(
                    s,
                    principals[username],
                    {
                        "title": f"Person {number}",
                        "exploitation_types": ["forced_labour"],
                        "first_name": f"Given{number}",
                        "second_name": "Family",
                        "birthdate": "1990-01-01",
                        "citizenship": "EGY",
                        "gender": "feminine" if number % 2 else "masculine",
                    },
                )
        s.commit()


def test_the_page_is_in_the_navigation_and_offers_the_published_tables(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    page = client.get("/estimate")
    assert page.status_code == 200
    assert 'href="/estimate"' in page.text
    assert "United Kingdom 2013" in page.text
    # a labour inspector may not build tables from the cases
    assert 'value="cases"' not in page.text


def test_estimating_a_published_table_shows_estimate_chart_and_explanation(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.post(
        "/estimate",
        data={"source": "example", "example": "UKdat_5", "criterion": "aic", "k": "11"},
    )
    assert r.status_code == 200, r.text
    assert "11,313" in r.text
    assert "9,908" in r.text and "13,064" in r.text
    assert 'id="estimate-chart-data"' in r.text and "/estimate/plotly.min.js" in r.text
    assert "What this estimate rests on" in r.text
    assert "&lt;11" in r.text  # suppressed cells
    js = client.get("/estimate/plotly.min.js")
    assert js.status_code == 200 and "plotly" in js.text[:2000].lower()
    css = client.get("/estimate/plotly.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly .main-svg" in css.text


def test_an_uploaded_bad_table_is_refused_naming_line_and_field(app: Any, tmp_path: Path) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.post(
        "/estimate",
        data={"source": "upload", "criterion": "aic", "k": "11"},
        files={"table": ("t.csv", b"A,B,count\n1,0,4\n2,1,3\n", "text/csv")},
    )
    assert r.status_code == 422
    assert "line 3" in r.text and "field A" in r.text


class _Elements(HTMLParser):
    """Start tags as a browser's parser sees them (script content is raw text up to
    ``</script``), and the text of each script element by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs).get("id") or ""
            self.scripts[self._script] = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[self._script] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


BREAKOUT = "</script><img id=pwn src=x>"


def test_a_list_name_cannot_end_the_charts_script_element(app: Any) -> None:
    """Issue 14, finding 10: a list named ``</script><img id=pwn src=x>`` ended the chart's
    JSON block and put <img> elements in the page; the JSON is now escaped for a script."""
    client = signed_in_client(app, "it.labour")
    rows = ["1,0,0,300", "0,1,0,280", "0,0,1,260", "1,1,0,40", "1,0,1,35", "0,1,1,30", "1,1,1,9"]
    table = f'"{BREAKOUT}",B,C,count\n' + "\n".join(rows) + "\n"
    r = client.post(
        "/estimate",
        data={"source": "upload", "criterion": "aic", "k": "2"},
        files={"table": ("t.csv", table.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    page = _Elements()
    page.feed(r.text)
    assert [t for t, attrs in page.tags if t == "img" or attrs.get("id") == "pwn"] == []
    chart = json.loads(page.scripts["estimate-chart-data"])  # what estimate.js reads
    labels = [text for trace in chart["data"] for text in trace.get("text", [])]
    assert any(BREAKOUT in label for label in labels)


def test_the_page_in_arabic_is_right_to_left(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.get("/estimate?lang=ar")
    assert 'dir="rtl"' in r.text
    assert "الرقم الأسود" in r.text  # the criminological term (termbase)


def test_a_coordinator_estimates_from_the_cases_of_their_state(app: Any) -> None:
    client = signed_in_client(app, "it.coordinator")
    page = client.get("/estimate")
    assert 'value="cases"' in page.text
    r = client.post(
        "/estimate",
        data={
            "source": "cases",
            "state": "ITA",
            "list_by": "kind",
            "exploitation": "forced_labour",
            "k": "2",
        },
    )
    assert r.status_code == 200, r.text
    assert "law_enforcement" in r.text and "labour_inspector" in r.text
    # 124 people seen; the model estimates more
    assert "124" in r.text
    api = client.post(
        "/api/v1/estimate",
        json={"source": "cases", "state": "ITA", "list_by": "kind", "k": 2},
    )
    assert api.status_code == 200, api.text
    report = api.json()
    assert report["observed"] == 124  # 170 registrations, 124 people after duplicate detection
    assert report["lists"] == ["labour_inspector", "law_enforcement", "ngo"]
    cells = {"+".join(c["lists"]): c["count"] for c in report["table"]}
    assert cells["labour_inspector+law_enforcement+ngo"] == 3
    assert cells["law_enforcement+ngo"] == 12
    assert report["estimate"]["total"] > 124
    other_state = client.post("/estimate", data={"source": "cases", "state": "GRC", "k": "11"})
    assert other_state.status_code == 422


def test_the_api_answers_json_and_requires_sign_in(app: Any) -> None:
    client = signed_in_client(app, "gr.ngo")
    # an NGO may estimate from tables, not from the cases
    denied = client.post("/api/v1/estimate", json={"source": "cases", "state": "GRC"})
    assert denied.status_code == 403
    r = client.post("/api/v1/estimate", json={"example": "Western", "criterion": "bic"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["criterion"] == "bic" and data["estimate"]["total"] > 345
    bad = client.post("/api/v1/estimate", json={"csv": "A,count\n1,3\n"})
    assert bad.status_code == 422
    from fastapi.testclient import TestClient

    anonymous = TestClient(app)
    assert anonymous.post("/api/v1/estimate", json={"example": "UKdat"}).status_code in (401, 403)


def test_an_estimate_from_cases_reads_them_off_the_event_loop(app: Any) -> None:
    """Found by the soak's investigation (docs/server.md): the page and the API are async, and
    the cases of a state were read (and the audit entry written) on the event loop, which
    stops every other request of the process, the exercise streams included, for as long as
    the read takes (tests/integration/exercise/test_event_loop.py for the exercise)."""
    import asyncio

    from sqlalchemy import event

    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread
        seen.append(statement.split("\n")[0][:80])

    client = signed_in_client(app, "it.coordinator")
    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        api = client.post("/api/v1/estimate", json={"source": "cases", "state": "ITA", "k": 2})
        page = client.post("/estimate", data={"source": "cases", "state": "ITA", "k": "2"})
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    assert api.status_code == 200 and page.status_code == 200, (api.text, page.text[:500])
    assert seen == []
