"""Taking over a blog that another digest wrote (the original crawler's, most of all).

What ``init`` finds of a previous digest (:func:`find_previous`): its daily posts under any
of their names, its data files, the workflow that runs it on a schedule and the script that
workflow runs, a Jekyll plugin about its URLs. From its posts come the settings that keep the
blog as it is (:func:`fitting_from_posts`: the posts' language, whatever ``lang`` says for the
theme, their categories and author). Two scheduled jobs must never write the same posts:
``init --retire-crawler`` removes the other workflow's schedule (:func:`retire_workflow`),
and without it ``init`` writes no schedule of its own. ``doctor`` asks :func:`writers`.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from dailypapers.bounded import load_yaml
from dailypapers.config import CONFIG_FILE
from dailypapers.escape import yaml_scalar
from dailypapers.jekyll import site_config_or_empty
from dailypapers.pages import OWN_WORKFLOW, WORKFLOWS
from dailypapers.pipeline import CollectResult
from dailypapers.placement import POSTS, foreign_days, read_front_matter
from dailypapers.write import FileResult, FileWriter

T = TypeVar("T")

DAILY_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-daily-papers(-\d+)?\.(?:md|markdown)$")
AUTHORS = Path("_data") / "authors.yml"
_SCRIPT = re.compile(r"\bpython3?\s+(?:-u\s+)?([\w./-]+\.py)\b")
_READ_LIMIT = 256 * 1024  # a workflow or plugin; anything longer is not read whole
_SAMPLE = 8 * 1024  # of a post's text, to tell its language


@dataclass
class Workflow:
    path: Path  # relative to the site
    scheduled: bool
    scripts: list[Path] = field(default_factory=list)


@dataclass
class PreviousDigest:
    """What a previous digest left in a site."""

    posts: list[Path] = field(default_factory=list)  # daily posts it wrote (no `slug:`), relative
    dated_names: int = 0  # of those, named DATE-daily-papers-<digits>.md
    data_days: list[str] = field(default_factory=list)  # days whose data file it wrote
    workflows: list[Workflow] = field(default_factory=list)  # workflows that write posts
    plugins: list[Path] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.posts or self.data_days or self.workflows)

    @property
    def scheduled(self) -> list[Workflow]:
        return [flow for flow in self.workflows if flow.scheduled]

    def lines(self) -> list[str]:
        """What was found, one line each."""
        lines = []
        if self.posts:
            named = f" ({self.dated_names} named DATE-daily-papers-<number>.md)" if self.dated_names else ""
            lines.append(f"{len(self.posts)} daily posts written by a previous digest{named}")
        if self.data_days:
            lines.append(f"{len(self.data_days)} data files in the original crawler's format")
        for flow in self.workflows:
            when = "on a schedule" if flow.scheduled else "by hand only (no schedule)"
            scripts = f", running {', '.join(map(str, flow.scripts))}" if flow.scripts else ""
            lines.append(f"{flow.path} writes posts {when}{scripts}")
        lines += [f"{plugin}: a URL plugin for these posts" for plugin in self.plugins]
        return lines


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(_READ_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _triggers(text: str) -> dict[str, object]:
    try:
        flow = load_yaml(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(flow, dict):
        return {}
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(item): None for item in on}
    return {str(key): value for key, value in on.items()} if isinstance(on, dict) else {}


def post_writing_workflows(site: Path) -> list[Workflow]:
    """Workflows other than ours that commit posts (``_posts``) or data files (``_data/papers``)."""
    folder = site / WORKFLOWS
    found = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []:
        if path.name == OWN_WORKFLOW.name:
            continue
        text = _read(path)
        if not re.search(r"_posts|_data/papers", text) or not re.search(r"\bgit\s+(?:commit|push)\b", text):
            continue
        scripts = [Path(name) for name in dict.fromkeys(_SCRIPT.findall(text)) if (site / name).is_file()]
        found.append(Workflow(path.relative_to(site), "schedule" in _triggers(text), scripts))
    return found


def _is_ours(data: dict[str, object] | None) -> bool:
    return bool(data) and "slug" in (data or {})


def find_previous(site: Path) -> PreviousDigest:
    found = PreviousDigest()
    folder = site / POSTS
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        matched = DAILY_NAME.match(path.name)
        if matched is None or not path.is_file() or _is_ours(read_front_matter(path)):
            continue
        found.posts.append(path.relative_to(site))
        found.dated_names += matched.group(2) is not None
    found.data_days = foreign_days(site)
    found.workflows = post_writing_workflows(site)
    plugins = site / "_plugins"
    for path in sorted(plugins.glob("*.rb")) if plugins.is_dir() else []:
        if "daily-papers" in _read(path):
            found.plugins.append(path.relative_to(site))
    return found


# --- settings from the posts -------------------------------------------------------------------

_SCRIPTS = {
    "ko": re.compile(r"[\uac00-\ud7a3]"),
    "ja": re.compile(r"[\u3040-\u30ff]"),
    "zh": re.compile(r"[\u4e00-\u9fff]"),
}


def post_language(text: str) -> str:
    """The language a post is written in, by its script: abstracts are English in every
    language, so a few words of Hangul or kana decide (Han alone is Chinese)."""
    counts = {language: len(pattern.findall(text)) for language, pattern in _SCRIPTS.items()}
    if counts["ko"] >= 10:
        return "ko"
    if counts["ja"] >= 10:
        return "ja"
    return "zh" if counts["zh"] >= 10 else "en"


def _plain(value: object) -> bool:
    """A short one-line text: what a post's author or category may give a setting (the
    settings file is written from it)."""
    return isinstance(value, str) and 0 < len(value) <= 100 and value.isprintable()


def _most_common(values: Sequence[T]) -> T | None:
    return collections.Counter(values).most_common(1)[0][0] if values else None


def fitting_from_posts(site: Path, posts: list[Path]) -> tuple[dict[str, object], list[str]]:
    """Settings (dotted name -> value) that keep new posts like the previous digest's:
    language, daily categories and author, each the most common among ``posts``; with a note each."""
    languages, categories, authors = [], [], []
    for relative in posts:
        path = site / relative
        data = read_front_matter(path) or {}
        try:
            with path.open("rb") as handle:
                languages.append(post_language(handle.read(_SAMPLE).decode("utf-8", errors="replace")))
        except OSError:
            continue
        found = data.get("categories")
        if isinstance(found, list) and found and all(_plain(item) for item in found):
            categories.append(tuple(found))
        if _plain(data.get("author")):
            authors.append(data["author"])
    values: dict[str, object] = {}
    notes = []
    count = f"its {len(posts)} daily posts"
    if language := _most_common(languages):
        values["language"] = language
        notes.append(f"language = {language!r}: the language of {count} (not the theme's `lang`)")
    if chosen := _most_common(categories):
        values["daily.categories"] = list(chosen)
        notes.append(f"[daily] categories = {list(chosen)}, as in {count}")
    if author := _most_common(authors):
        values["author"] = author
        notes.append(f"author = {author!r}, as in {count}")
    return values, notes


# --- the author on Chirpy ----------------------------------------------------------------------


def author_entry(author: str, config: dict[str, object]) -> str:
    """The ``_data/authors.yml`` entry Chirpy reads for ``author`` (its "By" line)."""
    social, github = (config.get(key) for key in ("social", "github"))
    social = social if isinstance(social, dict) else {}
    github = github if isinstance(github, dict) else {}
    name = str(social.get("name")) if social.get("name") == author else author
    lines = [f"{yaml_scalar(author)}:", f"  name: {yaml_scalar(name)}"]
    if github.get("username") == author:
        lines.append(f"  url: {yaml_scalar('https://github.com/' + author)}")
    return "\n".join(lines) + "\n"


def missing_author(site: Path, author: str) -> bool:
    """Whether the site has a ``_data/authors.yml`` that does not name ``author``."""
    path = site / AUTHORS
    if not path.is_file():
        return False
    try:
        data = load_yaml(_read(path), what=str(AUTHORS))
    except yaml.YAMLError:
        return False
    return not (isinstance(data, dict) and author in data)


def with_author(text: str, author: str, config: dict[str, object]) -> str:
    separator = "" if not text or text.endswith("\n") else "\n"
    return text + separator + "\n" + author_entry(author, config)


# --- retiring the other writer -----------------------------------------------------------------


def retire_workflow(text: str, today: dt.date) -> str | None:
    """``text`` (a workflow) with its ``schedule:`` trigger removed and a note why; None when it
    cannot be done by editing the lines (the caller says what to do by hand)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"\s+schedule\s*:", line)), None)
    if start is None:
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and (len(line) - len(line.lstrip())) <= indent and not stripped.startswith("#"):
            break
        if stripped.startswith("#") and (len(line) - len(line.lstrip())) < indent:
            break
        end += 1
    note = (
        f"# Retired on {today.isoformat()} by `dailypapers init --retire-crawler`: its schedule was\n"
        f"# removed because {OWN_WORKFLOW} writes the daily posts now (two jobs\n"
        "# must not write the same posts). It can still be run by hand from the Actions tab.\n"
    )
    retired = note + "".join(lines[:start] + lines[end:])
    triggers = _triggers(retired)
    if "schedule" in triggers:
        return None
    if not triggers:  # the schedule was its only trigger
        retired = re.sub(r"(?m)^(['\"]?on['\"]?)\s*:\s*$", r"\1: workflow_dispatch", retired, count=1)
        if "workflow_dispatch" not in _triggers(retired):
            return None
    return retired


