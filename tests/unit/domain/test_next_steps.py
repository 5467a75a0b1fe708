"""Next steps for every outcome (issue 20, item 2): the routes that apply, and who takes each in
the state, read from the powers data (``data/powers.yaml``), never typed again here."""

from __future__ import annotations

from pharos.domain.datafiles import load_data_file
from pharos.domain.explain import explain, explained, forced_labour_text
from pharos.domain.indicators import Dimension
from pharos.domain.next_steps import Outcome, Route, next_steps, outcome, routes
from pharos.domain.practitioners import PractitionerKind, state_powers
from pharos.domain.screening import (
    ForcedLabourFinding,
    Observation,
    Observations,
    Person,
    Presumption,
    screen,
)
from pharos.i18n import use_locale

ADULT = Person(age=30)
ALL = frozenset(Dimension)


def seen(*ids: str, assessed: frozenset[Dimension] = ALL) -> Observations:
    """The held-out style of vignette: indicators seen, everything else explored."""
    return Observations(present=tuple(Observation(i) for i in ids), assessed=assessed)


def test_presumed_trafficking_routes_to_identification_nrm_police_and_legal_aid() -> None:
    s = screen(
        seen(
            "dr_nature_of_job", "dr_wages", "ec_excessive_hours", "ec_low_no_salary",
            "cd_confiscation_documents", "cd_withholding_wages",
        ),
        ADULT,
    )  # fmt: skip
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
    assert outcome(s) is Outcome.PRESUMED_TRAFFICKING
    assert routes(s) == (
        Route.FORMAL_IDENTIFICATION,
        Route.REFERRAL_MECHANISM,
        Route.POLICE,
        Route.LABOUR_INSPECTION,
        Route.LEGAL_AID,
    )
    steps = {step.route: step for step in next_steps(s, "TUN")}
    # who formally identifies in Tunisia is the powers data's, bodies and all
    raw = load_data_file("powers.yaml")["states"]["TUN"]["formal_identification"]
    ident = steps[Route.FORMAL_IDENTIFICATION]
    assert ident.power == state_powers("TUN").formal_identification
    assert list(ident.power.bodies) == raw["bodies"] and ident.power.known
    assert [k.value for k in ident.power.kinds] == raw["kinds"]
    assert steps[Route.POLICE].power == state_powers("TUN").opens_investigation
    assert (
        steps[Route.REFERRAL_MECHANISM].mechanism
        == load_data_file("powers.yaml")["states"]["TUN"]["referral_mechanism"]
    )
    # Malta's recovery and reflection period is established (60 days); Italy's is a default
    mlt = next(x for x in next_steps(s, "MLT") if x.route is Route.FORMAL_IDENTIFICATION)
    assert (mlt.reflection_days, mlt.reflection_known) == (60, True)
    ita = next(x for x in next_steps(s, "ITA") if x.route is Route.FORMAL_IDENTIFICATION)
    assert (ita.reflection_days, ita.reflection_known) == (30, False)
    assert not ita.power.known  # Italy: formal identification is a default, and says so
    with use_locale("en"):
        data = explained(s, state="ITA")
    assert data["outcome"] == "presumed_trafficking"
    ident_json = data["next_steps"][0]
    assert ident_json["route"] == "formal_identification" and ident_json["known"] is False
    assert "Pharos default" in ident_json["who"]


def test_insufficient_information_routes_to_the_nrm_first() -> None:
    s = screen(Observations(present=(Observation("ec_excessive_hours"),)), ADULT)
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    assert routes(s)[0] is Route.REFERRAL_MECHANISM
    assert Route.POLICE not in routes(s)
    nrm = next(x for x in next_steps(s, "GRC") if x.route is Route.REFERRAL_MECHANISM)
    raw = load_data_file("powers.yaml")["states"]["GRC"]["routes"]["referral_mechanism"]
    assert list(nrm.power.bodies) == raw["bodies"] and nrm.power.known
    # where the sources name no entry point, the default of defaults.routes, marked as such
    ita = next(x for x in next_steps(s, "ITA") if x.route is Route.REFERRAL_MECHANISM)
    assert ita.power.kinds == (PractitionerKind.NATIONAL_COORDINATOR,) and not ita.power.known
    assert [k.value for k in ita.power.kinds] == load_data_file("powers.yaml")["defaults"][
        "routes"
    ]["referral_mechanism"]


