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
from pharos.domain.geography import countries
from pharos.domain.indicators import UnknownIndicatorError
from pharos.domain.indicators import lookup as lookup_indicator
from pharos.exercise.scenario import translation
from pharos.exercise.scenario.schema import CharacterKind, ExerciseScenario, TriggerOn
from pharos.exercise.scenario.source import ScenarioSource, document_key, read_source
from pharos.i18n import _, current_locale, format_list, normalise_locale
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
    loaded, problems = check_source(src)
    if problems or loaded is None:
        raise ScenarioError(problems)
    return loaded


def validate(scenario: str | Path | ScenarioSource) -> list[Problem]:
    """Every problem of an exercise scenario (bundled name, path or text), by file, line and
    field; empty when it is valid. The checks of ``pharos exercise validate`` and the studio."""
    if isinstance(scenario, ScenarioSource):
        return check_source(scenario)[1]
    try:
        load_scenario(scenario)
    except ScenarioError as exc:
        return exc.problems
    return []


def check_source(src: ScenarioSource) -> tuple[LoadedScenario | None, list[Problem]]:
    """The scenario loaded from ``src`` and every problem found (the scenario is None when
    there is any). A schema error does not stop the checks: references between the parts
    (places, teams, personas, indicators, documents...) are checked on what was written, so
    every problem is reported at once; only text that is not YAML stops at its first error."""
    fname = src.label(src.name)
    try:  # strictly: YAML 1.2, no key twice, bounded depth (pharos.domain.userfile)
        data: Any
        data, node = userfile.load(src.text, userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError as exc:
        return None, [Problem(fname, exc.line, "", exc.message)]
    if not isinstance(data, dict) or node is None:
        return None, [Problem(fname, 1, "", _("expected a mapping at the top of the file"))]
    if data.get("format") == translation.FORMAT:
        msg = _("a translation file: check its scenario %(s)r, which reads it") % {
            "s": data.get("scenario")
        }
        return None, [Problem(fname, 1, "format", msg)]
    lines: dict[tuple[str | int, ...], int] = {}
    _lines(node, (), lines)
    problems: list[Problem] = []
    scenario: ExerciseScenario | None = None
    try:
        scenario = ExerciseScenario.model_validate(data)
    except ValidationError as exc:
        problems += [
            Problem(fname, _line_for(lines, tuple(e["loc"])), _field(tuple(e["loc"])), e["msg"])
            for e in exc.errors()
        ]
    problems += [
        Problem(fname, _line_for(lines, loc), _field(loc), msg)
        for loc, msg in _cross_references(data, src)
    ]
    sim_ref = (
        data.get("world", {}).get("sim_scenario") if isinstance(data.get("world"), dict) else None
    )
    sim_ref_checked: str | None = None
    if isinstance(sim_ref, str):
        sim_ref_checked, sim_problem = _sim_scenario(sim_ref, src)
        if sim_problem:
            loc = ("world", "sim_scenario")
            problems.append(Problem(fname, _line_for(lines, loc), _field(loc), sim_problem))
    problems.sort(key=lambda p: p.line or 0)  # in the order of the file
    if scenario is None:
        return None, problems
    translated: dict[str, dict[str, str]] = {}
    for lang, rel in src.translations().items():
        texts, issues = translation.read_text(src.files[rel], scenario, lang)
        translated[lang] = texts
        problems += [Problem(src.label(rel), i.line, i.key, i.message) for i in issues]
    if problems or sim_ref_checked is None:
        return None, problems
    world = scenario.world.model_copy(update={"sim_scenario": sim_ref_checked})
    scenario = scenario.model_copy(update={"world": world})
    return LoadedScenario(scenario, src, translated), []


def _sim_scenario(ref: str, src: ScenarioSource) -> tuple[str, str | None]:
    """The simulation scenario's reference as the exercise reads it, and what stops it loading
    (None: it loads). One named by a file is read from the scenario's text
    (``text:<sha256>``); one named by an absolute path, from disk."""
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
        return ref, _("the simulation scenario does not load: %(e)s") % {"e": exc}
    return ref, None


Loc = tuple[str | int, ...]


def _items(data: Any, *path: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of the list at ``path`` in ``data`` with their index (anything else, or a
    missing list, is left to the schema's checks)."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, list):
        return []
    return [(i, x) for i, x in enumerate(data) if isinstance(x, dict)]


def _texts(value: Any) -> list[tuple[int, str]]:
    """The texts of a list with their index (other items are the schema's)."""
    if not isinstance(value, list):
        return []
    return [(i, x) for i, x in enumerate(value) if isinstance(x, str)]


def _ids(data: Any, *path: str) -> set[str]:
    return {x["id"] for _i, x in _items(data, *path) if isinstance(x.get("id"), str)}


def _dupes(kind: str, data: Any, *path: str) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    out: list[tuple[Loc, str]] = []
    for i, x in _items(data, *path):
        ident = x.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            out.append(
                ((*path, i, "id"), _("duplicate %(kind)s id %(id)r") % {"kind": kind, "id": ident})
            )
        seen.add(ident)
    return out


def _indicator(ident: str) -> str | None:
    """What is wrong with an indicator id (None: it is in one of the lists)."""
    try:
        lookup_indicator(ident)
    except UnknownIndicatorError as exc:
        if exc.suggestions:
            return _("unknown indicator %(id)r; did you mean %(ids)s?") % {
                "id": ident,
                "ids": format_list(list(exc.suggestions), style="or"),
            }
        return _("unknown indicator %(id)r") % {"id": ident}
    return None


def _cross_references(data: dict[str, Any], src: ScenarioSource) -> list[tuple[Loc, str]]:
    """Every reference between the parts of the scenario as written (``data``, before or
    despite the schema's checks): ids unique, places, storylines, networks, characters,
    evidence, teams, personas, phases and indicators known, documents present."""
    out: list[tuple[Loc, str]] = []
    chars = {x["id"]: x for _i, x in _items(data, "characters") if isinstance(x.get("id"), str)}
    team_ids = _ids(data, "teams")
    place_ids = _ids(data, "places")
    ev_ids = _ids(data, "evidence")
    story_ids = _ids(data, "storylines")
    net_ids = _ids(data, "networks")
    phase_ids = _ids(data, "clock", "phases")
    persona_ids = {k for k, c in chars.items() if c.get("kind") == CharacterKind.VICTIM.value}
    team_states = {
        t["state"].upper() for _i, t in _items(data, "teams") if isinstance(t.get("state"), str)
    }
    for kind, path in (
        ("team", ("teams",)),
        ("character", ("characters",)),
        ("place", ("places",)),
        ("evidence", ("evidence",)),
        ("inject", ("injects",)),
        ("storyline", ("storylines",)),
        ("network", ("networks",)),
        ("phase", ("clock", "phases")),
    ):
        out += _dupes(kind, data, *path)
    for i, o in _items(data, "objectives"):
        # a rating names the objective and the task: ids unique within their objective
        out += [
            (("objectives", i, *loc), msg) for loc, msg in _dupes("capability", o, "capabilities")
        ]
        seen: set[str] = set()
        for j, cap in _items(o, "capabilities"):
            for k, task in _items(cap, "critical_tasks"):
                ident = task.get("id")
                if isinstance(ident, str) and ident in seen:
                    loc: Loc = ("objectives", i, "capabilities", j, "critical_tasks", k, "id")
                    out.append((loc, _("duplicate %(kind)s id %(id)r")
                                % {"kind": "critical task", "id": ident}))  # fmt: skip
                if isinstance(ident, str):
                    seen.add(ident)

    def need(ok: bool, loc: Loc, what: str, value: Any) -> None:
        if not ok and isinstance(value, str):
            out.append((loc, _("unknown %(what)s %(value)r") % {"what": what, "value": value}))

    for i, c in _items(data, "characters"):
        at: Loc = ("characters", i)
        need(c.get("place") in place_ids, (*at, "place"), _("place"), c.get("place"))
        need(
            c.get("storyline") in story_ids, (*at, "storyline"), _("storyline"), c.get("storyline")
        )
        for j, m in _items(c, "moves"):
            need(
                m.get("place") in place_ids, (*at, "moves", j, "place"), _("place"), m.get("place")
            )
        if c.get("network") is not None:
            need(c["network"] in net_ids, (*at, "network"), _("network"), c["network"])
        truth = c.get("truth")
        if isinstance(truth, dict):
            rec = truth.get("recruiter")
            need(rec is None or rec in chars, (*at, "truth", "recruiter"), _("character"), rec)
            for j, ind in _texts(truth.get("indicators")):
                problem = _indicator(ind)
                if problem:
                    out.append(((*at, "truth", "indicators", j), problem))
        for k, rung in _items(c, "ladder"):
            for j, ind in _texts(rung.get("indicators")):
                problem = _indicator(ind)
                if problem:
                    out.append(((*at, "ladder", k, "indicators", j), problem))
        out += _dupes("disclosure", c, "ladder")
    for i, e in _items(data, "evidence"):
        need(
            e.get("storyline") in story_ids,
            ("evidence", i, "storyline"),
            _("storyline"),
            e.get("storyline"),
        )
        f = e.get("file")
        if isinstance(f, str) and (document_key(f) or f) not in src.files:
            out.append((("evidence", i, "file"), _("document not found: %(f)s") % {"f": f}))
    for i, p in _items(data, "places"):
        for key in ("evidence_on_inspection", "evidence_on_search"):
            for j, ev in _texts(p.get(key)):
                need(ev in ev_ids, ("places", i, key, j), _("evidence"), ev)
    for i, n in _items(data, "networks"):
        for j, member in _texts(n.get("members")):
            need(
                chars.get(member, {}).get("kind") == CharacterKind.TRAFFICKER.value,
                ("networks", i, "members", j),
                _("trafficker"),
                member,
            )
        for j, st in _texts(n.get("storylines")):
            need(st in story_ids, ("networks", i, "storylines", j), _("storyline"), st)
    for i, inj in _items(data, "injects"):
        for j, t in _texts(inj.get("to")):
            need(t in team_ids, ("injects", i, "to", j), _("team"), t)
        for j, ev in _texts(inj.get("evidence")):
            need(ev in ev_ids, ("injects", i, "evidence", j), _("evidence"), ev)
        for j, pid in _texts(inj.get("brings")):
            need(pid in persona_ids, ("injects", i, "brings", j), _("persona"), pid)
        tr = inj.get("trigger")
        if isinstance(tr, dict) and tr.get("when") in {t.value for t in TriggerOn}:
            when = TriggerOn(tr["when"])
            valid = {
                TriggerOn.PHASE: phase_ids,
                TriggerOn.SITE_INSPECTED: place_ids,
                TriggerOn.ARREST: set(chars),
                TriggerOn.REQUEST_ANSWERED: team_states,
            }.get(when, persona_ids)
            subject = tr.get("subject")
            need(subject in valid, ("injects", i, "trigger", "subject"), when.value, subject)
    for j, t in _texts(data.get("played_teams")):
        need(t in team_ids, ("played_teams", j), _("team"), t)
    out += _mode(data)
    if (
        len(team_states) >= 2
        and all(s in countries() for s in team_states)
        and not any(instruments_between(a, b) for a in team_states for b in team_states if a != b)
    ):
        out.append((("teams",), _("no cooperation instrument links the teams' states")))
    return out


def _mode(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """A national exercise (``mode: national``) names its ``state``, and every team is one of
    that state's agencies; no objective, network or inject looks across borders, since no team
    of another state exists to answer (what foreign partners say comes as injects). A regional
    exercise names no ``state``."""
    out: list[tuple[Loc, str]] = []
    state = data.get("state")
    if data.get("mode") != "national":
        if state is not None:
            out.append((("state",), _("only a national exercise (mode: national) names a state")))
        return out
    if not isinstance(state, str):
        out.append((("mode",), _("a national exercise names its state (state: ITA, ...)")))
        return out
    state = state.upper()
    words = {"state": state}
    for i, t in _items(data, "teams"):
        if isinstance(t.get("state"), str) and t["state"].upper() != state:
            msg = _("every team of a national exercise is an agency of %(state)s") % words
            out.append((("teams", i, "state"), msg))
    for i, o in _items(data, "objectives"):
        if o.get("id") == "networks_across_borders":
            msg = _("a national exercise has no cross-border objective: no team of another state")
            out.append((("objectives", i, "id"), msg))
    for i, n in _items(data, "networks"):
        for j, st in _texts(n.get("disrupt_requires")):
            if st.upper() != state:
                msg = _("a national exercise's networks are disrupted in %(state)s") % words
                out.append((("networks", i, "disrupt_requires", j), msg))
    for i, inj in _items(data, "injects"):
        tr = inj.get("trigger")
        if isinstance(tr, dict) and tr.get("when") == TriggerOn.REQUEST_ANSWERED.value:
            msg = _("a national exercise sends no cross-border request to wait for")
            out.append((("injects", i, "trigger", "when"), msg))
    return out
