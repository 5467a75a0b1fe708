"""Who may do what is decided in one module, ``pharos.coordinate.permissions`` (docs/server.md,
"A permission"; issue 13): no other module compares a practitioner kind written in its code
(``p.kind == PractitionerKind.LAWYER``, ``kind in (K.NGO, K.SOCIAL_WELFARE)``,
``Agency.kind == "national_coordinator"``), and no other module declares a resource or grants
it. A rule on kinds gets a name there (``holds_cases``, ``COORDINATOR``…) or is a table of the
area's data (the exercise's ``RECEIVERS``); filtering by a kind a user chose is not a rule.

The source is read with ``ast``, so a check spelled in a way the scan does not know would go
unseen; the scan's own test below keeps the spellings it knows."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from pharos.domain.practitioners import PractitionerKind

SRC = Path(__file__).resolve().parents[3] / "src" / "pharos"
HOME = SRC / "coordinate" / "permissions.py"
KIND_VALUES = frozenset(k.value for k in PractitionerKind)


def _aliases(tree: ast.Module) -> set[str]:
    """The names the module gives ``PractitionerKind`` (``K`` by import or assignment)."""
    names = {"PractitionerKind"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names if a.name == "PractitionerKind"}
    assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)]
    for node in assigns:
        if isinstance(node.value, ast.Name) and node.value.id in names:
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _is_kind(node: ast.expr, names: set[str], about_kind: bool) -> bool:
    """Whether ``node`` is a practitioner kind written in the code, or a literal collection
    holding one; a bare string counts when the comparison is about a kind."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id in names
    if isinstance(node, ast.Constant):
        return about_kind and node.value in KIND_VALUES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_kind(e, names, about_kind) for e in node.elts)
    return False


def kind_checks(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comparison with a practitioner kind written in ``source``."""
    tree = ast.parse(source)
    names = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            text = ast.get_source_segment(source, node) or ""
            about_kind = "kind" in text.lower()
            if any(_is_kind(x, names, about_kind) for x in (node.left, *node.comparators)):
                found.append((node.lineno, text))
    return found


def permission_declarations(source: str) -> list[tuple[int, str]]:
    """(line, text) of every call of ``declare`` or ``grant`` imported from the permissions."""
    tree = ast.parse(source)
    imported = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "pharos.coordinate.permissions"
        for a in node.names
        if a.name in ("declare", "grant")
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            direct = isinstance(f, ast.Name) and f.id in imported
            via_module = (
                isinstance(f, ast.Attribute)
                and f.attr in ("declare", "grant")
                and isinstance(f.value, ast.Name)
                and f.value.id == "permissions"
            )
            if direct or via_module:
                found.append((node.lineno, ast.get_source_segment(source, node) or ""))
    return found


def _everywhere_but_home(find: Callable[[str], list[tuple[int, str]]]) -> list[str]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if path == HOME:
            continue
        for line, text in find(path.read_text(encoding="utf-8")):
            out.append(f"{path.relative_to(SRC.parent)}:{line}: {text}")
    return out


def test_no_kind_is_compared_outside_the_permissions_module() -> None:
    found = _everywhere_but_home(kind_checks)
    assert not found, "decide on kinds in pharos.coordinate.permissions:\n" + "\n".join(found)


def test_every_resource_is_declared_and_granted_in_the_permissions_module() -> None:
    found = _everywhere_but_home(permission_declarations)
    assert not found, "declare and grant in pharos.coordinate.permissions:\n" + "\n".join(found)
    declared = {
        node.args[0].value
        for node in ast.walk(ast.parse(HOME.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "declare"
        and isinstance(node.args[0], ast.Constant)
    }
    assert {"case", "exercise", "estimate", "analysis", "audit", "learn", "lesson"} <= declared


def test_the_scan_finds_the_spellings_it_knows() -> None:
    source = """
from pharos.domain.practitioners import PractitionerKind
from pharos.domain.practitioners import PractitionerKind as P
from pharos.coordinate.permissions import declare, grant
from pharos.coordinate import permissions
K = PractitionerKind
a = p.kind == PractitionerKind.LAWYER
b = to.kind in (K.JOURNALIST, K.LAWYER)
c = Agency.kind == P.NATIONAL_COORDINATOR.value
d = (state, K.NATIONAL_COORDINATOR) not in have
e = agency_kind != "ngo"
f = kind in senders
g = Agency.kind == kind
h = status == "ngo"
declare("x", {"read"})
grant(["ngo"], "x", "read", [])
permissions.grant(["ngo"], "x", "read", [])
"""
    assert [line for line, _ in kind_checks(source)] == [7, 8, 9, 10, 11]
    assert [line for line, _ in permission_declarations(source)] == [15, 16, 17]
    # the permissions module itself is where the rules are: the scan sees them there
    assert kind_checks(HOME.read_text(encoding="utf-8"))
