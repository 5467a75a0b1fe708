"""The exercise's roster (issue 17, item 3): a role goes only to a real, active account (an
unknown user name is refused with a clear message, nothing stored); the control page lists
everyone who takes part — the control team, the players of each played team (assigned, or of
its state and agency kind), role players and observers — with their team or persona, by the
same rule that lets them in (``service.role_of``); an assigned role is removed or changed."""

from __future__ import annotations

import re
from html import unescape

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.web.testing import app_on, signed_in_client, start_exercise


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


def _roster(html: str) -> dict[str, str]:
    table = html[html.index('id="roster"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr id="roster-([^"]+)">(.*?)</tr>', table, re.S)

    def cell(html_cell: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", html_cell)).split())

    return {
        name: " | ".join(cell(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S))
        for name, row in rows
    }


def test_roles_go_to_real_accounts_and_everyone_taking_part_is_listed(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    control = f"/exercises/{ex}/control"
    s = Hub.for_engine(app.state.engine).session(ex)
    n = s.state.last_seq
    # an unknown user is refused, whatever the role; nothing is stored
    for role in ("observer", "role_player", "player", "director"):
        res = director.post(
            control, data={"command": "assign", "username": "nobody.here", "role": role}
        )
        assert res.status_code == 422
        assert "no active account is called nobody.here" in unescape(res.text)
    assert s.state.last_seq == n and s.state.assignments == []
    # a user name as typed (capitals, spaces) is the account's
    assign = {"command": "assign", "username": " IT.Mediator ", "role": "role_player"}
    assert director.post(control, data={**assign, "persona": "karim"}).status_code == 303
    observer = {"command": "assign", "username": "it.prosecutor", "role": "observer"}
    assert director.post(control, data=observer).status_code == 303
    roster = _roster(director.get(control).text)
    assert roster["it.coordinator"].startswith("it.coordinator")
    assert "Director (created the exercise)" in roster["it.coordinator"]
    assert "Role player | Karim A." in roster["it.mediator"]
    assert "Observer" in roster["it.prosecutor"]
    # players of their state and agency kind, never assigned, are listed with their team
    assert "Player | Italian labour inspectorate (Ragusa)" in roster["it.labour"]
    assert "Player | Tunisian Ministry of Interior unit" in roster["tn.police"]
    assert "Remove" in roster["it.mediator"] and "Remove" not in roster["it.labour"]
    # change a role (assign the new one), then remove it
    change = {"command": "assign", "username": "it.mediator", "role": "observer"}
    assert director.post(control, data=change).status_code == 303
    assert "Observer" in _roster(director.get(control).text)["it.mediator"]
    remove = {"command": "assign", "username": "it.mediator", "role": "none"}
    assert director.post(control, data=remove).status_code == 303
    assert "it.mediator" not in _roster(director.get(control).text)
    assert [a["username"] for a in s.state.assignments] == ["it.prosecutor"]
