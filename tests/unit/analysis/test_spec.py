"""Declaring an experiment: bad input is refused with a clear message before any run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pharos.analysis.model import build_model
from pharos.analysis.options import Design
from pharos.analysis.runner import check_against_model, model_ref, run_experiment
from pharos.analysis.spec import ExperimentSpecError, load_experiment, parse_experiment

GOOD = """\
title: toy
experiment:
  model: ishigami
  design: latin_hypercube
  n: 10
  uncertainties:
    - name: x1
      path: ishigami.x1
      low: -3
      high: 3
    - name: x2
      path: ishigami.x2
      low: 1
      high: -1
  levers:
    - name: l
      path: ishigami.x3
      options: {low: 0, high: 1}
"""


def test_low_above_high_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "exp.yaml"
    path.write_text(GOOD)
    with pytest.raises(ExperimentSpecError) as err:
        load_experiment(path)
    message = str(err.value)
    assert f"{path}:11" in message
    assert "experiment.uncertainties.1" in message
    assert "low (1.0) must be below high (-1.0)" in message


def test_unknown_design_is_refused(ishigami) -> None:
    with pytest.raises(ExperimentSpecError, match=r"experiment\.design"):
        parse_experiment(ishigami(design="monte_carlo_magic"))


def test_lever_naming_no_parameter_is_refused_before_any_run(ishigami, tmp_path: Path) -> None:
    data = ishigami(levers=[{"name": "desk", "path": "cooperation.nowhere", "options": [0, 1]}])
    spec = parse_experiment(data)
    with pytest.raises(ExperimentSpecError, match=r"experiment\.levers\.0\.path.*nowhere"):
        run_experiment(spec, folder=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unknown_outcome_is_refused(ishigami) -> None:
    spec = parse_experiment(ishigami(outcomes=["z"]))
    with pytest.raises(ExperimentSpecError, match="no outcome z"):
        check_against_model(spec, build_model(model_ref(spec)))


def test_same_parameter_twice_and_bad_distributions(ishigami) -> None:
    data = ishigami()
    data["uncertainties"][1]["path"] = "ishigami.x1"
    with pytest.raises(ExperimentSpecError, match="varied twice"):
        parse_experiment(data)
    data = ishigami()
    data["uncertainties"][0].update(distribution="loguniform")
    with pytest.raises(ExperimentSpecError, match="log-uniform"):
        parse_experiment(data)
    data = ishigami()
    data["uncertainties"][0].update(distribution="triangular", mode=9)
    with pytest.raises(ExperimentSpecError, match="mode between low and high"):
        parse_experiment(data)


def test_a_good_declaration_and_its_fingerprint(ishigami) -> None:
    def declared() -> dict:
        data = ishigami(levers=[{"name": "l", "path": "ishigami.x3", "options": [0, 1]}])
        data["uncertainties"] = data["uncertainties"][:2]
        return data

    a = parse_experiment(declared())
    assert a.design is Design.SOBOL
    assert a.levers[0].options == {"0": 0.0, "1": 1.0}
    assert a.fingerprint() == parse_experiment(declared()).fingerprint()
    assert a.fingerprint() != parse_experiment(ishigami(n=65)).fingerprint()


def test_missing_section_and_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("title: nothing\n")
    with pytest.raises(ExperimentSpecError, match="no experiment section"):
        load_experiment(path)
    path.write_text("experiment: [\n")
    with pytest.raises(ExperimentSpecError, match="not valid YAML"):
        load_experiment(path)
