"""exercise: exercises keep their scenario's text, not its path (issue 17, item 1)

``scenario_text`` holds a scenario's text (the file, its translations, its documents) named by
its SHA-256; ``exercise_run.scenario_sha256`` says which text an exercise runs on. Existing
exercises get the text of the file their ``scenario`` names, read now (a bundled name, or a
path: absolute, or relative to the folder the upgrade runs in, as it was read before). When that
file cannot be read the exercise is marked: ``scenario_sha256`` stays NULL and it reads
``scenario`` as a path, as before.

The files read and the hash are those of ``pharos.exercise.scenario.source`` (``read_source``,
``source_hash``), written out here so that this revision keeps doing what it did when the code
changes (the store does not import the exercise either). A test checks that both agree.

Revision ID: 0010_scenario_text
Revises: 0009_event_recorded_at
Create Date: 2026-12-05 20:50:00
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0010_scenario_text"
down_revision: str | Sequence[str] | None = "0009_event_recorded_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

_LIMIT = 256 * 1024  # userfile.MAX_SCENARIO_BYTES
_DOC_LIMIT = 64 * 1024  # source.MAX_DOCUMENT_BYTES


def _read(path: Path, limit: int) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _key(ref: str) -> str | None:
    p = PurePosixPath(ref.replace("\\", "/"))
    if p.is_absolute() or not p.parts or re.match(r"^[A-Za-z]:", ref):
        return None
    return str(p)


def _files(scenario: str) -> tuple[str, dict[str, str]] | None:
    """The scenario file's name and the texts it reads, or None if it cannot be read."""
    path = Path(scenario)
    if path.suffix not in {".yaml", ".yml"} and not path.exists():
        path = Path(
            str(resources.files("pharos.exercise").joinpath("scenarios", f"{scenario}.yaml"))
        )
    main = _read(path, _LIMIT)
    if main is None:
        return None
    folder, stem = path.parent, path.stem
    files = {path.name: main}
    for p in sorted(folder.glob(f"{stem}.*.yaml")):
        lang = p.name.removeprefix(f"{stem}.").removesuffix(".yaml")
        if re.fullmatch(r"[a-z]{2,3}", lang):
            text = _read(p, _LIMIT)
            if text is not None:
                files[p.name] = text
    try:
        data: Any = yaml.safe_load(main)
    except yaml.YAMLError:
        data = None
    refs: list[tuple[str, int]] = []
    if isinstance(data, dict):
        for ev in data.get("evidence") or []:
            if isinstance(ev, dict) and isinstance(ev.get("file"), str):
                refs.append((ev["file"], _DOC_LIMIT))
        world = data.get("world")
        sim = world.get("sim_scenario") if isinstance(world, dict) else None
        if isinstance(sim, str) and sim.endswith((".yaml", ".yml")):
            refs.append((sim, _LIMIT))
    for ref, limit in refs:
        key = _key(ref)
        if key is None or key in files:
            continue
        text = _read(folder / key, limit)
        if text is not None:
            files[key] = text
    return path.name, files


def _hash(name: str, files: dict[str, str]) -> str:
    canonical = json.dumps(
        {"name": name, "files": files}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    text = op.create_table(
        "scenario_text",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_scenario_text")),
    )
    with op.batch_alter_table("exercise_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scenario_sha256", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_exercise_run_scenario_sha256_scenario_text"),
            "scenario_text",
            ["scenario_sha256"],
            ["sha256"],
        )
    run = sa.table(
        "exercise_run",
        sa.column("id", sa.String),
        sa.column("scenario", sa.Text),
        sa.column("scenario_sha256", sa.String),
    )
    conn = op.get_bind()
    stored: set[str] = set()
    for row in conn.execute(sa.select(run.c.id, run.c.scenario)).all():
        found = _files(row.scenario)
        if found is None:
            log.warning(
                "exercise %s: its scenario %s cannot be read; it keeps reading the file",
                row.id,
                row.scenario,
            )
            continue
        name, files = found
        digest = _hash(name, files)
        if digest not in stored:
            conn.execute(
                sa.insert(text).values(
                    sha256=digest, name=name, files=files, created_at=datetime.now(UTC)
                )
            )
            stored.add(digest)
        conn.execute(sa.update(run).where(run.c.id == row.id).values(scenario_sha256=digest))


def downgrade() -> None:
    with op.batch_alter_table("exercise_run", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_exercise_run_scenario_sha256_scenario_text"), type_="foreignkey"
        )
        batch_op.drop_column("scenario_sha256")
    op.drop_table("scenario_text")
