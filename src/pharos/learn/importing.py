"""Importing case data into the analytics store: CTDC (both layouts), HTCDS, UNODC GLOTIP.

``import_file`` validates the whole file first and writes nothing unless it is accepted: by
default a single refused row refuses the import; with ``accept_partial`` the accepted rows are
written and the refused ones reported. Writing is atomic (see ``pharos.learn.store``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pharos.i18n import _
from pharos.learn.ingest.ctdc import read_ctdc
from pharos.learn.ingest.htcds import canonical_field, read_htcds
from pharos.learn.ingest.report import ImportRefused, ImportReport, check_size
from pharos.learn.ingest.tabular import read_header_line
from pharos.learn.ingest.unodc import read_glotip
from pharos.learn.options import DEFAULT_MAX_BYTES, Kind, Layout
from pharos.learn.schema import conform
from pharos.learn.store import Store, file_digest


def detect_kind(path: Path) -> Kind:
    """Which importer reads ``path``, from its header (xlsx: first sheet's first row)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception as exc:
            raise ImportRefused(
                _("%(file)s cannot be read as an Excel workbook: %(error)s")
                % {"file": path.name, "error": type(exc).__name__}
            ) from exc
        first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        wb.close()
        names = [str(c) for c in first if c is not None]
    else:
        line = read_header_line(path)
        names = [n.strip().strip('"') for n in line.replace(";", ",").replace("\t", ",").split(",")]
    if "txtVALUE" in names and "Iso3_code" in names:
        return Kind.UNODC
    if sum(1 for n in names if canonical_field(n)) >= 2:
        return Kind.HTCDS
    return Kind.CTDC


def import_file(
    store: Store,
    path: Path,
    *,
    kind: Kind | None = None,
    layout: Layout | None = None,
    accept_partial: bool = False,
    force: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportReport:
    """Validate ``path`` and, if accepted, add it to ``store`` as one dataset.

    With ``accept_partial`` the accepted rows are stored even if some are refused, unless
    dropping the refused rows would bias a field (``report.bias``, see
    :func:`pharos.learn.ingest.report.drop_bias`); ``force`` stores them even then.
    Raises :class:`ImportRefused` when the file as a whole is refused. Returns the report; its
    ``written`` says whether anything was stored.
    """
    path = Path(path)
    check_size(path, max_bytes)
    kind = kind or detect_kind(path)
    tables: dict[str, pl.DataFrame]
    if kind is Kind.CTDC:
        victims, report = read_ctdc(path, layout=layout, max_bytes=max_bytes)
        tables = {"victims": conform(victims, "victims")}
    elif kind is Kind.HTCDS:
        tables, report = read_htcds(path, max_bytes=max_bytes)
    else:
        glotip, report = read_glotip(path, max_bytes=max_bytes)
        tables = {"glotip": conform(glotip, "glotip")}
    if report.rows_accepted == 0:
        return report
    if report.refusals and not accept_partial:
        return report
    if report.refusals and report.bias and not force:
        report.biased_refused = True
        return report
    report.dataset = store.add(
        kind=report.kind, file=path.name, digest=file_digest(path), tables=tables
    )
    report.written = True
    return report


__all__ = ["ImportRefused", "ImportReport", "detect_kind", "import_file"]
