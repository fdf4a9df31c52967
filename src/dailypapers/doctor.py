"""``dailypapers doctor``: check a site, its archive, its posts and the Hub; say what to fix.

Every check returns :class:`Finding` objects (ok, warn or fail, and a fix). "fail" is
something broken that the next scheduled run will not repair by itself (a corrupt archive,
a data file with no post, a Hub that cannot be reached); "warn" is worth a look. Nothing
is written: the archive is read through an in-memory copy and posts are rendered in a dry
run. No check ever prints a token.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dailypapers.dates import date_of
from dailypapers.errors import DailyPapersError, explain_os_error

if TYPE_CHECKING:  # imported where used: `doctor --help` stays light
    from dailypapers.config import Settings
    from dailypapers.pages import DeployWorkflow
    from dailypapers.permalinks import Post
    from dailypapers.store import Store

HUB_TIMEOUT = 5.0
# The user-info part of any URL in a finding ("https://user:token@host"), masked.
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
SHOWN = 5  # days named in a finding before "and N more"


class Level(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.level.value:<4}  {self.check}: {self.message}"
        text += f"\n      fix: {self.fix}" if self.fix else ""
        return _CREDENTIALS.sub(r"\1***@", text)  # whatever a message quotes: HF_ENDPOINT, a redirect


def _days(days: Iterable[str]) -> str:
    days = sorted(days)
    more = f" and {len(days) - SHOWN} more" if len(days) > SHOWN else ""
    return ", ".join(days[:SHOWN]) + more


def diagnose(site: Path, flags: Mapping[str, object] | None = None) -> list[Finding]:
    """Every check, in order; ``flags`` are settings given on the command line."""
    if not site.is_dir():
        return [Finding(Level.FAIL, "site", f"{site} is not a directory", "pass the blog with --site DIR")]
    findings = [_check_jekyll(site)]
    try:
        from dailypapers.config import load_settings

        settings = load_settings(site, flags or {})
    except DailyPapersError as error:
        findings.append(Finding(Level.FAIL, "settings", str(error), "fix the setting it names"))
        settings = None
    if settings is not None:
        findings += _check_archive_and_posts(site, settings)
        findings += _check_feeds(site, settings)
    findings += _check_urls(site)
    findings += _check_writers(site)
    findings += _check_pages_deploy(site)
    findings += [_check_temp_files(site), _check_lock(site)]
    findings += check_hub()
    return findings


def _check_jekyll(site: Path) -> Finding:
    if (site / "_config.yml").is_file():
        from dailypapers.config import CONFIG_FILE
        from dailypapers.jekyll import publishes, read_site_config_checked

        try:
            config, ignored = read_site_config_checked(site) or ({}, [])
        except DailyPapersError:
            config, ignored = {}, []  # the urls check names it
        if (site / CONFIG_FILE).is_file() and publishes(config, CONFIG_FILE):
            return Finding(
                Level.WARN,
                "site",
                f"Jekyll publishes {CONFIG_FILE} with the site (at /{CONFIG_FILE})",
                f"add {CONFIG_FILE} to `exclude:` in _config.yml",
            )
        if ignored:
            fix = "give those keys their type in _config.yml"
            return Finding(Level.WARN, "site", "; ".join(ignored), fix)
        return Finding(Level.OK, "site", f"{site} is a Jekyll site (_config.yml)")
    return Finding(
        Level.WARN,
        "site",
        f"{site} has no _config.yml, so it does not look like a Jekyll site",
        "run dailypapers in the blog's directory or pass it with --site",
    )


def _check_archive_and_posts(site: Path, settings: Settings) -> list[Finding]:
    from dailypapers.paths import site_data_files
    from dailypapers.store import Store, resolve_db_path

    path = resolve_db_path(site, settings.database)
    data_days, unreadable, warnings = _data_days(site_data_files(site))
    findings = _check_summary_files(site) + _data_file_findings(warnings, unreadable)
    if not path.exists():
        hint = "any command rebuilds it from the data files" if data_days else "`dailypapers run` creates it"
        findings.append(Finding(Level.WARN, "archive", f"there is no archive at {path}", hint))
        return findings + _check_pairs(site, settings, data_days, stored=set(), differing={})
    try:
        store = Store.scratch_copy(path)
    except DailyPapersError as error:
        return [*findings, _damaged(site, path, getattr(error, "reason", str(error)))]
    with store:
        try:
            errors = store.integrity_errors()
        except sqlite3.DatabaseError as error:
            errors = [str(error)]
        if errors:
            return [*findings, _damaged(site, path, errors[0])]
        findings.append(_archive_completeness(site, store, path))
        stored = set(store.stored_days())
        differing, cause = _compare_posts(site, store, settings, sorted(stored), findings)
    return findings + _check_pairs(site, settings, data_days, stored, differing, cause)


def _data_file_findings(warnings: Sequence[str], unreadable: dict[str, str]) -> list[Finding]:
    """Data files with values left out when read, and those that cannot be read at all."""
    findings = []
    if warnings:
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        findings.append(
            Finding(
                Level.WARN,
                "data files",
                f"values of the wrong type are left out when they are read: {warnings[0]}{more}",
                "`dailypapers render --all` writes the days the archive holds again without them",
            )
        )
    if unreadable:
        findings.append(
            Finding(
                Level.FAIL,
                "data files",
                f"{len(unreadable)} daily data files cannot be read: {_unreadable(unreadable)}",
                "restore them from git (`git checkout -- _data/papers/NAME`) or fix them; until then "
                "commands exit with status 1 when the archive lacks their papers, and leave their "
                "posts, weeks and months as they are. One whose day the archive holds complete is "
                "written again by `dailypapers render --all`",
            )
        )
    return findings


def _archive_completeness(site: Path, store: Store, path: Path) -> Finding:
    """Whether the archive (a scratch copy of it, in ``store``) holds every data file's days
    and papers: it is completed on that copy, as a writing command would before writing."""
    from dailypapers.archive import complete_from_data_files

    stored = set(store.stored_days())
    behind = complete_from_data_files(site, store)
    if not behind:
        return Finding(Level.OK, "archive", f"{path}: {len(stored)} days, integrity ok")
    what = "is empty" if not stored else f"holds {len(stored)} days"
    return Finding(
        Level.FAIL,
        "archive",
        f"{path} {what}: it lacks days or papers of {len(behind)} data files: {_days(behind)}",
        f"`dailypapers import --site {site}` completes it from the data files (every writing "
        "command also does before it writes anything)",
    )


def _compare_posts(
    site: Path, store: Store, settings: Settings, days: list[str], findings: list[Finding]
) -> tuple[dict[str, str], str | None]:
    """The files of ``days`` that differ from what ``render`` writes, and the likely cause.
    The posts are checked apart: a broken ``_posts`` is not the archive's fault (a finding)."""
    try:
        return _render_differences(site, store, settings, days), _drift_cause(site, store, settings)
    except (DailyPapersError, OSError) as error:
        message = str(error) if isinstance(error, DailyPapersError) else explain_os_error(error)
        findings.append(
            Finding(
                Level.FAIL,
                "posts",
                f"cannot compare the posts with the archive: {message}",
                "fix what it names; the archive is not at fault",
            )
        )
        return {}, None


