"""French uses the typographic apostrophe (’) throughout: the catalogs and the bundled scenario's
French text had a mix of ’ and ' on the same pages (translation review 1,
docs/translation-review.md). An elision written with a straight quote fails here."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"
STRAIGHT = re.compile(r"(?<=[A-Za-zÀ-ÿœŒ])'(?=[A-Za-zÀ-ÿœŒ])")


def test_french_catalogs_use_the_typographic_apostrophe() -> None:
    found = []
    for po in sorted((SRC / "locale" / "fr").glob("*.po")):
        with po.open("rb") as fh:
            for msg in read_po(fh):
                strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                found += [f"{po.name}: {s}" for s in strings if s and STRAIGHT.search(s)]
    assert not found, found[:10]


def test_the_french_scenario_uses_the_typographic_apostrophe() -> None:
    for path in sorted((SRC / "exercise" / "scenarios").glob("*.fr.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        bad = [f"{path.name}:{n}" for n, line in enumerate(lines, 1) if STRAIGHT.search(line)]
        assert not bad, bad[:10]
