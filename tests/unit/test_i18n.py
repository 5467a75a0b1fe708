"""Every user-facing string in the code and the domain's data is in a catalog, translated into
French and Arabic."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pharos.domain.cooperation import translatable_texts
from pharos.i18n import gettext, is_rtl, normalise_locale, use_locale

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"
LOCALE = SRC / "locale"
REQUIRED = ("fr", "ar")

METHOD_MAP = [
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}


KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def _extracted() -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> where it is used first: marked strings of the code and templates, and
    the texts of ``data/instruments.yaml`` (labels, channels, legal bases) that pages show."""
    found: dict[tuple[str | None, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(SRC),
        METHOD_MAP,
        OPTIONS,
        keywords=KEYWORDS,
    ):
        # a plural entry is found by its singular (msgid); its plural is its msgid_plural
        m = message[0] if isinstance(message, tuple) else message
        if m:
            found.setdefault((context, m), f"{filename}:{lineno}")
    for msgid, where in translatable_texts():
        found.setdefault((None, msgid), where)
    return found


def _catalog(lang: str) -> dict[tuple[str | None, str], str]:
    out: dict[tuple[str | None, str], str] = {}
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fp:
            for msg in read_po(fp, locale=lang):
                if not msg.id:
                    continue
                key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
                value = msg.string[0] if isinstance(msg.string, tuple) else msg.string
                out[(msg.context, key)] = value or ""
    return out


def test_every_string_is_translated_into_french_and_arabic() -> None:
    used = _extracted()
    for lang in REQUIRED:
        cat = _catalog(lang)
        missing = [f"{where}: {key!r}" for key, where in used.items() if not cat.get(key)]
        assert not missing, f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing[:40])


def test_locale_choice_and_direction() -> None:
    assert normalise_locale("fr-FR") == "fr"
    assert normalise_locale("de") == "en"
    assert is_rtl("ar") and not is_rtl("fr")
    with use_locale("en"):
        assert gettext("no such message in any catalog") == "no such message in any catalog"


def test_no_msgid_has_two_translations_without_a_context() -> None:
    """Catalogs of one language are merged: a msgid translated two ways in two areas would show
    one area's word in the other ("Liste" on a button that sets a speed). Such a msgid needs
    ``pgettext`` with a context in at least one place."""
    clashes = []
    for lang_dir in sorted(p for p in LOCALE.iterdir() if p.is_dir()):
        seen: dict[tuple[str | None, str], tuple[str, str]] = {}
        for po in sorted(lang_dir.glob("*.po")):
            with po.open("rb") as fp:
                for msg in read_po(fp, locale=lang_dir.name):
                    if not msg.id or isinstance(msg.id, tuple) or not msg.string:
                        continue
                    key = (msg.context, msg.id)
                    value = str(msg.string)
                    first = seen.setdefault(key, (po.name, value))
                    if first[1] != value:
                        clashes.append(
                            f"{lang_dir.name}: {msg.id!r} is {first[1]!r} in {first[0]} "
                            f"but {value!r} in {po.name}"
                        )
    assert not clashes, "\n".join(clashes[:40])


def test_pgettext_gives_each_context_its_own_word() -> None:
    from pharos.i18n import pgettext

    with use_locale("fr"):
        assert pgettext("action", "Set") != gettext("Set")
    with use_locale("en"):
        assert pgettext("action", "Set") == "Set"
