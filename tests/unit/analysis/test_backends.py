"""Backends: local worker processes give exactly what the in-process run gives."""

from __future__ import annotations

import pandas as pd
import pytest

from pharos.analysis.backends import LocalBackend, make_backend
from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import parse_experiment


def test_local_processes_match_serial(ishigami) -> None:
    spec = parse_experiment(
        ishigami("latin_hypercube", 60, batch_size=7, model_options={"noise": 1.0})
    )
    serial = run_experiment(spec, backend=make_backend("serial")).runs
    local = run_experiment(spec, backend=LocalBackend(2)).runs
    pd.testing.assert_frame_equal(serial, local)


def test_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        make_backend("spark")
