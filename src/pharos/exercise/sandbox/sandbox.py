"""An exercise's sandbox: its case-files database kept up to date with the exercise's log.

The sandbox (:class:`Sandbox`) is a :class:`~pharos.exercise.sandbox.database.Database` with its
:class:`~pharos.exercise.sandbox.projector.Projector`: it is rebuilt from the log whenever the
exercise is loaded and brought up to date after each committed event and before every read
(:meth:`Sandbox.catch_up`); the log stays the single source of truth.
"""

from __future__ import annotations

from typing import Any

from pharos.exercise.rules.events import Event
from pharos.exercise.sandbox.database import Database
from pharos.exercise.sandbox.projector import Projector
from pharos.exercise.scenario.schema import ExerciseScenario


class Sandbox(Database):
    """One exercise's sandbox database, its directory and its projector."""

    def __init__(self, sc: ExerciseScenario, exercise_id: str, seed: int) -> None:
        super().__init__(sc, exercise_id)
        self.projector = Projector(self, seed)

    # -- keeping up with the log --------------------------------------------------------------
    @property
    def last_seq(self) -> int:
        return self.projector.last_seq

    def catch_up(self, events: Any) -> int:
        """Project the committed events after the last one projected; ``events`` is the
        exercise's ``EventStore``. Returns how many were projected."""
        with self.lock:
            new: list[Event] = events.events(self.exercise_id, after_seq=self.last_seq)
            for ev in new:
                self.projector.project(ev)
            return len(new)
