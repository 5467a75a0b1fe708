"""The scenario format: the simulated world, as a Pydantic schema.

A scenario describes states of the region (their agencies, detection channels, who may formally
identify, shelter places, justice capacity), the cooperation channels between each pair of
states, the migration flows along the routes, the trafficking networks, and the run settings
(horizon in days, replications, seed, outputs). Every number is addressable by a dotted path
(``states.ITA.agencies.labour_inspector.detection_rate``); see :mod:`pharos.scenario.params`.

Units: durations in days, rates per year, probabilities and shares in [0, 1].
The format is documented for users in ``docs/scenario-format.md``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pharos.domain.cooperation import InstrumentCode
from pharos.domain.geography import countries, region_state_codes, routes
from pharos.domain.practitioners import PractitionerKind
from pharos.domain.vocabulary import ExploitationType, RecruitmentMethod

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]


class DetectionChannel(StrEnum):
    """The ways a victim comes to the attention of an agency (architecture, regional model)."""

    LABOUR_INSPECTIONS = "labour_inspections"
    POLICE_OPERATIONS = "police_operations"
    DISEMBARKATION_SCREENING = "disembarkation_screening"
    NGO_OUTREACH = "ngo_outreach"
    HOTLINES = "hotlines"
    HEALTH_SERVICES = "health_services"
    ONLINE_MONITORING = "online_monitoring"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Agency(_Strict):
    """One kind of agency in one state, as a detection channel.

    ``detection_rate``: contacts with each exploited victim per year in this channel (for
    online monitoring: per year of the recruitment phase). ``skill``: share of contacts in which
    the indicators are recognised. ``capacity_per_year``: for disembarkation screening, persons
    screened per year (coverage = capacity / arrivals, at most 1). ``reaches``: the forms of
    exploitation this channel reaches (empty: every form).
    """

    channel: DetectionChannel
    detection_rate: NonNegative = 0.0
    skill: Share = 0.5
    capacity_per_year: NonNegative | None = None
    reaches: list[ExploitationType] = Field(default_factory=list)

    @model_validator(mode="after")
    def _screening_has_capacity(self) -> Agency:
        if self.channel is DetectionChannel.DISEMBARKATION_SCREENING and (
            self.capacity_per_year is None
        ):
            raise ValueError("disembarkation screening needs capacity_per_year")
        return self


class Identification(_Strict):
    """Formal identification by the competent body.

    ``bodies``: practitioner kinds that may formally identify (default: the domain's
    ``state_powers(state).formal_identification``). ``officers``: identification procedures
    that run at once. ``mean_days``: mean length of a procedure after referral to the competent
    body. ``direct_days``: mean delay when the detecting agency may identify itself.
    """

    bodies: list[PractitionerKind] | None = None
    officers: Annotated[int, Field(ge=1)] = 4
    mean_days: Positive = 30.0
    direct_days: Positive = 3.0


class Protection(_Strict):
    """Referral and protection: shelter places, recovery and reflection, losses, cooperation.

    ``shelter_beds``: places in assistance programmes. ``reflection_days``: recovery and
    reflection period (default: the domain's ``state_powers``). ``stay_days``: mean further stay
    after it. ``loss_rate``: hazard per year of losing a detected victim before protection
    (absconding, removal, re-trafficking). ``retrafficking_share``: share of lost victims
    re-trafficked. ``cooperation_share``: share of protected victims who cooperate with the
    authorities. ``return_share``: share of foreign victims who ask to return home.
    """

    shelter_beds: Annotated[int, Field(ge=0)] = 50
    reflection_days: Annotated[int, Field(ge=0)] | None = None
    stay_days: Positive = 120.0
    loss_rate: NonNegative = 2.0
    retrafficking_share: Share = 0.3
    cooperation_share: Share = 0.4
    return_share: Share = 0.3
    return_risk_share: Share = 0.2


class Justice(_Strict):
    """Investigation, prosecution and conviction in one state.

    ``investigators``: investigations that run at once. ``proactive_rate``: investigations
    opened per active network per year without a cooperating victim (intelligence-led).
    ``financial_share``: share of investigations with a financial investigation.
    ``evidence_base`` and the bonuses: probability that an investigation gathers enough evidence
    to charge; the cross-border bonus counts admissible evidence only (a useful reply to a
    judicial request: MLA, EIO or a JIT), never police intelligence. ``lead_speedup``: share of
    the investigation still to run that a useful police lead (intelligence through Interpol,
    SIENA or a liaison officer) saves when it arrives before the investigation ends.
    ``persons_per_case``: mean persons charged when a network is charged.
    ``central_authority_staff`` and ``central_authority_days``: the state's central authority for
    mutual legal assistance (UNTOC Art. 18(13)) handles that many outgoing requests at once, each
    for a mean of that many days, first come first served; requests wait in a queue when all are
    busy.
    """

    investigators: Annotated[int, Field(ge=1)] = 10
    investigation_days: Positive = 180.0
    proactive_rate: NonNegative = 0.05
    financial_share: Share = 0.2
    evidence_base: Share = 0.3
    evidence_per_victim: Share = 0.1
    evidence_cross_border: Share = 0.2
    evidence_financial: Share = 0.15
    lead_speedup: Share = 0.3
    central_authority_staff: Annotated[int, Field(ge=1)] = 4
    central_authority_days: Positive = 20.0
    persons_per_case: Annotated[float, Field(ge=1.0)] = 2.0
    prosecution_days: Positive = 365.0
    conviction_share: Share = 0.6


class State(_Strict):
    """One state of the region (``pharos.domain.geography.region_states``)."""

    agencies: dict[PractitionerKind, Agency] = Field(default_factory=dict)
    identification: Identification = Field(default_factory=Identification)
    protection: Protection = Field(default_factory=Protection)
    justice: Justice = Field(default_factory=Justice)


class ChannelTerms(_Strict):
    """How one instrument performs between two states.

    ``median_days`` and ``dispersion`` (the sigma of a lognormal) give the response time;
    ``success``: share of requests answered usefully. ``available``: False removes the
    instrument; True records an agreement, without which an instrument that exists only by
    agreement is not used (a joint investigation team, a liaison officer's desk).
    ``setup_days``: days to set the instrument up for a case before it works (a joint
    investigation team's agreement, signed for each investigation), added to every reply.
    """

    median_days: Positive = 60.0
    dispersion: Annotated[float, Field(ge=0.0, le=3.0)] = 0.8
    success: Share = 0.6
    available: bool | None = None
    setup_days: NonNegative = 0.0


class Cooperation(_Strict):
    """Cross-border channels: defaults per instrument, then terms for pairs ``"ITA-TUN"``."""

    defaults: dict[InstrumentCode, ChannelTerms] = Field(default_factory=dict)
    pairs: dict[str, dict[InstrumentCode, ChannelTerms]] = Field(default_factory=dict)

    @field_validator("pairs")
    @classmethod
    def _pair_keys(cls, v: dict[str, dict[InstrumentCode, ChannelTerms]]) -> dict[str, object]:
        known = countries()
        for key in v:
            parts = key.split("-")
            if len(parts) != 2 or parts[0] == parts[1] or any(p not in known for p in parts):
                raise ValueError(
                    f"pair {key!r} must be two different ISO3 codes joined by '-', e.g. ITA-TUN"
                )
        return dict(v)


class RouteFlow(_Strict):
    """Irregular arrivals along one route (Frontex route names; see the domain's routes).

    ``arrivals_per_year``: mean detections per year; ``year_to_year_cv``: coefficient of
    variation between years; ``destinations``: share of arrivals per state (sums to 1);
    ``sea``: arrivals are screened at disembarkation.
    """

    arrivals_per_year: NonNegative
    year_to_year_cv: Annotated[float, Field(ge=0.0, le=3.0)] = 0.5
    travel_days: Positive = 20.0
    destinations: dict[str, Share]
    sea: bool = True

    @field_validator("destinations")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for code in v:
            if code not in region_state_codes():
                raise ValueError(f"{code!r} is not one of {', '.join(region_state_codes())}")
        if v and abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError(f"destination shares must sum to 1, not {sum(v.values()):.3f}")
        return v


class Network(_Strict):
    """A trafficking network: recruiters in ``origin``, exploiters in ``destinations``.

    ``recruits_per_year``: victims recruited per year while active. ``recruitment``: shares of
    recruitment methods (online job ads, social media, ...). ``exploitation_days``: mean time
    a victim stays exploited before escaping or being moved on unassisted. ``replacement_days``:
    mean time before a disrupted network is replaced by another. ``cells``: the template stands
    for this many independent groups of the same kind, each recruiting
    ``recruits_per_year / cells`` and each with ``members`` members.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    origin: str
    route: str | None = None
    destinations: dict[str, Share]
    exploitation: ExploitationType
    sector: str = "unspecified"
    recruits_per_year: NonNegative
    members: Annotated[int, Field(ge=1)] = 5
    cells: Annotated[int, Field(ge=1, le=500)] = 1
    recruitment: dict[RecruitmentMethod, Share] = Field(
        default_factory=lambda: {RecruitmentMethod.FRIENDS: 1.0}
    )
    recruitment_days: Positive = 30.0
    travel_days: Positive = 20.0
    female_share: Share = 0.5
    child_share: Share = 0.1
    unaccompanied_share: Share = 0.3
    asylum_seeker_share: Share = 0.3
    exploitation_days: Positive = 720.0
    replacement_days: Positive = 365.0

    @field_validator("origin")
    @classmethod
    def _origin(cls, v: str) -> str:
        if v not in countries():
            raise ValueError(f"unknown country code {v!r}")
        return v

    @field_validator("route")
    @classmethod
    def _route(cls, v: str | None) -> str | None:
        if v is not None and v not in routes():
            raise ValueError(f"unknown route {v!r}; known: {', '.join(routes())}")
        return v

    @field_validator("destinations")
    @classmethod
    def _dest(cls, v: dict[str, float]) -> dict[str, float]:
        return RouteFlow._shares(v)

    @field_validator("recruitment")
    @classmethod
    def _methods(cls, v: dict[RecruitmentMethod, float]) -> dict[RecruitmentMethod, float]:
        if abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError(f"recruitment shares must sum to 1, not {sum(v.values()):.3f}")
        return v


class Outputs(_Strict):
    """What a run writes: table formats and the HTML report."""

    formats: list[Annotated[str, Field(pattern=r"^(parquet|csv)$")]] = Field(
        default_factory=lambda: ["parquet", "csv"]
    )
    report: bool = True


class Scenario(_Strict):
    """A whole simulated world and how to run it."""

    name: str
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 0
    horizon_days: Annotated[int, Field(ge=1)] = 3650
    warmup_days: Annotated[int, Field(ge=0)] = 365
    replications: Annotated[int, Field(ge=1)] = 20
    states: dict[str, State]
    cooperation: Cooperation = Field(default_factory=Cooperation)
    routes: dict[str, RouteFlow] = Field(default_factory=dict)
    networks: list[Network]
    outputs: Outputs = Field(default_factory=Outputs)

    @field_validator("states")
    @classmethod
    def _states(cls, v: dict[str, State]) -> dict[str, State]:
        for code in v:
            if code not in region_state_codes():
                raise ValueError(f"{code!r} is not one of {', '.join(region_state_codes())}")
        return v

    @field_validator("routes")
    @classmethod
    def _routes(cls, v: dict[str, RouteFlow]) -> dict[str, RouteFlow]:
        for key in v:
            if key not in routes():
                raise ValueError(f"unknown route {key!r}; known: {', '.join(routes())}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup_days >= self.horizon_days:
            raise ValueError("warmup_days must be shorter than horizon_days")
        seen: set[str] = set()
        for n in self.networks:
            if n.id in seen:
                raise ValueError(f"network id {n.id!r} is used twice")
            seen.add(n.id)
            for code in n.destinations:
                if code not in self.states:
                    raise ValueError(f"network {n.id!r} exploits in {code}, not in states")
        return self
