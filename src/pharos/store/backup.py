"""Backup and restore: one tar archive holding a consistent snapshot of a Pharos installation.

What the archive holds (``manifest.json`` lists every file with its SHA-256 and size, and
``manifest.sha256`` the manifest's own digest):

- ``database/pharos.sqlite``: SQLite, copied with SQLite's online backup API (a consistent copy
  while the server writes), or ``database/pharos.pgdump``: PostgreSQL, ``pg_dump``'s custom
  format (one consistent snapshot, taken while the server runs);
- ``data/...``: the data folder, without the database's files, the secret key and the analytics
  store (each has its own place) and without hidden temporary files;
- ``attachments/...``: the attachment store (files attached to cases, under their SHA-256;
  wherever ``PHAROS_ATTACHMENTS`` puts it), without uploads under way;
- ``learn/...``: the analytics store, complete datasets only (a dataset's manifest and its
  Parquet files; an import under way is left out);
- ``secret_key``: the server's secret, only when asked.

The archive is written to a temporary name next to ``out`` and renamed into place, so a crash
leaves no partial archive under the final name. ``restore`` reads and checks the whole archive
in a temporary folder first (members, sizes, digests, manifest, schema revision) and writes
nothing to the installation unless every check passes.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, inspect, select, text
from sqlalchemy.engine import make_url

from pharos import __version__
from pharos.i18n import _, format_list
from pharos.store.db import alembic_config, make_engine, migrate

FORMAT = "pharos-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_DIGEST = "manifest.sha256"
SQLITE_MEMBER = "database/pharos.sqlite"
PG_MEMBER = "database/pharos.pgdump"
SECRET_MEMBER = "secret_key"
SECRET_FILE = "secret_key"
CHUNK = 1 << 20
#: tables a freshly migrated, empty database already fills
SEEDED = frozenset({"alembic_version", "audit_head"})

#: ``progress(step, done, total)``: a step's label, and how far it is (files or bytes)
Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what and where."""


@dataclass
class Installation:
    """Where a Pharos installation keeps its state (the settings of ``pharos serve``)."""

    database_url: str
    data_dir: Path
    learn_store: Path
    secret: Callable[[], bytes] | None = None
    #: the attachment store; None: ``<data_dir>/attachments``
    attachments: Path | None = None

    def attachment_store(self) -> Path:
        return Path(self.attachments or Path(self.data_dir) / "attachments")


@dataclass
class Summary:
    """What a backup wrote or a restore installed."""

    path: Path
    files: int
    size: int
    revision: str | None
    dialect: str
    secret_key: bool
    manifest: dict[str, Any] = field(default_factory=dict)


def _silent(_step: str, _done: int, _total: int) -> None:
    return None


def _copy(src: Path, dst: Path) -> tuple[str, int]:
    """Copy ``src`` to ``dst``; the copy's SHA-256 and size."""
    h = hashlib.sha256()
    size = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
            fout.write(chunk)
    return h.hexdigest(), size


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fin:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _sqlite_path(url: str) -> Path:
    db = make_url(url).database
    if not db or db == ":memory:":
        raise BackupError(
            _("The database %(url)s is in memory: there is nothing to back up.") % {"url": url}
        )
    return Path(db)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for ``pg_dump``/``pg_restore`` and the environment carrying the password
    (never on the command line, where other users of the machine could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None, query={})
    return uri.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s is not on the PATH: install PostgreSQL's client programs "
                "(pg_dump and pg_restore, the same major version as the server) to back up or "
                "restore a PostgreSQL database."
            )
            % {"tool": name}
        )
    return path


def _revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _snapshot_sqlite(url: str, dst: Path) -> str | None:
    src_path = _sqlite_path(url)
    if not src_path.exists():
        raise BackupError(_("%(file)s: no such database file.") % {"file": src_path})
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
    try:
        out = sqlite3.connect(dst)
        try:
            src.backup(out)  # one step: a consistent copy even while the server writes
            out.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            row = None
            with contextlib.suppress(sqlite3.OperationalError):
                row = out.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            out.close()
    finally:
        src.close()
    return str(row[0]) if row else None


def _snapshot_postgres(url: str, dst: Path) -> str | None:
    pg_dump = _tool("pg_dump")
    uri, env = _libpq(url)
    engine = make_engine(url)
    try:
        revision = _revision(engine)
    finally:
        engine.dispose()
    # pg_dump reads every table in one snapshot (a repeatable-read transaction)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(dst), uri],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(_("pg_dump failed: %(reason)s") % {"reason": done.stderr.strip()})
    return revision


