"""The case list's total is exact (issue 18, item 7: "pagination with the total shown"), on
SQLite and PostgreSQL, for hypothesis-generated cases and every combination of filters: it
equals the number of cases met by paging through the list to its end, and the number that
the per-record rule finds case by case (``permissions.allowed`` on ``cases.case_ref``, what
opening a case checks, with each filter tested in Python on the case's fields), whatever part
of the reader's scope a case comes from (owned, assigned, the agency's, the state's, shared by
a referral or request, held before a transfer). The dashboard's "Every case I hold" count is
the list's with "Cases I hold"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import cases, dashboard
from pharos.coordinate.accounts import principal
from pharos.coordinate.permissions import Principal, allowed, searches_names
from pharos.domain.vocabulary import ExploitationType
from pharos.store.models import (
    Agency,
    Case,
    CaseAccess,
    CaseAssignment,
    Person,
    Referral,
    User,
)

pytestmark = pytest.mark.slow

STATES = ["ITA", "EGY", "GRC"]
READERS = [
    "it.labour",
    "it.labour2",
    "it.coordinator",
    "it.ngo",
    "it.lawyer",
    "it.journalist",
    "eg.police",
    "gr.police",
    "gr.coordinator",
]
STATUSES = ["active", "follow_up", "closed", "closed_referred"]
#: forms of exploitation of the vocabulary (pharos.domain.vocabulary.ExploitationType)
KINDS = ["forced_labour", "sexual_exploitation", "servitude"]
assert {ExploitationType(k) for k in KINDS}  # a form the filter does not know is ignored
NAMES = ["Amina", "Joy", "Haddad", "Okafor", "Ana Maria"]
DAY0 = datetime(2024, 1, 1, 12, tzinfo=UTC)

case_st = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "owner": st.integers(0, 10**6),
        "status": st.sampled_from(STATUSES),
        "kinds": st.lists(st.sampled_from(KINDS), max_size=2, unique=True),
        "day": st.integers(0, 60),
        "names": st.lists(st.sampled_from(NAMES), max_size=2),
        # agencies shared the case (by a referral or a request), each active or ended
        "shared": st.lists(st.tuples(st.integers(0, 10**6), st.booleans()), max_size=2),
        "assigned": st.lists(st.integers(0, 10**6), max_size=1),
        # a referral accepted by (or still awaiting) another agency: "Cases I hold"
        "referred": st.lists(st.tuples(st.integers(0, 10**6), st.booleans()), max_size=1),
        # the case came by a transfer (accepted) from an agency of another state
        "transferred_from": st.one_of(st.none(), st.integers(0, 10**6)),
    }
)
filter_st = st.fixed_dictionaries(
    {
        "q": st.sampled_from(["", "haddad", "ana m", "ita", "-2", "zz", "%", "a"]),
        "status": st.sampled_from(["", *STATUSES]),
        "state": st.sampled_from(["", *STATES]),
        "exploitation": st.sampled_from(["", *KINDS]),
        "opened_from": st.one_of(st.none(), st.integers(0, 60)),
        "opened_to": st.one_of(st.none(), st.integers(0, 60)),
        "agency": st.one_of(st.none(), st.integers(0, 10**6)),
        "mine": st.booleans(),
        "sort": st.sampled_from(list(cases.SORTS)),
    }
)


def _pick(items: list[Any], i: int) -> Any:
    return items[i % len(items)]


def _make(s: Session, made: list[dict[str, Any]]) -> None:
    # the readers own, are assigned, are shared and transfer the cases (so that every part of
    # every reader's scope is met often), with one agency that none of them works for
    users = list(
        s.execute(select(User).where(User.username.in_(READERS)).order_by(User.id)).scalars()
    )
    ids = {u.agency_id for u in users}
    other = s.execute(select(Agency).where(Agency.id.not_in(ids)).limit(1)).scalar_one()
    agencies = [
        *s.execute(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.id)).scalars(),
        other,
    ]
    for n, c in enumerate(made):
        owner = _pick([u for u in users if u.state == c["state"]], c["owner"])
        case = Case(
            reference=f"{c['state']}-2026-T{n:04d}",
            state=c["state"],
            owner_agency_id=owner.agency_id,
            owner_user_id=owner.id,
            status=c["status"],
            exploitation_types=c["kinds"],
            created_by_id=owner.id,
            created_at=DAY0 + timedelta(days=c["day"]),
            updated_at=DAY0 + timedelta(days=60 - c["day"]),
        )
        s.add(case)
        s.flush()
        for name in c["names"]:
            first, _, second = name.partition(" ")
            s.add(Person(case_id=case.id, role="victim", first_name=first, second_name=second))
        for i, active in c["shared"]:
            s.add(
                CaseAccess(
                    case_id=case.id,
                    agency_id=_pick(agencies, i).id,
                    via="referral",
                    via_id=0,
                    active=active,
                )
            )
        for i in c["assigned"]:
            s.add(CaseAssignment(case_id=case.id, user_id=_pick(users, i).id, role="lawyer"))
        moves: list[tuple[str, int, bool]] = [("referral", i, ok) for i, ok in c["referred"]]
        if c["transferred_from"] is not None:
            moves.append(("transfer", c["transferred_from"], True))
        for kind, i, accepted in moves:
            if kind == "transfer":
                sender = _pick([a for a in agencies if a.state != c["state"]], i)
                to = owner.agency_id
            else:
                sender = next(a for a in agencies if a.id == owner.agency_id)
                to = _pick(agencies, i).id
            s.add(
                Referral(
                    case_id=case.id,
                    kind=kind,
                    mechanism="nrm",
                    stage=2,
                    from_agency_id=sender.id,
                    from_user_id=owner.id,
                    to_agency_id=to,
                    reason="other",
                    status="accepted" if accepted else "in_progress",
                )
            )
    s.flush()


def _held(s: Session, p: Principal, c: Case) -> bool:
    """Whether ``p`` holds ``c`` ("Cases I hold": owns, its agency owns, is assigned, or its
    agency accepted a referral of it)."""
    if p.user_id == c.owner_user_id or p.agency_id == c.owner_agency_id:
        return True
    assigned = s.execute(select(CaseAssignment.user_id).where(CaseAssignment.case_id == c.id))
    if p.user_id in set(assigned.scalars()):
        return True
    taken = s.execute(
        select(Referral.id).where(
            Referral.case_id == c.id,
            Referral.to_agency_id == p.agency_id,
            Referral.kind == "referral",
            Referral.status == "accepted",
        )
    )
    return taken.first() is not None


def _expected(s: Session, p: Principal, f: cases.CaseFilter) -> set[int]:
    """The cases ``p`` finds with ``f``, from the per-record rule and the filters in Python."""
    out = set()
    for c in s.execute(select(Case)).scalars():
        if not allowed(p, "case", "read", cases.case_ref(s, c)):
            continue
        names = [f"{x.first_name} {x.second_name}".lower() for x in c.persons]
        text = f.q.strip().lower()
        opened = c.created_at.date()
        if (
            (
                not text
                or text in c.reference.lower()
                or (searches_names(p) and c.state == p.state and any(text in n for n in names))
            )
            and f.status in ("", c.status)
            and f.state in ("", c.state)
            and (not f.exploitation or f.exploitation in c.exploitation_types)
            and (f.opened_from is None or opened >= f.opened_from)
            and (f.opened_to is None or opened <= f.opened_to)
            and f.agency_id in (None, c.owner_agency_id)
            and (not f.mine or _held(s, p, c))
        ):
            out.add(c.id)
    return out


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    made=st.lists(case_st, min_size=0, max_size=14),
    filters=st.lists(filter_st, min_size=1, max_size=4),
)
def test_the_total_is_every_case_met_by_paging_to_the_end(
    engine: Engine, made: list[dict[str, Any]], filters: list[dict[str, Any]]
) -> None:
    with Session(engine) as s:
        _make(s, made)
        agencies = sorted(
            {
                u.agency_id
                for u in s.execute(select(User).where(User.username.in_(READERS))).scalars()
            }
        )
        for name in READERS:
            user = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
            assert user is not None, name
            p = principal(user)
            for raw in filters:
                f = cases.CaseFilter(
                    q=raw["q"],
                    status=raw["status"],
                    state=raw["state"],
                    exploitation=raw["exploitation"],
                    opened_from=None
                    if raw["opened_from"] is None
                    else (DAY0 + timedelta(days=raw["opened_from"])).date(),
                    opened_to=None
                    if raw["opened_to"] is None
                    else (DAY0 + timedelta(days=raw["opened_to"])).date(),
                    agency_id=None if raw["agency"] is None else _pick(agencies, raw["agency"]),
                    mine=raw["mine"],
                    sort=raw["sort"],
                )
                expected = _expected(s, p, f)
                with mock.patch.object(cases, "PAGE_SIZE", 3):
                    seen: list[int] = []
                    first = cases.find_cases(s, p, f)
                    for page in range(1, first.pages + 1):
                        found = cases.find_cases(s, p, replace(f, page=page))
                        assert (found.total, found.pages) == (first.total, first.pages)
                        seen += [c.id for c in found.cases]
                    past = cases.find_cases(s, p, replace(f, page=first.pages + 5))
                assert len(seen) == len(set(seen)), (name, raw)  # no case on two pages
                assert first.total == len(seen) == len(expected), (name, raw, first.total)
                assert set(seen) == expected, (name, raw)
                assert first.pages == max(1, -(-len(expected) // 3))
                assert past.page == first.pages  # a page past the end: the last
            held = cases.count_matching(s, p, cases.CaseFilter(mine=True))
            shown = dashboard.dashboard(s, p, date(2026, 12, 6)).my_cases_total
            assert held == shown == len(_expected(s, p, cases.CaseFilter(mine=True)))
        s.rollback()
