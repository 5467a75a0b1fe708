"""The API is what its description says (issue 14, finding 9): a bounded Schemathesis run over
every operation of ``/api/v1/openapi.json``, signed in as several kinds of user and as nobody,
finds no server error, no undocumented status code, no answer that breaks its schema, no
request that breaks the schema yet is accepted, and 405 answers that name every allowed method.

Schemathesis (a dev dependency) generates the requests from the description itself, so it
checks the description against the server, both written here, with a tool that is not. It runs
as the command line would, against a server on 127.0.0.1 in this process, on a fresh SQLite
database with the demo. Its seed is fixed: the same cases each run (``SEED``); the figures of a
run (operations, cases, time) are printed (``pytest -s``) and given in docs/server.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

pytest.importorskip("schemathesis")

from pharos.coordinate import accounts
from pharos.store.models import User
from pharos.web.testing import fresh_database, make_app, served

pytestmark = pytest.mark.slow

SEED = 20261205
#: Who is signed in, and how hard each is tried: every phase (examples, coverage, fuzzing,
#: stateful) for a practitioner who owns cases; fuzzing for the others.
ROLES: list[tuple[str, list[str]]] = [
    ("it.labour", ["-n", "10"]),
    ("it.coordinator", ["-n", "4", "--phases", "fuzzing"]),
    ("eg.journalist", ["-n", "3", "--phases", "fuzzing"]),
    ("admin", ["-n", "3", "--phases", "fuzzing"]),
    ("", ["-n", "3", "--phases", "fuzzing"]),  # nobody: every operation says 401
]
#: Every check but positive_data_acceptance: a valid request may still be refused (a case of
#: another agency is 404, a transfer without consent 422), which the description cannot say.
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A Pharos server on 127.0.0.1, an API token for each user of :data:`ROLES` and the
    configuration file of the run (the id of a running exercise)."""
    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'pharos.db'}"
    engine = fresh_database(url)
    tokens: dict[str, str] = {}
    with Session(engine) as session:
        for name, _ in ROLES:
            if name:
                user = session.execute(select(User).where(User.username == name)).scalar_one()
                tokens[name] = accounts.create_token(session, user, "schemathesis")
        session.commit()
    engine.dispose()
    with served(make_app(url)) as base:
        # some records for generated ids to find (small numbers come often): a case, a screening
        auth = {"Authorization": f"Bearer {tokens['it.labour']}"}
        assert (
            httpx.post(f"{base}/api/v1/cases", json={"title": "A"}, headers=auth).status_code == 201
        )
        body = {"person_label": "P", "present": ["dr_nature_of_job"]}
        assert httpx.post(f"{base}/api/v1/screenings", json=body, headers=auth).status_code == 201
        # a running exercise, whose id every exercise operation is given (generated ids find none)
        director = {"Authorization": f"Bearer {tokens['it.coordinator']}"}
        exercise = httpx.post(f"{base}/api/v1/exercises", headers=director).json()["id"]
        start = {"command": "start"}
        r = httpx.post(f"{base}/api/v1/exercises/{exercise}/control", json=start, headers=director)
        assert r.status_code == 201, r.text
        (folder / "schemathesis.toml").write_text(
            f'[parameters]\n"path.exercise_id" = "{exercise}"\n', encoding="utf-8"
        )
        yield base, tokens, folder / "schemathesis.toml"


def _summary(output: str) -> str:
    lines = [
        line.strip()
        for line in output.splitlines()
        if re.search(r"Selected:|Tested:|generated|passed|failed|errors?\b|in [0-9.]+s", line)
    ]
    return " | ".join(lines[-8:])


@pytest.mark.parametrize(("role", "options"), ROLES, ids=[r or "anonymous" for r, _ in ROLES])
def test_the_api_matches_its_description(
    server: tuple[str, dict[str, str], Path], role: str, options: list[str], tmp_path: Path
) -> None:
    base, tokens, config = server
    headers = ["-H", f"Authorization: Bearer {tokens[role]}"] if role else []
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        *headers,
        *options,
        *CHECKS,
        "--seed",
        str(SEED),
        "--no-color",
        "--workers",
        "1",
        "--request-timeout",
        "60",
    ]
    started = time.monotonic()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"},
        check=False,
        cwd=tmp_path,  # its cache (.schemathesis/) goes there
    )
    took = time.monotonic() - started
    out = done.stdout + done.stderr
    print(f"\nschemathesis as {role or 'nobody'} ({took:.0f} s): {_summary(out)}")
    spec = httpx.get(f"{base}/api/v1/openapi.json").json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    assert f"Selected: {operations}/{operations}" in out, out[-3000:]
    assert done.returncode == 0, out[-12000:]
    assert not re.search(r"\b[1-9][0-9]* (failures?|errors?)\b", out.split("SUMMARY")[-1]), out
