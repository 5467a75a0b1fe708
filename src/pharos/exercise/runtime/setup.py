"""The setup wizard's rules: a new exercise's name, scenario, seed and dates, the teams people
play, and its roster from real accounts — each step checked, every problem said at once with
the field it concerns, nothing created until every step is right.

- The scenario is a bundled one (``bundled:<name>``) or a saved version of the studio
  (``studio:<key>@<number>``); the exercise keeps its text with its hash, never a path, and the
  teams people play are written into that text (``pharos.exercise.scenario.played``).
- The roster gives each account at most one role (as ``ROLE_ASSIGNED`` does): co-director,
  observer, player of a played team, or role player of a persona. Only active accounts get a
  role; the creator heads the control team and gets no other. The accounts of a played team's
  state and agency kind are suggested as its players.
- A national exercise (``mode: national``) has only the agencies of its state: its teams are
  played by accounts of that state (others may observe, role-play or co-direct).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.studio import Studio, StudioRefused, origin, template_source
from pharos.exercise.runtime.studio import templates as bundled_templates
from pharos.exercise.scenario.loader import LoadedScenario, check_source
from pharos.exercise.scenario.played import with_played_teams
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording
from pharos.i18n import _, ngettext

#: longest name of an exercise (characters)
MAX_NAME = 120
#: the roles the roster offers (``ROLE_ASSIGNED``'s, "none" being an empty choice)
DIRECTOR, OBSERVER, PLAYER, ROLE_PLAYER = "director", "observer", "player", "role_player"


@dataclass(frozen=True)
class Choice:
    """A scenario the wizard offers: ``ref`` names it in the form."""

    ref: str
    title: str
    studio: bool


def choices(engine: Engine, studio_too: bool) -> list[Choice]:
    """The bundled scenarios, then (when the user may read the studio) every saved version of
    the studio's scenarios, newest first."""
    out = [Choice(f"bundled:{t.name}", t.title, False) for t in bundled_templates()]
    if studio_too:
        out += [
            Choice(f"studio:{v.key}@{v.number}", f"{v.title} — v{v.number}", True)
            for v in Studio(engine).versions()
        ]
    return out


def chosen(engine: Engine, ref: str, studio_too: bool) -> tuple[LoadedScenario, str] | None:
    """The scenario ``ref`` names, loaded from its text, and where it came from; None when
    ``ref`` names nothing the user may choose (or a version the validator now refuses)."""
    kind, _sep, name = ref.partition(":")
    if kind == "bundled" and name in {t.name for t in bundled_templates()}:
        loaded = check_source(template_source(name))[0]
        return (loaded, name) if loaded is not None else None
    if kind == "studio" and studio_too and "@" in name:
        key, _at, number = name.rpartition("@")
        studio = Studio(engine)
        try:
            v = studio.version(key, int(number)) if number.isdigit() else None
            if v is None or v.number != int(number):
                return None
            return studio.loaded(v), origin(v)
        except (KeyError, StudioRefused):
            return None
    return None


@dataclass
class Basics:
    name: str = ""
    seed: int | None = None
    held_from: date | None = None
    held_to: date | None = None

    def setup(self) -> dict[str, str]:
        """What the exercise's ``created`` event records (``ExerciseState.setup``)."""
        out = {"name": self.name}
        if self.held_from is not None:
            out["held_from"] = self.held_from.isoformat()
        if self.held_to is not None:
            out["held_to"] = self.held_to.isoformat()
        return out


@dataclass
class Problems:
    """What is wrong, by field (the form shows each message next to its field)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def of(self, where: str) -> list[str]:
        return [m for w, m in self.items if w == where]


def _date(value: Any, where: str, problems: Problems) -> date | None:
    text = str(value or "").strip()
    if not text:
        problems.add(where, _("give a date"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(where, _("%(value)s is not a date (year-month-day)") % {"value": text})
        return None


def check_basics(data: dict[str, Any], problems: Problems) -> Basics:
    """Name, seed and dates as typed (``data``), checked."""
    out = Basics(name=" ".join(str(data.get("name") or "").split()))
    if not out.name:
        problems.add("name", _("give the exercise a name"))
    elif len(out.name) > MAX_NAME:
        too_long = ngettext(
            "a name has at most %(n)s character", "a name has at most %(n)s characters", MAX_NAME
        )
        problems.add("name", too_long % {"n": MAX_NAME})
    seed = str(data.get("seed") or "").strip()
    if seed:
        if seed.isdigit() and len(seed) <= 18:
            out.seed = int(seed)
        else:
            problems.add("seed", _("a seed is a whole number, 0 or more (empty: the scenario's)"))
    out.held_from = _date(data.get("held_from"), "held_from", problems)
    out.held_to = _date(data.get("held_to"), "held_to", problems)
    if out.held_from and out.held_to and out.held_to < out.held_from:
        problems.add("held_to", _("the last day comes before the first"))
    return out


def check_scenario(
    engine: Engine, data: dict[str, Any], studio_too: bool, problems: Problems
) -> tuple[LoadedScenario, str] | None:
    ref = str(data.get("scenario") or "")
    found = chosen(engine, ref, studio_too) if ref else None
    if found is None:
        problems.add("scenario", _("choose one of the scenarios offered"))
    return found


def played_of(data: dict[str, Any]) -> list[str] | None:
    """The teams ticked as played; None when the form has not said (before the teams step)."""
    if "played" not in data and not data.get("teams_step"):
        return None
    value = data.get("played") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def check_teams(sc: ExerciseScenario, played: list[str], problems: Problems) -> list[str]:
    """The played teams, in the scenario's order; at least one, each a team of the scenario."""
    known = {t.id for t in sc.teams}
    for t in played:
        if t not in known:
            problems.add("played", _("unknown team %(id)s") % {"id": t})
    out = [t.id for t in sc.teams if t.id in played]
    if not out:
        problems.add("played", _("choose at least one team played by people"))
    return out