def writers(site: Path) -> list[Path]:
    """The workflows that write posts on a schedule: ours and any other digest's."""
    found = [flow.path for flow in post_writing_workflows(site) if flow.scheduled]
    own = site / OWN_WORKFLOW
    if own.is_file() and "schedule" in _triggers(_read(own)):
        found.insert(0, OWN_WORKFLOW)
    return found


# --- what init does about it -------------------------------------------------------------------


@dataclass
class Adoption:
    previous: PreviousDigest
    fitted: dict[str, object] = field(default_factory=dict)  # settings from the posts
    schedule: bool = True  # whether init may write its scheduled workflow
    files: list[FileResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def adopt(site: Path, writer: FileWriter, *, retire: bool, today: dt.date) -> Adoption:
    """What ``init`` does on a site a previous digest wrote: say what it found, take the
    settings its posts imply, and with ``retire`` remove the schedule of the workflows that
    write posts (else write no second schedule, and say why)."""
    previous = find_previous(site)
    done = Adoption(previous)
    if not previous.found:
        if retire:
            done.notes.append("--retire-crawler: no other workflow writes posts here, nothing to retire")
        return done
    done.notes += [f"found {line}" for line in previous.lines()]
    if previous.posts:
        done.fitted, fitted_notes = fitting_from_posts(site, previous.posts)
        if not (site / CONFIG_FILE).exists():
            done.notes += fitted_notes
        done.notes.append(
            "its posts stay as they are (each keeps its file and URL when a run updates its day); "
            "`dailypapers update-history --dry-run` previews bringing the other days up to date"
        )
    scheduled = previous.scheduled
    names = ", ".join(str(flow.path) for flow in scheduled)
    if scheduled and not retire:
        done.schedule = False
        done.notes.append(
            f"no schedule written: {names} already writes the posts on a schedule, and two jobs must not "
            f"write the same posts; `dailypapers init --retire-crawler` removes its schedule and writes "
            f"{OWN_WORKFLOW}"
        )
        return done
    for flow in scheduled:
        retired = retire_workflow(_read(site / flow.path), today)
        if retired is None:
            done.schedule = False
            done.warnings.append(
                f"cannot remove the schedule of {flow.path} by editing it: delete its `schedule:` trigger "
                f"(or disable it in the Actions tab), then run `dailypapers init` again"
            )
            continue
        done.files.append(writer.write(flow.path, retired))
        scripts = f" ({', '.join(map(str, flow.scripts))} is kept, unused)" if flow.scripts else ""
        done.notes.append(
            f"retired {flow.path}: its schedule is removed{scripts}; commit it with a note such as "
            f'"Retire the old crawler: dailypapers writes the daily posts"'
        )
    return done


def author_file(site: Path, author: str | None, writer: FileWriter) -> FileResult | None:
    """Adds ``author`` to the site's ``_data/authors.yml`` when it lacks it (Chirpy's "By")."""
    if not author or not missing_author(site, author):
        return None
    config = site_config_or_empty(site)
    text = (site / AUTHORS).read_text(encoding="utf-8", errors="replace")
    return writer.write(AUTHORS, with_author(text, author, config))


def history_lines(result: CollectResult, *, dry_run: bool, left: int) -> list[str]:
    """What ``update-history`` did (or, in a dry run, would do), in a few lines."""
    counts = _changed_files(result)
    verb = "would be" if dry_run else "were"
    lines = [
        f"{len(result.days) + len(result.failed)} days of a previous digest: {result.fetched_days} fetched, "
        f"{len(result.failed)} failed"
    ]
    if counts:
        lines.append(
            f"Files that {verb} written: " + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        )
    else:
        lines.append(f"No file {'would change' if dry_run else 'changed'}")
    lines.append("Every post keeps its file name and its URL (a `permalink:` keeps a URL its name gave)")
    if left:
        lines.append(f"{left} more days are left: run it again")
    if dry_run:
        lines.append("Nothing was written (dry run)")
    return lines


def _changed_files(result: CollectResult) -> collections.Counter[str]:
    """The files changed, by kind and how (``posts created``...), and the posts kept under
    a previous digest's own name."""
    counts: collections.Counter[str] = collections.Counter()
    for done in result.days:
        for file in done.files:
            if not file.changed:
                continue
            kind = "data files" if file.path.parts[0] == "_data" else "posts"
            counts[f"{kind} {file.status.value}"] += 1
            kept_name = kind == "posts" and DAILY_NAME.match(file.path.name)
            if kept_name and kept_name.group(2):
                counts["posts kept under their own name"] += 1
    for file in result.summaries:
        if file.changed:
            counts[f"summary files {file.status.value}"] += 1
    return counts
