"""List Pharos's import cycles and its imports hidden inside functions.

    python scripts/imports.py            # prints the report; exits 1 if there is a cycle

Three lists, from the source (no module is imported):
- cycles between modules (each strongly connected set of modules that import one another,
  directly or not), found with grimp, the import graph library behind import-linter;
- cycles between packages (pharos's top-level packages, and the subpackages of pharos.exercise);
- imports that are not at a module's top level: inside a function or a class, or under
  ``if TYPE_CHECKING:``. Such an import is sometimes right (a command that loads a heavy library
  only when it runs), but it is also how a cycle is hidden; grimp counts them all.

tests/unit/test_imports.py runs the same functions and fails on a cycle, and on any hidden
import of a Pharos module in pharos.domain and pharos.exercise.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src"


def graph() -> grimp.ImportGraph:
    return grimp.build_graph("pharos", cache_dir=None)


def strongly_connected(
    nodes: Iterable[str], edges: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """The sets of more than one node that reach one another (Tarjan), each sorted."""
    nodes = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges(v):
            if w not in nodes:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(nodes) + 100))
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(out)


def module_cycles(g: grimp.ImportGraph) -> list[list[str]]:
    return strongly_connected(g.modules, g.find_modules_directly_imported_by)


def package_cycles(g: grimp.ImportGraph, parent: str) -> list[list[str]]:
    """Cycles between the direct subpackages (and modules) of ``parent``."""
    depth = parent.count(".") + 2

    def head(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    children = {head(m) for m in g.modules if m.startswith(parent + ".")}
    edges: dict[str, set[str]] = {c: set() for c in children}
    for m in g.modules:
        if not m.startswith(parent + "."):
            continue
        for w in g.find_modules_directly_imported_by(m):
            if w.startswith(parent + ".") and head(w) != head(m):
                edges[head(m)].add(head(w))
    return strongly_connected(children, lambda c: edges[c])


@dataclass(frozen=True)
class HiddenImport:
    path: str
    line: int
    where: str  # "function", "class" or "TYPE_CHECKING"
    module: str  # what is imported ("." for a relative import's package)

    @property
    def of_pharos(self) -> bool:
        """An import of a Pharos module (a relative import is one, from inside Pharos)."""
        return self.module == "pharos" or self.module.startswith(("pharos.", "."))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} (inside a {self.where})"


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def hidden_imports(root: Path = SRC) -> list[HiddenImport]:
    """Every import below ``root`` that is not at its module's top level."""
    found: list[HiddenImport] = []
    for path in sorted(root.rglob("*.py")):
        rel = str(path.relative_to(root.parent))
        _Walker(rel, found).walk(ast.parse(path.read_text(encoding="utf-8"), rel), None)
    return found


@dataclass
class _Walker:
    path: str
    found: list[HiddenImport]

    def walk(self, node: ast.AST, where: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for n in child.body:
                    self.visit(n, where or "TYPE_CHECKING")
                for n in child.orelse:
                    self.visit(n, where)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                self.visit(child, "function")
            elif isinstance(child, ast.ClassDef):
                self.visit(child, where or "class")
            else:
                self.visit(child, where)

    def visit(self, node: ast.AST, where: str | None) -> None:
        if where is not None and isinstance(node, ast.Import):
            self.found.extend(
                HiddenImport(self.path, node.lineno, where, a.name) for a in node.names
            )
        elif where is not None and isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            self.found.append(HiddenImport(self.path, node.lineno, where, module))
        self.walk(node, where)


def main() -> int:
    g = graph()
    cycles = module_cycles(g)
    print(f"Cycles between modules of pharos: {len(cycles)}")
    for c in cycles:
        print("  " + " -> ".join(c))
    packages = {p: package_cycles(g, p) for p in ("pharos", "pharos.exercise")}
    for parent, found in packages.items():
        print(f"Cycles between the packages of {parent}: {len(found)}")
        for c in found:
            print("  " + " <-> ".join(c))
    hidden = hidden_imports()
    print(f"Imports inside functions, classes or TYPE_CHECKING blocks: {len(hidden)}")
    for h in hidden:
        print(f"  {h}")
    return 1 if cycles or any(packages.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
