"""Files attached to case work (issue 18, item 4): a scanned passport or contract, a photo, a
signed form, on a case, on one of its referrals or on a reply to one of its requests.

- **Kept outside the database**, in the attachment store (a folder, ``PHAROS_ATTACHMENTS``,
  by default ``<data dir>/attachments``), under the content's SHA-256 (``ab/abcdef…``); the
  database holds the metadata (:class:`pharos.store.models.Attachment`), once.
- **Type read from the content**, never from the client's word or the file's extension, against
  an allow-list (:data:`TYPES`): PDF, JPEG, PNG and plain UTF-8 text. HTML, SVG, XML or any
  markup, executables, archives and empty files are refused with a message saying why; a file
  larger than the configured limit is refused before it is kept.
- **Nothing half-written**: the upload is written to a temporary file in the store and renamed
  into place (atomic), then the row and its audit entry are committed; if the commit fails, a
  file this upload added is removed again; if the file cannot be written, no row is added.
- **Served only to those allowed**: the case's readers with ``attachment:read`` who see the
  victim's identity (a passport scan is identity data), and the agency that uploaded the file
  (``permissions.sees_attachment``); those who read a case as held until it moved see the files
  added until then. Others get 404, as for a record they may not know exists. The bytes are
  checked against their SHA-256 on every download.
- **Every upload and download is in the audit trail**, with the case, and so is every refused
  upload (``refuse_upload``): who, which case (and referral or reply), why
  (``vocabulary.UPLOAD_REFUSALS``), the bytes received; never the file's content or name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import audit, referrals, requests
from pharos.coordinate.cases import (
    NotFound,
    case_ref,
    get_case,
    held_until,
    require_on_case,
    touch,
    view_of,
)
from pharos.coordinate.permissions import (
    IdentityView,
    PermissionDenied,
    Principal,
    RecordRef,
    allowed,
    require,
    sees_attachment,
)
from pharos.coordinate.validation import ValidationFailed
from pharos.coordinate.vocabulary import ReferralStatus
from pharos.i18n import _
from pharos.store.models import Attachment, Case, CrossBorderRequest, Referral, RequestReply

#: the types a file may have (read from its content) and the extension it is saved with
TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "text/plain": ".txt",
}
CHUNK = 1 << 16
#: what a name's characters may not be, besides control and format characters
_UNSAFE = re.compile(r"[\\/\"'`<>|:*?%;]")
_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|iframe|object|body)", re.IGNORECASE)


class Refused(ValidationFailed):
    """A file Pharos does not keep: the message on the field ``file``, and the reason's code
    (a key of ``vocabulary.UPLOAD_REFUSALS``) and the bytes received, for the audit trail."""

    def __init__(self, reason: str, message: str, size: int) -> None:
        super().__init__({"file": message})
        self.reason = reason
        self.size = size


class StoreDamaged(Exception):
    """A stored file is missing or no longer matches its SHA-256 (changed outside Pharos)."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    media_type: str
    #: whether this upload added the file to the store (False: the same content was there)
    created: bool


