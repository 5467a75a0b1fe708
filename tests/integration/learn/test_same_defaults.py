"""``pharos trends`` and the trends page raise the same alarms on the same store (issue 16: the
command defaulted to every country, the page to the Mediterranean states, and so they differed).

The store holds a change only outside the Mediterranean (agriculture doubling in the United
States from 2019), a real change in Italy (hospitality doubling from 2018) and a source that
covers only the later years with more "other exploitation". With the shared defaults both flag
hospitality and neither flags agriculture nor other exploitation.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import polars as pl
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client


def _victims(rng: np.random.Generator, years: range, country: str, other: float,
             sector: str, step: int) -> pl.DataFrame:  # fmt: skip
    rows = []
    for year in years:
        kinds = rng.choice(3, size=800, p=[0.5 - other / 2, 0.5 - other / 2, other])
        p = 0.24 if year >= step else 0.12
        for k in kinds:
            labour = bool(k == 0)
            rows.append({"year": year, "citizenship": country, "exploitation_country": country,
                         "exp_forced_labour": labour, "exp_sexual_exploitation": k == 1,
                         "exp_other": k == 2,
                         f"sector_{sector}": labour and bool(rng.random() < p),
                         "sector_construction": labour and bool(rng.random() < 0.4)})  # fmt: skip
    return conform(pl.DataFrame(rows, schema_overrides={"year": pl.Int16}), "victims")


def test_cli_and_page_flag_the_same_categories(tmp_path: Path) -> None:
    rng = np.random.default_rng(20)
    store = Store(tmp_path / "data" / "learn")
    sources = (
        ("register.csv", range(2008, 2022), "ITA", 0.1, "hospitality", 2018),
        ("ngo.csv", range(2019, 2024), "ITA", 0.3, "hospitality", 2018),
        ("us.csv", range(2008, 2024), "USA", 0.1, "agriculture", 2019),
    )
    for i, (name, years, country, other, sector, step) in enumerate(sources):
        victims = _victims(rng, years, country, other, sector, step)
        store.add(kind="ctdc", file=name, digest=str(i) * 64, tables={"victims": victims})

    result = CliRunner().invoke(cli, ["trends", "--store", str(store.root)], terminal_width=200)
    assert result.exit_code == 0, result.output
    cli_flags = [line for line in result.output.splitlines() if "than its history predicts" in line]

    url = database_url("sqlite", tmp_path)
    engine = fresh_database(url)
    client = signed_in_client(make_app(url, data_dir=tmp_path / "data"), "it.labour")
    rows = list(csv.DictReader(io.StringIO(client.get("/learn/trends.csv").text)))
    page = client.get("/learn/trends").text
    engine.dispose()
    web_flags = {(r["dimension"], r["category"], r["since"]) for r in rows
                 if r["significant"] == "True"}  # fmt: skip

    assert web_flags == {("sector", "hospitality", "2018")}
    assert len(cli_flags) == 1 and "Hospitality: higher since 2018" in cli_flags[0]
    # the change outside the focus is not raised by either; with --focus all it is
    assert "Agriculture" not in result.output and "Agriculture: higher" not in page
    everywhere = CliRunner().invoke(
        cli, ["trends", "--store", str(store.root), "--focus", "all"], terminal_width=200
    )
    assert "Agriculture: higher since 2019" in everywhere.output
    # the mix of sources is reported by both, "other exploitation" as the mix, not a trend
    assert "The mix of sources changes" in result.output and "The mix of sources changes" in page
    other = next(r for r in rows if r["category"] == "other")
    assert other["significant"] == "False"
    # an unknown focus is an input error, not a silent default
    bad = CliRunner().invoke(cli, ["trends", "--store", str(store.root), "--focus", "mars"])
    assert bad.exit_code == 2 and "Unknown focus mars" in bad.output
