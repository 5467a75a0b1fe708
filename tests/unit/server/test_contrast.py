"""Non-text contrast of the shared stylesheet (WCAG 2.1 success criterion 1.4.11: the focus
ring and the borders of form fields at least 3:1 against what they sit on). The ratio is the
formula of WCAG 2.1's definitions of "relative luminance" and "contrast ratio"
(https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio); the reference values below are the ones
WebAIM's contrast checker gives for the same pairs."""

from __future__ import annotations

import re
from importlib import resources

import pytest

CSS = resources.files("pharos.web").joinpath("static/pharos.css").read_text(encoding="utf-8")
PAGE, CARD, HEADER = "#f6f7f9", "#ffffff", "#0f2a3d"


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rule(selector_part: str) -> str:
    """The declarations of the first rule whose selector contains ``selector_part``."""
    for m in re.finditer(r"([^{}]+)\{([^}]*)\}", CSS):
        if selector_part in m.group(1):
            return m.group(2)
    raise AssertionError(f"no rule for {selector_part!r} in pharos.css")


def _colour(declarations: str, prop: str) -> str:
    m = re.search(prop + r"\s*:[^;]*?(#[0-9a-fA-F]{3,6})\b", declarations)
    assert m, f"no colour for {prop} in {declarations!r}"
    return m.group(1)


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("#777777", "#ffffff", 4.48), ("#f2a900", "#ffffff", 2.01)]
)
def test_ratio_matches_the_published_checker(a: str, b: str, expected: float) -> None:
    assert ratio(a, b) == pytest.approx(expected, abs=0.01)


def test_focus_ring_is_3_to_1_on_the_page_and_in_the_header() -> None:
    ring = _colour(_rule("button:focus-visible"), "outline")
    assert ratio(ring, PAGE) >= 3 and ratio(ring, CARD) >= 3, ring
    header_ring = _colour(_rule(".top :focus-visible"), "outline-color")
    assert ratio(header_ring, HEADER) >= 3, header_ring


def test_field_borders_are_3_to_1() -> None:
    border = _colour(_rule("input[type=text]"), "border")
    assert ratio(border, PAGE) >= 3 and ratio(border, CARD) >= 3, border
