"""The review sample of scripts/catalog_sample.py (docs/translation-review.md) is reproducible and
draws only translated entries."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sampler():
    spec = importlib.util.spec_from_file_location(
        "catalog_sample", ROOT / "scripts" / "catalog_sample.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalog_sample"] = module
    spec.loader.exec_module(module)
    return module


def test_the_same_seed_draws_the_same_entries(capsys):
    sampler = _sampler()
    assert sampler.main(["--seed", "7", "--n", "30", "--langs", "fr,ar"]) == 0
    first = capsys.readouterr().out
    assert sampler.main(["--seed", "7", "--n", "30", "--langs", "fr,ar"]) == 0
    assert capsys.readouterr().out == first
    assert sampler.main(["--seed", "8", "--n", "30", "--langs", "fr,ar"]) == 0
    assert capsys.readouterr().out != first
    assert first.count("\nfr-") == 30 and first.count("\nar-") == 30


def test_only_translated_entries_are_drawn():
    sampler = _sampler()
    pool = sampler.entries("fr")
    assert pool and all(text.strip(" |") for _, _, text in pool)
    assert len({(area, source) for area, source, _ in pool}) == len(pool)
