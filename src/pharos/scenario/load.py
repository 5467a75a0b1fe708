"""Loading scenarios and overlays from YAML, with errors that name file, line and field.

A scenario file is a YAML mapping validated by :class:`pharos.scenario.schema.Scenario`.
An overlay changes a scenario for an intervention::

    overlay: tunisia-italy-liaison-desk
    description: A liaison desk of Italian police in Tunis
    set:                      # dotted path -> new value
      cooperation.pairs.ITA-TUN.police_information_exchange.median_days: 5
    scale:                    # dotted path -> factor (integers stay integers)
      states.MLT.protection.shelter_beds: 1.5

Bundled scenarios and overlays are found by name (``mediterranean-baseline``,
``tunisia-italy-liaison-desk``); anything else is read as a path.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pharos.domain import userfile
from pharos.i18n import _
from pharos.scenario.params import ParameterPathError, get_in, set_in
from pharos.scenario.schema import Scenario

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ErrorDetail:
    """One problem in one file: where (file, line, field) and what."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ScenarioError(ValueError):
    """An invalid scenario or overlay; ``details`` lists each problem with file and line."""

    def __init__(self, details: list[ErrorDetail]) -> None:
        self.details = details
        super().__init__("\n".join(str(d) for d in details))


@dataclass
class _Marked:
    """Plain data from a YAML file plus the (file, line) of every key, and the paths overlays
    changed (in order), whose marks are the overlays' own."""

    data: Any
    marks: dict[Loc, tuple[str, int]] = field(default_factory=dict)
    touched: list[Loc] = field(default_factory=list)


