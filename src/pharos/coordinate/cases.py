"""Cases (HTCDS): open, read (with the audit of every read), persons, timeline, consent, support
plans, notes, status, the recovery and reflection period and duplicate flagging."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    union,
    union_all,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from pharos.coordinate import audit, notifications, pseudonyms
from pharos.coordinate.permissions import (
    IdentityView,
    PermissionDenied,
    Principal,
    RecordRef,
    Scope,
    allowed,
    crosses_border,
    identity_view,
    may_widen_consent,
    require,
    scopes,
    searches_names,
)
from pharos.coordinate.validation import Fields, StaleEdit, ValidationFailed
from pharos.coordinate.vocabulary import (
    CaseStatus,
    EventType,
    PersonRole,
    ReferralStatus,
    SupportPlanType,
)
from pharos.domain import consent as consent_rules
from pharos.domain.geography import countries, region_state_codes
from pharos.domain.vocabulary import (
    ExploitationType,
    Gender,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    TraffickingStatus,
)
from pharos.i18n import _
from pharos.store.base import utcnow
from pharos.store.models import (
    Agency,
    AuditEntry,
    Case,
    CaseAccess,
    CaseAssignment,
    CaseNote,
    CaseReferenceCounter,
    ConsentRecord,
    DuplicateFlag,
    Person,
    Referral,
    ScreeningRecord,
    SupportPlan,
    TraffickingEvent,
)


class NotFound(Exception):
    """No such record, or the user may not know it exists (routes answer 404)."""


# --- Scope ---------------------------------------------------------------------------------


#: ``Session.info`` key of what the scope checks of a request read about its cases
#: (:func:`_scope_facts`)
SCOPE_FACTS = "pharos.case_scope_facts"


def _forget_scope_facts(session: Session, *_args: Any) -> None:
    session.info.pop(SCOPE_FACTS, None)


def _forget_after_writing(session: Session, *_args: Any) -> None:
    """Forget the facts once anything but an audit entry (which changes no one's scope: a
    read of the case is one) is written, or is about to be (added, changed or deleted in the
    session: a query would write it first)."""
    written = [*session.new, *session.dirty, *session.deleted]
    if not all(isinstance(o, AuditEntry) for o in written):
        _forget_scope_facts(session)


# what was read is forgotten once anything is written (a referral accepted, a consent recorded,
# a case assigned) or the transaction ends, so that no check reads a fact older than the
# request's own changes
sa_event.listen(Session, "after_flush", _forget_after_writing)
for _event in ("after_commit", "after_rollback", "after_soft_rollback"):
    sa_event.listen(Session, _event, _forget_scope_facts)


def _scope_facts(session: Session, kind: str, case_id: int, read: Callable[[], Any]) -> Any:
    """What ``read`` returns about case ``case_id`` (``kind``: which fact), read once per
    request: the case page asks "may this reader see this case, and how much of it" of every
    part it shows (the case, its notes, plans, attachments, tasks), 20 times the same queries
    before (tests/integration/server/test_case_list_scale.py counts them). Kept in the
    session until its next write or the end of its transaction."""
    _forget_after_writing(session)  # something added and not yet written: read again
    facts = session.info.setdefault(SCOPE_FACTS, {})
    key = (kind, case_id)
    if key not in facts:
        facts[key] = read()
    return facts[key]


def _moves(session: Session, case: Case) -> RecordRef:
    """A case's ``RecordRef`` as its identity view needs it: its state, the states it was
    transferred away from and their agencies, and the agencies abroad an override disclosed it
    to (not its owners and shares)."""
    moves = transfers_out(session, case.id)
    held_states = {state for _agency, state, _at in moves} - {case.state}
    held_agencies = {agency for agency, state, _at in moves if state in held_states}
    disclosed = _scope_facts(
        session,
        "disclosed",
        case.id,
        lambda: session.execute(
            select(Referral.to_agency_id, Referral.overridden_consents).where(
                Referral.case_id == case.id,
                Referral.mechanism == "trm",
                Referral.status.in_(
                    [ReferralStatus.IN_PROGRESS.value, ReferralStatus.ACCEPTED.value]
                ),
            )
        ).all(),
    )
    return RecordRef(
        state=case.state,
        held_agency_ids=frozenset(held_agencies),
        held_states=frozenset(held_states),
        disclosed_agency_ids=frozenset(
            agency for agency, overridden in disclosed if CROSS_BORDER in (overridden or [])
        ),
    )


def case_ref(session: Session, case: Case) -> RecordRef:
    owners = {case.owner_user_id}
    owners.update(
        _scope_facts(
            session,
            "assigned",
            case.id,
            lambda: list(
                session.execute(
                    select(CaseAssignment.user_id).where(CaseAssignment.case_id == case.id)
                ).scalars()
            ),
        )
    )
    shared = _scope_facts(
        session,
        "shared",
        case.id,
        lambda: list(
            session.execute(
                select(CaseAccess.agency_id).where(CaseAccess.case_id == case.id, CaseAccess.active)
            ).scalars()
        ),
    )
    return replace(
        _moves(session, case),
        agency_id=case.owner_agency_id,
        owner_user_ids=frozenset(owners),
        shared_agency_ids=frozenset(shared),
    )


#: the consent a disclosure across borders needs (``ConsentRecord.disclosure_cross_border``)
CROSS_BORDER = consent_rules.CROSS_BORDER


def transfers_out(session: Session, case_id: int) -> list[tuple[int, str, datetime]]:
    """The accepted transfers of a case, oldest first: (the sending agency, its state, when the
    case moved)."""
    rows = _scope_facts(
        session,
        "transfers",
        case_id,
        lambda: session.execute(
            select(Referral.from_agency_id, Agency.state, Referral.responded_at)
            .join(Agency, Agency.id == Referral.from_agency_id)
            .where(
                Referral.case_id == case_id,
                Referral.kind == "transfer",
                Referral.status == ReferralStatus.ACCEPTED.value,
            )
            .order_by(Referral.id)
        ).all(),
    )
    return [(a, st, at or utcnow()) for a, st, at in rows]


def held_until(session: Session, p: Principal, case: Case) -> datetime | None:
    """When the case last left ``p``'s state (what ``p`` sees in the ``HELD`` view is what was
    recorded until then); None if it never did."""
    times = [at for _a, state, at in transfers_out(session, case.id) if state == p.state]
    return max(times) if times else None


def scope_parts(p: Principal, action: str = "read") -> list[Any]:
    """The conditions "``p`` may ``action`` the case", one per way a case comes into one of
    ``p``'s scopes (owned, assigned, the agency's, shared, of the state, held before a
    transfer): a case is in scope if it meets any of them (empty: none). Each is one that an
    index answers on its own (:func:`count_matching` counts them apart)."""
    granted = scopes(p, "case", action)
    conds: list[Any] = []
    if Scope.ALL in granted:
        return [Case.id.isnot(None)]
    if Scope.OWN in granted:
        assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == p.user_id)
        conds += [Case.owner_user_id == p.user_id, Case.id.in_(assigned)]
    if Scope.AGENCY in granted:
        conds.append(Case.owner_agency_id == p.agency_id)
    if Scope.STATE in granted:
        conds.append(Case.state == p.state)
    if Scope.SHARED in granted:
        shared = select(CaseAccess.case_id).where(
            CaseAccess.agency_id == p.agency_id, CaseAccess.active
        )
        conds.append(Case.id.in_(shared))
    if Scope.HELD in granted or Scope.HELD_STATE in granted:
        moved = (
            select(Referral.case_id)
            .join(Agency, Agency.id == Referral.from_agency_id)
            .where(
                Referral.kind == "transfer",
                Referral.status == ReferralStatus.ACCEPTED.value,
                Agency.state == p.state,
            )
        )
        if Scope.HELD_STATE not in granted:
            moved = moved.where(Referral.from_agency_id == p.agency_id)
        conds.append(Case.id.in_(moved) & (Case.state != p.state))
    return conds


def visible_cases(p: Principal, action: str = "read") -> Select[Case]:
    """A query for the cases ``p`` may ``action``, newest first."""
    parts = scope_parts(p, action)
    where = or_(*parts) if parts else false()
    return select(Case).where(where).order_by(Case.id.desc())


def list_cases(session: Session, p: Principal, status: str = "", limit: int = 200) -> list[Case]:
    """The newest ``limit`` cases ``p`` may read, of ``status`` if it is one (else of any)."""
    q = visible_cases(p)
    if status in {s.value for s in CaseStatus}:
        q = q.where(Case.status == status)
    return list(session.execute(q.limit(limit)).scalars())


#: a form's change to a case: (session, who, the case, the form's fields)
CaseAction = Callable[[Session, Principal, Case, dict[str, Any]], object]


def get_case(session: Session, p: Principal, case_id: int, *, audit_read: bool = True) -> Case:
    """The case if ``p`` may read it (else :class:`NotFound`); the read is audited."""
    case = session.get(Case, case_id)
    if case is None or not allowed(p, "case", "read", case_ref(session, case)):
        raise NotFound()
    if audit_read:
        audit.record(session, p, "read", "case", case.id, case_id=case.id)
    return case


def require_on_case(session: Session, p: Principal, case: Case, action: str) -> RecordRef:
    """Require ``case:action``. Changing a case also needs the full view: a reader across
    borders without the victim's consent acts through requests, not on the case itself."""
    ref = case_ref(session, case)
    require(p, "case", action, ref)
    if action in ("update", "contribute") and view_of(session, p, case) is not IdentityView.FULL:
        raise PermissionDenied(f"{p.username} sees a restricted view of this case")
    return ref