def _data_files(inst: Installation, out: Path) -> Iterator[tuple[Path, str]]:
    """The data folder's files (path, archive name), without what has its own place."""
    root = inst.data_dir
    if not root.is_dir():
        return
    skip: set[Path] = {(root / SECRET_FILE).resolve(), out.resolve()}
    if make_url(inst.database_url).get_backend_name() == "sqlite":
        db = _sqlite_path(inst.database_url).resolve()
        skip |= {Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    own_places = {inst.learn_store.resolve(), inst.attachment_store().resolve()}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in own_places
        )
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or path.resolve() in skip or not path.is_file():
                continue
            yield path, "data/" + path.relative_to(root).as_posix()


def _attachment_files(store: Path) -> Iterator[tuple[Path, str]]:
    """The attachment store's files (``ab/abcdef…``), without uploads under way (hidden)."""
    if not store.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(store):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield here / name, "attachments/" + (here / name).relative_to(store).as_posix()


def _learn_files(store: Path) -> Iterator[tuple[Path, str]]:
    """The analytics store's complete datasets: each manifest, then the Parquet files it names."""
    folder = store / "datasets"
    if not folder.is_dir():
        return
    for manifest in sorted(folder.glob("*.json")):
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # removed meanwhile
        tables = sorted(meta.get("rows") or {})
        parts = [store / table / f"{manifest.stem}.parquet" for table in tables]
        if not all(p.is_file() for p in parts):
            continue
        yield manifest, "learn/" + manifest.relative_to(store).as_posix()
        for p in parts:
            yield p, "learn/" + p.relative_to(store).as_posix()


