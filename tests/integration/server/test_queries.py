"""The look-ups by id that list pages share (pharos.coordinate.queries), on the demo, against
the rows themselves read through the ORM one by one."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import queries
from pharos.coordinate.permissions import ADMIN
from pharos.store.models import Agency, User


def test_names_by_id_are_the_rows_names(engine: Engine) -> None:
    with Session(engine) as s:
        agencies = list(s.execute(select(Agency).order_by(Agency.id)).scalars())
        some = {a.id for a in agencies[:3]}
        missing = max(a.id for a in agencies) + 1
        assert queries.agency_names(s, some | {missing}) == {
            a.id: a.name for a in agencies[:3]
        }  # an id that names no agency is left out
        assert queries.all_agency_names(s) == {a.id: a.name for a in agencies}
        assert queries.agency_names(s, set()) == {}
        users = list(s.execute(select(User).order_by(User.id).limit(2)).scalars())
        assert queries.usernames(s, [u.id for u in users]) == {u.id: u.username for u in users}
        first = agencies[0]
        others = queries.other_agencies(s, first.id)
        # every practitioners' agency but the first: the administrators' office is none (it
        # takes no referral, issue 14 finding 2)
        practitioners = [a for a in agencies if a.kind != ADMIN]
        assert first not in others and len(others) == len(practitioners) - 1
        assert [(a.state, a.name) for a in others] == sorted((a.state, a.name) for a in others)
