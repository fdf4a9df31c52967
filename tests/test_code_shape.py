"""The shape of the code: every function in ``src`` is small enough to change in an afternoon.

No function over :data:`MAX_LINES` lines (its ``def`` to its last line, from the syntax tree)
and none with a cyclomatic complexity over :data:`MAX_COMPLEXITY` (radon's count: one, plus
one per branch, loop, boolean operator, ``except`` and comprehension condition).
"""

from __future__ import annotations

import ast
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Function

import dailypapers

MAX_LINES = 60
MAX_COMPLEXITY = 15
PACKAGE = Path(dailypapers.__file__).parent

# Functions being split in other work under way (the archive's rows):
# each name here is a debt, to be removed when that work lands.
KNOWN_EXCEPTIONS: frozenset[str] = frozenset()


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def functions_too_long(source: str, module: str) -> list[str]:
    """``module.[Class.]function: N lines`` for each function of ``source`` over the limit."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lines = child.end_lineno - child.lineno + 1
                    if lines > MAX_LINES:
                        found.append(f"{name}: {lines} lines")
                visit(child, name)
            else:
                visit(child, prefix)

    visit(ast.parse(source), module)
    return found


def functions_too_complex(source: str, module: str) -> list[str]:
    """``module.[Class.]function: complexity N`` for each function of ``source`` over the limit."""
    found = []

    def visit(functions: list[Function], prefix: str) -> None:
        for function in functions:
            name = f"{prefix}.{function.fullname}"
            if function.complexity > MAX_COMPLEXITY:
                found.append(f"{name}: complexity {function.complexity}")
            visit(function.closures, name)

    # radon lists methods both under their class and at the top level, as ``Class.method``.
    visit([block for block in cc_visit(source) if isinstance(block, Function)], module)
    return found


def measured() -> list[str]:
    """Every function of the package over a limit, with what it measures."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source, module = path.read_text(encoding="utf-8"), module_name(path)
        found += functions_too_long(source, module) + functions_too_complex(source, module)
    return found


def test_no_function_is_over_60_lines_or_complexity_15() -> None:
    assert [finding for finding in measured() if finding.split(":")[0] not in KNOWN_EXCEPTIONS] == []


def test_the_checks_see_what_they_measure() -> None:
    """Each check finds a function built to exceed it (so an empty list above means something)."""
    long_function = "def long():\n" + "    x = 1\n" * MAX_LINES
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(MAX_COMPLEXITY))
    complex_function = f"class C:\n    def branchy(self, x):\n{branches.replace('    ', '        ')}"
    source = long_function + "\n\n" + complex_function
    assert functions_too_long(source, "probe") == [f"probe.long: {MAX_LINES + 1} lines"]
    assert functions_too_complex(source, "probe") == [f"probe.C.branchy: complexity {MAX_COMPLEXITY + 1}"]


def test_every_known_exception_is_still_oversized() -> None:
    """A name left in KNOWN_EXCEPTIONS after its function was split hides nothing: remove it."""
    oversized = {finding.split(":")[0] for finding in measured()}
    assert sorted(KNOWN_EXCEPTIONS - oversized) == []
