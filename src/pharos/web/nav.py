"""The navigation bar: each area adds its entries here (shown only to users allowed to use them)."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy

from pharos.coordinate.permissions import Principal, allowed


@dataclass(frozen=True)
class NavEntry:
    label: LazyProxy | str
    path: str
    resource: str
    action: str
    order: int = 100


_ENTRIES: list[NavEntry] = []


def add(entry: NavEntry) -> None:
    """Add a navigation entry (idempotent on the path)."""
    if all(e.path != entry.path for e in _ENTRIES):
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda e: (e.order, e.path))


def entries_for(p: Principal | None) -> list[NavEntry]:
    if p is None:
        return []
    return [e for e in _ENTRIES if allowed(p, e.resource, e.action)]
