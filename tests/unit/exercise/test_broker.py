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


def test_one_message_per_audience_and_one_wake_per_event(session, monkeypatch) -> None:
    """With several browsers per team the broker makes each audience's message once per event
    and wakes the event loop once per event (before: a message and a cross-thread wake-up, a
    write to the loop's self-pipe, for every browser). What each browser gets is unchanged:
    a team's browsers the same message, naming no other team; control every team."""

    async def run() -> tuple[int, dict[str, list[list[str]]]]:
        loop = asyncio.get_running_loop()
        wakes = 0
        real = loop.call_soon_threadsafe

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal wakes
            wakes += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(loop, "call_soon_threadsafe", counting)
        broker = Broker()
        audiences = {"labour": "ita-labour", "ngo": "ita-ngo", "control": None}
        subs = {
            name: [broker.subscribe(session.exercise_id, team) for _ in range(3)]
            for name, team in audiences.items()
        }
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
        session.act("ita-labour", "lucia", type="refer", persona="karim", to="shelter")
        await asyncio.sleep(0)
        got: dict[str, list[list[str]]] = {}
        for name, group in subs.items():
            got[name] = []
            for sub in group:
                got[name].append([])
                while not sub.queue.empty():
                    got[name][-1].append(sub.queue.get_nowait())
        return wakes, got

    wakes, got = run_async(run())
    events = len({json.loads(m)["seq"] for m in got["control"][0]})
    assert events >= 4
    assert wakes == events  # one wake-up per event, whatever the number of browsers
    for group in got.values():
        first = group[0]
        assert first
        for other in group[1:]:  # the very same message object: made once for the audience
            assert len(other) == len(first)
            assert all(a is b for a, b in zip(first, other, strict=True))
    labour = [json.loads(m) for m in got["labour"][0]]
    ngo = [json.loads(m) for m in got["ngo"][0]]
    control = [json.loads(m) for m in got["control"][0]]
    assert all(m["teams"] == ["ita-labour"] for m in labour if m["teams"])
    assert all(m["teams"] == ["ita-ngo"] for m in ngo if m["teams"])
    referral = control[-1]
    assert {"ita-labour", "ita-ngo"} <= set(referral["teams"])
    # the same event, different words for each audience: neither team hears of the other
    assert ngo[-1]["seq"] == labour[-1]["seq"] == referral["seq"]
    assert got["ngo"][0][-1] != got["labour"][0][-1] != got["control"][0][-1]
