"""Reading a site's own YAML (``_config.yml``, workflows) with bounds.

These files are the site's, not ours: a few hundred bytes of nested anchors (a "billion
laughs") expand to billions of nodes when walked, and 20,000 nested ``[`` exhaust Python's
stack. So a file is read up to a size cap, composed to a bounded depth, and refused when
its aliases would expand to more than a bounded number of nodes; of what it holds, callers
keep only the keys they need, each of the type it must be (:func:`typed_keys`). Every
refusal is a :class:`YAMLRefused`, a ``yaml.YAMLError``: callers that handle a file that is
not valid YAML handle these too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

MAX_YAML_BYTES = 256 * 1024  # Chirpy's _config.yml is 6 KB, its deploy workflow 2 KB
MAX_DEPTH = 64  # nested collections
MAX_NODES = 100_000  # nodes once every alias is expanded


class YAMLRefused(yaml.YAMLError):
    """A YAML text beyond the bounds (too deep, too many nodes through aliases, too large)."""


class TooLarge(OSError):
    """A file larger than the cap it is read with."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.strerror = message


def read_capped(path: Path, limit: int = MAX_YAML_BYTES) -> bytes:
    """The bytes of ``path``; :class:`TooLarge` (an OSError) when it has more than ``limit``."""
    with path.open("rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"larger than {limit // 1024} KB")
    return data


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the composer's recursion bounded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YAMLRefused(f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than MAX_NODES nodes, or refer to a
    node that holds them (a cycle). Each node is counted once (iteratively, no recursion)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise YAMLRefused(f"its aliases expand to more than {MAX_NODES} values")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YAMLRefused("an alias refers to a collection that holds it")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


_BRACKETS = re.compile(r"[\[\]{}]")
# Brackets open at once, counted in the raw text (quoted ones too), beyond which the text is
# refused before PyYAML's scanner, which slows down on long runs of them (0.6 s for 20,000).
MAX_OPEN_BRACKETS = 4 * MAX_DEPTH


def _open_brackets(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match[0] in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_yaml(text: str, *, what: str = "the file") -> Any:
    """The YAML document ``text`` (YAML 1.1, safe types), within the module's bounds."""
    if _open_brackets(text) > MAX_OPEN_BRACKETS:
        raise YAMLRefused(f"nested deeper than {MAX_DEPTH} levels")
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node)
        return loader.construct_document(node)
    except RecursionError:  # what the depth bound should have stopped first
        raise YAMLRefused(f"{what} is nested too deeply") from None
    finally:
        loader.dispose()


def typed_keys(
    data: Mapping[object, object], types: Mapping[str, type | tuple[type, ...]]
) -> tuple[dict[str, object], list[str]]:
    """The ``types`` keys of ``data`` whose values have their type, and one line for each
    present with another type (left out)."""
    kept: dict[str, object] = {}
    ignored: list[str] = []
    for key, wanted in types.items():
        if key not in data or data[key] is None:
            continue
        value = data[key]
        # YAML reads `true` as a bool, and a bool is an int: never take one for the other.
        if isinstance(value, wanted) and not (isinstance(value, bool) and bool not in _as_tuple(wanted)):
            kept[key] = value
        else:
            names = " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in _as_tuple(wanted))
            ignored.append(
                f"`{key}` is {_TYPE_NAMES.get(type(value), type(value).__name__)}, not {names}: ignored"
            )
    return kept, ignored


_TYPE_NAMES = {str: "text", bool: "true or false", list: "a list", dict: "a mapping", int: "a number"}


def _type_name(kind: type) -> str:
    return _TYPE_NAMES.get(kind, kind.__name__)


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)
