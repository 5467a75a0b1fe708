"""Fixtures for the exercise tests: a fresh session of the bundled scenario on a fixed clock."""

from __future__ import annotations

import pytest

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore


@pytest.fixture
def session() -> ExerciseSession:
    """A started exercise of ``mediterranean-regional``; time moves only by ``advance_days``."""
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    return s
