"""The analytics store: Parquet files in a folder, queried with DuckDB.

Each import adds one *dataset*: one Parquet file per table it feeds (``victims``,
``case_outcomes``, ``htcds_cases``, ``glotip``) plus a JSON manifest. Files are written to a
temporary name and renamed, the manifest last, so a dataset is either complete or absent. An
import holds an exclusive lock on ``.write.lock`` in the folder from the check that the file was
not imported yet to the manifest's rename, so that two processes (several ``pharos serve``
workers sharing the data folder, or the server and ``pharos import``) given the same file store
it once and refuse it once.

Every dataset has an *origin*: ``real`` (case data imported from a file), ``simulation`` (the
outputs of ``pharos simulate``) or ``exercise`` (an exercise's event log). Simulated and exercise
data are never mixed silently with real data: unless datasets are named, every reader
(``files``, ``connect``, ``frame``) sees the real datasets only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pharos.i18n import _
from pharos.learn.ingest.report import ImportRefused

TABLES = ("victims", "case_outcomes", "htcds_cases", "glotip")
REAL = "real"
ORIGINS = (REAL, "simulation", "exercise")


def origin_of(manifest: dict[str, Any]) -> str:
    """A dataset's origin (``real`` for datasets imported before origins were recorded)."""
    return str(manifest.get("origin", REAL))


def default_root() -> Path:
    """``$PHAROS_LEARN_STORE``, else ``$PHAROS_DATA_DIR/learn``, else ``./data/learn`` (the
    server's default data folder, so that ``pharos import`` feeds ``pharos serve``)."""
    if env := os.environ.get("PHAROS_LEARN_STORE"):
        return Path(env)
    return Path(os.environ.get("PHAROS_DATA_DIR", "data")) / "learn"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with path.open("rb") as fp:
        for chunk in iter(lambda: fp.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class UnknownDatasetError(KeyError):
    """A dataset id that the store does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


class Store:
    """A folder of Parquet datasets; ``connect()`` gives DuckDB views over every table."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()

    def _manifests(self) -> list[dict[str, Any]]:
        folder = self.root / "datasets"
        if not folder.is_dir():
            return []
        out = []
        for p in sorted(folder.glob("*.json")):
            out.append(json.loads(p.read_text(encoding="utf-8")))
        return out

    def datasets(self) -> list[dict[str, Any]]:
        """Every dataset's manifest (id, kind, file, sha256, rows per table, imported_at)."""
        return self._manifests()

    def find_digest(self, digest: str) -> str | None:
        for m in self._manifests():
            if m.get("sha256") == digest:
                return str(m["id"])
        return None

    def add(
        self,
        *,
        kind: str,
        file: str,
        digest: str,
        tables: dict[str, pl.DataFrame],
        origin: str = REAL,
        details: dict[str, Any] | None = None,
    ) -> str:
        """Write one dataset atomically; returns its id. Refuses a file already imported.

        ``origin`` is ``real``, ``simulation`` or ``exercise``; ``details`` (scenario, overlay,
        seed, exercise id...) is kept in the manifest and shown with the dataset.
        """
        if origin not in ORIGINS:
            raise ValueError(f"unknown origin {origin!r}")
        with self.writing():
            return self._add(kind, file, digest, tables, origin, details)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Only one writer at a time in this folder, among all processes (flock): an import,
        a removal, or ``pharos restore`` writing the archive's datasets."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".write.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _add(
        self,
        kind: str,
        file: str,
        digest: str,
        tables: dict[str, pl.DataFrame],
        origin: str,
        details: dict[str, Any] | None,
    ) -> str:
        existing = self.find_digest(digest)
        if existing:
            raise ImportRefused(
                _("%(file)s was already imported (dataset %(id)s); nothing was changed")
                % {"file": file, "id": existing}
            )
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}")
        stamp = datetime.now(UTC)
        dataset_id = f"{stamp:%Y%m%dT%H%M%S}-{digest[:10]}"
        (self.root / "datasets").mkdir(parents=True, exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix=".import-", dir=self.root))
        try:
            final: list[tuple[Path, Path]] = []
            for table, frame in tables.items():
                (self.root / table).mkdir(parents=True, exist_ok=True)
                tmp = tmpdir / f"{table}.parquet"
                frame.with_columns(pl.lit(dataset_id).alias("dataset")).write_parquet(tmp)
                final.append((tmp, self.root / table / f"{dataset_id}.parquet"))
            manifest = {
                "id": dataset_id,
                "kind": kind,
                "file": file,
                "sha256": digest,
                "rows": {t: f.height for t, f in tables.items()},
                "imported_at": stamp.isoformat(),
                "origin": origin,
                "details": details or {},
            }
            tmp_manifest = tmpdir / "manifest.json"
            tmp_manifest.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            for src, dst in final:
                os.replace(src, dst)
            os.replace(tmp_manifest, self.root / "datasets" / f"{dataset_id}.json")
        except BaseException:
            for _src, dst in final if "final" in locals() else []:
                dst.unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return dataset_id

    def remove(self, dataset_id: str) -> bool:
        """Delete a dataset (manifest first, so a half-removed dataset is never visible)."""
        manifest = self.root / "datasets" / f"{dataset_id}.json"
        if not manifest.exists():
            return False
        with self.writing():
            manifest.unlink(missing_ok=True)
            for table in TABLES:
                (self.root / table / f"{dataset_id}.parquet").unlink(missing_ok=True)
        return True

    def selected(self, datasets: list[str] | None = None) -> set[str]:
        """The ids read: ``datasets`` if given (each must exist), else every real dataset."""
        manifests = self._manifests()
        if datasets is None:
            return {str(m["id"]) for m in manifests if origin_of(m) == REAL}
        known = {str(m["id"]) for m in manifests}
        unknown = [d for d in datasets if d not in known]
        if unknown:
            raise UnknownDatasetError(
                _("No dataset %(id)s in the analytics store") % {"id": ", ".join(unknown)}
            )
        return set(datasets)

    def files(self, table: str, datasets: list[str] | None = None) -> list[str]:
        """The Parquet files of ``table`` whose dataset is complete (manifest present).

        Without ``datasets``, only real datasets (never simulated or exercise data).
        """
        ids = self.selected(datasets)
        folder = self.root / table
        if not folder.is_dir():
            return []
        return [str(p) for p in sorted(folder.glob("*.parquet")) if p.stem in ids]

    def connect(
        self, *, in_memory: bool = False, datasets: list[str] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with one view per table (empty tables if no data).

        ``in_memory`` loads the tables into DuckDB's memory once (for the dashboard, which asks
        many questions of the same data); otherwise every query reads the Parquet files.
        ``datasets`` names the datasets read (default: every real dataset).
        """
        from pharos.learn.schema import empty_frame

        con = duckdb.connect()
        for table in TABLES:
            files = self.files(table, datasets)
            if files:
                listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                kind = "TABLE" if in_memory else "VIEW"
                con.execute(
                    f"CREATE {kind} {table} AS SELECT * FROM read_parquet([{listing}], "
                    "union_by_name = true)"
                )
            else:
                empty = empty_frame(table)  # noqa: F841  (read by DuckDB's replacement scan)
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM empty")
        return con

    def frame(self, table: str, datasets: list[str] | None = None) -> pl.DataFrame:
        """A whole table as a Polars frame (``datasets``, default every real dataset)."""
        from pharos.learn.schema import empty_frame

        files = self.files(table, datasets)
        if not files:
            return empty_frame(table)
        return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
