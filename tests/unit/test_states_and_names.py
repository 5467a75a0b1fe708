"""One home for the region's states and their names.

The states of the region are data (countries.yaml), so nothing in the code, the templates or the
catalogs may say how many there are ("the seven states", "les sept États", "الدول السبع"): such a
phrase would be wrong the day a state is added. Country names come from CLDR through Babel
(``pharos.domain.geography.country_name``), so no catalog translates one by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"

#: A number of states written out, in each language Pharos speaks (words or digits).
COUNTS = {
    "en": r"\b(seven|eight|six|[0-9]+) (\w+ )?states\b",
    "fr": r"\b(sept|huit|six|[0-9]+) (\w+ )?[ÉE]tats\b",
    "it": r"\b(sette|otto|sei|[0-9]+) (\w+ )?Stati\b",
    "es": r"\b(siete|ocho|seis|[0-9]+) (\w+ )?Estados\b",
    "el": r"(επτά|οκτώ|έξι|[0-9]+) (\w+ )?κράτ",
    "ar": r"(الدول السبع|سبع دول|الدول الثماني|ثماني دول|[0-9]+ دول)",
}


def _texts() -> list[Path]:
    return sorted(
        [*SRC.rglob("*.py"), *SRC.rglob("*.html"), *SRC.rglob("*.js"), *SRC.rglob("*.po")]
    )


def test_no_count_of_states_is_written() -> None:
    found = []
    for path in _texts():
        text = path.read_text(encoding="utf-8")
        for lang, pattern in COUNTS.items():
            for m in re.finditer(pattern, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line} ({lang}): {m.group(0)!r}")
    assert not found, "a count of states is written:\n" + "\n".join(found)


def test_the_patterns_find_what_they_look_for() -> None:
    said = {
        "en": "Cooperation instruments between the seven states",
        "fr": "Les sept États des exercices",
        "it": "I sette Stati delle esercitazioni",
        "es": "Los siete Estados",
        "el": "Τα επτά κράτη",
        "ar": "أدوات التعاون بين الدول السبع",
    }
    for lang, text in said.items():
        assert re.search(COUNTS[lang], text, flags=re.IGNORECASE), lang
    assert not re.search(COUNTS["en"], "The states of the region", flags=re.IGNORECASE)


def test_no_catalog_translates_a_country_name() -> None:
    names = set(Locale.parse("en").territories.values())
    found = []
    for path in sorted((SRC / "locale").glob("*/*.po")):
        with path.open("rb") as fp:
            for message in read_po(fp):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                if msgid in names:
                    found.append(f"{path.relative_to(SRC)}: {msgid!r}")
    assert not found, "country names come from CLDR, not the catalogs:\n" + "\n".join(found)
