"""The request's language: chosen from the ``pharos_lang`` cookie, the user's preference or the
browser's Accept-Language, and applied with ``pharos.i18n.use_locale`` for the whole request."""

from __future__ import annotations

from pharos.i18n import SUPPORTED_LOCALES, normalise_locale

LANG_COOKIE = "pharos_lang"


def from_accept_language(header: str | None) -> str | None:
    """The best supported language in an Accept-Language header, or None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip()
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        base = tag.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED_LOCALES and q > 0:
            ranked.append((-q, i, base))
    return sorted(ranked)[0][2] if ranked else None


def choose_locale(cookie: str | None, user_pref: str | None, accept: str | None) -> str:
    """Cookie (an explicit choice on this browser) first, then the account's preference, then
    the browser's languages, then English."""
    for candidate in (cookie, user_pref):
        if candidate and candidate.split("_")[0].lower() in SUPPORTED_LOCALES:
            return normalise_locale(candidate)
    return from_accept_language(accept) or "en"
