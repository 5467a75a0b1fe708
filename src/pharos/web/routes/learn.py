"""Learn pages: analytics, emerging trends, equal protection, lessons and the improvement plan."""

from __future__ import annotations

import shutil
import tempfile
import threading
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, allowed, require
from pharos.domain.disclosure import DEFAULT_K
from pharos.i18n import _, lazy_gettext
from pharos.learn import analytics, charts
from pharos.learn import equity as equity_mod
from pharos.learn.importing import import_file
from pharos.learn.ingest.report import ImportRefused, ImportReport
from pharos.learn.labels import group_label, label, origin_label
from pharos.learn.options import DEFAULT_FOCUS, DEFAULT_MAX_BYTES, EQUITY_ALPHA, FOCUSES
from pharos.learn.own_cases import case_outcomes
from pharos.learn.selection import Selection, SelectionRefused, choices, select
from pharos.learn.store import REAL, Store, origin_of
from pharos.learn.trends import scan
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.templating import render as _render_page

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Analytics"), "/learn", "learn", "read", order=70))

SHARE_GROUPS = ("exp", "sector", "means", "rel", "rec")
#: Largest upload accepted by the import page (bytes), checked from Content-Length first.
MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES
_lock = threading.Lock()
_connections: dict[
    tuple[Path, tuple[str, ...] | None], tuple[tuple[str, ...], duckdb.DuckDBPyConnection]
] = {}


