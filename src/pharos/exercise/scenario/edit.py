"""Changing a scenario's text from a structured form, keeping the rest of the text as written.

The studio's "Add an inject" and "Add a persona" forms give the fields; :func:`add_item` writes
them as a new item at the end of the scenario's ``injects`` or ``characters`` list (a list of
its own at the end of the file if there is none), in block style, indented like the items
already there. Comments, order and layout of everything else stay as they were. What the
fields say is not checked here: the validator checks the whole text afterwards, with the new
item's lines.
"""

from __future__ import annotations

from typing import Any

import yaml

from pharos.domain import userfile
from pharos.i18n import _


def add_inject(text: str, inject: dict[str, Any]) -> str:
    """``text`` with ``inject`` appended to its ``injects`` list."""
    return add_item(text, "injects", inject)


def add_item(text: str, key: str, new: dict[str, Any]) -> str:
    """``text`` with ``new`` appended to its top-level list ``key`` (``injects``,
    ``characters``); ``userfile.UserFileError`` when the text is not YAML (there is nowhere to
    put it) or the list is written in flow style."""
    node = userfile.compose(text, userfile.MAX_SCENARIO_BYTES)
    item = yaml.dump(
        [new],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )
    if not text.endswith("\n"):
        text += "\n"
    seq = None
    if isinstance(node, yaml.MappingNode):
        seq = next((v for k, v in node.value if k.value == key), None)
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
        if seq is not None:  # an empty or flow-style list: written anew would lose it; refuse
            raise userfile.UserFileError(
                _('write %(key)s as a block list (one "- id: ..." per item) first') % {"key": key},
                seq.start_mark.line + 1,
            )
        return text + f"{key}:\n" + _indent(item, 2)
    last = seq.value[-1]
    indent = max(0, last.start_mark.column - 2)  # the column of the items' "- "
    lines = text.splitlines(keepends=True)
    at = last.end_mark.line if last.end_mark.column == 0 else last.end_mark.line + 1
    # after the last item's own lines, before blank lines and comments that open what follows
    while at > 0 and lines[at - 1].strip() in ("",) and at - 1 > last.start_mark.line:
        at -= 1
    return "".join(lines[:at]) + _indent(item, indent) + "".join(lines[at:])


class _Dumper(yaml.SafeDumper):
    """Texts of several lines as literal blocks (``|``), as a person writes them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _indent(block: str, n: int) -> str:
    pad = " " * n
    return "".join(pad + line if line.strip() else line for line in block.splitlines(True))