def latest_consent(session: Session, case_id: int) -> ConsentRecord | None:
    found: ConsentRecord | None = _scope_facts(
        session,
        "consent",
        case_id,
        lambda: session.execute(
            select(ConsentRecord)
            .where(ConsentRecord.case_id == case_id)
            .order_by(ConsentRecord.id.desc())
            .limit(1)
        ).scalar_one_or_none(),
    )
    return found


def view_of(session: Session, p: Principal, case: Case) -> IdentityView:
    consent = latest_consent(session, case.id)
    cross_border = bool(consent and consent.disclosure_cross_border)
    return identity_view(p, _moves(session, case), cross_border)


def views_of(session: Session, p: Principal, cases: Sequence[Case]) -> dict[int, IdentityView]:
    """:func:`view_of` for many cases at once, in three queries whatever their number (a page
    of the case list asked three per case: 150 queries for 50 cases)."""
    ids = [c.id for c in cases]
    if not ids:
        return {}
    newest = (
        select(func.max(ConsentRecord.id))
        .where(ConsentRecord.case_id.in_(ids))
        .group_by(ConsentRecord.case_id)
    )
    cross = {
        case_id: bool(given)
        for case_id, given in session.execute(
            select(ConsentRecord.case_id, ConsentRecord.disclosure_cross_border).where(
                ConsentRecord.id.in_(newest)
            )
        )
    }
    moves: dict[int, list[tuple[int, str]]] = {}
    for case_id, agency, state in session.execute(
        select(Referral.case_id, Referral.from_agency_id, Agency.state)
        .join(Agency, Agency.id == Referral.from_agency_id)
        .where(
            Referral.case_id.in_(ids),
            Referral.kind == "transfer",
            Referral.status == ReferralStatus.ACCEPTED.value,
        )
    ):
        moves.setdefault(case_id, []).append((agency, state))
    disclosed: dict[int, set[int]] = {}
    for case_id, agency, overridden in session.execute(
        select(Referral.case_id, Referral.to_agency_id, Referral.overridden_consents).where(
            Referral.case_id.in_(ids),
            Referral.mechanism == "trm",
            Referral.status.in_([ReferralStatus.IN_PROGRESS.value, ReferralStatus.ACCEPTED.value]),
        )
    ):
        if CROSS_BORDER in (overridden or []):
            disclosed.setdefault(case_id, set()).add(agency)
    out = {}
    for case in cases:
        held_states = {state for _agency, state in moves.get(case.id, [])} - {case.state}
        ref = RecordRef(
            state=case.state,
            held_agency_ids=frozenset(
                agency for agency, state in moves.get(case.id, []) if state in held_states
            ),
            held_states=frozenset(held_states),
            disclosed_agency_ids=frozenset(disclosed.get(case.id, set())),
        )
        out[case.id] = identity_view(p, ref, cross.get(case.id, False))
    return out


