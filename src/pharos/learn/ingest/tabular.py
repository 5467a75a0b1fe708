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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        next(reader)
    except StopIteration as exc:
        raise ImportRefused(_("%(file)s is empty") % {"file": path.name}) from exc
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
                continue
            bad = True
            structural.append(
                Refusal(
                    file=path.name,
                    line=line,
                    field="*",
                    value=delimiter.join(row)[:60],
                    reason=_("%(n)d fields where the header has %(expected)d")
                    % {"n": len(row), "expected": expected},
                )
            )
    except csv.Error as exc:
        raise ImportRefused(
            _("%(file)s, line %(line)d: %(error)s")
            % {"file": path.name, "line": reader.line_num, "error": str(exc)}
        ) from exc
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
    if bad:
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
