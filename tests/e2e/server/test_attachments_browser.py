"""Attaching a scanned contract and exporting the case file in Chromium, in English and Arabic
(issue 18, items 4 and 8): the labour inspector picks a file with the case page's form, sees it
listed and downloads it; an SVG with a script is refused with the message next to the field;
the case list offers the CSV of what it shows; the case file PDF downloads as a PDF whose text
holds the victim's name (read back with pdfium). ``PHAROS_SCREENSHOTS=DIR`` keeps the
screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_attach_and_export(browser: Any, live_server: str, lang: str, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    shots = Path(os.environ.get("PHAROS_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, "it.labour")
    page.goto(f"{base}/cases/new?lang={lang}")
    page.fill("#f-title", f"Contract {lang}")
    page.fill("#f-first_name", "Amina")
    page.fill("#f-second_name", "Haddad")
    page.click("form[action='/cases'] button[type=submit]")
    page.wait_for_url(f"{base}/cases/*")
    case_url = page.url.split("#")[0]

    # a hostile file is refused, next to the field
    page.set_input_files(
        "#f-case-file", files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": SVG}]
    )
    page.click("#attachments button[type=submit]")
    error = page.locator("#case-file-error")
    assert error.is_visible() and "PDF" in error.inner_text()
    assert page.get_attribute("#f-case-file", "aria-invalid") == "true"
    page.locator("#attachments").screenshot(path=str(shots / f"attach-refused-{lang}.png"))

    # the scanned contract is kept and listed
    page.set_input_files(
        "#f-case-file",
        files=[{"name": "contract scan.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.click("#attachments button[type=submit]")
    page.wait_for_url(f"{case_url}#attachments")
    link = page.locator("#attachments ul.files a")
    assert link.inner_text() == "contract scan.png"
    page.locator("#attachments").screenshot(path=str(shots / f"attach-listed-{lang}.png"))
    with page.expect_download() as got:
        link.click()
    assert Path(got.value.path()).read_bytes() == PNG

    # the case file
    with page.expect_download() as got:
        page.click("#case-file-pdf")
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and got.value.suggested_filename.endswith(".pdf")
    doc = pdfium.PdfDocument(pdf)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    words = " ".join(text.split())
    assert "Amina" in words and "contract scan.png" in words
    doc[0].render(scale=1.2).to_pil().save(shots / f"case-file-{lang}.png")
    doc.close()
    page.screenshot(path=str(shots / f"case-{lang}.png"), full_page=True)

    # the case list's CSV
    page.goto(f"{base}/cases")
    with page.expect_download() as got:
        page.click("#cases-csv")
    csv = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert "Amina Haddad" in csv and f"Contract {lang}" in csv
    page.screenshot(path=str(shots / f"cases-{lang}.png"))
    context.close()
