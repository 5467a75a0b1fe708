"""The k-anonymous export page (``/learn/export``): the options and report of ``pharos export``.

The same function writes the file (``pharos.learn.export.export_ctdc``) and the same plan is
reported (``Plan.columns``). Only the national coordinator and administrators export
(``learn:export``); every export and every download is in the audit trail.

The export runs in the background (``pharos.learn.export_jobs``): the form starts a job and
redirects to its page, which shows its progress (``/learn/export/jobs/ID.json``, polled by
``learn_export.js``) and, once done, the report and the download. A job, its page and its file
belong to the user who started it (others get 404). The file is kept in the analytics store's
``exports`` folder under a random name for ``learn_export_minutes`` (default 60), then deleted.
A second identical export of the same user while the first is queued or running is refused (409).
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, require
from pharos.domain.disclosure import DEFAULT_K, MIN_K, DisclosureRuleError
from pharos.i18n import _
from pharos.learn.export_jobs import DuplicateExport, ExportJob, ExportJobs, Refused
from pharos.learn.options import DEFAULT_MAX_LOSS, DEFAULT_QUASI_IDENTIFIERS
from pharos.learn.store import REAL, Store, origin_of
from pharos.store.uow import UnitOfWork
from pharos.web.deps import signed_in, uow
from pharos.web.routes.learn import render

router = APIRouter()
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from pharos.learn.export import SENSITIVE_FIELDS
    from pharos.learn.ingest.ctdc import FORMAT_B_COLUMNS

    return FORMAT_B_COLUMNS, SENSITIVE_FIELDS


def _folder(request: Request) -> Path:
    return Store(request.app.state.settings.learn_store).root / "exports"


_JOBS_LOCK = threading.Lock()


def _jobs(request: Request) -> ExportJobs:
    """The server's export jobs (created on first use, with the folder and the time kept)."""
    state = request.app.state
    with _JOBS_LOCK:
        jobs: ExportJobs | None = getattr(state, "export_jobs", None)
        if jobs is None:
            minutes = float(state.settings.learn_export_minutes)
            jobs = ExportJobs(_folder(request), ttl=minutes * 60)
            state.export_jobs = jobs
    return jobs


def _own_job(request: Request, p: Principal, token: str) -> ExportJob | None:
    """The job if it exists and is the user's (another's job is as good as absent)."""
    if not _TOKEN.match(token):
        return None
    job = _jobs(request).get(token)
    return job if job is not None and job.owner == p.username else None


