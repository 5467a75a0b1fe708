"""Each converted count reads right for 0, 1, 2, 5, 11 and 100 in every language (issue 20, item 5).

The plural entries of the counts area (``src/pharos/locale/<lang>/counts.po``) are rendered the way
the code renders them (``ngettext(...) % values``) with every placeholder set to the number. The
form chosen for each number is checked against CLDR's plural rules as Babel ships them (not
written here): Arabic one / two / few (3–10) / many (11–99) / other, French 0 and 1 singular,
Italian, Greek and Spanish 1 singular, and French, Italian and Spanish a form of their own for
exact millions ("1 000 000 de jours"). Then the text itself: with the number masked, the form for 1
differs from the form for 2 in every language (a plural form copied into the singular slot
fails), and in Arabic the forms for 1, 2, 5 and 11 all differ (one, dual, plural after 3–10,
singular accusative after 11–99: «جهة واحدة», «جهتان», «5 جهات», «11 جهةً»), 1 and 2 spell the
number out, and 5, 11, 100 show it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.core import Locale
from babel.messages.pofile import read_po

from pharos.i18n import ngettext, translations, use_locale

LOCALE = Path(__file__).resolve().parents[2] / "src" / "pharos" / "locale"
LANGS = ("en", "fr", "ar", "it", "el", "es")
NUMBERS = (0, 1, 2, 5, 11, 100)
#: gettext's plural index for each CLDR category, in the order of the catalogs' Plural-Forms
CLDR_INDEX = {
    "ar": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 4, "other": 5},
    # one, then "many" (exact millions: "1 000 000 de jours"), then other
    **{lang: {"one": 0, "many": 1, "other": 2} for lang in ("fr", "it", "es")},
    "el": {"one": 0, "other": 1},
}


class _AllN(dict[str, int]):
    """Every placeholder holds the number (the count, and any figure beside it)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __missing__(self, key: str) -> int:
        return self.n


def _entries() -> list[tuple[str, str]]:
    with (LOCALE / "fr" / "counts.po").open("rb") as fp:
        catalog = read_po(fp, locale="fr")
    return [(m.id[0], m.id[1]) for m in catalog if isinstance(m.id, tuple)]


def render(lang: str, singular: str, plural: str, n: int) -> str:
    with use_locale(lang):
        return ngettext(singular, plural, n) % _AllN(n)


def _masked(text: str, n: int) -> str:
    return re.sub(rf"(?<!\d){n}(?!\d)", "#", text)


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_plural_rule_is_cldrs(lang: str) -> None:
    rule = Locale.parse(lang).plural_form
    chosen = {n: translations(lang).plural(n) for n in (*NUMBERS, 3, 10, 99, 101, 111)}
    assert chosen == {n: CLDR_INDEX[lang][rule(n)] for n in chosen}


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e[0][:40])
@pytest.mark.parametrize("lang", LANGS)
def test_count_reads_right(lang: str, entry: tuple[str, str]) -> None:
    said = {n: render(lang, *entry, n) for n in NUMBERS}
    for n in (5, 11, 100):
        assert str(n) in said[n], (n, said[n])
    assert _masked(said[1], 1) != _masked(said[2], 2), said
    if lang == "ar":
        masked = [_masked(said[n], n) for n in (1, 2, 5, 11)]
        assert len(set(masked)) == 4, said
        if len(re.findall(r"%\(\w+\)", entry[0])) == 1:  # the count is the only figure
            assert "#" not in _masked(said[1], 1) + _masked(said[2], 2), said
        assert str(0) in said[0], said


def test_examples_read_as_a_native_speaker_writes_them() -> None:
    """Spot checks of the grammar, per CLDR category (Arabic agreement as in the review)."""
    agency = ("%(n)s agency", "%(n)s agencies")
    assert [render("ar", *agency, n) for n in (1, 2, 5, 11, 100)] == [
        "جهة واحدة",
        "جهتان",
        "5 جهات",
        "11 جهةً",
        "100 جهة",
    ]
    assert [render("fr", *agency, n) for n in (0, 1, 2)] == [
        "0 organisme",
        "1 organisme",
        "2 organismes",
    ]
    assert render("en", *agency, 1) == "1 agency"
    assert render("el", *agency, 1) == "1 φορέας"