def _damaged(site: Path, path: Path, reason: str) -> Finding:
    """A damaged archive, with fixes that keep its upvote history (never "delete it")."""
    first_line = next((line for line in reason.splitlines() if line and not line.startswith("***")), reason)
    return Finding(
        Level.FAIL,
        "archive",
        f"{path} is damaged: {first_line}",
        f"a committed archive: `git checkout -- {path}` brings back the last good one; or recover what "
        f"it holds with `sqlite3 {path} .recover | sqlite3 {path}.recovered` and put that in its place. "
        f"Otherwise the next run keeps it as {path.name}.damaged-TIME and rebuilds the archive from the "
        "data files (the upvote history stays in the kept file)",
    )


def _data_days(files: list[Path]) -> tuple[set[str], dict[str, str], list[str]]:
    """The days of the daily data files (readable or not: each stands for its post), why each
    one that does not read does not (by name), and the fields left out of those that do."""
    from dailypapers.datafile import DataFileError, day_of, read_daily

    days, unreadable, warnings = set(), {}, []
    for path in files:
        try:
            daily = read_daily(path)
            days.add(daily.day)
            warnings += daily.warnings
        except DataFileError as error:
            unreadable[path.name] = error.reason
            if (day := day_of(path)) is not None:
                days.add(day)
    return days, unreadable, warnings


