"""The export page (issue 16, item 2): the same options, refusal and report as ``pharos export``;
for the national coordinator only, CSRF-checked, audited, translated; the file it keeps is
k-anonymous over every protected combination. The export runs in the background with its
progress shown; its file is the user's, kept for a limited time and then deleted; the same
export cannot be started twice at once."""

from __future__ import annotations

import csv
import io
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pharos.learn.export import SENSITIVE_FIELDS
from pharos.learn.export_jobs import ExportJobs
from pharos.learn.options import DEFAULT_QUASI_IDENTIFIERS
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.store.db import make_engine, session_factory
from pharos.store.models import AuditEntry
from pharos.web.testing import (
    PharosClient,
    database_url,
    fresh_database,
    make_app,
    signed_in_client,
)


def _register(rows: int = 600) -> pl.DataFrame:
    """Victims of a few nationalities and years: enough for k = 5 with generalisation."""
    countries = ["NGA", "EGY", "TUN", "MAR", "ITA", "GRC", "BGD", "SYR"]
    bands = ["18--20", "21--23", "24--26", "27--29", "30--38", "9--17"]
    data = {
        "source": ["ctdc_global"] * rows,
        "year": [2015 + i % 6 for i in range(rows)],
        "gender": ["feminine" if i % 3 else "masculine" for i in range(rows)],
        "age_band": [bands[(i * 7) % len(bands)] for i in range(rows)],
        "citizenship": [countries[(i * 5) % len(countries)] for i in range(rows)],
        "exploitation_country": ["ITA" if i % 2 else "GRC" for i in range(rows)],
        "exp_sexual_exploitation": [i % 4 == 0 for i in range(rows)],
    }
    frame = pl.DataFrame(data).with_columns(pl.col("year").cast(pl.Int16))
    return conform(frame, "victims")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("learn-export")
    url = database_url(request.param, folder)
    engine = fresh_database(url)
    store = Store(folder / "data" / "learn")
    store.add(kind="ctdc_global", file="register.csv", digest="e" * 64,
              tables={"victims": _register()})  # fmt: skip
    yield make_app(url, data_dir=folder / "data")
    engine.dispose()


def _form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "k": "5",
        "max_loss": "20",
        "qi": list(DEFAULT_QUASI_IDENTIFIERS),
        "sensitive": list(SENSITIVE_FIELDS),
    }
    form.update(changes)
    return form


def _exports(app: FastAPI) -> list[Path]:
    folder = Path(app.state.settings.learn_store) / "exports"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def _audit(app: FastAPI, action: str) -> list[AuditEntry]:
    engine = make_engine(app.state.settings.database_url)
    with session_factory(engine)() as s:
        found = list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.resource == "learn_export", AuditEntry.action == action
                )
            ).scalars()
        )
    engine.dispose()
    return found


def _jobs(app: FastAPI) -> ExportJobs:
    jobs = app.state.export_jobs
    assert isinstance(jobs, ExportJobs)
    return jobs


