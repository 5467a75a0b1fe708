"""The request's language: cookie, then account preference, then Accept-Language."""

from __future__ import annotations

from pharos.web.i18n import choose_locale, from_accept_language


def test_accept_language_quality_order() -> None:
    assert from_accept_language("de-DE,ar;q=0.8,fr;q=0.9") == "fr"
    assert from_accept_language("de, nl") is None
    assert from_accept_language("el-GR") == "el"


def test_cookie_wins_then_preference_then_browser() -> None:
    assert choose_locale("ar", "fr", "es") == "ar"
    assert choose_locale(None, "fr", "es") == "fr"
    assert choose_locale(None, None, "es-ES") == "es"
    assert choose_locale("xx", None, None) == "en"