def _time(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return datetime.fromtimestamp(stamp, UTC).strftime("%H:%M UTC")


def _context(
    request: Request,
    form: dict[str, object] | None = None,
    *,
    report: object = None,
    plan: object = None,
    error: str | None = None,
    token: str | None = None,
    job: ExportJob | None = None,
    jobs: list[ExportJob] | None = None,
) -> dict[str, object]:
    columns, sensitive = _columns()
    chosen = form or {
        "k": DEFAULT_K,
        "max_loss": round(DEFAULT_MAX_LOSS * 100),
        "qi": list(DEFAULT_QUASI_IDENTIFIERS),
        "sensitive": list(sensitive),
        "force": False,
        "l": "",
    }
    return {
        "columns": columns,
        "sensitive_columns": sensitive,
        "form": chosen,
        "report": report,
        "plan": plan,
        "error": error,
        "token": token,
        "min_k": MIN_K,
        "job": job,
        "jobs": jobs or [],
        "at": _time,
        "minutes": round(float(request.app.state.settings.learn_export_minutes)),
    }


@router.get("/learn/export", include_in_schema=False)
def export_page(request: Request, p: Principal = Depends(signed_in)) -> Response:
    require(p, "learn", "export")
    jobs = _jobs(request).of(p.username)
    return render(request, "learn/export.html", _context(request, jobs=jobs))


def _number(value: object, low: float, high: float) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if low <= number <= high else None


@router.post("/learn/export", include_in_schema=False)
async def export_run(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Check the options and start the export in the background; redirect to its page."""
    require(p, "learn", "export")
    data = await request.form(max_files=0, max_fields=80)
    columns, sensitive_all = _columns()
    qi = [str(v) for v in data.getlist("qi")]
    sensitive = [str(v) for v in data.getlist("sensitive")]
    k = _number(data.get("k", ""), MIN_K, 1_000_000)
    share = _number(data.get("max_loss", ""), 0, 100)
    stated_l = str(data.get("l", "")).strip()
    l_value = _number(stated_l, 2, 1_000_000) if stated_l else None
    form: dict[str, object] = {
        "k": data.get("k", ""),
        "max_loss": data.get("max_loss", ""),
        "qi": qi,
        "sensitive": sensitive,
        "force": data.get("force") == "true",
        "l": stated_l,
    }
    error = None
    if k is None or k != int(k):
        error = _("k must be a whole number of at least %(min)d.") % {"min": MIN_K}
    elif stated_l and (l_value is None or l_value != int(l_value)):
        error = _("l must be a whole number of at least 2, or empty.")
    elif share is None:
        error = _("The largest share lost must be a percentage from 0 to 100.")
    elif not qi:
        error = _("Choose at least one quasi-identifier.")
    elif any(c not in columns for c in [*qi, *sensitive]):
        error = _("not a column of the CTDC export: %(columns)s") % {
            "columns": ", ".join(c for c in [*qi, *sensitive] if c not in columns)
        }
    if error is not None:
        return render(request, "learn/export.html", _context(request, form, error=error), 422)
    assert k is not None and share is not None
    store = Store(request.app.state.settings.learn_store)
    datasets = tuple(sorted(m["id"] for m in store.datasets() if origin_of(m) == REAL))
    chosen_sensitive = tuple(s for s in sensitive if s in sensitive_all)
    l_diversity = None if l_value is None else int(l_value)
    key = (int(k), share, tuple(qi), chosen_sensitive, form["force"] is True, datasets, l_diversity)
    sessions = request.app.state.sessions
    options = {**form, "sensitive": list(chosen_sensitive)}  # as typed, for the job's page

    def run(job: ExportJob, progress: Any) -> Any:
        from pharos.learn.export import ExportError, ExportRefused, export_ctdc, report_to_json

        try:
            report = export_ctdc(
                store.frame("victims", list(datasets)),
                job.path,
                k=int(k),
                quasi_identifiers=tuple(qi),
                sensitive=chosen_sensitive,
                max_loss=share / 100,
                force=form["force"] is True,
                progress=progress,
                l_diversity=l_diversity,
            )
        except ExportRefused as exc:
            raise Refused(str(exc), exc.plan.to_json()) from exc
        except (ExportError, DisclosureRuleError, KeyError) as exc:
            raise Refused(str(exc)) from exc
        plan = report.plan
        assert plan is not None
        detail = {
            "k": int(k),
            "quasi_identifiers": qi,
            "sensitive": list(plan.sensitive),
            "rows_in": plan.rows_in,
            "rows": report.rows,
            "levels": plan.levels,
            "loss": round(plan.loss, 4),
            "forced_over": plan.over_limit,
            "l": l_diversity,
        }
        with UnitOfWork(sessions) as unit:
            audit.record(unit.session, p, "export", "learn_export", job.id, detail=detail)
            unit.commit()
        return report_to_json(report)

    try:
        job = _jobs(request).submit(p.username, key, run, options)
    except DuplicateExport as exc:
        message = _("The same export of yours is already running; its page shows how far it is.")
        context = _context(request, form, error=message, job=exc.job)
        return render(request, "learn/export.html", context, 409)
    return RedirectResponse(f"/learn/export/jobs/{job.id}", status_code=303)


# (before the page's route, whose {token} would take "ID.json")
@router.get("/learn/export/jobs/{token}.json", include_in_schema=False)
def export_job_status(request: Request, token: str, p: Principal = Depends(signed_in)) -> Response:
    """How far the job is (polled by its page)."""
    require(p, "learn", "export")
    job = _own_job(request, p, token)
    if job is None:
        return JSONResponse({"error": "no such export"}, status_code=404)
    return JSONResponse(
        {
            "stage": job.stage,
            "done": job.done,
            "total": job.total,
            "fraction": round(job.fraction(), 4),
            "final": job.final,
        }
    )


@router.get("/learn/export/jobs/{token}", include_in_schema=False)
def export_job(request: Request, token: str, p: Principal = Depends(signed_in)) -> Response:
    """A job's page: its progress while it runs, then its report and download."""
    require(p, "learn", "export")
    job = _own_job(request, p, token)
    if job is None:
        return _no_export()
    from pharos.learn.anonymity import Plan
    from pharos.learn.export import report_from_json

    form = job.options
    if job.stage == "done":
        report = report_from_json(job.result)
        context = _context(request, form, report=report, plan=report.plan, token=job.id, job=job)
    elif job.stage == "refused":
        plan = Plan.from_json(job.result) if job.result else None
        context = _context(request, form, plan=plan, error=job.error, job=job)
    elif job.stage == "failed":
        error = _("The export failed: %(error)s") % {"error": job.error}
        context = _context(request, form, error=error, job=job)
    else:
        context = _context(request, form, job=job)
    return render(request, "learn/export.html", context)


def _no_export() -> Response:
    return Response(
        _("No such export: exports are kept for a limited time, for the user who made them."),
        status_code=404,
        media_type="text/plain; charset=utf-8",
    )


@router.get("/learn/export/{token}.csv", include_in_schema=False)
def export_download(
    request: Request,
    token: str,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A file written by the export page, to the user who made it, while it is kept (audited)."""
    require(p, "learn", "export")
    job = _own_job(request, p, token)
    if job is None or job.stage != "done" or not job.path.is_file():
        return _no_export()
    audit.record(work.session, p, "download", "learn_export", token)
    work.commit()
    return FileResponse(
        job.path,
        media_type="text/csv; charset=utf-8",
        filename=f"pharos-k-anonymous-{token[:8]}.csv",
    )
