"""Import UNODC's Global Report on Trafficking in Persons country data (GLOTIP).

The file ``data_glotip.xlsx`` (dataunodc.un.org; sheet ``data_glotip_1``) has one row per
country, indicator, breakdown and year. ``txtVALUE`` is text: exact counts such as ``103`` or
``1,282`` and censored counts such as ``<5`` (kept as censored, with their upper bound).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import polars as pl

from pharos.i18n import _
from pharos.learn.ingest.report import (
    ImportRefused,
    ImportReport,
    Refusal,
    check_size,
    neutralise_formula,
)
from pharos.learn.options import DEFAULT_MAX_BYTES

COLUMNS = {
    "Iso3_code": "iso3",
    "Country": "country",
    "Region": "region",
    "Subregion": "subregion",
    "Indicator": "indicator",
    "Dimension": "dimension",
    "Category": "category",
    "Sex": "sex",
    "Age": "age",
    "Year": "year",
    "txtVALUE": "value_text",
}
_EXACT = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")
_BELOW = re.compile(r"^<\s*(\d+)$")


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportRefused(
                _("%(file)s cannot be read as an Excel workbook: %(error)s")
                % {"file": path.name, "error": type(exc).__name__}
            ) from exc
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(it, ())]
        body = [(i, list(r)) for i, r in enumerate(it, start=2)]
        wb.close()
        return header, body
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fp:
        reader = csv.reader(fp)
        header = [h.strip() for h in next(reader, [])]
        return header, [(reader.line_num, list(r)) for r in reader]


def read_glotip(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[pl.DataFrame, ImportReport]:
    """Validate a GLOTIP file (xlsx or its CSV export); returns the glotip rows and the report."""
    path = Path(path)
    check_size(path, max_bytes)
    header, body = _rows(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            _("%(file)s is not a UNODC GLOTIP file: it lacks the column(s) %(columns)s")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    index = {c: header.index(c) for c in COLUMNS}
    report = ImportReport(file=path.name, kind="unodc_glotip")
    refusals: list[Refusal] = []
    out: dict[str, list[object]] = {
        k: [] for k in [*COLUMNS.values(), "value", "value_max", "censored"]
    }
    for line, row in body:
        if not any(v not in (None, "") for v in row):
            continue
        report.rows_read += 1
        cells = {c: row[i] if i < len(row) else None for c, i in index.items()}
        problems: list[tuple[str, object, str]] = []
        for c, v in cells.items():
            if isinstance(v, str) and neutralise_formula(v) != v:
                problems.append((c, v, _("a formula is not accepted in a cell")))
        year_raw = cells["Year"]
        try:
            year = int(str(year_raw).strip())
            if not 1900 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(("Year", year_raw, _("not a year")))
            year = 0
        text = "" if cells["txtVALUE"] is None else str(cells["txtVALUE"]).strip()
        value: int | None = None
        value_max: int | None = None
        censored = False
        if isinstance(cells["txtVALUE"], int | float) and not isinstance(cells["txtVALUE"], bool):
            value = value_max = int(cells["txtVALUE"])
        elif _EXACT.match(text):
            value = value_max = int(text.replace(",", ""))
        elif m := _BELOW.match(text):
            value_max = int(m.group(1)) - 1
            censored = True
        else:
            problems.append(("txtVALUE", text, _("not a count (expected a number or <5)")))
        if problems:
            for c, v, reason in problems:
                refusals.append(Refusal(path.name, line, c, str(v), reason))
            continue
        for c, name in COLUMNS.items():
            v = cells[c]
            out[name].append(None if v is None else str(v).strip())
        out["year"][-1] = year
        out["value"].append(value)
        out["value_max"].append(value_max)
        out["censored"].append(censored)
    frame = pl.DataFrame(
        out,
        schema={
            **{n: pl.String for n in COLUMNS.values() if n != "year"},
            "year": pl.Int16,
            "value": pl.Int64,
            "value_max": pl.Int64,
            "censored": pl.Boolean,
        },
    )
    report.refusals = refusals
    report.rows_accepted = frame.height
    return frame, report
