"""Duplicate matching keys: one person registered by two agencies."""

from __future__ import annotations

from datetime import date

from pharos.coordinate.cases import match_key


def test_same_person_written_differently_matches() -> None:
    a = match_key("Amína", "Haddad", date(1998, 4, 2), "egy")
    b = match_key("haddad", "AMINA", date(1998, 4, 2), "EGY")
    assert a == b and a
    assert match_key("Amina", "Haddad", date(1998, 4, 3), "EGY") != a
    assert match_key("Amina", "", None, "EGY") == ""  # too little to match on
