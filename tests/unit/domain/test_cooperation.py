"""The cooperation instruments: the data file loads and is checked, and its facts match the law.

The expected values below are read from the texts themselves, not from the data file:
Directive 2014/41/EU (the European Investigation Order, Art. 1(1), Art. 12(3); recitals 44-45 on
Ireland and Denmark), Directive (EU) 2023/977 (police information exchange: Art. 1 on evidence,
Art. 5(1) on time limits, Art. 13 on SIENA), UNTOC Art. 18-19 and the team's reference
/work/shared/reference/cooperation.md ("EU pairs have the EIO; every pair has MLA and Interpol; a
JIT needs an agreement"; "MLA, EIO, JIT give admissible evidence"; police channels give
intelligence).
"""

from __future__ import annotations

import itertools
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pharos.domain.cooperation import (
    SOURCED_FACTS,
    Basis,
    Between,
    Family,
    InstrumentDataError,
    Product,
    UnknownInstrumentError,
    instrument,
    instrument_codes,
    instrument_exists,
    instruments,
    instruments_between,
    label,
    parse_instruments,
    translatable_texts,
    words,
)
from pharos.domain.geography import Country, CountryRole, countries
from pharos.i18n import SUPPORTED_LOCALES, use_locale

DATA = resources.files("pharos.domain").joinpath("data", "instruments.yaml").read_text("utf-8")
LOCALE = Path(__file__).resolve().parents[3] / "src" / "pharos" / "locale"
EU = [c for c in countries().values() if c.eu_member]
NON_EU = [c for c in countries().values() if not c.eu_member]


def _pairs() -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.permutations(countries(), 2)]


# --- The file loads, and a bad one is refused with the file, the line and the field ------------


def test_the_instruments_load_in_the_order_pages_list_them() -> None:
    assert instrument_codes() == (
        "police_information_exchange",
        "liaison_officer",
        "mutual_legal_assistance",
        "european_investigation_order",
        "joint_investigation_team",
        "family_safety_check",
        "pre_return_risk_assessment",
        "return_and_reception",
    )
    for spec in instruments().values():
        assert set(spec.sources) == set(SOURCED_FACTS)
        assert all(b.source.strip() for b in spec.exists)


def _broken(old: str, new: str) -> str:
    assert old in DATA, old
    return DATA.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "answered_by: law_enforcement",
            "answered_by: polise",
            "instruments[{police_information_exchange}].answered_by",
            "expected one of",
        ),
        (
            "due_days: 60",
            "due_days: sixty",
            "instruments[{mutual_legal_assistance}].due_days",
            "integer",
        ),
        (
            "due_days: 60",
            "due_days: 0",
            "instruments[{mutual_legal_assistance}].due_days",
            "greater than 0",
        ),
        (
            "    family: judicial\n",
            "    famly: judicial\n",
            "instruments[{mutual_legal_assistance}].famly",
            "unknown",
        ),
        (
            "- between: eu_members\n        channel: Single",
            "- between: eu_member\n        channel: Single",
            "instruments[{police_information_exchange}].exists[0].between",
            "one of",
        ),
        (
            "except: [DNK, IRL]",
            "except: [DK]",
            "instruments[{european_investigation_order}].exists[0].except",
            "alpha-3",
        ),
        (
            "      due_days: 30 days to answer a proposal is a Pharos planning default\n",
            "",
            "instruments[{joint_investigation_team}].sources",
            "missing: due_days",
        ),
        (
            "id: mutual_legal_assistance",
            "id: police_information_exchange",
            "instruments[{mutual_legal_assistance}].id",
            "declared twice",
        ),
        (
            "id: mutual_legal_assistance",
            "id: Mutual-Legal",
            "instruments[{mutual_legal_assistance}].id",
            "snake_case",
        ),
    ],
)
def test_a_bad_data_file_is_refused_naming_the_line_and_field(
    old: str, new: str, field: str, message: str
) -> None:
    text = _broken(old, new)
    # fields are named by position in the file: {code} stands for the position of that instrument
    field = field.format(**{code: i for i, code in enumerate(instrument_codes())})
    with pytest.raises(InstrumentDataError) as caught:
        parse_instruments(text, "instruments.yaml")
    err = caught.value
    assert err.path == field and message in err.message, str(err)
    assert err.line is not None
    # the line named is the line of the field (or of the mapping that lacks it)
    where = text.splitlines()[err.line - 1]
    leaf = field.rsplit(".", 1)[-1].split("[")[0]
    assert leaf in where or field.endswith("sources"), (where, str(err))
    assert str(err).startswith(f"instruments.yaml:{err.line}: {field}: ")


