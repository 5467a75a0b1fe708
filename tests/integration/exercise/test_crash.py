"""Kill the server with SIGKILL in the middle of an exercise, start it again: the folded state is
identical and nothing acknowledged is lost."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import SqlEventStore, verify
from pharos.web.serverproc import ServerProcess

pytestmark = pytest.mark.slow


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sigkill_mid_exercise_loses_nothing_acknowledged(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'pharos.db'}"
    server = ServerProcess(url, tmp_path)
    server.start()
    try:
        director, labour, police = (
            server.token(u) for u in ("it.coordinator", "it.labour", "it.police")
        )
        ex = httpx.post(server.base + "/api/v1/exercises", headers=_h(director)).json()["id"]
        control = server.base + f"/api/v1/exercises/{ex}/control"
        act = server.base + f"/api/v1/exercises/{ex}/actions"
        assert (
            httpx.post(control, headers=_h(director), json={"command": "start"}).status_code == 201
        )
        for body in (
            {"type": "inspect_site", "place": "ragusa-greenhouse"},
            {
                "type": "interview",
                "persona": "karim",
                "approach": "trauma_informed",
                "interpreter": "ar",
                "setting": "office",
            },
            {"type": "screen", "persona": "karim", "indicators": ["dr_wages", "cd_debt_bondage"]},
        ):
            assert httpx.post(act, headers=_h(labour), json=body).status_code == 201
        assert (
            httpx.post(control, headers=_h(director), json={"command": "pause"}).status_code == 201
        )
        before = httpx.get(
            server.base + f"/api/v1/exercises/{ex}/state", headers=_h(director)
        ).json()

        # 1. a crash while idle: the same state after the restart
        server.kill()
        server.start()
        after = httpx.get(
            server.base + f"/api/v1/exercises/{ex}/state", headers=_h(director)
        ).json()
        assert after["hash"] == before["hash"] and after["seq"] == before["seq"]

        # 2. a crash in the middle of a stream of actions
        assert (
            httpx.post(control, headers=_h(director), json={"command": "resume"}).status_code == 201
        )
        acked: list[tuple[int, str]] = []
        stop = threading.Event()

        def flood() -> None:
            with httpx.Client(timeout=5) as client:
                i = 0
                while not stop.is_set():
                    text = f"statement {i}"
                    try:
                        res = client.post(
                            act,
                            headers=_h(police),
                            json={"type": "publish_media_statement", "text": text},
                        )
                    except httpx.HTTPError:
                        return
                    if res.status_code == 201:
                        acked.append((res.json()["seq"], text))
                    i += 1

        t = threading.Thread(target=flood)
        t.start()
        while len(acked) < 25:
            pass
        server.kill()
        stop.set()
        t.join()
        assert len(acked) >= 25

        server.start()
        state = httpx.get(
            server.base + f"/api/v1/exercises/{ex}/state", headers=_h(director)
        ).json()
        store = SqlEventStore(url, create=False)
        # the exercise runs again after the restart, so the server's clock may store ticks
        # meanwhile: compare with the log as far as the state read (seq), not what came after
        events = store.events(ex, upto_seq=state["seq"])
        assert verify(events) == []
        by_seq = {e.seq: e for e in events}
        for seq, text in acked:  # every acknowledged action is in the log, unchanged
            assert by_seq[seq].payload["text"] == text
        # the restarted server's state is the fold of the stored log
        local = ExerciseSession.open(store, ex)
        assert state["seq"] == len(events) >= max(s for s, _t in acked)
        assert state["hash"] == state_hash(local.replay(upto_seq=state["seq"]))
    finally:
        server.stop()
