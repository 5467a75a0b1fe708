"""What one reader sees of a case: everything for those working on it in its state; a
pseudonymised view across borders (unless the victim consented to more); never a victim's
identity for journalists. Built once, used by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import attachments, audit, editing, queries, tasks
from pharos.coordinate.agency_names import account_name
from pharos.coordinate.cases import (
    case_ref,
    duplicate_disclosed,
    held_until,
    latest_consent,
    person_view,
    view_of,
)
from pharos.coordinate.permissions import (
    IdentityView,
    Principal,
    RecordRef,
    allowed,
    may_grant_reflection_period,
    may_widen_consent,
    sees_identity,
)
from pharos.coordinate.pseudonyms import secret_key
from pharos.coordinate.referrals import case_referrals
from pharos.coordinate.reflection import basis_text, period_warning, reflection_rule
from pharos.coordinate.requests import case_requests, replies_of
from pharos.coordinate.screening import carried_facts
from pharos.coordinate.vocabulary import audit_label
from pharos.domain.cooperation import instrument_codes
from pharos.store.models import (
    Case,
    CaseNote,
    ConsentRecord,
    CrossBorderRequest,
    DuplicateFlag,
    Referral,
    ReflectionPeriod,
    RequestReply,
    ScreeningRecord,
    SupportPlan,
    TraffickingEvent,
)

#: A record of a case (a row with a ``case_id``).
_R = TypeVar(
    "_R", CaseNote, SupportPlan, ConsentRecord, ReflectionPeriod, ScreeningRecord, DuplicateFlag
)


@dataclass(frozen=True)
class _Records:
    """The records of one case that the view shows, each in its order."""

    referrals: list[Referral]
    requests: list[CrossBorderRequest]
    replies: dict[int, list[RequestReply]]
    notes: list[CaseNote]
    plans: list[SupportPlan]
    consents: list[ConsentRecord]
    periods: list[ReflectionPeriod]
    screenings: list[ScreeningRecord]
    duplicates: list[DuplicateFlag]


def _records(session: Session, case: Case) -> _Records:
    def of_case(model: type[_R], *order: Any) -> list[_R]:
        query = select(model).where(model.case_id == case.id).order_by(*order)
        return list(session.execute(query).scalars())

    requests = case_requests(session, case.id)
    return _Records(
        referrals=case_referrals(session, case.id),
        requests=requests,
        replies=replies_of(session, [r.id for r in requests]),
        notes=of_case(CaseNote, CaseNote.id),
        plans=of_case(SupportPlan, SupportPlan.id),
        consents=of_case(ConsentRecord, ConsentRecord.id.desc()),
        periods=of_case(ReflectionPeriod, ReflectionPeriod.id),
        screenings=of_case(ScreeningRecord, ScreeningRecord.id),
        duplicates=[d for d in of_case(DuplicateFlag) if duplicate_disclosed(session, d)],
    )


def _agency_ids(case: Case, rec: _Records) -> set[int]:
    """Every agency the case's records name: owner, referrals' ends, requests' parties."""
    ids = {case.owner_agency_id}
    ids |= {r.from_agency_id for r in rec.referrals} | {r.to_agency_id for r in rec.referrals}
    ids |= {r.receiver_agency_id for r in rec.requests} | {r.sender_agency_id for r in rec.requests}
    ids |= {r.escalated_to_agency_id for r in rec.requests if r.escalated_to_agency_id}
    return ids


def _user_ids(case: Case, rec: _Records) -> set[int]:
    """Every user the case's records name: owner, authors, screeners, who resolved duplicates."""
    ids = {case.owner_user_id} | {n.author_id for n in rec.notes}
    ids |= {s.screened_by_id for s in rec.screenings}
    ids |= {x.author_id for rs in rec.replies.values() for x in rs}
    ids |= {d.resolved_by_id for d in rec.duplicates if d.resolved_by_id}
    ids |= {c.recorded_by_id for c in rec.consents}
    return ids


def _event(e: TraffickingEvent, full: bool) -> dict[str, Any]:
    return {
        "id": e.id,
        "type": e.type,
        "place": e.place if full else "",
        "country": e.country,
        "date": e.date,
        "description": e.description if full else "",
        "version": e.version,
    }


