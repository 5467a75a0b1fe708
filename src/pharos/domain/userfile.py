"""Reading a YAML (or JSON) file a user gives Pharos: a screening file, a scenario, an overlay,
an exercise scenario and its translations, an experiment. Strict where PyYAML's ``safe_load``
is lenient, and bounded.

- **YAML 1.2 core schema**, not YAML 1.1: ``020`` is twenty (1.1 reads octal 16), ``yes``,
  ``no``, ``on`` and ``off`` are text (1.1 reads true and false), ``1:30`` is text (1.1 reads
  the sexagesimal 90), ``2024-05-01`` is text (1.1 reads a date). Whole numbers are written
  ``[-+]?[0-9]+``, ``0o17`` or ``0x1F``; true, false and null as YAML 1.2 spells them.
- **A key given twice is refused** with both lines (``safe_load`` keeps the last silently).
- **No aliases** (``*name``): a file cannot make one value count many times (exponential
  "billion laughs" documents); **no tags** but the core schema's (``!!str`` and the like).
- **Limits**: at most :data:`MAX_DEPTH` levels of nesting (100,000 nested brackets raised an
  unhandled RecursionError) and a size per kind of file, checked before anything is parsed
  (a 3.5 MB screening file cost 55 s and 1.1 GB before it was refused). The sizes are stated
  with the real files in docs/security.md, "Limits".

The bundled data files are Pharos' own and read with libyaml's safe loader
(:data:`pharos.domain.datafiles.SAFE_LOADER`); this module is for files from outside.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import BaseResolver

from pharos.i18n import format_number, ngettext
from pharos.i18n import gettext as _

#: Deepest nesting accepted (mappings and lists inside each other). The deepest shipped file
#: (an exercise scenario) nests 6 levels.
MAX_DEPTH = 32
#: Largest screening file read (bytes): the examples are 0.9-1.6 kB; one with every indicator
#: of the ILO/EC lists and a note to each stays under 20 kB.
MAX_SCREENING_BYTES = 64 * 1024
#: Largest scenario, overlay, exercise scenario, translation or experiment file read (bytes):
#: the largest shipped one (the Greek translation of the regional exercise) has 33 kB. Reading
#: costs about 10 s a megabyte on a loaded 2-core machine, so the limit bounds that too.
MAX_SCENARIO_BYTES = 256 * 1024


class UserFileError(ValueError):
    """A user's file that is refused: what is wrong and, when known, the line (1-based)."""

    def __init__(self, message: str, line: int | None = None, *, syntax: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        #: True when the text is not YAML at all (rather than YAML that is refused)
        self.syntax = syntax


def _bytes(n: int) -> str:
    return ngettext("%(n)s byte", "%(n)s bytes", n) % {"n": format_number(n)}


def check_size(size: int, limit: int) -> None:
    """Refuse ``size`` bytes over ``limit``, before reading or parsing anything."""
    if size > limit:
        raise UserFileError(
            _("the file has %(size)s, more than %(limit)s, the most a file of this kind may have")
            % {"size": _bytes(size), "limit": _bytes(limit)},
            None,
        )


def nesting_message() -> str:
    """What is said of a document nested deeper than :data:`MAX_DEPTH`."""
    return ngettext(
        "nested more than %(n)s level deep", "nested more than %(n)s levels deep", MAX_DEPTH
    ) % {"n": MAX_DEPTH}


def read_text(path: Path, limit: int) -> str:
    """The UTF-8 text of ``path``, its size checked first (OSError and UnicodeDecodeError pass
    through to the caller, which knows how to say them)."""
    check_size(path.stat().st_size, limit)
    return path.read_text(encoding="utf-8")


# -- YAML 1.2 core schema ---------------------------------------------------------------------
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class _Resolver(BaseResolver):
    """Plain scalars resolved by the YAML 1.2 core schema (and nothing else)."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 (PyYAML's registry, empty: see below)


_Resolver.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Constructor(SafeConstructor):
    yaml_constructors: ClassVar[dict[Any, Any]] = {}  # PyYAML's registry, empty: see below
    #: keys given twice are left to the caller, who reports them with the file's other problems
    allow_duplicates = False

    def construct_core_int(self, node: ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        try:
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value, 10)  # "020" is twenty
        except ValueError:  # more digits than Python converts
            raise UserFileError(_("the number is too long"), _line(node)) from None

    def construct_core_float(self, node: ScalarNode) -> float:
        value = str(self.construct_scalar(node)).lower()
        if value.endswith(".inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        if value == ".nan":
            return float("nan")
        return float(value)

    def construct_core_bool(self, node: ScalarNode) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"

    def construct_unknown(self, node: Node) -> Any:
        raise UserFileError(
            _("the tag %(tag)s is not accepted here") % {"tag": node.tag}, _line(node)
        )

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if not isinstance(key_node, ScalarNode):
                raise UserFileError(_("a key must be a plain value"), _line(key_node))
            key = self.construct_object(key_node, deep=True)
            if key in seen and not self.allow_duplicates:
                raise UserFileError(
                    _("the key %(key)s is given twice (first on line %(first)s)")
                    % {"key": repr(key), "first": seen[key]},
                    _line(key_node),
                )
            seen[key] = _line(key_node)
        out: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return out


_Constructor.yaml_constructors.update(
    {
        "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
        "tag:yaml.org,2002:bool": _Constructor.construct_core_bool,
        "tag:yaml.org,2002:int": _Constructor.construct_core_int,
        "tag:yaml.org,2002:float": _Constructor.construct_core_float,
        "tag:yaml.org,2002:str": SafeConstructor.construct_yaml_str,
        "tag:yaml.org,2002:seq": SafeConstructor.construct_yaml_seq,
        "tag:yaml.org,2002:map": SafeConstructor.construct_yaml_map,
        None: _Constructor.construct_unknown,
    }
)


class _BoundedComposer(Composer):
    """PyYAML's composer with a depth limit and no aliases."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        events: Any = self  # the parser's methods, mixed in with this class
        if events.check_event(AliasEvent):
            event = events.peek_event()
            raise UserFileError(
                _("aliases (*%(name)s) are not accepted; write the value out")
                % {"name": event.anchor},
                int(event.start_mark.line) + 1,
            )
        if events.check_event(ScalarEvent):
            scalar: Node | None = super().compose_node(parent, index)
            return scalar
        self._depth += 1  # a mapping or a list inside its parent
        try:
            if self._depth > MAX_DEPTH:
                event = events.peek_event()
                raise UserFileError(nesting_message(), int(event.start_mark.line) + 1)
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


_CParser: Any = getattr(
    yaml, "CParser", None
)  # libyaml's scanner and parser, where PyYAML has them

if _CParser is not None:

    class _Loader(_BoundedComposer, _CParser, _Constructor, _Resolver):  # type: ignore[misc]
        """libyaml's events, this module's composer, constructor and resolver."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(  # type: ignore[no-redef]
        Reader, Scanner, Parser, _BoundedComposer, _Constructor, _Resolver
    ):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)


def compose(text: str, limit: int) -> Node | None:
    """The document's node tree (None for an empty document), checked for size, depth and
    aliases; raises :class:`UserFileError` with the line for these and for bad YAML."""
    # a character is at least one byte: a text with more characters than the limit is refused
    # without encoding it
    check_size(len(text) if len(text) > limit else len(text.encode("utf-8")), limit)
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserFileError(
            _("not valid YAML: %(problem)s") % {"problem": exc.problem or exc.context or exc},
            int(mark.line) + 1 if mark is not None else None,
            syntax=True,
        ) from None
    except yaml.YAMLError as exc:
        raise UserFileError(
            _("not valid YAML: %(problem)s") % {"problem": exc}, None, syntax=True
        ) from None
    finally:
        loader.dispose()


def construct(node: Node | None, *, allow_duplicates: bool = False) -> Any:
    """The plain data of a node tree from :func:`compose` (a key given twice is refused unless
    ``allow_duplicates``: then the last one counts, and the caller reports it)."""
    if node is None:
        return None
    constructor = _Constructor()
    constructor.allow_duplicates = allow_duplicates
    try:
        return constructor.construct_document(node)
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserFileError(
            _("not valid YAML: %(problem)s") % {"problem": exc.problem or exc},
            int(mark.line) + 1 if mark is not None else None,
        ) from None


def load(text: str, limit: int) -> tuple[Any, Node | None]:
    """The data of a user's YAML document and its node tree (for the lines of fields)."""
    node = compose(text, limit)
    return construct(node), node
