"""The navigation marks exactly one entry as the current page."""

from __future__ import annotations

import pytest

from pharos.web.nav import NavEntry, active_path

ENTRIES = [
    NavEntry("Dashboard", "/", "dashboard", "read"),
    NavEntry("Cases", "/cases", "case", "read"),
    NavEntry("Analytics", "/learn", "learn", "read"),
    NavEntry("Lessons", "/learn/lessons", "lesson", "read"),
    NavEntry("Screening", "/screenings/new", "screening", "create"),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        ("/learn", "/learn"),
        ("/learn/trends", "/learn"),
        ("/learn/lessons", "/learn/lessons"),
        ("/learn/lessons/12", "/learn/lessons"),
        ("/cases/3", "/cases"),
        ("/casesx", None),  # a prefix must end at a path segment
        ("/account", None),  # the dashboard's "/" covers only itself
        ("/screenings/new", "/screenings/new"),
    ],
)
def test_the_longest_matching_entry_is_active(path: str, expected: str | None) -> None:
    assert active_path(ENTRIES, path) == expected
