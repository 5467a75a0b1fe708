"""Reading a delimited text file safely: size, encoding, delimiter, field counts per line.

Shared by the CTDC and HTCDS importers. The structure is checked line by line with the standard
``csv`` module (so a refused line is named by its number); the values are then read by Polars,
every column as text, for vectorised validation.
"""

from __future__ import annotations

import csv
import io
from array import array
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pharos.i18n import _, lazy_gettext
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


def _scan_fast(
    text: str, delimiter: str, expected: int
) -> tuple[array[int], list[tuple[int, int, str]], int, int, bytes | None] | None:
    """Field counts per line with Polars string kernels; None if quoting needs the csv module.

    Returns the good line numbers, the bad lines (line, fields, text), the data rows read, the
    last line number and, when some lines must be left out, the text of the header and the
    good lines only (else None: the file can be read as it is).
    """
    lines = pl.Series("l", text.split("\n"), dtype=pl.String)
    if text.endswith("\n"):
        lines = lines.head(lines.len() - 1)
    lines = lines.str.strip_chars_end("\r")
    quotes = lines.str.count_matches('"', literal=True)
    if (quotes % 2 == 1).any():
        return None  # a quoted field spans lines: let the csv module follow it
    # delimiters inside quoted fields do not separate fields ("a;b" is one field; "" escapes)
    unquoted = pl.select(
        pl.when(quotes > 0).then(lines.str.replace_all(r'"[^"]*"', "")).otherwise(lines)
    ).to_series()
    fields = unquoted.str.count_matches(delimiter, literal=True) + 1
    numbers = pl.Series("n", range(1, lines.len() + 1), dtype=pl.Int64)
    blank = lines.str.len_chars() == 0
    body = ~blank & (numbers > 1)
    good = body & (fields == expected)
    bad = body & (fields != expected)
    found = [
        (int(n), int(f), str(v))
        for n, f, v in zip(
            numbers.filter(bad).to_list(),
            fields.filter(bad).to_list(),
            lines.filter(bad).to_list(),
            strict=True,
        )
    ]
    good_lines = array("l", numbers.filter(good).to_list())
    clean: bytes | None = None
    if found or blank.any():
        keep = good | (numbers == 1)
        clean = ("\n".join(lines.filter(keep).to_list()) + "\n").encode("utf-8")
    return good_lines, found, int(body.sum()), lines.len(), clean


def _scan_csv(
    path: Path, text: str, delimiter: str, expected: int
) -> tuple[array[int], list[tuple[int, int, str]], int, int]:
    """Field counts per record with the csv module (quoted fields may span lines)."""
    good_lines = array("l")
    found: list[tuple[int, int, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    rows_read = 0
    last_line = 1
    try:
        for row in reader:
            line = reader.line_num
            last_line = line
            if not row:
                continue
            rows_read += 1
            if len(row) == expected:
                good_lines.append(line)
            else:
                found.append((line, len(row), delimiter.join(row)))
    except csv.Error as exc:
        raise ImportRefused(
            _("%(file)s, line %(line)d: %(error)s")
            % {"file": path.name, "line": reader.line_num, "error": str(exc)}
        ) from exc
    return good_lines, found, rows_read, last_line


def read_table(path: Path, delimiter: str, header: list[str]) -> TextTable:
    """Check every line has ``len(header)`` fields, then read the good rows with Polars."""
    expected = len(header)
    structural: list[Refusal] = []
    good_lines = array("l")
    bad = False
    with path.open("rb") as raw:
        data = raw.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            _("%(file)s, line %(line)d: not UTF-8 text") % {"file": path.name, "line": line}
        ) from exc
    ends_with_newline = text.endswith("\n")
    fast = _scan_fast(text, delimiter, expected)
    if fast is not None:
        good_lines, found, rows_read, last_line, clean = fast
    else:
        good_lines, found, rows_read, last_line = _scan_csv(path, text, delimiter, expected)
        clean = None
    for line, n, value in found:
        bad = True
        structural.append(
            Refusal(
                file=path.name,
                line=line,
                field="*",
                value=value[:60],
                reason=_("%(n)d fields where the header has %(expected)d")
                % {"n": n, "expected": expected},
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
    source: bytes | io.BytesIO
    if clean is not None:
        source = clean
    elif bad:
        keep = set(good_lines)
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        reread = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        next(reread)
        for row in reread:
            if reread.line_num in keep and row:
                writer.writerow(row)
        source = io.BytesIO(out.getvalue().encode("utf-8"))
    else:
        source = data if not data.startswith(b"\xef\xbb\xbf") else data[3:]
    names = [f"c{i}" for i in range(expected)]
    if good_lines:
        frame = pl.read_csv(
            source,
            separator=delimiter,
            has_header=True,
            new_columns=names,
            infer_schema=False,
            empty_string_is_null=True,
            quote_char='"',
        )
    else:
        frame = pl.DataFrame({n: pl.Series([], dtype=pl.String) for n in names})
    frame = frame.rename(dict(zip(names, header, strict=True)))
    frame = frame.with_columns(pl.Series("_line", good_lines, dtype=pl.Int64))
    return TextTable(
        header=header, frame=frame, delimiter=delimiter, structural=structural, rows_read=rows_read
    )