def _check_summary_files(site: Path) -> list[Finding]:
    """Weekly and monthly data files that cannot be read: the archive rewrites them, but an
    archive rebuilt meanwhile would not know the days they list as empty."""
    from dailypapers.datafile import SUMMARY_GLOBS, DataFileError, empty_days
    from dailypapers.paths import DATA_DIR

    unreadable = {}
    for path in sorted(p for pattern in SUMMARY_GLOBS for p in (site / DATA_DIR).glob(pattern)):
        try:
            empty_days(path)
        except DataFileError as error:
            unreadable[path.name] = error.reason
    if not unreadable:
        return []
    return [
        Finding(
            Level.WARN,
            "data files",
            f"{len(unreadable)} weekly or monthly data files cannot be read: {_unreadable(unreadable)}",
            "`dailypapers render --all` writes them again from the archive",
        )
    ]


def _unreadable(files: dict[str, str]) -> str:
    names = sorted(files)
    more = f"; and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return "; ".join(f"{name} ({files[name]})" for name in names[:SHOWN]) + more


def _render_differences(site: Path, store: Store, settings: Settings, days: list[str]) -> dict[str, str]:
    """The files `render --all` would write differently (``missing`` or ``differs``), by path:
    the stored days' posts and data files, their weeks' and months' (as of the date the site
    was last written: a week that has ended since is the next run's to rewrite, not a fault)."""
    from dailypapers.dates import utc_now
    from dailypapers.pipeline import publish_stored
    from dailypapers.site import Site
    from dailypapers.write import DryRunWriter, Status

    last = store.render_mark("today")
    today = date_of(last) if last else utc_now().date()
    context = Site(site, settings, store, DryRunWriter(site))
    return {
        file.path.as_posix(): "missing" if file.status is Status.CREATED else "differs"
        for file in publish_stored(context, days, today=today)
        if file.changed
    }


def _drift_cause(site: Path, store: Store, settings: Settings) -> str | None:
    """Why written files differ from the archive: ``settings`` (the settings or templates
    changed since the last full render), ``hand`` (they did not: the files were edited), or
    None when the archive does not know what the site was last rendered with."""
    from dailypapers.pipeline import FINGERPRINT
    from dailypapers.render import output_fingerprint

    recorded = store.render_mark(FINGERPRINT)
    if recorded is None:
        return None
    return "hand" if recorded == output_fingerprint(site, settings) else "settings"


_DAILY_FILE = re.compile(r"^(?:_posts/|_data/papers/daily-)(\d{4}-\d{2}-\d{2})(?:-daily-papers|\.json)")


def _daily_file_day(path: str) -> str | None:
    """The day of a daily post or data file (by its path in the site), else None."""
    matched = _DAILY_FILE.match(path)
    return matched.group(1) if matched else None


def _check_pairs(
    site: Path,
    settings: Settings,
    data_days: set[str],
    stored: set[str],
    differing: dict[str, str],
    cause: str | None = None,
) -> list[Finding]:
    from dailypapers.placement import foreign_days

    post_days = _post_days(site, settings, data_days)
    # A previous digest's posts and data files are kept as they are until update-history.
    previous_days = set(foreign_days(site))
    findings = _unpaired(data_days, post_days, stored, previous_days) + _drifted(
        differing, cause, previous_days
    )
    if not findings:
        findings.append(Finding(Level.OK, "posts", f"{len(post_days)} daily posts match their data files"))
    return findings


def _post_days(site: Path, settings: Settings, data_days: set[str]) -> set[str]:
    """The days with a daily post in ``_posts``, under this tool's name or a previous digest's."""
    from dailypapers.paths import post_path
    from dailypapers.placement import existing_legacy

    post_days = set()
    # Another digest's names for a day's post (DATE-daily-papers-<number>.md) are its post too.
    legacy = {day: {path.name for path in existing_legacy(site, day, settings)} for day in data_days}
    for post in (site / "_posts").glob("*"):
        try:
            day = date_of(post.name[:10]).isoformat()
        except ValueError:
            continue
        if post_path("daily", day, settings).name == post.name or post.name in legacy.get(day, ()):
            post_days.add(day)
    return post_days


