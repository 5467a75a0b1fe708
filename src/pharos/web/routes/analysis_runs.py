"""Simulation runs from ``/analysis``: start one in the background, follow its progress, read
its report, cancel or delete it (:mod:`pharos.web.simulations`)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pharos.coordinate.permissions import Principal, allowed, require
from pharos.coordinate.validation import ValidationFailed
from pharos.i18n import _, current_locale, ngettext
from pharos.sim.report import PLOTLY_FILE
from pharos.store.uow import UnitOfWork
from pharos.web import simulations
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.routes.analysis import REPORT_CSP, list_page
from pharos.web.templating import render

router = APIRouter()


def _worker(request: Request) -> simulations.Worker:
    worker: simulations.Worker = request.app.state.simulations
    return worker


def _found(work: UnitOfWork, p: Principal, run_id: int) -> simulations.RunView:
    run = simulations.get_run(work.session, p, run_id)
    if run is None:
        raise HTTPException(status_code=404)
    return run


@router.post("/analysis/simulations", include_in_schema=False)
async def start(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Store a run and hand it to the worker; bad input re-shows the form, each field's fault
    next to it (422)."""
    require(p, "simulation", "create")
    data = await body(request)
    _worker(request).sweep()  # runs whose process died no longer take a place in the queue
    try:
        asked = simulations.parse_request(data, simulations.choices())
        run_id = simulations.create_run(work.session, p, asked, current_locale())
    except ValidationFailed as exc:
        return list_page(request, p, work, form=data, errors=exc.errors, status=422)
    except simulations.QueueFull:
        message = ngettext(
            "%(n)s run is already waiting or running: start this one when it has finished.",
            "%(n)s runs are already waiting or running: start this one when one has finished.",
            simulations.QUEUE_LIMIT,
        ) % {"n": simulations.QUEUE_LIMIT}
        return list_page(request, p, work, form=data, errors={"form": message}, status=429)
    work.commit()
    _worker(request).submit(run_id)
    return RedirectResponse(f"/analysis/simulations/{run_id}", status_code=303)


@router.get("/analysis/simulations/{run_id}", include_in_schema=False)
def run_page(
    request: Request,
    run_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A run: its parameters, who started it, its progress, and the report once done."""
    run = _found(work, p, run_id)
    return render(
        request,
        "analysis/simulation.html",
        {
            "run": run,
            "may_cancel": allowed(p, "simulation", "cancel", run.ref()),
            "may_delete": allowed(p, "simulation", "delete", run.ref()),
        },
    )


@router.get("/analysis/simulations/{run_id}/status", include_in_schema=False)
def run_status(
    request: Request,
    run_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> JSONResponse:
    """How far a run has got (the run page asks every second while it runs)."""
    require(p, "simulation", "read")
    _worker(request).sweep()  # a run whose process died is said so
    run = _found(work, p, run_id)
    if run.status == "running" and run.total and run.done >= run.total:
        text = _("Writing the tables and the report")
    elif run.status in ("running", "cancelling"):
        text = ngettext(
            "%(done)s of %(total)s replication", "%(done)s of %(total)s replications", run.total
        ) % {"done": run.done, "total": run.total}
    else:
        text = run.status_label
    return JSONResponse(
        {
            "id": run.id,
            "status": run.status,
            "label": run.status_label,
            "done": run.done,
            "total": run.total,
            "percent": run.percent,
            "text": text,
            "error": run.error,
            "report": f"/analysis/simulations/{run.id}/report.html"
            if run.status == "done"
            else None,
        }
    )


@router.get("/analysis/simulations/{run_id}/report.html", include_in_schema=False)
def run_report(
    request: Request,
    run_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """The report ``pharos simulate`` wrote for this run. It loads plotly.js from the file
    beside it; served in a sandbox (no cookies reach Pharos from it), so plotly.js is put
    inline here, the report file itself unchanged."""
    run = _found(work, p, run_id)
    folder = simulations.folder_of(request.app.state.settings.data_dir, run.id)
    page, script = folder / "report.html", folder / PLOTLY_FILE
    if run.status != "done" or not page.is_file() or not script.is_file():
        raise HTTPException(status_code=404)
    text = page.read_text(encoding="utf-8")
    tag = f'<script src="{PLOTLY_FILE}"></script>'
    # an inline script ends at the first "</script" (HTML's rule); plotly.js holds none, and
    # in a string of its, "<\/script" would mean the same
    code = re.sub(r"</(script)", r"<\\/\1", script.read_text(encoding="utf-8"), flags=re.I)
    inline = "<script>" + code + "</script>"
    return HTMLResponse(
        text.replace(tag, inline, 1), headers={"Content-Security-Policy": REPORT_CSP}
    )


@router.post("/analysis/simulations/{run_id}/cancel", include_in_schema=False)
def cancel(
    run_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Stop a waiting or running run (its owner)."""
    run = _found(work, p, run_id)
    simulations.cancel_run(work.session, p, run)
    work.commit()
    return RedirectResponse(f"/analysis/simulations/{run.id}", status_code=303)


@router.post("/analysis/simulations/{run_id}/delete", include_in_schema=False)
def delete(
    request: Request,
    run_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Delete a run and its files (its owner); a run still going is cancelled first."""
    run = _found(work, p, run_id)
    if run.unfinished:
        require(p, "simulation", "delete", run.ref())
        raise ValidationFailed({"run": _("cancel the run before deleting it")})
    simulations.delete_run(work.session, p, run, request.app.state.settings.data_dir)
    work.commit()
    return RedirectResponse("/analysis#simulations", status_code=303)
