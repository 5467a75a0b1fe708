"""Each test module of the server gets one fresh database per backend, with the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from pharos.web.testing import database_url, fresh_database, make_app


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    tmp: Path = tmp_path_factory.mktemp("db")
    url = database_url(request.param, tmp)
    eng = fresh_database(url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def app(engine: Engine) -> FastAPI:
    return make_app(engine.url.render_as_string(hide_password=False))
