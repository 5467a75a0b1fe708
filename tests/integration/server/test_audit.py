"""The audit trail records reads and changes; `pharos audit verify` detects tampering."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.coordinate import audit
from pharos.store.models import AuditEntry
from pharos.web.testing import fresh_database, make_app, signed_in_client


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    fresh_database(url).dispose()
    return url


def test_reads_and_changes_are_recorded_and_the_chain_holds(db: str) -> None:
    client = signed_in_client(make_app(db), "it.labour")
    r = client.post(
        "/api/v1/cases",
        json={"title": "A", "first_name": "Amina", "birthdate": "1998-04-02", "citizenship": "EGY"},
    )
    case_id = r.json()["id"]
    client.get(f"/cases/{case_id}")
    client.get(f"/api/v1/cases/{case_id}")
    trail = client.get(f"/api/v1/cases/{case_id}/audit").json()
    assert [e["action"] for e in trail][:3] == ["read", "read", "create"]
    assert all(e["actor"] == "it.labour" for e in trail)
    from pharos.store.db import make_engine

    with Session(make_engine(db)) as s:
        count, problems = audit.verify(s)
    assert count >= 4 and problems == []


def test_the_database_refuses_to_change_the_trail(db: str) -> None:
    from pharos.store.db import make_engine

    engine = make_engine(db)
    with engine.begin() as conn, pytest.raises(DBAPIError):
        conn.execute(text("UPDATE audit_entry SET actor = 'someone' WHERE id = 1"))
    with engine.begin() as conn, pytest.raises(DBAPIError):
        conn.execute(text("DELETE FROM audit_entry"))


def test_verify_detects_tampering(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pharos.store.db import make_engine

    monkeypatch.setenv("PHAROS_DATABASE_URL", db)
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    engine = make_engine(db)
    with engine.begin() as conn:  # someone with database access removes the guard
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("UPDATE audit_entry SET actor = 'nobody' WHERE id = 1"))
    bad = runner.invoke(cli_app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "changed" in bad.output
    with Session(engine) as s:
        assert (
            s.execute(select(AuditEntry.actor).where(AuditEntry.id == 1)).scalar_one() == "nobody"
        )


def test_concurrent_appends_keep_one_chain(engine: object) -> None:
    """Two writers appending at once (PostgreSQL row lock, SQLite write lock) keep the chain."""
    import threading

    from sqlalchemy import Engine

    from pharos.coordinate.permissions import Principal
    from pharos.store.db import session_factory

    assert isinstance(engine, Engine)
    factory = session_factory(engine)
    who = Principal(1, "it.labour", 1, "ITA", "labour_inspector")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(n):
                with factory() as s:
                    audit.record(s, who, "read", "case", i, case_id=None)
                    s.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with factory() as s:
        count, problems = audit.verify(s)
    assert problems == [] and count >= 30