def test_not_established_with_debt_bondage_and_violence_is_forced_labour_not_nothing() -> None:
    # The worker: debt bondage and violence (coercion at destination, 2 strong) and
    # exploitative conditions, no means at recruitment (explored without findings).
    s = screen(
        seen("cd_debt_bondage", "cd_violence_on_victims", "ec_excessive_hours", "ec_low_no_salary"),
        ADULT,
    )
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.forced_labour is ForcedLabourFinding.POSSIBLE_FORCED_LABOUR
    assert outcome(s) is Outcome.EXPLOITATION_OR_FORCED_LABOUR
    assert routes(s) == (Route.LABOUR_INSPECTION, Route.POLICE, Route.LEGAL_AID)
    with use_locale("en"):
        assert any(line.startswith("Possible forced labour") for line in explain(s))
    assert explained(s)["forced_labour"]["finding"] == "possible_forced_labour"


def test_ilo_forced_labour_indicators_are_classified_on_their_own() -> None:
    # ILO, "ILO Indicators of Forced Labour" (SAP-FL, 2012), as the team's reference records it
    # (/work/shared/reference/indicators.yaml, ilo_forced_labour.usage, converted into
    # data/indicators.yaml): "In some cases a single indicator suffices to establish forced
    # labour; in others several taken together point to it. The list is not weighted." So one
    # ILO indicator recorded, with trafficking not established, is possible forced labour.
    usage = load_data_file("indicators.yaml")["ilo_forced_labour"]["usage"]
    assert "a single indicator suffices to establish forced labour" in usage
    assert "not weighted" in usage
    s = screen(seen("ilo09_debt_bondage"), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.ilo_recorded == (9,) and s.forced_labour is ForcedLabourFinding.POSSIBLE_FORCED_LABOUR
    assert outcome(s) is Outcome.EXPLOITATION_OR_FORCED_LABOUR
    with use_locale("en"):
        text = forced_labour_text(s)
    assert text is not None and "unverified mapping" not in text
    # related only through an ILO/EC indicator: the same finding, and the mapping is named
    mapped = screen(seen("cd_confiscation_documents"), ADULT)
    assert mapped.ilo_recorded == () and mapped.ilo_forced_labour == (7,)
    with use_locale("en"):
        text = forced_labour_text(mapped)
    assert text is not None and "unverified mapping" in text


def test_not_established_with_nothing_found_leaves_legal_aid_and_a_child_protection() -> None:
    s = screen(seen(), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.forced_labour is ForcedLabourFinding.NO_INDICATOR
    assert outcome(s) is Outcome.NOTHING_FOUND
    assert routes(s) == (Route.LEGAL_AID,)
    child = screen(seen(), Person(age=15))
    assert routes(child) == (Route.CHILD_PROTECTION, Route.LEGAL_AID)
    cp = next_steps(child, "ESP")[0]
    assert [k.value for k in cp.power.kinds] == load_data_file("powers.yaml")["defaults"]["routes"][
        "child_protection"
    ]


def test_every_route_and_outcome_has_words_in_every_language() -> None:
    from pharos.domain.explain import OUTCOME_TEXTS, ROUTE_LABELS, ROUTE_PURPOSES

    assert set(ROUTE_LABELS) == set(Route) == set(ROUTE_PURPOSES)
    assert set(OUTCOME_TEXTS) == set(Outcome)
    mechanisms = {s["referral_mechanism"] for s in load_data_file("powers.yaml")["states"].values()}
    for lang in ("fr", "ar", "it", "el", "es"):
        with use_locale(lang):
            from pharos.i18n import gettext

            for text in [*ROUTE_LABELS.values(), *ROUTE_PURPOSES.values(), *mechanisms]:
                assert gettext(text) != text, (lang, text)
