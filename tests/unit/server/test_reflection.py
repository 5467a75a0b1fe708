"""The recovery and reflection period: length per state and warnings before it ends."""

from __future__ import annotations

from datetime import date

from pharos.coordinate.reflection import basis_text, period_warning, reflection_rule
from pharos.i18n import use_locale
from pharos.store.models import ReflectionPeriod


def test_period_length_comes_from_the_state() -> None:
    assert reflection_rule("MLT").days == 60 and reflection_rule("MLT").known  # 2 months
    assert reflection_rule("ITA").days == 30 and not reflection_rule("ITA").known


def test_warning_before_the_period_ends() -> None:
    p = ReflectionPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31), days=30)
    assert period_warning(p, date(2026, 1, 10), 7) is None
    assert period_warning(p, date(2026, 1, 25), 7) == "ending"
    assert period_warning(p, date(2026, 2, 1), 7) == "ended"


def test_default_basis_is_explained_in_the_readers_language() -> None:
    p = ReflectionPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31), days=30, basis="")
    with use_locale("fr"):
        assert "30 jours" in basis_text(p)
    p.basis = "US TIP Report 2019"
    assert basis_text(p) == "US TIP Report 2019"
