"""Pharos' own cases feed the equal-protection monitor, minimised."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.learn.own_cases import case_outcomes
from pharos.learn.schema import CASE_OUTCOME_SCHEMA
from pharos.store.db import make_engine, migrate
from pharos.store.models import Case, Person, SupportPlan, User
from pharos.web.testing import fresh_database


def test_cases_become_minimised_case_outcome_rows(tmp_path: Path) -> None:
    engine = fresh_database(f"sqlite:///{tmp_path / 'p.db'}")
    with Session(engine) as session:
        user = session.execute(select(User).where(User.username == "it.ngo")).scalar_one()
        opened = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        case = Case(reference="T-1", state="ITA", owner_agency_id=user.agency_id,
                    owner_user_id=user.id, created_by_id=user.id, created_at=opened,
                    exploitation_types=["forced_labour"])  # fmt: skip
        session.add(case)
        session.flush()
        session.add(Person(case_id=case.id, role="victim", first_name="Secret",
                           gender="masculine", birthdate=date(2010, 6, 1), citizenship="EGY",
                           trafficking_status="actual_victim"))  # fmt: skip
        session.add(Person(case_id=case.id, role="perpetrator", gender="masculine"))
        session.add(SupportPlan(case_id=case.id, type="Health", created_by_id=user.id,
                                created_at=opened + timedelta(days=10)))  # fmt: skip
        session.commit()
        frame = case_outcomes(session)
    assert list(frame.columns) == list(CASE_OUTCOME_SCHEMA)
    mine = frame.filter(frame.get_column("citizenship") == "EGY").to_dicts()
    assert len(mine) == 1  # the perpetrator is not a victim row
    row = mine[0]
    assert row["source"] == "pharos" and row["age_band"] == "9--17" and row["minor"] is True
    assert row["identified"] is True and row["protected"] is True
    assert row["days_to_protection"] == 10.0 and row["exploitation_type"] == "forced_labour"
    assert "Secret" not in str(frame.to_dicts())


def test_no_cases_no_rows(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    migrate(engine)
    with Session(engine) as session:
        assert case_outcomes(session).height == 0
