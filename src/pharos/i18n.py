"""Translation of every user-facing string (Babel, gettext catalogs).

Catalogs live in ``pharos/locale/<lang>/<area>.po``, one file per area of the code (domain, sim,
web, exercise, learn, ...) so that areas do not edit the same file. All areas of one language
are merged into one set of translations at first use; the ``.po`` files are compiled in memory,
so the repository holds no binary catalogs.

Use ``_("text")`` for a string shown now, ``lazy_gettext("text")`` for a string defined at
import time and shown later, and ``use_locale("fr")`` (a context manager) or ``set_locale`` to
choose the language of the current task or thread. ``pgettext("context", "text")`` (templates
too) gives a word its own translation where the same English means different things in two
places; a test refuses a msgid translated two ways in two areas of one language without one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

#: Languages Pharos speaks, in the order they are offered to users.
SUPPORTED_LOCALES: tuple[str, ...] = ("en", "fr", "ar", "it", "el", "es")
#: The languages written right to left.
RTL_LOCALES: frozenset[str] = frozenset({"ar"})
LOCALE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "it": "Italiano",
    "el": "Ελληνικά",
    "es": "Español",
}
DEFAULT_LOCALE = "en"

_current: ContextVar[str] = ContextVar("pharos_locale", default=DEFAULT_LOCALE)
_recording: ContextVar[bool] = ContextVar("pharos_i18n_recording", default=False)


class Message(str):
    """A translated text (a ``str``) that remembers what it was translated from: ``msgid``,
    ``context`` (pgettext), ``plural`` and ``n`` (ngettext) and, after ``%``, ``args``."""

    msgid: str
    context: str | None
    plural: str | None
    n: int | None
    args: Any

    def __new__(
        cls,
        text: str,
        msgid: str,
        *,
        context: str | None = None,
        plural: str | None = None,
        n: int | None = None,
        args: Any = None,
    ) -> Message:
        self = super().__new__(cls, text)
        self.msgid, self.context, self.plural, self.n, self.args = msgid, context, plural, n, args
        return self

    def __str__(self) -> str:
        return self  # str() of a label keeps what it was translated from

    def __mod__(self, args: Any) -> Message:
        return Message(
            str.__mod__(self, args),
            self.msgid,
            context=self.context,
            plural=self.plural,
            n=self.n,
            args=args,
        )


@contextmanager
def recording() -> Iterator[None]:
    """Translations in this block come back as :class:`Message` (in the current locale)."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def normalise_locale(lang: str | None) -> str:
    """The supported locale closest to ``lang`` ("fr_FR" -> "fr"); English otherwise."""
    if not lang:
        return DEFAULT_LOCALE
    base = lang.replace("-", "_").split("_")[0].lower()
    return base if base in SUPPORTED_LOCALES else DEFAULT_LOCALE


@cache
def translations(lang: str) -> NullTranslations:
    """All catalogs of ``lang`` merged into one Translations object."""
    lang = normalise_locale(lang)
    merged: Translations | None = None
    folder = resources.files("pharos").joinpath("locale", lang)
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".po"):
                continue
            with entry.open("rb") as fp:
                catalog = read_po(fp, locale=lang)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            t = Translations(buf)
            if merged is None:
                merged = t
            else:
                merged.merge(t)
    return merged if merged is not None else NullTranslations()


def current_locale() -> str:
    return _current.get()


def set_locale(lang: str | None) -> str:
    """Choose the language for the current context; returns the locale actually used."""
    chosen = normalise_locale(lang)
    _current.set(chosen)
    return chosen


@contextmanager
def use_locale(lang: str | None) -> Iterator[str]:
    token = _current.set(normalise_locale(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def is_rtl(lang: str | None = None) -> bool:
    return normalise_locale(lang or current_locale()) in RTL_LOCALES


def gettext(message: str) -> str:
    text = translations(current_locale()).gettext(message)
    return Message(text, message) if _recording.get() else text


def ngettext(singular: str, plural: str, n: int) -> str:
    text = translations(current_locale()).ngettext(singular, plural, n)
    return Message(text, singular, plural=plural, n=n) if _recording.get() else text


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context``: for a word that means different things in two
    places ("Set" a speed, an indicator "Set"), so each gets its own translation."""
    text = str(translations(current_locale()).pgettext(context, message))
    return Message(text, message, context=context) if _recording.get() else text


def lazy_pgettext(context: str, message: str) -> LazyProxy:
    return LazyProxy(pgettext, context, message, enable_cache=False)


def lazy_gettext(message: str) -> LazyProxy:
    """A string translated when it is used, in the locale current at that moment."""
    return LazyProxy(gettext, message, enable_cache=False)


def format_list(items: Iterable[Any], style: str = "standard") -> str:
    """``items`` as a list in the current language, by CLDR's list patterns (Babel): "a, b and
    c", « a, b et c », «a وb وc». ``style="unit"`` for measures ("1 strong, 2 medium"); where
    CLDR has no pattern of that style for the language, the standard one. Never ``", ".join``
    in user-facing text: Arabic separates with «،» and «و»."""
    seq = [str(item) for item in items]
    if not seq:
        return ""
    locale = current_locale()
    patterns = Locale.parse(locale).list_patterns.get(style)
    if patterns is None or (len(seq) == 2 and "2" not in patterns):
        # No pattern of that style, or none for two items (Arabic "unit" in Babel 2.19's data:
        # Babel then applies "start" and "end" to two items and repeats the second,
        # "A، وB، وB"): the standard pattern.
        style = "standard"
    return babel_lists.format_list(seq, style=style, locale=locale)  # type: ignore[arg-type]


def format_number(value: float, decimals: int = 0, *, fixed: bool = True) -> str:
    """``value`` in the current language's digits and separators (CLDR, through Babel):
    "1,234.5", « 1 234,5 », "1.234,5"; ``decimals`` places, all shown when ``fixed`` (like
    ``%.2f``), else only those needed ("0.3", "2"). Never a raw ``%.1f`` in user-facing text."""
    pattern = "#,##0"
    if decimals:
        pattern += "." + ("0" if fixed else "#") * decimals
    return str(babel_numbers.format_decimal(value, format=pattern, locale=current_locale()))


def join_items(items: Iterable[Any]) -> str:
    """``items`` that contain commas themselves, one after the other with the language's
    semicolon: "a, b; c" in English, « a ; b » in French, «a؛ b» in Arabic, "a· b" in Greek."""
    return pgettext("separator of items that contain commas", "; ").join(str(i) for i in items)


def N_(message: str) -> str:
    """``message`` as it is, marked for the catalogs: a msgid kept as data and translated by
    ``gettext`` where it is used (in a language known only then, or while recording)."""
    return message


_ = gettext
