"""``pharos experiment`` end to end: progress, tables, report; bad input exits 2 untouched."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from pharos.cli import app

BAD = """\
experiment:
  model: ishigami
  design: sobol
  uncertainties:
    - {name: x1, path: ishigami.x1, low: 2, high: 1}
"""

GOOD = """\
experiment:
  model: ishigami
  design: latin_hypercube
  n: 200
  uncertainties:
    - {name: x1, path: ishigami.x1, low: -3.14, high: 3.14}
    - {name: x2, path: ishigami.x2, low: -3.14, high: 3.14}
  levers:
    - {name: x3, path: ishigami.x3, options: {zero: 0, two: 2}}
  discovery: {outcome: y, threshold: 6}
  robustness: {outcome: y, better: lower}
"""


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["experiment", str(spec), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{spec}:5" in result.output and "must be below high" in result.output
    assert not out.exists()
    result = CliRunner().invoke(app, ["experiment", str(spec), "--design", "nonsense"])
    assert result.exit_code == 2


def test_sobol_override_and_report(tmp_path: Path) -> None:
    spec = tmp_path / "good.yaml"
    spec.write_text(GOOD)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "experiment",
            str(spec),
            "--design",
            "sobol",
            "--n",
            "64",
            "--backend",
            "serial",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    # 64 x (2 x (2 + 1) + 2) scenarios (the dummy factor is the + 1) x 2 policies
    assert "1024 runs" in result.output
    assert "Noise floor" in result.output
    assert "Sensitivity of y" in result.output and "PRIM box" in result.output
    html = (out / "report.html").read_text()
    assert "Plotly" in html and "plotly-graph-div" in html
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=", html)  # nothing fetched
    assert (out / "outcomes.parquet").exists() and (out / "regret.csv").exists()