def _consent(
    consent: ConsentRecord | None, users: Mapping[int, str], with_text: bool
) -> dict[str, Any] | None:
    """A consent record with its note and, if it was one, the override's reason (shown to
    those who see the victim's identity: the note often says what the victim refused)."""
    if consent is None:
        return None
    return {
        "informed": consent.informed,
        "consent_for_services": consent.consent_for_services,
        "disclosure_other_orgs": consent.disclosure_other_orgs,
        "disclosure_cross_border": consent.disclosure_cross_border,
        "recorded_at": consent.recorded_at,
        "recorded_by": users.get(consent.recorded_by_id) if with_text else None,
        "note": consent.note if with_text else "",
        "override_reason": consent.override_reason if with_text else "",
    }


def _support_plan(s: SupportPlan) -> dict[str, Any]:
    return {
        "id": s.id,
        "type": s.type,
        "objectives": s.objectives,
        "action_plan": s.action_plan,
        "planned_end": s.planned_end,
        "actual_end": s.actual_end,
        "version": s.version,
    }


def _note(n: CaseNote, users: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": n.id,
        "author": users.get(n.author_id),
        "text": n.text,
        "created_at": n.created_at,
        "version": n.version,
    }


def _screening(s: ScreeningRecord, users: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": s.id,
        "presumption": s.result.get("presumption"),
        "indicators": [o["id"] for o in s.observations],
        "screened_by": users.get(s.screened_by_id),
        "screened_at": s.screened_at,
        **carried_facts(s),
    }


def _reflection_period(r: ReflectionPeriod, today: date, warn_days: int) -> dict[str, Any]:
    return {
        "id": r.id,
        "starts_on": r.starts_on,
        "ends_on": r.ends_on,
        "days": r.days,
        "basis": basis_text(r),
        "warning": period_warning(r, today, warn_days),
    }


def _overrides(
    rec: _Records, agencies: Mapping[int, str], users: Mapping[int, str]
) -> list[dict[str, Any]]:
    """The overrides of a missing consent, oldest first, with who made them and why: the owner
    sees who went beyond the victim's consent."""
    found = [
        {
            "at": r.created_at,
            "what": r.kind,
            "by": agencies.get(r.from_agency_id),
            "consents": list(r.overridden_consents or []),
            "reason": r.override_reason,
        }
        for r in rec.referrals
        if r.consent_override
    ] + [
        {
            "at": c.recorded_at,
            "what": "consent",
            "by": users.get(c.recorded_by_id),
            "consents": [],
            "reason": c.override_reason,
        }
        for c in rec.consents
        if c.override_reason
    ]
    return sorted(found, key=lambda o: o["at"])


def _referral(r: Referral, agencies: Mapping[int, str], full: bool) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "mechanism": r.mechanism,
        "stage": r.stage,
        "from_agency": agencies.get(r.from_agency_id),
        "to_agency": agencies.get(r.to_agency_id),
        "to_agency_id": r.to_agency_id,
        "from_agency_id": r.from_agency_id,
        "status": r.status,
        "reason": r.reason,
        "details": r.details if full else "",
        "rejection_reason": r.rejection_reason,
        "consent_override": r.consent_override,
        "overridden_consents": list(r.overridden_consents or []) if full else [],
        "override_reason": r.override_reason if full else "",
        "created_at": r.created_at,
        "responded_at": r.responded_at,
    }


def _request(
    r: CrossBorderRequest,
    answers: list[RequestReply],
    agencies: Mapping[int, str],
    users: Mapping[int, str],
) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type,
        "sender_state": r.sender_state,
        "receiver_state": r.receiver_state,
        "sender_agency": agencies.get(r.sender_agency_id),
        "receiver_agency": agencies.get(r.receiver_agency_id),
        "escalated_to": agencies.get(r.escalated_to_agency_id)
        if r.escalated_to_agency_id
        else None,
        "subject": r.subject,
        "body": r.body,
        "status": r.status,
        "sent_at": r.sent_at,
        "due_at": r.due_at,
        "answered_at": r.answered_at,
        "reminders_sent": r.reminders_sent,
        "escalated_at": r.escalated_at,
        "channel": r.channel,
        "legal_basis": r.legal_basis,
        "replies": [
            {
                "id": x.id,
                "author": users.get(x.author_id),
                "agency": agencies.get(x.agency_id, ""),
                "text": x.text,
                "created_at": x.created_at,
            }
            for x in answers
        ],
    }


