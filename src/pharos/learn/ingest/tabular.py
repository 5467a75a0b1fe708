"""Reading a delimited text file safely: size, encoding, delimiter, field counts per line.

Shared by the CTDC and HTCDS importers. The structure is checked line by line with the standard
``csv`` module (so a refused line is named by its number); the values are then read by Polars,
every column as text, for vectorised validation.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pharos.i18n import _, lazy_gettext, ngettext
from pharos.learn.ingest.report import ImportRefused, Refusal

DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {
    ";": lazy_gettext("semicolons"),
    ",": lazy_gettext("commas"),
    "\t": lazy_gettext("tabs"),
    "|": lazy_gettext("vertical bars"),
}


@dataclass
class TextTable:
    """The header and the well-formed rows of a delimited file, all values as text."""

    header: list[str]
    frame: pl.DataFrame  # columns named by header, plus ``_line`` (1-based line in the file)
    delimiter: str
    structural: list[Refusal]
    rows_read: int


def read_header_line(path: Path) -> str:
    """The first line of ``path`` as text (UTF-8, with or without a byte-order mark)."""
    with path.open("rb") as fp:
        head = fp.read(1 << 16)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        return first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _("%(file)s is not a UTF-8 text file (byte %(pos)d of the first line)")
            % {"file": path.name, "pos": exc.start}
        ) from exc


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most fields."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


CHUNK = 1 << 24  # bytes scanned at a time (16 MiB)


def _scan_fast(
    data: bytes, delimiter: str, expected: int
) -> tuple[array[int], list[tuple[int, int, str]], int, int, bytes | None]:
    """Fields per record, counted over the raw bytes with NumPy, quotes respected.

    A delimiter or line break inside double quotes does not count (``""`` escapes a quote, which
    leaves the quoting state unchanged). Records are numbered by the physical line they start
    on. Returns the good line numbers, the bad records (line, fields, text), the data records
    read, the last line number and, when some records must be left out (bad or blank), the
    header and good records only as bytes (else None: the file is read as it is).
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    sep = ord(delimiter)
    ends_parts: list[np.ndarray] = []
    counts_parts: list[np.ndarray] = []
    newline_parts: list[np.ndarray] = []
    parity = 0
    pending = 0
    for off in range(0, arr.size, CHUNK):
        a = arr[off : off + CHUNK]
        quotes = np.cumsum(a == 34, dtype=np.uint8)
        outside = ((quotes + parity) & 1) == 0
        parity = int((int(quotes[-1]) + parity) & 1)
        newlines = a == 10
        newline_parts.append(np.flatnonzero(newlines) + off)
        ends = np.flatnonzero(newlines & outside)
        delims = np.flatnonzero((a == sep) & outside)
        if ends.size:
            before = np.searchsorted(delims, ends)  # delimiters before each record's end
            per_record = np.diff(before, prepend=0)
            per_record[0] += pending
            counts_parts.append(per_record)
            pending = int(delims.size - before[-1])
            ends_parts.append(ends + off)
        else:
            pending += int(delims.size)
    ends = np.concatenate(ends_parts) if ends_parts else np.zeros(0, dtype=np.int64)
    counts = np.concatenate(counts_parts) if counts_parts else np.zeros(0, dtype=np.int64)
    size = arr.size
    last_start = int(ends[-1]) + 1 if ends.size else 0
    if last_start < size:  # a last record without a final line break
        ends = np.append(ends, size)
        counts = np.append(counts, pending)
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    last_byte = arr[np.maximum(ends - 1, 0)]
    lengths = lengths - ((lengths > 0) & (last_byte == 13))
    all_newlines = np.concatenate(newline_parts) if newline_parts else np.zeros(0, np.int64)
    lines = np.searchsorted(all_newlines, starts) + 1
    fields = counts + 1
    body = np.arange(starts.size) > 0
    blank = lengths == 0
    good = body & ~blank & (fields == expected)
    bad = body & ~blank & (fields != expected)
    found = [
        (
            int(lines[r]),
            int(fields[r]),
            data[starts[r] : starts[r] + lengths[r]].decode("utf-8", "replace"),
        )
        for r in np.flatnonzero(bad)
    ]
    good_lines = array("l", lines[good].tolist())
    clean: bytes | None = None
    if found or blank[body].any():
        keep = np.flatnonzero(good | ~body)
        clean = b"".join(data[starts[r] : starts[r] + lengths[r]] + b"\n" for r in keep)
    last_line = int(all_newlines.size + (0 if data.endswith(b"\n") else 1))
    return good_lines, found, int((body & ~blank).sum()), last_line, clean


def _not_utf8(path: Path, data: bytes) -> ImportRefused | None:
    """The refusal naming the first line that is not UTF-8, or None if all of it is."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ImportRefused(
            _("%(file)s, line %(line)d: not UTF-8 text") % {"file": path.name, "line": line}
        )
    return None


def read_table(path: Path, delimiter: str, header: list[str]) -> TextTable:
    """Check every line has ``len(header)`` fields, then read the good rows with Polars."""
    expected = len(header)
    structural: list[Refusal] = []
    with path.open("rb") as fp:
        data = fp.read()
    refused = _not_utf8(path, data)
    if refused is not None:
        raise refused
    ends_with_newline = data.endswith(b"\n")
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    good_lines, found, rows_read, last_line, clean = _scan_fast(raw, delimiter, expected)
    for line, n, value in found:
        structural.append(
            Refusal(
                file=path.name,
                line=line,
                field="*",
                value=value[:60],
                reason=_("%(fields)s where the header has %(expected)d")
                % {
                    "fields": ngettext("%(n)s field", "%(n)s fields", n) % {"n": n},
                    "expected": expected,
                },
            )
        )
    if structural and structural[-1].line == last_line and not ends_with_newline:
        last = structural[-1]
        structural[-1] = Refusal(
            file=last.file,
            line=last.line,
            field="*",
            value=last.value,
            reason=_("the last line is incomplete: the file looks truncated"),
        )
    source = clean if clean is not None else raw
    names = [f"c{i}" for i in range(expected)]
    if good_lines:
        try:
            frame = pl.read_csv(
                source,
                separator=delimiter,
                has_header=True,
                new_columns=names,
                infer_schema=False,
                empty_string_is_null=True,
                quote_char='"',
            )
        except pl.exceptions.PolarsError as exc:
            raise ImportRefused(
                _("%(file)s cannot be read: %(error)s")
                % {"file": path.name, "error": str(exc).splitlines()[0][:200]}
            ) from exc
    else:
        frame = pl.DataFrame({n: pl.Series([], dtype=pl.String) for n in names})
    frame = frame.rename(dict(zip(names, header, strict=True)))
    frame = frame.with_columns(pl.Series("_line", good_lines, dtype=pl.Int64))
    return TextTable(
        header=header, frame=frame, delimiter=delimiter, structural=structural, rows_read=rows_read
    )
