"""The options of one choice list read differently in every language.

A choice list is a dict, list or tuple in the code whose values are all marked labels (``_``,
``lazy_gettext``, ``N_``, ``pgettext``, ``lazy_pgettext`` of literal strings): an enum's labels,
a form's options. If two of its English labels come out as one word in a language (the Palermo
acts "Transport" and "Transfer" were both «النقل» in Arabic, so the screening form showed two
identical checkboxes), the user cannot tell the options apart: give one a ``pgettext`` context
and its own translation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pharos.i18n import SUPPORTED_LOCALES, gettext, pgettext, use_locale

SRC = Path(__file__).resolve().parents[2] / "src" / "pharos"
PLAIN = {"_", "gettext", "lazy_gettext", "N_"}
WITH_CONTEXT = {"pgettext", "lazy_pgettext"}

Label = tuple[str | None, str]


def label(node: ast.AST | None) -> Label | None:
    """(context, msgid) of a marked literal label, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    args = node.args
    if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
        return None
    if node.func.id in PLAIN and len(args) == 1:
        return (None, args[0].value)  # type: ignore[attr-defined]
    if node.func.id in WITH_CONTEXT and len(args) == 2:
        return (args[0].value, args[1].value)  # type: ignore[attr-defined]
    return None


def _values(node: ast.AST) -> list[ast.AST | None] | None:
    if isinstance(node, ast.Dict):
        return list(node.values)
    if isinstance(node, ast.List | ast.Tuple):
        out: list[ast.AST | None] = []
        for e in node.elts:
            if isinstance(e, ast.Tuple):  # (value, label) pairs
                marked = [x for x in e.elts if label(x)]
                out.append(marked[0] if len(marked) == 1 else None)
            else:
                out.append(e)
        return out
    return None


def choice_lists(source: str, where: str) -> list[tuple[str, list[Label]]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        values = _values(node)
        if not values or len(values) < 2:
            continue
        labels = [label(v) for v in values]
        if all(labels):
            found.append((f"{where}:{node.lineno}", [lab for lab in labels if lab]))
    return found


def all_choice_lists() -> list[tuple[str, list[Label]]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        out += choice_lists(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    return out


def clashes(lang: str, lists: list[tuple[str, list[Label]]]) -> list[str]:
    bad = []
    with use_locale(lang):
        for where, labels in lists:
            seen: dict[str, str] = {}
            for context, msgid in labels:
                text = pgettext(context, msgid) if context else gettext(msgid)
                first = seen.setdefault(text, msgid)
                if first != msgid:
                    bad.append(f"{where}: {first!r} and {msgid!r} are both {text!r}")
    return bad


def test_the_scan_finds_choice_lists() -> None:
    source = 'A = {1: lazy_gettext("Transport"), 2: lazy_pgettext("Palermo act", "Transfer")}\n'
    source += 'B = [("x", _("Yes")), ("y", _("No"))]\nC = {1: "Transport", 2: _("x")}\n'
    found = choice_lists(source, "f.py")
    assert [labels for _, labels in found] == [
        [(None, "Transport"), ("Palermo act", "Transfer")],
        [(None, "Yes"), (None, "No")],
    ]
    assert len(all_choice_lists()) > 50  # the screening form's acts, weights, the enums' labels


def test_a_clash_is_reported() -> None:
    # Arabic says «المصدر» for both "Origin" and "Source", which is right where they are never
    # offered side by side; side by side, they clash.
    assert clashes("ar", [("f.py:1", [(None, "Origin"), (None, "Source")])])
    assert not clashes("fr", [("f.py:1", [(None, "Origin"), (None, "Source")])])


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED_LOCALES if lang != "en"])
def test_options_of_one_list_differ(lang: str) -> None:
    bad = clashes(lang, all_choice_lists())
    assert not bad, "\n".join(bad)