def _duplicate(d: DuplicateFlag, users: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": d.id,
        "case_id": d.other_case_id,
        "reason": d.reason,
        "resolution": d.resolution,
        "resolved_by": users.get(d.resolved_by_id) if d.resolved_by_id else None,
        "resolved_at": d.resolved_at,
    }


def _may(p: Principal, case: Case, ref: RecordRef, view: IdentityView) -> dict[str, bool]:
    """What ``p`` may do on the case (the page's buttons; the server checks each again, with
    the same rules: changing a case or sending a request about it also needs the full view,
    ``cases.require_on_case`` and ``requests.send``, so a reader from another state without
    the victim's consent is offered no form that would fail)."""
    full = view is IdentityView.FULL
    return {
        "update": full and allowed(p, "case", "update", ref),
        "contribute": full and allowed(p, "case", "contribute", ref),
        "refer": allowed(p, "referral", "create", ref),
        "transfer": allowed(p, "transfer", "create", ref),
        "override_consent": allowed(p, "case", "override_consent", ref),
        "widen_consent": may_widen_consent(p, ref),
        "grant_reflection": allowed(p, "reflection_period", "create", ref)
        and may_grant_reflection_period(p, case.state),
        "send_request": full
        and any(allowed(p, f"request:{k}", "create", ref) for k in instrument_codes()),
        "audit": allowed(p, "case", "audit", ref),
        "export": allowed(p, "case", "export", ref),
        # giving the case to a colleague: its agency's caseworkers (tasks.assign_case)
        "assign": full
        and allowed(p, "case", "assign", ref)
        and allowed(p, "case", "update", ref)
        and p.agency_id == case.owner_agency_id,
        "add_task": full
        and allowed(p, "task", "create", ref)
        and allowed(p, "case", "contribute", ref),
    }


def _audit(session: Session, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "resource": e.resource,
            "label": audit_label(e.action, e.resource, e.detail),
        }
        for e in audit.case_trail(session, case.id, limit=50)
    ]


