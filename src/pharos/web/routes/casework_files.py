"""Files of case work (issue 18, items 4 and 8), on the pages and in the JSON API: files attached
to a case, a referral or a reply to a request; a case list to CSV, a case file to PDF. Every
upload, download and export is audited by the service that does it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as FormFile

from pharos.coordinate import attachments as files
from pharos.coordinate import cases, exports, queries
from pharos.coordinate.permissions import Principal
from pharos.coordinate.validation import ValidationFailed
from pharos.i18n import _
from pharos.store.uow import UnitOfWork
from pharos.web import schemas as s
from pharos.web.deps import RecordId, case_filter_query, signed_in, uow
from pharos.web.routes.cases import case_page

logger = logging.getLogger(__name__)
router = APIRouter()
API = "/api/v1"
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "the cases as CSV (UTF-8, with a BOM)"}
}
_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the case file as PDF"}
}


def download(data: bytes | str, media_type: str, filename: str) -> Response:
    """A file to save, never to show in the page: attachment, no sniffing, no script. The name
    is given in ASCII (anything else replaced by "_") and in UTF-8 (RFC 6266)."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def _case_list_csv(params: dict[str, str], p: Principal, work: UnitOfWork) -> Response:
    text = exports.case_list_csv(work.session, p, cases.case_filter(params))
    work.commit()  # the audited export
    return download(
        text.encode("utf-8"), "text/csv; charset=utf-8", f"cases-{date.today().isoformat()}.csv"
    )


def _case_file(request: Request, case_id: int, p: Principal, work: UnitOfWork) -> Response:
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    warn = request.app.state.settings.reflection_warning_days
    data = exports.case_file_pdf(work.session, p, case, date.today(), warn)
    work.commit()  # the audited export
    return download(data, "application/pdf", exports.case_file_name(case))


