"""What an import tells its user: rows accepted, rows refused and why (file, line, field).

An import is all or nothing: it validates everything first and writes only if the caller accepts
the outcome (by default: only if no row was refused). Fatal problems with the file as a whole
(too large, wrong delimiter, other layout, unreadable) raise :class:`ImportRefused`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pharos.i18n import _
from pharos.learn.options import DEFAULT_MAX_BYTES

#: Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportRefused(ValueError):
    """The whole file was refused; nothing was written. ``str()`` is the user's message."""


@dataclass(frozen=True)
class Refusal:
    """One refused row: ``line`` is the 1-based line of the file (header = line 1)."""

    file: str
    line: int
    field: str
    value: str
    reason: str

    def describe(self) -> str:
        return _("%(file)s, line %(line)d, field %(field)s: %(reason)s (value %(value)r)") % {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "value": self.value,
        }


@dataclass
class ImportReport:
    """The outcome of validating one file."""

    file: str
    kind: str
    rows_read: int = 0
    rows_accepted: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    written: bool = False
    dataset: str | None = None

    @property
    def rows_refused(self) -> int:
        return len({r.line for r in self.refusals})


def check_size(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Refuse a file larger than ``max_bytes`` before reading any of it; returns the size."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError as exc:
        raise ImportRefused(_("%(file)s: no such file") % {"file": path}) from exc
    if size > max_bytes:
        raise ImportRefused(
            _("%(file)s is %(size)s MB, more than the limit of %(limit)s MB; nothing was read")
            % {"file": path.name, "size": size // 2**20, "limit": max_bytes // 2**20}
        )
    if size == 0:
        raise ImportRefused(_("%(file)s is empty") % {"file": path.name})
    return size


def looks_like_formula(column: pl.Expr) -> pl.Expr:
    """True where a text cell would run as a spreadsheet formula (``=HYPERLINK(...)``).

    A leading ``-`` or ``+`` followed only by a number (``-99``, ``+5``) is data, not a formula.
    """
    stripped = column.str.strip_chars_start(" ")
    starts = stripped.str.contains(r"^[=@\t\r]") | (
        stripped.str.contains(r"^[+\-]") & ~stripped.str.contains(r"^[+\-][0-9.,]+$")
    )
    return starts.fill_null(False)


def neutralise_formula(value: str) -> str:
    """A cell text made safe for spreadsheets: a formula-looking text gets a leading ``'``."""
    if value and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        body = value.lstrip(" ")
        if body[0] in "+-" and body[1:].replace(".", "", 1).isdigit():
            return value
        return "'" + value
    return value


def refusals_from_mask(
    frame: pl.DataFrame, mask: pl.Series, *, file: str, field_name: str, reason: str
) -> list[Refusal]:
    """One refusal per row where ``mask`` is true; ``frame`` has ``_line`` and ``field_name``."""
    bad = frame.filter(mask).select("_line", field_name)
    return [
        Refusal(file=file, line=int(line), field=field_name, value=str(value or ""), reason=reason)
        for line, value in bad.iter_rows()
    ]