def pseudonym(case: Case, person: Person, key: bytes) -> str:
    """A stable pseudonym for a person in a case under the server's secret ``key``, revealing
    nothing of the identity (see ``pharos.coordinate.pseudonyms``)."""
    return pseudonyms.pseudonym(key, case.reference, person.id)


def person_view(case: Case, person: Person, view: IdentityView, key: bytes) -> dict[str, Any]:
    """A person as ``view`` allows: identifying fields only in the full view; ``key`` is the
    server's secret for pseudonyms."""
    out: dict[str, Any] = {
        "id": person.id,
        "role": person.role,
        "gender": person.gender,
        "trafficking_status": person.trafficking_status,
        "perpetrator_roles": list(person.perpetrator_roles or []),
        "version": person.version,
    }
    hide = view is not IdentityView.FULL and person.role == PersonRole.VICTIM
    if hide:
        named = view is not IdentityView.NONE
        out["name"] = pseudonym(case, person, key) if named else None
        out["pseudonymised"] = True
        out["birth_year"] = None
        out["citizenship"] = person.citizenship if named else None
        return out
    out.update(
        name=" ".join(x for x in (person.first_name, person.second_name) if x)
        or pseudonym(case, person, key),
        pseudonymised=False,
        first_name=person.first_name,
        second_name=person.second_name,
        birthdate=person.birthdate.isoformat() if person.birthdate else None,
        birth_year=person.birthdate.year if person.birthdate else None,
        citizenship=person.citizenship,
        primary_language=person.primary_language,
        identity_number=person.identity_number,
        phone=person.phone,
    )
    return out


# --- Opening and changing a case -----------------------------------------------------------


def _next_reference(session: Session, state: str) -> str:
    """The next reference of ``state`` this year (``ITA-2026-0007``), drawn in the caller's
    transaction: the counter's upsert holds its row until the transaction ends, so a concurrent
    opening waits and draws the next number (and a rolled-back opening gives its number back)."""
    prefix = f"{state}-{utcnow().year}-"
    counter = CaseReferenceCounter
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    upsert = (
        insert(counter)
        .values(prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[counter.prefix], set_={"last": counter.last + 1})
        .returning(counter.last)
    )
    n = session.execute(upsert).scalar_one()
    return f"{prefix}{n:04d}"


