"""Simulated capture data are deterministic and have the dependence asked for."""

from __future__ import annotations

from pharos.estimate.simulate import simulate_table


def test_same_seed_same_table_other_seed_other_table() -> None:
    a = simulate_table(800, [0.3, 0.2, 0.25], seed=1)
    assert a == simulate_table(800, [0.3, 0.2, 0.25], seed=1)
    assert a != simulate_table(800, [0.3, 0.2, 0.25], seed=2)


def test_positive_dependence_increases_the_overlap() -> None:
    free = simulate_table(5000, [0.3, 0.3, 0.3], seed=4)
    tied = simulate_table(5000, [0.3, 0.3, 0.3], dependence={(0, 1): 5.0}, seed=4)
    assert tied.overlap("A", "B") > 1.5 * free.overlap("A", "B")
    assert abs(tied.overlap("A", "C") - free.overlap("A", "C")) < 0.3 * free.overlap("A", "C")
