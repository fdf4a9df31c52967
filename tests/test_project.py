"""The project's own rules: every command has help; --help is light (the docs: test_docs.py)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dailypapers
from dailypapers.cli import cli

COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {
        "run",
        "backfill",
        "import",
        "render",
        "search",
        "stats",
        "demo",
        "replay",
        "init",
        "doctor",
    } <= set(COMMANDS)


def test_every_writing_command_has_a_dry_run() -> None:
    for name in ("run", "backfill", "render", "import", "update-history", "init", "demo"):
        assert "--dry-run" in {opt for param in cli.commands[name].params for opt in param.opts}, name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"{name} has no help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.opts} has no help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from dailypapers.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('huggingface_hub', 'httpx2', 'jinja2', 'sqlite3', 'matplotlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


SQL = re.compile(r"\.execute(?:many)?\(|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b")


def test_all_sql_is_in_the_store() -> None:
    """The archive's schema is known to the store alone (store.py and its migrations): the
    others ask `Store` methods."""
    package = Path(dailypapers.__file__).parent
    elsewhere = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name not in ("store.py", "store_migrations.py")
        and SQL.search(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == []


def test_every_third_party_import_is_declared() -> None:
    """A module the package imports is one of its declared dependencies (or of the standard
    library): one installed only because another package needs it may go away with it."""
    import ast
    import tomllib

    root = Path(dailypapers.__file__).parent
    project = tomllib.loads((root.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0].lower().replace("-", "_")
                for dep in project["project"]["dependencies"]}  # fmt: skip
    imported: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"dailypapers"}
    names = {"yaml": "pyyaml"}  # import name -> distribution name, where they differ
    assert (
        sorted(names.get(name, name) for name in third_party if names.get(name, name) not in declared) == []
    )


def test_the_store_answers_with_named_rows() -> None:
    """A caller reads a row's fields by name: no public Store method returns bare tuples."""
    from dailypapers.store import Store

    answers = {
        name: str(inspect.signature(method).return_annotation)
        for name, method in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_")
    }
    assert answers and [name for name, answer in answers.items() if "tuple[" in answer] == []


def test_every_store_method_serves_the_package() -> None:
    """What only tests ask of an archive lives in tests/archive_rows.py, not in Store."""
    from dailypapers.store import Store

    package = Path(dailypapers.__file__).parent
    callers = "\n".join(
        path.read_text(encoding="utf-8") for path in package.rglob("*.py") if path.name != "store.py"
    )
    public = [name for name, _ in inspect.getmembers(Store) if not name.startswith("_")]
    assert public and [name for name in public if not re.search(rf"\.{name}\b", callers)] == []
