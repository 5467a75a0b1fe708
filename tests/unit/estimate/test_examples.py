"""The bundled published tables load as the sources describe them."""

from __future__ import annotations

import pytest

from pharos.estimate.examples import EXAMPLES


@pytest.mark.parametrize(
    ("key", "lists", "seen"),
    [
        ("UKdat", 6, 2744),
        ("UKdat_5", 5, 2744),
        ("Ned", 6, 8234),
        ("NewOrl", 8, 185),
        ("Western", 5, 345),
    ],
)
def test_bundled_tables(key: str, lists: int, seen: int) -> None:
    table = EXAMPLES[key].table()
    assert table.n_lists == lists
    assert table.observed == seen
    assert str(EXAMPLES[key].title)


def test_the_five_list_uk_table_is_the_six_list_one_with_police_and_nca_merged() -> None:
    merged = EXAMPLES["UKdat"].table().merge_lists(["PF", "NCA"], "PFNCA")
    five = EXAMPLES["UKdat_5"].table()
    order = [merged.lists.index(name) for name in five.lists]
    assert {tuple(p[i] for i in order): c for p, c in merged.counts.items()} == five.counts
