"""Case pages: list, open, read, and the forms on a case (persons, timeline, consent, support
plans, notes, status, reflection period) and the edits of its records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import cases as svc
from pharos.coordinate import duplicates, editing, queries, reflection, tasks
from pharos.coordinate import screening as screening_svc
from pharos.coordinate.case_view import case_detail
from pharos.coordinate.permissions import Principal, allowed, require
from pharos.coordinate.validation import StaleEdit, ValidationFailed
from pharos.coordinate.vocabulary import CASE_STATUS_LABELS, TRM_STAGES
from pharos.domain.geography import region_state_codes
from pharos.i18n import _, lazy_gettext
from pharos.store.models import Case, ScreeningRecord
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import OptionalRecordId, RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Cases"), "/cases", "case", "read", order=10))


def case_page(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    case: Case,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
    values: dict[str, Any] | None = None,
    unsaved: dict[str, list[tuple[str, str]]] | None = None,
) -> Response:
    settings = request.app.state.settings
    detail = case_detail(work.session, p, case, date.today(), settings.reflection_warning_days)
    agencies = queries.other_agencies(work.session, case.owner_agency_id)
    return render(
        request,
        "cases/detail.html",
        {
            "case": detail,
            "errors": errors or {},
            "values": values or {},
            "unsaved": unsaved or {},
            "agencies": agencies,
            "L": template_labels(),
            "today": date.today(),
            "me_agency": p.agency_id,
            "region_states": [s for s in region_state_codes() if s != p.state],
        },
        status=status,
    )


@router.get("/cases", include_in_schema=False)
def case_list(
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    require(p, "case", "read")
    params = dict(request.query_params)
    errors: dict[str, str] = {}
    try:
        wanted = svc.case_filter(params)
    except ValidationFailed as exc:
        errors = exc.errors
        wanted = svc.CaseFilter()
    found = svc.find_cases(work.session, p, wanted)
    views = svc.views_of(work.session, p, found.cases)
    agencies = queries.agencies_by_state(work.session)
    kept = {k: v for k, v in params.items() if k != "page" and v}
    return render(
        request,
        "cases/list.html",
        {
            "cases": found.cases,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "views": views,
            "values": params,
            "errors": errors,
            "query": urlencode(kept),
            "agencies": agencies,
            "sorts": svc.SORTS,
            "L": template_labels(),
            "may_create": allowed(p, "case", "create"),
            "may_export": allowed(p, "case", "export"),
        },
        status=422 if errors else 200,
    )


@router.get("/cases/new", include_in_schema=False)
def new_case(
    request: Request,
    screening_id: OptionalRecordId = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    require(p, "case", "create")
    screening = work.session.get(ScreeningRecord, screening_id) if screening_id else None
    values: dict[str, Any] = {}
    carried: dict[str, Any] = {}
    if screening is not None and screening.agency_id == p.agency_id and screening.case_id is None:
        values = screening_svc.case_values(screening)
        carried = screening_svc.carried_facts(screening)
    return render(
        request,
        "cases/new.html",
        {"values": values, "carried": carried, "errors": {}, "L": template_labels()},
    )


@router.post("/cases", include_in_schema=False)
async def create_case(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    try:
        case = svc.open_case(work.session, p, data)
    except ValidationFailed as exc:
        work.rollback()
        return render(
            request,
            "cases/new.html",
            {"values": data, "errors": exc.errors, "L": template_labels()},
            status=422,
        )
    work.commit()
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}", include_in_schema=False)
def show_case(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    case = svc.get_case(work.session, p, case_id)
    work.commit()  # the audited read
    return case_page(request, work, p, case)


Action = svc.CaseAction
FORMS: dict[str, tuple[Action, str]] = {
    "persons": (svc.add_person, "persons"),
    "events": (svc.add_event, "timeline"),
    "consent": (svc.record_consent, "consent"),
    "plans": (svc.add_support_plan, "plans"),
    "notes": (svc.add_note, "notes"),
    "status": (svc.set_status, "status"),
    "reflection": (reflection.grant_reflection_period, "reflection"),
    "duplicates": (duplicates.resolve_duplicate, "duplicates"),
    "tasks": (tasks.add_task, "tasks"),
    "assign": (tasks.assign_case, "assignment"),
}


def _unsaved_status(case: Case, data: dict[str, Any]) -> list[tuple[str, str]]:
    """What a stale status form sent that differs from the case now (shown as not saved)."""
    sent: dict[str, tuple[str, str, str, Mapping[Any, Any]]] = {
        "status": (_("Status"), str(data.get("status") or ""), case.status, CASE_STATUS_LABELS),
        "trm_stage": (
            _("Transnational stage"),
            str(data.get("trm_stage") or ""),
            str(case.trm_stage),
            TRM_STAGES,
        ),
        "closure_reason": (
            _("Reason for closure"),
            str(data.get("closure_reason") or "").strip(),
            case.closure_reason,
            {},
        ),
    }
    out = []
    for label, value, now, labels in sent.values():
        if value and value != now:
            named = {str(k): str(v) for k, v in labels.items()}
            out.append((str(label), named.get(value, value)))
    return out


async def case_form(
    request: Request,
    case_id: RecordId,
    form: str,
    action: Action,
    anchor: str,
    p: Principal,
    work: UnitOfWork,
) -> Response:
    """Apply one form to a case in one transaction; on invalid input re-show the page with
    the errors next to the fields and change nothing."""
    data = await body(request)
    case = svc.get_case(work.session, p, case_id, audit_read=False)
    try:
        action(work.session, p, case, data)
    except ValidationFailed as exc:
        work.rollback()
        case = svc.get_case(work.session, p, case_id, audit_read=False)
        status = int(getattr(exc, "status", 422))  # 409: changed since the page was loaded
        unsaved = {form: _unsaved_status(case, data)} if isinstance(exc, StaleEdit) else {}
        return case_page(
            request,
            work,
            p,
            case,
            errors={form: exc.errors},
            status=status,
            values={form: data},
            unsaved=unsaved,
        )
    work.commit()
    return RedirectResponse(f"/cases/{case_id}#{anchor}", status_code=303)


def _register(form: str, action: Action, anchor: str) -> None:
    async def handler(
        request: Request,
        case_id: RecordId,
        p: Principal = Depends(signed_in),
        work: UnitOfWork = Depends(uow),
    ) -> Response:
        return await case_form(request, case_id, form, action, anchor, p, work)

    handler.__name__ = f"case_{form}"
    router.add_api_route(
        f"/cases/{{case_id}}/{form}", handler, methods=["POST"], include_in_schema=False
    )


for _form, (_action, _anchor) in FORMS.items():
    _register(_form, _action, _anchor)


#: the edit forms of a case's records: (path segment, kind of record, anchor on the page)
EDIT_FORMS: tuple[tuple[str, str, str], ...] = (
    ("persons", "person", "persons"),
    ("events", "event", "timeline"),
    ("notes", "note", "notes"),
    ("plans", "support_plan", "plans"),
)


async def edit_form(
    request: Request,
    case_id: int,
    record_id: int,
    kind: str,
    anchor: str,
    p: Principal,
    work: UnitOfWork,
) -> Response:
    """Apply an edit form to one record of a case. Invalid input re-shows the page with the
    errors next to the fields (422); a form loaded before someone else's change (409) re-shows
    the record's current values, with the values sent listed as not saved."""
    data = await body(request)
    if kind == "person":
        data.setdefault("perpetrator_roles", [])  # unticked boxes send nothing
    case = svc.get_case(work.session, p, case_id, audit_read=False)
    key = f"{kind}-{record_id}"
    try:
        editing.EDITS[kind](work.session, p, case, record_id, data)
    except ValidationFailed as exc:
        work.rollback()
        case = svc.get_case(work.session, p, case_id, audit_read=False)
        status = int(getattr(exc, "status", 422))
        unsaved: dict[str, list[tuple[str, str]]] = {}
        if isinstance(exc, StaleEdit):
            current = editing.current_values(
                kind, editing.record_of(work.session, case, kind, record_id)
            )
            unsaved[key] = [
                (
                    str(editing.FIELD_LABELS.get(f, f)),
                    ", ".join(v) if isinstance(v, list) else str(v),
                )
                for f in editing.EDITABLE[kind].fields
                if f in data
                and (v := data[f]) is not None
                and editing.comparable(v) != editing.comparable(current.get(f))
            ]
        return case_page(
            request,
            work,
            p,
            case,
            errors={key: exc.errors},
            status=status,
            values={} if unsaved else {key: data},
            unsaved=unsaved,
        )
    work.commit()
    return RedirectResponse(f"/cases/{case_id}#{anchor}", status_code=303)


