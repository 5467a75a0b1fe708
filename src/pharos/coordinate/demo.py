"""The Mediterranean demo: the seven states, an agency of every practitioner kind in each, the
offices of IOM, UNODC and ICMPD, and one demo account per agency.

The agencies are demo stand-ins named by kind and city, not real offices. Contact points: in
each state the police receive police information exchange and joint investigation team
proposals, the prosecutors mutual legal assistance, European Investigation Orders and joint
investigation team proposals, and the national coordinator the transnational referral requests
(family safety check, pre-return risk assessment, return and reception).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pharos.coordinate.accounts import hash_password
from pharos.domain.cooperation import Instrument
from pharos.domain.geography import REGION_STATE_CODES, country
from pharos.domain.practitioners import PRACTITIONER_LABELS, PractitionerKind
from pharos.store.models import Agency, User

DEMO_PASSWORD = "pharos-demo-2026"

K = PractitionerKind
Ins = Instrument
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
RECEIVES: dict[PractitionerKind, tuple[Instrument, ...]] = {
    K.LAW_ENFORCEMENT: (Ins.POLICE_INFORMATION_EXCHANGE, Ins.JOINT_INVESTIGATION_TEAM),
    K.PUBLIC_PROSECUTOR: (
        Ins.MUTUAL_LEGAL_ASSISTANCE,
        Ins.EUROPEAN_INVESTIGATION_ORDER,
        Ins.JOINT_INVESTIGATION_TEAM,
    ),
    K.NATIONAL_COORDINATOR: (
        Ins.FAMILY_SAFETY_CHECK,
        Ins.PRE_RETURN_RISK_ASSESSMENT,
        Ins.RETURN_AND_RECEPTION,
    ),
}
CITY = {
    "DZA": "Algiers",
    "EGY": "Cairo",
    "TUN": "Tunis",
    "ITA": "Ragusa",
    "GRC": "Athens",
    "MLT": "Valletta",
    "ESP": "Almería",
}
LANGUAGES = {
    "DZA": "ar,fr",
    "EGY": "ar,en",
    "TUN": "ar,fr",
    "ITA": "it,en",
    "GRC": "el,en",
    "MLT": "mt,en",
    "ESP": "es,en",
}
#: international organisations' offices in the demo: (code, state, city, languages)
IO_OFFICES = (
    ("IOM", "ITA", "Rome", "en,it,ar,fr"),
    ("UNODC", "EGY", "Cairo", "en,ar,fr"),
    ("ICMPD", "MLT", "Valletta", "en,fr,ar"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    state: str
    kind: str
    agency: str


def is_loaded(session: Session) -> bool:
    return session.execute(select(func.count()).select_from(Agency)).scalar_one() > 0


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo agencies and accounts (in the caller's transaction); returns the logins."""
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[DemoLogin] = []

    def add(agency: Agency, username: str, display: str, *, admin: bool = False) -> None:
        session.add(agency)
        session.flush()
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

    for code in REGION_STATE_CODES:
        iso2 = country(code).iso2.lower()
        for kind, short in SHORT.items():
            receives = RECEIVES.get(kind, ())
            agency = Agency(
                name=f"{PRACTITIONER_LABELS[kind]} — {CITY[code]} (demo)",
                state=code,
                kind=kind.value,
                org_type=ORG_TYPE[kind],
                city=CITY[code],
                email=f"{short}@{iso2}.demo.invalid",
                languages=LANGUAGES[code],
                is_contact_point=bool(receives),
                receives=",".join(i.value for i in receives),
            )
            add(agency, f"{iso2}.{short}", f"{country(code).name}: {PRACTITIONER_LABELS[kind]}")
    for org, code, city, langs in IO_OFFICES:
        agency = Agency(
            name=f"{org} — {city} (demo)",
            state=code,
            kind=K.INTERNATIONAL_ORGANISATION.value,
            org_type=ORG_TYPE[K.INTERNATIONAL_ORGANISATION],
            organisation=org,
            city=city,
            email=f"{org.lower()}@demo.invalid",
            languages=langs,
        )
        add(agency, org.lower(), f"{org} ({city})")
    # The administrator manages accounts and verifies the audit trail; it works in no case.
    admin_agency = session.execute(
        select(Agency).where(Agency.state == "ITA", Agency.kind == K.NATIONAL_COORDINATOR.value)
    ).scalar_one()
    session.add(
        User(
            username="admin",
            display_name="Pharos administrator",
            password_hash=password_hash,
            agency_id=admin_agency.id,
            kind=K.NATIONAL_COORDINATOR.value,
            state="ITA",
            is_admin=True,
        )
    )
    logins.append(DemoLogin("admin", "ITA", "admin", admin_agency.name))
    session.flush()
    return logins
