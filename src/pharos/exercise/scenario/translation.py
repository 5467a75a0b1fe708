"""Translations of a scenario's own texts: one file per language next to the scenario.

``mediterranean-regional.fr.yaml`` holds the French texts of ``mediterranean-regional.yaml``
(format in ``docs/exercise-format.md``)::

    format: pharos-exercise-translation/1
    scenario: mediterranean-regional
    language: fr
    texts:
      title: "Exercice régional méditerranéen : ..."
      injects.call-ragusa.title: Appel anonyme ...
      characters.karim.ladder.karim-pay.text: "Ils paient trois euros de l'heure ..."

A key is the text's path in the scenario file, a list item named by its ``id`` (and, in a list of
plain texts such as ``cues``, by its number from 1): ``teams.ita-labour.name``,
``clock.phases.detection.title``, ``objectives.identification_and_referral.critical_tasks.2``.
Only the fields in ``TEXT_FIELDS`` are translated; ids, codes, numbers and file names are not.

The exercise state and its log stay in English: a page shows the scenario through
``localize`` (the same scenario, its texts in the reader's language, each text falling back to
English), so the fold and its hash do not depend on the language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pharos.domain import userfile
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, _, ngettext

FORMAT = "pharos-exercise-translation/1"

#: The translatable fields, as patterns of keys: ``*`` an item's id, ``#`` a number from 1.
TEXT_FIELDS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("title",),
        ("description",),
        ("objectives", "*", "title"),
        ("objectives", "*", "critical_tasks", "#"),
        ("objectives", "*", "capabilities", "*", "title"),
        ("objectives", "*", "capabilities", "*", "critical_tasks", "*", "task"),
        ("clock", "phases", "*", "title"),
        ("teams", "*", "name"),
        ("storylines", "*", "title"),
        ("networks", "*", "name"),
        ("places", "*", "name"),
        ("evidence", "*", "title"),
        ("characters", "*", "name"),
        ("characters", "*", "script"),
        ("characters", "*", "role"),
        ("characters", "*", "cues", "#"),
        ("characters", "*", "ladder", "*", "text"),
        ("injects", "*", "title"),
        ("injects", "*", "sender"),
        ("injects", "*", "body"),
    }
)
_TEXT_LISTS = frozenset(p[:-1] for p in TEXT_FIELDS if p[-1] == "#")

#: Placeholders a text may hold (``%(name)s``, ``{name}``): a translation keeps the same ones.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Issue:
    """A problem of a translation file: its line (if known), the key and what is wrong."""

    line: int | None
    key: str
    message: str


@dataclass(frozen=True)
class _Node:
    shape: tuple[str, ...]  # the key's pattern (ids as ``*``, numbers as ``#``)
    container: Any  # where the value sits, for ``localize``
    slot: Any
    value: Any


def _walk(data: Any, key: tuple[str, ...], shape: tuple[str, ...], out: dict[str, _Node]) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            _put(out, data, k, v, (*key, str(k)), (*shape, str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            if isinstance(v, dict) and "id" in v:
                seg, pat = str(v["id"]), "*"
            else:
                seg, pat = str(i + 1), "#"
            _put(out, data, i, v, (*key, seg), (*shape, pat))


def _put(
    out: dict[str, _Node],
    container: Any,
    slot: Any,
    value: Any,
    key: tuple[str, ...],
    shape: tuple[str, ...],
) -> None:
    out[".".join(key)] = _Node(shape, container, slot, value)
    _walk(value, key, shape, out)


def _nodes(data: dict[str, Any]) -> dict[str, _Node]:
    out: dict[str, _Node] = {}
    _walk(data, (), (), out)
    return out


def _dump(sc: ExerciseScenario) -> dict[str, Any]:
    data: dict[str, Any] = sc.model_dump(mode="python")
    return data


def texts(sc: ExerciseScenario) -> dict[str, str]:
    """Every translatable text of ``sc`` by key, in the scenario's (English) words."""
    return {
        k: n.value
        for k, n in _nodes(_dump(sc)).items()
        if n.shape in TEXT_FIELDS and isinstance(n.value, str) and n.value.strip()
    }


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def localize(sc: ExerciseScenario, translated: Mapping[str, str]) -> ExerciseScenario:
    """``sc`` with the texts of ``translated`` (checked by ``check``); the rest in English."""
    if not translated:
        return sc
    data = _dump(sc)
    nodes = _nodes(data)
    for key, text in translated.items():
        node = nodes.get(key)
        if node is not None and node.shape in TEXT_FIELDS:
            node.container[node.slot] = text
    return ExerciseScenario.model_validate(data)


def files(scenario_path: Path) -> dict[str, Path]:
    """The translation files next to a scenario (``<name>.<language>.yaml``) by language."""
    folder, stem = scenario_path.parent, scenario_path.stem
    out: dict[str, Path] = {}
    for p in sorted(folder.glob(f"{stem}.*.yaml")):
        lang = p.name.removeprefix(f"{stem}.").removesuffix(".yaml")
        if re.fullmatch(r"[a-z]{2,3}", lang):
            out[lang] = p
    return out


