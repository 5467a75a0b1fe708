"""The Mediterranean demo: the states of the region, an agency of every practitioner kind in each,
the offices of IOM, UNODC and ICMPD, and one demo account per agency.

The agencies are demo stand-ins named by kind and city, not real offices (the names built in
:mod:`pharos.coordinate.agency_names`, stored in English, shown in the reader's language);
their cities and languages are data (``coordinate/data/demo.yaml``). Contact points: in each
state an agency receives the instruments that name its kind among their ``contact_points``
(``domain/data/instruments.yaml``): the police receive police information exchange and joint
investigation team proposals, the prosecutors mutual legal assistance, European Investigation
Orders and joint investigation team proposals, and the national coordinator the transnational
referral requests (family safety check, pre-return risk assessment, return and reception).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pharos.coordinate import agency_names as names
from pharos.coordinate.accounts import hash_password
from pharos.coordinate.permissions import ADMIN
from pharos.domain.cooperation import instruments
from pharos.domain.datafiles import data_source, load_data_file
from pharos.domain.geography import country, region_state_codes
from pharos.domain.practitioners import PractitionerKind
from pharos.i18n import use_locale
from pharos.store.models import Agency, User

DEMO_PASSWORD = "pharos-demo-2026"
#: the package whose data folder holds ``demo.yaml``
DATA = "pharos.coordinate"

K = PractitionerKind
#: username part for each kind
SHORT: dict[PractitionerKind, str] = {
    K.LAW_ENFORCEMENT: "police",
    K.PUBLIC_PROSECUTOR: "prosecutor",
    K.MIGRATION_ASYLUM: "migration",
    K.LAWYER: "lawyer",
    K.LABOUR_INSPECTOR: "labour",
    K.SOCIAL_WELFARE: "social",
    K.NGO: "ngo",
    K.JOURNALIST: "journalist",
    K.BORDER_GUARD: "border",
    K.FINANCIAL_INVESTIGATOR: "finance",
    K.INTERPRETER_MEDIATOR: "mediator",
    K.NATIONAL_COORDINATOR: "coordinator",
}
#: HTCDS org_Type for each kind
ORG_TYPE: dict[PractitionerKind, str] = {
    K.LAW_ENFORCEMENT: "LawEnforcement",
    K.PUBLIC_PROSECUTOR: "CentralGovernmentOrganisation",
    K.MIGRATION_ASYLUM: "ImmigrationService",
    K.LAWYER: "LegalService",
    K.LABOUR_INSPECTOR: "CentralGovernmentOrganisation",
    K.SOCIAL_WELFARE: "LocalGovernmentOrganisation",
    K.NGO: "NGO",
    K.JOURNALIST: "CorporateBusiness",
    K.BORDER_GUARD: "LawEnforcement",
    K.FINANCIAL_INVESTIGATOR: "LawEnforcement",
    K.INTERPRETER_MEDIATOR: "NGO",
    K.NATIONAL_COORDINATOR: "CentralGovernmentOrganisation",
    K.INTERNATIONAL_ORGANISATION: "NGO",
}


@dataclass(frozen=True)
class DemoOffice:
    """Where the demo's agencies of one state (or one organisation's office) sit."""

    state: str
    city: str
    languages: str  # comma-separated ISO 639-1 codes, as ``Agency.languages``
    organisation: str = ""


class DemoDataError(ValueError):
    """The demo's data lacks something the region needs (a state without a city)."""


def _office(raw: dict[str, Any], state: str, where: str) -> DemoOffice:
    if not raw.get("city") or not raw.get("languages"):
        raise DemoDataError(f"{where}: {state}: a city and its languages are needed")
    return DemoOffice(
        state=state,
        city=str(raw["city"]),
        languages=",".join(str(x) for x in raw["languages"]),
        organisation=str(raw.get("organisation", "")),
    )


def state_offices() -> dict[str, DemoOffice]:
    """The demo agencies' city and languages in each state of the region, in the region's
    order; a state of the region without an entry is an error that names the file."""
    where = data_source("demo.yaml", DATA)
    raw = load_data_file("demo.yaml", DATA)["states"]
    missing = [c for c in region_state_codes() if c not in raw]
    if missing:
        raise DemoDataError(
            f"{where}: no demo city and languages for {', '.join(missing)} "
            "(every state of the region needs an entry under states)"
        )
    return {c: _office(raw[c], c, where) for c in region_state_codes()}


