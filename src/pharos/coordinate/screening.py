"""Screening records: the domain's ``screen`` applied to what a practitioner observed, stored
with the indicators observed or ruled out, by whom and when."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.cases import NotFound
from pharos.coordinate.permissions import Principal, RecordRef, allowed, require
from pharos.coordinate.validation import Fields, ValidationFailed
from pharos.coordinate.vocabulary import ACT_LABELS
from pharos.domain.explain import indicator_label
from pharos.domain.indicators import Dimension, delphi_indicators
from pharos.domain.screening import (
    Act,
    ConflictingObservationError,
    Observation,
    Observations,
    Person,
    Screening,
    screen,
)
from pharos.domain.vocabulary import ExploitationType, Gender, MethodOfControl
from pharos.i18n import _
from pharos.store.models import ScreeningRecord


def screening_ref(s: ScreeningRecord) -> RecordRef:
    return RecordRef(
        state=s.state, agency_id=s.agency_id, owner_user_ids=frozenset({s.screened_by_id})
    )


def parse(data: dict[str, Any]) -> tuple[Observations, Person, dict[str, Any], str, str]:
    """Read a screening form: for each ILO/EC indicator ``ind_<id>`` = present | ruled_out |
    (empty: not asked); for each dimension ``explored_<dimension>`` when it was explored
    completely (with or without findings: what is not observed in it is absent); plus the
    person's age, gender, nationality, exploitation and acts."""
    f = Fields(data)
    present: list[Observation] = []
    ruled_out: set[str] = set()
    known = delphi_indicators()
    for key, value in data.items():
        if not key.startswith("ind_") or value in ("", None):
            continue
        ind = key[4:]
        if ind not in known:
            f.fail(key, _("Unknown indicator."))
        elif value == "present":
            note = data.get(f"note_{ind}")
            present.append(Observation(ind, str(note).strip() or None if note else None))
        elif value == "ruled_out":
            ruled_out.add(ind)
        else:
            f.fail(
                key, _("%(value)s is not one of the allowed values.") % {"value": str(value)[:40]}
            )
    explored = frozenset(d for d in Dimension if f.boolean(f"explored_{d.value}"))
    age = f.integer("age", minimum=0, maximum=120, required=False)
    gender = f.choice("gender", Gender, required=False) or Gender.UNKNOWN
    exploitation = f.choice("exploitation", ExploitationType, required=False)
    nationality = f.text("nationality", max_length=3).upper() or None
    unaccompanied = f.boolean("unaccompanied")
    acts = frozenset(f.many("acts", Act))
    label = f.text("person_label", required=True, max_length=200)
    note = f.text("note", max_length=5000)
    if not present and not ruled_out and not explored:
        f.fail(
            "indicators",
            _(
                "Record at least one indicator as observed or ruled out, "
                "or a dimension as explored."
            ),
        )
    f.check()
    person = Person(
        age=age,
        gender=gender,
        nationality=nationality,
        unaccompanied=unaccompanied,
        exploitation=exploitation,
    )
    facts = {
        "age": age,
        "gender": gender.value,
        "nationality": nationality,
        "unaccompanied": unaccompanied,
        "exploitation": exploitation.value if exploitation else None,
    }
    obs = Observations(
        present=tuple(present), ruled_out=frozenset(ruled_out), assessed=explored, acts=acts
    )
    return obs, person, facts, label, note


#: an idempotency key: what a device may choose (a UUID fits), 8 to 64 characters
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class KeyReused(ValidationFailed):
    """A screening sent with an idempotency key this user already used for a different
    screening: refused (HTTP 409), nothing written."""

    status = 409


def record_screening(session: Session, p: Principal, data: dict[str, Any]) -> ScreeningRecord:
    """Screen and store the result with what was observed, by whom (the user) and when."""
    return store_screening(session, p, data)[0]


