"""The equal-protection monitor against numbers worked out by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from pharos.learn.equity import monitor

Z = 1.959963984540054  # 97.5th percentile of the standard normal


def _cases(group: str, n: int, identified: int, referred: int, protected: int,
           referral_days: list[float]) -> list[dict[str, object]]:  # fmt: skip
    rows = []
    for i in range(n):
        rows.append(
            {
                "gender": group,
                "identified": i < identified,
                "referred": i < referred,
                "protected": i < protected,
                "days_to_referral": referral_days[i] if i < len(referral_days) else None,
            }
        )
    return rows


@pytest.fixture
def cases() -> pl.DataFrame:
    rows = (
        _cases("feminine", 20, 14, 12, 10, [10, 12, 14, 9, 11, 10])
        + _cases("masculine", 20, 6, 10, 3, [30, 28, 35, 31, 29, 27])
        + _cases("trans_or_non_conforming", 3, 1, 1, 1, [])
    )
    frame = pl.DataFrame(rows)
    return frame.with_columns(
        pl.lit(None, pl.Float64).alias("days_to_identification"),
        pl.lit(None, pl.Float64).alias("days_to_protection"),
    )


def _wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def _fisher_two_sided_by_hand(a: int, b: int, c: int, d: int) -> float:
    """Sum of the hypergeometric probabilities no larger than the observed table's."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return math.comb(col1, x) * math.comb(n - col1, row1 - x) / math.comb(n, row1)

    observed = prob(a)
    lo, hi = max(0, row1 + col1 - n), min(row1, col1)
    return sum(prob(x) for x in range(lo, hi + 1) if prob(x) <= observed * (1 + 1e-7))


def test_numbers_match_a_hand_computation(cases: pl.DataFrame) -> None:
    results = {r.group: r for r in monitor(cases, ("gender",), k=5)}
    women = results["feminine"]
    assert women.cases == 20
    identified = women.shares["identified"]
    assert identified.count == 14 and identified.share == pytest.approx(0.70)
    # Wilson by hand: 14/20 -> [0.4810, 0.8545]
    low, high = _wilson_by_hand(14, 20)
    assert (identified.low, identified.high) == (pytest.approx(low), pytest.approx(high))
    assert (round(low, 4), round(high, 4)) == (0.4810, 0.8545)
    assert not identified.worse

    men = results["masculine"]
    men_identified = men.shares["identified"]
    assert men_identified.share == pytest.approx(0.30)
    # men 6 of 20 against everyone else 15 of 23
    p = _fisher_two_sided_by_hand(6, 14, 15, 8)
    assert men_identified.p_value == pytest.approx(p)
    # significant alone (p = 0.033), but not once corrected for the 7 comparisons of the
    # table (Holm by hand below): the "fares worse" on noise came from exactly this
    assert p < 0.05 and not men_identified.worse

    # mean days to referral: men 30 days (women: see the next test)
    men_days = men.durations["referred"]
    assert men_days.mean_days == pytest.approx(30.0)


def _welch_by_hand(a: list[float], b: list[float]) -> float:
    """Welch's two-sided p: t = (ma - mb) / sqrt(va/na + vb/nb), Welch-Satterthwaite df; the
    tail from SciPy's Student t (an independent computation of scipy.stats.ttest_ind)."""
    from scipy import stats

    def mean_var(x: list[float]) -> tuple[float, float]:
        m = sum(x) / len(x)
        return m, sum((v - m) ** 2 for v in x) / (len(x) - 1)

    (ma, va), (mb, vb) = mean_var(a), mean_var(b)
    qa, qb = va / len(a), vb / len(b)
    t = (ma - mb) / math.sqrt(qa + qb)
    df = (qa + qb) ** 2 / (qa**2 / (len(a) - 1) + qb**2 / (len(b) - 1))
    return float(2 * stats.t.sf(abs(t), df))


def test_flags_are_holm_corrected_across_the_table(cases: pl.DataFrame) -> None:
    """Every cell with a test (k = 5): women's three shares and referral time fare better
    (p = 1, never flagged), men's identified and referred shares and referral time fare worse
    (Fisher and Welch by hand); men protected (3 of 20) is hidden and untested. Holm's
    adjusted p-values by hand: the i-th smallest times (7 - i + 1), kept non-decreasing."""
    results = {r.group: r for r in monitor(cases, ("gender",), k=5)}
    men, women = results["masculine"], results["feminine"]
    raw = {
        "men identified": _fisher_two_sided_by_hand(6, 14, 15, 8),
        "men referred": _fisher_two_sided_by_hand(10, 10, 13, 10),
        "men days": _welch_by_hand([30, 28, 35, 31, 29, 27], [10, 12, 14, 9, 11, 10]),
    }
    assert men.shares["referred"].p_value == pytest.approx(raw["men referred"])
    assert men.durations["referred"].p_value == pytest.approx(raw["men days"])
    p = sorted([*raw.values(), 1.0, 1.0, 1.0, 1.0])
    assert p[0] == raw["men days"] and p[1] == raw["men identified"]
    adjusted = []
    for i, value in enumerate(p):
        adjusted.append(min(1.0, max(adjusted[-1] if adjusted else 0.0, (7 - i) * value)))
    assert men.durations["referred"].p_adjusted == pytest.approx(adjusted[0])
    assert men.shares["identified"].p_adjusted == pytest.approx(adjusted[1])
    assert men.shares["referred"].p_adjusted == pytest.approx(adjusted[2])
    assert adjusted[0] < 0.05 < adjusted[1]
    assert men.durations["referred"].slower and not men.shares["identified"].worse
    assert all(women.shares[o].p_value == 1.0 for o in ("identified", "referred", "protected"))
    from pharos.learn.equity import comparisons

    assert comparisons(monitor(cases, ("gender",), k=5)) == 7