def _unpaired(
    data_days: set[str], post_days: set[str], stored: set[str], previous_days: set[str]
) -> list[Finding]:
    """Data files without a post (a previous digest's apart) and posts without a data file."""
    findings = []
    without_post = data_days - post_days
    # A previous digest's data file with no post: so it was before dailypapers, nothing broke.
    theirs = without_post & previous_days
    without_post -= theirs
    if theirs:
        findings.append(
            Finding(
                Level.WARN,
                "posts",
                f"{len(theirs)} data files of a previous digest have no post: {_days(theirs)}",
                "`dailypapers update-history` writes their posts (preview it with --dry-run)",
            )
        )
    if without_post:
        in_archive = without_post <= stored
        findings.append(
            Finding(
                Level.FAIL,
                "posts",
                f"{len(without_post)} data files have no post: {_days(without_post)}",
                "`dailypapers render --all` writes them"
                if in_archive
                else "`dailypapers import`, then `dailypapers render --all`",
            )
        )
    without_data = post_days - data_days
    if without_data:
        findings.append(
            Finding(
                Level.WARN,
                "posts",
                f"{len(without_data)} daily posts have no data file: {_days(without_data)}",
                "`dailypapers render --all` writes those in the archive; "
                "`dailypapers backfill --since D --until D` fetches the others",
            )
        )
    return findings


def _drifted(differing: dict[str, str], cause: str | None, previous_days: set[str]) -> list[Finding]:
    """Files that differ from what ``render`` writes now: a previous digest's (kept as they
    are), and the others, with the likely ``cause``."""
    findings = []
    changed = sorted(path for path, how in differing.items() if how == "differs")
    previous = [path for path in changed if _daily_file_day(path) in previous_days]
    changed = [path for path in changed if path not in previous]
    if previous:
        days = {_daily_file_day(path) for path in previous}
        findings.append(
            Finding(
                Level.OK,
                "posts",
                f"{len(days)} days' posts and data files are a previous digest's, kept as they are "
                "(`dailypapers update-history --dry-run` previews bringing them up to date)",
            )
        )
    if changed:
        findings.append(
            Finding(
                Level.WARN,
                "posts",
                f"{len(changed)} files differ from what `render` writes now{_DRIFT[cause][0]}: "
                + _days(changed),
                _DRIFT[cause][1],
            )
        )
    return findings


# Why files differ from the archive (see _drift_cause), and what to do about it.
_DRIFT: dict[str | None, tuple[str, str]] = {
    "hand": (
        ", edited by hand (the settings and templates are those of the last full render)",
        "`dailypapers render --all` writes them again from the archive; to change what posts "
        "show, change the templates or settings instead",
    ),
    "settings": (
        ", after a template or setting change since the last full render",
        "`dailypapers render --all` rewrites them with the current templates and settings",
    ),
    None: (
        "",
        "`dailypapers render --all` rewrites them (after a template or setting change, "
        "or if they were edited by hand and should not be)",
    ),
}


def _check_urls(site: Path) -> list[Finding]:
    """Posts that would share a URL (Jekyll keeps one of them) or not be built at all."""
    from dailypapers.dates import utc_now
    from dailypapers.jekyll import read_site_config
    from dailypapers.permalinks import destination, site_posts

    try:
        config = read_site_config(site)
    except DailyPapersError as error:
        return [Finding(Level.FAIL, "urls", str(error), "fix _config.yml: Jekyll cannot build the site")]
    if config is None:
        return []
    posts = site_posts(site, config, utc_now())
    by_destination: dict[str, list[str]] = {}
    for post in posts:
        if post.url is not None:
            by_destination.setdefault(destination(post.url), []).append(post.path)
    shared = {place: paths for place, paths in by_destination.items() if len(paths) > 1}
    findings = _previous_digest_collisions(site, shared)
    findings.append(_shared_urls(shared, len(by_destination)))
    skipped = [post for post in posts if post.url is None]
    if skipped:
        findings.append(_not_built(skipped))
    return findings


def _shared_urls(shared: dict[str, list[str]], posts: int) -> Finding:
    """The posts lost to a URL another post has (``shared``: URL -> posts), or all is well."""
    if not shared:
        return Finding(Level.OK, "urls", f"{posts} posts, each at its own URL")
    lost = sum(len(paths) - 1 for paths in shared.values())
    examples = "; ".join(
        f"{place} ({Path(paths[0]).name} and {len(paths) - 1} more)"
        for place, paths in sorted(shared.items())[:3]
    )
    return Finding(
        Level.FAIL,
        "urls",
        f"{lost} posts would be lost: posts share a URL and Jekyll keeps one of each: {examples}",
        "each post needs its own URL: `dailypapers render --all` writes every post's `slug:`; "
        "the site's `permalink` must use :title, :slug or the date",
    )


