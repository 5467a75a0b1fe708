"""Every action and resource the code writes to the audit trail has a translated label, so the
audit page (issue 14, finding 6) never shows a bare code."""

from __future__ import annotations

import ast
from pathlib import Path

from pharos.coordinate.vocabulary import AUDIT_LABELS, RESOURCE_LABELS

SRC = Path(__file__).resolve().parents[3] / "src" / "pharos"


def _recorded() -> tuple[set[str], set[str]]:
    actions: set[str] = set()
    resources: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                args = node.args
                if len(args) > 2 and isinstance(args[2], ast.Constant):
                    actions.add(str(args[2].value))
                if len(args) > 3 and isinstance(args[3], ast.Constant):
                    resources.add(str(args[3].value))
    return actions, resources


def test_every_recorded_action_and_resource_has_a_label() -> None:
    actions, resources = _recorded()
    assert len(actions) > 20 and {"deactivate", "set_password", "failed_login"} <= actions
    assert not actions - set(AUDIT_LABELS), sorted(actions - set(AUDIT_LABELS))
    assert not resources - set(RESOURCE_LABELS), sorted(resources - set(RESOURCE_LABELS))
