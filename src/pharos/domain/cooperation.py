"""Cross-border cooperation instruments and which exist between two states.

EU membership decides the instruments: the European Investigation Order (Directive 2014/41/EU)
exists only between EU member states; a joint investigation team is set up through Eurojust
between EU states, and with a third country only on a legal basis such as UNTOC Article 19;
mutual legal assistance (UNTOC Article 18 or bilateral treaties) and police information
exchange (Europol between EU states, Interpol otherwise) exist between any two states. The
referral instruments (family safety check, pre-return risk assessment, return and reception)
come from ICMPD's Transnational Referral Mechanism and are available between any two states.
Sources: Eurojust, Report on Trafficking in Human Beings (2021), verified; the instrument
descriptions are unverified background (see docs/domain.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pharos.domain.geography import both_eu, country


class Instrument(StrEnum):
    POLICE_INFORMATION_EXCHANGE = "police_information_exchange"
    MUTUAL_LEGAL_ASSISTANCE = "mutual_legal_assistance"
    EUROPEAN_INVESTIGATION_ORDER = "european_investigation_order"
    JOINT_INVESTIGATION_TEAM = "joint_investigation_team"
    FAMILY_SAFETY_CHECK = "family_safety_check"
    PRE_RETURN_RISK_ASSESSMENT = "pre_return_risk_assessment"
    RETURN_AND_RECEPTION = "return_and_reception"


@dataclass(frozen=True)
class InstrumentAvailability:
    instrument: Instrument
    channel: str
    legal_basis: str


def instruments_between(sender: str, receiver: str) -> list[InstrumentAvailability]:
    """The instruments a state ``sender`` may use towards ``receiver`` (ISO3 codes).

    A state does not send cross-border requests to itself: the list is empty when both are equal.
    """
    a, b = country(sender), country(receiver)
    if a.iso3 == b.iso3:
        return []
    eu = both_eu(a.iso3, b.iso3)
    out = [
        InstrumentAvailability(
            Instrument.POLICE_INFORMATION_EXCHANGE,
            "Europol (SIENA)" if eu else "Interpol",
            "Europol Regulation (EU) 2016/794" if eu else "Interpol Constitution, Art. 2",
        ),
        InstrumentAvailability(
            Instrument.MUTUAL_LEGAL_ASSISTANCE,
            "central authorities",
            "2000 EU MLA Convention" if eu else "UNTOC Art. 18 or a bilateral treaty",
        ),
    ]
    if eu:
        out.append(
            InstrumentAvailability(
                Instrument.EUROPEAN_INVESTIGATION_ORDER,
                "judicial authorities directly",
                "Directive 2014/41/EU",
            )
        )
    out.append(
        InstrumentAvailability(
            Instrument.JOINT_INVESTIGATION_TEAM,
            "Eurojust" if eu else "Eurojust with the third country",
            "2000 EU MLA Convention Art. 13; Framework Decision 2002/465/JHA"
            if eu
            else "UNTOC Art. 19 (where agreed)",
        )
    )
    for instr in (
        Instrument.FAMILY_SAFETY_CHECK,
        Instrument.PRE_RETURN_RISK_ASSESSMENT,
        Instrument.RETURN_AND_RECEPTION,
    ):
        out.append(
            InstrumentAvailability(
                instr, "transnational referral contact points", "ICMPD TRM guidelines (2010)"
            )
        )
    return out


def instrument_exists(sender: str, receiver: str, instrument: Instrument) -> bool:
    return any(i.instrument is instrument for i in instruments_between(sender, receiver))
