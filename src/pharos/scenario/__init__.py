"""Scenarios of the regional model: schema, loader with located errors, overlays, parameters."""

from pharos.scenario.load import (
    ErrorDetail,
    Overlay,
    ScenarioError,
    bundled_overlays,
    bundled_scenarios,
    load_overlay,
    load_scenario,
)
from pharos.scenario.params import ParameterPathError, get_param, set_param, set_params
from pharos.scenario.schema import DetectionChannel, Scenario

__all__ = [
    "DetectionChannel",
    "ErrorDetail",
    "Overlay",
    "ParameterPathError",
    "Scenario",
    "ScenarioError",
    "bundled_overlays",
    "bundled_scenarios",
    "get_param",
    "load_overlay",
    "load_scenario",
    "set_param",
    "set_params",
]
