"""Deleting a dataset of the analytics store from the web (``learn:delete``).

The import page links each dataset to a confirmation page that says what will go (the file, its
kind and origin, its rows per table) and that the deletion is recorded; only the form on that page,
which sends the dataset's id back as ``confirm``, deletes. The deletion is written to the audit
trail before the files are removed; afterwards the same file can be imported again (the store
refuses a file only while a dataset with its SHA-256 exists). ``pharos datasets delete ID`` does
the same from the command line.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, require
from pharos.i18n import _
from pharos.learn.labels import origin_label
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.routes.learn import _import_context, _store, render

router = APIRouter()


def _find(request: Request, dataset_id: str) -> dict[str, Any] | None:
    return next((m for m in _store(request).datasets() if m["id"] == dataset_id), None)


def _missing(request: Request, dataset_id: str) -> Response:
    message = _("No dataset %(id)s in the analytics store") % {"id": dataset_id}
    return render(request, "learn/import.html", _import_context(request, None, message), 404)


def _confirm_page(
    request: Request, dataset: dict[str, Any], error: str | None = None, status: int = 200
) -> Response:
    context: dict[str, object] = {"dataset": dataset, "error": error, "origin_label": origin_label}
    return render(request, "learn/delete.html", context, status)


@router.get("/learn/datasets/{dataset_id}/delete", include_in_schema=False)
def confirm_delete(
    request: Request, dataset_id: str, p: Principal = Depends(signed_in)
) -> Response:
    """What would be deleted, and the button that deletes it."""
    require(p, "learn", "delete")
    found = _find(request, dataset_id)
    return _missing(request, dataset_id) if found is None else _confirm_page(request, found)


@router.post("/learn/datasets/{dataset_id}/delete", include_in_schema=False)
async def delete_dataset(
    request: Request,
    dataset_id: str,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Delete one dataset (audited) once confirmed; its file can be imported again."""
    require(p, "learn", "delete")
    found = _find(request, dataset_id)
    if found is None:
        return _missing(request, dataset_id)
    data = await request.form(max_files=0, max_fields=5)
    if data.get("confirm") != dataset_id:
        message = _("Nothing was deleted: confirm the deletion with the button below.")
        return _confirm_page(request, found, message, 422)
    detail = {"file": found["file"], "kind": found["kind"], "rows": found["rows"]}
    audit.record(work.session, p, "delete", "learn_dataset", dataset_id, detail=detail)
    work.session.flush()  # the entry is written before the files go
    _store(request).remove(dataset_id)
    work.commit()
    flash = _("Deleted dataset %(id)s (%(file)s)") % {"id": dataset_id, "file": found["file"]}
    return render(request, "learn/import.html", _import_context(request, None, None, flash))
