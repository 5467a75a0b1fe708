"""The hidden-figure page: estimate the number of victims no list caught, with a chart of the
estimate across models and a plain-language explanation; and its JSON API."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pharos.coordinate import audit
from pharos.coordinate.permissions import (
    Principal,
    Scope,
    require,
    scopes,
)
from pharos.coordinate.validation import ValidationFailed
from pharos.domain.disclosure import DEFAULT_K, DisclosureRuleError, check_k
from pharos.domain.geography import region_state_codes
from pharos.domain.vocabulary import ExploitationType, Gender
from pharos.domain.vocabulary_labels import label
from pharos.estimate.chart import models_chart
from pharos.estimate.examples import EXAMPLES
from pharos.estimate.from_cases import ListBy, records_from_cases
from pharos.estimate.options import Criterion
from pharos.estimate.records import RecordFilter, overlap_table_from_records
from pharos.estimate.report import HiddenFigure, estimate
from pharos.estimate.selection import NoModelError
from pharos.estimate.table import OverlapTable, OverlapTableError, parse_overlap_csv
from pharos.i18n import _, current_locale, lazy_gettext, ngettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.schemas import EstimateIn, errors
from pharos.web.templating import render

#: Largest uploaded table (bytes) and number of lists the page accepts.
MAX_UPLOAD = 1_000_000
MAX_LISTS = 8


router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Hidden figure"), "/estimate", "estimate", "read", order=70))


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


_STYLE_OBJECT = re.compile(r'=\{("X,X div".*?)\};for\(')
_STYLE_PAIR = re.compile(
    r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*:\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')"
)


@cache
def plotly_css() -> str:
    """Plotly's own style rules as a stylesheet.

    plotly.js injects these rules in a ``<style>`` element, which the Content-Security-Policy
    (``style-src 'self'``) blocks; a ``<link id="plotly.js-style-global"
    class="no-inline-styles">`` tells plotly.js not to inject them, and this serves the same
    rules, read from the installed bundle (selectors use X for ``.js-plotly-plot .plotly`` and
    Y for ``.plotly-notifier``, as plotly.js expands them).
    """
    found = _STYLE_OBJECT.search(_plotly_js())
    if found is None:
        return ""
    rules = []
    for key, value in _STYLE_PAIR.findall(found.group(1)):
        selector = re.sub(r"^,", " ,", key[1:-1])
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector}{{{value[1:-1]}}}")
    return "\n".join(rules) + "\n"


@router.get("/estimate/plotly.css", include_in_schema=False)
def plotly_stylesheet() -> Response:
    """Plotly's style rules (see :func:`plotly_css`)."""
    return Response(
        plotly_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/estimate/plotly.min.js", include_in_schema=False)
def plotly_js() -> Response:
    """Plotly's bundled JavaScript, served from the installed package (no CDN)."""
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _case_states(p: Principal) -> list[str]:
    granted = scopes(p, "estimate", "cases")
    if Scope.ALL in granted:
        return list(region_state_codes())
    if Scope.STATE in granted:
        return [p.state]
    return []


def _context(p: Principal, form: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "examples": [(key, str(e.title)) for key, e in EXAMPLES.items()],
        "case_states": _case_states(p),
        "exploitation_options": [(e.value, label(e)) for e in ExploitationType],
        "sex_options": [(g.value, label(g)) for g in Gender],
        "age_options": [
            ("child", _("Child (under 18)")),
            ("adult", _("Adult")),
            ("unknown", _("Unknown")),
        ],
        "form": form,
        "default_k": DEFAULT_K,
        "num": _number,
        **extra,
    }


def _number(value: float | None) -> str:
    """A whole number of people in the page's language; ∞ for no bound."""
    if value is None:
        return "∞"
    return str(format_decimal(round(value), locale=current_locale()))


def _int_or_none(value: str, field: str, errors: dict[str, str]) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        errors[field] = _("Enter a whole number.")
        return None


async def _read_form(request: Request) -> tuple[dict[str, Any], UploadFile | None]:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("table")
    return data, upload if isinstance(upload, UploadFile) and upload.filename else None


def _table_from_source(
    p: Principal,
    work: UnitOfWork,
    data: dict[str, Any],
    upload_text: str | None,
    errors: dict[str, str],
) -> tuple[OverlapTable | None, str]:
    """The overlap table the user asked for, and a description of where it comes from."""
    source = data.get("source", "example")
    if source == "upload":
        if upload_text is None:
            errors["table"] = _("Choose a CSV file to upload.")
            return None, ""
        try:
            return parse_overlap_csv(upload_text), _("uploaded table")
        except OverlapTableError as exc:
            errors["table"] = str(exc)
            return None, ""
    if source == "cases":
        require(p, "estimate", "cases")
        state = data.get("state", "")
        if state not in _case_states(p):
            errors["state"] = _("Choose a state you may see.")
            return None, ""
        where = RecordFilter(
            state=state,
            year=_int_or_none(data.get("year", ""), "year", errors),
            exploitation=data.get("exploitation") or None,
            sex=data.get("sex") or None,
            age_band=data.get("age_band") or None,
        )
        if errors:
            return None, ""
        list_by = ListBy.KIND if data.get("list_by") == "kind" else ListBy.AGENCY
        records = records_from_cases(work.session, list_by=list_by, states={state})
        try:
            table = overlap_table_from_records(records, where)
        except OverlapTableError as exc:
            errors["source"] = str(exc)
            return None, ""
        audit.record(
            work.session,
            p,
            "estimate_from_cases",
            "estimate",
            state,
            detail={"filter": {k: v for k, v in vars(where).items() if v is not None}},
        )
        work.commit()
        return table, _("Pharos cases of %(state)s") % {"state": state}
    example = EXAMPLES.get(data.get("example", ""))
    if example is None:
        errors["example"] = _("Choose one of the published tables.")
        return None, ""
    return example.table(), f"{example.title} ({example.source})"


def _run(table: OverlapTable, data: dict[str, Any], errors: dict[str, str]) -> HiddenFigure | None:
    criterion = data.get("criterion", Criterion.THRESHOLD.value)
    if criterion not in {c.value for c in Criterion}:
        errors["criterion"] = _("Choose the threshold method, AIC or BIC.")
    k = _int_or_none(str(data.get("k", "") or DEFAULT_K), "k", errors)
    if k is not None:
        try:
            check_k(k)
        except DisclosureRuleError:
            errors["k"] = _("k must be a whole number of at least 2")
    if table.n_lists > MAX_LISTS:
        errors["table"] = ngettext(
            "The page handles at most %(n)s list; use the command line.",
            "The page handles at most %(n)s lists; use the command line.",
            MAX_LISTS,
        ) % {"n": MAX_LISTS}
    if errors:
        return None
    try:
        return estimate(table, criterion, k=k or DEFAULT_K)
    except (OverlapTableError, NoModelError) as exc:
        errors["table"] = str(exc)
        return None


@router.get("/estimate", include_in_schema=False)
def estimate_page(request: Request, p: Principal = Depends(signed_in)) -> Response:
    require(p, "estimate", "read")
    form = {"source": "example", "example": "UKdat", "criterion": "threshold", "k": DEFAULT_K}
    return render(request, "estimate/page.html", _context(p, form))


@router.post("/estimate", include_in_schema=False)
async def estimate_submit(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "estimate", "read")
    data, upload = await _read_form(request)
    errors: dict[str, str] = {}
    text: str | None = None
    if upload is not None:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            errors["table"] = _("The file is larger than 1 MB.")
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors["table"] = _("the file is not UTF-8 text")
    result: HiddenFigure | None = None
    source_label = ""
    if not errors:
        # the cases of a state are read (and the reading audited) in a worker thread: a
        # statement on the event loop would stop every other request of the process
        table, source_label = await run_in_threadpool(
            _table_from_source, p, work, data, text, errors
        )
        if table is not None:
            # the search fits up to a thousand models: keep it off the event loop
            result = await run_in_threadpool(_run, table, data, errors)
    chart = models_chart(result) if result is not None else None
    ctx = _context(
        p,
        data,
        errors=errors,
        result=result,
        report=result.to_dict() if result is not None else None,
        source_label=source_label,
        chart=chart,
    )
    return render(request, "estimate/page.html", ctx, status=422 if errors else 200)


@router.post("/api/v1/estimate", tags=["estimate"], responses=errors(400, 401, 403, 422))
async def estimate_api(
    data: EstimateIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> JSONResponse:
    """Estimate the hidden figure of an overlap table.

    Body (JSON): ``{"csv": "<overlap table>"}`` or ``{"example": "UKdat"}`` or
    ``{"source": "cases", "state": "ITA", ...}`` (coordinators), optional
    ``"criterion": "threshold"|"aic"|"bic"`` (default threshold) and ``"k"`` (small-cell
    threshold, default 11). The answer is the report: estimate, interval (bootstrap for the
    threshold method, profile likelihood for AIC and BIC), chosen model, models considered and
    excluded, the overlap table with cells below k suppressed.
    """
    require(p, "estimate", "read")
    given = data.model_dump(mode="json", exclude_none=True)
    errors_: dict[str, str] = {}
    source = {
        "source": "upload" if data.csv is not None else "example",
        **{k: "" if v is None else str(v) if k == "year" else v for k, v in given.items()},
    }
    table, _label = await run_in_threadpool(_table_from_source, p, work, source, data.csv, errors_)
    result = await run_in_threadpool(_run, table, source, errors_) if table is not None else None
    if errors_ or result is None:
        raise ValidationFailed(errors_ or {"table": _("No estimate could be made.")})
    return JSONResponse(result.to_dict())
