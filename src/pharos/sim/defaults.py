"""The defaults a scenario's results rest on: facts the sources do not establish (``known:
false`` in the domain's powers, :mod:`pharos.domain.practitioners`) that the scenario leaves to
the domain, so the model uses a default. The simulate report and the experiment report state
them next to the figures that depend on them (issue 15, item 5)."""

from __future__ import annotations

from dataclasses import dataclass

from pharos.domain.geography import country_name, region_state_codes
from pharos.i18n import N_, _, format_list, gettext
from pharos.scenario.schema import Scenario


@dataclass(frozen=True)
class Assumption:
    """A fact a model's results rest on that the sources do not establish, so the model uses
    a default (``pharos.domain.practitioners``, ``known: false``); reports state it next to the
    figures that depend on it."""

    state: str  # ISO3 code
    power: str  # "formal_identification" or "recovery_and_reflection"
    assumed: str  # what the model uses, in the current language
    confidence: str  # verified | secondary | unverified | gap
    source: str


def scenario_assumptions(scenario: Scenario) -> tuple[Assumption, ...]:
    """Where ``scenario`` leaves a fact to the domain's powers and the sources do not establish
    it: who formally identifies victims, the recovery and reflection period."""
    from pharos.domain.practitioners import PRACTITIONER_LABELS, state_powers

    out = []
    for code in (c for c in region_state_codes() if c in scenario.states):
        st, powers = scenario.states[code], state_powers(code)
        ident = powers.formal_identification
        if not st.identification.bodies and not ident.known:
            out.append(
                Assumption(
                    code,
                    "formal_identification",
                    format_list(gettext(PRACTITIONER_LABELS[k]) for k in ident.kinds),
                    ident.confidence.value,
                    ident.source,
                )
            )
        rr = powers.recovery_and_reflection
        if st.protection.reflection_days is None and not rr.known:
            out.append(
                Assumption(
                    code,
                    "recovery_and_reflection",
                    str(rr.days),
                    rr.confidence.value,
                    rr.source,
                )
            )
    return tuple(out)


_CONFIDENCE = {  # of a fact the sources do not establish (known: false)
    "verified": N_("the sources find no formal procedure"),
    "secondary": N_("secondary sources only"),
    "unverified": N_("unverified"),
    "gap": N_("no source found"),
}


def assumption_text(a: Assumption) -> str:
    """One default a result rests on, as the reports and the pages state it."""
    values = {
        "state": country_name(a.state),
        "confidence": gettext(_CONFIDENCE.get(a.confidence, a.confidence)),
        "assumed": a.assumed,
    }
    if a.power == "formal_identification":
        return (
            _(
                "%(state)s: who formally identifies victims is not established (%(confidence)s);"
                " the model assumes %(assumed)s"
            )
            % values
        )
    return (
        _(
            "%(state)s: the recovery and reflection period is not established "
            "(%(confidence)s); the model assumes %(assumed)s days"
        )
        % values
    )
