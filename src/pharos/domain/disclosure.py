"""The small-cell rule: counts below k are never shown.

One rule for every table Pharos publishes or shows (equal-protection monitor, analytics, overlap
tables of the hidden-figure estimate, k-anonymous exports). The default k = 11 follows the
common practice of statistical offices and the issue's requirement for CTDC exports; users may
raise it, never lower it below 2.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_K = 11
MIN_K = 2


class DisclosureRuleError(ValueError):
    """Raised for a k that would not protect anyone."""


def check_k(k: int) -> int:
    """Return ``k`` if it is a usable threshold (an integer of at least 2)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise DisclosureRuleError(f"k must be a whole number of at least {MIN_K}, got {k!r}")
    return k


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: ``value`` is None when the cell is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def protect(count: int, k: int = DEFAULT_K) -> Cell:
    """The count if it is at least ``k`` (or zero, which discloses no one), else suppressed."""
    check_k(k)
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    if count == 0 or count >= k:
        return Cell(count)
    return Cell(None)


def share_shown(count: int, n: int, k: int = DEFAULT_K) -> bool:
    """Whether the share ``count / n`` may be shown: both the people with the outcome and those
    without it number at least ``k``, zeros included. Unlike a count, a share of 0 % (or 100 %)
    of a group discloses something about every member: "0 % of 877 women protected" says of
    each of them that she was not."""
    check_k(k)
    if not 0 <= count <= n:
        raise ValueError(f"a share needs 0 <= count <= n, got {count} of {n}")
    return count >= k and n - count >= k
