"""with_values (pharos.scenario.params): setting numbers of a scenario without copying all of it.

Checked against the plain way (a deep copy, then set_in on each path) on the bundled baseline,
for random sets of its own parameter paths, and the data passed in must be left as it was.
"""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pharos.analysis.pharos_model import PharosModel
from pharos.scenario.params import scenario_data, set_in, with_values
from pharos.scenario.schema import Scenario

MODEL = PharosModel()
PATHS = sorted(MODEL.parameters())
BASE = MODEL.data
FROZEN = json.dumps(BASE, sort_keys=True)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(PATHS), st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=25
    )
)
def test_with_values_sets_what_set_in_sets_and_leaves_the_data(values: dict[str, float]) -> None:
    want = copy.deepcopy(BASE)
    for path, value in values.items():
        set_in(want, path, value)
    assert with_values(BASE, values) == want
    assert json.dumps(BASE, sort_keys=True) == FROZEN


def test_with_values_creates_missing_sections_as_set_in_does() -> None:
    path = "states.ITA.agencies.online_unit.detection_rate"
    want = copy.deepcopy(BASE)
    set_in(want, path, 3.0)
    assert with_values(BASE, {path: 3.0}) == want
    assert json.dumps(BASE, sort_keys=True) == FROZEN


def test_scenario_for_gives_the_scenario_the_full_copy_gives() -> None:
    # every twentieth parameter at nine tenths of its value (valid wherever the value was)
    params = MODEL.parameters()
    values = {
        p: 0.9 * params[p]
        for p in PATHS[:: max(1, len(PATHS) // 20)]
        if ".recruitment." not in p and ".destinations." not in p  # these must sum to 1
    }
    data = scenario_data(MODEL.base)
    for path, value in values.items():
        set_in(data, path, round(value) if path in MODEL._ints else value)
    want = Scenario.model_validate(data)
    assert want != MODEL.base
    assert MODEL.scenario_for(values) == want
