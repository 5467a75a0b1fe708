"""The events of an exercise: everything that happens is one of these, stored before it is applied.

An event is what a person (controller, player, role player, observer) or the clock did; the
world's reactions (a persona's trust, a triggered inject, a move) follow from the events
deterministically and are recomputed by the fold. A decision of an agency nobody plays (a reply
to a cross-border request, a formal identification, a shelter place, charges after arrests) is
an event of its own, ``decision``, taken by the engine's policy and stored before it is applied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    # exercise control
    CREATED = "created"
    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    SPEED_CHANGED = "speed_changed"
    CLOCK_TICKED = "clock_ticked"
    INJECT_RELEASED = "inject_released"
    FREE_INJECT = "free_inject"
    PERSONA_OVERRIDDEN = "persona_overridden"
    NOTE_ADDED = "note_added"
    ENDED = "ended"
    HOTWASH_NOTE = "hotwash_note"
    CORRECTIVE_ACTION = "corrective_action"
    ROLE_ASSIGNED = "role_assigned"
    # players
    ACTION = "action"
    # agencies nobody plays (their policy's decision, stored before it is applied)
    DECISION = "decision"
    # role players
    WELLBEING_CHECKED = "wellbeing_checked"
    #: the role player speaks for the persona: a message to a team that met the person, and/or
    #: a change of trust with its reason
    PERSONA_SPOKE = "persona_spoke"
    # observers
    OBSERVATION = "observation"
    # every participant: the participant feedback form (HSEEP), after play
    FEEDBACK = "feedback"
    # the lead evaluator's review of the report (after the end): the findings and actions the
    # report derived, then each edit with what it was before and after, then the approval
    REVIEW_STARTED = "review_started"
    FINDING_REVIEWED = "finding_reviewed"
    ACTION_REVIEWED = "action_reviewed"
    REVIEW_APPROVED = "review_approved"


@dataclass(frozen=True)
class Event:
    """One stored event. ``at``: exercise minute; ``seq``: 1, 2, ... per exercise."""

    exercise_id: str
    seq: int
    at: int
    kind: EventKind
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)
    recorded_at: datetime | None = None
    prev_hash: str = ""
    hash: str = ""

    def canonical(self) -> str:
        """The event's content as canonical JSON (what its hash covers)."""
        return json.dumps(
            {
                "exercise_id": self.exercise_id,
                "seq": self.seq,
                "at": self.at,
                "kind": self.kind.value,
                "actor": self.actor,
                "payload": self.payload,
                "prev": self.prev_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def chain_hash(event: Event) -> str:
    """SHA-256 of the event's content and the hash of the event before it."""
    return hashlib.sha256(event.canonical().encode("utf-8")).hexdigest()
