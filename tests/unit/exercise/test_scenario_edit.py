"""The studio's structured form writes an inject into the scenario's text, keeping the rest."""

from __future__ import annotations

import pytest

from pharos.domain import userfile
from pharos.exercise.scenario.edit import add_inject
from pharos.exercise.scenario.loader import bundled_path, check_source
from pharos.exercise.scenario.source import read_source

NEW = {
    "id": "ngo-hotline",
    "title": "Hotline: 'a worker calls at night'",
    "channel": "call_note",
    "sender": "NGO hotline",
    "to": ["ita-ngo", "ita-police"],
    "body": "A man calls from a greenhouse.\nHe will call again tomorrow.",
    "trigger": {"when": "persona_contacted", "subject": "karim", "delay_days": 0.5},
}


def test_an_inject_is_appended_and_the_rest_kept_as_written():
    src = read_source(bundled_path("mediterranean-regional"))
    text = add_inject(src.text, NEW)
    assert text.startswith(src.text.rstrip("\n"))  # every line before stays as written
    loaded, problems = check_source(src.with_text(text))
    assert problems == [] and loaded is not None
    inj = loaded.scenario.injects[-1]
    assert inj.id == "ngo-hotline" and inj.body == NEW["body"] and inj.to == NEW["to"]
    assert inj.trigger is not None and inj.trigger.delay_days == 0.5
    assert "    body: |-\n      A man calls from a greenhouse.\n" in text  # as a person writes


def test_a_scenario_without_injects_gets_the_list():
    text = "format: pharos-exercise/1\nid: x\n"
    assert add_inject(text, {"id": "a"}) == text + "injects:\n  - id: a\n"
    with pytest.raises(userfile.UserFileError):
        add_inject("injects: []\n", {"id": "a"})
