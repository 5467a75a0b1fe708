"""The regional model of the Mediterranean response: a deterministic event-driven engine.

Entry points:

- :func:`run_replication` runs one replication of a scenario and returns its tidy tables
  (a dict of pandas DataFrames: ``outcomes``, ``annual``, ``requests``,
  ``identification_days``). It is a plain top-level function of picklable arguments, cheap to
  call in a worker process.
- :class:`pharos.sim.engine.Engine` for finer control (policies played by people).
- :mod:`pharos.sim.policies` documents the decision points (the :class:`Policy` interface).
"""

from __future__ import annotations

import pandas as pd

from pharos.scenario.schema import Scenario
from pharos.sim.engine import Engine
from pharos.sim.metrics import tables
from pharos.sim.policies import Decision, Policies, Policy, StandardOperatingProcedure


def run_replication(
    scenario: Scenario, seed: int, replication: int, policies: Policies | None = None
) -> dict[str, pd.DataFrame]:
    """Run replication ``replication`` of ``scenario`` under ``seed``; its tidy tables.

    The same arguments give identical tables in any process. Each table carries a
    ``replication`` column.
    """
    engine = Engine(scenario, seed, replication, policies).run()
    out = tables(engine)
    for df in out.values():
        df.insert(0, "replication", replication)
    return out


__all__ = [
    "Decision",
    "Engine",
    "Policies",
    "Policy",
    "StandardOperatingProcedure",
    "run_replication",
]