def case_detail(
    session: Session, p: Principal, case: Case, today: date, warn_days: int = 7
) -> dict[str, Any]:
    """The case as ``p`` may see it, with what ``p`` may do on it."""
    view = view_of(session, p, case)
    full = view is IdentityView.FULL
    sees = sees_identity(view)
    ref = case_ref(session, case)
    # A reader in a state the case was transferred away from sees what was recorded until it
    # moved (``IdentityView.HELD``), nothing recorded after.
    cut = held_until(session, p, case) if view is IdentityView.HELD else None

    def kept(at: datetime | None) -> bool:
        return full or (cut is not None and at is not None and at <= cut)

    rec = _records(session, case)
    persons, events = list(case.persons), list(case.events)
    if cut is not None:
        # what was recorded until the case moved, as it was then: later edits undone
        persons = editing.as_of(session, case, cut, persons)
        events = editing.as_of(session, case, cut, events)
        rec = replace(
            rec,
            notes=editing.as_of(session, case, cut, rec.notes),
            plans=editing.as_of(session, case, cut, rec.plans),
        )
    agency_ids = _agency_ids(case, rec)
    agencies = queries.agency_names(session, agency_ids)
    users = queries.usernames(session, _user_ids(case, rec))
    key = secret_key(session)
    referrals = [
        r
        for r in rec.referrals
        if kept(r.created_at) or p.agency_id in (r.from_agency_id, r.to_agency_id)
    ]
    requests = [
        r
        for r in rec.requests
        if kept(r.sent_at)
        or p.agency_id in (r.receiver_agency_id, r.escalated_to_agency_id, r.sender_agency_id)
    ]
    named = _agency_ids(case, replace(rec, referrals=referrals, requests=requests))
    out: dict[str, Any] = {
        "id": case.id,
        "reference": case.reference,
        "state": case.state,
        "status": case.status,
        "trm_stage": case.trm_stage,
        "status_version": case.status_version,
        "title": case.title if sees else "",
        "summary": case.summary if sees else "",
        "closure_reason": case.closure_reason if sees else "",
        "owner_agency": {"id": case.owner_agency_id, "name": agencies.get(case.owner_agency_id)},
        # Need to know: who works on the case is for those who see the victim's identity.
        "owner_user": users.get(case.owner_user_id) if sees else None,
        "owner_user_id": case.owner_user_id if sees else None,
        "exploitation_types": list(case.exploitation_types or []),
        "recruitment_methods": list(case.recruitment_methods or []),
        "methods_of_control": list(case.methods_of_control or []),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "identity_view": view.value,
        "held_until": cut,
        "persons": [
            person_view(case, person, IdentityView.FULL if kept(person.created_at) else view, key)
            for person in persons
            if sees or person.role == "victim" or view is IdentityView.PSEUDONYMISED
        ],
        # A reader who held the case sees the events recorded until it moved (and those recorded
        # before Pharos kept the time of recording, migration 0009).
        "events": [
            _event(e, sees)
            for e in events
            if full or cut is None or e.created_at is None or e.created_at <= cut
        ],
        "consent": _consent(latest_consent(session, case.id), users, full),
        "consent_history": len(rec.consents),
        # Every consent recorded, newest first, with its note (what the victim said) and any
        # override's reason: for those who see the identity (as held, until the case moved).
        "consents": [
            _consent(c, users, True) for c in rec.consents if sees and kept(c.recorded_at)
        ],
        "overrides": _overrides(rec, agencies, users) if full else [],
        # Support plans, notes, screenings and duplicates: only for those who see the identity
        # (as held until the case moved, for those who held it).
        "support_plans": [_support_plan(s) for s in rec.plans if kept(s.created_at)],
        "notes": [_note(n, users) for n in rec.notes if kept(n.created_at)],
        "screenings": [_screening(s, users) for s in rec.screenings if kept(s.screened_at)],
        "reflection_periods": [_reflection_period(r, today, warn_days) for r in rec.periods],
        # Need to know: where a case was referred (where the victim is sheltered, who represents
        # them) only for those who see the identity; others see the referrals of their agency.
        "referrals": [_referral(r, agencies, kept(r.created_at)) for r in referrals],
        "requests": [_request(r, rec.replies[r.id], agencies, users) for r in requests],
        "duplicates": [_duplicate(d, users) for d in rec.duplicates] if full else [],
        "reflection_rule": reflection_rule(case.state).__dict__,
        "may": _may(p, case, ref, view),
        # every edit of the case's records, with the values before and after, as this reader
        # may see them (a victim's identifying fields only for those who see the identity)
        "history": editing.history(
            session, case, view, until=cut, roles={x.id: x.role for x in case.persons}
        ),
        # Files the reader may open (a passport scan is identity data: permissions.sees_attachment)
        "attachments": [
            attachments.describe(a, agencies) for a in attachments.visible(session, p, case)
        ],
    }
    may = out["may"]
    # the tasks of the reader's agency on this case (another agency's tasks are its own)
    out["tasks"] = [tasks.task_view(t) for t in tasks.case_tasks(session, p, case, today)]
    if may["assign"] or may["add_task"]:
        out["colleagues"] = [
            {"id": u.id, "name": account_name(u), "username": u.username}
            for u in tasks.colleagues(session, p.agency_id)
        ]
    for n, note in zip(out["notes"], [n for n in rec.notes if kept(n.created_at)], strict=True):
        n["editable"] = may["contribute"] and editing.may_edit(session, p, case, "note", note)
    shown_plans = [s for s in rec.plans if kept(s.created_at)]
    refs = editing.plan_refs(session, case, shown_plans) if may["contribute"] else {}
    for d, plan in zip(out["support_plans"], shown_plans, strict=True):
        d["editable"] = may["contribute"] and editing.may_edit(
            session, p, case, "support_plan", plan, refs
        )
    out["may"]["attach"] = attachments.may_attach(session, p, case)
    if agency_ids:
        out["agency_names"] = {i: n for i, n in agencies.items() if i in named}
    if out["may"]["audit"]:
        out["audit"] = _audit(session, case)
    return out
