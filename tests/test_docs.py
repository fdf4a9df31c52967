"""The documentation (README.md and docs/*.md) names every command, option, setting and
environment variable, with the defaults `init` writes, and every link in it leads somewhere.

The docs are read as a whole: a command's section or a setting's row may be in any file under
docs/, so a new page (docs/TOPIC.md) is checked the moment it exists."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt

import dailypapers
from dailypapers.cli import cli
from dailypapers.config import SETTINGS, Setting, load_settings
from dailypapers.init import config_text

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
MARKDOWN = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Heading:
    page: Path
    level: int
    text: str
    section: str  # the heading's lines and everything up to the next heading of its level or above


def headings(page: Path) -> list[Heading]:
    source = page.read_text(encoding="utf-8")
    lines = source.splitlines()
    tokens = MARKDOWN.parse(source)
    found = [
        (int(token.tag[1]), tokens[index + 1].content, token.map[0] if token.map else 0)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    result = []
    for position, (level, text, start) in enumerate(found):
        end = next((line for lvl, _, line in found[position + 1 :] if lvl <= level), len(lines))
        result.append(Heading(page, level, text, "\n".join(lines[start:end])))
    return result


def anchor(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation (and emoji) dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for heading in headings(page):
        base = anchor(heading.text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(page: Path) -> Iterator[str]:
    for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
        for child in token.children or ():
            if child.type == "link_open":
                yield str(child.attrs["href"])


def commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command of the command line, subcommands of a group as `group sub`."""
    for name, command in sorted(group.commands.items()):
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")


COMMANDS = dict(commands(cli))


def command_sections(name: str) -> list[Heading]:
    """The sections titled with the command: `## run`, `### \\`run\\``, `## dailypapers run`."""
    titles = {name, f"dailypapers {name}"}
    return [heading for page in DOCS for heading in headings(page) if heading.text.strip("` ") in titles]


def mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def test_the_readme_is_short_and_has_the_test_command() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 200
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == "python -m pytest"  # CI runs the README's test command, as its last step
    assert "\npython -m pytest\n" in text


def test_there_are_docs_and_commands() -> None:
    assert {"guide.md", "commands.md", "settings.md", "guarantees.md", "architecture.md"} <= {
        page.name for page in DOCS
    }
    assert {"run", "init", "doctor", "search", "replay"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_documented(name: str) -> None:
    sections = command_sections(name)
    assert sections, f"no file in docs/ has a section (a heading `{name}`) for `dailypapers {name}`"
    text = "\n".join(section.section for section in sections)
    where = ", ".join(sorted({section.page.name for section in sections}))
    for param in COMMANDS[name].params:
        if isinstance(param, click.Option):
            if param.hidden or "--help" in param.opts:
                continue
            names = [*param.opts, *param.secondary_opts]
            missing = f"`{name}` section ({where}) never says {names[0]}"
            assert any(mentions(text, opt) for opt in names), missing
        else:
            word = param.human_readable_name
            assert mentions(text, word), f"`{name}` section ({where}) never names its argument {word}"


def setting_rows() -> dict[str, list[str]]:
    """Every row of a settings table in the docs: setting name -> its cells."""
    rows: dict[str, list[str]] = {}
    for page in DOCS:
        for line in page.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if line.startswith("| `") and len(cells) == 4:
                rows.setdefault(cells[0].strip("`"), cells)
    return rows


@dataclass(frozen=True)
class InitValue:
    default: str  # TOML
    chosen: bool  # init sets it in a new dailypapers.toml (its recommended set)


@pytest.fixture(scope="module")
def init_values() -> dict[str, InitValue]:
    """Each setting's default as the `dailypapers.toml` that `init` writes gives it: the line
    `# KEY = VALUE` under the comment naming its variable, or `# default: KEY = VALUE` above
    the value `init` sets instead."""
    lines = config_text().splitlines()
    values = {}
    for setting in SETTINGS:
        key = setting.name.rpartition(".")[2]
        start = next(i for i, line in enumerate(lines) if line.endswith(f"(${setting.env})"))
        match = next(
            match
            for line in lines[start + 1 :]
            if (match := re.fullmatch(rf"# (default: )?{re.escape(key)} = (.*)", line))
        )
        values[setting.name] = InitValue(match[2], chosen=bool(match[1]))
    return values


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_has_its_row(setting: Setting, init_values: dict[str, InitValue]) -> None:
    """A row `| `name` | `VARIABLE` | what it does | `default` ... |`, saying what `init` writes
    when it writes something else."""
    row = setting_rows().get(setting.name)
    assert row, f"no settings table in docs/ has a row for `{setting.name}`"
    assert row[1] == f"`{setting.env}`", f"`{setting.name}`: its environment variable is {setting.env}"
    value = init_values[setting.name]
    assert row[3].startswith(f"`{value.default}`"), f"`{setting.name}`: its default is `{value.default}`"
    assert "`init`" in row[3] or not value.chosen, f"`{setting.name}`: the row does not say what init sets"


def test_every_environment_variable_is_documented() -> None:
    text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    package = Path(dailypapers.__file__).parent
    read = {
        name
        for path in package.rglob("*.py")
        for name in re.findall(r"\bDAILYPAPERS_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8"))
    }
    assert read
    assert sorted(name for name in read if f"`{name}`" not in text) == [], "not named in the docs"


