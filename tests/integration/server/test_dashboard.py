"""The dashboard highlights the overdue improvement-plan items of the user's own agency, and
only those (issue 6: "overdue ones highlighted on the dashboard")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.store.models import User
from pharos.store.models.learn import ImprovementItem
from pharos.web.testing import signed_in_client

PAST = date.today() - timedelta(days=10)
FUTURE = date.today() + timedelta(days=10)


@pytest.fixture(scope="module")
def items(engine: Engine) -> None:
    with Session(engine) as s:
        agency = dict(s.execute(select(User.username, User.agency_id)).all())

        def add(user: str, title: str, due: date, status: str = "open") -> None:
            s.add(
                ImprovementItem(
                    title=title,
                    owner="Unit lead",
                    state="ITA",
                    agency_id=agency[user],
                    due_date=due,
                    status=status,
                )
            )

        add("it.labour", "Train inspectors on the indicators", PAST)
        add("it.labour", "Translate the referral form", FUTURE)
        add("it.labour", "Already done late", PAST, "done")
        add("it.labour", "Started but late", PAST, "in_progress")
        add("it.ngo", "Open a night shelter line", PAST)
        s.commit()


def test_overdue_items_of_my_agency_are_highlighted(app: FastAPI, items: None) -> None:
    page = signed_in_client(app, "it.labour").get("/")
    assert page.status_code == 200
    section = page.text.split('class="card overdue-items"', 1)[1].split("</section>", 1)[0]
    assert "Train inspectors on the indicators" in section and "Started but late" in section
    assert "2 actions of your agency" in section and "pill bad" in section
    for absent in ("Translate the referral form", "Already done late", "night shelter"):
        assert absent not in page.text


def test_only_my_agency_s_items_even_for_the_coordinator(app: FastAPI, items: None) -> None:
    ngo = signed_in_client(app, "it.ngo").get("/api/v1/dashboard").json()
    assert [i["title"] for i in ngo["overdue_improvement_items"]] == ["Open a night shelter line"]
    # the national coordinator may read every item of the state, but the dashboard shows the
    # items assigned to its own agency: none here
    coordinator = signed_in_client(app, "it.coordinator")
    assert coordinator.get("/api/v1/dashboard").json()["overdue_improvement_items"] == []
    assert "overdue-items" not in coordinator.get("/").text
    assert "overdue-items" not in signed_in_client(app, "eg.police").get("/").text


def test_the_highlight_is_translated(app: FastAPI, items: None) -> None:
    client = signed_in_client(app, "it.labour")
    assert "Actions d’amélioration en retard" in client.get("/?lang=fr").text.replace(
        "'", "’"
    ).replace("&#39;", "’")
    assert "إجراءات التحسين المتأخرة" in client.get("/?lang=ar").text
