"""The simulated world compiled from a scenario: indices, rates and channel terms.

Compiling once per replication keeps the event handlers to plain list and float operations.
Domain facts come from :mod:`pharos.domain`: who may formally identify and the recovery and
reflection period default to ``state_powers(state)``; cross-border instruments are limited to
those that exist between the two states (``pharos.domain.cooperation``), and one that exists
only by agreement (a joint investigation team, a liaison officer's desk) only where the
scenario's terms for the pair say ``available: true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from pharos.domain.cooperation import Basis, Product, instrument, of_product
from pharos.domain.datafiles import data_cache
from pharos.domain.geography import countries, region_state_codes
from pharos.domain.practitioners import PractitionerKind, state_powers
from pharos.domain.vocabulary import ExploitationType, RecruitmentMethod
from pharos.scenario.schema import ChannelTerms, DetectionChannel, Network, Scenario
from pharos.sim.policies import InstrumentTerms

KINDS: tuple[PractitionerKind, ...] = tuple(PractitionerKind)
KIND_INDEX: dict[PractitionerKind, int] = {k: i for i, k in enumerate(KINDS)}
TYPES: tuple[ExploitationType, ...] = tuple(ExploitationType)
TYPE_INDEX: dict[ExploitationType, int] = {t: i for i, t in enumerate(TYPES)}
METHODS: tuple[RecruitmentMethod, ...] = tuple(RecruitmentMethod)
ONLINE_METHODS = frozenset(
    {RecruitmentMethod.ONLINE_ADVERTISEMENT, RecruitmentMethod.ONLINE_SOCIAL_NETWORKS}
)
#: Instruments the police of an investigation ask for leads abroad: those whose product is
#: intelligence (Interpol, SIENA, a liaison officer), in the data file's order. A lead speeds the
#: investigation; it is not evidence (Directive (EU) 2023/977, Art. 1).
INTELLIGENCE_INSTRUMENTS: tuple[str, ...] = of_product(Product.INTELLIGENCE)
#: Instruments the prosecutor asks for admissible evidence abroad: those whose product is
#: evidence (MLA, the EIO, a joint investigation team), in the data file's order.
EVIDENCE_INSTRUMENTS: tuple[str, ...] = of_product(Product.EVIDENCE)
#: Instruments sent through the requesting state's central authority, which has a finite
#: capacity and a queue (UNTOC Art. 18(13): each party designates a central authority "with the
#: responsibility and power to receive requests for mutual legal assistance and either to execute
#: them or to transmit them to the competent authorities").
CENTRAL_AUTHORITY_INSTRUMENTS: frozenset[str] = frozenset(
    {instrument("mutual_legal_assistance").id}
)
#: The instruments of an investigation's requests, intelligence then evidence (the fast path's
#: index of an instrument).
REQUEST_INSTRUMENTS: tuple[str, ...] = INTELLIGENCE_INSTRUMENTS + EVIDENCE_INSTRUMENTS
PURPOSES: dict[str, tuple[str, ...]] = {
    "intelligence": INTELLIGENCE_INSTRUMENTS,
    "evidence": EVIDENCE_INSTRUMENTS,
}
#: The instrument the model's return process asks the origin state by (looked up, so that a data
#: file without it fails at import rather than in a run).
RETURN_RISK_ASSESSMENT: str = instrument("pre_return_risk_assessment").id
#: Default terms when a scenario names none (wide priors: calibration.md section 7.3).
DEFAULT_TERMS = ChannelTerms()


@dataclass(frozen=True)
class NetworkCell:
    """One independent group of a network template (``cells`` of them per template)."""

    id: str
    spec: Network
    template: int
    number: int
    main_state: str


@dataclass
class StateModel:
    """One state's compiled parameters."""

    code: str
    index: int
    rates: dict[int, np.ndarray]  # kind index -> detection rate per day by exploitation type
    screening_kind: int | None
    screening_capacity: float
    screening_skill: float
    online_rate: float  # recognised interceptions per day of the recruitment phase
    bodies: tuple[PractitionerKind, ...]
    officers: int
    ident_days: float
    direct_days: float
    beds: int
    reflection_days: float
    stay_days: float
    loss_rate: float  # per day
    retrafficking_share: float
    cooperation_share: float
    return_share: float
    return_risk_share: float
    investigators: int
    investigation_days: float
    proactive_rate: float  # per network per day
    financial_share: float
    evidence_base: float
    evidence_per_victim: float
    evidence_cross_border: float
    evidence_financial: float
    lead_speedup: float
    ca_staff: int
    ca_days: float
    persons_per_case: float
    prosecution_days: float
    conviction_share: float


def _terms_for(
    scenario: Scenario, a: str, b: str, instrument: str, basis: Basis
) -> ChannelTerms | None:
    coop = scenario.cooperation
    terms = coop.defaults.get(instrument, DEFAULT_TERMS)
    for key in (f"{a}-{b}", f"{b}-{a}"):
        pair = coop.pairs.get(key)
        if pair and instrument in pair:
            terms = pair[instrument]
            break
    if terms.available is False:
        return None
    if basis.needs_agreement and terms.available is not True:
        return None  # e.g. a JIT with a third country exists only where agreed (UNTOC Art. 19)
    return terms


