"""Each vignette of examples/screening/ gives the result the ILO/EC rule gives by hand.

The rule (WCMS_105023 p. 3, via a secondary source; src/pharos/domain/data/indicators.yaml):
a dimension is positive with 2 strong, or 1 strong + 1 medium or weak, or 3 medium, or
2 medium + 1 weak. Adults: a recruitment dimension AND exploitative conditions AND coercion at
destination. Children: an act AND exploitative conditions (no means). The reasoning for each
vignette is written next to its assertions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pharos.domain.explain import explained
from pharos.domain.indicators import Dimension
from pharos.domain.screening import (
    DimensionState,
    LabourClassification,
    Presumption,
    Profile,
    Requirement,
    Screening,
    screen,
)
from pharos.domain.screening_file import parse_screening

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "screening"
POS, OPEN, NEG = DimensionState.POSITIVE, DimensionState.OPEN, DimensionState.NEGATIVE
DR = Dimension.DECEPTIVE_RECRUITMENT
CR = Dimension.COERCIVE_RECRUITMENT
RV = Dimension.RECRUITMENT_ABUSE_OF_VULNERABILITY
EC = Dimension.EXPLOITATIVE_CONDITIONS
CD = Dimension.COERCION_AT_DESTINATION
DV = Dimension.ABUSE_OF_VULNERABILITY_AT_DESTINATION


def run(name: str) -> Screening:
    path = EXAMPLES / name
    parsed = parse_screening(path.read_text(encoding="utf-8"), path.name)
    return screen(parsed.observations, parsed.person)


def counts(s: Screening, d: Dimension) -> tuple[int, int, int]:
    c = s.dimension(d).counts
    return (c.strong, c.medium, c.weak)


def test_there_are_at_least_twelve_vignettes_and_each_is_tested() -> None:
    files = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))
    assert len(files) >= 12
    tested = {n for n in globals() if n.startswith("test_v")}
    assert len(tested) == len(files)


def test_v01_agriculture_ragusa_facebook_advert() -> None:
    s = run("01_agriculture_ragusa_greenhouse.yaml")
    # deceptive recruitment: nature of job (strong) + wages (medium) -> 1 strong + 1 medium
    assert counts(s, DR) == (1, 1, 0) and s.dimension(DR).state is POS
    # exploitative: excessive hours (strong) + low salary, bad living (medium) -> positive
    assert counts(s, EC) == (1, 2, 0) and s.dimension(EC).positive
    # coercion: documents (strong) + debt bondage (strong) -> 2 strong: positive
    assert counts(s, CD) == (2, 0, 0) and s.dimension(CD).positive
    # adult: means + exploitation + coercion all positive -> presumed trafficking, labour
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
    assert s.labour_classification is LabourClassification.VICTIM_OF_TRAFFICKING_FOR_FORCED_LABOUR


def test_v02_construction_athens() -> None:
    s = run("02_construction_athens.yaml")
    # coercive recruitment: debt bondage, documents, isolation -> 3 medium (adult list): positive
    assert counts(s, CR) == (0, 3, 0) and s.dimension(CR).positive
    assert s.dimension(DR).state is OPEN  # nothing observed about deception, not needed
    # exploitative: hazardous, very bad conditions, no social protection -> 3 medium: positive
    assert counts(s, EC) == (0, 3, 0) and s.dimension(EC).positive
    # coercion: denunciation, wages, threats of violence -> 3 medium (adults): positive
    assert counts(s, CD) == (0, 3, 0) and s.dimension(CD).positive
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION


def test_v03_domestic_work_tunis() -> None:
    s = run("03_domestic_work_tunis.yaml")
    # deception about conditions, wages, documentation -> 3 medium: positive
    assert counts(s, DR) == (0, 3, 0) and s.dimension(DR).positive
    # excessive hours (strong) + no salary (medium): positive
    assert s.dimension(EC).positive
    # documents + isolation at destination -> 2 strong: positive
    assert counts(s, CD) == (2, 0, 0)
    # servitude is a form of labour exploitation for the screening
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION


def test_v04_hospitality_exploitation_that_is_not_trafficking() -> None:
    s = run("04_hospitality_not_trafficking_malaga.yaml")
    # exploitative: excessive hours (strong) + 2 medium -> positive
    assert s.dimension(EC).positive
    # every recruitment dimension and coercion at destination was assessed and nothing found:
    # they can no longer become positive -> negative
    assert all(s.dimension(d).state is NEG for d in (DR, CR, RV, CD))
    # a required element is negative -> not established; a labour-rights case
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.labour_classification is LabourClassification.EXPLOITED_MIGRANT
    assert s.ask_next == ()


def test_v05_sexual_exploitation_castel_volturno() -> None:
    s = run("05_sexual_exploitation_castel_volturno.yaml")
    assert s.profile is Profile.ADULT_SEXUAL and s.experimental
    # nature of job (strong) + travel (medium): positive
    assert counts(s, DR) == (1, 1, 0)
    # debt bondage (strong) + forced clients, violence on family (medium): positive
    assert counts(s, CD) == (1, 2, 0)
    assert s.presumption is Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION
    # the UNODC items are shown but do not count in the ILO/EC rule
    assert {o.indicator for o in s.other_indicators} == {"us02", "us05"}
    assert "unverified_delphi_sexual" in {c.code for c in s.caveats}


def test_v06_online_recruitment_instagram() -> None:
    s = run("06_online_recruitment_instagram_webcam.yaml")
    # coercion: isolation (strong) + threat to inform family (weak for adults):
    # 1 strong + 1 weak meets "1 strong + 1 medium or weak"
    assert counts(s, CD) == (1, 0, 1) and s.dimension(CD).positive
    assert s.presumption is Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION


def test_v07_child_forced_begging() -> None:
    s = run("07_child_forced_begging_athens.yaml")
    assert s.profile is Profile.CHILD_LABOUR
    # child list: excessive hours strong, no education medium, low salary medium -> positive
    assert counts(s, EC) == (1, 2, 0)
    # act: transport and harbouring; means not required even though nothing is known of them
    assert s.requirement(Requirement.ACT).state is POS  # type: ignore[union-attr]
    assert s.requirement(Requirement.RECRUITMENT_MEANS) is None
    assert s.dimension(DR).state is OPEN
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION


def test_v08_unaccompanied_child_car_wash() -> None:
    s = run("08_unaccompanied_child_car_wash_rome.yaml")
    assert s.is_child and s.person.unaccompanied
    # excessive hours (strong) + no education, bad living (medium): positive
    assert s.dimension(EC).positive
    # debt bondage at destination (strong) alone: coercion not positive, but not required
    assert counts(s, CD) == (1, 0, 0) and not s.dimension(CD).positive
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION


def test_v09_insufficient_information_at_disembarkation() -> None:
    s = run("09_insufficient_information_disembarkation.yaml")
    # exploitative: only low salary (1 medium) -> open; coercion: documents (1 strong) -> open;
    # nothing about recruitment -> open. Nothing ruled out, so nothing is negative.
    assert s.dimension(EC).state is OPEN and s.dimension(CD).state is OPEN
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    # asking about excessive hours would alone make exploitation positive; any medium or weak
    # coercion indicator would make coercion positive: these come first
    decisive = [q for q in s.ask_next if q.decisive]
    assert decisive and s.ask_next[: len(decisive)] == tuple(decisive)
    assert "ec_excessive_hours" in {q.indicator for q in decisive}
    assert {q.dimension for q in decisive} == {EC, CD}


def test_v10_age_unknown_the_age_decides() -> None:
    s = run("10_age_unknown_young_man_farm.yaml")
    # adult rule: exploitation positive (strong + medium) but means and coercion unknown
    assert not s.is_child and s.presumption is Presumption.INSUFFICIENT_INFORMATION
    # as a child (act: transport, harbouring + exploitation) it would be trafficking: ask the age
    assert s.ask_next[0].kind == "age"
    assert "age_unknown" in {c.code for c in s.caveats}


def test_v11_successful_migrant() -> None:
    s = run("11_successful_migrant_seasonal_worker.yaml")
    # every dimension assessed, no indicator: all negative
    assert all(d.state is NEG for d in s.dimensions)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.labour_classification is LabourClassification.SUCCESSFUL_MIGRANT


def test_v12_deception_and_exploitation_without_coercion() -> None:
    s = run("12_deception_without_coercion_malta.yaml")
    # nature of job (strong) + contract (medium): deceptive recruitment positive
    assert s.dimension(DR).positive
    # low salary, no labour law, no social protection: 3 medium -> positive
    assert counts(s, EC) == (0, 3, 0) and s.dimension(EC).positive
    # coercion assessed, nothing found -> negative -> not established
    assert s.dimension(CD).state is NEG
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.labour_classification is LabourClassification.VICTIM_OF_DECEPTION_AND_EXPLOITATION


def test_v13_child_sexual_exploitation() -> None:
    s = run("13_child_sexual_exploitation_palermo.yaml")
    assert s.profile is Profile.CHILD_SEXUAL and s.experimental
    # child list: hazardous work, low salary, no education -> 3 medium: positive; act present
    assert counts(s, EC) == (0, 3, 0)
    assert s.presumption is Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION


def test_v14_caporalato_json() -> None:
    s = run("14_agriculture_caporalato_foggia.json")
    # abuse of vulnerability at recruitment: illegal status, economic reasons, lack of education
    # -> 3 medium: positive (the means element is met by this dimension alone)
    assert counts(s, RV) == (0, 3, 0) and s.dimension(RV).positive
    assert s.dimension(DR).state is OPEN and s.dimension(CR).state is OPEN
    # excessive hours (strong) + wage manipulation, bad living (medium): positive
    assert s.dimension(EC).positive
    # violence on victims (strong) + withholding wages (medium): positive
    assert counts(s, CD) == (1, 1, 0)
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
    assert s.ilo_forced_labour[-1] == 11 and 10 in s.ilo_forced_labour


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*")), ids=lambda p: p.name)
def test_every_vignette_parses_and_serialises(path: Path) -> None:
    parsed = parse_screening(path.read_text(encoding="utf-8"), path.name)
    assert parsed.document.title and parsed.document.summary
    json.dumps(explained(screen(parsed.observations, parsed.person)))
