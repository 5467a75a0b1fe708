"""Parameters by dotted path."""

import pytest
from pydantic import ValidationError

from pharos.scenario import ParameterPathError, get_param, load_scenario, set_param


def test_get_and_set_by_path_leave_the_original_unchanged() -> None:
    s = load_scenario("mediterranean-baseline")
    path = "states.ITA.agencies.labour_inspector.detection_rate"
    old = get_param(s, path)
    s2 = set_param(s, path, old * 2)
    assert get_param(s2, path) == pytest.approx(old * 2)
    assert get_param(s, path) == old


def test_network_elements_are_named_by_id() -> None:
    s = load_scenario("mediterranean-baseline")
    s2 = set_param(s, "networks.nga-ita-sex.recruits_per_year", 10)
    assert get_param(s2, "networks.nga-ita-sex.recruits_per_year") == 10


def test_bad_paths_and_values_are_refused() -> None:
    s = load_scenario("mediterranean-baseline")
    with pytest.raises(ParameterPathError):
        get_param(s, "states.ITA.nothing_here")
    with pytest.raises(ValidationError):
        set_param(s, "states.ITA.protection.shelter_beds", -1)
