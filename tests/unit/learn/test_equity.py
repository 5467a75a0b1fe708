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
    assert p < 0.05 and men_identified.worse

    # mean days to referral: men 30 days (women: see the next test)
    men_days = men.durations["referred"]
    assert men_days.mean_days == pytest.approx(30.0)


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
    assert results["masculine"].flagged and not results["feminine"].flagged


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