def _start(client: PharosClient, app: FastAPI, **changes: object) -> str:
    """Start an export through the form; wait for it to end; its token."""
    r = client.post("/learn/export", data=_form(**changes))
    assert r.status_code == 303, r.text[:400]
    token = r.headers["location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert _jobs(app).wait(token) is not None
    return token


def test_only_the_coordinator_exports(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    assert labour.get("/learn/export").status_code == 403
    assert labour.post("/learn/export", data=_form()).status_code == 403
    assert "/learn/export" not in labour.get("/learn").text  # no tab
    coordinator = signed_in_client(app, "it.coordinator")
    page = coordinator.get("/learn/export")
    assert page.status_code == 200 and 'href="/learn/export"' in page.text
    forged = coordinator.post("/learn/export", data=_form(), headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403 and _exports(app) == []


def test_export_runs_in_the_background_reports_downloads_and_audits(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    token = _start(coordinator, app)
    status = coordinator.get(f"/learn/export/jobs/{token}.json").json()
    assert status["stage"] == "done" and status["final"] and status["fraction"] == 1
    assert status["done"] == status["total"]
    done = coordinator.get(f"/learn/export/jobs/{token}")
    assert done.status_code == 200, done.text
    assert "Verified by re-reading the written file" in done.text
    assert "UN M49" in done.text or "year" in done.text  # each column's generalisation
    assert "The file is kept until" in done.text
    assert f'href="/learn/export/{token}.csv"' in done.text
    (entry,) = [e for e in _audit(app, "export") if e.resource_id == token]
    assert entry.actor == "it.coordinator" and '"k": 5' in entry.detail
    labour = signed_in_client(app, "it.labour")
    assert labour.get(f"/learn/export/{token}.csv").status_code == 403
    # another user allowed to export does not see this user's export
    admin = signed_in_client(app, "admin")
    assert admin.get(f"/learn/export/{token}.csv").status_code == 404
    assert admin.get(f"/learn/export/jobs/{token}").status_code == 404
    assert admin.get(f"/learn/export/jobs/{token}.json").status_code == 404
    got = coordinator.get(f"/learn/export/{token}.csv")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert [e.actor for e in _audit(app, "download")] == ["it.coordinator"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert 0 < len(rows) <= 600
    quasi = DEFAULT_QUASI_IDENTIFIERS
    for combo in [quasi, *((*quasi, s) for s in SENSITIVE_FIELDS)]:
        assert min(Counter(tuple(r[c] for c in combo) for r in rows).values()) >= 5
    kept = sum(1 for r in rows if r["citizenship"] not in ("", "*"))
    assert kept / 600 > 0.8
    assert coordinator.get("/learn/export/../../etc.csv").status_code == 404
    assert coordinator.get("/learn/export/" + "0" * 32 + ".csv").status_code == 404
    listed = coordinator.get("/learn/export")
    assert f'href="/learn/export/jobs/{token}"' in listed.text and "Ready until" in listed.text


def test_the_same_export_is_not_started_twice_at_once(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    jobs = _jobs(app)
    release = threading.Event()
    # the one worker is busy: the coordinator's export waits in the queue
    blocker = jobs.submit("someone-else", "block", lambda job, progress: release.wait(30))
    try:
        first = coordinator.post("/learn/export", data=_form(k="6"))
        assert first.status_code == 303
        token = first.headers["location"].rsplit("/", 1)[1]
        waiting = coordinator.get(f"/learn/export/jobs/{token}")
        assert waiting.status_code == 200 and "<progress" in waiting.text
        assert "Waiting for the exports started before it" in waiting.text
        assert "/static/learn_export.js" in waiting.text
        assert coordinator.get(f"/learn/export/jobs/{token}.json").json()["stage"] == "queued"
        again = coordinator.post("/learn/export", data=_form(k="6"))
        assert again.status_code == 409 and "already running" in again.text
        assert f"/learn/export/jobs/{token}" in again.text
        other = coordinator.post("/learn/export", data=_form(k="7"))  # other options: queued
        assert other.status_code == 303
    finally:
        release.set()
    assert jobs.wait(blocker.id) is not None and jobs.wait(token) is not None
    after = coordinator.post("/learn/export", data=_form(k="6"))  # ended: may run again
    assert after.status_code == 303
    jobs.wait(after.headers["location"].rsplit("/", 1)[1])


def test_files_are_deleted_when_their_time_is_up(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    token = _start(coordinator, app, k="8")
    jobs = _jobs(app)
    job = jobs.get(token)
    assert job is not None and job.path.is_file() and job.expires is not None
    assert job.expires - job.finished == 60 * 60  # learn_export_minutes = 60 by default
    leftover = jobs.folder / ("f" * 32 + ".csv")  # left by a server that stopped
    leftover.write_text("yearOfRegistration\n", encoding="utf-8")
    old = time.time() - 2 * 3600
    os.utime(leftover, (old, old))
    real = jobs.clock
    jobs.clock = lambda: real() + 3601
    try:
        assert coordinator.get(f"/learn/export/{token}.csv").status_code == 404
        assert coordinator.get(f"/learn/export/jobs/{token}").status_code == 404
    finally:
        jobs.clock = real
    assert not job.path.exists() and not leftover.exists()
    assert not list(jobs.folder.glob("*.tmp")) and not list(jobs.folder.glob(".*.tmp"))


def test_refusal_and_bad_options_write_nothing(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    before = _exports(app)
    # k as large as the data: every column would be lost
    token = _start(coordinator, app, k="400")
    refused = coordinator.get(f"/learn/export/jobs/{token}")
    assert refused.status_code == 200
    assert "would lose more than 20%" in refused.text and "Generalisation" in refused.text
    assert f"/learn/export/{token}.csv" not in refused.text
    assert coordinator.get(f"/learn/export/{token}.csv").status_code == 404
    for bad, message in (
        (_form(k="1"), "at least 2"),
        (_form(k="x"), "at least 2"),
        (_form(max_loss="150"), "from 0 to 100"),
        (_form(qi=[]), "at least one quasi-identifier"),
        (_form(qi=["passportNumber"]), "not a column"),
    ):
        r = coordinator.post("/learn/export", data=bad)
        assert r.status_code == 422 and message in r.text, message
    assert _exports(app) == before


def test_the_page_in_french_and_arabic(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    fr = coordinator.get("/learn/export?lang=fr")
    assert fr.status_code == 200 and "Export k-anonyme" in fr.text
    token = _start(coordinator, app, k="9")
    ar = coordinator.get(f"/learn/export/jobs/{token}?lang=ar")
    assert ar.status_code == 200 and 'dir="rtl"' in ar.text and "شبه مُعرِّف" in ar.text


def test_another_worker_shows_the_job_and_serves_its_file(app: FastAPI) -> None:
    """pharos serve --workers N: the export runs in the worker that took the form; the page, the
    progress and the download are answered by any worker (here a second app on the same
    database and store)."""
    settings = app.state.settings
    other = make_app(settings.database_url, data_dir=settings.data_dir)
    coordinator = signed_in_client(app, "it.coordinator")
    token = _start(coordinator, app, k="10")
    elsewhere = signed_in_client(other, "it.coordinator")
    assert elsewhere.get(f"/learn/export/jobs/{token}.json").json()["stage"] == "done"
    page = elsewhere.get(f"/learn/export/jobs/{token}")
    assert page.status_code == 200 and "Verified by re-reading the written file" in page.text
    got = elsewhere.get(f"/learn/export/{token}.csv")
    assert got.status_code == 200 and got.text.startswith("yearOfRegistration")
    assert signed_in_client(other, "admin").get(f"/learn/export/{token}.csv").status_code == 404
    other.state.export_jobs.close()


def test_l_diversity_is_reported_and_a_stated_l_refuses(app: FastAPI) -> None:
    coordinator = signed_in_client(app, "it.coordinator")
    bad = coordinator.post("/learn/export", data=_form(l="1"))
    assert bad.status_code == 422 and "l must be a whole number" in bad.text
    token = _start(coordinator, app, k="11")
    page = coordinator.get(f"/learn/export/jobs/{token}")
    assert "Smallest l" in page.text and "Classes below l (rows)" in page.text
    job = _jobs(app).get(token)
    assert job is not None and job.result["verification"]["diversity"]
    # every flag of the register is two-valued at most: l = 3 cannot be met, so it refuses
    refused = _start(coordinator, app, k="11", l="3")
    text = coordinator.get(f"/learn/export/jobs/{refused}").text
    assert "fewer distinct values than l = 3" in text
    assert coordinator.get(f"/learn/export/{refused}.csv").status_code == 404
    forced = _start(coordinator, app, k="11", l="3", force="true")
    assert "less diverse than l = 3" in coordinator.get(f"/learn/export/jobs/{forced}").text
