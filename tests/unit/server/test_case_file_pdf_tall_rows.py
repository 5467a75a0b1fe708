"""A case file whose note is taller than a page is still drawn (Schemathesis found a 500 on
GET /api/v1/cases/{id}/file.pdf: reportlab raised LayoutError for a table row of 816 points;
``case_file_pdf.render`` now draws the rows as paragraphs when that happens)."""

from __future__ import annotations

import pytest

from pharos.coordinate import case_file_pdf
from pharos.coordinate.case_file_pdf import Section


def test_a_row_taller_than_a_page_is_drawn_as_paragraphs() -> None:
    note = "word " * 6000
    parts = [Section("Notes", header=["When", "By", "Note"], rows=[["today", "it.police", note]])]
    with pytest.raises(case_file_pdf.LayoutError):
        case_file_pdf._reportlab(parts, "Case file")
    pdf = case_file_pdf._reportlab(parts, "Case file", tables=False)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
