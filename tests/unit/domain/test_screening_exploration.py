"""Recording what was asked (issue 20, item 1): a dimension marked explored closes it, the result
names the dimensions still unexplored and says whether exploring them can change the outcome."""

from __future__ import annotations

from pharos.domain.explain import explain, exploration_lines
from pharos.domain.indicators import Dimension
from pharos.domain.screening import Observation, Observations, Person, Presumption, screen
from pharos.domain.screening_file import parse_screening
from pharos.i18n import use_locale

# A worker whose wages are low and hours excessive: exploitative conditions positive, nothing else
# seen (the held-out style of vignette: indicators seen, everything else explored or not).
SEEN = (Observation("ec_excessive_hours"), Observation("ec_low_no_salary"))
ADULT = Person(age=30)


def test_nothing_explored_names_the_dimensions_that_can_change_the_outcome() -> None:
    s = screen(Observations(present=SEEN), ADULT)
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    assert s.explored == ()
    assert Dimension.EXPLOITATIVE_CONDITIONS not in s.unexplored  # positive: nothing to explore
    assert set(s.unexplored_deciding) == {
        Dimension.DECEPTIVE_RECRUITMENT,
        Dimension.COERCIVE_RECRUITMENT,
        Dimension.RECRUITMENT_ABUSE_OF_VULNERABILITY,
        Dimension.COERCION_AT_DESTINATION,
    }
    # abuse of vulnerability at destination is no element of the adult rule
    assert Dimension.ABUSE_OF_VULNERABILITY_AT_DESTINATION in s.unexplored
    assert Dimension.ABUSE_OF_VULNERABILITY_AT_DESTINATION not in s.unexplored_deciding
    data = s.to_dict()
    assert {"dimension": "coercion_at_destination", "can_change_outcome": True} in data[
        "unexplored"
    ]
    assert {"dimension": "abuse_of_vulnerability_at_destination", "can_change_outcome": False} in (
        data["unexplored"]
    )
    with use_locale("en"):
        lines = exploration_lines(s)
        assert "Exploring them can change the outcome" in lines[0]
        assert "Coercion at destination" in lines[0]
        assert "would not change the outcome" in lines[1]
        assert lines[0] in explain(s)


def test_everything_explored_concludes_and_leaves_nothing_unexplored() -> None:
    s = screen(Observations(present=SEEN, assessed=frozenset(Dimension)), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.explored == tuple(Dimension)
    assert s.unexplored == () and s.to_dict()["unexplored"] == []
    assert exploration_lines(s) == []
    with use_locale("en"):
        said = " ".join(explain(s))
    assert "ruled out or explored" in said
    # nothing was ruled out: the negative dimensions say they were explored
    assert "Coercive recruitment is negative: none found and the dimension was explored." in said
    assert "remaining indicators were ruled out" not in said


def test_not_established_with_open_dimensions_says_they_would_not_change_it() -> None:
    # recruitment explored without findings: not established whatever coercion turns out to be
    recruitment = {
        Dimension.DECEPTIVE_RECRUITMENT,
        Dimension.COERCIVE_RECRUITMENT,
        Dimension.RECRUITMENT_ABUSE_OF_VULNERABILITY,
    }
    s = screen(Observations(present=SEEN, assessed=frozenset(recruitment)), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert Dimension.COERCION_AT_DESTINATION in s.unexplored
    assert s.unexplored_deciding == ()


def test_old_files_stay_valid_and_a_dimension_not_marked_is_not_recorded() -> None:
    old = "person: {age: 30}\nindicators: [ec_excessive_hours, ec_low_no_salary]\n"
    parsed = parse_screening(old, "old.yaml")
    s = screen(parsed.observations, parsed.person)
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    assert s.explored == ()
    marked = old + "assessed: [coercion_at_destination]\n"
    parsed = parse_screening(marked, "new.yaml")
    s = screen(parsed.observations, parsed.person)
    assert s.explored == (Dimension.COERCION_AT_DESTINATION,)
    assert Dimension.COERCION_AT_DESTINATION not in s.unexplored


def _yaml_block(path: str, after: str) -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / path).read_text(encoding="utf-8")
    start = text.index("```yaml\n", text.index(after)) + len("```yaml\n")
    return text[start : text.index("```", start)]


def test_the_first_examples_of_readme_and_domain_doc_say_what_they_show() -> None:
    for path, after, without in (
        ("README.md", "### Screening a person", Presumption.INSUFFICIENT_INFORMATION),
        ("docs/domain.md", "## 7. The screening file", Presumption.INSUFFICIENT_INFORMATION),
    ):
        block = _yaml_block(path, after)
        parsed = parse_screening(block, path)
        s = screen(parsed.observations, parsed.person)
        assert s.presumption is Presumption.NOT_ESTABLISHED, path
        assert Dimension.COERCION_AT_DESTINATION in s.explored
        unmarked = "\n".join(ln for ln in block.splitlines() if not ln.startswith("assessed:"))
        parsed = parse_screening(unmarked, path)
        again = screen(parsed.observations, parsed.person)
        assert again.presumption is without, path
        assert Dimension.COERCION_AT_DESTINATION in again.unexplored_deciding
