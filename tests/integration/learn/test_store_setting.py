"""``PHAROS_LEARN_STORE`` is one folder for ``pharos import`` and ``pharos serve`` (issue 16).

Before the fix the server read ``<PHAROS_DATA_DIR>/learn`` whatever the variable said, so a file
that ``pharos import`` had stored was not what the server showed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.web.app import create_app
from pharos.web.settings import Settings
from pharos.web.testing import database_url, fresh_database, signed_in_client

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"


def test_settings_read_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PHAROS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PHAROS_LEARN_STORE", raising=False)
    assert Settings.from_env().learn_store == tmp_path / "data" / "learn"
    monkeypatch.setenv("PHAROS_LEARN_STORE", str(tmp_path / "elsewhere"))
    assert Settings.from_env().learn_store == tmp_path / "elsewhere"


def test_what_pharos_import_stored_is_what_the_server_shows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PHAROS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PHAROS_LEARN_STORE", str(tmp_path / "elsewhere"))
    result = CliRunner().invoke(cli, ["import", str(FIXTURES / "ctdc_synthetic_quirks.csv")])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "elsewhere" / "datasets").glob("*.json"))
    url = database_url("sqlite", tmp_path)
    fresh_database(url).dispose()
    settings = Settings.from_env(
        database_url=url,
        login_rate_limit=10_000,
        request_clock_minutes=0,
        secret_key="pharos-test-secret-key-not-for-production-use",
    )
    client = signed_in_client(create_app(settings), "it.coordinator")
    page = client.get("/learn/import")
    assert page.status_code == 200
    assert "ctdc_synthetic_quirks.csv" in page.text
    assert "ctdc_synthetic" in page.text