def _not_built(skipped: Sequence[Post]) -> Finding:
    """The files in ``_posts`` Jekyll would skip, and why (the first few)."""
    shown = "; ".join(f"{Path(post.path).name}: {post.skipped}" for post in skipped[:SHOWN])
    more = f"; and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else ""
    future = any("future" in post.skipped for post in skipped)
    return Finding(
        Level.WARN,
        "urls",
        f"{len(skipped)} files in _posts would not be built: {shown}{more}",
        "add `future: true` to _config.yml to build posts dated later than the build"
        if future
        else "fix them as said: Jekyll builds `_posts/YYYY-MM-DD-name.md` with front matter",
    )


def _previous_digest_collisions(site: Path, shared: dict[str, list[str]]) -> list[Finding]:
    """URLs shared only by posts of days a previous digest wrote (their data files are in its
    format): so already on the published blog, not made by this tool; taken out of ``shared``
    and reported as a warning."""
    from dailypapers.placement import foreign_days

    previous = set(foreign_days(site))
    theirs = {
        place: paths
        for place, paths in shared.items()
        if all(Path(path).name[:10] in previous for path in paths)
    }
    for place in theirs:
        del shared[place]
    if not theirs:
        return []
    count = sum(len(paths) for paths in theirs.values())
    places = ", ".join(sorted(place.removesuffix("index.html") for place in theirs)[:3])
    return [
        Finding(
            Level.WARN,
            "urls",
            f"{count} posts of a previous digest share {places}, so the published blog shows one of them "
            "there (as it did before dailypapers)",
            "each post it updates gets its own URL; `dailypapers update-history --dry-run` previews doing "
            "it for every day",
        )
    ]


def _check_writers(site: Path) -> list[Finding]:
    """Two scheduled workflows writing the same posts would overwrite each other's posts."""
    from dailypapers.adopt import writers
    from dailypapers.pages import OWN_WORKFLOW

    found = writers(site)
    others = [path for path in found if path != OWN_WORKFLOW]
    if len(found) > 1:
        return [
            Finding(
                Level.FAIL,
                "writers",
                f"{len(found)} workflows write the posts on a schedule: {', '.join(map(str, found))}; "
                "each overwrites the other's posts and both commit and deploy",
                "`dailypapers init --retire-crawler` removes the other's schedule",
            )
        ]
    if others:
        return [
            Finding(
                Level.WARN,
                "writers",
                f"{others[0]} (a previous digest) writes the posts on a schedule; dailypapers does not",
                "`dailypapers init --retire-crawler` retires it and schedules dailypapers",
            )
        ]
    if found:
        return [Finding(Level.OK, "writers", f"one workflow writes the posts: {found[0]}")]
    return []


def _check_pages_deploy(site: Path) -> list[Finding]:
    """A Pages deploy workflow that the scheduled run would not start (issue: a push made
    with a workflow's token starts no other workflow)."""
    from dailypapers.pages import OWN_WORKFLOW, deploy_workflows

    unread: list[str] = []
    deploys = deploy_workflows(site, unread)
    not_read = [
        Finding(
            Level.WARN,
            "deploy",
            f"{OWN_WORKFLOW.parent}/{entry}: if it deploys the site, the scheduled run does not start it",
            "make it a valid workflow under 256 KB, then move the generated workflow aside "
            "and run `dailypapers init`",
        )
        for entry in unread
    ]
    return not_read + _check_deploys(site, deploys)


