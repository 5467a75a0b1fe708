"""Victim personas that react to how they are treated.

Trust (0-100) moves with treatment: an interpreter or interviewer in the persona's language, a
safe place, the same interviewer and a trauma-informed approach raise it; repeated questioning,
threats of detention or removal and the presence of a suspected exploiter lower it. Disclosures
are a ladder unlocked by trust. Below the flight threshold and without protection, the persona
leaves after a seeded delay — the behaviour a role player showed at the 2021 Vicenza exercise
after being asked the same questions again and again (docs/exercise.md, sources).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pharos.exercise.rules.state import PersonaState
from pharos.exercise.scenario.schema import Character, Disclosure, Team, day_to_minutes

APPROACHES = ("trauma_informed", "standard", "confrontational")
SETTINGS = ("where_found", "police_station", "office", "shelter")
SAFE_KINDS = {"ngo", "social_welfare", "international_organisation"}


def rng(seed: int, *keys: object) -> random.Random:
    """A random stream named by ``keys``: the same seed and keys give the same draws anywhere."""
    return random.Random("|".join([str(seed), *map(str, keys)]))


@dataclass(frozen=True)
class Interview:
    team: str
    interviewer: str
    approach: str
    interpreter: str | None
    setting: str
    threats: bool
    exploiter_present: bool


def speaks_with(character: Character, team: Team, interpreter: str | None) -> bool:
    """Whether the interview happens in a language the persona speaks."""
    if interpreter and interpreter in character.languages:
        return True
    return bool(set(team.languages) & set(character.languages))


def treatment(
    character: Character,
    persona: PersonaState,
    team: Team,
    iv: Interview,
    safe_place: bool,
    minute: int,
) -> list[tuple[str, int]]:
    """The trust changes an interview causes, each with its reason (points on 0-100)."""
    r = character.trust_rules
    out: list[tuple[str, int]] = []
    last = persona.last_interview
    repeated = (
        last is not None
        and minute - last["minute"] <= day_to_minutes(r.repeat_window_days)
        and not last["new_disclosures"]
    )
    if repeated:
        # Asked the same again: good manners do not make up for it (the Vicenza 2021 account).
        out.append(("repeated_questioning", r.repeated_questioning))
    else:
        if speaks_with(character, team, iv.interpreter):
            out.append(("interpreter_in_language", r.interpreter_in_language))
        if safe_place:
            out.append(("safe_place", r.safe_place))
        if last is not None and last["interviewer"] == iv.interviewer and last["team"] == iv.team:
            out.append(("same_interviewer", r.same_interviewer))
        if iv.approach == "trauma_informed":
            out.append(("trauma_informed", r.trauma_informed))
    if iv.approach == "confrontational":
        out.append(("confrontational", r.confrontational))
    if iv.threats:
        out.append(("threat_of_detention_or_removal", r.threat_of_detention_or_removal))
    if iv.exploiter_present:
        out.append(("suspected_exploiter_present", r.suspected_exploiter_present))
    return out


def set_trust(persona: PersonaState, minute: int, value: int, reason: str) -> None:
    value = max(0, min(100, value))
    persona.trust_history.append(
        {"minute": minute, "from": persona.trust, "to": value, "reason": reason}
    )
    persona.trust = value


def available(
    character: Character, persona: PersonaState, own_language: bool, safe_place: bool
) -> list[Disclosure]:
    """The rungs the persona may disclose now, given trust and the interview's conditions."""
    return [
        d
        for d in character.ladder
        if d.min_trust <= persona.trust
        and (own_language or not d.requires_interpreter)
        and (safe_place or not d.requires_safe_place)
    ]


def interview(
    character: Character,
    persona: PersonaState,
    team: Team,
    iv: Interview,
    safe_place: bool,
    minute: int,
) -> tuple[list[tuple[str, int]], list[Disclosure]]:
    """Apply an interview: trust moves, then new disclosures to this team. Mutates ``persona``."""
    effects = treatment(character, persona, team, iv, safe_place, minute)
    for reason, delta in effects:
        set_trust(persona, minute, persona.trust + delta, reason)
    own = speaks_with(character, team, iv.interpreter)
    if own and not set(team.languages) & set(character.languages):
        persona.interpreter_used = True
    told = persona.disclosed_to.setdefault(iv.team, [])
    new = [d for d in available(character, persona, own, safe_place) if d.id not in told]
    for d in new:
        told.append(d.id)
        if d.id not in persona.disclosed:
            persona.disclosed.append(d.id)
    record: dict[str, Any] = {
        "minute": minute,
        "team": iv.team,
        "interviewer": iv.interviewer,
        "approach": iv.approach,
        "interpreter": iv.interpreter,
        "setting": iv.setting,
        "threats": iv.threats,
        "exploiter_present": iv.exploiter_present,
        "trust_after": persona.trust,
        "new_disclosures": [d.id for d in new],
    }
    persona.interviews.append(record)
    persona.last_interview = record
    return effects, new


def update_flight(character: Character, persona: PersonaState, minute: int, seed: int) -> None:
    """Schedule flight when trust is below the threshold and nothing protects; else cancel it."""
    if persona.status == "fled":
        persona.flight_due = None
        return
    r = character.trust_rules
    if persona.trust < r.flight_threshold and not persona.protected:
        if persona.flight_due is None:
            lo, hi = r.flight_delay_days
            delay = rng(seed, "flight", persona.id, persona.flight_draws).uniform(lo, hi)
            persona.flight_draws += 1
            persona.flight_due = minute + max(1, day_to_minutes(delay))
    else:
        persona.flight_due = None


def knows_now(character: Character, persona: PersonaState) -> dict[str, list[Disclosure]]:
    """For the role player: what the character has said, may say now, and keeps back."""
    said = [d for d in character.ladder if d.id in persona.disclosed]
    may = [
        d
        for d in character.ladder
        if d.id not in persona.disclosed and d.min_trust <= persona.trust
    ]
    held = [
        d for d in character.ladder if d.id not in persona.disclosed and d.min_trust > persona.trust
    ]
    return {"said": said, "may_disclose": may, "held_back": held}
