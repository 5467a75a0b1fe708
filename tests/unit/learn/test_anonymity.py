"""Every exported file satisfies k over its quasi-identifiers (property-based)."""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pharos.domain.disclosure import DisclosureRuleError
from pharos.learn import codes
from pharos.learn.anonymity import k_anonymise, verify_csv
from pharos.learn.export import export_ctdc
from pharos.learn.options import DEFAULT_QUASI_IDENTIFIERS
from pharos.learn.schema import conform

_COUNTRIES = ["ITA", "GRC", "ESP", "MLT", "TUN", "EGY", "DZA", "NGA", None]
_victim = st.fixed_dictionaries(
    {
        "source": st.just("ctdc_synthetic"),
        "year": st.one_of(st.none(), st.integers(2015, 2022)),
        "gender": st.sampled_from(["feminine", "masculine", codes.TRANS_OR_NON_CONFORMING, None]),
        "age_band": st.sampled_from([*codes.AGE_BANDS, None]),
        "citizenship": st.sampled_from(_COUNTRIES),
        "exploitation_country": st.sampled_from(_COUNTRIES),
        "traffick_months": st.sampled_from([*codes.TRAFFICK_MONTHS, None]),
        "exp_forced_labour": st.one_of(st.none(), st.booleans()),
        "means_threats": st.one_of(st.none(), st.booleans()),
    }
)


def _counts_by_hand(path: Path, columns: tuple[str, ...]) -> Counter[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as fp:
        return Counter(tuple(r[c] for c in columns) for r in csv.DictReader(fp))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_victim, min_size=0, max_size=150), k=st.integers(2, 15))
def test_every_exported_file_satisfies_k(rows: list[dict[str, object]], k: int) -> None:
    victims = (
        conform(pl.DataFrame(rows, schema_overrides={"year": pl.Int16}), "victims")
        if rows
        else conform(pl.DataFrame({"source": []}, schema={"source": pl.String}), "victims")
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.csv"
        report = export_ctdc(victims, path, k=k)
        counts = _counts_by_hand(path, DEFAULT_QUASI_IDENTIFIERS)
        assert all(n >= k for n in counts.values())
        assert sum(counts.values()) == report.rows
        assert verify_csv(path, DEFAULT_QUASI_IDENTIFIERS, k) == []
        sup = report.suppression
        assert sup is not None and sup.rows_in == len(rows)
        assert sup.rows_out == report.rows <= len(rows)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.integers(0, 3)), max_size=80
    ),
    k=st.integers(2, 8),
)
def test_k_anonymise_keeps_every_row_it_can(rows: list[tuple[str, str, int]], k: int) -> None:
    frame = pl.DataFrame(rows, schema=["a", "b", "c"], orient="row")
    out, sup = k_anonymise(frame, ("a", "b", "c"), k)
    sizes = Counter(out.select("a", "b", "c").iter_rows())  # counted by hand, nulls as values
    assert all(n >= k for n in sizes.values())
    # rows are only removed when even fully redacted they would be fewer than k
    if len(rows) >= k:
        assert sup.rows_removed < k
    else:
        assert out.height == 0


def test_suppression_is_reported_and_frequent_values_survive() -> None:
    frame = pl.DataFrame({"country": ["ITA"] * 12 + ["MLT"] * 2, "gender": ["f"] * 12 + ["m", "f"]})
    out, sup = k_anonymise(frame, ("country", "gender"), 11)
    assert out.height == 12 and sup.rows_removed == 2
    assert out.get_column("country").to_list() == ["ITA"] * 12
    assert sum(sup.cells_suppressed.values()) >= 2


def test_k_below_two_is_refused() -> None:
    with pytest.raises(DisclosureRuleError):
        k_anonymise(pl.DataFrame({"a": [1]}), ("a",), 1)
