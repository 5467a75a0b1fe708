"""The experiment section of a scenario: uncertainties, levers, design, outcomes.

An experiment is declared in YAML under the key ``experiment``, either inside a scenario file
or in a file of its own::

    experiment:
      model: pharos            # which model: "pharos" (the regional model) or "ishigami" (a toy)
      design: sobol            # full_factorial | latin_hypercube | sobol | morris
      n: 512                   # base sample size (Sobol: N; LHS: runs; Morris: trajectories;
                               #   full factorial: levels per uncertainty)
      seed: 20261128
      common_random_numbers: true   # the default: one seed for every design point (Sobol and
                                    #   Morris: the seed is the dummy factor's, see designs.py)
      uncertainties:
        - name: online_detection_egypt
          path: detection.online_monitoring.EGY.rate_per_year
          low: 0.02
          high: 0.30
          distribution: uniform   # uniform | triangular (mode) | loguniform | integer
      levers:
        - name: liaison_desk
          path: cooperation.TUN-ITA.liaison_desk
          options: {off: 0, on: 1}
      outcomes: [days_to_identification, share_identified]

Everything is validated before any run starts: a range with low above high, a lever naming no
parameter of the model, an unknown design give a clear error naming the field.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pharos.analysis.options import Design
from pharos.domain import userfile
from pharos.i18n import _
from pharos.sim.costs import CURRENCY_MAX, amount_problem


class Uncertainty(BaseModel):
    """A model parameter whose value nobody knows well: a range and a distribution over it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    path: str = Field(min_length=1, description="dotted path of the model parameter")
    low: float
    high: float
    distribution: Literal["uniform", "triangular", "loguniform", "integer"] = "uniform"
    mode: float | None = Field(default=None, description="peak of a triangular distribution")
    source: str | None = Field(default=None, description="where the range comes from")

    @model_validator(mode="after")
    def _range(self) -> Uncertainty:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(_("the range must be finite"))
        if self.low >= self.high:
            raise ValueError(
                _("low (%(low)s) must be below high (%(high)s)")
                % {"low": self.low, "high": self.high}
            )
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(_("a log-uniform range must be above zero"))
        if self.distribution == "triangular":
            if self.mode is None or not (self.low <= self.mode <= self.high):
                raise ValueError(_("a triangular distribution needs a mode between low and high"))
        elif self.mode is not None:
            raise ValueError(_("mode is only used by a triangular distribution"))
        return self


class Lever(BaseModel):
    """An intervention the analyst controls: a few named options.

    Either ``path`` and ``options`` (each option a value for that parameter: a number, or any
    value the scenario accepts there, such as a list of identification bodies), or ``overlays``
    (each option an intervention overlay, bundled name or file, or null for none). The first
    option is the current state.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    path: str | None = Field(default=None, min_length=1, description="dotted parameter path")
    options: dict[str, Any] = Field(default_factory=dict)
    overlays: dict[str, str | None] | None = Field(
        default=None, description="option -> overlay (bundled name or file), null for none"
    )

    @field_validator("options", "overlays", mode="before")
    @classmethod
    def _options_from_list(cls, value: Any) -> Any:
        if isinstance(value, list) and all(
            isinstance(v, int | float | str) and not isinstance(v, bool) for v in value
        ):
            return {str(v): v for v in value}
        if isinstance(value, dict):  # YAML 1.1 reads unquoted on/off/yes/no as booleans
            return {
                ({True: "on", False: "off"}.get(k, k) if isinstance(k, bool) else str(k)): v
                for k, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Lever:
        if self.overlays is not None:
            if self.path is not None or self.options:
                raise ValueError(_("a lever has either overlays, or a path and options"))
            if not self.overlays:
                raise ValueError(_("a lever needs at least one option"))
            return self
        if self.path is None:
            raise ValueError(_("a lever needs a path and options, or overlays"))
        if not self.options:
            raise ValueError(_("a lever needs at least one option"))
        return self

    @property
    def numeric(self) -> bool:
        """Whether every option sets a number (then the lever is a parameter like any other)."""
        return self.overlays is None and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in self.options.values()
        )

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.overlays if self.overlays is not None else self.options)

    @property
    def key(self) -> str:
        """The name of the lever's value in a run: its path when numeric, otherwise
        ``lever:<name>``, whose value is the index of the chosen option."""
        return self.path if self.numeric and self.path else f"lever:{self.name}"

    def value(self, label: str) -> float:
        """The value of option ``label`` in a run (see :attr:`key`)."""
        if self.numeric:
            return float(self.options[label])
        return float(self.labels.index(label))

    def edits(self) -> list[dict[str, Any]]:
        """For a model: what each option does, in order (``{"overlay": ref}``, ``{}`` for no
        overlay, or ``{"set": {path: value}}``)."""
        if self.overlays is not None:
            return [{"overlay": ref} if ref else {} for ref in self.overlays.values()]
        return [{"set": {self.path: v}} for v in self.options.values()]


class Discovery(BaseModel):
    """Which runs count as bad, for scenario discovery (PRIM)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    threshold: float
    bad_when: Literal["above", "below"] = "above"
    policy: str | None = Field(default=None, description="policy whose failures are explained")


