import pytest
from hypothesis import given
from hypothesis import strategies as st

from pharos.domain.disclosure import DEFAULT_K, DisclosureRuleError, check_k, protect


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=50))
def test_a_shown_count_is_zero_or_at_least_k(count: int, k: int) -> None:
    cell = protect(count, k)
    if cell.suppressed:
        assert 0 < count < k
    else:
        assert cell.value == count and (count == 0 or count >= k)


def test_default_and_bad_k() -> None:
    assert DEFAULT_K == 11
    assert protect(10).suppressed and protect(11).value == 11
    for bad in (1, 0, -3, True, 2.5):
        with pytest.raises(DisclosureRuleError):
            check_k(bad)  # type: ignore[arg-type]
