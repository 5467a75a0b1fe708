"""Scenario parameters addressed by dotted paths.

A path walks the scenario's fields: ``states.ITA.agencies.labour_inspector.detection_rate``,
``cooperation.pairs.ITA-TUN.police_information_exchange.median_days``,
``networks.nga-ita-sex.recruits_per_year`` (a list element is named by its ``id``, or by its
index). The ``analysis`` area declares uncertainties and levers on these paths.
"""

from __future__ import annotations

from typing import Any

from pharos.scenario.schema import Scenario

Path = tuple[str, ...]


class ParameterPathError(KeyError):
    """A dotted path that does not name a parameter of the scenario."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "invalid parameter path"


def split_path(path: str) -> Path:
    """``"a.b.c"`` -> ``("a", "b", "c")``; empty segments are refused."""
    parts = tuple(path.split("."))
    if not path or any(not p for p in parts):
        raise ParameterPathError(f"invalid parameter path {path!r}")
    return parts


def _child_key(node: Any, seg: str, path: str) -> str | int:
    if isinstance(node, dict):
        return seg
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == seg:
                return i
        if seg.isdigit() and int(seg) < len(node):
            return int(seg)
        raise ParameterPathError(f"{path!r}: no element {seg!r} in the list")
    raise ParameterPathError(f"{path!r}: {seg!r} is below a value, not a section")


def get_in(data: Any, path: str) -> Any:
    """The value at ``path`` in plain data (dicts and lists)."""
    node = data
    for seg in split_path(path):
        key = _child_key(node, seg, path)
        try:
            node = node[key]
        except KeyError:
            raise ParameterPathError(f"{path!r}: no field {seg!r}") from None
    return node


def set_in(data: Any, path: str, value: Any, create: bool = True) -> list[str | int]:
    """Set ``path`` in plain data to ``value``; missing sections are created when ``create``.

    Returns the concrete location (list elements by index), to report errors against.
    """
    parts = split_path(path)
    node = data
    loc: list[str | int] = []
    for seg in parts[:-1]:
        key = _child_key(node, seg, path)
        loc.append(key)
        if isinstance(node, dict) and (key not in node or node[key] is None):
            if not create:
                raise ParameterPathError(f"{path!r}: no field {seg!r}")
            node[key] = {}
        node = node[key]
    last = _child_key(node, parts[-1], path)
    if isinstance(node, dict) and last not in node and not create:
        raise ParameterPathError(f"{path!r}: no field {parts[-1]!r}")
    node[last] = value
    loc.append(last)
    return loc


def with_values(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each path of ``values`` set as :func:`set_in` sets it (missing sections
    created), ``data`` itself unchanged.

    Copies only the sections along the paths and shares the rest with ``data``: an
    experiment sets a few numbers of a scenario thousands of times, and a full copy of it each
    time cost a third of the setting. The result is for reading (validation); editing it in
    place would edit ``data``'s shared sections.
    """
    out = dict(data)
    fresh = {id(out)}  # the containers made for this result: safe to write
    for path, value in values.items():
        parts = split_path(path)
        node: Any = out
        for seg in parts[:-1]:
            key = _child_key(node, seg, path)
            child = node.get(key) if isinstance(node, dict) else node[key]
            if child is None:
                child = {}
            elif not isinstance(child, dict | list):
                raise ParameterPathError(f"{path!r}: {seg!r} is a value, not a section")
            elif id(child) not in fresh:
                child = dict(child) if isinstance(child, dict) else list(child)
            if id(child) not in fresh:
                fresh.add(id(child))
                node[key] = child
            node = child
        node[_child_key(node, parts[-1], path)] = value
    return out


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (string keys), as it would be written in YAML."""
    return scenario.model_dump(mode="json")


def get_param(scenario: Scenario, path: str) -> Any:
    """The value of the parameter at ``path`` (a number, string, list or section)."""
    return get_in(scenario_data(scenario), path)


def set_param(scenario: Scenario, path: str, value: Any) -> Scenario:
    """A copy of ``scenario`` with the parameter at ``path`` set to ``value`` (validated).

    Raises :class:`ParameterPathError` for an unknown path and pydantic's ``ValidationError``
    for a value the schema refuses. The scenario passed in is not changed.
    """
    data = scenario_data(scenario)
    set_in(data, path, value, create=True)
    return Scenario.model_validate(data)


def set_params(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with several parameters set at once (validated once)."""
    data = scenario_data(scenario)
    for path, value in values.items():
        set_in(data, path, value, create=True)
    return Scenario.model_validate(data)