def _register_edit(segment: str, kind: str, anchor: str) -> None:
    async def handler(
        request: Request,
        case_id: RecordId,
        record_id: RecordId,
        p: Principal = Depends(signed_in),
        work: UnitOfWork = Depends(uow),
    ) -> Response:
        return await edit_form(request, case_id, record_id, kind, anchor, p, work)

    handler.__name__ = f"edit_{kind}"
    router.add_api_route(
        f"/cases/{{case_id}}/{segment}/{{record_id}}",
        handler,
        methods=["POST"],
        include_in_schema=False,
    )


for _segment, _kind, _anchor in EDIT_FORMS:
    _register_edit(_segment, _kind, _anchor)


#: the forms on one task of a case: (path after the task's id, the service)
TASK_FORMS: dict[str, Any] = {"": tasks.update_task, "/done": tasks.complete_task}


def _register_task_form(suffix: str, action: Any) -> None:
    async def handler(
        request: Request,
        case_id: RecordId,
        task_id: RecordId,
        p: Principal = Depends(signed_in),
        work: UnitOfWork = Depends(uow),
    ) -> Response:
        """Change or mark done one task; invalid input (422) or a task changed since the page
        was loaded (409) re-shows the page with the message at the task."""
        data = await body(request)
        case = svc.get_case(work.session, p, case_id, audit_read=False)
        try:
            action(work.session, p, case, task_id, data)
        except ValidationFailed as exc:
            work.rollback()
            case = svc.get_case(work.session, p, case_id, audit_read=False)
            key = f"task-{task_id}"
            stale = isinstance(exc, StaleEdit)
            return case_page(
                request,
                work,
                p,
                case,
                errors={key: exc.errors},
                status=int(getattr(exc, "status", 422)),
                values={} if stale else {key: data},
            )
        work.commit()
        return RedirectResponse(f"/cases/{case_id}#tasks", status_code=303)

    handler.__name__ = "task" + suffix.replace("/", "_")
    router.add_api_route(
        f"/cases/{{case_id}}/tasks/{{task_id}}{suffix}",
        handler,
        methods=["POST"],
        include_in_schema=False,
    )


for _suffix, _task_action in TASK_FORMS.items():
    _register_task_form(_suffix, _task_action)
