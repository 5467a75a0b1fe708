"""The Ray backend: a local Ray cluster gives exactly the results of local processes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pharos.analysis.backends import LocalBackend, RayBackend
from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import parse_experiment

ray = pytest.importorskip("ray")


@pytest.mark.ray
@pytest.mark.slow
def test_ray_and_local_give_identical_results() -> None:
    spec = parse_experiment(
        {
            "model": "ishigami",
            "model_options": {"noise": 1.0},
            "design": "sobol",
            "n": 64,
            "seed": 4,
            "batch_size": 50,
            "replications": 2,
            "uncertainties": [
                {"name": f"x{i}", "path": f"ishigami.x{i}", "low": -math.pi, "high": math.pi}
                for i in (1, 2, 3)
            ],
        }
    )
    local = run_experiment(spec, backend=LocalBackend(2)).runs
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        backend = RayBackend(workers=2)
        on_ray = run_experiment(spec, backend=backend).runs
    finally:
        ray.shutdown()
    pd.testing.assert_frame_equal(local, on_ray)
