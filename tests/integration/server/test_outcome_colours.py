"""Outcome colours that match their meaning (issue 20, item 7): a screening's outcome is never
styled as a success (.flash, green): presumed trafficking is a warning; insufficient
information and trafficking not established are neutral notices."""

from __future__ import annotations

import re

from fastapi import FastAPI

from pharos.domain.indicators import Dimension
from pharos.web.testing import signed_in_client

SEEN = {
    "person_label": "Worker D, packing house",
    "age": "34",
    "ind_ec_excessive_hours": "present",
    "ind_ec_low_no_salary": "present",
}


def _outcome_class(app: FastAPI, data: dict[str, str]) -> tuple[str, str]:
    client = signed_in_client(app, "it.labour")
    r = client.post("/screenings", data=data)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    m = re.search(r'<p class="([^"]+)" role="status" id="presumption"><strong>([^<]+)', page)
    assert m, page[:500]
    return m.group(1), m.group(2)


def test_insufficient_information_is_not_styled_as_success(app: FastAPI) -> None:
    css, text = _outcome_class(app, SEEN)
    assert text == "Insufficient information"
    assert css == "notice"


def test_not_established_is_neutral(app: FastAPI) -> None:
    explored = {f"explored_{d.value}": "1" for d in Dimension}
    css, text = _outcome_class(app, {**SEEN, **explored})
    assert text.startswith("Trafficking not established")
    assert css == "notice"