def test_not_yaml_and_not_a_mapping_are_refused() -> None:
    with pytest.raises(InstrumentDataError, match=r"x.yaml:\d+: .*not valid YAML"):
        parse_instruments("instruments: [a, b", "x.yaml")
    with pytest.raises(InstrumentDataError, match="mapping"):
        parse_instruments("- a\n", "x.yaml")


def test_an_unknown_code_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownInstrumentError, match="known: police_information_exchange"):
        instrument("extradition_request")
    assert not instrument_exists("ITA", "TUN", "extradition_request")


# --- The facts, against the texts -----------------------------------------------------------


def test_the_eio_exists_only_between_eu_member_states_bound_by_the_directive() -> None:
    """Directive 2014/41/EU: between Member States; Denmark and Ireland do not take part
    (recitals 44-45); not with Algeria, Egypt or Tunisia."""
    eio = instrument("european_investigation_order")
    for a, b in _pairs():
        both = countries()[a].eu_member and countries()[b].eu_member
        assert (eio.basis_between(a, b) is not None) == both, (a, b)
    for code in ("DZA", "EGY", "TUN"):
        assert not instrument_exists("ITA", code, eio.id)

    def member(iso3: str) -> Country:
        return Country(
            iso3=iso3,
            iso2=iso3[:2],
            region="Europe",
            subregion="",
            eu_member=True,
            schengen=True,
            role=CountryRole.ORIGIN_OR_TRANSIT,
        )

    (rule,) = eio.exists
    assert rule.holds(member("ITA"), member("ESP"))
    assert not rule.holds(member("ITA"), member("DNK"))
    assert not rule.holds(member("IRL"), member("ESP"))


def test_every_pair_has_mla_and_interpol_and_eu_pairs_their_own_channels() -> None:
    """cooperation.md: "every pair has MLA and Interpol"; between EU states police information
    goes through the Single Points of Contact over SIENA (Directive (EU) 2023/977, Art. 13)."""
    for a, b in _pairs():
        found = {i.instrument: i for i in instruments_between(a, b)}
        pie, mla = found["police_information_exchange"], found["mutual_legal_assistance"]
        eu = countries()[a].eu_member and countries()[b].eu_member
        assert ("SIENA" in pie.channel) == eu and (pie.channel == "Interpol") == (not eu)
        assert ("2023/977" in pie.legal_basis) == eu
        assert ("UNTOC Art. 18" in mla.legal_basis) == (not eu)
    assert instruments_between("ITA", "ITA") == []


def test_a_jit_needs_an_agreement_between_every_pair() -> None:
    """cooperation.md: "A JIT exists only once an agreement is signed"; with a third state on
    UNTOC Art. 19, between EU states on the 2000 MLA Convention, Art. 13(1), and FD 2002/465/JHA,
    Art. 1(1): "By mutual agreement, the competent authorities of two or more Member States may
    set up a joint investigation team"."""
    for a, b in _pairs():
        jit = {i.instrument: i for i in instruments_between(a, b)}["joint_investigation_team"]
        eu = countries()[a].eu_member and countries()[b].eu_member
        assert jit.needs_agreement
        assert ("UNTOC Art. 19" in jit.legal_basis) == (not eu)
        assert ("2002/465/JHA" in jit.legal_basis) == eu
    assert [b.between for b in instrument("joint_investigation_team").exists] == [
        Between.EU_MEMBERS,
        Between.AGREEMENT,
    ]


def test_a_liaison_officer_exists_only_where_one_is_posted() -> None:
    """cooperation.md: "a liaison desk exists where one is posted"; its product, like every
    police channel's, is intelligence and leads."""
    spec = instrument("liaison_officer")
    assert spec.family is Family.POLICE and spec.product is Product.INTELLIGENCE
    for a, b in _pairs():
        found = {i.instrument: i for i in instruments_between(a, b)}["liaison_officer"]
        assert found.needs_agreement


