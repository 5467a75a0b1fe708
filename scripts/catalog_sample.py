"""Draw a fresh random sample of translated catalog entries for a review pass (issue 20, item 5).

    python scripts/catalog_sample.py --seed 20261206 --n 100 > sample.md

For each language other than English, every non-empty translation in
``src/pharos/locale/<lang>/*.po`` is one entry (a plural message is one entry: all its forms are
shown together); ``--n`` of them are drawn without replacement with ``random.Random(seed)``, in
the catalogs' sorted order, so the same seed on the same catalogs gives the same sample. The
output lists each entry with its catalog, English source and translation, numbered for the review
record (docs/translation-review.md).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "pharos" / "locale"


def entries(lang: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for po in sorted((LOCALE / lang).glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for msg in catalog:
            if not msg.id:
                continue
            msgid = " | ".join(msg.id) if isinstance(msg.id, tuple) else msg.id
            strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
            if not any(strings):
                continue
            ctx = f"[{msg.context}] " if msg.context else ""
            out.append((po.stem, ctx + msgid, " | ".join(strings)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--langs", default="fr,ar,it,el,es")
    args = parser.parse_args(argv)
    for lang in args.langs.split(","):
        pool = entries(lang)
        if len(pool) < args.n:
            print(f"{lang}: only {len(pool)} entries", file=sys.stderr)
            return 2
        chosen = random.Random(f"{args.seed}-{lang}").sample(range(len(pool)), args.n)
        print(f"## {lang} ({args.n} of {len(pool)} entries, seed {args.seed})\n")
        for number, index in enumerate(sorted(chosen), 1):
            area, source, text = pool[index]
            print(f"{lang}-{number:03d} · {area}\n  en: {source}\n  {lang}: {text}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
