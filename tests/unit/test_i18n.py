"""Every user-facing string in the code is in a catalog, translated into French and Arabic."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pharos.i18n import gettext, is_rtl, normalise_locale, use_locale

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"
LOCALE = SRC / "locale"
REQUIRED = ("fr", "ar")

METHOD_MAP = [
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}


def _extracted() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(SRC),
        METHOD_MAP,
        OPTIONS,
        keywords={"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        msgids = message if isinstance(message, tuple) else (message,)
        for m in msgids:
            if m:
                found.setdefault(m, f"{filename}:{lineno}")
    return found


def _catalog(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fp:
            for msg in read_po(fp, locale=lang):
                if not msg.id:
                    continue
                key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
                value = msg.string[0] if isinstance(msg.string, tuple) else msg.string
                out[key] = value or ""
    return out


def test_every_string_is_translated_into_french_and_arabic() -> None:
    used = _extracted()
    for lang in REQUIRED:
        cat = _catalog(lang)
        missing = [f"{where}: {msgid!r}" for msgid, where in used.items() if not cat.get(msgid)]
        assert not missing, f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing[:40])


def test_locale_choice_and_direction() -> None:
    assert normalise_locale("fr-FR") == "fr"
    assert normalise_locale("de") == "en"
    assert is_rtl("ar") and not is_rtl("fr")
    with use_locale("en"):
        assert gettext("no such message in any catalog") == "no such message in any catalog"