def _marked(
    node: yaml.Node, data: Any, loc: Loc, fname: str, marks: dict[Loc, tuple[str, int]]
) -> Any:
    """``data`` (built from ``node``) with its keys as text, and the line of every key."""
    marks[loc] = (fname, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        out: dict[str, Any] = {}
        for (knode, vnode), (key, value) in zip(node.value, data.items(), strict=True):
            name = key if isinstance(key, str) else str(key)
            child = (*loc, name)
            out[name] = _marked(vnode, value, child, fname, marks)
            marks[child] = (fname, knode.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode) and isinstance(data, list):
        return [
            _marked(n, v, (*loc, i), fname, marks)
            for i, (n, v) in enumerate(zip(node.value, data, strict=True))
        ]
    return data


def _read_marked(text: str, fname: str) -> _Marked:
    """A scenario or overlay file read strictly (:mod:`pharos.domain.userfile`: YAML 1.2, no key
    twice, bounded size and depth)."""
    try:
        node = userfile.compose(text, userfile.MAX_SCENARIO_BYTES)
        data = userfile.construct(node)
    except userfile.UserFileError as exc:
        raise ScenarioError([ErrorDetail(fname, exc.line, "", exc.message)]) from None
    if node is None:
        raise ScenarioError([ErrorDetail(fname, 1, "", _("the file is empty"))])
    marks: dict[Loc, tuple[str, int]] = {}
    data = _marked(node, data, (), fname, marks)
    if not isinstance(data, dict):
        raise ScenarioError([ErrorDetail(fname, 1, "", _("expected a mapping of fields"))])
    return _Marked(data, marks)


def _lookup(m: _Marked, loc: Loc, default: str) -> tuple[str, int | None]:
    """The file and line to blame for a problem at ``loc``: an overlay's line when an overlay
    changed something at or under ``loc`` (a validator of a whole mapping reports the mapping,
    which the scenario file holds, though the overlay's key is at fault), else the line of the
    deepest key of ``loc`` that has one."""
    n = len(loc)
    for t in m.touched:
        if tuple(t[:n]) == tuple(loc):
            return m.marks[t]
    for k in range(n, -1, -1):
        hit = m.marks.get(tuple(loc[:k]))
        if hit is not None:
            return hit
    return default, None


def _validate(m: _Marked, fname: str) -> Scenario:
    try:
        scenario = Scenario.model_validate(m.data)
    except ValidationError as exc:
        details = []
        for err in exc.errors():
            loc: Loc = tuple(err["loc"])
            file, line = _lookup(m, loc, fname)
            fld = ".".join(str(p) for p in loc) or "(scenario)"
            details.append(ErrorDetail(file, line, fld, err["msg"]))
        raise ScenarioError(details) from None
    problems = _impossible_instruments(scenario, m, fname)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _impossible_instruments(scenario: Scenario, m: _Marked, fname: str) -> list[ErrorDetail]:
    """Terms for an instrument between two states where the instrument cannot exist (an EIO
    with Tunisia): the terms would silently do nothing, so they are refused, with the reason."""
    from pharos.domain.cooperation import Between, instrument, label, words

    out = []
    for key, terms in scenario.cooperation.pairs.items():
        a, b = key.split("-")
        for code in terms:
            spec = instrument(code)
            if spec.basis_between(a, b) is not None:
                continue
            rules = []
            for basis in spec.exists:
                law = words(basis.legal_basis)
                if basis.between is Between.EU_MEMBERS and basis.excluded:
                    rules.append(
                        _("between EU member states other than %(codes)s (%(law)s)")
                        % {"codes": ", ".join(sorted(basis.excluded)), "law": law}
                    )
                elif basis.between is Between.EU_MEMBERS:
                    rules.append(_("between EU member states (%(law)s)") % {"law": law})
            loc: Loc = ("cooperation", "pairs", key, code)
            file, line = _lookup(m, loc, fname)
            message = _(
                "%(instrument)s cannot exist between %(a)s and %(b)s: it exists only %(rules)s"
            ) % {"instrument": label(code), "a": a, "b": b, "rules": "; ".join(rules)}
            out.append(ErrorDetail(file, line, f"cooperation.pairs.{key}.{code}", message))
    return out


def _bundled(kind: str, name: str) -> Path | None:
    folder = resources.files("pharos.scenario").joinpath(kind)
    for suffix in (".yaml", ".yml"):
        entry = folder.joinpath(name + suffix)
        if entry.is_file():
            return Path(str(entry))
    return None


def bundled_scenarios() -> list[str]:
    """Names of the scenarios shipped with Pharos."""
    folder = resources.files("pharos.scenario").joinpath("bundled")
    return sorted(e.name.rsplit(".", 1)[0] for e in folder.iterdir() if e.name.endswith(".yaml"))


def bundled_overlays() -> list[str]:
    """Names of the intervention overlays shipped with Pharos."""
    folder = resources.files("pharos.scenario").joinpath("bundled", "overlays")
    return sorted(e.name.rsplit(".", 1)[0] for e in folder.iterdir() if e.name.endswith(".yaml"))


#: Scenario texts given by value (:func:`register_text`), by their reference ``text:<sha256>``.
_TEXTS: dict[str, tuple[str, str]] = {}


def register_text(text: str, label: str) -> str:
    """A reference that :func:`load_scenario` reads as ``text`` (named ``label`` in messages):
    ``text:<sha256 of text>``. An exercise keeps its simulation scenario's text this way when
    the scenario names a file (``pharos.exercise.scenario.source``)."""
    ref = "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    _TEXTS.setdefault(ref, (text, label))
    return ref


def resolve(ref: str, kind: str = "bundled") -> Path:
    """The file for a scenario or overlay reference: a bundled name or a path."""
    hit = _bundled(kind, ref)
    if hit is not None:
        return hit
    path = Path(ref)
    if not path.is_file():
        raise ScenarioError([ErrorDetail(ref, None, "", _("no such file or bundled name"))])
    return path


def _read(path: Path) -> _Marked:
    try:
        text = userfile.read_text(path, userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError as exc:
        raise ScenarioError([ErrorDetail(str(path), None, "", exc.message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([ErrorDetail(str(path), None, "", str(exc))]) from None
    return _read_marked(text, str(path))


@dataclass(frozen=True)
class Overlay:
    """An intervention: a name, a description, and the changes it makes."""

    name: str
    description: str
    set: dict[str, Any]
    scale: dict[str, float]
    source: str = ""


_OVERLAY_KEYS = {"overlay", "description", "set", "scale"}


def _read_overlay(path: Path) -> tuple[Overlay, _Marked]:
    m = _read(path)
    fname = str(path)
    errs = []
    for key in m.data:
        if key not in _OVERLAY_KEYS:
            line = m.marks[(key,)][1]
            errs.append(ErrorDetail(fname, line, key, _("unknown overlay field")))
    if not isinstance(m.data.get("overlay"), str):
        errs.append(ErrorDetail(fname, 1, "overlay", _("an overlay needs a name")))
    for section in ("set", "scale"):
        if not isinstance(m.data.get(section, {}), dict):
            line = m.marks.get((section,), (fname, 1))[1]
            errs.append(ErrorDetail(fname, line, section, _("expected a mapping of fields")))
    for path_, factor in (m.data.get("scale") or {}).items():
        if isinstance(factor, bool) or not isinstance(factor, int | float):
            line = m.marks.get(("scale", path_), (fname, 1))[1]
            errs.append(ErrorDetail(fname, line, path_, _("a scale factor must be a number")))
    if errs:
        raise ScenarioError(errs)
    ov = Overlay(
        name=m.data["overlay"],
        description=str(m.data.get("description", "")),
        set=dict(m.data.get("set") or {}),
        scale=dict(m.data.get("scale") or {}),
        source=fname,
    )
    return ov, m


def _apply(base: _Marked, ov: Overlay, om: _Marked) -> _Marked:
    data = copy.deepcopy(base.data)
    marks = dict(base.marks)
    touched = list(base.touched)
    errs = []
    for section, values in (("set", ov.set), ("scale", ov.scale)):
        for path, value in values.items():
            where = om.marks.get((section, path), (ov.source, 1))
            try:
                if section == "scale":
                    old = get_in(data, path)
                    if isinstance(old, bool) or not isinstance(old, int | float):
                        raise ParameterPathError(f"{path!r} is not a number")
                    new = old * value
                    value = round(new) if isinstance(old, int) else new
                loc = set_in(data, path, value, create=(section == "set"))
            except ParameterPathError as exc:
                errs.append(ErrorDetail(where[0], where[1], path, str(exc)))
                continue
            for k in [k for k in marks if k[: len(loc)] == tuple(loc)]:
                del marks[k]
            for n in range(1, len(loc)):
                marks.setdefault(tuple(loc[:n]), where)
            marks[tuple(loc)] = where
            touched.append(tuple(loc))
    if errs:
        raise ScenarioError(errs)
    return _Marked(data, marks, touched)


def check_instruments(scenario: Scenario, source: str = "(scenario)") -> Scenario:
    """``scenario`` if its cooperation terms name only instruments that can exist between their
    pair of states (as :func:`load_scenario` checks), else :class:`ScenarioError`."""
    problems = _impossible_instruments(scenario, _Marked({}), source)
    if problems:
        raise ScenarioError(problems)
    return scenario


def apply_overlay(data: dict[str, Any], ov: Overlay) -> dict[str, Any]:
    """Scenario data (a plain mapping) with ``ov`` applied: a new mapping, ``data`` untouched.

    Raises :class:`ScenarioError` naming the overlay's file for a path it cannot apply."""
    applied: dict[str, Any] = _apply(_Marked(data, {}), ov, _Marked({}, {})).data
    return applied


def load_overlay(ref: str) -> Overlay:
    """Read and check an overlay file (bundled name or path)."""
    return _read_overlay(resolve(ref, "bundled/overlays"))[0]


def load_scenario(ref: str, overlays: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read a scenario (bundled name or path), apply ``overlays`` in order, validate.

    Raises :class:`ScenarioError` naming file, line and field for every problem found.
    """
    if ref in _TEXTS:
        text, label = _TEXTS[ref]
        path = Path(label)
        m = _read_marked(text, label)
    else:
        path = resolve(ref)
        m = _read(path)
    _validate(m, str(path))
    for ref_ov in overlays:
        ov, om = _read_overlay(resolve(ref_ov, "bundled/overlays"))
        m = _apply(m, ov, om)
    scenario = _validate(m, str(path))
    if overlays:
        names = [load_overlay(o).name for o in overlays]
        scenario = scenario.model_copy(update={"name": scenario.name + "+" + "+".join(names)})
    return scenario
