"""Add the UN M49 regions of each country to ``src/pharos/domain/data/iso3166.csv``.

Reads ``shared/data/iom_gdidata/countrynames.csv`` (IOM GDI "Repository of Datasets",
``iom/gdidata`` commit c9e4cc69cebd91d6cfca5f4107e2406e4de2c6ff, MIT; the columns
``region_code``, ``subregion_code`` and ``intregion_code`` are the UN Statistics Division's
"Standard country or area codes for statistical use" (M49) region, sub-region and intermediate
region) and writes them as the columns ``m49_region``, ``m49_subregion`` and
``m49_intermediate`` of the domain's ISO table, three-digit codes as M49 writes them (``015``
Northern Africa). Countries the source gives no region (Antarctica) keep empty cells. Not
needed at run time. The k-anonymous export generalises a country to these regions
(``pharos.learn.hierarchies``).

Usage: ``python scripts/derive_m49_regions.py``
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
SOURCE = SHARED / "data" / "iom_gdidata" / "countrynames.csv"
TABLE = ROOT / "src" / "pharos" / "domain" / "data" / "iso3166.csv"
COLUMNS = {"m49_region": "region_code", "m49_subregion": "subregion_code",
           "m49_intermediate": "intregion_code"}  # fmt: skip


def _code(value: str) -> str:
    return f"{int(float(value)):03d}" if value.strip() else ""


def derive(source: Path = SOURCE, table: Path = TABLE) -> str:
    """The ISO table's text with the M49 region columns filled from ``source``."""
    with source.open(encoding="utf-8", newline="") as fp:
        regions = {r["iso3"]: r for r in csv.DictReader(fp)}
    with table.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    out = io.StringIO()
    base = ["iso2", "iso3", "m49", "name"]
    writer = csv.DictWriter(out, fieldnames=[*base, *COLUMNS], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        found = regions.get(row["iso3"], {})
        writer.writerow(
            {
                **{c: row[c] for c in base},
                **{c: _code(found.get(s, "")) for c, s in COLUMNS.items()},
            }
        )
    return out.getvalue()


if __name__ == "__main__":
    TABLE.write_text(derive(), encoding="utf-8")
    print(f"wrote {TABLE}")
