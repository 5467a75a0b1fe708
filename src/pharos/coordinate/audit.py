"""The append-only, hash-chained audit trail: every read of a case and every change.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so
changing, removing or reordering any entry breaks the chain from there on; :func:`verify`
finds the first broken link, and compares the chain with its head row (written with every
entry), so an emptied or truncated trail fails. The database also refuses UPDATE and DELETE on
the table (triggers created by the migration). :func:`anchor` signs the head so that it can be
kept outside the database and checked later (:func:`read_anchor`, :func:`against_anchor`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pharos.coordinate.permissions import Principal
from pharos.i18n import _
from pharos.store.base import utcnow
from pharos.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str,
    id: int,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    resource: str,
    resource_id: str,
    case_id: int | None,
    detail: str,
) -> str:
    """The chained hash of one entry (hex SHA-256)."""
    payload = json.dumps(
        [
            prev_hash,
            id,
            at.isoformat(),
            actor_id,
            actor,
            action,
            resource,
            resource_id,
            case_id,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Principal | None,
    action: str,
    resource: str,
    resource_id: object = "",
    *,
    case_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the change)."""
    # Taking the head row first serialises appends: a row lock on PostgreSQL, the write lock
    # on SQLite.
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id + 1)
    )
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=1, last_hash=GENESIS)
        session.add(head)
        session.flush()
    at = utcnow()
    text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str)
    entry = AuditEntry(
        id=head.last_id,
        at=at,
        actor_id=actor.user_id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        resource=resource,
        resource_id=str(resource_id),
        case_id=case_id,
        detail=text,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(
        entry.prev_hash,
        entry.id,
        at,
        entry.actor_id,
        entry.actor,
        action,
        resource,
        entry.resource_id,
        case_id,
        text,
    )
    head.last_hash = entry.hash
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class AuditCheck:
    """The result of checking the whole chain: entries read, problems found, and the head the
    chain itself leads to (the newest entry's id and hash; 0 and ``GENESIS`` when empty)."""

    count: int
    problems: list[AuditProblem]
    last_id: int
    last_hash: str

    @property
    def intact(self) -> bool:
        return not self.problems


def check(session: Session) -> AuditCheck:
    """Check the whole chain and compare it with the head row.

    The head row is written with every entry: a chain shorter than its head (newest entries
    removed, or every entry removed) fails, and so does a chain without a head."""
    problems: list[AuditProblem] = []
    prev = GENESIS
    expected_id = 1
    count = 0
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if e.id != expected_id:
            problems.append(AuditProblem(e.id, _("entries missing before #%(id)s") % {"id": e.id}))
        if e.prev_hash != prev:
            problems.append(AuditProblem(e.id, _("does not follow the previous entry")))
        h = entry_hash(
            e.prev_hash,
            e.id,
            e.at,
            e.actor_id,
            e.actor,
            e.action,
            e.resource,
            e.resource_id,
            e.case_id,
            e.detail,
        )
        if h != e.hash:
            problems.append(AuditProblem(e.id, _("content changed after it was written")))
        prev = e.hash
        expected_id = e.id + 1
    last_id = expected_id - 1
    head = session.get(AuditHead, 1)
    if head is None:
        if count:
            problems.append(AuditProblem(last_id, _("the head of the trail was removed")))
    elif head.last_id != last_id or head.last_hash != prev:
        problems.append(
            AuditProblem(
                head.last_id,
                _(
                    "the trail ends at entry #%(found)s but its head says #%(head)s: "
                    "entries were removed"
                )
                % {"found": last_id, "head": head.last_id},
            )
        )
    return AuditCheck(count, problems, last_id, prev)


def verify(session: Session) -> tuple[int, list[AuditProblem]]:
    """Check the whole chain; returns (entries checked, problems found) (see :func:`check`)."""
    result = check(session)
    return result.count, result.problems


# -- anchors: the head kept outside the database ---------------------------------------------
ANCHOR_FORMAT = "pharos-audit-anchor/1"
_ANCHOR_FIELDS = ("format", "last_id", "last_hash", "written_at")


class AnchorError(ValueError):
    """An anchor file that cannot be read or whose signature does not hold."""


def _anchor_key(secret: bytes) -> bytes:
    # a key of its own, derived from the server's secret (which also keys the pseudonyms)
    return hmac.new(secret, b"pharos audit anchor v1", hashlib.sha256).digest()


def _signature(fields: dict[str, Any], secret: bytes) -> str:
    payload = json.dumps([fields[k] for k in _ANCHOR_FIELDS], separators=(",", ":"))
    return hmac.new(_anchor_key(secret), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def anchor(result: AuditCheck, secret: bytes) -> dict[str, Any]:
    """A signed anchor of the chain's head (HMAC-SHA256 under a key derived from the server's
    secret; docs/security.md says why not a public-key signature)."""
    fields: dict[str, Any] = {
        "format": ANCHOR_FORMAT,
        "last_id": result.last_id,
        "last_hash": result.last_hash,
        "written_at": utcnow().isoformat(timespec="seconds"),
    }
    return fields | {"signature": _signature(fields, secret)}


def read_anchor(text: str, secret: bytes) -> dict[str, Any]:
    """The fields of an anchor file, checked; raises :class:`AnchorError` saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnchorError(
            _("not JSON (line %(line)s): %(reason)s") % {"line": exc.lineno, "reason": exc.msg}
        ) from exc
    if not isinstance(data, dict):
        raise AnchorError(_("not an audit anchor"))
    if data.get("format") != ANCHOR_FORMAT:
        raise AnchorError(_("field %(field)s: not an audit anchor") % {"field": "format"})
    for name, kind in (("last_id", int), ("last_hash", str), ("written_at", str)):
        if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
            raise AnchorError(_("field %(field)s is missing or invalid") % {"field": name})
    sig = data.get("signature")
    if not isinstance(sig, str) or not hmac.compare_digest(sig, _signature(data, secret)):
        raise AnchorError(
            _(
                "the signature does not hold: the anchor was changed, or written with another "
                "server secret"
            )
        )
    return data


def against_anchor(session: Session, result: AuditCheck, data: dict[str, Any]) -> list[str]:
    """What contradicts a (checked) anchor: the anchored entry must still be in the chain with
    the anchored hash (the trail may have grown since)."""
    last_id, last_hash = data["last_id"], data["last_hash"]
    if last_id == 0:
        return []
    if result.last_id < last_id:
        return [
            _("the anchor covers entries up to #%(anchored)s; the trail now ends at #%(found)s")
            % {"anchored": last_id, "found": result.last_id}
        ]
    e = session.get(AuditEntry, last_id)
    if e is None or e.hash != last_hash:
        return [_("entry #%(id)s differs from the anchored one") % {"id": last_id}]
    return []


def entries(
    session: Session,
    *,
    case_id: int | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], int]:
    """A page of the trail, newest first, filtered by case, user and time; and how many match."""
    conditions = []
    if case_id is not None:
        conditions.append(AuditEntry.case_id == case_id)
    if actor:
        conditions.append(AuditEntry.actor == actor)
    if since is not None:
        conditions.append(AuditEntry.at >= since)
    if until is not None:
        conditions.append(AuditEntry.at < until)
    total = session.execute(
        select(func.count()).select_from(AuditEntry).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    ).scalars()
    return list(rows), int(total)


def case_trail(session: Session, case_id: int, limit: int = 200) -> list[AuditEntry]:
    """The newest entries about one case (who read or changed it, and when)."""
    q = (
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.execute(q).scalars())