def leads_somewhere(page: Path, href: str) -> bool:
    """A relative link's file exists in the repository and, if it names one, so does its heading."""
    path, _, fragment = href.partition("#")
    target = (page.parent / path).resolve() if path else page.resolve()
    if not target.exists() or ROOT.resolve() not in target.parents:
        return False
    return not fragment or (target.suffix == ".md" and fragment in anchors(target))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    relative = [href for href in links(page) if not re.match(r"[a-z][a-z0-9+.-]*:", href)]  # not https:
    assert [href for href in relative if not leads_somewhere(page, href)] == [], f"{page.name}: broken links"


def test_every_page_of_the_docs_is_linked_from_the_readme() -> None:
    reached, queue = {README.resolve()}, [README]
    while queue:
        page = queue.pop()
        for href in links(page):
            path = href.partition("#")[0]
            target = (page.parent / path).resolve()
            if path and target.suffix == ".md" and target.is_file() and target not in reached:
                reached.add(target)
                queue.append(target)
    assert sorted(page.name for page in DOCS if page.resolve() not in reached) == []


def test_the_module_map_has_every_module_in_its_layer() -> None:
    """docs/architecture.md's table of modules gives the layers of the import contract
    (pyproject.toml), top first: every module, in its own (the contract is exhaustive)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = (c for c in project["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layers = [{name.strip() for name in layer.split("|")} for layer in contract["layers"]]
    documented: dict[int, set[str]] = {}
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\| (\d+) \| ([^|]+) \|", line):
            documented.setdefault(int(match[1]), set()).update(re.findall(r"`(\w+)`", match[2]))
    assert [documented.get(number, set()) for number in range(1, len(layers) + 1)] == layers


def test_every_test_and_path_the_docs_name_exists() -> None:
    """The guarantees name the tests that hold them, and the architecture the test files and
    golden files: a renamed or removed one is named here (`{a,b}` and `LANG` are patterns)."""
    text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    tests = set(re.findall(r"`(test_\w+)`", text))
    assert tests
    missing = sorted(name for name in tests if not (ROOT / "tests" / f"{name}.py").is_file())
    assert missing == [], "not a test file"
    paths = set(re.findall(r"`((?:tests|src|benchmarks)/[^`\s{]+)`", text))
    named = {path for path in paths if not re.search(r"\b[A-Z]{3,}\b|\*", path)}
    assert named
    assert sorted(path for path in named if not (ROOT / path).exists()) == [], "no such file"


def toml_examples() -> Iterator[tuple[str, str]]:
    for page in PAGES:
        for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
            if token.type == "fence" and token.info.strip() == "toml":
                yield f"{page.name}:{token.map[0] + 1 if token.map else 0}", token.content


@pytest.mark.parametrize("where, example", list(toml_examples()), ids=lambda value: value.split("\n")[0])
def test_every_settings_example_is_a_valid_settings_file(where: str, example: str, tmp_path: Path) -> None:
    (tmp_path / "dailypapers.toml").write_text(example, encoding="utf-8")
    load_settings(tmp_path, environ={})  # raises ConfigError naming the setting
