"""The k-anonymous export page (``/learn/export``): the options and report of ``pharos export``.

The same function writes the file (``pharos.learn.export.export_ctdc``) and the same plan is
reported (``Plan.columns``). Only the national coordinator and administrators export
(``learn:export``); every export and every download is in the audit trail. The file is kept in
the analytics store's ``exports`` folder under a random name and served only to those allowed.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, require
from pharos.domain.disclosure import DEFAULT_K, MIN_K, DisclosureRuleError
from pharos.i18n import _
from pharos.learn.options import DEFAULT_MAX_LOSS, DEFAULT_QUASI_IDENTIFIERS
from pharos.learn.store import Store
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


def _context(
    request: Request,
    form: dict[str, object] | None = None,
    *,
    report: object = None,
    plan: object = None,
    error: str | None = None,
    token: str | None = None,
) -> dict[str, object]:
    columns, sensitive = _columns()
    chosen = form or {
        "k": DEFAULT_K,
        "max_loss": round(DEFAULT_MAX_LOSS * 100),
        "qi": list(DEFAULT_QUASI_IDENTIFIERS),
        "sensitive": list(sensitive),
        "force": False,
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
    }


@router.get("/learn/export", include_in_schema=False)
def export_page(request: Request, p: Principal = Depends(signed_in)) -> Response:
    require(p, "learn", "export")
    return render(request, "learn/export.html", _context(request))


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
    """Anonymise the store's real data with the chosen options; report; keep the file."""
    require(p, "learn", "export")
    from pharos.learn.export import ExportError, ExportRefused, export_ctdc

    data = await request.form(max_files=0, max_fields=80)
    columns, sensitive_all = _columns()
    qi = [str(v) for v in data.getlist("qi")]
    sensitive = [str(v) for v in data.getlist("sensitive")]
    k = _number(data.get("k", ""), MIN_K, 1_000_000)
    share = _number(data.get("max_loss", ""), 0, 100)
    form: dict[str, object] = {
        "k": data.get("k", ""),
        "max_loss": data.get("max_loss", ""),
        "qi": qi,
        "sensitive": sensitive,
        "force": data.get("force") == "true",
    }
    error = None
    if k is None or k != int(k):
        error = _("k must be a whole number of at least %(min)d.") % {"min": MIN_K}
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
    token = secrets.token_hex(16)
    target = _folder(request) / f"{token}.csv"
    store = Store(request.app.state.settings.learn_store)
    try:
        report = await run_in_threadpool(
            lambda: export_ctdc(
                store.frame("victims"),
                target,
                k=int(k),
                quasi_identifiers=tuple(qi),
                sensitive=tuple(s for s in sensitive if s in sensitive_all),
                max_loss=share / 100,
                force=form["force"] is True,
            )
        )
    except ExportRefused as exc:
        context = _context(request, form, plan=exc.plan, error=str(exc))
        return render(request, "learn/export.html", context, 422)
    except (ExportError, DisclosureRuleError, KeyError) as exc:
        return render(request, "learn/export.html", _context(request, form, error=str(exc)), 422)
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
    }
    audit.record(work.session, p, "export", "learn_export", token, detail=detail)
    work.commit()
    context = _context(request, form, report=report, plan=plan, token=token)
    return render(request, "learn/export.html", context)


@router.get("/learn/export/{token}.csv", include_in_schema=False)
def export_download(
    request: Request,
    token: str,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A file written by the export page, to those allowed to export (audited)."""
    require(p, "learn", "export")
    path = _folder(request) / f"{token}.csv"
    if not _TOKEN.match(token) or not path.is_file():
        return Response(_("No such export."), status_code=404, media_type="text/plain")
    audit.record(work.session, p, "download", "learn_export", token)
    work.commit()
    return FileResponse(
        path, media_type="text/csv; charset=utf-8", filename=f"pharos-k-anonymous-{token[:8]}.csv"
    )
