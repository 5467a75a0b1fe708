"""Referrals and transfers through the national referral mechanism (NRM pillars) and the five
transnational referral stages (TRM). A referral shares the case; a transfer, once accepted,
moves its ownership. Both check the victim's consent; a missing consent may be overridden
only by a user allowed to, with a reason, and the override is recorded.

States (Primero's transition model): in_progress -> accepted | rejected (with reason) |
revoked; in_progress or accepted -> done (referrals) .
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pharos.coordinate import agency_names, audit, notifications
from pharos.coordinate.cases import NotFound, case_ref, latest_consent, view_of
from pharos.coordinate.permissions import (
    Principal,
    RecordRef,
    allowed,
    crosses_border,
    holds_cases,
    is_practitioner_agency,
    represents_victim,
    require,
    sees_identity,
)
from pharos.coordinate.validation import Fields, ValidationFailed
from pharos.coordinate.vocabulary import ReferralReason, ReferralStatus
from pharos.domain import consent
from pharos.i18n import _
from pharos.store.base import utcnow
from pharos.store.models import Agency, Case, CaseAccess, CaseAssignment, Referral


def _consents(missing: list[str]) -> str:
    """The missing consents (``missing_consent``) in words."""
    return consent.in_words(missing)


def referral_ref(r: Referral) -> RecordRef:
    return RecordRef(
        state="",
        agency_id=r.from_agency_id,
        owner_user_ids=frozenset({r.from_user_id}),
        shared_agency_ids=frozenset({r.to_agency_id}),
    )


def get_referral(session: Session, p: Principal, referral_id: int) -> Referral:
    r = session.get(Referral, referral_id)
    if r is None or not allowed(p, "referral", "read", referral_ref(r)):
        raise NotFound()
    return r


def missing_consent(session: Session, case: Case, kind: str, to_state: str) -> list[str]:
    """The consents a referral (services and disclosure to other organisations) or a transfer
    (disclosure to other organisations) to an agency of ``to_state`` needs and does not have
    (Primero's consent gates); either needs the consent to disclosure across borders when the
    agency is in another state: the data follows the victim's consent."""
    c = latest_consent(session, case.id)
    needed = consent.needed(kind, crosses_border(case.state, to_state))
    if c is None or not c.informed:
        return needed
    return [n for n in needed if not getattr(c, n)]


def refer(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> Referral:
    """Refer (or transfer, ``kind="transfer"``) a case to another agency."""
    # The page offers the national pillars and the transnational stages apart ("nrm:4",
    # "trm:5"); the API may send the number alone, read in the mechanism the agency implies.
    chosen, _sep, number = str(data.get("stage") or "").rpartition(":")
    if chosen:
        data = {**data, "stage": number if chosen in ("nrm", "trm") else data["stage"]}
    f = Fields(data)
    kind = f.one_of("kind", ["referral", "transfer"], required=False) or "referral"
    ref = case_ref(session, case)
    require(p, "transfer" if kind == "transfer" else "referral", "create", ref)
    to_id = f.record_id("to_agency_id")
    to = session.get(Agency, to_id) if to_id else None
    if to is not None and not is_practitioner_agency(to.kind):
        to = None  # the administrators' office takes no case
    if to_id and to is None:
        f.fail("to_agency_id", _("No such agency."))
    mechanism = "nrm"
    if to is not None:
        if to.id == case.owner_agency_id:
            f.fail("to_agency_id", _("The case is already with this agency."))
        mechanism = "nrm" if to.state == case.state else "trm"
        if kind == "transfer" and not holds_cases(to.kind):
            f.fail("to_agency_id", _("A case cannot be transferred to this kind of agency."))
    stage = f.integer("stage", minimum=1, maximum=5)
    if to is not None and chosen in ("nrm", "trm") and chosen != mechanism:
        f.fail(
            "stage",
            _("%(agency)s is in the same state: choose one of the national (NRM) pillars.")
            % {"agency": agency_names.of(to)}
            if mechanism == "nrm"
            else _("%(agency)s is in another state: choose one of the transnational (TRM) stages.")
            % {"agency": agency_names.of(to)},
        )
    elif mechanism == "nrm" and stage == 5:
        f.fail("stage", _("A national referral uses the four NRM pillars (1 to 4)."))
    reason = f.choice("reason", ReferralReason)
    details = f.text("details", max_length=5000)
    override_reason = f.text("override_reason", max_length=2000)
    f.check()
    assert to is not None and reason is not None and stage is not None
    pending = session.execute(
        select(Referral).where(
            Referral.case_id == case.id,
            Referral.to_agency_id == to.id,
            Referral.status == ReferralStatus.IN_PROGRESS.value,
        )
    ).first()
    if pending:
        raise ValidationFailed(
            {"to_agency_id": _("A referral to this agency is already in progress.")}
        )
    missing = missing_consent(session, case, kind, to.state)
    override = False
    if missing:
        may_override = allowed(p, "case", "override_consent", ref)
        if not may_override and override_reason:
            raise ValidationFailed(
                {"override_reason": _("You are not authorised to override a missing consent.")}
            )
        if not may_override:
            # The form offers no override to those who may not make one: no word about it.
            raise ValidationFailed(
                {
                    "consent": _(
                        "The victim has not consented to: %(what)s. Record the victim's consent "
                        "first."
                    )
                    % {"what": _consents(missing)}
                }
            )
        if not override_reason:
            raise ValidationFailed(
                {
                    "consent": _(
                        "The victim has not consented to: %(what)s. Record the consent first, "
                        "or give the reason for an authorised override."
                    )
                    % {"what": _consents(missing)}
                }
            )
        override = True
    r = Referral(
        case_id=case.id,
        kind=kind,
        mechanism=mechanism,
        stage=stage,
        from_agency_id=p.agency_id,
        from_user_id=p.user_id,
        to_agency_id=to.id,
        reason=reason.value,
        details=details,
        consent_override=override,
        override_reason=override_reason if override else "",
        overridden_consents=missing if override else [],
    )
    session.add(r)
    session.flush()
    session.add(CaseAccess(case_id=case.id, agency_id=to.id, via="referral", via_id=r.id))
    audit.record(
        session,
        p,
        "create",
        kind,
        r.id,
        case_id=case.id,
        detail={
            "to_agency": to.id,
            "stage": stage,
            "mechanism": mechanism,
            "consent_override": override,
            "missing_consent": missing,
            "override_reason": override_reason if override else "",
        },
    )
    notifications.notify_agencies(
        session,
        [to.id],
        f"{kind}_received",
        subject="referral",
        subject_id=r.id,
        case_id=case.id,
        params={"agency": p.agency_id},
        actor=p,
        may_read=lambda reader: allowed(reader, "referral", "read", referral_ref(r)),
    )
    return r


def _close_access(session: Session, r: Referral) -> None:
    session.execute(
        update(CaseAccess)
        .where(CaseAccess.via == "referral", CaseAccess.via_id == r.id)
        .values(active=False)
    )


def respond(session: Session, p: Principal, r: Referral, data: dict[str, Any]) -> Referral:
    """The receiving agency accepts or rejects (with a reason); the sender revokes or marks done."""
    f = Fields(data)
    action = f.one_of("action", ["accept", "reject", "revoke", "done"])
    reason = f.text("reason", max_length=2000)
    f.check()
    ref = referral_ref(r)
    status = ReferralStatus(r.status)
    if action in ("accept", "reject"):
        require(p, "referral", "respond", ref)
        if status is not ReferralStatus.IN_PROGRESS:
            raise ValidationFailed(
                {"action": _("Only a referral in progress can be accepted or rejected.")}
            )
        if action == "reject" and not reason:
            raise ValidationFailed({"reason": _("Say why the referral is rejected.")})
    else:
        require(p, "referral", "update", ref)
        allowed_from = (
            {ReferralStatus.IN_PROGRESS}
            if action == "revoke" or r.kind == "transfer"
            else {ReferralStatus.IN_PROGRESS, ReferralStatus.ACCEPTED}
        )
        if action == "done" and r.kind == "transfer":
            allowed_from = set()
        if status not in allowed_from:
            raise ValidationFailed({"action": _("This referral can no longer change that way.")})
    case = session.get(Case, r.case_id)
    assert case is not None
    new = {
        "accept": ReferralStatus.ACCEPTED,
        "reject": ReferralStatus.REJECTED,
        "revoke": ReferralStatus.REVOKED,
        "done": ReferralStatus.DONE,
    }[action]
    r.status = new.value
    r.responded_by_id = p.user_id
    r.responded_at = utcnow()
    if action == "reject":
        r.rejection_reason = reason
    if new in (ReferralStatus.REJECTED, ReferralStatus.REVOKED):
        _close_access(session, r)
    if new is ReferralStatus.ACCEPTED:
        if r.kind == "transfer":
            # Ownership moves. If the case leaves the state, the agencies that held it keep
            # reading what they held until now (``Scope.HELD``, ``IdentityView.HELD``).
            previous = case.owner_agency_id
            case.owner_agency_id = r.to_agency_id
            case.owner_user_id = p.user_id
            to = session.get(Agency, r.to_agency_id)
            if to is not None:
                case.state = to.state
            _close_access(session, r)
            audit.record(
                session,
                p,
                "transfer_ownership",
                "case",
                case.id,
                case_id=case.id,
                detail={"from_agency": previous, "to_agency": r.to_agency_id},
            )
        elif represents_victim(p):
            # The accepting lawyer now represents the victim: the case is their client's.
            session.add(CaseAssignment(case_id=case.id, user_id=p.user_id, role="lawyer"))
    case.updated_at = utcnow()
    audit.record(session, p, action, r.kind, r.id, case_id=case.id, detail={"reason": reason})
    if action in ("accept", "reject"):
        # the sending agency learns the answer (where the referral stays theirs to read)
        notifications.notify_agencies(
            session,
            [r.from_agency_id],
            f"{r.kind}_{'accepted' if action == 'accept' else 'rejected'}",
            subject="referral",
            subject_id=r.id,
            case_id=case.id,
            params={"agency": p.agency_id},
            actor=p,
            may_read=lambda reader: allowed(reader, "referral", "read", ref),
        )
    return r


def recorded_for(session: Session, p: Principal, r: Referral) -> dict[str, Any]:
    """What the sender recorded with a referral, as ``p`` (at either end) may read it: the
    reason always; the arrangements and an override's reason only if ``p`` sees the victim's
    identity in the case (they often name the victim's needs, language or whereabouts); whether
    ``p`` may open the case (a receiver reads it while the referral gives access)."""
    case = session.get(Case, r.case_id)
    assert case is not None
    ref = case_ref(session, case)
    readable = allowed(p, "case", "read", ref)
    sees = readable and sees_identity(view_of(session, p, case))
    return {
        "reason": r.reason,
        "details": r.details if sees else "",
        "override_reason": r.override_reason if sees and r.consent_override else "",
        "overridden_consents": _consents(list(r.overridden_consents or []))
        if r.consent_override and r.overridden_consents
        else "",
        "withheld": bool(r.details) and not sees,
        "case_readable": readable,
    }


def case_referrals(session: Session, case_id: int) -> list[Referral]:
    return list(
        session.execute(
            select(Referral).where(Referral.case_id == case_id).order_by(Referral.id)
        ).scalars()
    )


def incoming(session: Session, p: Principal, status: str | None = None) -> list[Referral]:
    q = select(Referral).where(Referral.to_agency_id == p.agency_id)
    if status:
        q = q.where(Referral.status == status)
    return list(session.execute(q.order_by(Referral.id.desc())).scalars())


def outgoing(session: Session, p: Principal) -> list[Referral]:
    q = select(Referral).where(Referral.from_agency_id == p.agency_id)
    return list(session.execute(q.order_by(Referral.id.desc())).scalars())
