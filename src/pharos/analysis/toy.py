"""Toy models with known answers, to check the analysis pipeline end to end.

The Ishigami function (Ishigami & Homma 1990) is the standard test of global sensitivity
analysis: ``f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1`` with ``x_i ~ U(-π, π)``. With a = 7 and
b = 0.1 its Sobol indices are known in closed form (Saltelli et al. 2008, *Global Sensitivity
Analysis: The Primer*, p. 179; also SALib's test suite): first order S1 = 0.3139, S2 = 0.4424,
S3 = 0; total ST1 = 0.5576, ST2 = 0.4424, ST3 = 0.2437.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from pharos.analysis.model import ExperimentModel, FloatArray


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, dict[str, float]]:
    """The exact first-order (S1) and total (ST) Sobol indices of the Ishigami function."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / var, "x2": v2 / var, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / var, "x2": v2 / var, "x3": v13 / var},
    }


class IshigamiModel(ExperimentModel):
    """The Ishigami function as an experiment model (parameters ``ishigami.x1`` .. ``x3``).

    ``noise`` adds seeded Gaussian noise of that standard deviation to each replication, so the
    seed handling of the runner can be checked too.
    """

    suggested_batch_size = 4096

    def __init__(self, a: float = 7.0, b: float = 0.1, noise: float = 0.0) -> None:
        self.a, self.b, self.noise = a, b, noise

    def parameters(self) -> Mapping[str, float]:
        return {"ishigami.x1": 0.0, "ishigami.x2": 0.0, "ishigami.x3": 0.0}

    def outcome_names(self) -> tuple[str, ...]:
        return ("y",)

    def run_batch(
        self, values: Mapping[str, FloatArray], seeds: npt.NDArray[np.uint64], replications: int
    ) -> dict[str, FloatArray]:
        base = dict(self.parameters())
        n = len(seeds)
        x1, x2, x3 = (
            np.asarray(values.get(p, np.full(n, base[p])), dtype=float)
            for p in ("ishigami.x1", "ishigami.x2", "ishigami.x3")
        )
        y = np.sin(x1) + self.a * np.sin(x2) ** 2 + self.b * x3**4 * np.sin(x1)
        if self.noise > 0:
            noise = np.array(
                [
                    np.random.default_rng(int(s)).normal(0.0, self.noise, replications).mean()
                    for s in seeds
                ]
            )
            y = y + noise
        return {"y": y.astype(float)}


class NoisyLinearModel(ExperimentModel):
    """A toy with inert factors and simulation noise, to measure how often the noise floor
    calls an inert factor influential (``tests/unit/analysis/test_noise_floor.py``).

    ``y = Σ weights[i] · x_i + noise · ε`` over parameters ``toy.x1`` .. ``toy.x<k>``, ``ε``
    standard normal drawn from the run's seed. A factor whose weight is 0 is inert. With
    ``desync`` the draw of ``ε`` also depends on every input's value, as in a simulation where
    changing any parameter shifts the random numbers drawn after it: then an inert factor
    re-draws the noise exactly as the dummy factor does, the hardest case for the noise floor.
    """

    suggested_batch_size = 4096

    def __init__(
        self,
        weights: tuple[float, ...] = (1.0, 0.5, 0.0, 0.0, 0.0, 0.0),
        noise: float = 0.5,
        desync: bool = False,
    ) -> None:
        self.weights = np.asarray(weights, dtype=float)
        self.noise, self.desync = noise, desync

    def parameters(self) -> Mapping[str, float]:
        return {f"toy.x{i + 1}": 0.5 for i in range(len(self.weights))}

    def outcome_names(self) -> tuple[str, ...]:
        return ("y",)

    def run_batch(
        self, values: Mapping[str, FloatArray], seeds: npt.NDArray[np.uint64], replications: int
    ) -> dict[str, FloatArray]:
        n = len(seeds)
        x = np.column_stack(
            [
                np.asarray(values.get(p, np.full(n, v)), dtype=float)
                for p, v in self.parameters().items()
            ]
        )
        y = x @ self.weights
        eps = np.empty(n)
        for i, s in enumerate(seeds):
            key = [int(s)]
            if self.desync:
                key += [int(b) for b in x[i].view(np.uint64)]
            eps[i] = np.random.default_rng(key).standard_normal(replications).mean()
        return {"y": np.asarray(y + self.noise * eps, dtype=float)}
