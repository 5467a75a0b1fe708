"""Plural forms differ where the language's grammar does.

Arabic has six plural categories (CLDR: zero, one, two, few 3–10, many 11–99, other): «مؤشر قوي
واحد», «مؤشران قويان», «3 مؤشرات قوية», «11 مؤشرًا قويًا». A plural entry whose forms are all the
same text was filled in by copying one form (the Arabic "%(n)s strong" had six identical forms):
the count then disagrees with its noun for most numbers.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from pharos.i18n import ngettext, use_locale

LOCALE = Path(__file__).resolve().parents[2] / "src" / "pharos" / "locale"


def test_no_plural_entry_repeats_one_form() -> None:
    bad = []
    for po in sorted(LOCALE.glob("*/*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=po.parent.name)
        for m in catalog:
            forms = m.string if isinstance(m.string, tuple) else ()
            if len(forms) > 1 and all(forms) and len(set(forms)) == 1:
                bad.append(f"{po.parent.name}/{po.name}: {m.id[0]!r} -> {forms[0]!r}")
    assert not bad, "plural entries with one form copied into every slot:\n" + "\n".join(bad)


def test_arabic_counts_agree_with_their_noun() -> None:
    with use_locale("ar"):
        said = {n: ngettext("%(n)s strong", "%(n)s strong", n) % {"n": n} for n in (1, 2, 3, 11)}
    assert said == {
        1: "مؤشر قوي واحد",
        2: "مؤشران قويان",
        3: "3 مؤشرات قوية",
        11: "11 مؤشرًا قويًا",
    }


def test_every_plural_form_is_filled() -> None:
    """A plural entry with a form left empty falls back to the English plural for the numbers of
    that form: French, Italian and Spanish have three CLDR forms (one, many, other), and the
    rehearsal page's counts had only two, so it said "5 actions refused" in all three
    (translation review 3, fr-039)."""
    bad = []
    for po in sorted(LOCALE.glob("*/*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=po.parent.name)
        for m in catalog:
            forms = m.string if isinstance(m.string, tuple) else ()
            if any(forms) and not all(forms):
                bad.append(f"{po.parent.name}/{po.name}: {m.id[0]!r}")
    assert not bad, "plural entries with an empty form:\n" + "\n".join(bad)


def test_the_rehearsal_counts_read_in_the_language_for_every_number() -> None:
    with use_locale("fr"):
        said = ngettext("%(n)s action refused", "%(n)s actions refused", 5) % {"n": 5}
    assert said == "5 actions refusées"