def role_options(
    sc: ExerciseScenario, played: list[str], account: dict[str, Any]
) -> list[dict[str, str]]:
    """The roles ``account`` may get: co-director, observer, player of a played team (in a
    national exercise, only for accounts of its state), role player of a persona."""
    out = [
        {"value": DIRECTOR, "label": wording.role(DIRECTOR)},
        {"value": OBSERVER, "label": wording.role(OBSERVER)},
    ]
    if not sc.national or account.get("state") == sc.state:
        for t in sc.teams:
            if t.id in played:
                label = _("Player: %(team)s") % {"team": t.name}
                out.append({"value": f"{PLAYER}:{t.id}", "label": label})
    for c in sc.personas():
        out.append(
            {
                "value": f"{ROLE_PLAYER}:{c.id}",
                "label": _("Role player: %(name)s") % {"name": c.name},
            }
        )
    return out


def suggested(sc: ExerciseScenario, played: list[str], account: dict[str, Any]) -> str:
    """The role suggested for ``account``: player of the played team of its state and agency
    kind (empty when none)."""
    for t in sc.teams:
        if (
            t.id in played
            and t.state == account.get("state")
            and t.agency_kind == account.get("kind")
        ):
            return f"{PLAYER}:{t.id}"
    return ""


def roster_field(username: str) -> str:
    return f"role.{username}"


def check_roster(
    sc: ExerciseScenario,
    played: list[str],
    data: dict[str, Any],
    people: list[dict[str, Any]],
    creator: str,
    problems: Problems,
) -> list[dict[str, str]]:
    """The roles chosen (``role.<username>``, and ``extra_username`` with ``extra_role`` for an
    account typed by name) as ``ROLE_ASSIGNED`` payloads, every account checked."""
    accounts = {u["username"]: u for u in people}
    chosen_roles: list[tuple[str, str, str]] = []  # (field, username, value)
    for key, value in data.items():
        if key.startswith("role.") and value:
            chosen_roles.append((key, key.removeprefix("role."), str(value)))
    extra = " ".join(str(data.get("extra_username") or "").split()).lower()
    extra_role = str(data.get("extra_role") or "")
    if extra and not extra_role:
        problems.add("extra_role", _("choose a role for %(name)s") % {"name": extra})
    elif extra_role and not extra:
        problems.add("extra_username", _("type the user name of the account"))
    elif extra:
        chosen_roles.append(("extra_username", extra, extra_role))
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for where, username, value in chosen_roles:
        words = {"name": username}
        account = accounts.get(username)
        if account is None:
            problems.add(where, _("no active account is called %(name)s") % words)
            continue
        if username == creator:
            problems.add(where, _("the exercise's creator stays on its control team"))
            continue
        if username in seen:
            problems.add(where, _("%(name)s has two roles: one role per person") % words)
            continue
        seen.add(username)
        if value not in {o["value"] for o in role_options(sc, played, account)}:
            role, _sep, what = value.partition(":")
            if role == PLAYER and sc.national and account.get("state") != sc.state:
                msg = _(
                    "%(name)s is not of %(state)s: the teams of a national exercise are played "
                    "by its own agencies; make them an observer or a role player"
                ) % (words | {"state": wording.country(sc.state)})
            elif role == PLAYER and what in {t.id for t in sc.teams}:
                msg = _(
                    "%(name)s would play %(team)s, which the model simulates: tick it as played "
                    "or choose another role"
                ) % (words | {"team": sc.team(what).name})
            else:
                msg = _("choose a role for %(name)s among those offered") % words
            problems.add(where, msg)
            continue
        role, _sep, what = value.partition(":")
        payload = {"username": username, "role": role}
        if role == PLAYER:
            payload["team"] = what
        elif role == ROLE_PLAYER:
            payload["persona"] = what
        out.append(payload)
    return out


def create(
    hub: Hub,
    loaded: LoadedScenario,
    where_from: str,
    director: str,
    basics: Basics,
    played: list[str],
    roster: list[dict[str, str]],
) -> ExerciseSession:
    """The exercise, on the scenario's text with the played teams written in, directed by
    ``director``, with its roster assigned (every part checked before: see the checks above)."""
    source = with_played_teams(loaded.source, played)
    ready, problems = check_source(source)
    if ready is None:  # cannot happen for ids checked by check_teams; said, not hidden
        raise ValueError("; ".join(str(p) for p in problems))
    s = hub.create(ready, basics.seed, director, where_from, basics.setup())
    for payload in roster:
        s.submit(EventKind.ROLE_ASSIGNED, director, payload)
    return s