def store_screening(
    session: Session, p: Principal, data: dict[str, Any], client_key: str | None = None
) -> tuple[ScreeningRecord, bool]:
    """Screen and store as :func:`record_screening`; also whether the screening was stored
    before (a replay).

    ``client_key`` (a screening done offline and synced: the ``Idempotency-Key`` its device
    chose): when this user already stored a screening with the key, that screening is returned
    and nothing is written or audited again, provided it is the same screening; the same key
    with a different screening is refused (:class:`KeyReused`, HTTP 409). Two syncs of one
    screening at the same moment: the unique key lets one in, and the other, refused by the
    database, rolls back its transaction (nothing else was written in it) and returns the one
    stored."""
    require(p, "screening", "create")
    if client_key is not None and not CLIENT_KEY.fullmatch(client_key):
        raise ValidationFailed(
            {"client_key": _("An idempotency key is 8 to 64 letters, digits, '-' or '_'.")}
        )
    obs, person, facts, label, note = parse(data)
    try:
        result = screen(obs, person)
    except ConflictingObservationError as exc:
        raise ValidationFailed(
            {f"ind_{exc.indicator}": _("Recorded both as observed and as ruled out.")}
        ) from exc
    values: dict[str, Any] = {
        "person_label": label,
        "observations": [{"id": o.indicator, "note": o.note} for o in obs.present],
        "person_facts": {
            **facts,
            "ruled_out": sorted(obs.ruled_out),
            "assessed": sorted(d.value for d in obs.assessed),
            "acts": sorted(a.value for a in obs.acts),
        },
        "note": note,
    }
    if client_key is not None:
        stored = _by_key(session, p, client_key)
        if stored is not None:
            return _replayed(stored, values), True
    record = ScreeningRecord(
        state=p.state,
        agency_id=p.agency_id,
        screened_by_id=p.user_id,
        result=result.to_dict(),
        client_key=client_key,
        **values,
    )
    session.add(record)
    try:
        session.flush()
    except IntegrityError:
        if client_key is None:
            raise
        session.rollback()
        stored = _by_key(session, p, client_key)
        if stored is None:
            raise
        return _replayed(stored, values), True
    detail: dict[str, Any] = {
        "presumption": result.presumption.value,
        "indicators": [o.indicator for o in obs.present],
    }
    if client_key is not None:
        detail["client_key"] = client_key
    audit.record(session, p, "screen", "screening", record.id, detail=detail)
    return record, False


def _by_key(session: Session, p: Principal, client_key: str) -> ScreeningRecord | None:
    return session.execute(
        select(ScreeningRecord).where(
            ScreeningRecord.screened_by_id == p.user_id,
            ScreeningRecord.client_key == client_key,
        )
    ).scalar_one_or_none()


def _replayed(stored: ScreeningRecord, values: dict[str, Any]) -> ScreeningRecord:
    if any(getattr(stored, k) != v for k, v in values.items()):
        raise KeyReused(
            {
                "client_key": _(
                    "This idempotency key was already used for a different screening (#%(id)s)."
                )
                % {"id": stored.id}
            }
        )
    return stored


def rescreen(record: ScreeningRecord) -> Screening:
    """The stored observations screened again, to explain the result in the reader's language."""
    facts = record.person_facts
    person = Person(
        age=facts.get("age"),
        gender=Gender(facts.get("gender") or "unknown"),
        nationality=facts.get("nationality"),
        unaccompanied=bool(facts.get("unaccompanied")),
        exploitation=ExploitationType(facts["exploitation"]) if facts.get("exploitation") else None,
    )
    obs = Observations(
        present=tuple(Observation(o["id"], o.get("note")) for o in record.observations),
        ruled_out=frozenset(facts.get("ruled_out", [])),
        assessed=frozenset(Dimension(d) for d in facts.get("assessed", [])),
        acts=frozenset(Act(a) for a in facts.get("acts", [])),
    )
    return screen(obs, person)


def get_screening(session: Session, p: Principal, screening_id: int) -> ScreeningRecord:
    s = session.get(ScreeningRecord, screening_id)
    if s is None or not allowed(p, "screening", "read", screening_ref(s)):
        raise NotFound()
    return s