def _plain_text(data: bytes) -> bool:
    """Whether ``data`` is plain UTF-8 text: decodable, no control character but tab, line
    feed, form feed and carriage return, and no markup a browser would run or draw."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        return False
    return _MARKUP.search(data) is None and not text.lstrip("\ufeff \t\r\n").startswith("<")


def _markup(data: bytes) -> bool:
    """Whether a refused file held markup a browser would run or draw (HTML, SVG, XML, a
    script), or started like a tag: the reason the audit trail gives."""
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return _MARKUP.search(data) is not None or head.startswith(b"<")


def sniff(data: bytes) -> str | None:
    """The type of ``data`` read from its first bytes (its "magic number"), or None when it is
    no type Pharos keeps. PDF: ``%PDF-`` (ISO 32000-1, 7.5.2); JPEG: ``FF D8 FF`` (ITU T.81,
    the SOI marker and the next marker's FF); PNG: the eight-byte signature (RFC 2083, 3.1)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if _plain_text(data):
        return "text/plain"
    return None


def safe_filename(name: str, media_type: str) -> str:
    """The name a file is downloaded under: the client's name without folders, control or
    format characters (NUL, right-to-left overrides), quotes or characters file systems refuse,
    cut to 100 characters, with the extension of its real type."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:100] or "attachment"
    return stem + TYPES[media_type]


class AttachmentStore:
    """The folder of attached files, each under its SHA-256 (``ab/abcdef…``)."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise StoreDamaged(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, chunks: Iterator[bytes]) -> Stored:
        """Keep the file read from ``chunks``: refused (``ValidationFailed`` on the field
        ``file``) when empty, larger than the limit or of no allowed type; written to a
        temporary file and renamed into place."""
        incoming = self.root / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=incoming)
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise Refused(
                            "too_large",
                            _("The file is larger than %(mb)s MB, the most Pharos keeps.")
                            % {"mb": f"{self.max_bytes / 1024 / 1024:g}"},
                            size,
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise Refused("empty", _("The file is empty."), 0)
            data = Path(tmp).read_bytes()
            media_type = sniff(data)
            if media_type is None:
                raise Refused(
                    "markup" if _markup(data) else "type",
                    _(
                        "This file is not a PDF, JPEG or PNG image or plain text (its "
                        "content was read, not its name): Pharos keeps only these types."
                    ),
                    size,
                )
            sha = digest.hexdigest()
            final = self.path(sha)
            final.parent.mkdir(parents=True, exist_ok=True)
            created = not final.exists()
            if created:
                os.replace(tmp, final)
            return Stored(sha, size, media_type, created)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def read(self, sha256: str) -> bytes:
        """The file's bytes, checked against its SHA-256."""
        try:
            data = self.path(sha256).read_bytes()
        except OSError as exc:
            raise StoreDamaged(sha256) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreDamaged(sha256)
        return data

    def discard(self, sha256: str) -> None:
        """Remove a file (one this upload added, after its row could not be committed)."""
        self.path(sha256).unlink(missing_ok=True)


def chunks_of(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


# --- Who may add and open a file -------------------------------------------------------------


def _referral_ref(case: Case, r: Referral) -> RecordRef:
    return RecordRef(
        state=case.state, agency_id=r.from_agency_id, shared_agency_ids=frozenset({r.to_agency_id})
    )


def check_upload(
    session: Session,
    p: Principal,
    case: Case,
    referral: Referral | None = None,
    reply: RequestReply | None = None,
) -> None:
    """Raise :class:`PermissionDenied` unless ``p`` may attach a file to the case (or to
    ``referral`` or ``reply``, of the case)."""
    if referral is not None:
        # the referral's two ends, while it stands
        if p.agency_id not in (referral.from_agency_id, referral.to_agency_id) or (
            referral.status in (ReferralStatus.REJECTED.value, ReferralStatus.REVOKED.value)
        ):
            raise PermissionDenied(f"{p.username} may not attach a file to this referral")
        require(p, "attachment", "create", _referral_ref(case, referral))
    elif reply is not None:
        # the agency that answered
        request = session.get(CrossBorderRequest, reply.request_id)
        if request is None or reply.agency_id != p.agency_id:
            raise PermissionDenied(f"{p.username} may not attach a file to this reply")
        require(
            p,
            "attachment",
            "create",
            RecordRef(state=request.receiver_state, agency_id=reply.agency_id),
        )
    else:
        # those who contribute to the case (with the full view)
        require(p, "attachment", "create", require_on_case(session, p, case, "contribute"))


@dataclass(frozen=True)
class _Reader:
    """What decides which files of one case a reader opens."""

    p: Principal
    ref: RecordRef
    view: IdentityView
    cut: datetime | None
    referrals: dict[int, Referral]

    def opens(self, a: Attachment) -> bool:
        if not allowed(self.p, "attachment", "read", self.ref):
            return False
        if not sees_attachment(self.p, self.view, a.agency_id):
            return False
        if a.agency_id == self.p.agency_id or self.view is IdentityView.FULL:
            return True
        if self.view is IdentityView.HELD:
            return self.cut is not None and a.created_at <= self.cut
        return False


def _reader(session: Session, p: Principal, case: Case) -> _Reader:
    view = view_of(session, p, case)
    cut = held_until(session, p, case) if view is IdentityView.HELD else None
    referrals = {
        r.id: r
        for r in session.execute(select(Referral).where(Referral.case_id == case.id)).scalars()
    }
    return _Reader(p, case_ref(session, case), view, cut, referrals)


def visible(session: Session, p: Principal, case: Case) -> list[Attachment]:
    """The files of the case (on it, its referrals and its requests' replies) that ``p``
    may open, oldest first."""
    reader = _reader(session, p, case)
    rows = session.execute(
        select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    ).scalars()
    return [a for a in rows if reader.opens(a)]


def by_reply(session: Session, p: Principal, case: Case) -> dict[int, list[dict[str, object]]]:
    """The files ``p`` may open on the replies to the case's requests, by reply."""
    out: dict[int, list[dict[str, object]]] = {}
    for a in visible(session, p, case):
        if a.reply_id is not None:
            out.setdefault(a.reply_id, []).append(describe(a))
    return out


def may_attach(session: Session, p: Principal, case: Case) -> bool:
    """Whether ``p`` may add a file to the case itself (the case page's form)."""
    try:
        check_upload(session, p, case, None, None)
    except PermissionDenied:
        return False
    return True


# --- Adding and opening ------------------------------------------------------------------------


def attach(
    session: Session,
    p: Principal,
    store: AttachmentStore,
    stream: BinaryIO,
    filename: str,
    commit: Callable[[], None],
    *,
    case: Case,
    referral: Referral | None = None,
    reply: RequestReply | None = None,
) -> Attachment:
    """Keep the file read from ``stream`` on the case (or on ``referral`` or ``reply``, of the
    case) and commit it with its audit entry; refused before anything is written when ``p`` may
    not, or when the file is not one Pharos keeps. A file this upload added is removed again if
    the commit fails."""
    check_upload(session, p, case, referral, reply)
    on = "referral" if referral else "reply" if reply else "case"
    try:
        stored = store.put(chunks_of(stream))
    except Refused as refused:
        # the refusal is committed (nothing else was written), then refused as before
        audit.record(
            session,
            p,
            "refuse_upload",
            "attachment",
            case_id=case.id,
            detail={
                "reason": refused.reason,
                "size": refused.size,
                "on": on,
                "referral_id": referral.id if referral else None,
                "reply_id": reply.id if reply else None,
            },
        )
        commit()
        raise
    try:
        row = Attachment(
            case_id=case.id,
            referral_id=referral.id if referral is not None else None,
            reply_id=reply.id if reply is not None else None,
            sha256=stored.sha256,
            size=stored.size,
            media_type=stored.media_type,
            filename=safe_filename(filename, stored.media_type),
            uploaded_by_id=p.user_id,
            agency_id=p.agency_id,
        )
        session.add(row)
        session.flush()
        touch(case)
        audit.record(
            session,
            p,
            "upload",
            "attachment",
            row.id,
            case_id=case.id,
            detail={
                "sha256": stored.sha256,
                "size": stored.size,
                "type": stored.media_type,
                "on": on,
            },
        )
        commit()
    except BaseException:
        if stored.created:
            store.discard(stored.sha256)
        raise
    return row


def get_referral(session: Session, p: Principal, referral_id: int) -> tuple[Referral, Case]:
    """A referral ``p`` may read, and its case (else :class:`NotFound`)."""
    r = referrals.get_referral(session, p, referral_id)
    case = session.get(Case, r.case_id)
    if case is None:
        raise NotFound()
    return r, case


def get_reply(session: Session, p: Principal, reply_id: int) -> tuple[RequestReply, Case]:
    """A reply to a request ``p`` may read, and the request's case (else :class:`NotFound`)."""
    reply = session.get(RequestReply, reply_id)
    if reply is None:
        raise NotFound()
    request = requests.get_request(session, p, reply.request_id)
    case = session.get(Case, request.case_id)
    if case is None:
        raise NotFound()
    return reply, case


def open_file(
    session: Session, p: Principal, store: AttachmentStore, attachment_id: int
) -> tuple[Attachment, bytes]:
    """The file and its bytes if ``p`` may open it (else :class:`NotFound`); audited."""
    a = session.get(Attachment, attachment_id)
    if a is None:
        raise NotFound()
    case = get_case(session, p, a.case_id, audit_read=False)
    if not _reader(session, p, case).opens(a):
        raise NotFound()
    data = store.read(a.sha256)
    audit.record(
        session,
        p,
        "download",
        "attachment",
        a.id,
        case_id=case.id,
        detail={"sha256": a.sha256, "filename": a.filename},
    )
    return a, data


def describe(a: Attachment, agencies: dict[int, str] | None = None) -> dict[str, object]:
    """An attachment as the pages and the API show it."""
    return {
        "id": a.id,
        "case_id": a.case_id,
        "referral_id": a.referral_id,
        "reply_id": a.reply_id,
        "filename": a.filename,
        "media_type": a.media_type,
        "size": a.size,
        "sha256": a.sha256,
        "agency": (agencies or {}).get(a.agency_id, ""),
        "created_at": a.created_at,
        "url": f"/attachments/{a.id}",
    }
