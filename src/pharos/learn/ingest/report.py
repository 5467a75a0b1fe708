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


@dataclass(frozen=True)
class RefusalGroup:
    """Refusals of one field, reason and value: ``count`` rows, the first at ``first_line``."""

    field: str
    reason: str
    value: str
    count: int
    first_line: int


@dataclass(frozen=True)
class DropBias:
    """A partial import that would misrepresent ``field``: ``value`` makes up ``file_share`` of
    the file's rows but ``kept_share`` of the rows that would be stored."""

    field: str
    value: str
    file_share: float
    kept_share: float
    p_value: float

    def describe(self) -> str:
        return _(
            "%(field)s: %(value)s is %(file)s of the file but %(kept)s of the rows that would be "
            "stored (chi-square p = %(p).1g)"
        ) % {
            "field": self.field,
            "value": self.value or _("(empty)"),
            "file": f"{self.file_share:.1%}",
            "kept": f"{self.kept_share:.1%}",
            "p": self.p_value,
        }


#: The bias test (see :func:`drop_bias`): a field is flagged when some value's share among the
#: rows kept differs from its share in the whole file by more than this many points...
BIAS_SHARE_POINTS = 0.05
#: ... and dropping is not independent of the field (chi-square on the dropped/kept by value
#: table) at this level, Bonferroni-divided by the number of fields tested.
BIAS_ALPHA = 0.001


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
    #: fields a partial import would misrepresent (empty when nothing was refused)
    bias: list[DropBias] = field(default_factory=list)
    #: a partial import was asked for but refused because of ``bias`` (no ``--force``)
    biased_refused: bool = False

    @property
    def rows_refused(self) -> int:
        return len({r.line for r in self.refusals})

    @property
    def share_refused(self) -> float:
        """Share of the data rows refused."""
        return self.rows_refused / self.rows_read if self.rows_read else 0.0

    def summary(self) -> list[RefusalGroup]:
        """The refusals grouped by field, reason and value, most frequent first."""
        groups: dict[tuple[str, str, str], list[int]] = {}
        for r in self.refusals:
            groups.setdefault((r.field, r.reason, r.value), []).append(r.line)
        out = [
            RefusalGroup(field=f, reason=reason, value=v, count=len(lines), first_line=min(lines))
            for (f, reason, v), lines in groups.items()
        ]
        return sorted(out, key=lambda g: (-g.count, g.field, g.value))

    def by_reason(self) -> list[tuple[str, str, int, float]]:
        """(field, reason, rows, share of the file's rows) per field and reason, largest first;
        a row refused for two reasons counts under each."""
        lines: dict[tuple[str, str], set[int]] = {}
        for r in self.refusals:
            lines.setdefault((r.field, r.reason), set()).add(r.line)
        n = self.rows_read or 1
        out = [(f, reason, len(ls), len(ls) / n) for (f, reason), ls in lines.items()]
        return sorted(out, key=lambda t: (-t[2], t[0]))


def drop_bias(
    frame: pl.DataFrame, refused_lines: set[int], *, max_values: int = 300
) -> list[DropBias]:
    """Fields whose distribution the rows kept would misrepresent if the refused were dropped.

    ``frame`` holds the file's cells as text and ``_line``. For each field (cells normalised:
    trimmed, lower case, every missing spelling counted as one value), the 2 x m table of
    dropped/kept rows by value is tested with Pearson's chi-square (SciPy); the field is flagged
    when p < ``BIAS_ALPHA`` / fields tested **and** some value's share among the kept rows
    differs from its share in the file by more than ``BIAS_SHARE_POINTS``. The two conditions
    together: a lone refused value ("Alien" in one row of 8,000) is significant but changes no
    share; a random drop of half a small file moves shares by chance but is not significant.
    tests/unit/learn/test_drop_bias.py measures the false-alarm rate on random drops.
    """
    if not refused_lines or frame.height == 0:
        return []
    dropped = frame.get_column("_line").is_in(list(refused_lines))
    n_kept = frame.height - int(dropped.sum())
    if n_kept == 0:
        return []
    from scipy.stats import chi2_contingency  # seconds to import: only when rows were refused

    from pharos.learn import codes

    columns = [c for c in frame.columns if not c.startswith("_")]
    missing = list(codes.MISSING_TEXT)
    found: list[tuple[DropBias, float]] = []
    tested = 0
    for column in columns:
        text = frame.get_column(column).fill_null("").str.strip_chars().str.to_lowercase()
        value = pl.select(pl.when(text.is_in(missing)).then(pl.lit("")).otherwise(text)).to_series()
        table = (
            pl.DataFrame({"value": value, "dropped": dropped})
            .group_by("value")
            .agg(pl.len().alias("all"), pl.col("dropped").sum().alias("out"))
        )
        if table.height < 2 or table.height > max_values:
            continue
        tested += 1
        counts_all = table.get_column("all").to_numpy()
        counts_out = table.get_column("out").to_numpy()
        kept = counts_all - counts_out
        share_file = counts_all / frame.height
        share_kept = kept / n_kept
        gap = abs(share_kept - share_file)
        worst = int(gap.argmax())
        if gap[worst] <= BIAS_SHARE_POINTS:
            continue
        observed = [counts_out[counts_all > 0], kept[counts_all > 0]]
        try:
            p = float(chi2_contingency(observed, correction=False).pvalue)
        except ValueError:  # a row of zeros: nothing dropped among these rows
            continue
        v = str(table.get_column("value")[worst])
        found.append(
            (
                DropBias(
                    field=column,
                    value=v if v else "",
                    file_share=float(share_file[worst]),
                    kept_share=float(share_kept[worst]),
                    p_value=p,
                ),
                p,
            )
        )
    limit = BIAS_ALPHA / max(tested, 1)
    return [b for b, p in found if p < limit]


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
