"""Pharos has no import cycles, and its exercise and domain hide no import inside a function.

A cycle kept alive by an import inside a function (or under ``if TYPE_CHECKING:``) is still a
cycle: two modules that each need the other, usually two halves of one thing or two users of a
third thing nobody named. The graph is grimp's (the library behind import-linter), which counts
those imports too. ``python scripts/imports.py`` prints the same lists. The layering itself (which
package may import which, no cycle between the subpackages of any package) is import-linter's
contracts in pyproject.toml, checked by ``lint-imports`` in scripts/test.sh.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "imports.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pharos_imports_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


imports = _load()


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return imports.graph()


def test_no_module_imports_itself_through_others(graph) -> None:  # type: ignore[no-untyped-def]
    assert len(graph.modules) > 150  # the whole package was read
    assert imports.module_cycles(graph) == []


@pytest.mark.parametrize("package", ["domain", "exercise"])
def test_no_import_of_pharos_hides_inside_a_function(package: str) -> None:
    hidden = [h for h in imports.hidden_imports(imports.SRC / "pharos" / package) if h.of_pharos]
    assert not hidden, "\n".join(map(str, hidden))


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    """The detectors themselves: a cycle, a package cycle, hidden imports of three kinds."""
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": ["e"]}
    assert imports.strongly_connected(edges, lambda v: edges[v]) == [["a", "b", "c"]]
    (tmp_path / "pharos").mkdir()
    (tmp_path / "pharos" / "m.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING
            import os
            def g():
                import json
            if TYPE_CHECKING:
                from pharos.x import Y
            def f():
                import pharos.z
            class C:
                from . import w
            """
        )
    )
    found = {(h.line, h.where, h.module, h.of_pharos) for h in imports.hidden_imports(tmp_path)}
    assert found == {
        (5, "function", "json", False),
        (7, "TYPE_CHECKING", "pharos.x", True),
        (9, "function", "pharos.z", True),
        (11, "class", ".", True),
    }