class World:
    """Everything the engine needs, computed once from a scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.horizon = float(scenario.horizon_days)
        codes = [c for c in region_state_codes() if c in scenario.states]
        self.state_codes: tuple[str, ...] = tuple(codes)
        self.state_index = {c: i for i, c in enumerate(codes)}
        self.states = [self._compile_state(c, i) for i, c in enumerate(codes)]
        self.route_names: tuple[str, ...] = tuple(scenario.routes)
        #: each template's main destination (where most of its victims go)
        self.main_states: tuple[str, ...] = tuple(
            max(spec.destinations, key=lambda k: spec.destinations[k]) for spec in scenario.networks
        )
        #: the index of each template's first cell in :attr:`networks`
        self.first_cell: list[int] = []
        cells = 0
        for spec in scenario.networks:
            self.first_cell.append(cells)
            cells += spec.cells
        self._terms: dict[tuple[str, str, str], tuple[InstrumentTerms, ...]] = {}
        self._raw_terms: dict[tuple[str, str, str], ChannelTerms | None] = {}

    @cached_property
    def networks(self) -> list[NetworkCell]:
        """Every independent group, template by template (built when first asked for: the
        fast path needs only their templates and main states, :func:`cell_templates`)."""
        out: list[NetworkCell] = []
        for t, spec in enumerate(self.scenario.networks):
            for k in range(spec.cells):
                cell_id = spec.id if spec.cells == 1 else f"{spec.id}.{k}"
                out.append(NetworkCell(cell_id, spec, t, k, self.main_states[t]))
        return out

    def _compile_state(self, code: str, index: int) -> StateModel:
        st = self.scenario.states[code]
        powers = state_powers(code)
        rates: dict[int, np.ndarray] = {}
        screening_kind: int | None = None
        screening_capacity = 0.0
        screening_skill = 0.0
        online_rate = 0.0
        for kind, ag in st.agencies.items():
            if ag.channel is DetectionChannel.DISEMBARKATION_SCREENING:
                screening_kind = KIND_INDEX[kind]
                screening_capacity = float(ag.capacity_per_year or 0.0)
                screening_skill = ag.skill
                continue
            if ag.channel is DetectionChannel.ONLINE_MONITORING:
                online_rate += ag.detection_rate * ag.skill / 365.0
                continue
            per_type = np.zeros(len(TYPES))
            for t in TYPES:
                if not ag.reaches or t in ag.reaches:
                    per_type[TYPE_INDEX[t]] = ag.detection_rate * ag.skill / 365.0
            rates[KIND_INDEX[kind]] = per_type
        ident = st.identification
        prot = st.protection
        jus = st.justice
        bodies = tuple(ident.bodies) if ident.bodies else powers.formal_identification.kinds
        reflection = (
            prot.reflection_days
            if prot.reflection_days is not None
            else powers.recovery_and_reflection.days
        )
        return StateModel(
            code=code,
            index=index,
            rates=rates,
            screening_kind=screening_kind,
            screening_capacity=screening_capacity,
            screening_skill=screening_skill,
            online_rate=online_rate,
            bodies=bodies,
            officers=ident.officers,
            ident_days=ident.mean_days,
            direct_days=ident.direct_days,
            beds=prot.shelter_beds,
            reflection_days=float(reflection),
            stay_days=prot.stay_days,
            loss_rate=prot.loss_rate / 365.0,
            retrafficking_share=prot.retrafficking_share,
            cooperation_share=prot.cooperation_share,
            return_share=prot.return_share,
            return_risk_share=prot.return_risk_share,
            investigators=jus.investigators,
            investigation_days=jus.investigation_days,
            proactive_rate=jus.proactive_rate / 365.0,
            financial_share=jus.financial_share,
            evidence_base=jus.evidence_base,
            evidence_per_victim=jus.evidence_per_victim,
            evidence_cross_border=jus.evidence_cross_border,
            evidence_financial=jus.evidence_financial,
            lead_speedup=jus.lead_speedup,
            ca_staff=jus.central_authority_staff,
            ca_days=jus.central_authority_days,
            persons_per_case=jus.persons_per_case,
            prosecution_days=jus.prosecution_days,
            conviction_share=jus.conviction_share,
        )

    def terms(self, sender: str, receiver: str, instrument: str) -> ChannelTerms | None:
        """The terms of ``instrument`` from ``sender`` to ``receiver``; None if unavailable."""
        key = (sender, receiver, instrument)
        if key not in self._raw_terms:
            basis = _basis(sender, receiver, instrument)
            self._raw_terms[key] = (
                _terms_for(self.scenario, sender, receiver, instrument, basis)
                if basis is not None
                else None
            )
        return self._raw_terms[key]

    def instruments_for(
        self, sender: str, receiver: str, purpose: str
    ) -> tuple[InstrumentTerms, ...]:
        """The instruments for ``purpose`` (``"intelligence"`` or ``"evidence"``) that exist and
        are operative from ``sender`` to ``receiver``, with their terms."""
        key = (sender, receiver, purpose)
        hit = self._terms.get(key)
        if hit is None:
            out = []
            for instr in PURPOSES[purpose]:
                t = self.terms(sender, receiver, instr)
                if t is not None:
                    out.append(InstrumentTerms(instr, t.median_days, t.success, t.setup_days))
            hit = self._terms[key] = tuple(out)
        return hit


@data_cache
def _basis(sender: str, receiver: str, code: str) -> Basis | None:
    """How ``code`` exists from ``sender`` to ``receiver``; None: not at all (or a country the
    domain does not know)."""
    if sender not in countries() or receiver not in countries():
        return None
    return instrument(code).basis_between(sender, receiver)