@router.get("/cases.csv", include_in_schema=False)
def case_list_csv(
    params: dict[str, str] = Depends(case_filter_query),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    return _case_list_csv(params, p, work)


@router.get("/cases/{case_id}/file.pdf", include_in_schema=False)
def case_file(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    return _case_file(request, case_id, p, work)


@router.get(
    f"{API}/cases.csv",
    tags=["cases"],
    response_class=Response,
    responses={**_CSV, **s.errors(401, 403, 422)},
)
def api_case_list_csv(
    params: dict[str, str] = Depends(case_filter_query),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Every case you may export that matches the filter (the case list's), as CSV: titles and
    victims' names only where you see the victim's identity; audited."""
    return _case_list_csv(params, p, work)


@router.get(
    f"{API}/cases/{{case_id}}/file.pdf",
    tags=["cases"],
    response_class=Response,
    responses={**_PDF, **s.errors(401, 403, 404, 422)},
)
def api_case_file(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """The case file as PDF (for a court or a shelter), as you see the case; audited with the
    file's SHA-256."""
    return _case_file(request, case_id, p, work)


# --- Attachments ---------------------------------------------------------------------------


def _store(request: Request) -> files.AttachmentStore:
    settings = request.app.state.settings
    return files.AttachmentStore(settings.attachments, settings.attachment_max_bytes)


async def _form_file(request: Request) -> tuple[BinaryIO, str]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, FormFile) or not upload.filename:
        raise ValidationFailed({"file": _("Choose a file to attach.")})
    return upload.file, upload.filename


def _damaged(exc: files.StoreDamaged) -> HTTPException:
    logger.error("attachment store: %s is missing or does not match its SHA-256", exc)
    return HTTPException(
        500,
        _(
            "The stored file is missing or was changed outside Pharos; the administrator can "
            "restore it from a backup."
        ),
    )


@router.post("/cases/{case_id}/attachments", include_in_schema=False)
async def case_attachment(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    files.check_upload(work.session, p, case)
    try:
        stream, name = await _form_file(request)
        files.attach(work.session, p, _store(request), stream, name, work.commit, case=case)
    except ValidationFailed as exc:
        work.rollback()
        case = cases.get_case(work.session, p, case_id, audit_read=False)
        return case_page(request, work, p, case, errors={"attachments": exc.errors}, status=422)
    return RedirectResponse(f"/cases/{case_id}#attachments", status_code=303)


@router.post("/referrals/{referral_id}/attachments", include_in_schema=False)
async def referral_attachment(
    request: Request,
    referral_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    referral, case = files.get_referral(work.session, p, referral_id)
    files.check_upload(work.session, p, case, referral=referral)
    stream, name = await _form_file(request)
    files.attach(
        work.session, p, _store(request), stream, name, work.commit, case=case, referral=referral
    )
    return RedirectResponse(f"/cases/{case.id}#referral-{referral.id}", status_code=303)


@router.post("/replies/{reply_id}/attachments", include_in_schema=False)
async def reply_attachment(
    request: Request,
    reply_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    reply, case = files.get_reply(work.session, p, reply_id)
    files.check_upload(work.session, p, case, reply=reply)
    stream, name = await _form_file(request)
    files.attach(
        work.session, p, _store(request), stream, name, work.commit, case=case, reply=reply
    )
    return RedirectResponse(f"/requests/{reply.request_id}#reply-{reply.id}", status_code=303)


def _open(request: Request, attachment_id: int, p: Principal, work: UnitOfWork) -> Response:
    try:
        a, data = files.open_file(work.session, p, _store(request), attachment_id)
    except files.StoreDamaged as exc:
        raise _damaged(exc) from exc
    work.commit()  # the audited download
    media = a.media_type + ("; charset=utf-8" if a.media_type == "text/plain" else "")
    return download(data, media, a.filename)


@router.get("/attachments/{attachment_id}", include_in_schema=False)
def attachment(
    request: Request,
    attachment_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    return _open(request, attachment_id, p, work)


_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {t: {} for t in files.TYPES},
        "description": "the file, to save (Content-Disposition: attachment)",
    }
}
UPLOAD = File(description="PDF, JPEG, PNG or plain UTF-8 text; the type is read from the content")


def _described(work: UnitOfWork, a: Any) -> dict[str, Any]:
    agencies = queries.agency_names(work.session, {a.agency_id})
    out = files.describe(a, agencies)
    out["created_at"] = a.created_at.isoformat()
    return out


def _api_attach(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    upload: UploadFile,
    case: Any,
    **target: Any,
) -> dict[str, Any]:
    a = files.attach(
        work.session,
        p,
        _store(request),
        upload.file,
        upload.filename or "",
        work.commit,
        case=case,
        **target,
    )
    return _described(work, a)


@router.post(
    f"{API}/cases/{{case_id}}/attachments",
    tags=["attachments"],
    status_code=201,
    responses=s.errors(400, 401, 403, 404, 422),
)
def api_case_attachment(
    request: Request,
    case_id: RecordId,
    file: UploadFile = UPLOAD,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Attach a file to the case (those who contribute to it, with the full view); audited."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    return _api_attach(request, work, p, file, case)


@router.post(
    f"{API}/referrals/{{referral_id}}/attachments",
    tags=["attachments"],
    status_code=201,
    responses=s.errors(400, 401, 403, 404, 422),
)
def api_referral_attachment(
    request: Request,
    referral_id: RecordId,
    file: UploadFile = UPLOAD,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Attach a file to a referral (its sender or receiver, while it stands); audited."""
    referral, case = files.get_referral(work.session, p, referral_id)
    return _api_attach(request, work, p, file, case, referral=referral)


@router.post(
    f"{API}/replies/{{reply_id}}/attachments",
    tags=["attachments"],
    status_code=201,
    responses=s.errors(400, 401, 403, 404, 422),
)
def api_reply_attachment(
    request: Request,
    reply_id: RecordId,
    file: UploadFile = UPLOAD,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Attach a file to a reply to a cross-border request (the agency that answered);
    audited."""
    reply, case = files.get_reply(work.session, p, reply_id)
    return _api_attach(request, work, p, file, case, reply=reply)


@router.get(
    f"{API}/cases/{{case_id}}/attachments",
    tags=["attachments"],
    responses=s.errors(401, 403, 404, 422),
)
def api_case_attachments(
    case_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> list[dict[str, Any]]:
    """The files of the case (on it, its referrals and its requests' replies) you may open:
    only where you see the victim's identity, and those your agency uploaded."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    return [_described(work, a) for a in files.visible(work.session, p, case)]


@router.get(
    f"{API}/attachments/{{attachment_id}}",
    tags=["attachments"],
    response_class=Response,
    responses={**_FILE, **s.errors(401, 403, 404, 422, 500)},
)
def api_attachment(
    request: Request,
    attachment_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """The file, if you may open it (else 404), checked against its SHA-256; audited."""
    return _open(request, attachment_id, p, work)
