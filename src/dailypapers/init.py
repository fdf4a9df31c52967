"""``dailypapers init``: a working setup in a new or existing Jekyll site.

Writes ``dailypapers.toml`` (every setting, commented out, with its default), a GitHub
Actions workflow that runs the digest on a schedule and commits what changed, and, when the
directory is not a Jekyll site yet, a minimal one. An existing file is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.config import CONFIG_FILE, DEFAULT_SETTINGS, FIELD, SETTINGS, Setting
from dailypapers.demo import SCAFFOLD
from dailypapers.lock import LOCK_FILE
from dailypapers.store import DEFAULT_DB
from dailypapers.write import FileResult, is_dry_run, write_file

WORKFLOW = Path(".github") / "workflows" / "dailypapers.yml"
DEFAULT_PACKAGE = "dailypapers"


def _toml_value(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _default(setting: Setting) -> Any:
    if setting.name == "database":
        return str(DEFAULT_DB)
    section, _, key = setting.name.rpartition(".")
    if section in ("daily", "weekly", "monthly"):
        return getattr(DEFAULT_SETTINGS.post(section), key)
    return getattr(DEFAULT_SETTINGS, FIELD.get(setting.name, setting.name))


# Settings the generated file turns on (uncommented), away from their defaults: a new site
# gets what a reader wants; without a config file the posts keep the original format.
INIT_VALUES: dict[str, Any] = {"links": ("code", "project", "comments")}


def config_text() -> str:
    """``dailypapers.toml`` with every setting commented out at its default value, but those
    of :data:`INIT_VALUES`, set."""
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
            lines += ["", f"# [{section}]"]
        if setting.name in INIT_VALUES:
            assert not head, "a setting turned on by init must be top-level (its section is commented out)"
            value = f"{key} = {_toml_value(INIT_VALUES[setting.name])}"
            default = f"# default: {key} = {_toml_value(_default(setting))}"
            lines += ["", f"# {setting.help} (${setting.env})", default, value]
            continue
        lines += ["", f"# {setting.help} (${setting.env})", f"# {key} = {_toml_value(_default(setting))}"]
    return "\n".join(lines) + "\n"


def workflow_text(package: str = DEFAULT_PACKAGE, site_dir: str = ".") -> str:
    from dailypapers.render import environment

    template = environment(None).get_template("init/dailypapers.yml.j2")
    return template.render(package=package, site_dir=site_dir)


@dataclass
class InitResult:
    files: list[FileResult] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # files that existed and were left alone
    made_jekyll_site: bool = False


def init_site(site: Path, *, package: str = DEFAULT_PACKAGE, ignore_db: bool = False) -> InitResult:
    """Set up ``site`` (created if missing) for dailypapers; nothing existing is overwritten.

    Inside :func:`dailypapers.write.dry_run`, nothing is written (not even the directory).
    """
    if not is_dry_run():
        site.mkdir(parents=True, exist_ok=True)
    result = InitResult()
    wanted: dict[str, str] = {CONFIG_FILE: config_text(), str(WORKFLOW): workflow_text(package)}
    if not (site / "_config.yml").exists():
        result.made_jekyll_site = True
        wanted.update(SCAFFOLD)
        # Keep the settings file out of the published site.
        wanted["_config.yml"] = SCAFFOLD["_config.yml"] + f"exclude: [{CONFIG_FILE}]\n"
    for relative, content in wanted.items():
        if (site / relative).exists():
            result.kept.append(Path(relative))
        else:
            result.files.append(write_file(site, relative, content))
    # The lock file holds the pid of the last run: never worth a commit.
    entries = [f"/{DEFAULT_DB.parent}/" if ignore_db else f"/{LOCK_FILE}"]
    gitignore = site / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    missing = [entry for entry in entries if entry not in existing.splitlines()]
    if missing:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        content = existing + separator + "".join(f"{entry}\n" for entry in missing)
        result.files.append(write_file(site, ".gitignore", content))
    return result
