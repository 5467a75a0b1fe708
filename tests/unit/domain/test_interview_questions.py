"""Every ILO/EC indicator carries interview questions, in the six languages (issue 20, item 3).

The questions' English text has one home, ``domain/data/indicators.yaml`` (``delphi_labour.
questions``, next to the indicators), and its translations are in the catalogs' area
``interview_questions``. Written after the WHO ethical and safety recommendations for
interviewing trafficked women (Zimmerman and Watts, WHO 2003; docs/domain.md, "Interview
questions"): checked here are what a program can check — each is one question, in the second
person, ends with the language's question mark, never asks "why" (it sounds like blame), and the
translations respect the termbase's pinned terms and forbidden variants.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from pharos.cli import app
from pharos.domain.explain import explained, interview_questions, question_groups
from pharos.domain.indicators import Weight, delphi_indicators
from pharos.domain.screening import Observation, Person, screen
from pharos.domain.screening_types import QuestionKind
from pharos.i18n import use_locale

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "src" / "pharos" / "locale"
LANGUAGES = ("fr", "ar", "it", "el", "es")
QUESTION_MARK = {"en": "?", "fr": " ?", "ar": "؟", "it": "?", "el": ";", "es": "?"}
#: "why" in each language: a why-question asks the person to justify themselves
WHY = {
    "en": r"\bwhy\b",
    "fr": r"pourquoi",
    "ar": r"لماذا|لم َ",
    "it": r"perché",
    "el": r"γιατί",
    "es": r"por qué|¿por qué",
}
SECOND_PERSON = {
    "en": r"\byou(r)?\b",
    "fr": r"\bvous\b|\bvos?\b|\bvotre\b",
}


def catalog(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "interview_questions.po").open("rb") as fp:
        return {m.id: m.string for m in read_po(fp, locale=lang) if isinstance(m.id, str) and m.id}


def all_questions() -> list[tuple[str, str]]:
    return [(i.id, q) for i in delphi_indicators().values() for q in i.questions]


def test_every_indicator_has_a_question() -> None:
    indicators = delphi_indicators()
    assert len(indicators) == 67  # the adult list of the ILO/EC operational indicators
    assert all(i.questions for i in indicators.values())
    assert len({q for _i, q in all_questions()}) == len(all_questions()), "a question twice"


def test_questions_live_next_to_the_indicators_grouped_by_dimension() -> None:
    data = yaml.safe_load((ROOT / "src/pharos/domain/data/indicators.yaml").read_text("utf-8"))
    stored = data["delphi_labour"]["questions"]
    for ind in delphi_indicators().values():
        assert tuple(stored[ind.dimension.value][ind.id]) == ind.questions


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_question_is_translated(lang: str) -> None:
    cat = catalog(lang)
    missing = [q for _i, q in all_questions() if not cat.get(q) or cat[q] == q]
    assert not missing, f"{lang}: {len(missing)} questions not translated: {missing[:5]}"
    with use_locale(lang):
        for iid, _q in all_questions():
            assert all(t in cat.values() for t in interview_questions(iid))


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_each_is_one_plain_question_never_why(lang: str) -> None:
    cat = catalog(lang) if lang != "en" else {}
    bad = []
    for iid, q in all_questions():
        text = cat.get(q, q)
        mark = QUESTION_MARK[lang]
        if not text.endswith(mark) or text.count(mark.strip()) != 1:
            bad.append(f"{iid}: not one question: {text!r}")
        if re.search(WHY[lang], text, re.IGNORECASE):
            bad.append(f"{iid}: asks why: {text!r}")
        # (Spanish, Italian, Greek and Arabic say "you" in the verb: not checked by pattern)
        if lang in ("en", "fr") and not re.search(SECOND_PERSON[lang], text, re.I):
            bad.append(f"{iid}: not addressed to the person: {text!r}")
        if len(text) > 220:
            bad.append(f"{iid}: too long to ask in one breath: {text!r}")
    assert not bad, "\n".join(bad)


def test_the_termbase_is_respected_by_the_questions() -> None:
    # tests/unit/test_i18n_termbase.py checks every catalog; this names the questions' own
    tb = yaml.safe_load((LOCALE / "termbase.yaml").read_text("utf-8"))
    bad = []
    for lang in LANGUAGES:
        cat = catalog(lang)
        for term in tb["terms"]:
            rule = term.get(lang)
            if not rule or "context" in term:
                continue
            for msgid, text in cat.items():
                if (
                    re.search(term["en"], msgid, re.I)
                    and msgid not in term.get("except", [])
                    and not any(re.search(u, text, re.I) for u in rule["use"])
                ):
                    bad.append(f"{lang}: {term['id']}: {text!r}")
        for avoid in tb["avoid"].get(lang, []):
            bad += [
                f"{lang}: {avoid['reason']}: {t!r}"
                for t in cat.values()
                if re.search(avoid["pattern"], t, re.I)
            ]
    assert not bad, "\n".join(bad)


def test_the_check_sees_a_why_question() -> None:
    assert re.search(WHY["fr"], "Pourquoi n’êtes-vous pas parti ?", re.IGNORECASE)
    assert re.search(WHY["en"], "Why did you not leave?", re.IGNORECASE)


def test_questions_are_grouped_by_dimension_decisive_first() -> None:
    s = screen(
        [Observation("ec_low_no_salary"), Observation("cd_confiscation_documents")], Person(age=30)
    )
    groups = question_groups(s)
    dims = [d for d, _qs in groups]
    assert len(dims) == len(set(dims)), "a dimension in two groups"
    assert sum(len(qs) for _d, qs in groups) == len(s.ask_next)
    rank = {Weight.STRONG: 0, Weight.MEDIUM: 1, Weight.WEAK: 2}
    for _d, qs in groups:
        keys = [(not q.decisive, rank[q.weight]) for q in qs if q.weight is not None]
        assert keys == sorted(keys)
    # the groups whose questions can decide come before those that cannot
    decisive = [any(q.decisive for q in qs) for _d, qs in groups]
    assert decisive == sorted(decisive, reverse=True) and decisive[0]


def test_the_json_carries_the_text_of_every_question() -> None:
    s = screen([Observation("ec_low_no_salary")], Person(age=30))
    with use_locale("fr"):
        out = explained(s)
    cat = catalog("fr")
    assert len(out["ask_next"]) == len(s.ask_next) > 20
    for item, q in zip(out["ask_next"], s.ask_next, strict=True):
        assert item["indicator"] == q.indicator  # the id, as before
        if q.kind is QuestionKind.INDICATOR:
            ind = delphi_indicators()[q.indicator]
            assert item["questions"] == [cat[t] for t in ind.questions]
            assert item["label"]


def test_the_cli_shows_every_question() -> None:
    path = ROOT / "examples" / "screening" / "09_insufficient_information_disembarkation.yaml"
    result = CliRunner().invoke(app, ["--lang", "en", "screen", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    flat = re.sub(r"[│\s]+", " ", result.stdout)
    data = json.loads(
        CliRunner().invoke(app, ["--lang", "en", "screen", "--json", str(path)]).stdout
    )
    asked = [t for item in data["ask_next"] for t in item["questions"]]
    assert len(data["ask_next"]) > 40  # more than 4 per element
    missing = [t for t in asked if t not in flat]
    assert not missing, missing[:5]
    assert "more (see --json" not in flat
