"""``pharos screen`` at 80 columns, ``--lang`` anywhere, and the JSON in the language asked for
(issue 20, item 4).

At 80 columns (``COLUMNS=80``, which Rich reads for its console width) every bundled example is
shown in English, French and Arabic with whole words: no value is cut with "…" and every word of
every label the tables show (dimensions, results, indicators, weights, rules, requirements) is
printed whole somewhere in the output. The reference words come from the catalogs through the
domain's own label functions, not from the rendering under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from pharos.cli import app, main
from pharos.cli._help import hoist_lang
from pharos.cli.screening import read_screening_file
from pharos.domain.explain import (
    REQUIREMENT_LABELS,
    STATE_LABELS,
    WEIGHT_LABELS,
    clause_text,
    dimension_label,
    indicator_label,
)
from pharos.domain.screening import DimensionState, screen
from pharos.i18n import gettext, use_locale

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples" / "screening").glob("*.y*ml")) + sorted(
    (ROOT / "examples" / "screening").glob("*.json")
)
LOCALE = ROOT / "src" / "pharos" / "locale"
RAGUSA = ROOT / "examples" / "screening" / "01_agriculture_ragusa_greenhouse.yaml"
WIDTH = 80
# Box drawing, the bullets and the quotes around notes are layout, not words.
LAYOUT = re.compile(r"[\s│┃┏┓┗┛┡┩┣┫┳┻╇╋━─┼├┤┬┴┌┐└┘╭╮╰╯•“”]+")
PUNCT = "()[]{}.,;:!?«»\"'،؛…"


def run(args: list[str], width: int = WIDTH) -> tuple[int, str]:
    """``pharos.cli.main(args)`` as the installed command runs it; (exit code, stdout)."""
    env: dict[str, str | None] = {"COLUMNS": str(width), "PHAROS_LANG": None, "LANG": None}
    with use_locale("en"), CliRunner().isolation(env=env) as streams:
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, streams[0].getvalue().decode("utf-8")


def words(text: str) -> set[str]:
    return {w.strip(PUNCT) for w in LAYOUT.split(text) if w.strip(PUNCT)}


def expected_words(path: Path, lang: str) -> set[str]:
    """Every word of the labels the result tables show for ``path`` in ``lang``."""
    parsed = read_screening_file(path)
    s = screen(parsed.observations, parsed.person)
    texts: list[str] = []
    with use_locale(lang):
        for r in s.requirements:
            texts += [gettext(REQUIREMENT_LABELS[r.requirement]), gettext(STATE_LABELS[r.state])]
        for d in s.dimensions:
            texts += [dimension_label(d.dimension), gettext(STATE_LABELS[d.state])]
            for i in d.indicators:
                texts += [indicator_label(i.id), gettext(WEIGHT_LABELS[i.weight])]
            if d.clause is not None:
                texts.append(clause_text(d.clause))
            if d.state is DimensionState.OPEN and d.still_needed is not None:
                texts.append(clause_text(d.still_needed))
        texts += [indicator_label(o.indicator) for o in s.other_indicators]
        texts += [gettext(h) for h in ("Dimension", "Result", "Indicators found", "Rule")]
    return set().union(*(words(t) for t in texts))


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_fits_80_columns_with_whole_words(path: Path, lang: str) -> None:
    code, out = run(["screen", str(path), "--lang", lang])
    assert code == 0, out
    cut = re.findall(r"\w+…", out)
    assert not cut, f"values cut at {WIDTH} columns: {cut}"
    missing = sorted(expected_words(path, lang) - words(out))
    assert not missing, f"words not shown whole at {WIDTH} columns: {missing}"


def test_the_check_sees_a_cut_word() -> None:
    # at 40 columns the four-column table has no room: the check must notice
    code, out = run(["screen", str(RAGUSA), "--lang", "fr"], width=40)
    assert code == 0
    cut = re.findall(r"\w+…", out)
    missing = expected_words(RAGUSA, "fr") - words(out)
    assert cut or missing


def test_every_value_of_the_person_line_has_its_label() -> None:
    code, out = run(["screen", str(RAGUSA), "--lang", "en"])
    assert code == 0
    assert "Person: age 27, gender: Masculine, nationality EGY, migrant type: Labour" in out
    code, out = run(["screen", str(RAGUSA), "--lang", "fr"])
    with use_locale("fr"):
        assert gettext("gender: %(value)s") % {"value": gettext("Masculine")} in out


# --- --lang before or after the command ---------------------------------------------------------
def _paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _paths(sub, (*prefix, name))


COMMAND_PATHS = [p for p in _paths(typer.main.get_command(app)) if p]


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_lang_is_accepted_after_every_command(path: tuple[str, ...]) -> None:
    code, out = run([*path, "--help", "--lang", "fr"])
    assert code == 0, out
    code_before, before = run(["--lang", "fr", *path, "--help"])
    assert code_before == 0
    assert out == before  # the same French help, wherever --lang was written


def test_screen_in_french_with_lang_after_the_file() -> None:
    code, out = run(["screen", str(RAGUSA), "--lang", "fr"])
    assert code == 0, out
    with use_locale("fr"):
        assert gettext("Presumed trafficking for labour exploitation") in out
    code, out_eq = run(["screen", "--lang=fr", str(RAGUSA)])
    assert code == 0 and out_eq == out
    code, version = run(["version", "--lang", "ar"])
    assert code == 0 and version.strip()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["screen", "F", "--lang", "fr"], ["--lang", "fr", "screen", "F"]),
        (["screen", "--lang=ar", "F"], ["--lang", "ar", "screen", "F"]),
        (["--lang", "fr", "screen", "F", "--lang", "el"], ["--lang", "el", "screen", "F"]),
        (["screen", "--", "--lang", "fr"], ["screen", "--", "--lang", "fr"]),
        (["screen", "--lang"], ["screen", "--lang"]),
        (["screen", "F"], ["screen", "F"]),
    ],
)
def test_hoisting_keeps_everything_else_in_place(argv: list[str], expected: list[str]) -> None:
    assert hoist_lang(argv) == expected


# --- the JSON in the language asked for ---------------------------------------------------------
#: Fields that hold codes, ids, the file's own words (title, notes) or a bibliographic citation
#: (``source``: where a power is established, quoted as the source has it), not Pharos' text.
NOT_PHAROS_TEXT = {"file", "title", "note", "source"}


@cache
def english_msgids(lang: str) -> frozenset[str]:
    """The English msgids that ``lang`` translates differently (the same word in both is not a
    sign of an untranslated text)."""
    found: set[str] = set()
    translated: list[str] = []
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fp:
            for msg in read_po(fp, locale=lang):
                ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
                strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                translated += [t for t in strings if t]
                for msgid in ids:
                    if msgid and msgid not in strings and len(msgid) >= 8:
                        found.add(msgid.split("%(")[0].strip())
    # a one-word msgid that is also a word of the language ("positive" is French too) is no
    # sign of English
    words = set(re.findall(r"\w+", " ".join(translated), re.UNICODE))
    return frozenset(m for m in found if len(m) >= 8 and (" " in m or m not in words))


@cache
def english_pattern(lang: str) -> re.Pattern[str]:
    """One pattern for all of :func:`english_msgids`, as whole words, longest first."""
    phrases = sorted(english_msgids(lang), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


def text_fields(data: Any, key: str | None = None) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in NOT_PHAROS_TEXT:
                yield from text_fields(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from text_fields(v, key)
    elif isinstance(data, str) and " " in data:  # codes and ids have no spaces
        yield key or "", data


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_is_translated(path: Path, lang: str) -> None:
    code, out = run(["screen", "--json", str(path), "--state", "ITA", "--lang", lang])
    assert code == 0, out
    data = json.loads(out)
    fields = list(text_fields(data))
    assert any(k == "text" for k, _ in fields) and any(k == "explanation" for k, _ in fields)
    found = ((k, v, english_pattern(lang).search(v)) for k, v in fields)
    left = [(k, v, m.group(0)) for k, v, m in found if m]
    assert not left, f"English left in the {lang} JSON: {left[:5]}"


def test_the_json_check_sees_english() -> None:
    code, out = run(["screen", "--json", str(RAGUSA), "--lang", "en"])
    assert code == 0
    assert any(english_pattern("fr").search(v) for _k, v in text_fields(json.loads(out)))


@pytest.mark.parametrize(("lang", "separator"), [("en", "; "), ("fr", " ; "), ("ar", "؛ ")])
def test_items_with_commas_are_separated_by_the_languages_semicolon(
    lang: str, separator: str
) -> None:
    path = ROOT / "examples" / "screening" / "09_insufficient_information_disembarkation.yaml"
    code, out = run(["screen", "--json", str(path), "--lang", lang])
    assert code == 0
    parsed = read_screening_file(path)
    s = screen(parsed.observations, parsed.person)
    with use_locale(lang):
        labels = [gettext(REQUIREMENT_LABELS[r.requirement]) for r in s.requirements]
    joined = separator.join(labels)
    still_open = [line for line in json.loads(out)["explanation"] if joined in line]
    assert len(still_open) == 1  # "Still open: A; B; C. Ask the questions below …"
    if lang == "ar":
        assert "; " not in still_open[0]  # the review's Latin separators in Arabic
