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


def _covers(entry_path: str, path: str) -> bool:
    if entry_path == "/":
        return path == "/"
    return path == entry_path or path.startswith(entry_path.rstrip("/") + "/")


def active_path(entries: list[NavEntry], path: str) -> str | None:
    """The path of the ONE entry to mark as the current page for ``path``: the longest entry
    path that is ``path`` itself or a whole-segment prefix of it (``/learn/lessons/3`` marks
    "Lessons", not "Analytics" at ``/learn``); ``/`` only marks the dashboard itself."""
    matching = [e.path for e in entries if _covers(e.path, path)]
    return max(matching, key=len) if matching else None
