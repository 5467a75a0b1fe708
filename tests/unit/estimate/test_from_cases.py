"""Age bands of registrations read from cases, and which registrations are one person after
duplicate resolution (the store query is tested with the page and in
tests/integration/server/test_duplicates.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from pharos.estimate.from_cases import age_band, person_keys
from pharos.store.models import DuplicateFlag, Person


def test_age_band_at_registration() -> None:
    assert age_band(date(2008, 6, 2), date(2026, 6, 1)) == "child"
    assert age_band(date(2008, 6, 1), date(2026, 6, 1)) == "adult"
    assert age_band(None, date(2026, 6, 1)) == "unknown"


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    DuplicateFlag.__table__.create(engine)  # type: ignore[attr-defined]
    with Session(engine) as s:
        yield s
    engine.dispose()


def flag(session: Session, a: int, b: int, resolution: str | None) -> None:
    for x, y in ((a, b), (b, a)):
        session.add(
            DuplicateFlag(
                person_id=x,
                other_person_id=y,
                case_id=x,
                other_case_id=y,
                reason="test",
                resolution=resolution,
            )
        )
    session.flush()


def groups(session: Session, persons: list[Person]) -> list[set[int]]:
    keys = person_keys(session, persons)
    by_key: dict[str, set[int]] = {}
    for pid, key in keys.items():
        by_key.setdefault(key, set()).add(pid)
    return sorted(by_key.values(), key=min)


def people(*match_keys: str) -> list[Person]:
    return [Person(id=n, match_key=k) for n, k in enumerate(match_keys, start=1)]


def test_same_match_key_is_one_person_unless_dismissed(session: Session) -> None:
    persons = people("k", "k", "")
    assert groups(session, persons) == [{1, 2}, {3}]
    flag(session, 1, 2, "dismissed")
    assert groups(session, persons) == [{1}, {2}, {3}]


def test_confirmed_flag_joins_registrations_with_different_keys(session: Session) -> None:
    persons = people("a", "b", "", "")
    flag(session, 1, 2, "confirmed")
    flag(session, 3, 4, "confirmed")
    assert groups(session, persons) == [{1, 2}, {3, 4}]


def test_open_flags_change_nothing_and_confirmations_are_transitive(session: Session) -> None:
    persons = people("a", "b", "c")
    flag(session, 1, 2, None)
    assert groups(session, persons) == [{1}, {2}, {3}]
    flag(session, 1, 2, "confirmed")
    flag(session, 2, 3, "confirmed")
    flag(session, 1, 3, "dismissed")  # contradicted by the two confirmations
    assert groups(session, persons) == [{1, 2, 3}]
