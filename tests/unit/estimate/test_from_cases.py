"""Age bands of registrations read from cases (the store query is tested with the page)."""

from __future__ import annotations

from datetime import date

from pharos.estimate.from_cases import age_band


def test_age_band_at_registration() -> None:
    assert age_band(date(2008, 6, 2), date(2026, 6, 1)) == "child"
    assert age_band(date(2008, 6, 1), date(2026, 6, 1)) == "adult"
    assert age_band(None, date(2026, 6, 1)) == "unknown"
