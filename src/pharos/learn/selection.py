"""Which datasets a learn page reads: real data by default, or named datasets of one origin.

Simulated and exercise data must never be mistaken for real data, so a selection is refused
when it names an unknown dataset or mixes origins (real with simulated, simulated with
exercise); a selection of non-real data carries the label shown in banners, chart titles and
CSV downloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pharos.i18n import _
from pharos.learn.labels import origin_label
from pharos.learn.store import REAL, Store, origin_of


class SelectionRefused(ValueError):
    """A dataset selection that cannot be shown (unknown id, or mixed origins)."""


@dataclass(frozen=True)
class Selection:
    """The datasets read (``None``: every real dataset) and how their origin is shown."""

    ids: tuple[str, ...] | None = None
    origin: str = REAL
    labels: tuple[str, ...] = field(default_factory=tuple)

    @property
    def real(self) -> bool:
        """True when only real data is read."""
        return self.origin == REAL

    @property
    def datasets(self) -> list[str] | None:
        """The ids as the store's readers take them (``None`` for the real default)."""
        return list(self.ids) if self.ids is not None else None

    def banner(self) -> str:
        """One line naming the origin, e.g. ``NOT REAL DATA: SIMULATED (scenario …)``."""
        if self.real:
            return ""
        return _("NOT REAL DATA: %(origin)s") % {"origin": "; ".join(self.labels)}


def choices(store: Store) -> list[tuple[str, str, str]]:
    """Every dataset as ``(id, origin, label)``, real datasets first (the picker's options)."""
    out = [(str(m["id"]), origin_of(m), origin_label(m)) for m in store.datasets()]
    return sorted(out, key=lambda c: (c[1] != REAL, c[1], c[0]))


def select(store: Store, requested: list[str]) -> Selection:
    """The selection for the ids ``requested`` (empty: real data only, as by default).

    Raises ``SelectionRefused`` for an unknown id or for datasets of different origins.
    """
    wanted = list(dict.fromkeys(d.strip() for d in requested if d.strip()))
    if not wanted:
        return Selection()
    manifests: dict[str, dict[str, Any]] = {str(m["id"]): m for m in store.datasets()}
    unknown = [d for d in wanted if d not in manifests]
    if unknown:
        raise SelectionRefused(
            _("No dataset %(id)s in the analytics store; choose one from the list.")
            % {"id": ", ".join(d[:80] for d in unknown[:5])}
        )
    origins = {origin_of(manifests[d]) for d in wanted}
    if len(origins) > 1:
        raise SelectionRefused(
            _(
                "Real, simulated and exercise data are never shown together: "
                "choose datasets of one origin only."
            )
        )
    origin = origins.pop()
    labels = tuple(dict.fromkeys(origin_label(manifests[d]) for d in wanted))
    return Selection(tuple(sorted(wanted)), origin, labels if origin != REAL else ())