def test_groups_are_in_their_natural_order() -> None:
    """Age bands from the youngest (not "9--17" after "48+"), nationalities by the name shown
    in the user's language."""
    from pharos.i18n import use_locale
    from pharos.learn.labels import group_label
    from pharos.learn.schema import conform

    rows = [{"age_band": band, "citizenship": cit, "identified": i % 2 == 0, "referred": True,
             "protected": False}
            for band in ("48+", "9--17", "18--20", "0--8", "30--38")
            for cit in ("DEU", "EGY", "ESP", "DZA")
            for i in range(12)]  # fmt: skip
    frame = conform(pl.DataFrame(rows), "case_outcomes")
    ages = [r.group for r in monitor(frame, ("age_band",), k=5)]
    assert ages == ["0--8", "9--17", "18--20", "30--38", "48+"]
    for lang, expected in (("en", ["DZA", "EGY", "DEU", "ESP"]),
                           ("fr", ["DZA", "DEU", "EGY", "ESP"]),  # Algérie, Allemagne, Égypte
                           ("es", ["DEU", "DZA", "EGY", "ESP"])):  # fmt: skip
        with use_locale(lang):
            shown = [r.group for r in monitor(frame, ("citizenship",), k=5)]
            names = [group_label("citizenship", g) for g in shown]
            assert shown == expected, names


def test_times_and_suppression(cases: pl.DataFrame) -> None:
    results = {r.group: r for r in monitor(cases, ("gender",), k=5)}
    women_days = results["feminine"].durations["referred"]
    days = [10, 12, 14, 9, 11, 10]
    mean = sum(days) / 6
    sd = math.sqrt(sum((d - mean) ** 2 for d in days) / 5)
    t = 2.570581835636314  # Student t, 5 degrees of freedom, 97.5th percentile
    assert women_days.mean_days == pytest.approx(11.0)
    assert (women_days.low, women_days.high) == (
        pytest.approx(mean - t * sd / math.sqrt(6)),
        pytest.approx(mean + t * sd / math.sqrt(6)),
    )
    men_days = results["masculine"].durations["referred"]
    assert men_days.slower and not women_days.slower
    # men protected: 3 of 20, fewer than k = 5 -> never shown
    assert results["masculine"].shares["protected"].suppressed
    assert results["masculine"].shares["protected"].count is None
    # a group of 3 cases is suppressed whole
    assert results["trans_or_non_conforming"].suppressed
    assert results["trans_or_non_conforming"].shares == {}
    assert results["masculine"].flagged and not results["feminine"].flagged  # the time


def test_default_k_suppresses_small_groups(cases: pl.DataFrame) -> None:
    results = {r.group: r for r in monitor(cases, ("gender",))}
    assert results["feminine"].cases == 20
    assert results["feminine"].durations["referred"].suppressed  # 6 times < 11
    assert results["feminine"].shares["identified"].share is None  # 6 not identified < 11


def test_a_share_of_zero_is_hidden_too() -> None:
    """Issue 16: "0% [0%–0%]" for 877 women said of each of them that she was not protected.
    A share is shown only when the cases with and without the outcome both number at least k."""
    women = [{"source": "htcds", "gender": "feminine", "identified": True, "referred": i < 400,
              "protected": False} for i in range(877)]  # fmt: skip
    men = [{"source": "htcds", "gender": "masculine", "identified": True, "referred": i < 30,
            "protected": i < 20} for i in range(60)]  # fmt: skip
    from pharos.learn.schema import conform

    frame = conform(pl.DataFrame(women + men), "case_outcomes")
    results = {r.group: r for r in monitor(frame, ("gender",), 11)}
    assert results["feminine"].shares["protected"].suppressed  # 0 of 877
    assert results["feminine"].shares["identified"].suppressed  # 877 of 877
    assert results["feminine"].shares["referred"].share == pytest.approx(400 / 877)
    assert results["masculine"].shares["protected"].share == pytest.approx(20 / 60)


def test_share_shown_is_the_small_cell_rule_for_shares() -> None:
    from pharos.domain.disclosure import share_shown

    assert not share_shown(0, 877, 11) and not share_shown(877, 877, 11)
    assert not share_shown(10, 877, 11) and not share_shown(867, 877, 11)
    assert share_shown(11, 22, 11) and not share_shown(11, 21, 11)
    with pytest.raises(ValueError):
        share_shown(5, 4, 11)
