"""Background exports (pharos.learn.export_jobs): one at a time, progress reported, no duplicate
of a running export per user, files deleted when their time is up, leftovers cleaned."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pharos.learn.export import export_ctdc
from pharos.learn.export_jobs import DuplicateExport, ExportJob, ExportJobs, Refused
from pharos.learn.ingest.ctdc import read_ctdc
from pharos.learn.schema import conform


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jobs(tmp_path: Path, clock: Clock) -> Iterator[ExportJobs]:
    registry = ExportJobs(tmp_path / "exports", ttl=600, clock=clock, sweeper=False)
    yield registry
    registry.close()


def write(text: str = "a\n") -> Callable[[ExportJob, Any], str]:
    def run(job: ExportJob, progress: Any) -> str:
        progress("search", 1, 2)
        job.path.write_text(text, encoding="utf-8")
        return "report"

    return run


def test_a_job_runs_and_its_file_goes_when_its_time_is_up(jobs: ExportJobs, clock: Clock) -> None:
    job = jobs.submit("it.coordinator", ("k", 11), write())
    assert jobs.wait(job.id) is job
    assert job.stage == "done" and job.result == "report" and job.path.is_file()
    assert job.expires == job.finished + 600 and job.fraction() == 1.0
    clock.now += 599
    assert jobs.get(job.id) is job and job.path.is_file()
    clock.now += 1
    assert jobs.get(job.id) is None and not job.path.exists()


def test_refused_and_failed_jobs_keep_no_file(jobs: ExportJobs) -> None:
    def refuse(job: ExportJob, progress: Any) -> None:
        job.path.write_text("half", encoding="utf-8")
        raise Refused("too much lost", shown="plan")

    def fail(job: ExportJob, progress: Any) -> None:
        job.path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    refused = jobs.wait(jobs.submit("u", 1, refuse).id)
    failed = jobs.wait(jobs.submit("u", 2, fail).id)
    assert refused is not None and failed is not None
    assert (refused.stage, refused.error, refused.result) == ("refused", "too much lost", "plan")
    assert (failed.stage, failed.error) == ("failed", "disk full")
    assert not refused.path.exists() and not failed.path.exists()


def test_the_same_export_of_the_same_user_is_refused_while_it_runs(jobs: ExportJobs) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(job: ExportJob, progress: Any) -> str:
        started.set()
        progress("search", 3, 10)
        release.wait(10)
        job.path.write_text("x", encoding="utf-8")
        return "r"

    first = jobs.submit("it.coordinator", ("k", 11), slow)
    assert started.wait(5)
    with pytest.raises(DuplicateExport) as refused:
        jobs.submit("it.coordinator", ("k", 11), slow)
    assert refused.value.job is first
    assert first.stage == "search" and first.fraction() == pytest.approx(0.27)
    queued = jobs.submit("it.coordinator", ("k", 15), write())  # other options
    other_user = jobs.submit("eg.coordinator", ("k", 11), write())  # another user
    assert queued.stage == "queued" and other_user.stage == "queued"  # one worker: they wait
    release.set()
    for job in (first, queued, other_user):
        assert jobs.wait(job.id) is not None and job.stage == "done"
    again = jobs.submit("it.coordinator", ("k", 11), write())  # ended: may run again
    assert jobs.wait(again.id) is not None and again.stage == "done"
    assert jobs.of("it.coordinator")[0].id == again.id


def test_leftovers_of_a_stopped_server_are_deleted_once_old(tmp_path: Path, clock: Clock) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    old, recent, temporary = (
        folder / ("a" * 32 + ".csv"),
        folder / ("b" * 32 + ".csv"),
        folder / ("." + "c" * 32 + ".csv.x1.tmp"),
    )
    for path in (old, recent, temporary):
        path.write_text("x", encoding="utf-8")
    os.utime(old, (clock.now - 700, clock.now - 700))
    os.utime(temporary, (clock.now - 700, clock.now - 700))
    os.utime(recent, (clock.now - 100, clock.now - 100))
    registry = ExportJobs(folder, ttl=600, clock=clock, sweeper=False)  # sweeps at start
    try:
        assert not old.exists() and not temporary.exists() and recent.exists()
        clock.now += 500
        assert registry.sweep() == [recent] and not recent.exists()
    finally:
        registry.close()


def test_the_sweeper_deletes_files_without_any_visit(tmp_path: Path) -> None:
    registry = ExportJobs(tmp_path / "exports", ttl=1.0)  # real clock, sweeper every second
    try:
        job = registry.submit("u", 1, write())
        assert registry.wait(job.id) is not None and job.path.is_file()
        deadline = time.monotonic() + 10
        while job.path.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not job.path.exists()
    finally:
        registry.close()


def test_export_ctdc_reports_its_progress(fixtures: Path, tmp_path: Path) -> None:
    victims, _ = read_ctdc(fixtures / "ctdc_synthetic_quirks.csv")
    many = pl.concat([conform(victims, "victims")] * 3)
    seen: list[tuple[str, int, int]] = []
    export_ctdc(many, tmp_path / "x.csv", k=3, progress=lambda *a: seen.append(a))
    search = [s for s in seen if s[0] == "search"]
    assert search[0] == ("search", 0, search[0][2]) and search[-1][1] == search[-1][2] > 1
    assert [d for _s, d, _t in search] == sorted(d for _s, d, _t in search)
    assert [s[0] for s in seen[len(search) :]] == ["write", "verify", "verify"]
    assert seen[-1] == ("verify", 1, 1)


def test_two_processes_see_the_same_jobs(tmp_path: Path, clock: Clock) -> None:
    """``pharos serve --workers N``: the job runs in one worker; another answers its page, its
    progress and its download, refuses the same export again, and deletes it when its time is
    up (two registries on one folder stand for two processes)."""
    first = ExportJobs(tmp_path / "exports", ttl=600, clock=clock, sweeper=False)
    second = ExportJobs(tmp_path / "exports", ttl=600, clock=clock, sweeper=False)
    release, started = threading.Event(), threading.Event()

    def slow(job: ExportJob, progress: Any) -> dict[str, int]:
        progress("search", 4, 10)
        started.set()
        release.wait(10)
        job.path.write_text("x", encoding="utf-8")
        return {"rows": 1}

    try:
        job = first.submit("it.coordinator", {"k": 11}, slow, {"k": "11"})
        assert started.wait(5)
        seen = second.get(job.id)
        assert seen is not None and seen is not job
        assert (seen.owner, seen.stage, seen.done, seen.total) == (
            "it.coordinator", "search", 4, 10)  # fmt: skip
        with pytest.raises(DuplicateExport) as refused:
            second.submit("it.coordinator", {"k": 11}, write())
        assert refused.value.job.id == job.id
        release.set()
        assert first.wait(job.id) is not None
        done = second.get(job.id)
        assert done is not None and done.stage == "done" and done.result == {"rows": 1}
        assert done.path == job.path and done.path.is_file()
        assert [j.id for j in second.of("it.coordinator")] == [job.id]
        again = second.submit("it.coordinator", {"k": 11}, write())  # ended: may run again
        assert second.wait(again.id) is not None
        clock.now += 601
        second.sweep()
        assert not job.path.exists() and not (tmp_path / "exports" / f"{job.id}.json").exists()
        assert first.get(job.id) is None
    finally:
        release.set()
        first.close()
        second.close()
