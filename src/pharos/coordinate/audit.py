"""The append-only, hash-chained audit trail: every read of a case and every change.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so
changing, removing or reordering any entry breaks the chain from there on; :func:`verify`
finds the first broken link. The database also refuses UPDATE and DELETE on the table
(triggers created by the migration).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pharos.coordinate.permissions import Principal
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


def verify(session: Session) -> tuple[int, list[AuditProblem]]:
    """Check the whole chain; returns (entries checked, problems found)."""
    problems: list[AuditProblem] = []
    prev = GENESIS
    expected_id = 1
    count = 0
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if e.id != expected_id:
            problems.append(AuditProblem(e.id, f"entries missing before #{e.id}"))
        if e.prev_hash != prev:
            problems.append(AuditProblem(e.id, "does not follow the previous entry"))
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
            problems.append(AuditProblem(e.id, "content changed after it was written"))
        prev = e.hash
        expected_id = e.id + 1
    head = session.get(AuditHead, 1)
    if head is not None and count and (head.last_hash != prev or head.last_id != expected_id - 1):
        problems.append(AuditProblem(head.last_id, "the newest entries were removed"))
    return count, problems


def case_trail(session: Session, case_id: int, limit: int = 200) -> list[AuditEntry]:
    """The newest entries about one case (who read or changed it, and when)."""
    q = (
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.execute(q).scalars())
