"""``pharos import / export / trends / equity / datasets`` as a user runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pharos.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def test_import_then_export_with_k(tmp_path: Path, store: str) -> None:
    code, out = _run("import", "--store", store, str(FIXTURES / "ctdc_global_quirks.csv"),
                     str(FIXTURES / "ctdc_synthetic_quirks.csv"))  # fmt: skip
    assert code == 0, out
    assert "Accepted" in out and "yes, dataset" in out
    code, out = _run("datasets", "--store", store)
    assert code == 0 and "ctdc_global" in out and "ctdc_synthetic" in out
    target = tmp_path / "publish.csv"
    # 11 victims cannot be published at k = 3 without losing most of every column: refused,
    # with the plan that would have been written, and nothing written
    code, out = _run("export", "--store", store, str(target), "--k", "3")
    assert code == 2, out
    assert "would lose more than 20%" in out and "Generalisation" in out
    assert not target.exists()
    code, out = _run("export", "--store", store, str(target), "--k", "3", "--force")
    assert code == 0, out
    assert "Verified by re-reading the file with DuckDB" in out and "forced" in out
    with target.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert len(rows) <= 11  # 11 victims in; the small classes were suppressed or removed
    counts: dict[tuple[str, ...], int] = {}
    for r in rows:
        key = (r["yearOfRegistration"], r["gender"], r["ageBroad"], r["citizenship"])
        counts[key] = counts.get(key, 0) + 1
    assert min(counts.values()) >= 3


def test_refused_import_exits_2_and_stores_nothing(tmp_path: Path, store: str) -> None:
    bad = tmp_path / "bad.csv"
    text = (FIXTURES / "ctdc_synthetic_quirks.csv").read_text().replace("2019,Man,", "2019,Alien,")
    bad.write_text(text)
    code, out = _run("import", "--store", store, str(bad))
    assert code == 2
    assert "bad.csv, line 3, field gender: unknown gender code" in out
    assert "Nothing was stored" in out
    assert not (Path(store) / "datasets").exists() or not any((Path(store) / "datasets").iterdir())


def test_size_limit_and_french_messages(tmp_path: Path, store: str) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fp:
        fp.truncate(3 * 2**20)
    code, out = _run("--lang", "fr", "import", "--store", store, "--max-size", "1", str(big))
    assert code == 2
    assert "plus que la limite de 1 Mo" in out


def test_export_k_below_two_exits_2(tmp_path: Path, store: str) -> None:
    code, out = _run("export", "--store", store, str(tmp_path / "x.csv"), "--k", "1")
    assert code == 2 and "at least 2" in out
    assert not (tmp_path / "x.csv").exists()


def test_equity_and_trends_run_on_htcds_data(store: str) -> None:
    assert _run("import", "--store", store, str(FIXTURES / "htcds_variants.csv"))[0] == 0
    code, out = _run("equity", "--store", store, "--k", "2", "--dimension", "gender")
    assert code == 0, out
    assert "suppressed" in out  # one case per gender: fewer than k = 2
    code, out = _run("trends", "--store", store)
    assert code == 0
    assert "No category changed significantly" in out