def my_screenings(session: Session, p: Principal) -> list[ScreeningRecord]:
    return list(
        session.execute(
            select(ScreeningRecord)
            .where(ScreeningRecord.agency_id == p.agency_id)
            .order_by(ScreeningRecord.id.desc())
            .limit(50)
        ).scalars()
    )


ACTS = {a.value for a in Act}

#: The HTCDS method of control (``vic_MethodsOfControl``) each ILO/EC Delphi indicator observed
#: at screening records, where one plainly does: the indicator's name and the method's are the
#: same act (confiscation of documents is "withholds documents", a threat of denunciation to the
#: authorities is "threats of law enforcement"). Indicators of deception, vulnerability or
#: working conditions with no method of their own are not mapped.
METHOD_OF_CONTROL_BY_INDICATOR: dict[str, MethodOfControl] = {
    "cr_confiscation_documents": MethodOfControl.WITHHOLDS_DOCUMENTS,
    "cd_confiscation_documents": MethodOfControl.WITHHOLDS_DOCUMENTS,
    "cr_debt_bondage": MethodOfControl.DEBT_BONDAGE,
    "cd_debt_bondage": MethodOfControl.DEBT_BONDAGE,
    "cr_violence_on_victims": MethodOfControl.PHYSICAL_ABUSE,
    "cd_violence_on_victims": MethodOfControl.PHYSICAL_ABUSE,
    "cr_threats_of_violence": MethodOfControl.PHYSICAL_THREATS,
    "cd_threats_of_violence": MethodOfControl.PHYSICAL_THREATS,
    "cr_threat_denunciation": MethodOfControl.THREATS_OF_LAW_ENFORCEMENT,
    "cd_threat_denunciation": MethodOfControl.THREATS_OF_LAW_ENFORCEMENT,
    "cr_violence_on_family": MethodOfControl.THREATENS_FAMILY,
    "cd_violence_on_family": MethodOfControl.THREATENS_FAMILY,
    "cr_withholding_money": MethodOfControl.TAKES_EARNINGS,
    "cd_withholding_wages": MethodOfControl.TAKES_EARNINGS,
    "ec_excessive_hours": MethodOfControl.EXCESSIVE_WORKING_HOURS,
}


def case_values(record: ScreeningRecord) -> dict[str, Any]:
    """What a case opened from ``record`` starts with: the fields a case has (the person's
    label as the title, gender, nationality as citizenship, the form of exploitation, the
    methods of control the observed indicators record). The rest (age, acts, the note, every
    indicator with its note) stays on the screening, its one home, which the case is linked to
    and shows (:func:`carried_facts`)."""
    facts = record.person_facts
    observed = [o["id"] for o in record.observations]
    methods = sorted(
        {
            METHOD_OF_CONTROL_BY_INDICATOR[i].value
            for i in observed
            if i in METHOD_OF_CONTROL_BY_INDICATOR
        }
    )
    return {
        "screening_id": record.id,
        "title": record.person_label,
        "gender": facts.get("gender"),
        "citizenship": facts.get("nationality") or "",
        "exploitation_types": [facts["exploitation"]] if facts.get("exploitation") else [],
        "methods_of_control": methods,
    }


def carried_facts(record: ScreeningRecord) -> dict[str, Any]:
    """The screening's facts a case shows (from the screening, their one home): age, whether
    unaccompanied, the acts, the note, and each indicator observed with its note."""
    facts = record.person_facts
    return {
        "age": facts.get("age"),
        "unaccompanied": bool(facts.get("unaccompanied")),
        "acts": list(facts.get("acts") or []),
        "act_names": [str(ACT_LABELS[Act(a)]) for a in facts.get("acts") or [] if a in ACTS],
        "note": record.note,
        "observations": [
            {"id": o["id"], "label": indicator_label(o["id"]), "note": o.get("note")}
            for o in record.observations
        ],
    }
