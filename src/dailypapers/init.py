"""``dailypapers init``: a working setup in a new or existing Jekyll site.

Writes ``dailypapers.toml`` (every setting, commented out, with its default), a GitHub
Actions workflow that runs the digest on a schedule and commits what changed, and, when the
directory is not a Jekyll site yet, a minimal one. An existing file is never overwritten.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
import tomlkit.exceptions
import yaml

from dailypapers.bounded import load_yaml, read_capped
from dailypapers.config import (
    BY_NAME,
    CONFIG_FILE,
    DEFAULT_SETTINGS,
    LANGUAGES,
    SETTINGS,
    Setting,
    Settings,
    build_settings,
    setting_value,
)
from dailypapers.errors import ConfigError
from dailypapers.feeds import CHIRPY_HOOK, head_files
from dailypapers.init_values import package_spec, recorded_spec, shell_word, workflow_file, yaml_scalar
from dailypapers.jekyll import (
    JEKYLL_CONFIG,
    new_site_files,
    publishes,
    read_site_config_checked,
    site_language,
)
from dailypapers.lock import LOCK_FILE
from dailypapers.origin import installed_origin
from dailypapers.pages import OWN_WORKFLOW, DeployWorkflow, deploy_workflows
from dailypapers.search_index import INCLUDE_LINE, search_pages
from dailypapers.store import DEFAULT_DB
from dailypapers.write import FileResult, FileWriter

WORKFLOW = OWN_WORKFLOW  # the scheduled workflow init writes
NOT_STARTED = "if it deploys the site, the scheduled run will not start it"
DEFAULT_PACKAGE = "dailypapers"


def toml_value(value: object) -> str:
    """``value`` as TOML writes it (tomlkit: every character escaped that must be)."""
    if value is None:
        return '""'
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, Path):
        value = str(value)
    return str(tomlkit.item(value).as_string())


def _default(setting: Setting) -> object:
    if setting.name == "database":
        return str(DEFAULT_DB)
    return setting_value(DEFAULT_SETTINGS, setting.name)


# Settings the generated file turns on (uncommented), away from their defaults: a new site
# gets what a reader wants; without a config file the posts keep the original format.
INIT_VALUES: dict[str, object] = {
    "links": ("code", "project", "comments"),
    "ai_summary": True,
    "organization_fallback": "first_author",
    "feeds": True,
    "bibtex": True,
    "paper_info": True,
    "search": True,
}
# Sections written open (uncommented) with their keys commented out: there to be filled in.
OPEN_SECTIONS = ("llm",)
EXAMPLES = {
    "llm.base_url": 'for example "http://localhost:11434/v1" (Ollama), "https://router.huggingface.co/v1"',
    "llm.model": 'for example "qwen2.5:7b-instruct"; the key goes in $DAILYPAPERS_LLM_API_KEY, never here',
}


def is_chirpy(site: Path, config: Mapping[str, object] | None) -> bool:
    """Whether the site uses the Chirpy theme, which loads MathJax for posts with ``math: true``:
    the theme (gem or remote) named in ``_config.yml`` or the Gemfile, or Chirpy's own
    ``tabs`` collection in a starter's ``_config.yml``."""
    config = config or {}
    themes = [str(config.get(key) or "") for key in ("theme", "remote_theme")]
    collections = config.get("collections")
    if isinstance(collections, dict) and "tabs" in collections:
        return True
    try:
        gemfile = (site / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        gemfile = ""
    return any("chirpy" in theme.lower() for theme in themes) or "jekyll-theme-chirpy" in gemfile


def config_text(chosen: Mapping[str, object] | None = None) -> str:
    """``dailypapers.toml``: the ``chosen`` settings (dotted name -> value) and those of
    :data:`INIT_VALUES` set, every other one commented out at its default value."""
    chosen = {**INIT_VALUES, **(chosen or {})}
    lines = [
        "# dailypapers settings. Uncomment a line (and its [section]) to change it.",
        "# A command-line option wins over an environment variable (shown for each setting),",
        "# which wins over this file. See the README for details.",
    ]
    section = ""
    # Top-level keys first: in TOML, a key after a [section] header belongs to that section.
    for setting in sorted(SETTINGS, key=lambda setting: "." in setting.name):
        head, _, key = setting.name.rpartition(".")
        if head != section:
            section = head
            used = any(name.startswith(f"{section}.") for name in chosen) or section in OPEN_SECTIONS
            lines += ["", f"[{section}]" if used else f"# [{section}]"]
        lines += ["", f"# {setting.help} (${setting.env})"]
        if setting.name in EXAMPLES:
            lines.append(f"# ({EXAMPLES[setting.name]})")
        if setting.name in chosen:
            if setting.name in INIT_VALUES:
                lines.append(f"# default: {key} = {toml_value(_default(setting))}")
            lines.append(f"{key} = {toml_value(chosen[setting.name])}")
        else:
            lines.append(f"# {key} = {toml_value(_default(setting))}")
    return "\n".join(lines) + "\n"


def set_top_level(text: str, values: Mapping[str, object]) -> str:
    """``text`` (a ``dailypapers.toml``) with the top-level ``values`` set: a key set in it is
    changed by tomlkit (comments and layout kept), a commented-out line of the key is
    replaced in place, else the key goes before the first section. Raises ConfigError when
    ``text`` is not TOML."""
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        raise ConfigError(f"{CONFIG_FILE}: {error}") from None
    absent = {}
    for key, value in values.items():
        if key in document:
            document[key] = list(value) if isinstance(value, tuple) else value
        else:
            absent[key] = value
    lines = document.as_string().splitlines()
    first_section = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    for key, value in absent.items():
        line = f"{key} = {toml_value(value)}"
        commented = [i for i in range(first_section) if re.match(rf"\s*#\s*{key}\s*=", lines[i])]
        if commented:
            lines[commented[0]] = line
        else:
            lines.insert(first_section, line)
            first_section += 1
    return "\n".join(lines) + "\n"


# The install step of the generated workflow: `python -m pip install --quiet SPEC`.
INSTALL_COMMAND = ("python", "-m", "pip", "install", "--quiet")
# A `run:` line of a workflow (`run: VALUE` or `- run: VALUE`), its value on that line.
_RUN_LINE = re.compile(r"^(?P<key>[ \t]*(?:- )?run:[ \t]*)(?P<value>\S.*)$", re.MULTILINE)


def install_run(spec: str) -> str:
    """The install step's ``run:`` value, quoted for the shell and then for YAML."""
    return yaml_scalar(" ".join([*INSTALL_COMMAND, shell_word(spec)]))


def _installs_one_package(value: str) -> bool:
    try:
        words = shlex.split(value)
    except ValueError:
        return False
    return len(words) == len(INSTALL_COMMAND) + 1 and tuple(words[:-1]) == INSTALL_COMMAND


def set_package(workflow: str, spec: str) -> str | None:
    """The generated ``workflow`` with its install step installing ``spec`` (checked with
    :func:`~dailypapers.init_values.package_spec`); None when it has no such step."""
    for match in _RUN_LINE.finditer(workflow):
        try:
            value = load_yaml(match["value"], what="a run: line")
        except yaml.YAMLError:
            continue
        if isinstance(value, str) and _installs_one_package(value):
            return (
                workflow[: match.start("value")] + install_run(package_spec(spec)) + workflow[match.end() :]
            )
    return None


def _read_workflow(path: Path) -> str:
    """The text of the workflow ``--package`` updates, read within bounds."""
    try:
        return read_capped(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror or str(error)
        raise ConfigError(f"{WORKFLOW}: {why}: --package not applied") from None


def _installed_spec(result: InitResult) -> str:
    """What the workflow installs by default: the running dailypapers' own origin."""
    origin = installed_origin()
    if problem := origin.problem():
        result.warnings.append(f"the workflow installs {origin.spec}, but {problem}")
    return recorded_spec(origin.spec)


def workflow_text(package: str = DEFAULT_PACKAGE, site_dir: str = ".", deploys: Sequence[str] = ()) -> str:
    """The scheduled workflow; ``deploys``: the Pages deploy workflows it starts after a push.

    Every value is checked (:mod:`dailypapers.init_values`) and quoted for the shell, then
    for YAML where it stands in a plain scalar; a refused one raises UnsafeValue."""
    from dailypapers.render import environment

    names = [workflow_file(name) for name in deploys]
    template = environment(None).get_template("init/dailypapers.yml.j2")
    return template.render(
        install=install_run(recorded_spec(package)),
        collect=yaml_scalar(f"dailypapers run --site {shell_word(site_dir)}"),
        deploy_names=names,
        deploys=[shell_word(name) for name in names],
    )


@dataclass
class InitResult:
    files: list[FileResult] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # files that existed and were left alone
    made_jekyll_site: bool = False
    notes: list[str] = field(default_factory=list)  # one line each, for the user
    warnings: list[str] = field(default_factory=list)  # what will not work as written


def fitting_settings(config: Mapping[str, object]) -> dict[str, object]:
    """Settings that fit an existing site's ``_config.yml``: its ``lang`` and ``timezone``."""
    fitted: dict[str, object] = {}
    language = site_language(dict(config), LANGUAGES)
    if language:
        fitted["language"] = language
    with contextlib.suppress(ValueError):  # a zone Python does not know: leave the default
        fitted["timezone"] = BY_NAME["timezone"].check(config.get("timezone"))
    return fitted


def _feed_links(site: Path, site_config: Mapping[str, object] | None, result: InitResult) -> dict[str, str]:
    """The files that link the feeds from every page's head (see :func:`feeds.head_files`)."""
    chirpy = site_config is not None and is_chirpy(site, site_config)
    files = head_files(new_site=site_config is None, chirpy=chirpy)
    if site_config is not None and not chirpy:
        result.notes.append(
            "to link the paper feeds from every page, add {% include dailypapers-feeds.html %} "
            "to your theme's <head> (its _includes/head.html)"
        )
    if chirpy and (site / CHIRPY_HOOK).exists():
        result.notes.append(
            f"{CHIRPY_HOOK} exists: add {{% include dailypapers-feeds.html %}} to it to link the paper feeds"
        )
    return files


def _search_page(
    site: Path, site_config: Mapping[str, object] | None, settings: Settings, result: InitResult
) -> dict[str, str]:
    """The search page (see :func:`search_index.search_pages`): on a new site or a Chirpy tab;
    another theme's owner is told how to add it."""
    chirpy = site_config is not None and is_chirpy(site, site_config)
    if site_config is not None and not chirpy:
        result.notes.append(f"to add the paper search, make a page holding {INCLUDE_LINE.strip()}")
    return search_pages(settings, new_site=site_config is None, chirpy=chirpy)


def init_site(
    site: Path,
    *,
    package: str | None = None,
    ignore_db: bool = False,
    chosen: Mapping[str, object] | None = None,
    writer: FileWriter | None = None,
    schedule: bool = True,
    fitted: Mapping[str, object] | None = None,
) -> InitResult:
    """Set up ``site`` (created if missing) for dailypapers; nothing existing is overwritten,
    but for the ``chosen`` settings (dotted name -> checked value, e.g. from ``--author``),
    which are set in an existing ``dailypapers.toml`` too.

    On an existing site, ``dailypapers.toml`` is made to fit its ``_config.yml`` (language
    from ``lang``, ``timezone``), after the ``fitted`` settings (those a previous digest's
    posts imply, which win). Without ``schedule``, no workflow is written. With a
    :class:`~dailypapers.write.DryRunWriter`, nothing is written (not even the directory).
    """
    plan = _Plan(site, writer or FileWriter(site))
    if not plan.writer.dry_run:
        site.mkdir(parents=True, exist_ok=True)
    site_config = _read_site_config(site, plan.result)
    _plan_workflow(plan, package, schedule)
    had_settings = (site / CONFIG_FILE).exists()
    values = _plan_settings(plan, dict(chosen or {}), fitted or {}, site_config)
    if site_config is not None and publishes(site_config, CONFIG_FILE):
        plan.result.warnings.append(
            f"Jekyll would publish {CONFIG_FILE} with the site (at /{CONFIG_FILE}): "
            f"add it to `exclude:` in {JEKYLL_CONFIG}"
        )
    if site_config is None:
        plan.result.made_jekyll_site = True
        settings = build_settings(values)
        plan.wanted.update(
            new_site_files(language=settings.language, timezone=settings.timezone, author=settings.author)
        )
    if not had_settings:  # the new dailypapers.toml turns the feeds on: link them from every page
        plan.wanted.update(_feed_links(site, site_config, plan.result))
        plan.wanted.update(_search_page(site, site_config, build_settings(values), plan.result))
    _write_new_files(plan)
    _ignore_in_git(plan, ignore_db)
    return plan.result


@dataclass
class _Plan:
    """What ``init`` does to a site: files changed at once go through ``writer`` into
    ``result``; ``wanted`` holds the new files, written at the end where none exists."""

    site: Path
    writer: FileWriter
    result: InitResult = field(default_factory=InitResult)
    wanted: dict[str, str] = field(default_factory=dict)  # path in the site -> content


def _read_site_config(site: Path, result: InitResult) -> dict[str, object] | None:
    """The site's ``_config.yml`` (None when the directory is not a Jekyll site yet); one that
    does not read is noted, and the settings are then not fitted to it."""
    try:
        found = read_site_config_checked(site)
    except ConfigError as error:
        result.notes.append(f"{error}: settings not fitted to it")
        return {}
    if found is None:
        return None
    config, warnings = found
    result.warnings += warnings
    return config


def _plan_workflow(plan: _Plan, package: str | None, schedule: bool) -> None:
    """The scheduled workflow: an existing one gets ``package`` in its install step (and is
    otherwise kept); a new one is wanted when ``schedule``, starting the site's deploys."""
    workflow = plan.site / WORKFLOW
    if workflow.exists() and package:
        _set_workflow_package(plan, package)
        return
    deploys = _deploys(plan.site, plan.result)
    if deploys and schedule and not workflow.exists():
        names = ", ".join(deploy.file for deploy in deploys)
        plan.result.notes.append(f"{WORKFLOW.name} starts {names} after each push that changed something")
    if workflow.exists():  # kept as it is: what it installs is not ours to judge
        plan.result.kept.append(WORKFLOW)
    elif schedule:
        spec = package or _installed_spec(plan.result)
        plan.wanted[str(WORKFLOW)] = workflow_text(spec, deploys=[deploy.file for deploy in deploys])


def _set_workflow_package(plan: _Plan, package: str) -> None:
    """The existing workflow's install step set to install ``package`` (noted when it has none)."""
    new_flow = set_package(_read_workflow(plan.site / WORKFLOW), package)
    if new_flow is None:
        plan.result.notes.append(
            f"{WORKFLOW} has no `pip install` step of dailypapers: --package not applied"
        )
    else:
        plan.result.files.append(plan.writer.write(WORKFLOW, new_flow))


def _deploys(site: Path, result: InitResult) -> list[DeployWorkflow]:
    """The site's Pages deploy workflows, with a warning for each the scheduled run cannot start."""
    unread: list[str] = []
    deploys = deploy_workflows(site, unread)
    result.warnings += [f"{WORKFLOW.parent}/{entry}: {NOT_STARTED}" for entry in unread]
    for deploy in deploys:
        if not deploy.dispatchable:
            result.warnings.append(
                f"{deploy.file} deploys the site but cannot be started by another workflow: "
                "add `workflow_dispatch:` to its `on:` so that the scheduled run can start it"
            )
    return deploys


def _plan_settings(
    plan: _Plan,
    given: dict[str, object],
    fitted: Mapping[str, object],
    site_config: Mapping[str, object] | None,
) -> dict[str, object]:
    """``dailypapers.toml``: an existing one gets the ``given`` settings (and is otherwise
    kept); a new one is wanted, fitted to the site. The settings the site will have."""
    toml = plan.site / CONFIG_FILE
    if not toml.exists():
        values = _fitted_values(plan, given, fitted, site_config)
        plan.wanted[CONFIG_FILE] = config_text(values)
        return values
    if given:
        old = toml.read_text(encoding="utf-8-sig")
        plan.result.files.append(plan.writer.write(CONFIG_FILE, set_top_level(old, given)))
    else:
        plan.result.kept.append(Path(CONFIG_FILE))
    return given


def _fitted_values(
    plan: _Plan,
    given: Mapping[str, object],
    fitted: Mapping[str, object],
    site_config: Mapping[str, object] | None,
) -> dict[str, object]:
    """The settings of a new ``dailypapers.toml``: ``given``, then ``fitted`` (a previous
    digest's), then what fits the site's ``_config.yml`` and theme, each noted."""
    values = dict(given)
    for name, value in fitted.items():
        values.setdefault(name, value)
    for name, value in fitting_settings(site_config or {}).items():
        if name not in values:
            values[name] = value
            plan.result.notes.append(f"{name} = {toml_value(value)}, to fit the site's {JEKYLL_CONFIG}")
    if "math" not in values:
        # Chirpy typesets math with MathJax; other themes show LaTeX read as text.
        chirpy = is_chirpy(plan.site, site_config)
        values["math"] = "mathjax" if chirpy else "text"
        if chirpy:
            plan.result.notes.append('math = "mathjax", for the Chirpy theme')
    return values


def _write_new_files(plan: _Plan) -> None:
    """Each wanted file written where none exists; an existing one is kept."""
    for relative, content in plan.wanted.items():
        if (plan.site / relative).exists():
            plan.result.kept.append(Path(relative))
        else:
            plan.result.files.append(plan.writer.write(relative, content))


def _ignore_in_git(plan: _Plan, ignore_db: bool) -> None:
    """``.gitignore`` lists the lock file (it holds the pid of the last run: never worth a
    commit) or, with ``ignore_db``, the archive's directory."""
    entries = [f"/{DEFAULT_DB.parent}/" if ignore_db else f"/{LOCK_FILE}"]
    gitignore = plan.site / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    missing = [entry for entry in entries if entry not in existing.splitlines()]
    if missing:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        content = existing + separator + "".join(f"{entry}\n" for entry in missing)
        plan.result.files.append(plan.writer.write(".gitignore", content))
