"""The after-action report as PDF, drawn with reportlab (tables and findings, A4).

Uses the DejaVu Sans font when the system has it (Latin, Greek), else reportlab's bundled Vera.
reportlab does not shape Arabic script: for an Arabic report use the HTML, or
``pdf_via_chromium`` which prints the HTML with Chromium.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from pharos.coordinate.case_file_pdf import html_to_pdf, pdf_fonts
from pharos.exercise.report.after_action import Report
from pharos.exercise.report.html import atomic_write, render_html
from pharos.exercise.report.sections import Section, cover_lines, sections
from pharos.i18n import _, is_rtl

log = logging.getLogger("pharos.exercise.report")


def _fonts() -> tuple[str, str]:
    return pdf_fonts()


#: the width of the tables on an A4 page between its margins
WIDTH = 18 * cm
#: where reportlab breaks a line in a table's cell: at spaces (a longer word is cut anywhere)
_WORDS = re.compile(r"\s+")
#: the tables' cell padding (each side) and font size
_PADDING, _SIZE = 3.0, 7.5


def _word_widths(header: list[str], rows: list[list[object]], font: str, bold: str) -> list[float]:
    """Column widths in which no word is broken: each column as wide as its longest word
    (header in bold), the room left shared equally. When the words cannot all fit, the
    columns with the longest words are narrowed to one common width, so that only those
    break. Before, reportlab shared the width
    out equally and a ten-column table broke "Prosecuti|on" and "agricultur|al"."""
    need = []
    for j, h in enumerate(header):
        longest = max((stringWidth(w, bold, _SIZE) for w in _WORDS.split(h)), default=0.0)
        for row in rows:
            text = "" if row[j] is None else str(row[j])
            longest = max([longest, *(stringWidth(w, font, _SIZE) for w in _WORDS.split(text))])
        need.append(longest + 2 * _PADDING + 1)
    if sum(need) <= WIDTH:
        rest = (WIDTH - sum(need)) / len(need)
        return [w + rest for w in need]
    low, high = 0.0, max(need)  # the common width of the narrowed columns
    for _step in range(40):
        cap = (low + high) / 2
        low, high = (cap, high) if sum(min(w, cap) for w in need) < WIDTH else (low, cap)
    return [min(w, low) for w in need]


def _table(
    header: list[str],
    rows: list[list[object]],
    font: str,
    bold: str,
    widths: list[float] | None = None,
) -> Table:
    cell = ParagraphStyle("cell", fontName=font, fontSize=_SIZE, leading=9)
    head = ParagraphStyle("head", fontName=bold, fontSize=_SIZE, leading=9)
    if widths is None:
        widths = _word_widths(header, rows, font, bold)
    data = [[Paragraph(escape(h), head) for h in header]]
    data += [[Paragraph(escape("" if v is None else str(v)), cell) for v in row] for row in rows]
    if len(data) == 1:
        data.append([Paragraph("—", cell)] + [Paragraph("", cell)] * (len(header) - 1))
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d2de")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
            ]
        )
    )
    return t


@dataclass(frozen=True)
class _Look:
    """The fonts and paragraph styles of the report."""

    font: str
    bold: str
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle

    def table(
        self, header: list[str], rows: list[list[object]], widths: list[float] | None = None
    ) -> Table:
        return _table(header, rows, self.font, self.bold, widths)

    def section(self, title: str, *flowables: Flowable) -> list[Flowable]:
        return [Paragraph(escape(title), self.h2), *flowables]


def _look() -> _Look:
    font, bold = _fonts()
    ss = getSampleStyleSheet()
    return _Look(
        font,
        bold,
        h1=ParagraphStyle("h1", parent=ss["Heading1"], fontName=bold, fontSize=15),
        h2=ParagraphStyle(
            "h2", parent=ss["Heading2"], fontName=bold, fontSize=11.5, spaceBefore=10
        ),
        body=ParagraphStyle("body", parent=ss["BodyText"], fontName=font, fontSize=8.5, leading=11),
    )


def _section(sec: Section, look: _Look) -> list[Flowable]:
    """One section of ``sections``, drawn as the HTML draws it: a table, a list or lines."""
    if sec.lines:
        return look.section(sec.title, _lines(sec.lines, look))
    if sec.header:
        widths = None
        if sec.widths:
            unit = WIDTH / sum(sec.widths)
            widths = [w * unit for w in sec.widths]
        rows: list[list[object]] = [[c.text for c in row] for row in sec.rows]
        if not rows:
            rows = [[sec.empty, *([""] * (len(sec.header) - 1))]]
        return look.section(sec.title, look.table(sec.header, rows, widths))
    items = [
        Paragraph("• " + escape(text) + f" [{escape(objective)}]", look.body)
        for text, objective in sec.items
    ]
    return look.section(sec.title, *(items or [Paragraph(escape(sec.empty), look.body)]))


def _lines(lines: list[tuple[str, str]], look: _Look) -> Table:
    cell = ParagraphStyle("line", fontName=look.font, fontSize=8.5, leading=11)
    head = ParagraphStyle("label", fontName=look.bold, fontSize=8.5, leading=11)
    t = Table(
        [[Paragraph(escape(a), head), Paragraph(escape(b), cell)] for a, b in lines],
        colWidths=[4.5 * cm, 13.5 * cm],
    )
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def pdf_bytes(r: Report) -> bytes:
    """The report as PDF bytes: its title, then one section after another."""
    look = _look()
    out: list[Flowable] = [
        Paragraph(escape(_("After-action report and improvement plan")), look.body),
        Paragraph(escape(r.title), look.h1),
        _lines(cover_lines(r), look),
    ]
    for sec in sections(r):
        out += _section(sec, look)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=r.title,
        invariant=1,
    )
    doc.build(out)
    return buf.getvalue()


def pdf_via_chromium(r: Report, chromium: str = "/usr/bin/chromium") -> bytes:
    """The HTML report printed to PDF by Chromium (shapes Arabic and lays out right to left)."""
    return html_to_pdf(render_html(r), Path(chromium))


def pdf_for_reader(report: Report) -> bytes:
    """PDF by reportlab; for right-to-left languages by Chromium's print when installed
    (reportlab does not shape Arabic), else reportlab's (logged)."""
    if is_rtl() and Path("/usr/bin/chromium").exists():
        try:
            return pdf_via_chromium(report)
        except Exception:  # Chromium failed: the reportlab drawing rather than no report
            log.exception("Chromium could not print the after-action report")
    return pdf_bytes(report)


def write_pdf(report: Report, path: Path) -> None:
    """The report as PDF in ``path`` (``pdf_for_reader``), written whole or not at all."""
    atomic_write(path, pdf_for_reader(report))
