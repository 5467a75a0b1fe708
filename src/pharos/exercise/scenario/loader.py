"""Reading an exercise scenario file: YAML → validated ``ExerciseScenario``.

Every error names the file, the line and the field (``teams[2].state``) and what was expected.
Cross-references (a persona's place, an inject's team, a network's members) are checked after
the schema, so a scenario that loads is consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pharos.domain import userfile
from pharos.domain.cooperation import instruments_between
from pharos.exercise.scenario import translation
from pharos.exercise.scenario.schema import CharacterKind, ExerciseScenario, TriggerOn
from pharos.exercise.scenario.source import ScenarioSource, document_key, read_source
from pharos.i18n import _, current_locale, normalise_locale
from pharos.scenario.load import ScenarioError as SimScenarioError
from pharos.scenario.load import load_scenario as load_sim_scenario
from pharos.scenario.load import register_text as register_sim_text

BUNDLED = "pharos.exercise"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return _("%(where)s: %(field)s: %(message)s") % {
            "where": where,
            "field": self.field or "-",
            "message": self.message,
        }


class ScenarioError(ValueError):
    """One or more problems in an exercise scenario file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedScenario:
    scenario: ExerciseScenario
    #: the text it was read from (scenario, translations, documents; ``source.sha256``)
    source: ScenarioSource
    #: The scenario's texts in other languages (``translation``): language -> key -> text.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    _localized: dict[str, ExerciseScenario] = field(default_factory=dict, compare=False, repr=False)

    def localized(self, lang: str | None = None) -> ExerciseScenario:
        """The scenario with its texts in ``lang`` (default: the current language), each text
        falling back to English. Only for showing: the exercise runs on ``scenario``."""
        lang = normalise_locale(lang or current_locale())
        texts = self.translations.get(lang)
        if not texts:
            return self.scenario
        if lang not in self._localized:
            self._localized[lang] = translation.localize(self.scenario, texts)
        return self._localized[lang]

    def evidence_text(self, evidence_id: str) -> str:
        """The document behind a piece of evidence (Markdown text), from the scenario's text."""
        ev = next(e for e in self.scenario.evidence if e.id == evidence_id)
        return self.source.files[document_key(ev.file) or ev.file]


def _lines(
    node: yaml.Node, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], int]
) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*path, k)] = key.start_mark.line + 1
            _lines(value, (*path, k), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out)