def touch(case: Case) -> None:
    case.updated_at = utcnow()


_COUNTRY_CODES = frozenset(countries())


def _person_fields(f: Fields, role: PersonRole | None = None) -> dict[str, Any]:
    """The person's fields; ``role`` fixed by the caller, else read from the ``role`` field."""
    role = role or f.choice("role", PersonRole) or PersonRole.VICTIM
    citizenship = f.text("citizenship", max_length=3).upper()
    if citizenship and citizenship not in _COUNTRY_CODES:
        f.fail("citizenship", _("Unknown country code; use ISO 3166 alpha-3, e.g. EGY."))
    birthdate = f.date("birthdate")
    if birthdate and birthdate > date.today():
        f.fail("birthdate", _("A birth date cannot be in the future."))
    status = f.choice("trafficking_status", TraffickingStatus, required=False)
    if status not in (None, TraffickingStatus.POSSIBLE_VICTIM):
        # Registering a person as an identified victim would walk around formal identification
        # (identification.set_trafficking_status: only the practitioners the state's law names).
        f.fail(
            "trafficking_status",
            _(
                "Only formal identification changes this: register the person as a possible "
                "victim; the practitioners the law names identify them on the case page."
            ),
        )
    return {
        "role": role.value,
        "first_name": f.text("first_name", max_length=100),
        "second_name": f.text("second_name", max_length=100),
        "birthdate": birthdate,
        "gender": (f.choice("gender", Gender, required=False) or Gender.UNKNOWN).value,
        "citizenship": citizenship,
        "primary_language": f.text("primary_language", max_length=10),
        "identity_number": f.text("identity_number", max_length=60),
        "phone": f.text("phone", max_length=50),
        "trafficking_status": TraffickingStatus.POSSIBLE_VICTIM.value,
        "perpetrator_roles": [r.value for r in f.many("perpetrator_roles", PerpetratorRole)],
    }


def match_key(first: str, second: str, birthdate: date | None, citizenship: str) -> str:
    """The key under which two registrations of one person meet: names without accents, case or
    order, plus birth date and citizenship. Empty when there is too little to match on."""
    if not (first or second) or birthdate is None:
        return ""
    names = " ".join(sorted((first + " " + second).casefold().split()))
    names = "".join(c for c in unicodedata.normalize("NFKD", names) if not unicodedata.combining(c))
    raw = f"{names}|{birthdate.isoformat()}|{citizenship.upper()}"
    return hashlib.sha256(raw.encode()).hexdigest()


def duplicate_disclosed(session: Session, flag: DuplicateFlag) -> bool:
    """Whether a possible duplicate may be shown on its case: a flag tells that the other case
    registered the same person, so a case in another state is named only if its victim
    consented to disclosure across borders (consent follows the data)."""
    mine, other = session.get(Case, flag.case_id), session.get(Case, flag.other_case_id)
    if mine is None or other is None or not crosses_border(other.state, mine.state):
        return True
    consent = latest_consent(session, other.id)
    return bool(consent and consent.disclosure_cross_border)


def _flag_duplicates(
    session: Session, p: Principal, case: Case, person: Person
) -> list[DuplicateFlag]:
    if not person.match_key:
        return []
    others = session.execute(
        select(Person, Case)
        .join(Case, Case.id == Person.case_id)
        .where(
            Person.match_key == person.match_key,
            Person.id != person.id,
            Case.owner_agency_id != case.owner_agency_id,
        )
    ).all()
    flags = []
    for other, other_case in others:
        for a, b, ca, cb in ((person, other, case, other_case), (other, person, other_case, case)):
            flag = DuplicateFlag(
                person_id=a.id,
                other_person_id=b.id,
                case_id=ca.id,
                other_case_id=cb.id,
                reason="same name, birth date and citizenship",
            )
            session.add(flag)
            flags.append(flag)
        audit.record(
            session,
            p,
            "flag_duplicate",
            "case",
            case.id,
            case_id=case.id,
            detail={"other_case": other_case.id},
        )
    return flags