#: plotly.js sets ``style`` attributes and adds style rules while drawing, which a strict
#: ``style-src 'self'`` forbids; chart pages allow inline styles (never inline scripts).
CHART_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def _chart_page(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CHART_CSP
    return response


def render(
    request: Request, template: str, context: dict[str, object], status: int = 200
) -> Response:
    """The server's render, plus whether the user may import and export (for the learn tabs)."""
    auth = getattr(request.state, "auth", None)
    principal = auth.principal if auth else None
    can_import = principal is not None and allowed(principal, "learn", "import")
    can_export = principal is not None and allowed(principal, "learn", "export")
    extra = {"can_import": can_import, "can_export": can_export}
    return _render_page(request, template, {**context, **extra}, status)


def _store(request: Request) -> Store:
    """The analytics store the server reads: ``PHAROS_LEARN_STORE``, else ``<data_dir>/learn``
    (the same folder as ``pharos import``'s default, ``pharos.learn.store.default_root``)."""
    return Store(request.app.state.settings.learn_store)


def _cursor(store: Store, selection: Selection | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on an in-memory copy of the selected datasets (default: the real ones),
    reloaded when the store's datasets change."""
    selection = selection or Selection()
    signature = tuple(sorted(m["id"] for m in store.datasets()))
    key = (store.root, selection.ids)
    with _lock:
        cached = _connections.get(key)
        if cached is None or cached[0] != signature:
            if cached is not None:
                cached[1].close()
            con = store.connect(in_memory=True, datasets=selection.datasets)
            analytics.prepare(con)
            cached = (signature, con)
            _connections[key] = cached
        return cached[1].cursor()


def _pick(request: Request, dataset: list[str]) -> tuple[Selection, str]:
    """The datasets chosen in the picker, or the real default and the reason it was refused."""
    try:
        return select(_store(request), dataset), ""
    except SelectionRefused as exc:
        return Selection(), str(exc)


def _picker(
    request: Request, selection: Selection, dataset: list[str], error: str
) -> dict[str, object]:
    """Template context for the dataset picker and the origin banner."""
    return {
        "dataset_choices": choices(_store(request)),
        "files": {str(m["id"]): m["file"] for m in _store(request).datasets()},
        "chosen": set(dataset) if error else set(selection.ids or ()),
        "selection": selection,
        "pick_error": error,
    }


def _with_datasets(params: dict[str, str], selection: Selection) -> str:
    """A query string with the page's parameters and the selected datasets."""
    pairs = list(params.items()) + [("dataset", d) for d in selection.ids or ()]
    return urlencode(pairs)


def _refused_csv(error: str) -> Response:
    return Response(error, status_code=400, media_type="text/plain; charset=utf-8")


def _filters(year_from: str, year_to: str, focus: str, gender: str) -> analytics.Filters:
    def year(text: str) -> int | None:
        return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else None

    return analytics.Filters(
        year_from=year(year_from),
        year_to=year(year_to),
        focus=focus if focus in FOCUSES else DEFAULT_FOCUS,
        gender=gender if gender in ("feminine", "masculine", "trans_or_non_conforming") else None,
    )


def _tables(con: duckdb.DuckDBPyConnection, f: analytics.Filters) -> dict[str, analytics.Table]:
    out = {"victims_by_year": analytics.victims_by_year(con, f)}
    for group in SHARE_GROUPS:
        out[f"{group}_shares"] = analytics.group_shares(con, group, f)
    out["flows"] = analytics.flows(con, f)
    return out


@router.get("/learn", include_in_schema=False)
def analytics_page(
    request: Request,
    year_from: str = "",
    year_to: str = "",
    focus: str = DEFAULT_FOCUS,
    gender: str = "",
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
) -> Response:
    require(p, "learn", "read")
    f = _filters(year_from, year_to, focus, gender)
    selection, error = _pick(request, dataset)
    chart_list: list[charts.Chart] = []
    if not error:
        tables = _tables(_cursor(_store(request), selection), f)
        chart_list = [charts.years_chart(tables["victims_by_year"])]
        chart_list += [charts.shares_chart(tables[f"{g}_shares"], g) for g in SHARE_GROUPS]
        chart_list.append(charts.flows_chart(tables["flows"]))
    query = request.url.query
    for chart in chart_list:
        charts.mark_origin(chart, selection.banner())
        chart.csv_url = f"/learn/data/{chart.id}.csv" + (f"?{query}" if query else "")
    page = render(
        request,
        "learn/analytics.html",
        {
            "charts": chart_list,
            "f": f,
            "query": query,
            "k": DEFAULT_K,
            "datasets": [m for m in _store(request).datasets() if origin_of(m) == REAL],
            **_picker(request, selection, dataset, error),
            "focus_options": [
                ("mediterranean", _("Mediterranean states")),
                ("region", _("The states of the exercises")),
                ("all", _("All countries")),
            ],
            "gender_options": [
                (g, label("gender", g))
                for g in ("feminine", "masculine", "trans_or_non_conforming")
            ],
        },
        400 if error else 200,
    )
    return _chart_page(page)


@router.get("/learn/data/{name}.csv", include_in_schema=False)
def chart_csv(
    request: Request,
    name: str,
    year_from: str = "",
    year_to: str = "",
    focus: str = DEFAULT_FOCUS,
    gender: str = "",
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
) -> Response:
    require(p, "learn", "read")
    selection, error = _pick(request, dataset)
    if error:
        return _refused_csv(error)
    f = _filters(year_from, year_to, focus, gender)
    tables = _tables(_cursor(_store(request), selection), f)
    if name not in tables:
        return Response(status_code=404)
    return Response(
        charts.csv_with_origin(charts.table_csv(tables[name]), selection.banner()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="pharos-{name}.csv"'},
    )


@cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text.encode("utf-8")


@router.get("/learn/plotly.min.js", include_in_schema=False)
def plotly_js() -> Response:
    """plotly.js from the installed plotly package (no CDN)."""
    return Response(
        _plotly_js(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/learn/trends", include_in_schema=False)
def trends_page(
    request: Request,
    focus: str = DEFAULT_FOCUS,
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
) -> Response:
    require(p, "learn", "read")
    f = _filters("", "", focus, "")
    selection, error = _pick(request, dataset)
    report = scan(_cursor(_store(request), selection), f=f) if not error else None
    significant = report.significant if report else []
    chart_list = [charts.trend_chart(t, i) for i, t in enumerate(significant[:8])]
    for chart in chart_list:
        charts.mark_origin(chart, selection.banner())
        chart.csv_url = "/learn/trends.csv?" + _with_datasets({"focus": f.focus}, selection)
    names = {m["id"]: m["file"] for m in _store(request).datasets()}
    return _chart_page(
        render(
            request,
            "learn/trends.html",
            {
                "report": report,
                "significant": significant,
                "mix_sentence": report.mix.sentence(names) if report and report.mix.changed else "",
                "charts": chart_list,
                "focus": f.focus,
                **_picker(request, selection, dataset, error),
            },
            400 if error else 200,
        )
    )


@router.get("/learn/trends.csv", include_in_schema=False)
def trends_csv(
    request: Request,
    focus: str = DEFAULT_FOCUS,
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
) -> Response:
    require(p, "learn", "read")
    selection, error = _pick(request, dataset)
    if error:
        return _refused_csv(error)
    report = scan(_cursor(_store(request), selection), f=_filters("", "", focus, ""))
    return _csv(
        charts.csv_with_origin(charts.trends_csv(report.trends), selection.banner()), "trends"
    )


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="pharos-{name}.csv"'},
    )


@router.get("/learn/import", include_in_schema=False)
def import_page(request: Request, p: Principal = Depends(signed_in)) -> Response:
    require(p, "learn", "import")
    return render(request, "learn/import.html", _import_context(request, None, None))


def _import_context(
    request: Request, report: ImportReport | None, error: str | None, flash: str = ""
) -> dict[str, object]:
    auth = getattr(request.state, "auth", None)
    principal = auth.principal if auth else None
    return {
        "report": report,
        "error": error,
        "flash": flash,
        "can_delete": principal is not None and allowed(principal, "learn", "delete"),
        "limit_mb": MAX_UPLOAD_BYTES // 2**20,
        "datasets": _store(request).datasets(),
        "origin_label": origin_label,
    }


@router.post("/learn/import", include_in_schema=False)
async def import_upload(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Upload one file; it is refused by its declared size before any of it is read."""
    require(p, "learn", "import")
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        message = _("The upload must state its size (Content-Length); nothing was read.")
        return render(request, "learn/import.html", _import_context(request, None, message), 411)
    if int(declared) > MAX_UPLOAD_BYTES:
        message = _(
            "The file is %(size)s MB, more than the limit of %(limit)s MB; nothing was read."
        ) % {
            "size": int(declared) // 2**20,
            "limit": MAX_UPLOAD_BYTES // 2**20,
        }
        return render(request, "learn/import.html", _import_context(request, None, message), 413)
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = _("Choose a file to import.")
        return render(request, "learn/import.html", _import_context(request, None, message), 422)
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        message = _("%(file)s: Pharos imports CSV or Excel (.xlsx) files.") % {"file": name}
        return render(request, "learn/import.html", _import_context(request, None, message), 422)
    with tempfile.TemporaryDirectory(prefix="pharos-upload-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fp:
            shutil.copyfileobj(upload.file, fp)
        try:
            report = await run_in_threadpool(
                import_file,
                _store(request),
                path,
                accept_partial=form.get("accept_partial") == "true",
                force=form.get("force") == "true",
                max_bytes=MAX_UPLOAD_BYTES,
            )
        except ImportRefused as exc:
            return render(
                request, "learn/import.html", _import_context(request, None, str(exc)), 422
            )
    if report.written:
        detail = {"file": name, "rows": report.rows_accepted, "refused": report.rows_refused}
        audit.record(work.session, p, "import", "learn_dataset", report.dataset, detail=detail)
        work.commit()
    return render(
        request, "learn/import.html", _import_context(request, report, None),
        200 if report.written else 422,
    )  # fmt: skip


EQUITY_DIMENSIONS = {
    "gender": lazy_gettext("Gender"),
    "age_band": lazy_gettext("Age band"),
    "unaccompanied": lazy_gettext("Children, unaccompanied or not"),
    "citizenship": lazy_gettext("Nationality"),
    "exploitation_type": lazy_gettext("Type of exploitation"),
}


def _group_names(results: list[equity_mod.GroupResult]) -> dict[str, str]:
    return {r.group: group_label(r.dimension, r.group) for r in results}


def _all_cases(request: Request, work: UnitOfWork, selection: Selection) -> pl.DataFrame:
    """Imported case outcomes (HTCDS) and Pharos' own cases, minimised, as one frame; for
    simulated or exercise datasets, their case outcomes only (never mixed with real cases)."""
    imported = _store(request).frame("case_outcomes", selection.datasets)
    imported = imported.drop("dataset", strict=False)
    if not selection.real:
        return imported
    return pl.concat([imported, case_outcomes(work.session)], how="vertical_relaxed")


def _equity_cases(
    request: Request, p: Principal, work: UnitOfWork, dimension: str, dataset: list[str]
) -> tuple[str, Selection, str, pl.DataFrame]:
    """Checks access; the dimension (gender when unknown), the selection, its refusal (then no
    cases) and the selected cases for the equal-protection monitor."""
    require(p, "learn", "read")
    if dimension not in EQUITY_DIMENSIONS:
        dimension = "gender"
    selection, error = _pick(request, dataset)
    cases = _all_cases(request, work, selection)
    return dimension, selection, error, cases.clear() if error else cases


@router.get("/learn/equity.csv", include_in_schema=False)
def equity_csv(
    request: Request,
    dimension: str = "gender",
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    dimension, selection, error, cases = _equity_cases(request, p, work, dimension, dataset)
    if error:
        return _refused_csv(error)
    results = equity_mod.monitor(cases, (dimension,))
    text = charts.csv_with_origin(charts.equity_csv(results), selection.banner())
    return _csv(text, f"equity-{dimension}")


@router.get("/learn/equity", include_in_schema=False)
def equity_page(
    request: Request,
    dimension: str = "gender",
    dataset: list[str] = Query(default=[]),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    dimension, selection, error, cases = _equity_cases(request, p, work, dimension, dataset)
    every = equity_mod.monitor(cases)  # the whole family of tests, as `pharos equity` corrects
    results = [r for r in every if r.dimension == dimension]
    names = _group_names(results)
    outcome_titles = {
        "identified": _("Identified as victims"),
        "referred": _("Referred to assistance"),
        "protected": _("Protected (support plan)"),
    }
    chart_list = [
        charts.equity_chart(results, o, outcome_titles[o], names) for o in equity_mod.OUTCOMES
    ]
    for chart in chart_list:
        charts.mark_origin(chart, selection.banner())
        chart.csv_url = "/learn/equity.csv?" + _with_datasets({"dimension": dimension}, selection)
    return _chart_page(
        render(
            request,
            "learn/equity.html",
            {
                "results": results,
                "names": names,
                "dimension": dimension,
                "dimensions": [(k, str(v)) for k, v in EQUITY_DIMENSIONS.items()],
                "charts": chart_list,
                "outcomes": [(o, outcome_titles[o]) for o in equity_mod.OUTCOMES],
                "k": DEFAULT_K,
                "cases": cases.height,
                "tests": equity_mod.comparisons(every),
                "alpha": f"{100 * EQUITY_ALPHA:g}",
                **_picker(request, selection, dataset, error),
            },
            400 if error else 200,
        )
    )