def backup(
    inst: Installation,
    out: Path,
    *,
    with_secret_key: bool = False,
    progress: Progress = _silent,
) -> Summary:
    """Write the installation's snapshot to the archive ``out`` (gzip-compressed tar)."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BackupError(_("%(file)s is a folder: name the archive to write.") % {"file": out})
    dialect = make_url(inst.database_url).get_backend_name()
    if dialect not in ("sqlite", "postgresql"):
        raise BackupError(_("Unsupported database: %(name)s.") % {"name": dialect})
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pharos-backup-", dir=out.parent) as tmp:
        stage = Path(tmp) / "stage"
        stage.mkdir()
        files: list[dict[str, Any]] = []
        step = _("Copying the database")
        progress(step, 0, 1)
        member = SQLITE_MEMBER if dialect == "sqlite" else PG_MEMBER
        target = stage / member
        target.parent.mkdir(parents=True)
        if dialect == "sqlite":
            revision = _snapshot_sqlite(inst.database_url, target)
        else:
            revision = _snapshot_postgres(inst.database_url, target)
        digest, size = _digest(target)
        files.append({"path": member, "sha256": digest, "size": size})
        progress(step, 1, 1)
        for step, found in (
            (_("Copying the data folder"), list(_data_files(inst, out))),
            (_("Copying the analytics store"), list(_learn_files(inst.learn_store))),
            (_("Copying the attached files"), list(_attachment_files(inst.attachment_store()))),
        ):
            progress(step, 0, len(found))
            for i, (src, name) in enumerate(found, 1):
                try:
                    digest, size = _copy(src, stage / name)
                except FileNotFoundError:
                    continue  # removed while the backup ran: not part of the snapshot
                files.append({"path": name, "sha256": digest, "size": size})
                progress(step, i, len(found))
        if with_secret_key:
            if inst.secret is None:
                raise BackupError(_("The server's secret key is not known."))
            (stage / SECRET_MEMBER).write_bytes(inst.secret() + b"\n")
            os.chmod(stage / SECRET_MEMBER, 0o600)
            digest, size = _digest(stage / SECRET_MEMBER)
            files.append({"path": SECRET_MEMBER, "sha256": digest, "size": size})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "pharos_version": __version__,
            "alembic_revision": revision,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"dialect": dialect, "file": member},
            "secret_key": with_secret_key,
            "files": files,
        }
        body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        partial = Path(tmp) / "archive.tar.gz"
        step = _("Writing the archive")
        total = len(files)
        progress(step, 0, total)
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            for i, entry in enumerate(files, 1):
                tar.add(stage / entry["path"], arcname=entry["path"], recursive=False)
                progress(step, i, total)
            for name, data in (
                (MANIFEST, body),
                (MANIFEST_DIGEST, (hashlib.sha256(body).hexdigest() + "\n").encode()),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(datetime.now(UTC).timestamp())
                info.mode = 0o600
                tar.addfile(info, _BytesReader(data))
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(partial, 0o600)  # it may hold victims' data and the secret key
        os.replace(partial, out)
    return Summary(
        out, len(files), out.stat().st_size, revision, dialect, with_secret_key, manifest
    )


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.pos + n
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name


def _unpack(archive: Path, into: Path, progress: Progress) -> dict[str, Any]:
    """Extract and check every member of ``archive`` into ``into``; the manifest."""
    if not archive.is_file():
        raise BackupError(_("%(file)s: no such archive.") % {"file": archive})
    found: dict[str, tuple[str, int]] = {}
    step = _("Checking the archive")
    total = archive.stat().st_size
    try:
        with archive.open("rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
        if compressed:
            # the whole gzip stream first: its CRC and length catch a flipped byte or a cut
            # that tarfile alone would take for the end of the archive
            with gzip.open(archive, "rb") as stream:
                while stream.read(CHUNK):
                    pass
        with tarfile.open(archive, "r:*") as tar:
            for info in tar:
                name = info.name
                if not info.isfile() or not _safe_name(name) or name in found:
                    raise BackupError(
                        _("%(file)s: unexpected member %(name)s: this is not a Pharos backup.")
                        % {"file": archive, "name": name}
                    )
                src = tar.extractfile(info)
                if src is None:  # pragma: no cover - isfile() members always have data
                    continue
                dst = into / name
                dst.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                size = 0
                with dst.open("wb") as fout:
                    while chunk := src.read(CHUNK):
                        h.update(chunk)
                        size += len(chunk)
                        fout.write(chunk)
                found[name] = (h.hexdigest(), size)
                progress(step, min(tar.offset, total), total)
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(
            _("%(file)s is damaged or incomplete (%(reason)s); nothing was restored.")
            % {"file": archive, "reason": exc}
        ) from exc
    progress(step, total, total)
    if MANIFEST not in found or MANIFEST_DIGEST not in found:
        raise BackupError(
            _(
                "%(file)s has no manifest: it is incomplete or not a Pharos backup; nothing "
                "was restored."
            )
            % {"file": archive}
        )
    recorded = (into / MANIFEST_DIGEST).read_text(encoding="utf-8", errors="replace").strip()
    if recorded != found[MANIFEST][0]:
        raise BackupError(
            _("%(file)s: the manifest does not match its checksum; nothing was restored.")
            % {"file": archive}
        )
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(manifest.get("format"))
        entries = {str(e["path"]): (str(e["sha256"]), int(e["size"])) for e in manifest["files"]}
        dialect = manifest["database"]["dialect"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(
            _("%(file)s: the manifest cannot be read (%(reason)s); nothing was restored.")
            % {"file": archive, "reason": exc}
        ) from exc
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            _("%(file)s was written by a newer Pharos (%(version)s); nothing was restored.")
            % {"file": archive, "version": manifest.get("pharos_version")}
        )
    missing = sorted(set(entries) - set(found))
    if missing:
        raise BackupError(
            _("%(file)s is incomplete: missing %(names)s; nothing was restored.")
            % {"file": archive, "names": format_list(missing)}
        )
    extra = sorted(set(found) - set(entries) - {MANIFEST, MANIFEST_DIGEST})
    if extra:
        raise BackupError(
            _("%(file)s holds files its manifest does not list: %(names)s; nothing was restored.")
            % {"file": archive, "names": format_list(extra)}
        )
    bad = sorted(name for name, expected in entries.items() if found[name] != expected)
    if bad:
        raise BackupError(
            _("%(file)s is damaged: wrong checksum or size for %(names)s; nothing was restored.")
            % {"file": archive, "names": format_list(bad)}
        )
    if dialect not in ("sqlite", "postgresql") or manifest["database"]["file"] not in entries:
        raise BackupError(
            _("%(file)s: the manifest names no database; nothing was restored.") % {"file": archive}
        )
    return dict(manifest)


def _has_rows(engine: Engine) -> bool:
    """True when any table holds a row that the migrations did not put there (Alembic's
    revision, the audit trail's head, SQLite's full-text index bookkeeping)."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in SEEDED or "_fts_" in table.name:
                continue
            if conn.execute(select(func.count()).select_from(table)).scalar():
                return True
    return False


