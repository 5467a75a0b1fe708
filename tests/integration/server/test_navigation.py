"""On every page at most one navigation entry is marked as current."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from pharos.web.testing import signed_in_client

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


@pytest.mark.parametrize(
    ("page", "current"),
    [("/learn/lessons", "/learn/lessons"), ("/learn", "/learn"), ("/cases", "/cases"), ("/", "/")],
)
def test_only_the_page_s_own_entry_is_underlined(app: FastAPI, page: str, current: str) -> None:
    client = signed_in_client(app, "it.ngo")
    response = client.get(page)
    assert response.status_code == 200
    nav = response.text.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert CURRENT.findall(nav) == [current]
