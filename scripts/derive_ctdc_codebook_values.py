"""Derive the value lists of the CTDC codebooks into ``src/pharos/learn/data/ctdc_values.csv``.

Reads (relative to the repository root, the shared folder beside the clone):

- ``shared/data/ctdc/Codebook_CTDC_global_synthetic_data_v2024.txt``: "The Global Synthetic
  Data Codebook, Version 2 - February 2024" (the synthetic layout), text of the PDF;
- ``shared/data/ctdc/CTDC_codebook_v6_0.txt``: "CTDC codebook v6.0", Nov 2017 (the k-anonymised
  global layout), text of the PDF;
- ``shared/data/ctdc/derived/CTDC_Global_Dataset_DATA_DICTIONARY_Lookups.csv``: sheet "Lookups"
  of "CTDC Global Dataset DATA DICTIONARY version 15082018.xlsx" (the global layout).

Every "Values and categories" bullet of every variable becomes one row: the codebook, the
variable, the value as the codebook writes it, whether the codebook calls it missing, and the
gloss in brackets. Country lists are not copied (the codebooks name ISO 3166-1; Pharos reads ISO
codes from its own ISO table) except the dictionary's codes for an unknown country. Ranges
("Range: [2002, 2022]") are kept as one row with the value ``range``. Not needed at run time:
the importer reads the CSV this writes (``pharos.learn.codebook``).

Usage: ``python scripts/derive_ctdc_codebook_values.py``
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ``shared/`` sits beside the clone (CI); a worktree may sit one folder deeper.
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
OUT = ROOT / "src" / "pharos" / "learn" / "data" / "ctdc_values.csv"
SYNTHETIC = (
    "Codebook_CTDC_global_synthetic_data_v2024.txt",
    "CTDC Global Synthetic Data Codebook, Version 2, February 2024",
    "synthetic",
)
GLOBAL = ("CTDC_codebook_v6_0.txt", "CTDC codebook v6.0, November 2017", "global")
DICTIONARY = (
    "derived/CTDC_Global_Dataset_DATA_DICTIONARY_Lookups.csv",
    "CTDC Global Dataset data dictionary, version 15 Aug 2018, sheet Lookups",
    "global",
)
#: The dictionary's lookup names and the file columns that use them (its sheet "Main").
DICTIONARY_LOOKUPS = {
    "Datasource": ("Datasource",),
    "Gender": ("gender",),
    "Age range 2": ("ageBroad",),
    "Age category": ("majorityStatus", "majorityStatusAtExploit", "majorityEntry"),
}
MISSING_GLOSSES = ("missing data", "unknown")
_HEADING = re.compile(r"^\s*Variable \d+\s*$")
#: v2024 names a variable ("Variable name: gender") and labels it ("Variable label: Gender");
#: v6 only labels it with its name ("Variable label: gender"; one page break cut it to "bel:").
_NAME = re.compile(r"^\s*Variable name:\s*(\S+)")
_LABEL = re.compile(r"^\s*(?:bel|Variable label):\s*(\S+)")
_PAGE_NUMBER = re.compile(r"^\s*\d+\s*$")
#: a page number glued to a bullet's end by the PDF's text layer ("Sexual abuse 15", "0 19");
#: or the missing count glued after it ("1 Missing: 40,194/43,741 (A); ...")
_PAGE_NUMBER_AT_END = re.compile(r"(?<=\S) (?:\d{1,2}|Missing: .*)$")
_BULLET = re.compile(r"^\s*[\u2022\u25cf]\s*(.*?)\s*$")


def _bullets(text: str) -> list[tuple[str, str]]:
    """(variable, bullet text) for every bullet under a "Values and categories" heading."""
    out: list[tuple[str, str]] = []
    variable = None
    named = in_values = False
    current: list[str] | None = None
    for line in text.splitlines():
        if _HEADING.match(line):
            variable, named, in_values = None, False, False
            continue
        if m := _NAME.match(line):
            variable, named, in_values = m.group(1), True, False
            continue
        if (m := _LABEL.match(line)) and not named:
            variable, in_values = m.group(1), False
            continue
        if line.strip().startswith("Values and categories"):
            in_values = True
            continue
        if not in_values or variable is None:
            continue
        b = _BULLET.match(line)
        stripped = line.strip()
        if b:
            current = [_PAGE_NUMBER_AT_END.sub("", b.group(1))]
            out.append((variable, ""))
        elif stripped.startswith(("Definition", "Missing:")):
            in_values, current = False, None
            continue
        elif not stripped or _PAGE_NUMBER.match(line):
            continue  # a page break between two bullets
        elif current is not None and current[-1].count("[") > " ".join(current).count("]"):
            current.append(stripped)  # a bullet's gloss wrapped onto the next line
        else:
            continue
        out[-1] = (variable, " ".join(current))
    return out


def _split(bullet: str) -> tuple[str, str]:
    """The value and its bracketed gloss: ``Man [The individual ...]`` -> (Man, The ...)."""
    head, sep, rest = bullet.partition("[")
    if not sep or head.strip() == "Range:":
        return bullet.strip(), ""
    return head.strip(), rest.rsplit("]", 1)[0].strip()


def rows_from_codebook(name: str, title: str, layout: str) -> list[dict[str, str]]:
    rows = []
    text = (SHARED / "data" / "ctdc" / name).read_text(encoding="utf-8")
    for variable, bullet in _bullets(text):
        value, gloss = _split(bullet)
        if value.startswith("Values based on ISO"):
            continue  # the ISO 3166-1 list itself
        if value.startswith("Range:"):
            value, gloss = "range", value.removeprefix("Range:").strip()
        missing = value in ("NULL", "-99") or gloss.lower() in MISSING_GLOSSES
        if variable.lower() == "gender" and value == "Unknown":
            missing = True  # v6: "could not be identified or was not provided"
        rows.append(_row(layout, variable, value, missing, gloss, title))
    return rows


def rows_from_dictionary() -> list[dict[str, str]]:
    name, title, layout = DICTIONARY
    rows = []
    lookup = ""
    with (SHARED / "data" / "ctdc" / name).open(encoding="utf-8", newline="") as fp:
        for record in csv.reader(fp):
            head, code = record[0].strip(), record[1].strip()
            if head:
                lookup = head
                continue
            if not code:
                continue
            gloss = record[3].strip() if len(record) > 3 else ""
            description = record[2].strip()
            if lookup == "Lookup":  # the dictionary's codes for missing, for every column
                rows.append(_row(layout, "*", code, True, gloss, title))
            elif lookup in DICTIONARY_LOOKUPS:
                missing = code.lower() == "unknown"
                for column in DICTIONARY_LOOKUPS[lookup]:
                    rows.append(_row(layout, column, code, missing, gloss, title))
            elif lookup.startswith("Country") and description.lower() == "unknown country":
                for column in ("citizenship", "CountryOfExploitation"):
                    rows.append(_row(layout, column, code, True, description, title))
    return rows


def _row(
    layout: str, variable: str, value: str, missing: bool, gloss: str, source: str
) -> dict[str, str]:
    return {
        "layout": layout,
        "variable": variable,
        "value": value,
        "missing": "1" if missing else "0",
        "gloss": " ".join(gloss.split())[:120],
        "source": source,
    }


def main() -> None:
    rows = rows_from_codebook(*SYNTHETIC) + rows_from_codebook(*GLOBAL) + rows_from_dictionary()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.DictWriter(fp, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} values to {OUT}")


if __name__ == "__main__":
    main()
