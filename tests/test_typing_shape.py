"""Typed seams: explicit `Any` in the package stays where JSON enters, and stays rare."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import dailypapers

SRC = Path(dailypapers.__file__).parent
LIMIT = 40


def any_uses(tree: ast.AST) -> int:
    """Every mention of typing's `Any` outside imports: annotations, casts, aliases, string
    annotations, and names it is imported under (`from typing import Any as Anything`)."""
    names = {"Any"} | {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name == "Any" and alias.asname
    }
    count = 0
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id in names) or (
            isinstance(node, ast.Attribute) and node.attr == "Any"
        ):
            count += 1
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_annotation_text(node.value)
        ):
            count += any_uses(ast.parse(node.value, mode="eval"))
    return count


def _is_annotation_text(text: str) -> bool:
    if "Any" not in text:
        return False
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def count_any() -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found = any_uses(tree)
        if found:
            counts[str(path.relative_to(SRC))] = found
    return counts


def test_the_counter_sees_every_kind_of_any() -> None:
    code = (
        "from typing import Any\nimport typing\n"
        "def f(a: Any, b: dict[str, Any]) -> 'list[Any]':\n"
        "    return typing.cast(typing.Any, a)\n"
        "X = 'no Any here, just prose'\n"
    )
    assert any_uses(ast.parse(code)) == 4
    assert any_uses(ast.parse("from typing import Any as Loose\ndef f(a: Loose) -> None: ...\n")) == 1


def test_explicit_any_stays_rare() -> None:
    counts = count_any()
    total = sum(counts.values())
    worst = ", ".join(f"{name}: {n}" for name, n in counts.most_common(8))
    assert total < LIMIT, f"{total} explicit Any in src (limit {LIMIT - 1}); most in {worst}"
