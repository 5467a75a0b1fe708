"""``pharos datasets delete`` and the web's delete button (issue 16): the dataset goes, the
same file imports again, the web deletion is for the coordinator only and is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.learn.importing import import_file
from pharos.learn.store import Store
from pharos.store.db import make_engine, session_factory
from pharos.store.models import AuditEntry
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"
FILE = FIXTURES / "ctdc_synthetic_quirks.csv"
runner = CliRunner()


def test_cli_delete_then_import_again(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert runner.invoke(cli, ["import", "--store", store, str(FILE)]).exit_code == 0
    again = runner.invoke(cli, ["import", "--store", store, str(FILE)])
    assert again.exit_code == 2 and "already imported" in again.output
    (dataset,) = [m["id"] for m in Store(Path(store)).datasets()]
    listed = runner.invoke(cli, ["datasets", "--store", store])
    assert listed.exit_code == 0 and "ctdc_synthetic" in listed.output
    deleted = runner.invoke(cli, ["datasets", "delete", dataset, "--store", store])
    assert deleted.exit_code == 0, deleted.output
    assert dataset in deleted.output and Store(Path(store)).datasets() == []
    assert not list((Path(store) / "victims").glob("*.parquet"))
    missing = runner.invoke(cli, ["datasets", "delete", dataset, "--store", store])
    assert missing.exit_code == 2 and "No dataset" in missing.output
    assert runner.invoke(cli, ["import", "--store", store, str(FILE)]).exit_code == 0


def test_cli_prints_the_summary_and_the_drop(tmp_path: Path) -> None:
    text = FILE.read_text(encoding="utf-8").replace("2019,Man,", "2019,Alien,")
    path = tmp_path / "one-bad.csv"
    path.write_text(text, encoding="utf-8")
    store = str(tmp_path / "store")
    refused = runner.invoke(cli, ["import", "--store", store, str(path)])
    assert refused.exit_code == 2
    assert "Refusals by field and value" in refused.output and "'Alien'" in refused.output
    partial = runner.invoke(cli, ["import", "--store", store, "--accept-partial", str(path)])
    assert partial.exit_code == 0, partial.output
    assert "Dropped 1 of 5 rows (20.0%)" in partial.output
    assert "gender, unknown gender code: 1 row (20.0%)" in partial.output


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("learn-delete")
    url = database_url(request.param, folder)
    fresh_database(url).dispose()
    yield make_app(url, data_dir=folder / "data")


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_web_delete_is_for_the_coordinator_confirmed_and_audited(app: FastAPI) -> None:
    store = Store(Path(app.state.settings.learn_store))
    assert import_file(store, FILE).written
    (dataset,) = [m["id"] for m in store.datasets()]
    url = f"/learn/datasets/{dataset}/delete"
    labour = signed_in_client(app, "it.labour")
    assert labour.get(url).status_code == 403
    assert labour.post(url, data={"confirm": dataset}).status_code == 403
    assert [m["id"] for m in store.datasets()] == [dataset]
    coordinator = signed_in_client(app, "it.coordinator")
    page = coordinator.get("/learn/import")
    assert f'href="{url}"' in page.text  # a link to the confirmation, not a deleting form
    assert f'action="{url}"' not in page.text
    confirm = coordinator.get(url)
    assert confirm.status_code == 200 and "ctdc_synthetic_quirks.csv" in confirm.text
    assert f'name="confirm" value="{dataset}"' in confirm.text
    # a post without the confirmation (or confirming another dataset) deletes nothing
    for data in ({}, {"confirm": "other"}):
        unconfirmed = coordinator.post(url, data=data)
        assert unconfirmed.status_code == 422 and "Nothing was deleted" in unconfirmed.text
        assert store.datasets() != []
    no_csrf = coordinator.post(url, data={"confirm": dataset}, headers={"X-CSRF-Token": "forged"})
    assert no_csrf.status_code == 403 and store.datasets() != []
    done = coordinator.post(url, data={"confirm": dataset})
    assert done.status_code == 200 and f"Deleted dataset {dataset}" in done.text
    assert store.datasets() == []
    assert coordinator.get(url).status_code == 404
    assert coordinator.post(url, data={"confirm": dataset}).status_code == 404
    engine = make_engine(app.state.settings.database_url)
    with session_factory(engine)() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.resource_id == dataset)).scalar_one()
    engine.dispose()
    assert (entry.action, entry.resource, entry.actor) == ("delete", "learn_dataset",
                                                           "it.coordinator")  # fmt: skip
    assert "ctdc_synthetic_quirks.csv" in entry.detail
    assert import_file(store, FILE).written  # the same file imports again
    # ... and through the import page too, after a second deletion
    (again,) = [m["id"] for m in store.datasets()]
    second = coordinator.post(f"/learn/datasets/{again}/delete", data={"confirm": again})
    assert second.status_code == 200
    with FILE.open("rb") as fp:
        upload = coordinator.post(
            "/learn/import", files={"file": (FILE.name, fp.read(), "text/csv")}
        )
    assert upload.status_code == 200 and "Stored as dataset" in upload.text


def test_confirmation_page_in_french_and_arabic(app: FastAPI) -> None:
    store = Store(Path(app.state.settings.learn_store))
    (dataset,) = [m["id"] for m in store.datasets()]
    coordinator = signed_in_client(app, "it.coordinator")
    fr = coordinator.get(f"/learn/datasets/{dataset}/delete?lang=fr")
    assert "Supprimer ce jeu de données" in fr.text and "irréversible" in fr.text
    ar = coordinator.get(f"/learn/datasets/{dataset}/delete?lang=ar")
    assert 'dir="rtl"' in ar.text and "حذف مجموعة البيانات هذه" in ar.text
