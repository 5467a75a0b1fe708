"""An exercise's event log as an exercise dataset of the analytics store.

The log is read through the exercise area's store API (``EventStore.events``), its hash chain
checked (``pharos.exercise.runtime.store.verify``) and folded (``pharos.exercise.rules.fold.fold``)
into the exercise's state. Each victim persona (a character of kind ``victim`` whose hidden truth
says it is a victim) gives one row:

* ``case_outcomes``: gender, age band, minor, unaccompanied (children only), citizenship,
  exploitation type (the persona's truth), identified, referred, protected (a recovery and
  reflection period, child protection or a shelter place), and days (exercise days) from the
  moment the persona came within the teams' reach (else the exercise's start) to its
  identification, first referral and first protection (a recovery period, or shelter, NGO
  assistance or child protection given on a referral). Exercises created before referrals were
  answered record no time for shelter or child protection, so protection by them alone has no
  days there.
* ``victims``: the same person for the analytics pages, the country of exploitation being the
  state of the persona's first place.

The year is the year the exercise was created. No name, script or free text leaves the log.
The dataset is marked ``exercise`` with the exercise id, scenario and seed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.exc import SQLAlchemyError

from pharos.domain.vocabulary import Gender, VulnerableGroup
from pharos.exercise.rules.fold import fold
from pharos.exercise.runtime.session import scenario_of
from pharos.exercise.runtime.store import EventStore, SqlEventStore, verify
from pharos.exercise.scenario.loader import ScenarioError
from pharos.i18n import _
from pharos.learn import codes
from pharos.learn.ingest.report import ImportRefused
from pharos.learn.schema import conform
from pharos.learn.store import Store

MINUTES_PER_DAY = 1440.0
GENDERS = {
    "woman": Gender.FEMININE.value,
    "girl": Gender.FEMININE.value,
    "man": Gender.MASCULINE.value,
    "boy": Gender.MASCULINE.value,
    "other": Gender.NON_CONFORMING.value,
}


@dataclass
class ExerciseImport:
    """What was read from one exercise's log and what was stored."""

    exercise_id: str
    scenario: str
    title: str
    seed: int
    events: int
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    digest: str = ""
    dataset: str | None = None

    @property
    def details(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise_id,
            "scenario": self.scenario,
            "title": self.title,
            "seed": self.seed,
            "events": self.events,
        }


def _days(start: int, at: int | None) -> float | None:
    if at is None:
        return None
    return max(0.0, (at - start) / MINUTES_PER_DAY)


def _first(*minutes: int | None) -> int | None:
    known = [m for m in minutes if m is not None]
    return min(known) if known else None


def open_events(url: str | None) -> EventStore:
    """The exercise event store at ``url`` (default: the server's, as ``pharos exercise``).

    Opened read-only in spirit: nothing is created or migrated; a missing SQLite file or a
    database without the exercise tables is refused.
    """
    if not url:
        data = Path(os.environ.get("PHAROS_DATA_DIR", "data"))
        url = os.environ.get("PHAROS_DATABASE_URL") or f"sqlite:///{data / 'pharos.db'}"
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise ImportRefused(_("No exercise database at %(url)s") % {"url": url})
    store = SqlEventStore(url, create=False)
    try:
        store.exercises()
    except SQLAlchemyError as exc:
        raise ImportRefused(
            _("%(url)s holds no exercise log: %(error)s")
            % {"url": url, "error": type(exc).__name__}
        ) from exc
    return store


def read_exercise(events_store: EventStore, exercise_id: str) -> ExerciseImport:
    """Fold ``exercise_id``'s log into one row per victim persona; raises ``ImportRefused``."""
    record = next((r for r in events_store.exercises() if r.id == exercise_id), None)
    if record is None:
        raise ImportRefused(
            _("No exercise %(id)s in the exercise database; nothing was stored")
            % {"id": exercise_id}
        )
    events = events_store.events(exercise_id)
    broken = verify(events)
    if broken:
        raise ImportRefused(
            _(
                "The log of exercise %(id)s fails its hash chain at event %(seq)s; "
                "nothing was stored"
            )
            % {"id": exercise_id, "seq": broken[0]}
        )
    try:
        scenario = scenario_of(events_store, record).scenario
    except ScenarioError as exc:
        raise ImportRefused(
            _("The scenario of exercise %(id)s cannot be read; nothing was stored")
            % {"id": exercise_id}
        ) from exc
    state = fold(scenario, exercise_id, record.seed, events)
    rows: list[dict[str, Any]] = []
    for character in scenario.personas():
        if character.truth is None or not character.truth.is_victim:
            continue
        ps = state.personas[character.id]
        start = ps.reachable_since if ps.reachable_since is not None else (state.started_at or 0)
        minor = character.age < 18
        exploitation = character.truth.exploitation
        rows.append(
            {
                "source": "exercise",
                "year": record.created_at.year,
                "gender": GENDERS.get(character.gender),
                "age_band": codes.age_band_of(character.age),
                "minor": minor,
                "unaccompanied": (VulnerableGroup.UNACCOMPANIED_CHILDREN in character.groups)
                if minor
                else None,
                "citizenship": character.nationality,
                "exploitation_country": scenario.place(character.place).state,
                "exploitation_type": exploitation.value if exploitation is not None else None,
                "identified": ps.identified_at is not None,
                "referred": ps.referred_at is not None,
                "protected": ps.protected or ps.sheltered,
                "days_to_identification": _days(start, ps.identified_at),
                "days_to_referral": _days(start, ps.referred_at),
                "days_to_protection": _days(start, _first(ps.rrp_granted_at, ps.assisted_at)),
            }
        )
    if not rows:
        raise ImportRefused(
            _("Exercise %(id)s has no victim personas; nothing was stored") % {"id": exercise_id}
        )
    frame = pl.DataFrame(rows, infer_schema_length=None)
    victims = frame.with_columns(
        *[
            (pl.col("exploitation_type") == code).fill_null(False).alias(f"exp_{code}")
            for code in codes.EXPLOITATION
        ]
    )
    digest = hashlib.sha256(
        f"exercise:{exercise_id}:{len(events)}:{events[-1].hash if events else ''}".encode()
    ).hexdigest()
    return ExerciseImport(
        exercise_id=exercise_id,
        scenario=scenario.id,
        title=record.title,
        seed=record.seed,
        events=len(events),
        tables={
            "case_outcomes": conform(frame, "case_outcomes"),
            "victims": conform(victims, "victims"),
        },
        digest=digest,
    )


def import_exercise(store: Store, events_store: EventStore, exercise_id: str) -> ExerciseImport:
    """Add the outcomes of ``exercise_id`` to ``store`` as one exercise dataset."""
    item = read_exercise(events_store, exercise_id)
    item.dataset = store.add(
        kind="exercise",
        file=exercise_id,
        digest=item.digest,
        tables=item.tables,
        origin="exercise",
        details=item.details,
    )
    return item
