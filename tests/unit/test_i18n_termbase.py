"""Every catalog speaks the field's language: the termbase's pinned terms of art are used where
the English term occurs, and its forbidden variants appear nowhere.

The termbase is ``src/pharos/locale/termbase.yaml`` (its terms come from the official texts of the
Palermo Protocol, Directive 2011/36/EU, UNTOC, the ILO forced-labour indicators; each names its
source). docs/architecture.md, "Languages", says how to add a term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "pharos" / "locale"
LANGUAGES = ("fr", "ar", "it", "el", "es")


@dataclass(frozen=True)
class Entry:
    where: str
    context: str | None
    msgid: str
    forms: tuple[str, ...]


@cache
def termbase() -> dict:
    with (LOCALE / "termbase.yaml").open(encoding="utf-8") as fp:
        return yaml.safe_load(fp)


@cache
def entries(lang: str) -> tuple[Entry, ...]:
    out = []
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fp:
            for m in read_po(fp, locale=lang):
                if not m.id:
                    continue
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                forms = m.string if isinstance(m.string, tuple) else (m.string,)
                out.append(
                    Entry(f"{lang}/{po.name}", m.context, ids[0], tuple(f for f in forms if f))
                )
    return tuple(out)


def pinned_violations(lang: str, terms: list[dict], catalog: tuple[Entry, ...]) -> list[str]:
    bad = []
    for term in terms:
        rule = term.get(lang)
        if not rule:
            continue
        english = re.compile(term["en"], re.IGNORECASE)
        uses = [re.compile(u, re.IGNORECASE) for u in rule["use"]]
        excepted = set(term.get("except", []))
        for e in catalog:
            if e.msgid in excepted or not english.search(e.msgid):
                continue
            if "context" in term and e.context != term["context"]:
                continue
            for form in e.forms:
                if not any(u.search(form) for u in uses):
                    bad.append(f"{e.where}: {term['id']}: {e.msgid!r} -> {form!r}")
    return bad


def avoided_violations(rules: list[dict], catalog: tuple[Entry, ...]) -> list[str]:
    bad = []
    for rule in rules:
        pattern = re.compile(rule["pattern"], re.IGNORECASE)
        excepted = set(rule.get("except", []))
        for e in catalog:
            if e.msgid in excepted:
                continue
            for form in e.forms:
                if pattern.search(form):
                    bad.append(f"{e.where}: {rule['reason']}: {e.msgid!r} -> {form!r}")
    return bad


def test_termbase_is_well_formed() -> None:
    tb = termbase()
    ids = [t["id"] for t in tb["terms"]]
    assert len(ids) == len(set(ids)), "a term id is used twice"
    for term in tb["terms"]:
        re.compile(term["en"])
        rules = [term[lang] for lang in LANGUAGES if lang in term]
        assert rules, f"{term['id']}: pins no language"
        for rule in rules:
            assert rule["source"] in tb["sources"], f"{term['id']}: unknown source {rule['source']}"
            for u in rule["use"]:
                re.compile(u)
    for lang, rules in tb["avoid"].items():
        assert lang in LANGUAGES
        for rule in rules:
            re.compile(rule["pattern"])
            assert rule["reason"]


def test_the_check_catches_a_wrong_term() -> None:
    """The check itself: the defects the 2025 review found would fail it."""
    tb = termbase()
    wrong = (
        Entry("fr/x.po", None, "Screening", ("Dépistage",)),
        Entry("fr/x.po", None, "Injects", ("Injections",)),
        Entry("fr/x.po", None, "Hidden figure", ("Chiffre caché",)),
        Entry("ar/x.po", "Palermo act", "Transfer", ("النقل",)),
    )
    fr = pinned_violations("fr", tb["terms"], wrong[:3]) + avoided_violations(
        tb["avoid"]["fr"], wrong[:3]
    )
    for msgid in ("Screening", "Injects", "Hidden figure"):
        assert any(repr(msgid) in v for v in fr), (msgid, fr)
    assert pinned_violations("ar", tb["terms"], wrong[3:])
    right = (Entry("ar/x.po", "Palermo act", "Transfer", ("التنقيل",)),)
    assert not pinned_violations("ar", tb["terms"], right)


def test_a_case_file_and_a_court_case_keep_their_arabic_words() -> None:
    """The exercise called the agencies' case files «قضايا» (a case in court) where the case
    pages say «الحالات»; a prosecution's case stays «قضية»."""
    tb = termbase()
    wrong = (
        Entry("ar/x.po", None, "Case files", ("ملفات القضايا",)),
        Entry("ar/x.po", None, "%(t)s opened a case for %(p)s", ("فتح %(t)s ملفًا لـ %(p)s",)),
        Entry("ar/x.po", None, "Drop the case", ("إغلاق الحالة",)),
    )
    found = pinned_violations("ar", tb["terms"], wrong) + avoided_violations(
        tb["avoid"]["ar"], wrong
    )
    for msgid in ("Case files", "%(t)s opened a case for %(p)s", "Drop the case"):
        assert any(repr(msgid) in v for v in found), (msgid, found)
    right = (
        Entry("ar/x.po", None, "Case files", ("ملفات الحالات",)),
        Entry("ar/x.po", None, "Drop the case", ("حفظ القضية",)),
    )
    assert not pinned_violations("ar", tb["terms"], right)
    assert not avoided_violations(tb["avoid"]["ar"], right)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pinned_terms_are_used(lang: str) -> None:
    bad = pinned_violations(lang, termbase()["terms"], entries(lang))
    assert not bad, f"{len(bad)} messages miss the pinned term:\n" + "\n".join(bad[:60])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forbidden_variants_never_appear(lang: str) -> None:
    bad = avoided_violations(termbase()["avoid"].get(lang, []), entries(lang))
    assert not bad, f"{len(bad)} messages use a forbidden variant:\n" + "\n".join(bad[:60])