def io_offices() -> list[DemoOffice]:
    """The international organisations' offices in the demo."""
    where = data_source("demo.yaml", DATA)
    return [
        _office(o, str(o.get("state")), where)
        for o in load_data_file("demo.yaml", DATA)["international_offices"]
    ]


def second_caseworkers() -> tuple[PractitionerKind, ...]:
    """The kinds whose demo agency in each state has a second account (``<iso2>.<short>2``), so
    that a task or a case can be given to a colleague; a kind that is no caseworking kind of
    the demo is an error that names the file."""
    where = data_source("demo.yaml", DATA)
    out = []
    for raw in load_data_file("demo.yaml", DATA).get("second_caseworkers") or []:
        try:
            kind = PractitionerKind(str(raw))
        except ValueError:
            kind = None
        if kind is None or kind not in SHORT:
            raise DemoDataError(
                f"{where}: second_caseworkers: {raw!r} is not one of "
                f"{', '.join(k.value for k in SHORT)}"
            )
        out.append(kind)
    return tuple(out)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    state: str
    kind: str
    agency: str


def receives_of(kind: PractitionerKind) -> tuple[str, ...]:
    """The instruments a demo agency of ``kind`` receives as a contact point, in the data
    file's order."""
    return tuple(s.id for s in instruments().values() if kind in s.contact_points)


def is_loaded(session: Session) -> bool:
    return session.execute(select(func.count()).select_from(Agency)).scalar_one() > 0


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo agencies and accounts (in the caller's transaction); returns the logins.
    Names are stored in English; pages show them in the reader's language
    (:mod:`pharos.coordinate.agency_names`)."""
    with use_locale("en"):
        return _load_demo(session)


def _load_demo(session: Session) -> list[DemoLogin]:
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[DemoLogin] = []

    def add(agency: Agency, username: str, display: str, *, admin: bool = False) -> None:
        session.add(agency)
        session.flush()
        account(agency, username, display, admin=admin)

    def account(agency: Agency, username: str, display: str, *, admin: bool = False) -> None:
        session.add(
            User(
                username=username,
                display_name=display,
                password_hash=password_hash,
                agency_id=agency.id,
                kind=agency.kind,
                state=agency.state,
                is_admin=admin,
            )
        )
        logins.append(DemoLogin(username, agency.state, agency.kind, agency.name))

    seconds = second_caseworkers()
    for code, office in state_offices().items():
        iso2 = country(code).iso2.lower()
        for kind, short in SHORT.items():
            receives = receives_of(kind)
            agency = Agency(
                name=names.demo_agency_name(kind.value, office.city),
                state=code,
                kind=kind.value,
                org_type=ORG_TYPE[kind],
                city=office.city,
                email=f"{short}@{iso2}.demo.invalid",
                languages=office.languages,
                is_contact_point=bool(receives),
                receives=",".join(receives),
            )
            add(agency, f"{iso2}.{short}", names.demo_account_name(code, kind.value))
            if kind in seconds:
                second = names.demo_account_name(code, kind.value, second=True)
                account(agency, f"{iso2}.{short}2", second)
    for o in io_offices():
        agency = Agency(
            name=names.demo_agency_name(K.INTERNATIONAL_ORGANISATION.value, o.city, o.organisation),
            state=o.state,
            kind=K.INTERNATIONAL_ORGANISATION.value,
            org_type=ORG_TYPE[K.INTERNATIONAL_ORGANISATION],
            organisation=o.organisation,
            city=o.city,
            email=f"{o.organisation.lower()}@demo.invalid",
            languages=o.languages,
        )
        add(agency, o.organisation.lower(), names.demo_io_account_name(o.organisation, o.city))
    # The administrator manages accounts and verifies the audit trail; it is no practitioner
    # and works in no case: its own office (not in the directory, never sent a case).
    admin_state = str(load_data_file("demo.yaml", DATA)["admin_state"])
    office = state_offices()[admin_state]
    admin_agency = Agency(
        name=names.demo_agency_name(ADMIN, office.city),
        state=admin_state,
        kind=ADMIN,
        org_type="",
        city=office.city,
        email=f"admin@{country(admin_state).iso2.lower()}.demo.invalid",
        languages=office.languages,
    )
    add(admin_agency, "admin", names.demo_admin_account_name(), admin=True)
    session.flush()
    return logins
