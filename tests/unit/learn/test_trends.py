"""Emerging trends: a real step is found and dated; noise and steady growth are not flagged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from pharos.i18n import use_locale
from pharos.learn.analytics import Filters
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.learn.trends import emerging, step_test

YEARS = list(range(2010, 2023))


def test_step_test_finds_the_change_year() -> None:
    totals = [1000] * len(YEARS)
    counts = [50, 52, 48, 51, 49, 50, 53, 47, 50, 120, 125, 118, 122]  # from 2019
    found = step_test(YEARS, counts, totals)
    assert found is not None
    since, ratio, p = found
    assert since == 2019 and 2.0 < ratio < 3.0 and p < 0.001


def test_growth_in_line_with_history_is_not_flagged() -> None:
    rng = np.random.default_rng(7)
    totals = [1000] * len(YEARS)
    counts = [int(rng.poisson(40 * 1.05**i)) for i in range(len(YEARS))]
    found = step_test(YEARS, counts, totals)
    assert found is not None and found[2] > 0.05


def test_short_series_is_not_tested() -> None:
    assert step_test([2020, 2021, 2022], [1, 2, 3], [10, 10, 10]) is None


def test_emerging_names_the_category_in_plain_language(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = []
    for year in YEARS:
        online_rate = 0.1 if year < 2018 else 0.3
        for _ in range(200):
            online = bool(rng.random() < online_rate)
            rows.append(
                {"year": year, "rec_online_social_networks": online, "rec_family": not online}
            )
    victims = conform(pl.DataFrame(rows, schema_overrides={"year": pl.Int16}), "victims")
    store = Store(tmp_path)
    store.add(kind="t", file="t", digest="1" * 64, tables={"victims": victims})
    found = emerging(store.connect(), ("rec",), Filters())
    top = found[0]
    assert top.category == "online_social_networks" and top.rising and top.since == 2018
    assert "Recruited through online social networks: higher since 2018" in top.sentence()
    family = next(t for t in found if t.category == "family")
    assert not family.rising and family.ratio < 1
    with use_locale("fr"):
        assert "depuis 2018" in top.sentence()