def open_case(session: Session, p: Principal, data: dict[str, Any]) -> Case:
    """Open a case in the user's state and agency with its first person (the possible victim).

    ``data``: title, summary, exploitation_types, recruitment_methods, methods_of_control, the
    person's fields (first_name, second_name, birthdate, gender, citizenship, …) and optionally
    ``screening_id`` (a screening by this agency to attach)."""
    require(p, "case", "create")
    f = Fields(data)
    title = f.text("title", required=True, max_length=200)
    summary = f.text("summary", max_length=5000)
    exploitation = [e.value for e in f.many("exploitation_types", ExploitationType)]
    recruitment = [e.value for e in f.many("recruitment_methods", RecruitmentMethod)]
    control = [e.value for e in f.many("methods_of_control", MethodOfControl)]
    person = _person_fields(f, PersonRole.VICTIM)
    screening: ScreeningRecord | None = None
    if data.get("screening_id"):
        sid = f.record_id("screening_id")
        screening = session.get(ScreeningRecord, sid) if sid else None
        if sid and (screening is None or screening.agency_id != p.agency_id or screening.case_id):
            f.fail("screening_id", _("No open screening of your agency with this number."))
    f.check()
    if p.state not in region_state_codes():
        raise PermissionDenied("cases are opened in one of the states of the region")
    case = Case(
        reference=_next_reference(session, p.state),
        state=p.state,
        owner_agency_id=p.agency_id,
        owner_user_id=p.user_id,
        created_by_id=p.user_id,
        title=title,
        summary=summary,
        exploitation_types=exploitation,
        recruitment_methods=recruitment,
        methods_of_control=control,
        status=CaseStatus.ACTIVE.value,
    )
    session.add(case)
    session.flush()
    victim = Person(case_id=case.id, **person)
    victim.match_key = match_key(
        victim.first_name, victim.second_name, victim.birthdate, victim.citizenship
    )
    session.add(victim)
    session.flush()
    if screening is not None:
        screening.case_id = case.id
    audit.record(
        session,
        p,
        "create",
        "case",
        case.id,
        case_id=case.id,
        detail={"reference": case.reference, "screening": screening.id if screening else None},
    )
    _flag_duplicates(session, p, case, victim)
    return case


