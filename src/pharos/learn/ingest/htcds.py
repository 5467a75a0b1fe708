"""Import HTCDS v2.0 case tables (CSV or XLSX) into the victims, case-outcome and HTCDS tables.

Field names are matched without regard to case or underscores after the table prefix, so the
variants in the standard's own files are accepted (``prs_First_Name`` in the XLSForm,
``vic_Methods_of_Control``, the Excel template's ``vic_TraffickinStatusDecisionMakingOrg``).
Picklist values are accepted as value names (``ForcedLabour``) or labels (``Forced labour``);
multi-select cells may be separated by ``;``, ``,`` or spaces (XLSForm). Direct identifiers
(names, contact details, identity numbers) are read past and never stored.

Pharos extension columns (not HTCDS fields): ``x_pharos_FirstContactDate``,
``x_pharos_IdentificationDate``, ``x_pharos_ProtectionDate`` (dates) and
``x_pharos_Unaccompanied`` (TRUE/FALSE), used by the equal-protection monitor.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl

from pharos.i18n import _
from pharos.learn import codes
from pharos.learn.ingest import htcds_codes as hc
from pharos.learn.ingest.report import (
    ImportRefused,
    ImportReport,
    Refusal,
    check_size,
    neutralise_formula,
)
from pharos.learn.ingest.tabular import read_header_line, sniff_delimiter
from pharos.learn.options import DEFAULT_MAX_BYTES
from pharos.learn.schema import HTCDS_KEPT_FIELDS, conform


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_FIELD_BY_KEY = {_key(f): f for f in hc.KNOWN_FIELDS}
_FIELD_BY_KEY.update({_key(k): v for k, v in hc.FIELD_ALIASES.items()})


def canonical_field(name: str) -> str | None:
    """The HTCDS v2.0 field a header cell names, or None if it names none."""
    return _FIELD_BY_KEY.get(_key(name))


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:
            raise ImportRefused(
                _("%(file)s cannot be read as an Excel workbook: %(error)s")
                % {"file": path.name, "error": type(exc).__name__}
            ) from exc
        ws = next((w for w in wb.worksheets if w.title.lower() in ("case sheet", "sheet1")), None)
        ws = ws or wb.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
        wb.close()
        if not rows:
            raise ImportRefused(_("%(file)s is empty") % {"file": path.name})
        header = ["" if c is None else str(c).strip() for c in rows[0][1]]
        return header, rows[1:]
    delimiter = sniff_delimiter(read_header_line(path))
    with path.open(encoding="utf-8-sig", newline="") as fp:
        reader = csv.reader(fp, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        body: list[tuple[int, list[object]]] = [(reader.line_num, list(r)) for r in reader]
    return header, body


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def _date(v: str) -> date | None:
    if not v:
        return None
    return date.fromisoformat(v[:10])


def read_htcds(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[dict[str, pl.DataFrame], ImportReport]:
    """Validate an HTCDS case table; returns the victims, case_outcomes and htcds_cases rows."""
    path = Path(path)
    check_size(path, max_bytes)
    header, body = _read(path)
    fields = [canonical_field(h) if h else None for h in header]
    if not any(f is not None for f in fields):
        raise ImportRefused(
            _("%(file)s is not an HTCDS table: no column has an HTCDS field name")
            % {"file": path.name}
        )
    dupes = sorted({f for f in fields if f and fields.count(f) > 1})
    if dupes:
        raise ImportRefused(
            _("%(file)s repeats the column(s) %(columns)s")
            % {"file": path.name, "columns": ", ".join(dupes)}
        )
    report = ImportReport(file=path.name, kind="htcds")
    refusals: list[Refusal] = []
    victims: list[dict[str, object]] = []
    outcomes: list[dict[str, object]] = []
    kept: list[dict[str, object]] = []
    label_row_checked = False
    for line, row in body:
        cells = {f: _text(row[i]) for i, f in enumerate(fields) if f and i < len(row)}
        if not any(cells.values()):
            continue
        if not label_row_checked:
            label_row_checked = True
            if hc.is_label_row(cells):
                continue
        report.rows_read += 1
        problems: list[tuple[str, str, str]] = []
        for f, v in cells.items():
            if neutralise_formula(v) != v:
                problems.append((f, v, _("a formula is not accepted in a cell")))
        parsed = hc.parse_row(cells, problems)
        if problems:
            refusals += [Refusal(path.name, line, f, v, reason) for f, v, reason in problems]
            continue
        victims.append(parsed.victim)
        outcomes.append(parsed.outcome)
        kept.append(parsed.kept)
    report.refusals = refusals
    report.rows_accepted = len(victims)
    frames = {
        "victims": conform(_frame(victims), "victims"),
        "case_outcomes": conform(_frame(outcomes), "case_outcomes"),
        "htcds_cases": conform(_frame(kept), "htcds_cases"),
    }
    return frames, report


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame()
    return pl.DataFrame(rows, infer_schema_length=None)


__all__ = ["HTCDS_KEPT_FIELDS", "_date", "canonical_field", "codes", "read_htcds"]
