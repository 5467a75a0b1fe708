"""The learn pages in Chromium: charts are drawn (no CDN, no script errors) in en, fr and ar."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pharos.learn.importing import import_file
from pharos.learn.ingest.ctdc import FORMAT_B_COLUMNS
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.web.testing import sign_in

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"
pytestmark = pytest.mark.browser


def _synthetic_rows(path: Path) -> None:
    """Enough CTDC synthetic-layout rows that counts pass k = 11 (generated, not real data)."""
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.DictWriter(fp, fieldnames=FORMAT_B_COLUMNS, restval="")
        writer.writeheader()
        for year in range(2012, 2023):
            for i in range(40):
                kind = "isForcedLabour" if i % 2 else "isSexualExploit"
                writer.writerow({"yearOfRegistration": year, "gender": "Woman",
                                 "ageBroad": "18--20", "citizenship": "NGA",
                                 "CountryOfExploitation": "ITA", kind: 1,
                                 "meansThreats": 1})  # fmt: skip


@pytest.fixture(scope="module")
def learn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from pharos.web.testing import fresh_database, make_app, served

    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("learn-live")
    url = f"sqlite:///{folder / 'pharos.db'}"
    fresh_database(url).dispose()
    store = Store(folder / "data" / "learn")
    assert import_file(store, FIXTURES / "htcds_variants.csv").written
    generated = folder / "generated.csv"
    _synthetic_rows(generated)
    assert import_file(store, generated).written
    simulated = [{"source": "simulation", "year": 2021, "gender": "feminine",
                  "citizenship": "NGA", "exploitation_country": "ITA"}] * 30  # fmt: skip
    store.add(kind="simulation", file="s/baseline", digest="e" * 64, origin="simulation",
              tables={"victims": conform(pl.DataFrame(simulated), "victims")},
              details={"scenario": "baseline", "seed": 5})  # fmt: skip
    with served(make_app(url, data_dir=folder / "data")) as base:
        yield base


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_analytics_charts_are_drawn(page: Any, learn_server: str, lang: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, learn_server, "it.labour")
    page.goto(f"{learn_server}/learn?focus=all&lang={lang}")
    page.wait_for_selector(".plot .main-svg")
    assert page.locator(".plot .main-svg").count() >= 3
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    assert all(r.startswith(learn_server) for r in requests)  # nothing from a CDN
    assert errors == []
    with page.expect_download() as download:
        page.locator("button[data-download]").first.click()
    assert download.value.suggested_filename.endswith(".png")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_simulated_dataset_is_chosen_in_the_picker_and_bannered(
    page: Any, learn_server: str, lang: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, learn_server, "it.labour")
    page.goto(f"{learn_server}/learn?focus=all&lang={lang}")
    assert page.locator(".origin-banner").count() == 0
    sim = page.locator("#f-dataset option.not-real").first.get_attribute("value")
    page.select_option("#f-dataset", [sim])
    page.click("form[action='/learn'] button[type=submit]")
    page.wait_for_selector(".plot .main-svg")
    assert f"dataset={sim}" in page.url
    banner = page.locator(".origin-banner")
    assert banner.is_visible() and "baseline" in banner.inner_text() and "5" in banner.inner_text()
    title = page.locator(".plot .gtitle").first.text_content() or ""
    assert "5" in title and "baseline" in title  # the origin, in the drawn title
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_import_page_summarises_refusals_and_refuses_a_biased_drop(
    page: Any, learn_server: str, lang: str, tmp_path: Path
) -> None:
    """Issue 16: the refusals grouped by field and value; a partial import that would bias a
    field is refused on the page too. Screenshots go to $PHAROS_SCREENSHOTS when set."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    path = tmp_path / f"durations-{lang}.csv"
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.DictWriter(fp, fieldnames=FORMAT_B_COLUMNS, restval="")
        writer.writeheader()
        for i in range(400):  # every third duration in a spelling no codebook writes
            months = ("0--12 months", "13--24 (1-2 yrs)", "")[i % 3]
            writer.writerow({"yearOfRegistration": 2010 + i % 10, "gender": "Woman",
                             "ageBroad": "18--20", "citizenship": "NGA",
                             "CountryOfExploitation": "ITA", "traffickMonths": months,
                             "isForcedLabour": 1})  # fmt: skip
    sign_in(page, learn_server, "it.coordinator")
    page.goto(f"{learn_server}/learn/import?lang={lang}")
    page.set_input_files("#u-file", str(path))
    page.check("input[name=accept_partial]")
    page.click("form[action='/learn/import'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    if folder := os.environ.get("PHAROS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"learn-import-{lang}.png"), full_page=True)
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    summary = page.locator("table.refusals").first.inner_text()
    assert "traffickMonths" in summary and "0--12 months" in summary and "134" in summary
    assert page.locator("p.error[role=alert]").count() == 1  # the drop is biased
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_export_page_reports_the_plan_and_downloads_a_k_anonymous_file(
    page: Any, learn_server: str, lang: str, tmp_path: Path
) -> None:
    """Issue 16, item 2: the export page's report (each column's generalisation and share
    lost), the download, and a refusal with the plan it would have written."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, learn_server, "it.coordinator")
    page.goto(f"{learn_server}/learn/export?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    page.click("form[action='/learn/export'] button[type=submit]")
    # the export runs in the background; its page follows it and then shows the report
    page.wait_for_url("**/learn/export/jobs/*")
    page.wait_for_selector("a[href^='/learn/export/'][download]", timeout=60_000)
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    if folder := os.environ.get("PHAROS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"learn-export-{lang}.png"), full_page=True)
    report = page.locator("section.card table.cards")
    assert report.locator("tbody tr").count() == len(FORMAT_B_COLUMNS)
    assert "citizenship" in report.inner_text()
    with page.expect_download() as download:
        page.locator("a[href^='/learn/export/'][download]").click()
    saved = tmp_path / f"export-{lang}.csv"
    download.value.save_as(saved)
    with saved.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    quasi = ("yearOfRegistration", "gender", "ageBroad", "citizenship",
             "CountryOfExploitation", "traffickMonths")  # fmt: skip
    classes: dict[tuple[str, ...], int] = {}
    for r in rows:
        key = tuple(r[c] for c in quasi)
        classes[key] = classes.get(key, 0) + 1
    assert rows and min(classes.values()) >= 11
    page.fill("#x-k", "5000")
    page.click("form[action='/learn/export'] button[type=submit]")
    page.wait_for_selector("p.error[role=alert]", timeout=60_000)
    assert page.locator("p.error[role=alert]").count() == 1
    assert page.locator("a[href^='/learn/export/'][download]").count() == 0
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_dataset_is_deleted_after_confirmation_and_imports_again(
    page: Any, learn_server: str, lang: str, tmp_path: Path
) -> None:
    """Issue 16, item 1: the import page's Delete… opens a confirmation naming the file; its
    button deletes; the same file can then be imported again."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    path = tmp_path / f"to-delete-{lang}.csv"
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.DictWriter(fp, fieldnames=FORMAT_B_COLUMNS, restval="")
        writer.writeheader()
        writer.writerow({"yearOfRegistration": 2019, "gender": "Woman", "ageBroad": "18--20",
                         "citizenship": "TUN" if lang == "ar" else "EGY",
                         "CountryOfExploitation": "ITA" if lang == "fr" else "GRC"})  # fmt: skip
    sign_in(page, learn_server, "it.coordinator")

    def upload() -> None:
        page.goto(f"{learn_server}/learn/import?lang={lang}")
        page.set_input_files("#u-file", str(path))
        page.click("form[action='/learn/import'] button[type=submit]")
        page.wait_for_load_state("networkidle")

    upload()
    assert page.locator("p.flash").count() == 1  # stored
    row = page.locator("tr", has_text=path.name)
    row.locator("a[href$='/delete']").click()
    page.wait_for_load_state("networkidle")
    assert "/delete" in page.url and path.name in page.locator("dl").inner_text()
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    if folder := os.environ.get("PHAROS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"learn-delete-{lang}.png"), full_page=True)
    page.click("form[action$='/delete'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("p.flash[role=status]").count() == 1
    assert page.locator("tr", has_text=path.name).count() == 0
    upload()  # the same file again
    assert page.locator("tr", has_text=path.name).count() == 1
    assert errors == []