def add_person(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> Person:
    require_on_case(session, p, case, "update")
    f = Fields(data)
    fields = _person_fields(f)
    f.check()
    person = Person(case_id=case.id, **fields)
    person.match_key = match_key(
        person.first_name, person.second_name, person.birthdate, person.citizenship
    )
    session.add(person)
    session.flush()
    touch(case)
    audit.record(
        session,
        p,
        "add_person",
        "case",
        case.id,
        case_id=case.id,
        detail={"person": person.id, "role": person.role},
    )
    _flag_duplicates(session, p, case, person)
    return person


def event_fields(f: Fields) -> dict[str, Any]:
    """A timeline event's fields read from ``f`` with their rules (type, ISO country, no future
    date, a place or a country); the caller runs ``f.check()`` before using them. One home for
    adding an event and editing one (``pharos.coordinate.editing``)."""
    kind = f.choice("type", EventType)
    country = f.text("country", max_length=3).upper()
    if country and country not in _COUNTRY_CODES:
        f.fail("country", _("Unknown country code; use ISO 3166 alpha-3, e.g. EGY."))
    when = f.date("date")
    if when and when > date.today():
        f.fail("date", _("This date is in the future."))
    place = f.text("place", max_length=200)
    description = f.text("description", max_length=5000)
    if not place and not country:
        f.fail("place", _("Give a place or a country."))
    return {
        "type": kind.value if kind is not None else "",
        "place": place,
        "country": country,
        "date": when,
        "description": description,
    }


def add_event(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> TraffickingEvent:
    """Add a recruitment, transit or exploitation event (HTCDS ``hte_``) to the timeline."""
    require_on_case(session, p, case, "contribute")
    f = Fields(data)
    values = event_fields(f)
    f.check()
    event = TraffickingEvent(case_id=case.id, **values)
    session.add(event)
    session.flush()
    touch(case)
    audit.record(
        session, p, "add_event", "case", case.id, case_id=case.id, detail={"event": event.id}
    )
    return event


#: the consents a victim gives (``informed`` is a fact, not a consent)
CONSENTS = ("consent_for_services", "disclosure_other_orgs", CROSS_BORDER)


def record_consent(
    session: Session, p: Principal, case: Case, data: dict[str, Any]
) -> ConsentRecord:
    """Record the victim's consent as it now stands (the newest record is in force).

    Anyone working on the case may record a narrower consent (a victim may always withdraw
    consent). A wider one (a consent given that the record in force does not give) is for the
    case's owner; anyone else needs to be allowed to override a missing consent and to give the
    reason, which the owner sees on the case and in its audit trail."""
    ref = require_on_case(session, p, case, "contribute")
    f = Fields(data)
    informed = f.boolean("informed")
    services = f.boolean("consent_for_services")
    other_orgs = f.boolean("disclosure_other_orgs")
    cross = f.boolean(CROSS_BORDER)
    note = f.text("note", max_length=2000)
    override_reason = f.text("override_reason", max_length=2000)
    if (services or other_orgs or cross) and not informed:
        f.fail("informed", _("Consent counts only once the person has been informed."))
    f.check()
    given = dict(zip(CONSENTS, (services, other_orgs, cross), strict=True))
    current = latest_consent(session, case.id)
    widened = [c for c in CONSENTS if given[c] and not (current and getattr(current, c))]
    if widened and may_widen_consent(p, ref):
        override_reason = ""
    elif widened:
        if not override_reason:
            raise ValidationFailed(
                {
                    "override_reason": _(
                        "Only the case's owner may record a wider consent; anyone else must be "
                        "authorised to override a missing consent and give the reason."
                    )
                }
            )
        if not allowed(p, "case", "override_consent", ref):
            raise ValidationFailed(
                {"override_reason": _("You are not authorised to override a missing consent.")}
            )
    else:
        override_reason = ""
    record = ConsentRecord(
        case_id=case.id,
        informed=informed,
        consent_for_services=services,
        disclosure_other_orgs=other_orgs,
        disclosure_cross_border=cross,
        note=note,
        override_reason=override_reason,
        recorded_by_id=p.user_id,
    )
    session.add(record)
    session.flush()
    touch(case)
    audit.record(
        session,
        p,
        "override_consent" if override_reason else "record_consent",
        "case",
        case.id,
        case_id=case.id,
        detail={
            "services": services,
            "other_orgs": other_orgs,
            "cross_border": cross,
            "widened": widened,
            "override_reason": override_reason,
        },
    )
    # the agencies holding the case (its owner, those it is shared with) learn of it
    notifications.notify_agencies(
        session,
        sorted({case.owner_agency_id, *ref.shared_agency_ids}),
        "consent_changed",
        subject="case",
        subject_id=case.id,
        case_id=case.id,
        params={"agency": p.agency_id},
        actor=p,
        may_read=lambda reader: allowed(reader, "case", "read", ref),
    )
    return record


def add_support_plan(
    session: Session, p: Principal, case: Case, data: dict[str, Any]
) -> SupportPlan:
    require_on_case(session, p, case, "contribute")
    f = Fields(data)
    kind = f.choice("type", SupportPlanType)
    objectives = f.text("objectives", required=True, max_length=5000)
    action_plan = f.text("action_plan", max_length=5000)
    planned = f.date("planned_end")
    f.check()
    assert kind is not None
    plan = SupportPlan(
        case_id=case.id,
        type=kind.value,
        objectives=objectives,
        action_plan=action_plan,
        planned_end=planned,
        created_by_id=p.user_id,
    )
    session.add(plan)
    session.flush()
    touch(case)
    audit.record(
        session, p, "add_support_plan", "case", case.id, case_id=case.id, detail={"plan": plan.id}
    )
    return plan


def add_note(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> CaseNote:
    require_on_case(session, p, case, "contribute")
    f = Fields(data)
    text = f.text("text", required=True, max_length=10000)
    f.check()
    note = CaseNote(case_id=case.id, author_id=p.user_id, text=text)
    session.add(note)
    session.flush()
    touch(case)
    audit.record(session, p, "add_note", "case", case.id, case_id=case.id, detail={"note": note.id})
    return note


def _stale_status(session: Session, case: Case) -> StaleEdit:
    """The refusal of a status form loaded before the status last changed: who changed it and
    when (the newest ``set_status`` entry of the case's audit trail)."""
    last = session.execute(
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id, AuditEntry.action == "set_status")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is None:
        return StaleEdit(
            {
                "version": _(
                    "Someone changed this record at the same moment; your changes were not "
                    "saved. Reload the page and make your change again."
                )
            }
        )
    return StaleEdit(
        {
            "version": _(
                "%(user)s changed the status or stage on %(when)s, after you opened this page; "
                "your change was not saved. The current status is shown: make your change again."
            )
            % {"user": last.actor, "when": last.at.strftime("%Y-%m-%d %H:%M UTC")}
        }
    )


def set_status(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> None:
    """Change the case's status, stage and closure reason, if they have not changed since the
    form was loaded (``version``: the ``status_version`` it showed; else :class:`StaleEdit`,
    HTTP 409, and nothing is written)."""
    require_on_case(session, p, case, "update")
    f = Fields(data)
    status = f.choice("status", CaseStatus)
    reason = f.text("closure_reason", max_length=2000)
    stage = f.integer("trm_stage", minimum=1, maximum=5, required=False)
    version = f.record_id("version")
    if status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED) and not reason:
        f.fail("closure_reason", _("Say why the case is closed."))
    f.check()
    assert status is not None and version is not None
    if version != case.status_version:
        raise _stale_status(session, case)
    # UPDATE … WHERE status_version = the version read: no row if another change got there
    # first (two forms racing past the check above), so one of them only is written
    won = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status_version == version)
        .values(status_version=version + 1)
        .execution_options(synchronize_session="evaluate")
    )
    if getattr(won, "rowcount", 0) != 1:
        raise StaleEdit(
            {
                "version": _(
                    "Someone changed this record at the same moment; your changes were not "
                    "saved. Reload the page and make your change again."
                )
            }
        )
    before = case.status
    case.status = status.value
    case.closure_reason = (
        reason if status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED) else ""
    )
    if stage:
        case.trm_stage = stage
    touch(case)
    audit.record(
        session,
        p,
        "set_status",
        "case",
        case.id,
        case_id=case.id,
        detail={
            "from": before,
            "to": status.value,
            "trm_stage": case.trm_stage,
            "version": case.status_version,
        },
    )


