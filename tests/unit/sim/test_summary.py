"""Summaries across replications: means, Student-t intervals, paired differences."""

import math

import pandas as pd
import pytest

from pharos.sim.summary import differences, summarise


def _ind(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "replication": range(len(values)),
            "dimension": "total",
            "level": "all",
            "indicator": "share_identified",
            "value": values,
        }
    )


def test_mean_and_t_interval() -> None:
    s = summarise(_ind([1.0, 2.0, 3.0, 4.0]))
    row = s.iloc[0]
    assert row["mean"] == pytest.approx(2.5)
    # t(0.975, 3) = 3.182; sd = 1.291; half width = 3.182 * 1.291 / 2
    assert row["ci_high"] - row["mean"] == pytest.approx(3.1824 * 1.2910 / 2, rel=1e-3)
    assert row["replications"] == 4


def test_one_replication_has_no_interval() -> None:
    row = summarise(_ind([0.4])).iloc[0]
    assert row["mean"] == 0.4 and math.isnan(row["ci_low"])


def test_paired_differences_cancel_the_common_noise() -> None:
    base = _ind([0.1, 0.5, 0.9, 0.3])
    other = _ind([0.2, 0.6, 1.0, 0.4])  # the same noise, shifted by 0.1
    d = differences(base, other).iloc[0]
    assert d["difference"] == pytest.approx(0.1)
    assert d["ci_high"] - d["ci_low"] == pytest.approx(0.0, abs=1e-12)