def _mapping_lines(node: yaml.Node) -> dict[str, tuple[int, yaml.Node]]:
    """Keys of a YAML mapping node with their line and value node (duplicates: see ``_dupes``)."""
    out: dict[str, tuple[int, yaml.Node]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.setdefault(str(k.value), (k.start_mark.line + 1, v))
    return out


def _dupes(node: yaml.Node) -> list[Issue]:
    seen: dict[str, int] = {}
    out: list[Issue] = []
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            line = k.start_mark.line + 1
            if str(k.value) in seen:
                out.append(
                    Issue(
                        line,
                        str(k.value),
                        _("given twice (first on line %(n)s)") % {"n": seen[str(k.value)]},
                    )
                )
            seen.setdefault(str(k.value), line)
    return out


def read(path: Path, sc: ExerciseScenario, lang: str) -> tuple[dict[str, str], list[Issue]]:
    """The texts of one translation file, checked against ``sc``; and its problems."""
    try:
        raw = userfile.read_text(path, userfile.MAX_SCENARIO_BYTES)
    except OSError as exc:
        return {}, [Issue(None, "", _("cannot read the file: %(e)s") % {"e": exc})]
    except userfile.UserFileError as exc:
        return {}, [Issue(exc.line, "", exc.message)]
    return read_text(raw, sc, lang)


def read_text(raw: str, sc: ExerciseScenario, lang: str) -> tuple[dict[str, str], list[Issue]]:
    """The texts of one translation (the file's text), checked against ``sc``; its problems."""
    try:  # strictly (pharos.domain.userfile); keys given twice are reported below
        node = userfile.compose(raw, userfile.MAX_SCENARIO_BYTES)
        data: Any = userfile.construct(node, allow_duplicates=True)
    except userfile.UserFileError as exc:
        return {}, [Issue(exc.line, "", exc.message)]
    if not isinstance(data, dict) or node is None:
        return {}, [Issue(1, "", _("expected a mapping at the top of the file"))]
    issues = _dupes(node)
    top = _mapping_lines(node)
    expected = {"format": FORMAT, "scenario": sc.id, "language": lang}
    for field, want in expected.items():
        if data.get(field) != want:
            line = top[field][0] if field in top else 1
            issues.append(
                Issue(
                    line,
                    field,
                    _("expected %(want)r, found %(got)r")
                    % {
                        "want": want,
                        "got": data.get(field),
                    },
                )
            )
    for field in sorted(set(data) - {*expected, "texts"}):
        issues.append(Issue(top[str(field)][0], str(field), _("unknown field")))
    if lang not in SUPPORTED_LOCALES or lang == DEFAULT_LOCALE:
        issues.append(
            Issue(
                None,
                "language",
                _("Pharos is not translated into %(l)r (languages: %(all)s)")
                % {"l": lang, "all": ", ".join(x for x in SUPPORTED_LOCALES if x != "en")},
            )
        )
    body = data.get("texts") or {}
    if "texts" not in data or not isinstance(body, dict):
        line = top["texts"][0] if "texts" in top else 1
        issues.append(Issue(line, "texts", _("expected a mapping of keys to texts")))
        return {}, issues
    lines = _mapping_lines(top["texts"][1])
    issues += _dupes(top["texts"][1])
    out: dict[str, str] = {}
    nodes = _nodes(_dump(sc))
    for key, text in body.items():
        problem = check(sc, str(key), text, nodes)
        if problem:
            where = lines[str(key)][0] if str(key) in lines else None
            issues.append(Issue(where, str(key), problem))
        else:
            out[str(key)] = text
    return out, issues


def check(
    sc: ExerciseScenario, key: str, text: object, nodes: dict[str, _Node] | None = None
) -> str | None:
    """What is wrong with translating ``key`` of ``sc`` as ``text`` (None: nothing)."""
    nodes = nodes if nodes is not None else _nodes(_dump(sc))
    node = nodes.get(key)
    if node is None:
        parts = key.split(".")
        for n in range(len(parts) - 1, 0, -1):
            parent = nodes.get(".".join(parts[:n]))
            if parent is None:
                continue
            if parent.shape in _TEXT_LISTS:
                return ngettext(
                    "no such text in the scenario: %(k)s has %(n)s item",
                    "no such text in the scenario: %(k)s has %(n)s items",
                    len(parent.value),
                ) % {
                    "k": ".".join(parts[:n]),
                    "n": len(parent.value),
                }
            return _("unknown key: %(k)s has no %(p)r") % {
                "k": ".".join(parts[:n]),
                "p": parts[n],
            }
        return _("unknown key: the scenario has no %(p)r") % {"p": parts[0]}
    if node.shape not in TEXT_FIELDS:
        return _("not a text field: only names, titles and texts are translated")
    if not isinstance(node.value, str) or not node.value.strip():
        return _("no such text in the scenario: %(k)s is empty") % {"k": key}
    if not isinstance(text, str) or not text.strip():
        return _("expected a text")
    if placeholders(text) != placeholders(node.value):
        return _("placeholders differ: %(en)s in English, %(tr)s in the translation") % {
            "en": ", ".join(placeholders(node.value)) or _("none"),
            "tr": ", ".join(placeholders(text)) or _("none"),
        }
    return None


def coverage(sc: ExerciseScenario, translated: Mapping[str, str]) -> tuple[int, list[str]]:
    """How many of ``sc``'s texts ``translated`` holds, and the keys it lacks."""
    keys = texts(sc)
    missing = [k for k in keys if k not in translated]
    return len(keys) - len(missing), missing
