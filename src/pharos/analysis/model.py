"""What the analysis needs from a model, and the models it knows.

A model for experiments takes a *batch* of runs at once: one array of values per varied
parameter (addressed by dotted path) and one seed per run, and returns one array per outcome.
Batching lets a fast model vectorise across runs, and lets a backend send work in pieces long
enough to amortise scheduling.

Models travel to worker processes and Ray workers as a :class:`ModelRef` (a name and plain
options), never as live objects; each worker builds the model once and keeps it.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from pharos.i18n import _
from pharos.sim.defaults import Assumption

FloatArray = npt.NDArray[np.float64]


class ExperimentModel(ABC):
    """A model the experiment runner can drive."""

    #: runs per task, chosen so that one task lasts well over 10 ms (Ray's guidance)
    suggested_batch_size: int = 64
    #: the version of the way the model draws its random numbers: the same spec and seed give
    #: the same runs only under the same version (an interrupted experiment is not finished
    #: under another); raised when a change alters results run for run
    draws: str = "1"
    #: whether the model takes levers whose options are not numbers (``choices`` option:
    #: lever name -> one edit per option; a run's ``lever:<name>`` value is the option index)
    accepts_choices: bool = False

    def choice_errors(self) -> dict[str, dict[int, str]]:
        """Lever name -> option index -> why that option cannot be applied (checked before any
        run starts)."""
        return {}

    def assumptions(self) -> tuple[Assumption, ...]:
        """The defaults this model's results rest on (none for a toy)."""
        return ()

    def outcome_states(self, outcome: str) -> tuple[str, ...] | None:
        """The states whose facts ``outcome`` depends on (None: every state)."""
        return None

    @abstractmethod
    def parameters(self) -> Mapping[str, float]:
        """Every parameter an experiment may vary: dotted path -> baseline value."""

    @abstractmethod
    def outcome_names(self) -> tuple[str, ...]:
        """The outcomes one run reports, in order."""

    @abstractmethod
    def run_batch(
        self, values: Mapping[str, FloatArray], seeds: npt.NDArray[np.uint64], replications: int
    ) -> dict[str, FloatArray]:
        """Run ``len(seeds)`` runs; run *i* sets each path to ``values[path][i]``.

        Each run averages ``replications`` replications drawn from its own seed. Returns one
        array of length ``len(seeds)`` per outcome name.
        """


@dataclass(frozen=True)
class ModelRef:
    """A picklable description of a model: the registered name and its options."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.name, repr(sorted(self.options.items()))))


#: name -> "module:factory"; factories take the options as keyword arguments
MODELS: dict[str, str] = {
    "ishigami": "pharos.analysis.toy:IshigamiModel",
    "noisy-linear": "pharos.analysis.toy:NoisyLinearModel",
    "pharos": "pharos.analysis.pharos_model:PharosModel",
    "pharos-fast": "pharos.analysis.pharos_model:FastPharosModel",
}

_built: dict[ModelRef, ExperimentModel] = {}


class UnknownModelError(ValueError):
    """The experiment names a model Pharos does not have."""


def model_factory(name: str) -> Callable[..., ExperimentModel]:
    """The class (or factory) registered under ``name``."""
    target = MODELS.get(name)
    if target is None:
        raise UnknownModelError(
            _("unknown model %(name)s (known: %(known)s)")
            % {"name": name, "known": ", ".join(sorted(MODELS))}
        )
    module, _sep, attr = target.partition(":")
    factory: Callable[..., ExperimentModel] = getattr(importlib.import_module(module), attr)
    return factory


def build_model(ref: ModelRef) -> ExperimentModel:
    """The model ``ref`` describes, built once per process."""
    model = _built.get(ref)
    if model is None:
        model = model_factory(ref.name)(**ref.options)
        _built[ref] = model
    return model
