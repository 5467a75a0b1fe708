"""Reading the domain's own data files (shipped inside the package, never fetched), with the
operator's extra data merged over them, and saying where in a YAML document a bad value is
(:func:`field_path`, :func:`line_of`).

``PHAROS_DOMAIN_DATA`` may name a folder of YAML files named like the shipped ones
(:data:`MERGEABLE`); each is merged over the shipped file of the same name when it is read:

- a mapping merges key by key (``powers.yaml``: ``states: {LBY: ...}`` adds Libya's powers);
- a list of records named by a key field (``countries`` by ``iso3``, ``places`` and ``routes``
  by ``id``, ``international_offices`` by ``organisation``) merges record by record: a record
  with a known key changes the fields it gives, a new key adds a record at the end;
- anything else (a value, another list) replaces the shipped one.

So a deployment adds a state of the region, its powers, places and demo agencies as data,
without editing the package (``docs/architecture.md``, "A new state"). The folder is read with
YAML's safe loader, only the files listed here are accepted (another ``.yaml`` file there is an
error, not silently ignored), and nothing is ever written to it. It is set by whoever starts
Pharos, like the database URL; no page or request can change it. The merged data goes through
the same typed loaders as the shipped data, which name the file and record of a problem.

Everything computed from these files is cached with :func:`data_cache`; :func:`reset` empties
those caches (tests that set ``PHAROS_DOMAIN_DATA`` call it before and after).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml

ENV = "PHAROS_DOMAIN_DATA"

#: libyaml's parser when PyYAML was built with it (the usual wheels are), else PyYAML's own.
#: Both build the same data from the shipped files (tests/unit/domain/test_data.py); libyaml
#: reads the indicator lists about ten times faster, which every command that screens pays at
#: start. Its syntax errors carry the same marks (file line), as an extra folder's need.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The files an extra data folder may hold, with, for each list of records, its key field.
MERGEABLE: dict[str, dict[str, str]] = {
    "countries.yaml": {"countries": "iso3"},
    "places.yaml": {"places": "id", "routes": "id"},
    "powers.yaml": {},
    "demo.yaml": {"international_offices": "organisation"},
}

F = TypeVar("F", bound=Callable[..., Any])
_caches: list[Any] = []


class DataFileError(ValueError):
    """A data file (shipped or extra) that cannot be read; the message names the file."""


def data_cache(fn: F) -> F:
    """``functools.cache`` for anything computed from the data files, emptied by :func:`reset`."""
    cached = cache(fn)
    _caches.append(cached)
    return cast(F, cached)  # functools.cache's wrapper keeps fn's signature


def reset() -> None:
    """Forget everything read or computed from the data files (and ``PHAROS_DOMAIN_DATA``)."""
    for cached in _caches:
        cached.cache_clear()


def _parse(text: str, where: str) -> Any:
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise DataFileError(f"{where}{line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{where}: not valid YAML: {exc}") from None


@data_cache
def extra_folder() -> Path | None:
    """The folder named by ``PHAROS_DOMAIN_DATA``, checked; None when the variable is unset."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not path.is_dir():
        raise DataFileError(f"{ENV}={raw}: not a folder")
    unknown = sorted(
        p.name for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.name not in MERGEABLE
    )
    if unknown:
        raise DataFileError(
            f"{ENV}={raw}: Pharos does not read {', '.join(unknown)}; "
            f"the files it merges are {', '.join(MERGEABLE)}"
        )
    return path


def _merge(base: Any, extra: Any, keys: dict[str, str], field: str, where: str) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merge(base[k], v, keys, f"{field}.{k}", where) if k in base else v
        return out
    key = keys.get(field.lstrip("."))
    if key is None or not isinstance(base, list) or not isinstance(extra, list):
        return extra
    out_list = list(base)
    index = {r.get(key): i for i, r in enumerate(out_list) if isinstance(r, dict)}
    for n, record in enumerate(extra):
        if not isinstance(record, dict) or record.get(key) is None:
            raise DataFileError(f"{where}: {field.lstrip('.')}[{n}]: a record needs its {key!r}")
        i = index.get(record[key])
        if i is None:
            index[record[key]] = len(out_list)
            out_list.append(dict(record))
        else:
            out_list[i] = {**out_list[i], **record}
    return out_list


@data_cache
def load_data_file(name: str, package: str = "pharos.domain") -> Any:
    """Parse ``<package>/data/<name>`` (YAML) with the extra folder's file of that name merged
    over it; cached, the files are read-only."""
    shipped = f"{package.replace('.', '/')}/data/{name}"
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    data = _parse(text, shipped)
    folder = extra_folder()
    if folder is None or name not in MERGEABLE:
        return data
    extra_path = folder / name
    if not extra_path.is_file():
        return data
    where = str(extra_path)
    try:
        extra = _parse(extra_path.read_text(encoding="utf-8"), where)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{where}: {exc}") from None
    if not isinstance(extra, dict):
        raise DataFileError(f"{where}: expected a mapping like {shipped}")
    return _merge(data, extra, MERGEABLE[name], "", where)


def data_source(name: str, package: str = "pharos.domain") -> str:
    """Where ``name`` comes from, for error messages: the shipped file, and the extra one."""
    shipped = f"{package.replace('.', '/')}/data/{name}"
    folder = extra_folder()
    if folder is not None and (folder / name).is_file():
        return f"{shipped} + {folder / name}"
    return shipped


def read_data_text(name: str, package: str = "pharos.domain") -> str:
    """The text of a shipped data file that is not merged (a CSV table)."""
    return resources.files(package).joinpath("data", name).read_text(encoding="utf-8")


def field_path(loc: tuple[int | str, ...]) -> str:
    """A field's location as a reader writes it: ``("indicators", 2, "id")`` ->
    ``indicators[2].id``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the node at ``loc`` (or of its nearest existing parent) in a document
    composed with ``yaml.compose``."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            nxt = node.value[part] if 0 <= part < len(node.value) else None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line
