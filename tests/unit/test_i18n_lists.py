"""Lists in user-facing text follow the language's own list pattern (CLDR, through Babel).

``", ".join`` writes an English list in every language: Arabic separates the items of a list
with «و» (and), not a Latin comma. ``pharos.i18n.format_list`` (and the templates' ``listing``
filter) use CLDR's patterns; the lint below keeps the joins out of the user-facing modules and
of every template.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pharos.domain.explain import counts_text
from pharos.domain.indicators import WeightCounts
from pharos.i18n import format_list, use_locale

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"

# CLDR 4x list patterns ("standard": and-lists), as published in the CLDR charts
# (https://www.unicode.org/cldr/charts/latest/by_type/miscellaneous.list_patterns.html).
EXPECTED = {
    "en": "a, b, and c",
    "fr": "a, b et c",
    "ar": "a وb وc",
    "it": "a, b e c",
    "el": "a, b και c",
    "es": "a, b y c",
}

# Modules whose every string reaches a user (screening explanations, the CLI's screening view
# and reference) and the templates: no list is joined by hand there.
USER_FACING = [
    SRC / "domain" / "explain.py",
    SRC / "cli" / "_screening_view.py",
    SRC / "cli" / "_reference.py",
]
PY_JOIN = re.compile(r"""["'], ["']\.join\(""")
TEMPLATE_JOIN = re.compile(r"""join\(\s*["'],\s*["']\s*\)""")


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_format_list_follows_cldr(lang: str) -> None:
    with use_locale(lang):
        assert format_list(["a", "b", "c"]) == EXPECTED[lang]
        assert format_list([]) == ""
        assert format_list(["a"]) == "a"


def test_unit_lists_fall_back_where_cldr_has_none() -> None:
    with use_locale("el"):  # CLDR has no Greek "unit" pattern in Babel's data
        assert format_list(["1", "2"], style="unit")


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_two_items_are_each_listed_once(lang: str) -> None:
    # Babel 2.19 has no Arabic "unit" pattern for two items and then repeated the second one
    # ("1 strong, 1 medium, 1 medium" in Arabic screening results)
    with use_locale(lang):
        for style in ("standard", "unit"):
            text = format_list(["alpha", "beta"], style=style)
            assert text.count("alpha") == 1 and text.count("beta") == 1, (style, text)


def test_screening_counts_are_an_arabic_list_in_arabic() -> None:
    counts = WeightCounts(strong=1, medium=2, weak=3)
    with use_locale("ar"):
        text = counts_text(counts)
    assert ", " not in text and "و" in text, text
    with use_locale("en"):
        assert counts_text(counts) == "1 strong, 2 medium, 3 weak"


def test_no_list_is_joined_by_hand_in_user_facing_text() -> None:
    found = [
        f"{p.relative_to(SRC)}:{n}"
        for p in USER_FACING
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if PY_JOIN.search(line)
    ]
    found += [
        f"{p.relative_to(SRC)}:{n}"
        for p in sorted(SRC.rglob("templates/**/*.html"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_JOIN.search(line)
    ]
    assert not found, "lists joined with ', ' (use format_list / | listing):\n" + "\n".join(found)
