"""Time ``pharos backup`` and ``pharos restore`` of a database with 100,000 cases (issue 19:
backup under 60 s, restore under 120 s).

The database: the demo, two cases made through the API (each with its person), then each case
and its person copied with shifted ids by SQL (INSERT ... SELECT) up to ``--cases``. The
reference measured in the same process is a plain copy of the SQLite file (or, on PostgreSQL,
one ``SELECT`` of every case and person); the ratios say what the snapshot, the checksums and
the compression cost on top.

Usage: ``PYTHONPATH=src python benchmarks/backup_restore.py [--cases 100000] [--url URL]``
(default URL: SQLite in a temporary folder; a PostgreSQL URL is emptied first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from pharos.store.backup import Installation, backup, restore
from pharos.store.db import make_engine
from pharos.web.testing import fresh_database, make_app, signed_in_client

CHILDREN = ("person",)


def _columns(con: Connection, table: str) -> list[str]:
    return [c["name"] for c in inspect(con).get_columns(table)]


def fill(url: str, cases: int) -> None:
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
                "summary": "x" * 400,
            },
        )
        assert r.status_code == 201, r.text
    engine = make_engine(url)
    with engine.begin() as con:
        n, top = con.execute(text("SELECT count(*), max(id) FROM case_file")).one()
        shift, copies = top + 1, cases // n
        con.execute(text("CREATE TEMPORARY TABLE k (k integer PRIMARY KEY)"))
        con.execute(text("INSERT INTO k VALUES (:k)"), [{"k": k} for k in range(1, copies)])
        cols = _columns(con, "case_file")
        picked = ", ".join(
            f"id + k * {shift}" if c == "id" else "reference || '-' || k" if c == "reference" else c
            for c in cols
        )
        con.execute(
            text(
                f"INSERT INTO case_file ({', '.join(cols)}) SELECT {picked} FROM case_file, k "
                f"WHERE case_file.id < {shift}"
            )
        )
        for table in CHILDREN:
            top_t = con.execute(text(f"SELECT max(id) FROM {table}")).scalar() or 0
            cols = _columns(con, table)
            picked = ", ".join(
                f"id + k * {top_t + 1}"
                if c == "id"
                else f"case_id + k * {shift}"
                if c == "case_id"
                else c
                for c in cols
            )
            con.execute(
                text(
                    f"INSERT INTO {table} ({', '.join(cols)}) SELECT {picked} FROM {table}, k "
                    f"WHERE {table}.id <= {top_t}"
                )
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = args.url or f"sqlite:///{root / 'data' / 'pharos.db'}"
        fill(url, args.cases)
        engine = make_engine(url)
        with engine.connect() as con:
            count = con.execute(text("SELECT count(*) FROM case_file")).scalar()
            start = time.perf_counter()
            if engine.dialect.name == "sqlite":
                shutil.copyfile(root / "data" / "pharos.db", root / "copy.db")
            else:
                con.execute(text("SELECT * FROM case_file")).fetchall()
                con.execute(text("SELECT * FROM person")).fetchall()
            reference = time.perf_counter() - start
        engine.dispose()
        inst = Installation(url, root / "data", root / "data" / "learn")
        start = time.perf_counter()
        made = backup(inst, root / "b.tar.gz")
        took = time.perf_counter() - start
        if engine.dialect.name == "postgresql":
            fresh_database(url, demo=False).dispose()
            target = Installation(url, root / "r", root / "r" / "learn")
        else:
            target = Installation(f"sqlite:///{root / 'r' / 'pharos.db'}", root / "r", root / "r")
        start = time.perf_counter()
        restore(target, made.path)
        back = time.perf_counter() - start
    print(f"{engine.dialect.name}: {count:,} cases")
    print(f"reference (plain copy or read): {reference:.2f} s")
    print(f"backup:  {took:.2f} s ({took / reference:.1f}x), archive {made.size / 1e6:.1f} MB")
    print(f"restore: {back:.2f} s ({back / reference:.1f}x)")


if __name__ == "__main__":
    main()