def _known_revision(revision: str | None) -> bool:
    if revision is None:
        return True
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def _write(dst: Path, src: Path, mode: int | None = None) -> None:
    """Copy ``src`` over ``dst`` through a temporary name and a rename."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as fin:
            shutil.copyfileobj(fin, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check(archive: Path, progress: Progress = _silent) -> dict[str, Any]:
    """Check ``archive`` fully (in a temporary folder) and return its manifest."""
    with tempfile.TemporaryDirectory(prefix="pharos-restore-") as tmp:
        return _unpack(Path(archive), Path(tmp), progress)


def restore(
    inst: Installation,
    archive: Path,
    *,
    force: bool = False,
    progress: Progress = _silent,
    learn_lock: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> Summary:
    """Restore ``archive`` into the installation, after checking all of it.

    ``learn_lock`` is the analytics store's writer lock (``pharos.learn.store.Store.writing``;
    the store layer does not import learn): it is held from the database's restore to the
    last file, so that an import by a running worker or ``pharos import`` waits instead of
    interleaving its files with the archive's."""
    archive = Path(archive)
    dialect = make_url(inst.database_url).get_backend_name()
    with (
        contextlib.ExitStack() as stack,
        tempfile.TemporaryDirectory(prefix="pharos-restore-") as tmp,
    ):
        root = Path(tmp)
        manifest = _unpack(archive, root, progress)
        theirs = manifest["database"]["dialect"]
        if theirs != dialect:
            raise BackupError(
                _(
                    "%(file)s holds a %(theirs)s database and this installation uses "
                    "%(ours)s: restore it into a %(theirs)s database; nothing was restored."
                )
                % {"file": archive, "theirs": theirs, "ours": dialect}
            )
        revision = manifest.get("alembic_revision")
        if not _known_revision(revision):
            raise BackupError(
                _(
                    "%(file)s comes from a newer Pharos (database revision %(rev)s): upgrade "
                    "Pharos first; nothing was restored."
                )
                % {"file": archive, "rev": revision}
            )
        entries = [str(e["path"]) for e in manifest["files"]]
        secret_path = inst.data_dir / SECRET_FILE
        if SECRET_MEMBER in entries and secret_path.exists() and not force:
            theirs_key = (root / SECRET_MEMBER).read_bytes().strip()
            if secret_path.read_bytes().strip() != theirs_key:
                raise BackupError(
                    _(
                        "%(path)s holds another secret key than the archive: restore with "
                        "--force to replace it; nothing was restored."
                    )
                    % {"path": secret_path}
                )
        engine = make_engine(inst.database_url)
        try:
            if not force and _has_rows(engine):
                raise BackupError(
                    _(
                        "The database %(url)s is not empty: restore with --force to replace "
                        "it; nothing was restored."
                    )
                    % {"url": engine.url.render_as_string(hide_password=True)}
                )
            stack.enter_context(learn_lock())  # after the last refusal: a refusal writes nothing
            step = _("Restoring the database")
            progress(step, 0, 1)
            db_file = root / manifest["database"]["file"]
            if dialect == "sqlite":
                engine.dispose()
                _restore_sqlite(inst.database_url, db_file)
            else:
                _restore_postgres(engine, inst.database_url, db_file)
            progress(step, 1, 1)
            files = [e for e in entries if e != manifest["database"]["file"]]
            step = _("Restoring the files")
            progress(step, 0, len(files))
            for i, name in enumerate(files, 1):
                if name == SECRET_MEMBER:
                    _write(secret_path, root / name, 0o600)
                elif name.startswith("data/"):
                    _write(inst.data_dir / name.removeprefix("data/"), root / name)
                elif name.startswith("learn/"):
                    _write(inst.learn_store / name.removeprefix("learn/"), root / name)
                elif name.startswith("attachments/"):
                    store = inst.attachment_store()
                    _write(store / name.removeprefix("attachments/"), root / name)
                progress(step, i, len(files))
            migrate(engine)  # an archive of an older Pharos is brought up to date
        finally:
            engine.dispose()
    return Summary(
        archive,
        len(entries),
        archive.stat().st_size,
        revision,
        dialect,
        SECRET_MEMBER in entries,
        manifest,
    )


def _restore_sqlite(url: str, src: Path) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        with contextlib.closing(sqlite3.connect(tmp)) as con:
            ok = con.execute("PRAGMA integrity_check").fetchone()
        if not ok or ok[0] != "ok":
            raise BackupError(
                _("The database in the archive is damaged: %(reason)s") % {"reason": ok}
            )
        # the old database's write-ahead log must never be replayed onto the restored one
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _restore_postgres(engine: Engine, url: str, dump: Path) -> None:
    pg_restore = _tool("pg_restore")
    uri, env = _libpq(url)
    engine.dispose()
    # --clean drops what the dump holds before recreating it, all in one transaction: a
    # failed restore leaves the database as it was
    done = subprocess.run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            uri,
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed: %(reason)s") % {"reason": done.stderr.strip()})
