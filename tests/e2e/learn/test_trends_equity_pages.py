"""The trends and equal-protection pages in Chromium (en, fr, ar): the source mix is reported as
such, a real change is flagged, only flagged cells are coloured, age bands are in order.
Screenshots go to $PHAROS_SCREENSHOTS when set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from pharos.learn import codes
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.web.testing import sign_in

pytestmark = pytest.mark.browser


def _victims(
    rng: np.random.Generator, years: range, other: float, step: int | None
) -> pl.DataFrame:
    """Victims in Italy: forced labour, sexual exploitation or other; hospitality work doubles
    from ``step`` (a real change), ``other`` is this source's share of other exploitation."""
    rows = []
    for year in years:
        kinds = rng.choice(3, size=900, p=[0.5 - other / 2, 0.5 - other / 2, other])
        hospitality = 0.24 if step is not None and year >= step else 0.12
        for k in kinds:
            labour = k == 0
            rows.append({"year": year, "citizenship": "NGA", "exploitation_country": "ITA",
                         "exp_forced_labour": labour, "exp_sexual_exploitation": k == 1,
                         "exp_other": k == 2,
                         "sector_hospitality": bool(labour and rng.random() < hospitality),
                         "sector_agriculture": bool(labour and rng.random() < 0.5)})  # fmt: skip
    return conform(pl.DataFrame(rows, schema_overrides={"year": pl.Int16}), "victims")


def _outcomes(rng: np.random.Generator) -> pl.DataFrame:
    """Case outcomes where children aged 9-17 are identified far less often (a real gap)."""
    rows = []
    for band in ("48+", "9--17", "18--20", "30--38", "24--26"):
        for _ in range(300):
            p = 0.35 if band == "9--17" else 0.75
            rows.append({"source": "htcds", "gender": "feminine", "age_band": band,
                         "minor": band in codes.MINOR_AGE_BANDS, "citizenship": "NGA",
                         "identified": bool(rng.random() < p), "referred": bool(rng.random() < 0.5),
                         "protected": bool(rng.random() < 0.4)})  # fmt: skip
    return conform(pl.DataFrame(rows), "case_outcomes")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from pharos.web.testing import fresh_database, make_app, served

    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("trends-live")
    url = f"sqlite:///{folder / 'pharos.db'}"
    fresh_database(url).dispose()
    store = Store(folder / "data" / "learn")
    rng = np.random.default_rng(16)
    store.add(kind="ctdc", file="register_2008_2021.csv", digest="a" * 64,
              tables={"victims": _victims(rng, range(2008, 2022), 0.1, 2018)})  # fmt: skip
    store.add(kind="ctdc", file="ngo_2019_2023.csv", digest="b" * 64,
              tables={"victims": _victims(rng, range(2019, 2024), 0.3, 2018),
                      "case_outcomes": _outcomes(rng)})  # fmt: skip
    with served(make_app(url, data_dir=folder / "data")) as base:
        yield base


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("PHAROS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_trends_page_reports_the_source_mix_and_the_real_change(
    page: Any, server: str, lang: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "it.labour")
    page.goto(f"{server}/learn/trends?lang={lang}")
    page.wait_for_selector(".plot .main-svg")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    mix = page.locator(".mix").inner_text()
    assert "register_2008_2021.csv" in mix and "ngo_2019_2023.csv" in mix
    assert "2008–2021" in mix and "2019–2023" in mix
    flagged = page.locator("ul.trends li").all_inner_texts()
    # the real change (hospitality doubled in 2018, in both sources) is flagged ...
    assert any("2018" in t for t in flagged), flagged
    # ... and "other exploitation", three times as common in the later source, is not a trend
    other = {"en": "Other exploitation", "fr": "Autre exploitation", "ar": "استغلال آخر"}[lang]
    assert not any(t.split(":")[0].strip().endswith(other) for t in flagged), flagged
    assert "Holm" in page.locator("p.muted").first.inner_text() or lang == "ar"
    _shot(page, f"trends-{lang}.png")
    assert errors == []


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_equity_page_colours_only_flagged_cells_in_age_order(
    page: Any, server: str, lang: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "it.labour")
    page.goto(f"{server}/learn/equity?dimension=age_band&lang={lang}")
    page.wait_for_selector(".plot .main-svg")
    groups = [
        t.strip() for t in page.locator("table.equity tbody td:first-child").all_inner_texts()
    ]
    order = [g.split()[-1] if lang != "ar" else g for g in groups]
    assert len(order) == 5
    bands = ["9–17", "18–20", "24–26", "30–38", "48"]
    assert all(band in groups[i] for i, band in enumerate(bands)), groups
    worse = page.locator("table.equity .worse")
    assert worse.count() == 1  # children identified less often; nothing else
    assert "▼" in worse.inner_text()
    row = page.locator("table.equity tbody tr").nth(0)
    assert row.locator(".worse").count() == 1
    red = worse.evaluate("e => getComputedStyle(e).color")
    plain = row.locator("td").nth(3).evaluate("e => getComputedStyle(e).color")
    assert red != plain  # the referral share beside it is not coloured
    _shot(page, f"equity-age-{lang}.png")
    assert errors == []