class Robustness(BaseModel):
    """The outcome on which interventions are compared across scenarios."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    better: Literal["lower", "higher"] = "lower"


class ExperimentSpec(BaseModel):
    """A validated experiment: what varies, how it is sampled, what is measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = "pharos"
    model_options: dict[str, Any] = Field(default_factory=dict)
    design: Design = Design.LATIN_HYPERCUBE
    n: int = Field(default=100, ge=1, le=1_000_000)
    seed: int = Field(default=0, ge=0)
    common_random_numbers: bool = True
    replications: int = Field(default=1, ge=1, le=10_000)
    batch_size: int | None = Field(default=None, ge=1)
    uncertainties: tuple[Uncertainty, ...] = Field(min_length=1)
    levers: tuple[Lever, ...] = ()
    outcomes: tuple[str, ...] = ()
    discovery: Discovery | None = None
    robustness: Robustness | None = None
    #: optional cost a year of each lever option (lever name -> option label -> amount, in one
    #: currency the analyst states); a policy costs the sum of its options. The report then
    #: gives the cost per extra victim protected and per extra conviction. Not in the
    #: fingerprint: costs do not change the runs.
    costs: dict[str, dict[str, float]] = Field(default_factory=dict)
    currency: str = Field(default="EUR", max_length=CURRENCY_MAX)

    @model_validator(mode="after")
    def _names_unique(self) -> ExperimentSpec:
        names = [u.name for u in self.uncertainties] + [lv.name for lv in self.levers]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(_("names used twice: %(names)s") % {"names": ", ".join(dup)})
        paths = [u.path for u in self.uncertainties] + [lv.path for lv in self.levers if lv.path]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(_("parameters varied twice: %(paths)s") % {"paths": ", ".join(dup)})
        if self.design in (Design.SOBOL, Design.MORRIS) and "dummy" in names:
            raise ValueError(
                _("the name dummy is kept for the noise-floor factor of Sobol and Morris designs")
            )
        levers = {lv.name: lv for lv in self.levers}
        for lever, options in self.costs.items():
            if lever not in levers:
                raise ValueError(
                    _("costs: %(lever)s is not a lever of the experiment") % {"lever": lever}
                )
            for label, amount in options.items():
                if label not in levers[lever].labels:
                    raise ValueError(
                        _("costs: %(lever)s has no option %(option)s")
                        % {"lever": lever, "option": label}
                    )
                problem = amount_problem(amount)  # the one check of a cost (pharos.sim.costs)
                if problem:
                    raise ValueError(
                        _("costs: %(lever)s=%(option)s %(problem)s")
                        % {"lever": lever, "option": label, "problem": problem}
                    )
        if self.design is Design.MORRIS and len(self.uncertainties) < 2:
            raise ValueError(_("the Morris design needs at least two uncertainties"))
        return self

    def fingerprint(self) -> str:
        """A short hash of everything that decides the runs (used to resume safely)."""
        data = self.model_dump(mode="json")
        for lever, declared in zip(data["levers"], self.levers, strict=True):
            # a declaration that only sets numbers keeps the hash it had before levers could
            # take overlays and other values (options were floats then)
            if declared.numeric:
                del lever["overlays"]
                lever["options"] = {k: float(v) for k, v in declared.options.items()}
        for key in ("costs", "currency"):  # they do not change the runs
            del data[key]
        if self.common_random_numbers:
            # the default since design version 2: the folder's design version tells the two
            # apart (pharos.analysis.runner), so declarations keep the hash they had
            del data["common_random_numbers"]
        blob = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


class ExperimentSpecError(ValueError):
    """An experiment declaration that cannot be run; the message says what and where."""


def _line_of(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The line of the YAML node at ``loc`` (below the ``experiment`` key), if it can be found."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    for key in ("experiment", *loc):
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(key)), None)
            if nxt is None:
                return node.start_mark.line + 1
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return node.start_mark.line + 1
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def parse_experiment(data: Any, *, origin: str = "<experiment>", text: str = "") -> ExperimentSpec:
    """Validate a mapping (the ``experiment`` section) into an :class:`ExperimentSpec`.

    Raises :class:`ExperimentSpecError` naming the file, line and field of each problem.
    """
    if not isinstance(data, dict):
        raise ExperimentSpecError(
            _("%(file)s: the experiment section must be a mapping") % {"file": origin}
        )
    try:
        return ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(["experiment", *(str(p) for p in loc)])
            line = _line_of(text, loc) if text else None
            where = f"{origin}:{line}" if line else origin
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(
                _("%(where)s: field %(field)s: %(message)s")
                % {"where": where, "field": field, "message": msg}
            )
        raise ExperimentSpecError("\n".join(lines)) from None


def load_experiment(path: Path) -> tuple[ExperimentSpec, dict[str, Any]]:
    """Read a YAML file holding an ``experiment`` section; returns the spec and the whole file."""
    try:
        text = userfile.read_text(path, userfile.MAX_SCENARIO_BYTES)
    except OSError as exc:
        raise ExperimentSpecError(
            _("%(file)s: cannot be read (%(reason)s)") % {"file": path, "reason": exc.strerror}
        ) from None
    except userfile.UserFileError as exc:
        raise ExperimentSpecError(f"{path}: {exc.message}") from None
    try:  # strictly: YAML 1.2, no key twice, bounded depth (pharos.domain.userfile)
        doc, _node = userfile.load(text, userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError as exc:
        line = f":{exc.line}" if exc.line is not None else ""
        raise ExperimentSpecError(f"{path}{line}: {exc.message}") from None
    if not isinstance(doc, dict) or "experiment" not in doc:
        raise ExperimentSpecError(
            _("%(file)s: no experiment section (add a key named experiment)") % {"file": path}
        )
    return parse_experiment(doc["experiment"], origin=str(path), text=text), doc
