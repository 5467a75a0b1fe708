"""Issue 14, finding 6: the audit trail is checked against its head (an emptied or truncated
trail fails), the head's hash is printed, and a signed anchor kept outside the database is
checked later (``pharos audit anchor`` / ``pharos audit verify --anchor``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.coordinate import audit
from pharos.coordinate.accounts import principal
from pharos.store.models import User
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client

SECRET = "audit-anchor-test-secret-0123456789abcdef"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Engine]]:
    url = database_url(request.param, tmp_path)
    engine = fresh_database(url, demo=False)
    with Session(engine) as s:
        for i in range(6):
            audit.record(s, None, "read", "case", i + 1, case_id=i % 2 + 1)
        s.commit()
    monkeypatch.setenv("PHAROS_DATABASE_URL", url)
    monkeypatch.setenv("PHAROS_SECRET_KEY", SECRET)
    yield url, engine
    engine.dispose()


def _drop_guards(engine: Engine) -> None:
    """What someone with database access does first: remove the append-only triggers."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
        else:
            conn.execute(text("DROP TRIGGER audit_entry_no_delete"))


def _verify(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli_app, ["audit", "verify", *args])
    return res.exit_code, res.output


def test_verify_prints_the_head_hash(db: tuple[str, Engine]) -> None:
    code, out = _verify()
    assert code == 0, out
    with Session(db[1]) as s:
        head = s.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
    assert head.last_id == 6
    assert f"Head: entry #6, hash {head.last_hash}" in out  # one line, to copy


def test_an_emptied_trail_fails(db: tuple[str, Engine]) -> None:
    # the reproduction: triggers dropped, every entry deleted; the head row stays
    _drop_guards(db[1])
    with db[1].begin() as conn:
        conn.execute(text("DELETE FROM audit_entry"))
    code, out = _verify()
    assert code == 1, out
    assert "intact" not in out and "#6" in out


def test_a_truncated_trail_fails(db: tuple[str, Engine]) -> None:
    _drop_guards(db[1])
    with db[1].begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id > 4"))
    code, out = _verify()
    assert code == 1, out
    with Session(db[1]) as s:
        result = audit.check(s)
    assert result.count == 4 and not result.intact


def test_an_anchor_catches_what_the_head_cannot(db: tuple[str, Engine], tmp_path: Path) -> None:
    """Entries and head removed together leave a consistent, shorter trail: only the anchor,
    kept outside the database, still tells."""
    anchor = tmp_path / "anchor.json"
    res = CliRunner().invoke(cli_app, ["audit", "anchor", str(anchor)])
    assert res.exit_code == 0, res.output
    data = json.loads(anchor.read_text())
    assert data["last_id"] == 6 and re.fullmatch(r"[0-9a-f]{64}", data["signature"])
    # the trail may grow after the anchor
    with Session(db[1]) as s:
        audit.record(s, None, "read", "case", 9, case_id=1)
        s.commit()
    assert _verify("--anchor", str(anchor))[0] == 0
    # a second anchor never replaces the first
    again = CliRunner().invoke(cli_app, ["audit", "anchor", str(anchor)])
    assert again.exit_code == 2 and json.loads(anchor.read_text()) == data
    _drop_guards(db[1])
    with db[1].begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id > 3"))
        conn.execute(
            text(
                "UPDATE audit_head SET last_id = 3, last_hash = "
                "(SELECT hash FROM audit_entry WHERE id = 3)"
            )
        )
    assert _verify()[0] == 0  # the chain and its head agree: only the anchor tells
    code, out = _verify("--anchor", str(anchor))
    assert code == 1 and "#6" in out


def test_a_changed_anchor_is_refused(db: tuple[str, Engine], tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    assert CliRunner().invoke(cli_app, ["audit", "anchor", str(anchor)]).exit_code == 0
    data = json.loads(anchor.read_text())
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data | {"last_id": 2}))
    code, out = _verify("--anchor", str(forged))
    assert code == 2 and "signature" in out
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "format": ')
    code, out = _verify("--anchor", str(broken))
    assert code == 2 and "line 2" in out


def test_the_audit_page_filters_and_pages(db: tuple[str, Engine]) -> None:
    from pharos.coordinate.setup import prepare_database

    url, engine = db
    prepare_database(engine, demo=True)  # the demo's accounts (and their entries)
    with Session(engine) as s:
        labour = s.execute(select(User).where(User.username == "it.labour")).scalar_one()
        for _ in range(60):
            audit.record(s, principal(labour), "read", "case", 7, case_id=7)
        s.commit()
    admin = signed_in_client(make_app(url), "admin")
    page = admin.get("/audit", params={"case": "7"})
    assert page.status_code == 200
    assert "60 entries match" in page.text and page.text.count('<td data-label="#">') == 50
    assert 'href="/audit?case=7&amp;page=2"' in page.text
    second = admin.get("/audit", params={"case": "7", "page": "2"})
    assert second.text.count('<td data-label="#">') == 10
    by_user = admin.get("/audit", params={"user": "system", "case": "1"})
    assert "3 entries match" in by_user.text
    assert "0 entries match" in admin.get("/audit", params={"user": "admin", "case": "7"}).text
    future = admin.get("/audit", params={"from": "2999-01-01"})
    assert "0 entries match" in future.text
    bad = admin.get("/audit", params={"from": "yesterday", "case": "x"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    assert signed_in_client(make_app(url), "it.coordinator").get("/audit").status_code == 403
