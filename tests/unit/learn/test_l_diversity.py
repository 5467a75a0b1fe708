"""Distinct l-diversity of the sensitive fields in the k-anonymous export (issue 16): reported
per field by the independent re-read of the written file, and a stated l refuses a file where a
class of the quasi-identifiers has fewer distinct values, unless forced."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.learn.export import ExportRefused, export_ctdc, report_from_json, report_to_json
from pharos.learn.schema import conform
from pharos.learn.store import Store


def _victims() -> pl.DataFrame:
    """40 victims, two genders: every woman's sexual exploitation recorded (a homogeneous class),
    the men's mixed; forced labour mixed in both."""
    rows = 40
    data = {
        "source": ["ctdc_synthetic"] * rows,
        "year": [2019] * rows,
        "gender": ["feminine" if i < 20 else "masculine" for i in range(rows)],
        "exp_sexual_exploitation": [True if i < 20 else i % 2 == 0 for i in range(rows)],
        "exp_forced_labour": [i % 3 == 0 for i in range(rows)],
    }
    return conform(pl.DataFrame(data).with_columns(pl.col("year").cast(pl.Int16)), "victims")


OPTIONS = {"k": 2, "quasi_identifiers": ("gender",), "max_loss": 1.0,
           "sensitive": ("isSexualExploit", "isForcedLabour")}  # fmt: skip


def _distinct_by_class(path: Path, field: str) -> dict[str, set[str]]:
    """An independent count: the distinct values of ``field`` per gender, read with csv."""
    found: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fp:
        for row in csv.DictReader(fp):
            if row[field] != "*":
                found[row["gender"]].add(row[field])
    return found


def test_each_sensitive_field_is_reported_with_its_smallest_l(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    report = export_ctdc(_victims(), out, **OPTIONS)  # type: ignore[arg-type]
    check = report.verification
    assert check is not None and check.l_target == 2
    by_field = {d.field: d for d in check.diversity}
    sexual, labour = by_field["isSexualExploit"], by_field["isForcedLabour"]
    assert (sexual.smallest, sexual.classes_below, sexual.rows_below) == (1, 1, 20)
    assert (labour.smallest, labour.classes_below, labour.rows_below) == (2, 0, 0)
    independent = _distinct_by_class(out, "isSexualExploit")
    assert sorted(len(v) for v in independent.values()) == [1, 2]
    assert min(len(v) for v in _distinct_by_class(out, "isForcedLabour").values()) == 2
    # the report survives the JSON the background export keeps
    again = report_from_json(report_to_json(report)).verification
    assert again is not None and again.diversity == check.diversity


def test_a_stated_l_refuses_the_file_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(ExportRefused, match="isSexualExploit") as refused:
        export_ctdc(_victims(), out, l_diversity=2, **OPTIONS)  # type: ignore[arg-type]
    assert "l = 2" in str(refused.value)
    assert not out.exists() and not list(tmp_path.iterdir())  # nothing written
    forced = export_ctdc(_victims(), out, l_diversity=2, force=True, **OPTIONS)  # type: ignore[arg-type]
    assert out.exists() and forced.verification is not None
    # l = 3 is more than two-valued flags can ever give: both fields fall below it
    relaxed = export_ctdc(_victims(), tmp_path / "y.csv", l_diversity=3, force=True,
                          **OPTIONS)  # type: ignore[arg-type]  # fmt: skip
    assert relaxed.verification is not None
    assert [d.classes_below for d in relaxed.verification.diversity] == [2, 2]


def test_the_command_line_reports_refuses_and_forces(tmp_path: Path) -> None:
    store = tmp_path / "store"
    Store(store).add(kind="ctdc_synthetic", file="v.csv", digest="d" * 64,
                     tables={"victims": _victims()})  # fmt: skip
    base = ["export", str(tmp_path / "out.csv"), "--store", str(store), "--k", "2",
            "--qi", "gender", "--sensitive", "isSexualExploit", "--sensitive", "isForcedLabour",
            "--max-loss", "1"]  # fmt: skip
    runner = CliRunner()
    shown = runner.invoke(cli, base)
    assert shown.exit_code == 0, shown.output
    assert "isSexualExploit: smallest l 1; classes below l = 2: 1; their rows: 20" in shown.output
    refused = runner.invoke(cli, [*base, "--l", "2"])
    assert refused.exit_code == 2 and "fewer distinct values than l = 2" in refused.output
    forced = runner.invoke(cli, [*base, "--l", "2", "--force"])
    assert forced.exit_code == 0 and "less diverse than l = 2 (forced)" in forced.output