def _check_deploys(site: Path, deploys: list[DeployWorkflow]) -> list[Finding]:
    from dailypapers.bounded import read_capped
    from dailypapers.pages import OWN_WORKFLOW, dispatched_workflows, grants_actions_write

    own = site / OWN_WORKFLOW
    if not own.is_file():
        if deploys:
            return [
                Finding(
                    Level.WARN,
                    "deploy",
                    f"no {OWN_WORKFLOW}: nothing runs on a schedule",
                    "`dailypapers init`",
                )
            ]
        return []
    try:
        text = read_capped(own).decode("utf-8", errors="replace")
    except OSError as error:
        return [
            Finding(Level.FAIL, "deploy", f"{OWN_WORKFLOW}: {explain_os_error(error)}", "`dailypapers init`")
        ]
    started = dispatched_workflows(text)
    problems = []
    for deploy in deploys:
        if deploy.file not in started:
            problems.append(f"{deploy.file} deploys the site but {OWN_WORKFLOW.name} does not start it")
        elif not deploy.dispatchable:
            problems.append(f"{deploy.file} has no `workflow_dispatch` trigger, so it cannot be started")
    names = {deploy.file for deploy in deploys}
    problems += [
        f"{OWN_WORKFLOW.name} starts {name}, which is not a deploy workflow here" for name in started - names
    ]
    if started and not grants_actions_write(text):
        problems.append(f"{OWN_WORKFLOW.name} lacks `permissions: actions: write` to start a workflow")
    if problems:
        return [
            Finding(
                Level.FAIL,
                "deploy",
                "; ".join(problems) + ": the scheduled run's posts would not be published",
                f"move {OWN_WORKFLOW} aside and run `dailypapers init` again (it starts every deploy "
                "workflow it finds); a deploy workflow needs `workflow_dispatch:` in its `on:`",
            )
        ]
    if deploys:
        names_text = ", ".join(sorted(names))
        return [Finding(Level.OK, "deploy", f"the scheduled run starts {names_text} after each push")]
    return [Finding(Level.OK, "deploy", "no Actions deploy workflow: GitHub Pages builds the pushed branch")]


def _check_feeds(site: Path, settings: Settings) -> list[Finding]:
    """With feeds on: the site's ``url``, without which their ids and links are relative."""
    if not settings.feeds:
        return []
    from dailypapers.feeds import site_base

    base = site_base(site)
    if re.match(r"https?://[^/]+", base):
        return [Finding(Level.OK, "feeds", f"feed ids and links start with {base}/")]
    return [
        Finding(
            Level.WARN,
            "feeds",
            "_config.yml has no `url`: the feeds' ids and links are relative, which feed readers "
            "cannot follow or tell apart from another site's",
            'set `url:` in _config.yml (e.g. "https://USER.github.io"), then `dailypapers render --all`',
        )
    ]


def _check_temp_files(site: Path) -> Finding:
    from dailypapers.write import stale_temp_files

    leftovers = stale_temp_files(site, older_than=time.time())
    if not leftovers:
        return Finding(Level.OK, "temporary files", "none left over")
    names = ", ".join(str(path.relative_to(site)) for path in leftovers[:SHOWN])
    return Finding(
        Level.WARN,
        "temporary files",
        f"{len(leftovers)} left by an interrupted write: {names}",
        "the next run, backfill, render or import removes them (they are hidden from Jekyll meanwhile)",
    )


def _check_lock(site: Path) -> Finding:
    from dailypapers.lock import lock_holder

    holder = lock_holder(site)
    if holder is None:
        return Finding(Level.OK, "lock", "no run is writing to the site")
    return Finding(
        Level.WARN,
        "lock",
        f"a dailypapers run ({holder}) is writing to the site right now",
        "wait for it to finish; other writing commands wait for it too",
    )


def check_hub(environ: Mapping[str, str] = os.environ) -> list[Finding]:
    """One request to the Hub (within HUB_TIMEOUT in all), and whether a token is set (never
    what it is). The endpoint is shown with any credentials in it masked."""
    from dailypapers.http import mask_url
    from dailypapers.hub import HubClient, RetryPolicy

    endpoint = mask_url(environ.get("HF_ENDPOINT") or "")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    started = time.monotonic()
    try:
        client = HubClient(
            environ.get("HF_ENDPOINT") or None,
            deadline=HUB_TIMEOUT,
            timeout=HUB_TIMEOUT,
            retry=RetryPolicy(attempts=1),
        )
        endpoint = mask_url(client.endpoint)
        client.ping(today)
    except DailyPapersError as error:
        reached = Finding(
            Level.FAIL,
            "hub",
            f"{endpoint or 'HF_ENDPOINT'}: {str(error).removeprefix(f'{today}: ')}",
            "check the network and HF_ENDPOINT (and HF_TOKEN if it says 401 or 403)",
        )
    else:
        elapsed = (time.monotonic() - started) * 1000
        reached = Finding(Level.OK, "hub", f"{endpoint} answered in {elapsed:.0f} ms")
    if environ.get("HF_TOKEN"):
        token = "HF_TOKEN is set and sent (its value is never shown)"
    else:
        token = "HF_TOKEN is not set: requests are anonymous (enough for daily papers) or use a saved login"
    return [reached, Finding(Level.OK, "token", token)]
