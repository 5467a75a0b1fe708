"""Records the engine writes as it runs (plain named tuples: cheap to make and to tabulate)."""

from __future__ import annotations

from typing import NamedTuple


class RequestRecord(NamedTuple):
    """A cross-border request: when, between which states, by which instrument, the reply."""

    time: float
    sender: str
    receiver: str
    instrument: str
    purpose: str
    latency: float
    success: bool


class JusticeRecord(NamedTuple):
    """An investigation, prosecution, conviction or disruption (``persons`` involved)."""

    time: float
    state: str
    network: str
    event: str
    persons: int