# --- Finding cases --------------------------------------------------------------------------

#: how a case list may be ordered: (column, descending)
SORTS: dict[str, tuple[Any, bool]] = {
    "newest": (Case.id, True),
    "oldest": (Case.id, False),
    "updated": (Case.updated_at, True),
    "reference": (Case.reference, False),
}
PAGE_SIZE = 50
#: a search text in at most this many cases is looked up through the search indexes first
SEARCH_FEW = 2000
#: the text a search by name reads: a person's first and second name, lower case (one
#: expression, the one that PostgreSQL's trigram index ``ix_person_name_trgm`` indexes;
#: a text in either name is in it too)
NAME = func.lower(Person.first_name + literal_column("' '") + Person.second_name)


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to (every field optional): a search text (reference; names
    too, in the cases whose victims' names the reader sees), status, state, form of
    exploitation, opened from/to, owning agency, and "mine" (held by the reader)."""

    q: str = ""
    status: str = ""
    state: str = ""
    exploitation: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    agency_id: int | None = None
    mine: bool = False
    sort: str = "newest"
    page: int = 1


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    #: how many cases match, exactly (:func:`count_matching`)
    total: int
    page: int
    #: the pages of ``total`` cases
    pages: int


def held_by(p: Principal) -> Any:
    """The cases ``p`` holds: owns (the case was assigned to ``p``, ``tasks.assign_case``),
    its agency holds, ``p`` is assigned to (a lawyer), or that a referral accepted by ``p``'s
    agency gives it (the NGO, the police, the lawyer who took it on), while that referral
    lasts."""
    assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == p.user_id)
    referred = select(Referral.case_id).where(
        Referral.to_agency_id == p.agency_id,
        Referral.kind == "referral",
        Referral.status == ReferralStatus.ACCEPTED.value,
    )
    return or_(
        Case.owner_user_id == p.user_id,
        Case.owner_agency_id == p.agency_id,
        Case.id.in_(assigned),
        Case.id.in_(referred),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_cases(session: Session, p: Principal, f: CaseFilter) -> CasePage:
    """One page of the cases ``p`` may read that match ``f``, with how many match in all
    (exactly: :func:`count_matching`). A page past the last is the last page."""
    total = count_matching(session, p, f)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    q = matching_cases(p, f, session=session)
    rows = session.execute(ordered(q, f).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).scalars()
    return CasePage(list(rows), total, page, pages)


def ordered(q: Select[Case], f: CaseFilter) -> Select[Case]:
    """``q`` in the order ``f`` asks for (newest first by default; ties by newest)."""
    column, descending = SORTS.get(f.sort, SORTS["newest"])
    return q.order_by(column.desc() if descending else column.asc(), Case.id.desc())


def _search_parts(p: Principal, text: str) -> list[Select[Any]]:
    """The ids of the cases whose reference holds ``text``, and (if ``p`` searches names) of
    the cases of ``p``'s state where a person's name holds it."""
    like = f"%{_escape_like(text.strip().lower())}%"
    other = aliased(Case)  # not the outer query's case (no correlation)
    by_reference = select(other.id).where(func.lower(other.reference).like(like, escape="\\"))
    by_name = (
        select(Person.case_id)
        .join(other, other.id == Person.case_id)
        .where(NAME.like(like, escape="\\"), other.state == p.state)
    )
    return [by_reference, by_name] if searches_names(p) else [by_reference]


def _search_ids(p: Principal, text: str) -> Any:
    """The ids of the cases holding ``text`` (:func:`_search_parts`), as one set."""
    return union(*_search_parts(p, text))


def _searched(session: Session | None, p: Principal, text: str) -> Any:
    """The condition "the search text ``text`` is in the case's reference, or in the name of a
    person of a case of ``p``'s state (if ``p`` searches names)", in the form that is quick
    for it on PostgreSQL at 100,000 cases (benchmarks/casework_scale.py). A text in few cases
    (a reference, a name: at most :data:`SEARCH_FEW`, found through the trigram indexes of
    migration 0018): the ids of those cases. A text in many ("ITA-2026", a common name): the
    condition on each case, so that reading the readable cases in order stops once the page
    (or the count) is full, instead of listing tens of thousands of matches first. The two
    forms select the same cases (tests/integration/server/test_case_list_scale.py);
    ``session`` None: the first form."""
    like = f"%{_escape_like(text.strip().lower())}%"
    parts = _search_parts(p, text)
    if session is not None:
        probe = union_all(*parts).limit(SEARCH_FEW + 1).subquery()
        if session.execute(select(func.count()).select_from(probe)).scalar_one() > SEARCH_FEW:
            conds: list[Any] = [func.lower(Case.reference).like(like, escape="\\")]
            if searches_names(p):
                # per case (its persons through their case_id index), in the order read
                named = select(Person.id).where(
                    Person.case_id == Case.id, NAME.like(like, escape="\\")
                )
                conds.append((Case.state == p.state) & named.exists())
            return or_(*conds)
    return Case.id.in_(_search_ids(p, text))


def matching_cases(
    p: Principal, f: CaseFilter, action: str = "read", session: Session | None = None
) -> Select[Case]:
    """The cases ``p`` may ``action`` that match ``f`` (unordered). A name is searched only in
    the cases of ``p``'s own state (where the reader sees victims' names:
    ``permissions.identity_view``) and never by those who see no identity
    (``permissions.searches_names``); the reference in every readable case. With ``session``,
    the search takes the form that is quick for its text (:func:`_searched`)."""
    return visible_cases(p, action).order_by(None).where(*_filters(p, f, session))


def count_matching(session: Session, p: Principal, f: CaseFilter, action: str = "read") -> int:
    """How many cases :func:`matching_cases` finds, exactly: the union of the cases that
    match ``f`` in each part of ``p``'s scope (:func:`scope_parts`), each part read through
    its own index, instead of one pass over every case testing all parts at once (the
    "or" of an agency, a state and lists of shared or assigned cases, which no index answers:
    PostgreSQL read the whole table, 30-190 ms at 100,000 cases, benchmarks/casework_scale.py).
    A union of sets is their "or": the same cases, each counted once."""
    counted = _counting(p, f, action)
    return 0 if counted is None else int(session.execute(counted).scalar_one())


def _counting(p: Principal, f: CaseFilter, action: str) -> Select[Any] | None:
    """The statement of :func:`count_matching` (None: nothing to count)."""
    parts = scope_parts(p, action)
    if not parts:
        return None
    wanted = _filters(p, replace(f, q=""), None)
    if f.q:
        # the reference tested on each case (an index holds it); the names looked up once
        # for all parts (a common table expression), not once per part
        like = f"%{_escape_like(f.q.strip().lower())}%"
        found: list[Any] = [func.lower(Case.reference).like(like, escape="\\")]
        if searches_names(p):
            named = select(Person.case_id).where(NAME.like(like, escape="\\")).cte("named")
            found.append((Case.state == p.state) & Case.id.in_(select(named.c.case_id)))
        wanted.append(or_(*found))
    ids = union(*(select(Case.id).where(part, *wanted) for part in parts)).subquery()
    return select(func.count()).select_from(ids)


def _filters(p: Principal, f: CaseFilter, session: Session | None) -> list[Any]:
    """The conditions of ``f`` on a case (:func:`matching_cases`)."""
    conds: list[Any] = []
    if f.q:
        conds.append(_searched(session, p, f.q))
    if f.status in {s.value for s in CaseStatus}:
        conds.append(Case.status == f.status)
    if f.state in region_state_codes():
        conds.append(Case.state == f.state)
    if f.exploitation in {e.value for e in ExploitationType}:
        conds.append(cast(Case.exploitation_types, String).like(f'%"{f.exploitation}"%'))
    if f.opened_from is not None:
        conds.append(Case.created_at >= datetime.combine(f.opened_from, time.min, tzinfo=UTC))
    if f.opened_to is not None:
        conds.append(
            Case.created_at
            < datetime.combine(f.opened_to + timedelta(days=1), time.min, tzinfo=UTC)
        )
    if f.agency_id is not None:
        conds.append(Case.owner_agency_id == f.agency_id)
    if f.mine:
        conds.append(held_by(p))
    return conds


def case_filter(params: Mapping[str, Any]) -> CaseFilter:
    """A :class:`CaseFilter` from a page's query (every field optional; a malformed date,
    agency or page number is refused with its field named)."""
    f = Fields(params)
    q = f.text("q", max_length=200)
    status = f.one_of("status", [s.value for s in CaseStatus], required=False)
    state = f.one_of("state", region_state_codes(), required=False)
    exploitation = f.one_of("exploitation", [e.value for e in ExploitationType], required=False)
    opened_from = f.date("opened_from")
    opened_to = f.date("opened_to")
    agency_id = f.record_id("agency", required=False)
    mine = f.boolean("mine")
    sort = f.one_of("sort", list(SORTS), required=False) or "newest"
    page = f.integer("page", minimum=1, maximum=1_000_000, required=False) or 1
    f.check()
    return CaseFilter(
        q, status, state, exploitation, opened_from, opened_to, agency_id, mine, sort, page
    )