def _field(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_for(lines: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def bundled_path(name: str) -> Path:
    """The path of a bundled exercise scenario by name (``mediterranean-regional``)."""
    return Path(str(resources.files(BUNDLED).joinpath("scenarios", f"{name}.yaml")))


def resolve(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in {".yaml", ".yml"} or p.exists():
        return p
    return bundled_path(name_or_path)


def load_scenario(name_or_path: str | Path) -> LoadedScenario:
    """Load and check an exercise scenario by bundled name or path; raises ``ScenarioError``."""
    path = resolve(str(name_or_path))
    fname = str(path)
    try:
        src = read_source(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(fname, None, "", _("cannot read the file: %(e)s") % {"e": exc})]
        ) from exc
    except userfile.UserFileError as exc:
        raise ScenarioError([Problem(fname, None, "", exc.message)]) from None
    return load_source(src)


def load_source(src: ScenarioSource) -> LoadedScenario:
    """Load and check an exercise scenario from its text (``ScenarioSource``: read from a folder
    or from the database); raises ``ScenarioError`` with every problem, by file, line, field."""
    fname = src.label(src.name)
    try:  # strictly: YAML 1.2, no key twice, bounded depth (pharos.domain.userfile)
        data: Any
        data, node = userfile.load(src.text, userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError as exc:
        raise ScenarioError([Problem(fname, exc.line, "", exc.message)]) from None
    if not isinstance(data, dict) or node is None:
        raise ScenarioError([Problem(fname, 1, "", _("expected a mapping at the top of the file"))])
    if data.get("format") == translation.FORMAT:
        msg = _("a translation file: check its scenario %(s)r, which reads it") % {
            "s": data.get("scenario")
        }
        raise ScenarioError([Problem(fname, 1, "format", msg)])
    lines: dict[tuple[str | int, ...], int] = {}
    _lines(node, (), lines)
    try:
        scenario = ExerciseScenario.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(fname, _line_for(lines, tuple(e["loc"])), _field(tuple(e["loc"])), e["msg"])
            for e in exc.errors()
        ]
        raise ScenarioError(problems) from exc
    problems = [
        Problem(fname, _line_for(lines, loc), _field(loc), msg)
        for loc, msg in _cross_references(scenario, src)
    ]
    scenario, sim_problem = _with_sim_scenario(scenario, src)
    if sim_problem:
        loc = ("world", "sim_scenario")
        problems.append(Problem(fname, _line_for(lines, loc), _field(loc), sim_problem))
    translated: dict[str, dict[str, str]] = {}
    for lang, rel in src.translations().items():
        texts, issues = translation.read_text(src.files[rel], scenario, lang)
        translated[lang] = texts
        problems += [Problem(src.label(rel), i.line, i.key, i.message) for i in issues]
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(scenario, src, translated)


def _with_sim_scenario(
    scenario: ExerciseScenario, src: ScenarioSource
) -> tuple[ExerciseScenario, str | None]:
    """Check that the simulation scenario loads. One named by a file is read from the
    scenario's text (``text:<sha256>``); outside the scenario's folder, from disk."""
    ref = scenario.world.sim_scenario
    key = document_key(ref) if ref.endswith((".yaml", ".yml")) else None
    if key is not None and key in src.files:
        ref = register_sim_text(src.files[key], src.label(key))
    elif src.folder and ref.endswith((".yaml", ".yml")):
        candidate = Path(src.folder) / ref
        if candidate.is_file():
            ref = str(candidate.resolve())
    try:
        load_sim_scenario(ref)
    except (SimScenarioError, OSError, KeyError, ValueError) as exc:
        return scenario, _("the simulation scenario does not load: %(e)s") % {"e": exc}
    world = scenario.world.model_copy(update={"sim_scenario": ref})
    return scenario.model_copy(update={"world": world}), None


def _dupes(kind: str, ids: list[str], key: str) -> list[tuple[tuple[str | int, ...], str]]:
    seen: set[str] = set()
    out: list[tuple[tuple[str | int, ...], str]] = []
    for i, x in enumerate(ids):
        if x in seen:
            out.append(
                ((key, i, "id"), _("duplicate %(kind)s id %(id)r") % {"kind": kind, "id": x})
            )
        seen.add(x)
    return out


def _cross_references(
    s: ExerciseScenario, src: ScenarioSource
) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    team_ids = {t.id for t in s.teams}
    char_ids = {c.id for c in s.characters}
    place_ids = {p.id for p in s.places}
    ev_ids = {e.id for e in s.evidence}
    story_ids = {st.id for st in s.storylines}
    net_ids = {n.id for n in s.networks}
    phase_ids = {p.id for p in s.clock.phases}
    persona_ids = {c.id for c in s.personas()}
    for kind, ids, key in (
        ("team", [t.id for t in s.teams], "teams"),
        ("character", [c.id for c in s.characters], "characters"),
        ("place", [p.id for p in s.places], "places"),
        ("evidence", [e.id for e in s.evidence], "evidence"),
        ("inject", [i.id for i in s.injects], "injects"),
    ):
        out += _dupes(kind, ids, key)

    def need(ok: bool, loc: tuple[str | int, ...], what: str, value: str) -> None:
        if not ok:
            out.append((loc, _("unknown %(what)s %(value)r") % {"what": what, "value": value}))

    for i, c in enumerate(s.characters):
        need(c.place in place_ids, ("characters", i, "place"), _("place"), c.place)
        need(c.storyline in story_ids, ("characters", i, "storyline"), _("storyline"), c.storyline)
        for j, m in enumerate(c.moves):
            need(m.place in place_ids, ("characters", i, "moves", j, "place"), _("place"), m.place)
        if c.network is not None:
            need(c.network in net_ids, ("characters", i, "network"), _("network"), c.network)
        if c.truth and c.truth.recruiter:
            need(
                c.truth.recruiter in char_ids,
                ("characters", i, "truth", "recruiter"),
                _("character"),
                c.truth.recruiter,
            )
    for i, e in enumerate(s.evidence):
        need(e.storyline in story_ids, ("evidence", i, "storyline"), _("storyline"), e.storyline)
        if (document_key(e.file) or e.file) not in src.files:
            out.append((("evidence", i, "file"), _("document not found: %(f)s") % {"f": e.file}))
    for i, p in enumerate(s.places):
        for key in ("evidence_on_inspection", "evidence_on_search"):
            for j, ev in enumerate(getattr(p, key)):
                need(ev in ev_ids, ("places", i, key, j), _("evidence"), ev)
    for i, n in enumerate(s.networks):
        for j, member in enumerate(n.members):
            need(
                member in char_ids and s.character(member).kind == CharacterKind.TRAFFICKER,
                ("networks", i, "members", j),
                _("trafficker"),
                member,
            )
        for j, st in enumerate(n.storylines):
            need(st in story_ids, ("networks", i, "storylines", j), _("storyline"), st)
    for i, inj in enumerate(s.injects):
        for j, t in enumerate(inj.to):
            need(t in team_ids, ("injects", i, "to", j), _("team"), t)
        for j, ev in enumerate(inj.evidence):
            need(ev in ev_ids, ("injects", i, "evidence", j), _("evidence"), ev)
        for j, pid in enumerate(inj.brings):
            need(pid in persona_ids, ("injects", i, "brings", j), _("persona"), pid)
        if inj.trigger is not None:
            tr = inj.trigger
            valid = {
                TriggerOn.PHASE: phase_ids,
                TriggerOn.SITE_INSPECTED: place_ids,
                TriggerOn.ARREST: char_ids,
                TriggerOn.REQUEST_ANSWERED: {t.state for t in s.teams},
            }.get(tr.when, persona_ids)
            need(
                tr.subject in valid, ("injects", i, "trigger", "subject"), tr.when.value, tr.subject
            )
    states = {t.state for t in s.teams}
    if len(states) >= 2 and not any(
        instruments_between(a, b) for a in states for b in states if a != b
    ):
        out.append((("teams",), _("no cooperation instrument links the teams' states")))
    return out
