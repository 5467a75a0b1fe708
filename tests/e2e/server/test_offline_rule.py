"""The offline screening's provisional result is the server's (issue 20, item 6).

Chromium runs ``static/screening-rule.js`` on the rule data the server exports
(``/screenings/offline/rules.json``, built from ``data/indicators.yaml`` by
pharos.domain.rule_data). For every bundled example in ``examples/screening`` and for 400
generated observations (seeded), it must give the presumption, profile, form and the state and
weight counts of every dimension and element of the rule that pharos.domain.screening.screen
gives. A weight or clause changed in the YAML changes both sides; a rule written differently in
JavaScript fails here (checked: '>' for '>=' in the clause test fails on example 01)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from pharos.domain.indicators import Dimension, delphi_indicators, ilo_indicators, unodc_indicators
from pharos.domain.screening import Act, Observation, Observations, Person, screen
from pharos.domain.screening_file import parse_screening
from pharos.domain.vocabulary import ExploitationType

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "screening"


def _input(obs: Observations, person: Person) -> dict[str, Any]:
    return {
        "present": [o.indicator for o in obs.present],
        "ruled_out": sorted(obs.ruled_out),
        "explored": sorted(d.value for d in obs.assessed),
        "acts": sorted(a.value for a in obs.acts),
        "age": person.age,
        "child": person.child,
        "unaccompanied": person.unaccompanied,
        "exploitation": person.exploitation.value if person.exploitation else None,
    }


def _expected(obs: Observations, person: Person) -> dict[str, Any]:
    r = screen(obs, person).to_dict()
    return {
        "presumption": r["presumption"],
        "profile": r["profile"],
        "is_child": r["is_child"],
        "form": r["form"],
        "dimensions": [
            {"dimension": d["dimension"], "state": d["state"], "counts": d["counts"]}
            for d in r["dimensions"]
        ],
        "requirements": [
            {"requirement": q["requirement"], "state": q["state"]} for q in r["requirements"]
        ],
    }


def _generated(n: int, seed: int) -> list[tuple[Observations, Person]]:
    rng = random.Random(seed)
    delphi = list(delphi_indicators())
    others = list(ilo_indicators()) + list(unodc_indicators())
    out = []
    for _ in range(n):
        picked = rng.sample(delphi, rng.randint(0, 14))
        cut = rng.randint(0, len(picked))
        present = picked[:cut] + rng.sample(others, rng.choice((0, 0, 1, 2)))
        ruled_out = frozenset(picked[cut:])
        explored = frozenset(d for d in Dimension if rng.random() < 0.3)
        acts = frozenset(a for a in Act if rng.random() < 0.2)
        person = Person(
            age=rng.choice((None, 9, 15, 17, 18, 25, 40)),
            child=rng.choice((None, None, True, False)),
            unaccompanied=rng.random() < 0.15,
            exploitation=rng.choice(
                (None, None, ExploitationType.SEXUAL_EXPLOITATION, ExploitationType.FORCED_LABOUR)
            ),
        )
        obs = Observations(
            present=tuple(Observation(i) for i in present),
            ruled_out=ruled_out,
            assessed=explored,
            acts=acts,
        )
        out.append((obs, person))
    return out


def test_the_browser_rule_gives_the_servers_result(page: Any, live_server: str) -> None:
    cases: list[tuple[str, Observations, Person]] = []
    for path in sorted(EXAMPLES.iterdir()):
        parsed = parse_screening(path.read_text(encoding="utf-8"), path.name)
        cases.append((path.name, parsed.observations, parsed.person))
    assert len(cases) >= 14
    cases += [(f"generated {i}", o, p) for i, (o, p) in enumerate(_generated(400, seed=20))]
    page.goto(live_server + "/screenings/offline/rules.json")
    page.add_script_tag(url="/static/screening-rule.js")  # as the server ships it
    got = page.evaluate(
        """async (inputs) => {
            const rule = await (await fetch('/screenings/offline/rules.json')).json();
            return inputs.map((i) => PharosRule.screen(rule, i));
        }""",
        [_input(o, p) for _n, o, p in cases],
    )
    presumptions = set()
    for (name, obs, person), browser in zip(cases, got, strict=True):
        browser.pop("rule_version")
        assert browser == _expected(obs, person), name
        presumptions.add(browser["presumption"])
    # the comparison covered every outcome of the rule
    assert presumptions == {
        "trafficking_for_labour_exploitation",
        "trafficking_for_sexual_exploitation",
        "not_established",
        "insufficient_information",
    }
