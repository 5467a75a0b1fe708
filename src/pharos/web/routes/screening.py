"""Screening a person against the ILO/EC indicators, and opening a case from the result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import screening as svc
from pharos.coordinate.cases import case_ref
from pharos.coordinate.permissions import Principal, allowed, require
from pharos.coordinate.validation import ValidationFailed
from pharos.coordinate.vocabulary import ACT_LABELS
from pharos.domain.explain import (
    ASKING_ADVICE,
    PRESUMPTION_LABELS,
    ROUTE_LABELS,
    dimension_label,
    explain,
    exploration_lines,
    forced_labour_text,
    indicator_label,
    outcome_text,
    question_groups,
    question_label,
    question_texts,
    step_details,
    step_who,
)
from pharos.domain.indicators import Weight, delphi_indicators, dimensions
from pharos.domain.next_steps import next_steps
from pharos.i18n import _, format_list, lazy_gettext
from pharos.store.models import Case, User
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Screening"), "/screenings/new", "screening", "create", order=5))


WEIGHT_LABELS = {
    Weight.STRONG: lazy_gettext("strong"),
    Weight.MEDIUM: lazy_gettext("medium"),
    Weight.WEAK: lazy_gettext("weak"),
}


def _weight(weight: Weight | None) -> str:
    return str(WEIGHT_LABELS[weight]) if weight is not None else ""


def form_context() -> dict[str, Any]:
    """What the screening form's fields need (``screening/_fields.html``): the indicators by
    dimension with their weights, the acts and the labels."""
    groups = []
    inds = delphi_indicators()
    for d in dimensions():
        groups.append(
            (
                d.id.value,
                dimension_label(d.id),
                [
                    (
                        i.id,
                        indicator_label(i.id),
                        _weight(i.adult or i.child),
                    )
                    for i in inds.values()
                    if i.dimension is d.id
                ],
            )
        )
    return {
        "groups": groups,
        "acts": [(a.value, str(label)) for a, label in ACT_LABELS.items()],
        "L": template_labels(),
    }


def _form(
    request: Request,
    p: Principal,
    work: UnitOfWork,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "screening/new.html",
        {
            **form_context(),
            "errors": errors or {},
            "values": values or {},
            "recent": svc.my_screenings(work.session, p)[:10],
        },
        status=status,
    )


@router.get("/screenings/new", include_in_schema=False)
def new(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "screening", "create")
    return _form(request, p, work)


@router.post("/screenings", include_in_schema=False)
async def create(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    try:
        record = svc.record_screening(work.session, p, data)
    except ValidationFailed as exc:
        work.rollback()
        return _form(request, p, work, exc.errors, data, status=422)
    work.commit()
    return RedirectResponse(f"/screenings/{record.id}", status_code=303)


@router.get("/screenings/{screening_id}", include_in_schema=False)
def show(
    request: Request,
    screening_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    record = svc.get_screening(work.session, p, screening_id)
    result = svc.rescreen(record)
    screener = work.session.get(User, record.screened_by_id)
    exploration = exploration_lines(result)
    steps = [
        (step.route.value, _(ROUTE_LABELS[step.route]), step_who(step), step_details(step))
        for step in next_steps(result, record.state)
    ]
    # what the reader may do from here, checked on the server (the forms check again)
    case = work.session.get(Case, record.case_id) if record.case_id else None
    may_open_case = case is None and allowed(p, "case", "create")
    may_refer = case is not None and allowed(p, "referral", "create", case_ref(work.session, case))
    return render(
        request,
        "screening/result.html",
        {
            "record": record,
            "result": result,
            "presumption": _(PRESUMPTION_LABELS[result.presumption]),
            "lines": [
                line
                for line in explain(result)
                if line not in exploration and line != forced_labour_text(result)
            ],
            "explored": format_list(dimension_label(d) for d in result.explored),
            "exploration": exploration,
            "outcome_text": outcome_text(result),
            "forced_labour": forced_labour_text(result),
            "steps": steps,
            "may_open_case": may_open_case,
            "may_refer": may_refer,
            "asking_advice": _(ASKING_ADVICE),
            "question_groups": [
                (
                    dimension_label(dimension) if dimension is not None else None,
                    [(question_label(q), q.decisive, question_texts(q)) for q in questions],
                )
                for dimension, questions in question_groups(result)
            ],
            "observed": [
                (o["id"], indicator_label(o["id"]), o.get("note")) for o in record.observations
            ],
            "ruled_out": [indicator_label(i) for i in record.person_facts.get("ruled_out", [])],
            "screener": screener.username if screener else "?",
            "L": template_labels(),
        },
    )
