"""Live updates: a team's browsers hear of the events that changed what the team sees, and of
nothing about other teams (a player sees only their team's view)."""

from __future__ import annotations

import asyncio
import json

from pharos.exercise.runtime.service import Broker
from pharos.web.testing import run_async


def test_a_team_is_told_only_of_itself_control_of_every_team(session) -> None:
    async def run() -> dict[str | None, list[dict]]:
        broker = Broker()
        subs = {t: broker.subscribe(session.exercise_id, t) for t in ("ita-labour", "ita-ngo")}
        subs[None] = broker.subscribe(session.exercise_id, None)
        session.listeners.append(broker.publish)
        session.advance_days(0.2)
        session.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
        session.act(
            "ita-labour",
            "lucia",
            type="open_case",
            persona="karim",
            consent=["services", "other_orgs"],
        )
        # a shelter referral reaches the Italian NGO: two teams change at once
        session.act("ita-labour", "lucia", type="refer", persona="karim", to="shelter")
        await asyncio.sleep(0)
        out: dict[str | None, list[dict]] = {}
        for team, sub in subs.items():
            out[team] = []
            while not sub.queue.empty():
                out[team].append(json.loads(sub.queue.get_nowait()))
        return out

    heard = run_async(run())
    referral = heard[None][-1]
    assert {"ita-labour", "ita-ngo"} <= set(referral["teams"])
    assert heard["ita-ngo"][-1]["seq"] == referral["seq"]
    assert heard["ita-ngo"][-1]["teams"] == ["ita-ngo"]
    assert all(m["teams"] == ["ita-labour"] for m in heard["ita-labour"])
