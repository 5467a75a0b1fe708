"""Duplicate matching keys and the recovery and reflection period rule."""

from __future__ import annotations

from datetime import date

from pharos.coordinate.cases import match_key, period_warning, reflection_rule
from pharos.store.models import ReflectionPeriod


def test_same_person_written_differently_matches() -> None:
    a = match_key("Amína", "Haddad", date(1998, 4, 2), "egy")
    b = match_key("haddad", "AMINA", date(1998, 4, 2), "EGY")
    assert a == b and a
    assert match_key("Amina", "Haddad", date(1998, 4, 3), "EGY") != a
    assert match_key("Amina", "", None, "EGY") == ""  # too little to match on


def test_period_length_comes_from_the_state() -> None:
    assert reflection_rule("MLT").days == 60 and reflection_rule("MLT").known  # 2 months
    assert reflection_rule("ITA").days == 30 and not reflection_rule("ITA").known


def test_warning_before_the_period_ends() -> None:
    p = ReflectionPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31), days=30)
    assert period_warning(p, date(2026, 1, 10), 7) is None
    assert period_warning(p, date(2026, 1, 25), 7) == "ending"
    assert period_warning(p, date(2026, 2, 1), 7) == "ended"
