"""``pharos backup`` / ``pharos restore``: a round trip with the demo (cases, the audit chain, an
exercise) on SQLite and PostgreSQL, and archives that are truncated, flipped or short of a file
are refused with nothing written."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from pharos.cli import app as cli_app
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import SqlEventStore
from pharos.store.db import make_engine
from pharos.store.models import AuditEntry, Case
from pharos.web.testing import (
    POSTGRES_ENV,
    database_url,
    fresh_database,
    make_app,
    signed_in_client,
)


def _pharos(args: list[str], data: Path, url: str) -> Result:
    env = {"PHAROS_DATA_DIR": str(data), "PHAROS_DATABASE_URL": url, "PHAROS_LEARN_STORE": ""}
    return CliRunner().invoke(cli_app, args, env=env, catch_exceptions=False)


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            cases = s.scalar(select(func.count()).select_from(Case)) or 0
            entries = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        engine.dispose()
    return cases, entries


CONTRACT = b"%PDF-1.4\nsigned work contract\n%%EOF\n"
CONTRACT_SHA = hashlib.sha256(CONTRACT).hexdigest()


def _installation(url: str, data: Path) -> str:
    """The demo, an exercise with a few events, a file in the data folder and a learn dataset;
    the exercise's id."""
    fresh_database(url).dispose()
    client = signed_in_client(make_app(url), "it.labour")
    for name in ("Amina", "Joy"):
        r = client.post(
            "/api/v1/cases",
            json={
                "title": name,
                "first_name": name,
                "birthdate": "1998-04-02",
                "citizenship": "EGY",
            },
        )
        assert r.status_code == 201, r.text
        client.get(f"/cases/{r.json()['id']}")
    store = SqlEventStore(url)
    s = ExerciseSession.create(store, clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    for i in range(3):
        s.act("ita-police", "marco", type="publish_media_statement", text=f"statement {i}")
    (data / "experiments").mkdir(parents=True, exist_ok=True)
    (data / "experiments" / "run.json").write_text('{"seed": 7}', encoding="utf-8")
    learn = data / "learn"
    (learn / "datasets").mkdir(parents=True)
    (learn / "victims").mkdir()
    (learn / "datasets" / "d1.json").write_text(json.dumps({"id": "d1", "rows": {"victims": 1}}))
    (learn / "victims" / "d1.parquet").write_bytes(b"PAR1 not really parquet PAR1")
    # a file attached to a case (kept under its SHA-256 in <data>/attachments) and an upload
    # under way (left out)
    attached = signed_in_client(make_app(url, attachments=data / "attachments"), "it.labour")
    r = attached.post(
        f"/api/v1/cases/{r.json()['id']}/attachments",
        files={"file": ("contract.pdf", CONTRACT)},
    )
    assert r.status_code == 201, r.text
    (data / "attachments" / ".incoming").mkdir(exist_ok=True)
    (data / "attachments" / ".incoming" / "tmp123").write_bytes(b"half")
    (learn / ".import-x").mkdir()  # an import under way: left out
    (learn / ".import-x" / "victims.parquet").write_bytes(b"half")
    return s.exercise_id


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_round_trip_keeps_cases_the_audit_chain_and_exercises(
    backend: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    url = database_url(backend, tmp_path) if backend == "postgres" else f"sqlite:///{data}/x.db"
    exercise = _installation(url, data)
    before = _counts(url)
    hashed = ExerciseSession.open(SqlEventStore(url), exercise).state_hash()
    assert before[0] > 0 and before[1] > 0
    archive = tmp_path / "out" / "pharos.tar.gz"

    done = _pharos(["backup", str(archive)], data, url)
    assert done.exit_code == 0, done.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    db_member = "database/pharos.sqlite" if backend == "sqlite" else "database/pharos.pgdump"
    assert {
        db_member,
        "data/experiments/run.json",
        "learn/datasets/d1.json",
        "learn/victims/d1.parquet",
        f"attachments/{CONTRACT_SHA[:2]}/{CONTRACT_SHA}",
        "manifest.json",
        "manifest.sha256",
    } == names  # no secret key unless asked, no half-written import, no database file twice
    assert not list(archive.parent.glob(".pharos-backup-*"))  # the temporary name is gone

    # restoring over the live database is refused without --force
    refused = _pharos(["restore", str(archive)], data, url)
    assert refused.exit_code == 1 and "--force" in refused.output

    # a new machine: an empty database and an empty data folder
    target = tmp_path / "restored"
    if backend == "postgres":
        fresh_database(url, demo=False).dispose()  # emptied, migrated: counts as empty
        new_url = url
    else:
        new_url = f"sqlite:///{target}/x.db"
    done = _pharos(["restore", str(archive)], target, new_url)
    assert done.exit_code == 0, done.output
    assert _counts(new_url) == before
    assert ExerciseSession.open(SqlEventStore(new_url), exercise).state_hash() == hashed
    assert (target / "experiments" / "run.json").read_text() == '{"seed": 7}'
    assert (target / "learn" / "victims" / "d1.parquet").read_bytes().startswith(b"PAR1")
    assert (target / "attachments" / CONTRACT_SHA[:2] / CONTRACT_SHA).read_bytes() == CONTRACT
    assert not (target / "secret_key").exists()
    verify = _pharos(["audit", "verify"], target, new_url)
    assert verify.exit_code == 0 and "intact" in verify.output, verify.output
    verify = _pharos(["exercise", "verify", exercise], target, new_url)
    assert verify.exit_code == 0 and "intact" in verify.output, verify.output

    # --force replaces a database that is not empty
    forced = _pharos(["restore", "--force", str(archive)], target, new_url)
    assert forced.exit_code == 0, forced.output
    assert _counts(new_url) == before


def test_the_secret_key_is_kept_only_when_asked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{data}/x.db"
    fresh_database(url, demo=False).dispose()
    key = "k" * 64
    (data / "secret_key").write_text(key + "\n")
    archive = tmp_path / "a.tar.gz"
    assert _pharos(["backup", "--with-secret-key", str(archive)], data, url).exit_code == 0
    with tarfile.open(archive) as tar:
        assert "secret_key" in tar.getnames()
    target = tmp_path / "new"
    done = _pharos(["restore", str(archive)], target, f"sqlite:///{target}/x.db")
    assert done.exit_code == 0, done.output
    assert (target / "secret_key").read_text().strip() == key
    assert (target / "secret_key").stat().st_mode & 0o777 == 0o600
    # another key in place: refused without --force
    other = tmp_path / "other"
    other.mkdir()
    (other / "secret_key").write_text("o" * 64 + "\n")
    refused = _pharos(["restore", str(archive)], other, f"sqlite:///{other}/x.db")
    assert refused.exit_code == 1 and "secret key" in refused.output
    assert (other / "secret_key").read_text().strip() == "o" * 64


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    url = f"sqlite:///{data}/x.db"
    _installation(url, data)
    out = tmp_path / "a.tar.gz"
    assert _pharos(["backup", str(out)], data, url).exit_code == 0
    return out


def _refused(archive: Path, tmp_path: Path, words: str) -> None:
    target = tmp_path / "target"
    done = _pharos(["restore", str(archive)], target, f"sqlite:///{target}/x.db")
    assert done.exit_code == 1, done.output
    assert words in " ".join(done.output.split()), done.output
    assert "nothing was restored" in " ".join(done.output.split())
    assert not target.exists()  # nothing written


def _repack(archive: Path, out: Path, change: dict[str, bytes | None]) -> None:
    """``archive`` rewritten with members replaced (bytes) or left out (None)."""
    buf = io.BytesIO()
    with tarfile.open(archive) as src, tarfile.open(fileobj=buf, mode="w") as dst:
        for info in src:
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name in change:
                new = change[info.name]
                if new is None:
                    continue
                data = new
                info.size = len(new)
            dst.addfile(info, io.BytesIO(data))
    out.write_bytes(gzip.compress(buf.getvalue()))


def test_a_truncated_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(cut, tmp_path, "is damaged or incomplete")


def test_an_archive_with_a_flipped_byte_is_refused(archive: Path, tmp_path: Path) -> None:
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(bytes(raw))
    _refused(flipped, tmp_path, "is damaged")


def test_a_changed_file_is_caught_by_its_checksum(archive: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.tar.gz"
    _repack(archive, changed, {"data/experiments/run.json": b'{"seed": 8}'})
    _refused(changed, tmp_path, "wrong checksum or size for data/experiments/run.json")


def test_an_archive_missing_a_file_is_refused(archive: Path, tmp_path: Path) -> None:
    short = tmp_path / "short.tar.gz"
    _repack(archive, short, {"learn/victims/d1.parquet": None})
    _refused(short, tmp_path, "missing learn/victims/d1.parquet")


def test_a_changed_manifest_or_none_is_refused(archive: Path, tmp_path: Path) -> None:
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["created"] = "2020-01-01T00:00:00+00:00"
    edited = tmp_path / "edited.tar.gz"
    _repack(archive, edited, {"manifest.json": json.dumps(manifest).encode()})
    _refused(edited, tmp_path, "does not match its checksum")
    bare = tmp_path / "bare.tar.gz"
    _repack(archive, bare, {"manifest.json": None})
    _refused(bare, tmp_path, "has no manifest")


def test_an_archive_for_another_database_is_refused(archive: Path, tmp_path: Path) -> None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    done = _pharos(["restore", str(archive)], tmp_path / "pg", url)
    assert done.exit_code == 1 and "holds a sqlite database" in " ".join(done.output.split())


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_backup_taken_while_an_exercise_runs_is_consistent(backend: str, tmp_path: Path) -> None:
    """Events are appended without pause while the backup runs: the archive holds a prefix of
    the log whose hash chain is intact, and the audit chain too."""
    data = tmp_path / "data"
    url = database_url(backend, tmp_path) if backend == "postgres" else f"sqlite:///{data}/x.db"
    exercise = _installation(url, data)
    s = ExerciseSession.open(SqlEventStore(url), exercise)
    stop = threading.Event()
    written: list[int] = []

    def play() -> None:
        i = 0
        while not stop.is_set():
            written.append(
                s.act("ita-police", "marco", type="publish_media_statement", text=f"more {i}").seq
            )
            i += 1

    player = threading.Thread(target=play)
    player.start()
    try:
        while len(written) < 3:  # the exercise is being played when the backup starts
            time.sleep(0.01)
        archive = tmp_path / "live.tar.gz"
        done = _pharos(["backup", str(archive)], data, url)
        during = len(written)
    finally:
        stop.set()
        player.join()
    assert done.exit_code == 0, done.output
    assert len(written) > 3 and during > 3
    target = tmp_path / "restored"
    if backend == "postgres":
        fresh_database(url, demo=False).dispose()
        new_url = url
    else:
        new_url = f"sqlite:///{target}/x.db"
    assert _pharos(["restore", str(archive)], target, new_url).exit_code == 0
    events = SqlEventStore(new_url).events(exercise)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # a prefix, no gap
    assert _pharos(["exercise", "verify", exercise], target, new_url).exit_code == 0
    assert _pharos(["audit", "verify"], target, new_url).exit_code == 0


def test_restore_holds_the_analytics_store_lock_while_it_writes_datasets(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import by a running worker (or ``pharos import``) takes the analytics store's writer
    lock (``Store.writing``); ``pharos restore`` writing the archive's datasets must hold the
    same lock, or the two interleave their files. Each dataset file is written while another
    open file description of the lock cannot take it (flock is per open file description)."""
    import fcntl

    from pharos.store import backup as backup_module

    target = tmp_path / "target"
    lock_path = target / "learn" / ".write.lock"
    written: list[tuple[str, bool]] = []
    real_write = backup_module._write

    def checked_write(dst: Path, src: Path, mode: int | None = None) -> None:
        if "learn" in dst.parts:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            with lock_path.open("a") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    held = True
                else:
                    fcntl.flock(probe, fcntl.LOCK_UN)
                    held = False
            written.append((dst.name, held))
        real_write(dst, src, mode)

    monkeypatch.setattr(backup_module, "_write", checked_write)
    done = _pharos(["restore", str(archive)], target, f"sqlite:///{target}/x.db")
    assert done.exit_code == 0, done.output
    assert sorted(written) == [("d1.json", True), ("d1.parquet", True)]
    # released at the end: an import can go on
    with lock_path.open("a") as probe:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
