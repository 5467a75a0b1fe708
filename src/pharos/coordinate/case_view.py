"""What one reader sees of a case: everything for those working on it in its state; a
pseudonymised view across borders (unless the victim consented to more); never a victim's
identity for journalists. Built once, used by the pages and the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import audit, queries
from pharos.coordinate.cases import (
    case_ref,
    latest_consent,
    person_view,
    view_of,
)
from pharos.coordinate.permissions import (
    IdentityView,
    Principal,
    allowed,
    may_grant_reflection_period,
)
from pharos.coordinate.pseudonyms import secret_key
from pharos.coordinate.referrals import case_referrals
from pharos.coordinate.reflection import basis_text, period_warning, reflection_rule
from pharos.coordinate.requests import case_requests, replies
from pharos.coordinate.vocabulary import AUDIT_LABELS, RESOURCE_LABELS
from pharos.domain.cooperation import instrument_codes
from pharos.store.models import (
    Case,
    CaseNote,
    ConsentRecord,
    DuplicateFlag,
    ReflectionPeriod,
    ScreeningRecord,
    SupportPlan,
)


def case_detail(
    session: Session, p: Principal, case: Case, today: date, warn_days: int = 7
) -> dict[str, Any]:
    """The case as ``p`` may see it, with what ``p`` may do on it."""
    view = view_of(session, p, case)
    full = view is IdentityView.FULL
    ref = case_ref(session, case)
    referrals = case_referrals(session, case.id)
    requests = case_requests(session, case.id)
    notes = list(
        session.execute(
            select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)
        ).scalars()
    )
    plans = list(
        session.execute(
            select(SupportPlan).where(SupportPlan.case_id == case.id).order_by(SupportPlan.id)
        ).scalars()
    )
    consents = list(
        session.execute(
            select(ConsentRecord)
            .where(ConsentRecord.case_id == case.id)
            .order_by(ConsentRecord.id.desc())
        ).scalars()
    )
    periods = list(
        session.execute(
            select(ReflectionPeriod)
            .where(ReflectionPeriod.case_id == case.id)
            .order_by(ReflectionPeriod.id)
        ).scalars()
    )
    screenings = list(
        session.execute(
            select(ScreeningRecord)
            .where(ScreeningRecord.case_id == case.id)
            .order_by(ScreeningRecord.id)
        ).scalars()
    )
    duplicates = list(
        session.execute(select(DuplicateFlag).where(DuplicateFlag.case_id == case.id)).scalars()
    )
    agency_ids = (
        {case.owner_agency_id}
        | {r.from_agency_id for r in referrals}
        | {r.to_agency_id for r in referrals}
    )
    agency_ids |= {r.receiver_agency_id for r in requests} | {r.sender_agency_id for r in requests}
    agency_ids |= {r.escalated_to_agency_id for r in requests if r.escalated_to_agency_id}
    agencies = queries.agency_names(session, agency_ids)
    all_replies = {r.id: replies(session, r.id) for r in requests}
    user_ids = (
        {case.owner_user_id} | {n.author_id for n in notes} | {s.screened_by_id for s in screenings}
    )
    user_ids |= {x.author_id for rs in all_replies.values() for x in rs}
    user_ids |= {d.resolved_by_id for d in duplicates if d.resolved_by_id}
    users = queries.usernames(session, user_ids)
    consent = latest_consent(session, case.id)
    key = secret_key(session)
    out: dict[str, Any] = {
        "id": case.id,
        "reference": case.reference,
        "state": case.state,
        "status": case.status,
        "trm_stage": case.trm_stage,
        "title": case.title if full else "",
        "summary": case.summary if full else "",
        "closure_reason": case.closure_reason if full else "",
        "owner_agency": {"id": case.owner_agency_id, "name": agencies.get(case.owner_agency_id)},
        "owner_user": users.get(case.owner_user_id),
        "exploitation_types": list(case.exploitation_types or []),
        "recruitment_methods": list(case.recruitment_methods or []),
        "methods_of_control": list(case.methods_of_control or []),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "identity_view": view.value,
        "persons": [
            person_view(case, person, view, key)
            for person in case.persons
            if full or person.role == "victim" or view is IdentityView.PSEUDONYMISED
        ],
        "events": [
            {
                "id": e.id,
                "type": e.type,
                "place": e.place if full else "",
                "country": e.country,
                "date": e.date,
                "description": e.description if full else "",
            }
            for e in case.events
        ],
        "consent": None
        if consent is None
        else {
            "informed": consent.informed,
            "consent_for_services": consent.consent_for_services,
            "disclosure_other_orgs": consent.disclosure_other_orgs,
            "disclosure_cross_border": consent.disclosure_cross_border,
            "recorded_at": consent.recorded_at,
        },
        "consent_history": len(consents),
        "support_plans": [
            {
                "id": s.id,
                "type": s.type,
                "objectives": s.objectives,
                "action_plan": s.action_plan,
                "planned_end": s.planned_end,
            }
            for s in plans
        ]
        if full
        else [],
        "notes": [
            {
                "id": n.id,
                "author": users.get(n.author_id),
                "text": n.text,
                "created_at": n.created_at,
            }
            for n in notes
        ]
        if full
        else [],
        "screenings": [
            {
                "id": s.id,
                "presumption": s.result.get("presumption"),
                "indicators": [o["id"] for o in s.observations],
                "screened_by": users.get(s.screened_by_id),
                "screened_at": s.screened_at,
            }
            for s in screenings
        ]
        if full
        else [],
        "reflection_periods": [
            {
                "id": r.id,
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
                "days": r.days,
                "basis": basis_text(r),
                "warning": period_warning(r, today, warn_days),
            }
            for r in periods
        ],
        "referrals": [
            {
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
                "override_reason": r.override_reason if full else "",
                "created_at": r.created_at,
            }
            for r in referrals
        ],
        "requests": [
            {
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
                        "author": users.get(x.author_id),
                        "agency": agencies.get(x.agency_id, ""),
                        "text": x.text,
                        "created_at": x.created_at,
                    }
                    for x in all_replies[r.id]
                ],
            }
            for r in requests
            if full
            or p.agency_id in (r.receiver_agency_id, r.escalated_to_agency_id, r.sender_agency_id)
        ],
        "duplicates": [
            {
                "id": d.id,
                "case_id": d.other_case_id,
                "reason": d.reason,
                "resolution": d.resolution,
                "resolved_by": users.get(d.resolved_by_id) if d.resolved_by_id else None,
                "resolved_at": d.resolved_at,
            }
            for d in duplicates
        ]
        if full
        else [],
        "reflection_rule": reflection_rule(case.state).__dict__,
        "may": {
            "update": allowed(p, "case", "update", ref),
            "contribute": allowed(p, "case", "contribute", ref),
            "refer": allowed(p, "referral", "create", ref),
            "transfer": allowed(p, "transfer", "create", ref),
            "override_consent": allowed(p, "case", "override_consent", ref),
            "grant_reflection": allowed(p, "reflection_period", "create", ref)
            and may_grant_reflection_period(p, case.state),
            "send_request": any(
                allowed(p, f"request:{k}", "create", ref) for k in instrument_codes()
            ),
            "audit": allowed(p, "case", "audit", ref),
        },
    }
    if agency_ids:
        out["agency_names"] = agencies
    if out["may"]["audit"]:
        out["audit"] = [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "resource": e.resource,
                "label": f"{AUDIT_LABELS.get(e.action, e.action)} · "
                f"{RESOURCE_LABELS.get(e.resource, e.resource)}",
            }
            for e in audit.case_trail(session, case.id, limit=50)
        ]
    return out