def test_intelligence_is_not_evidence() -> None:
    """Police information exchange gives intelligence, not evidence (Directive (EU) 2023/977,
    Art. 1; Interpol likewise); MLA, EIO and JIT give evidence; the TRM instruments protect."""
    for code in ("police_information_exchange", "liaison_officer"):
        assert instrument(code).product is Product.INTELLIGENCE
    for code in (
        "mutual_legal_assistance",
        "european_investigation_order",
        "joint_investigation_team",
    ):
        assert instrument(code).product is Product.EVIDENCE
    for code in ("family_safety_check", "pre_return_risk_assessment", "return_and_reception"):
        assert instrument(code).product is Product.PROTECTION
    for spec in instruments().values():
        expected = {
            Family.POLICE: Product.INTELLIGENCE,
            Family.JUDICIAL: Product.EVIDENCE,
            Family.PROTECTION_AND_RETURN: Product.PROTECTION,
        }[spec.family]
        assert spec.product is expected, spec.id


def test_time_limits_the_law_sets() -> None:
    """Directive (EU) 2023/977 Art. 5(1): 7 calendar days for a request that is not urgent;
    Directive 2014/41/EU Art. 12(3): 30 days to decide on recognising an EIO."""
    assert instrument("police_information_exchange").due_days == 7
    assert instrument("european_investigation_order").due_days == 30


def test_the_eio_is_sent_and_answered_by_judicial_authorities() -> None:
    """Directive 2014/41/EU Art. 2(c)-(d): issuing and executing authorities are judicial."""
    eio = instrument("european_investigation_order")
    assert set(eio.senders) == {"public_prosecutor"} and eio.answered_by == "public_prosecutor"


def test_every_answering_agency_is_a_counterpart_that_may_send_it() -> None:
    # the exercise routes a request to a played team of a kind that may send it; the model's
    # answering agency must be one of those kinds, or the two faces would disagree
    for spec in instruments().values():
        assert spec.may_send(spec.answered_by), spec.id


def test_ngos_and_national_coordinators_may_send_every_transnational_referral_request() -> None:
    """The deliberate decision (docs/domain.md): the TRM is a co-operative framework of state
    and non-state actors built with national coordinators and NGOs (ICMPD TRM-SEE 2009, TRM-EU
    2010), so both may send all three referral instruments."""
    for spec in instruments().values():
        if spec.family is Family.PROTECTION_AND_RETURN:
            assert spec.may_send("ngo") and spec.may_send("national_coordinator"), spec.id


# --- Words: every text shown is translated in every language -------------------------------


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "instruments.po").open("rb") as fp:
        return {str(m.id): str(m.string) for m in read_po(fp, locale=lang) if m.id}


@pytest.mark.parametrize("lang", [x for x in SUPPORTED_LOCALES if x != "en"])
def test_the_instruments_catalog_holds_exactly_the_data_files_texts(lang: str) -> None:
    texts = {msgid for msgid, _where in translatable_texts()}
    catalog = _catalog(lang)
    assert set(catalog) == texts
    assert all(catalog.values())
    with use_locale(lang):
        assert label("mutual_legal_assistance") == catalog["Mutual legal assistance"]
        assert words("central authorities") == catalog["central authorities"]
        assert label("no_such_instrument") == "no_such_instrument"


def test_translations_are_not_english_copies() -> None:
    # proper names (Interpol, Eurojust) may stay as they are in a Latin-script language
    names = {"Interpol", "Eurojust"}
    for lang in ("fr", "it", "el", "es"):
        same = {k for k, v in _catalog(lang).items() if k == v}
        assert same <= names, (lang, same)
    assert not {k for k, v in _catalog("ar").items() if k == v}


def test_a_basis_without_agreement_is_not_marked_as_needing_one() -> None:
    assert not Basis(Between.ANY_STATES, "c", "l", "s").needs_agreement
    assert Basis(Between.AGREEMENT, "c", "l", "s").needs_agreement
    assert NON_EU and EU  # the pairs above cover both kinds of state
