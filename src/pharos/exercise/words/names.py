"""How a sentence names what an exercise's log holds by id: teams, people, networks, places, the
engine; an exercise minute as a time of day; a field left empty.

A timeline entry (``{"what": "interview", "team": "ita-police", "persona": "karim", ...}``) is
said by a :data:`Sentence`, a function of the entry and the scenario's :class:`Names`. The
sentences of the player actions are declared with the actions
(``pharos.exercise.rules.actions``), the others in ``pharos.exercise.story.describe``; both use
the helpers here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pharos.exercise.words import wording as w
from pharos.i18n import _

#: What a sentence shows for a field that is missing or empty.
MISSING = "—"

Entry = Mapping[str, Any]


@dataclass(frozen=True)
class Names:
    """How to show the scenario's ids: teams, characters, networks, places, injects, phases,
    disclosures, objectives; and the requests of the state (``id -> (to_state, instrument)``)."""

    teams: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)
    networks: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    injects: Mapping[str, str] = field(default_factory=dict)
    phases: Mapping[str, str] = field(default_factory=dict)
    disclosures: Mapping[str, str] = field(default_factory=dict)
    objectives: Mapping[str, str] = field(default_factory=dict)
    requests: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: the people's accounts (username -> the name the report's participants table shows);
    #: empty where the server does not name them (a drill, the command line)
    accounts: Mapping[str, str] = field(default_factory=dict)

    def team(self, key: object) -> str:
        return _name(self.teams, key)

    def person(self, key: object) -> str:
        return _name(self.people, key)

    def network(self, key: object) -> str:
        return _name(self.networks, key)

    def place(self, key: object) -> str:
        return _name(self.places, key)

    def teams_list(self, keys: object) -> str:
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, Iterable):
            return MISSING
        return ", ".join(self.team(k) for k in keys) or MISSING

    def by(self, who: object) -> str:
        """Who did it: a team, the engine (``simulated:EGY``, ``engine:Policy``) or a user."""
        s = "" if who is None else str(who)
        if s.startswith("simulated:"):
            return _("the engine (%(s)s)") % {"s": w.country(s.removeprefix("simulated:"))}
        if s == "engine" or s.startswith("engine:"):
            return _("the engine")
        return self.teams.get(s) or self.accounts.get(s) or s or MISSING


#: One sentence, in the current language, for a timeline entry.
Sentence = Callable[[Entry, Names], str]


def _name(table: Mapping[str, str], key: object) -> str:
    if key is None or key == "":
        return MISSING
    return table.get(str(key), str(key))


def given(e: Entry, key: str) -> str:
    """The entry's ``key`` as written, or :data:`MISSING`."""
    v = e.get(key)
    return MISSING if v is None or v == "" else str(v)


def team_and_person(e: Entry, n: Names) -> dict[str, str]:
    """The arguments ``t`` (the acting team) and ``p`` (the person acted on) of a sentence."""
    return {"p": n.person(e.get("persona")), "t": n.team(e.get("team"))}


#: Days as users see and give them are numbered from 1 (``clock_label``, the pages' "Replay at
#: day", ``pharos exercise status|report --at-day``): day 1 begins at minute 0, and day 2.5 is
#: day 2 at 12:00. Scenario files give elapsed days instead (``at_day: 0.3``: 0.3 days in).
FIRST_DAY = 1


def day_minute(day: float) -> int:
    """The exercise minute at ``day`` as users number days (``FIRST_DAY``): 1 → 0, 2.5 → 2160."""
    return round((day - FIRST_DAY) * 1440)


def clock_label(minute: int) -> str:
    """Exercise time as "day 2 14:30" (day 1 is the first day)."""
    d, rest = divmod(minute, 1440)
    return _("day %(d)s %(hm)s") % {"d": d + 1, "hm": f"{rest // 60:02d}:{rest % 60:02d}"}
