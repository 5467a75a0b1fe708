"""Learn pages: the lessons library and the improvement plan."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate.permissions import Principal
from pharos.domain.geography import region_state_codes
from pharos.i18n import lazy_gettext
from pharos.learn import lessons
from pharos.learn.labels import country_label, label
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.labels import template_labels
from pharos.web.routes.learn import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Lessons"), "/learn/lessons", "lesson", "read", order=72))


def _lesson_labels() -> dict[str, object]:
    labels = template_labels()
    out: dict[str, object] = {
        "PILLARS": [(k.value, str(v)) for k, v in lessons.PILLAR_LABELS.items()],
        "SOURCES": [(k.value, str(v)) for k, v in lessons.SOURCE_LABELS.items()],
        "STATUSES": [(k.value, str(v)) for k, v in lessons.STATUS_LABELS.items()],
        "STATES": [(c, country_label(c)) for c in region_state_codes()],
        "KINDS": labels["KINDS"],
        "EXPLOITATION": [
            (c.removeprefix("exp_"), label("exp", c.removeprefix("exp_")))
            for c in (
                "exp_forced_labour",
                "exp_sexual_exploitation",
                "exp_forced_begging",
                "exp_forced_criminality",
                "exp_forced_marriage",
                "exp_servitude",
                "exp_organ_removal",
                "exp_child_labour",
                "exp_other",
            )
        ],
    }
    for key in ("PILLARS", "SOURCES", "STATES", "EXPLOITATION"):
        out[key.removesuffix("S") + "_NAMES"] = dict(out[key])  # type: ignore[call-overload]
    return out


@router.get("/learn/lessons", include_in_schema=False)
def lessons_page(
    request: Request,
    q: str = "",
    pillar: str = "",
    state: str = "",
    kind: str = "",
    exploitation: str = "",
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    found = lessons.search_lessons(
        work.session, p, query=q[:200], pillar=pillar[:20], state=state[:3], kind=kind[:40],
        exploitation=exploitation[:40],
    )  # fmt: skip
    return render(
        request,
        "learn/lessons.html",
        {
            "lessons": found,
            "plan": lessons.plan(work.session, p),
            "q": q,
            "pillar": pillar,
            "state": state,
            "kind": kind,
            "exploitation": exploitation,
            "L": _lesson_labels(),
            "today": date.today(),
        },
    )


@router.post("/learn/lessons", include_in_schema=False)
async def add_lesson(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    lesson = lessons.add_lesson(work.session, p, data)
    work.commit()
    return RedirectResponse(f"/learn/lessons#lesson-{lesson.id}", status_code=303)


@router.post("/learn/plan", include_in_schema=False)
async def add_item(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    lessons.add_item(work.session, p, data)
    work.commit()
    return RedirectResponse("/learn/lessons#plan", status_code=303)


@router.post("/learn/plan/{item_id}", include_in_schema=False)
async def update_item(
    request: Request, item_id: RecordId, p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:  # fmt: skip
    data = await body(request)
    lessons.set_item_status(work.session, p, item_id, str(data.get("status", "")))
    work.commit()
    return RedirectResponse("/learn/lessons#plan", status_code=303)
