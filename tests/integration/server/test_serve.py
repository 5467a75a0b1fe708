"""`pharos serve` loads the demo into SQLite by default, into PostgreSQL only with --demo, and
warns whenever demo accounts with the published password exist."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from pharos.cli import app
from pharos.coordinate.setup import should_load_demo
from pharos.store.db import make_engine
from pharos.store.models import User
from pharos.web.testing import POSTGRES_ENV

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Instead of serving, record the call to uvicorn."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.setenv("PHAROS_FAST_HASHING", "1")
    return calls


def serve(url: str, data: Path, *args: str) -> str:
    env = {
        "PHAROS_DATABASE_URL": url,
        "PHAROS_DATA_DIR": str(data),
        "PHAROS_LOAD_DEMO": "1",
        "COLUMNS": "200",
    }
    result = runner.invoke(app, ["--lang", "en", "serve", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def users(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(User)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("dialect", "asked", "setting", "expected"),
    [
        ("sqlite", None, True, True),
        ("sqlite", None, False, False),
        ("sqlite", False, True, False),
        ("postgresql", None, True, False),
        ("postgresql", True, True, True),
        ("postgresql", True, False, True),
    ],
)
def test_who_decides_about_the_demo(
    dialect: str, asked: bool | None, setting: bool, expected: bool
) -> None:
    assert should_load_demo(dialect, asked, setting) is expected


def test_sqlite_gets_the_demo_and_a_warning(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    url = f"sqlite:///{tmp_path / 'pharos.db'}"
    out = serve(url, tmp_path)
    assert "Demo logins" in out and "WARNING" in out and "pharos-demo-2026" in out
    assert users(url) > 50 and served
    again = serve(url, tmp_path)  # a restart still warns: the accounts are still there
    assert "WARNING" in again and "Demo logins" not in again


def test_no_demo_means_no_accounts_and_no_warning(
    tmp_path: Path, served: list[dict[str, Any]]
) -> None:
    url = f"sqlite:///{tmp_path / 'pharos.db'}"
    out = serve(url, tmp_path, "--no-demo")
    assert users(url) == 0 and "WARNING" not in out and "Demo logins" not in out


@pytest.mark.postgres
def test_postgres_refuses_the_demo_unless_asked(
    tmp_path: Path, served: list[dict[str, Any]]
) -> None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    out = serve(url, tmp_path)
    assert users(url) == 0
    assert "not loaded" in out and "--demo" in out and "WARNING" not in out
    out = serve(url, tmp_path, "--demo")
    assert users(url) > 50 and "Demo logins" in out and "WARNING" in out


def test_a_short_secret_key_is_refused_before_anything_is_written(
    tmp_path: Path, served: list[dict[str, Any]]
) -> None:
    db = tmp_path / "pharos.db"
    env = {
        "PHAROS_DATABASE_URL": f"sqlite:///{db}",
        "PHAROS_DATA_DIR": str(tmp_path),
        "PHAROS_SECRET_KEY": "too-short",
    }
    result = runner.invoke(app, ["--lang", "en", "serve"], env=env)
    assert result.exit_code == 2
    assert "secret key" in result.output and "32" in result.output
    assert not db.exists() and not served
