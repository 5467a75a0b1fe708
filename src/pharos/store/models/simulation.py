"""Simulation runs started from ``/analysis``: who asked for what, and how far it got.

The outputs (the tables and the report ``pharos simulate`` writes) are files in
``<data dir>/simulations/<id>/``; this row holds the parameters and the status.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime, utcnow


class SimulationRun(Base):
    """One run of a bundled scenario and its interventions on common random numbers."""

    __tablename__ = "simulation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a bundled scenario's name
    scenario: Mapped[str] = mapped_column(String(100))
    #: the interventions, one per line; ``a+b`` is one combined intervention
    interventions: Mapped[str] = mapped_column(Text, default="")
    runs: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    #: each intervention's cost a year, the YAML text ``pharos simulate --costs`` reads
    #: (empty: none), and its currency
    costs: Mapped[str] = mapped_column(Text, default="", server_default="")
    currency: Mapped[str] = mapped_column(String(8), default="EUR", server_default="EUR")
    #: the language the report is written in
    lang: Mapped[str] = mapped_column(String(8), default="en")
    #: queued, running, cancelling, done, failed, cancelled, interrupted
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    #: replications done out of ``total`` (runs × variants)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: why it failed (a message for the user), empty otherwise
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: when the server process holding the run (queued in its memory, or running) last said it
    #: was alive; a run whose process died is marked interrupted once this is old
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
