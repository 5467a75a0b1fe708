"""Practitioners, international organisations and who holds which power in each state.

The OSCE names eight kinds of anti-trafficking practitioner (OSCE CTHB pages, verified): law
enforcement, public prosecutors, migration officers and asylum authorities, lawyers, labour
inspectors, social welfare practitioners, NGOs and journalists. Pharos adds border guards,
financial investigators, interpreters or cultural mediators, and national coordinators (the
national anti-trafficking authority or rapporteur, which in Tunisia formally identifies victims).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pharos.domain.datafiles import data_cache, data_source, load_data_file
from pharos.domain.geography import country


class PractitionerKind(StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    MIGRATION_ASYLUM = "migration_asylum"
    LAWYER = "lawyer"
    LABOUR_INSPECTOR = "labour_inspector"
    SOCIAL_WELFARE = "social_welfare"
    NGO = "ngo"
    JOURNALIST = "journalist"
    BORDER_GUARD = "border_guard"
    FINANCIAL_INVESTIGATOR = "financial_investigator"
    INTERPRETER_MEDIATOR = "interpreter_mediator"
    NATIONAL_COORDINATOR = "national_coordinator"
    INTERNATIONAL_ORGANISATION = "international_organisation"


#: The eight kinds named by the OSCE.
OSCE_PRACTITIONER_KINDS: tuple[PractitionerKind, ...] = (
    PractitionerKind.LAW_ENFORCEMENT,
    PractitionerKind.PUBLIC_PROSECUTOR,
    PractitionerKind.MIGRATION_ASYLUM,
    PractitionerKind.LAWYER,
    PractitionerKind.LABOUR_INSPECTOR,
    PractitionerKind.SOCIAL_WELFARE,
    PractitionerKind.NGO,
    PractitionerKind.JOURNALIST,
)

PRACTITIONER_LABELS: dict[PractitionerKind, str] = {
    PractitionerKind.LAW_ENFORCEMENT: "Law enforcement",
    PractitionerKind.PUBLIC_PROSECUTOR: "Public prosecutor",
    PractitionerKind.MIGRATION_ASYLUM: "Migration officer or asylum authority",
    PractitionerKind.LAWYER: "Lawyer",
    PractitionerKind.LABOUR_INSPECTOR: "Labour inspector",
    PractitionerKind.SOCIAL_WELFARE: "Social welfare practitioner",
    PractitionerKind.NGO: "Non-governmental organisation",
    PractitionerKind.JOURNALIST: "Journalist",
    PractitionerKind.BORDER_GUARD: "Border guard",
    PractitionerKind.FINANCIAL_INVESTIGATOR: "Financial investigator",
    PractitionerKind.INTERPRETER_MEDIATOR: "Interpreter or cultural mediator",
    PractitionerKind.NATIONAL_COORDINATOR: "National anti-trafficking coordinator or rapporteur",
    PractitionerKind.INTERNATIONAL_ORGANISATION: "International organisation",
}


@dataclass(frozen=True)
class InternationalOrganisation:
    code: str
    name: str
    roles: tuple[str, ...]


INTERNATIONAL_ORGANISATIONS: tuple[InternationalOrganisation, ...] = (
    InternationalOrganisation(
        "IOM",
        "International Organization for Migration",
        (
            "direct assistance to victims among migrants",
            "assisted voluntary return and reintegration",
            "case data standard (HTCDS) and counter-trafficking data (CTDC)",
        ),
    ),
    InternationalOrganisation(
        "UNODC",
        "United Nations Office on Drugs and Crime",
        (
            "guardian of the Palermo Protocol (UNTOC)",
            "criminal justice capacity building",
            "Global Report on Trafficking in Persons",
        ),
    ),
    InternationalOrganisation(
        "ICMPD",
        "International Centre for Migration Policy Development",
        (
            "Transnational Referral Mechanism guidelines",
            "capacity building for national referral mechanisms",
        ),
    ),
)


class Confidence(StrEnum):
    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"
    GAP = "gap"


@dataclass(frozen=True)
class Power:
    """One power in one state: who holds it and how sure we are.

    ``known`` is False where the sources do not establish the fact; ``kinds`` then holds the
    fallback Pharos uses, and ``caveat`` says so.
    """

    known: bool
    kinds: tuple[PractitionerKind, ...]
    confidence: Confidence
    source: str
    bodies: tuple[str, ...] = ()
    exclusive: bool = False
    note: str | None = None

    @property
    def caveat(self) -> str | None:
        if self.known:
            return None
        return "not established by the sources consulted; Pharos uses a default: " + (
            ", ".join(k.value for k in self.kinds) or "none"
        )


@dataclass(frozen=True)
class RecoveryAndReflection:
    known: bool
    days: int
    granted_by: tuple[PractitionerKind, ...]
    confidence: Confidence
    source: str
    note: str | None = None


@dataclass(frozen=True)
class StatePowers:
    state: str
    formal_identification: Power
    recovery_and_reflection: RecoveryAndReflection
    opens_investigation: Power
    prosecutes: Power
    referral_mechanism: str
    extra: dict[str, Any] = field(default_factory=dict)
    #: who takes each route a screening points to (``defaults.routes`` in ``powers.yaml``,
    #: overridden per state): referral_mechanism, labour_inspection, legal_aid, child_protection
    routes: dict[str, Power] = field(default_factory=dict)

    def may_identify(self, kind: PractitionerKind) -> bool:
        """Whether ``kind`` may formally identify a victim in this state."""
        return kind in self.formal_identification.kinds


def _kinds(raw: list[str] | None, fallback: list[str]) -> tuple[PractitionerKind, ...]:
    return tuple(PractitionerKind(k) for k in (raw if raw else fallback))


def _power(raw: dict[str, Any], fallback: list[str]) -> Power:
    return Power(
        known=bool(raw.get("known", False)),
        kinds=_kinds(raw.get("kinds"), fallback),
        confidence=Confidence(raw.get("confidence", "gap")),
        source=str(raw.get("source", "")),
        bodies=tuple(raw.get("bodies", ())),
        exclusive=bool(raw.get("exclusive", False)),
        note=raw.get("note"),
    )


@data_cache
def state_powers(state: str) -> StatePowers:
    """The powers in one of the states of the region (ISO3 code)."""
    data = load_data_file("powers.yaml")
    code = country(state).iso3
    if code not in data["states"]:
        raise KeyError(
            f"no powers recorded for {code} in {data_source('powers.yaml')}; "
            "every state of the region needs its powers there"
        )
    d = data["defaults"]
    s = data["states"][code]
    rr = s["recovery_and_reflection"]
    return StatePowers(
        state=code,
        formal_identification=_power(s["formal_identification"], d["formal_identification"]),
        recovery_and_reflection=RecoveryAndReflection(
            known=bool(rr.get("known", False)),
            days=int(rr.get("days", d["recovery_and_reflection_days"])),
            granted_by=_kinds(rr.get("granted_by"), d["formal_identification"]),
            confidence=Confidence(rr.get("confidence", "gap")),
            source=str(rr.get("source", "")),
            note=rr.get("note"),
        ),
        opens_investigation=_power(s["opens_investigation"], d["opens_investigation"]),
        prosecutes=_power(s["prosecutes"], d["prosecutes"]),
        referral_mechanism=str(s.get("referral_mechanism", "")),
        routes={
            name: _power(s["routes"][name], kinds)
            if name in (s.get("routes") or {})
            else Power(False, _kinds(kinds, []), Confidence.UNVERIFIED, "Pharos default")
            for name, kinds in d.get("routes", {}).items()
        },
    )


def route_kinds(state: str, route: str) -> tuple[PractitionerKind, ...]:
    """The kinds of practitioner who take ``route`` (``routes`` of the powers data) in
    ``state``, first present first; in a state the powers data does not record (a persona in
    transit), the defaults of the same data."""
    try:
        return state_powers(state).routes[route].kinds
    except KeyError:
        if route not in (default := load_data_file("powers.yaml")["defaults"]["routes"]):
            raise
        return _kinds(default[route], [])
