"""Settings: flag > environment > ``SITE/dailypapers.toml`` > default.

Every setting has a dotted name (``author``, ``daily.top``, ``notify.webhook``...). In the
file it is a key (sections for the dotted ones); in the environment it is
``DAILYPAPERS_`` + the name in capitals with ``.`` as ``_`` (``DAILYPAPERS_DAILY_TOP``).
Values are checked as they are read; a bad one raises :class:`ConfigError` naming where it
came from. :data:`SETTINGS` is the single list the loader, ``init`` and the docs use.
"""

from __future__ import annotations

import math
import os
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dailypapers import redact
from dailypapers.dates import hour_minute, time_zone
from dailypapers.errors import ConfigError
from dailypapers.latex import MATH_MODES

CONFIG_FILE = "dailypapers.toml"
ENV_PREFIX = "DAILYPAPERS_"
LLM_API_KEY_ENV = "DAILYPAPERS_LLM_API_KEY"  # the model's key: only ever from the environment
HF_TOKEN_ENV = "HF_TOKEN"
LANGUAGES = ("ko", "en", "ja", "zh")
POST_KINDS = ("daily", "weekly", "monthly")
SUMMARY_KINDS = ("weekly", "monthly")
LINK_KINDS = ("code", "project", "comments")  # what `links` may turn on, in the order shown

# Categories follow the language unless set; the Korean ones are the original blog's.
DEFAULT_CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    language: {kind: ("Daily Papers", name) for kind, name in zip(POST_KINDS, names, strict=True)}
    for language, names in {
        "ko": ("일간", "주간", "월간"),
        "en": ("Daily", "Weekly", "Monthly"),
        "ja": ("日刊", "週刊", "月刊"),
        "zh": ("每日", "每周", "每月"),
    }.items()
}
DEFAULT_TAGS: dict[str, tuple[str, ...]] = {
    "daily": ("huggingface", "papers", "daily", "ai"),
    "weekly": ("huggingface", "papers", "weekly", "ai", "summary"),
    "monthly": ("huggingface", "papers", "monthly", "ai", "summary"),
}
DEFAULT_FILENAMES = {
    "daily": "{date}-daily-papers.md",
    "weekly": "{date}-weekly-papers-summary.md",
    "monthly": "{date}-monthly-papers-summary.md",
}
# The original blog's URLs: under Chirpy's `permalink: /posts/:title/` (and any permalink
# using :title or :slug) the slug, not the file name, makes each post's URL its own.
DEFAULT_SLUGS = {
    "daily": "daily-papers-{date}",
    "weekly": "weekly-papers-summary-{week}",
    "monthly": "monthly-papers-summary-{year}-{month}",
}
DEFAULT_TOPS = {"daily": 10, "weekly": 10, "monthly": 20}
DEFAULT_TIMES = {"daily": "09:15", "weekly": "09:00", "monthly": "09:00"}
PATTERN_FIELDS = ("date", "year", "month", "day", "week")


@dataclass(frozen=True)
class PostSettings:
    """How one kind of post (daily, weekly, monthly) is written."""

    top: int
    time: str  # HH:MM in the site's time zone
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    filename: str  # pattern, see PATTERN_FIELDS
    slug: str = ""  # pattern, see PATTERN_FIELDS; "" only in hand-made PostSettings
    permalink: str | None = None  # pattern (may also use {slug}); no permalink line when unset


@dataclass(frozen=True)
class Settings:
    author: str | None = None
    language: str = "ko"
    timezone: str = "Asia/Seoul"
    # None: the defaults for the language (categories are in the post's language)
    daily: PostSettings = None  # type: ignore[assignment]
    weekly: PostSettings = None  # type: ignore[assignment]
    monthly: PostSettings = None  # type: ignore[assignment]
    summaries: tuple[str, ...] = SUMMARY_KINDS
    run_days: int = 3
    concurrency: int = 8
    retry_budget: float = 60.0
    request_deadline: float = 30.0  # seconds for one HTTP request: connect, headers and body
    max_response_mb: int = 16  # largest HTTP answer accepted, once decompressed
    database: Path | None = None  # relative to the site; None: $DAILYPAPERS_DB or the default
    notify_webhook: str | None = None
    notify_format: str = "slack"
    notify_top: int = 5
    math: str = "raw"  # see dailypapers.latex
    # [interests]: papers marked with a star, and papers left out of posts and notifications
    interest_keywords: tuple[str, ...] = ()
    interest_organizations: tuple[str, ...] = ()
    mute: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # some of LINK_KINDS; none: the seed format
    settle_days: int = 7
    ai_summary: bool = False  # the Hub's one-line summary and keywords under each paper
    # A paper with no organization: "count" (the seed format, `·438 authors`) or "first_author"
    organization_fallback: str = "count"
    # [llm]: summaries by a language model (see dailypapers.llm); off unless both are set
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_budget: int = 30
    llm_concurrency: int = 2
    llm_timeout: float = 60.0
    # Ways to follow the papers (see dailypapers.feeds, .bibtex, .mail); all off: the seed format
    feeds: bool = False  # Atom feeds of papers and of ⭐ papers
    bibtex: bool = False  # a .bib per day and one of ⭐ papers, linked from the daily posts
    # What came of each paper (models, datasets, Spaces, code stars; see dailypapers.paperinfo),
    # asked of the Hub once when a day settles; off: the seed format
    paper_info: bool = False
    search: bool = False  # a search page over every paper of the archive (dailypapers.search_index)
    email_host: str | None = None  # [email]: a digest of new papers by SMTP (STARTTLS); off unset
    email_port: int = 587
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    email_schedule: str = "run"  # "run": after each run that has new papers

    def __post_init__(self) -> None:
        for kind in POST_KINDS:
            if getattr(self, kind) is None:
                object.__setattr__(self, kind, default_post(kind, self.language))

    def post(self, kind: str) -> PostSettings:
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}[kind]


def default_post(kind: str, language: str) -> PostSettings:
    return PostSettings(
        top=DEFAULT_TOPS[kind],
        time=DEFAULT_TIMES[kind],
        categories=DEFAULT_CATEGORIES[language][kind],
        tags=DEFAULT_TAGS[kind],
        filename=DEFAULT_FILENAMES[kind],
        slug=DEFAULT_SLUGS[kind],
    )


DEFAULT_SETTINGS = Settings()


# --- value checks: each takes the raw value (TOML value or environment string) -------------


def _int(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value

    return check


MAX_SECONDS = 3600.0  # the longest wait any setting may ask for


def _number(value: object) -> float:
    """A finite number (TOML and ``float()`` also read ``nan`` and ``inf``: a ``nan`` budget
    compares false with everything, so a ``Retry-After: 999999`` was waited out in full)."""
    try:
        number = (
            float(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else math.nan
        )
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    return number if math.isfinite(number) else math.nan


def _seconds(value: object) -> float:
    number = _number(value)
    if not 0 <= number <= MAX_SECONDS:  # false for nan
        raise ValueError(f"expected a number of seconds from 0 to {MAX_SECONDS:g}")
    return number


def _positive_seconds(value: object) -> float:
    number = _number(value)
    if not 0 < number <= MAX_SECONDS:
        raise ValueError(f"expected a number of seconds, more than 0 and at most {MAX_SECONDS:g}")
    return number


def _bool(value: object) -> bool:
    if isinstance(value, str):  # from the environment
        value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
            value.strip().lower(), value
        )
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _optional_url(value: object) -> str | None:
    text = _text(value).strip()
    if text and not re.match(r"https?://[^/\s]+", text):
        raise ValueError("expected an http:// or https:// URL")
    return text or None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _optional_text(value: object) -> str | None:
    return _text(value) or None


def _choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return str(value)

    return check


def _text_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # from the environment: comma-separated
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError("expected a list of non-empty texts")
    return tuple(value)


def _some_of(
    known: tuple[str, ...], what: str, *, nothing: tuple[str, ...] = ("",)
) -> Callable[[object], tuple[str, ...]]:
    """Some of ``known`` (a list, or comma-separated text), in the order of ``known``; a value in
    ``nothing`` turns them all off."""

    def check(value: object) -> tuple[str, ...]:
        kinds = _text_list(value) if value not in nothing else ()
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise ValueError(f"unknown {what} {unknown[0]!r}; expected some of {', '.join(known)}")
        return tuple(kind for kind in known if kind in kinds)

    return check


def _words(value: object) -> tuple[str, ...]:
    """Keywords or organization names: a list of texts, each with a letter or digit."""
    words = _text_list(value) if value != "" else ()
    blank = [word for word in words if not any(char.isalnum() for char in word)]
    if blank:
        raise ValueError(f"{blank[0]!r} has no letter or digit to match")
    return words


def _time(value: object) -> str:
    try:
        return hour_minute(_text(value))
    except ValueError:
        raise ValueError("expected a time HH:MM") from None


def _timezone(value: object) -> str:
    try:
        time_zone(_text(value))
    except ValueError:
        raise ValueError("expected an IANA time zone such as Asia/Seoul or UTC") from None
    return str(value)


def _pattern(value: object, *, fields: tuple[str, ...] = PATTERN_FIELDS, required: bool = True) -> str:
    text = _text(value)
    names = re.findall(r"{(\w*)}", text)
    unknown = [name for name in names if name not in fields]
    expected = f"expected a pattern using {{{'}, {'.join(fields)}}}"
    if unknown or (required and not names):
        raise ValueError(expected + (f", not {{{unknown[0]}}}" if unknown else ""))
    try:  # what the regular expression cannot see: "{date", "{date!r}", "{date:>9}", "{0}"...
        parts = list(string.Formatter().parse(text))
        text.format(**dict.fromkeys(fields, "x"))
    except (KeyError, IndexError, ValueError):
        parts = [("", "?", "", None)]
    if any(name is not None and (conversion or spec) for _, name, spec, conversion in parts) or any(
        name is not None and name not in fields for _, name, _, _ in parts
    ):
        raise ValueError(expected + " (write { and } only around a field name)")
    return text


def _permalink(value: object) -> str | None:
    """A permalink pattern: any URL path, with the file-name fields and {slug}."""
    return _pattern(value, fields=(*PATTERN_FIELDS, "slug"), required=False) or None


def _filename(value: object) -> str:
    text = _pattern(value)
    if "/" in text or "\\" in text or not text.endswith((".md", ".markdown", ".html")):
        raise ValueError("expected a file name (no directory) ending in .md, .markdown or .html")
    return text


def _slug(value: object) -> str:
    text = _pattern(value)
    if not re.fullmatch(r"(?:[A-Za-z0-9._-]|{\w+})+", text):
        raise ValueError("expected a pattern of letters, digits, '.', '_' and '-' (it is a URL's last part)")
    return text


def _addresses(value: object) -> tuple[str, ...]:
    """Email addresses: a list of texts (comma-separated in the environment), each one
    ``name@host`` with no space or line break (a header must not be split by one)."""
    addresses = _text_list(value) if value != "" else ()
    bad = [address for address in addresses if not re.fullmatch(r"[^@\s<>,]+@[^@\s<>,]+", address)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not an email address (name@host)")
    return addresses


def _address(value: object) -> str | None:
    addresses = _addresses(value)
    if len(addresses) > 1:
        raise ValueError("expected one email address")
    return addresses[0] if addresses else None


def _host(value: object) -> str | None:
    text = _text(value).strip()
    if text and not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", text):
        raise ValueError("expected a host name or address, such as smtp.gmail.com")
    return text or None


def _path(value: object) -> Path:
    if isinstance(value, Path):  # a command's --db
        return value
    return Path(_text(value))


URL_SETTINGS = frozenset({"llm.base_url", "notify.webhook"})


@dataclass(frozen=True)
class Setting:
    name: str  # dotted
    check: Callable[[object], object]
    help: str
    env_name: str | None = None  # when it differs from DAILYPAPERS_<NAME>

    @property
    def env(self) -> str:
        return self.env_name or ENV_PREFIX + self.name.upper().replace(".", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("author", _optional_text, "the posts' `author:` line; left out when empty"),
    Setting("language", _choice(*LANGUAGES), "language of the posts: ko, en, ja or zh"),
    Setting("timezone", _timezone, "time zone of the posts' `date:` lines"),
    *(
        setting
        for kind in POST_KINDS
        for setting in (
            Setting(f"{kind}.top", _int(1, 100), f"papers listed in a {kind} post"),
            Setting(f"{kind}.time", _time, f"time of day of a {kind} post's `date:` line"),
            Setting(f"{kind}.categories", _text_list, f"categories of a {kind} post"),
            Setting(f"{kind}.tags", _text_list, f"tags of a {kind} post"),
            Setting(f"{kind}.filename", _filename, f"file name of a {kind} post under _posts"),
            Setting(f"{kind}.slug", _slug, f"the `slug:` of a {kind} post, its URL under `/posts/:title/`"),
            Setting(f"{kind}.permalink", _permalink, f"permalink pattern of a {kind} post"),
        )
    ),
    # "none" (the README's word) or empty: no summary posts
    Setting(
        "summaries",
        _some_of(SUMMARY_KINDS, "summary", nothing=("", "none")),
        "summary posts to write: weekly, monthly, both or none",
    ),
    Setting("run_days", _int(1, 60), "days `run` refreshes, ending today (UTC)"),
    Setting("concurrency", _int(1, 64), "days fetched at once"),
    Setting("retry_budget", _seconds, "seconds a day may spend retrying a failing Hub"),
    Setting(
        "request_deadline",
        _positive_seconds,
        "seconds one HTTP request (Hub, doctor, webhook) may take in all: connect, headers and body",
    ),
    Setting("max_response_mb", _int(1, 1024), "largest HTTP answer accepted, in MB once decompressed"),
    Setting("database", _path, "the archive database (in the file: relative to the site)", "DAILYPAPERS_DB"),
    Setting(
        "math",
        _choice(*MATH_MODES),
        "LaTeX in paper text: raw (as the Hub has it), text (read as Unicode) or mathjax (typeset)",
    ),
    Setting("ai_summary", _bool, "show the Hub's one-line AI summary and keywords under each paper"),
    Setting(
        "organization_fallback",
        _choice("count", "first_author"),
        "a paper with no organization: count (its number of authors, the original format) "
        "or first_author (its first author and the number of the others)",
    ),
    Setting(
        "llm.base_url",
        _optional_url,
        "an OpenAI-compatible chat-completions server for paper summaries (with llm.model)",
    ),
    Setting("llm.model", _optional_text, "the model that writes the summaries (with llm.base_url)"),
    Setting("llm.budget", _int(0, 1000), "summaries a run may ask for, at most"),
    Setting("llm.concurrency", _int(1, 16), "summary requests at once"),
    Setting("llm.timeout", _positive_seconds, "seconds a summary request may take, in all"),
    Setting("notify.webhook", _optional_text, "Slack or Discord webhook URL for a message after `run`"),
    Setting("notify.format", _choice("slack", "discord"), "webhook message format"),
    Setting("notify.top", _int(1, 20), "papers in the notification"),
    Setting("interests.keywords", _words, "keywords that mark a paper with ⭐ (whole words, any case)"),
    Setting("interests.organizations", _words, "organizations whose papers are marked with ⭐"),
    Setting("interests.mute", _words, "keywords whose papers are left out of posts and notifications"),
    Setting("links", _some_of(LINK_KINDS, "link"), "links shown with each paper: code, project, comments"),
    Setting("settle_days", _int(1, 60), "age in days at which a day is fetched once more, then final"),
    Setting("feeds", _bool, "Atom feeds of the papers the posts show and of ⭐ papers (feeds/*.xml)"),
    Setting("bibtex", _bool, "BibTeX files: one per day (linked from its post) and one of ⭐ papers (bib/)"),
    Setting(
        "paper_info",
        _bool,
        "what came of each paper (models, datasets, Spaces, code stars), asked once when a day settles",
    ),
    Setting("search", _bool, "a search page of every paper, searched in the reader's browser (no server)"),
    Setting("email.host", _host, "SMTP server (STARTTLS) for an email of new papers after `run`; off unset"),
    Setting("email.port", _int(1, 65535), "SMTP port (the submission port, STARTTLS)"),
    Setting("email.from", _address, "the email's sender address (also the SMTP login)"),
    Setting("email.to", _addresses, "the email's recipients"),
    Setting("email.schedule", _choice("run"), "when to send: run (after a run with new papers)"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
FIELD = {
    "notify.webhook": "notify_webhook",
    "notify.format": "notify_format",
    "notify.top": "notify_top",
    "interests.keywords": "interest_keywords",
    "interests.organizations": "interest_organizations",
    "interests.mute": "mute",
    **{f"llm.{key}": f"llm_{key}" for key in ("base_url", "model", "budget", "concurrency", "timeout")},
    **{f"email.{key}": f"email_{key}" for key in ("host", "port", "from", "to", "schedule")},
}


def setting_value(settings: Settings, name: str) -> object:
    """The value ``settings`` hold for the setting ``name`` (dotted: ``author``, ``daily.top``,
    ``notify.webhook``): the one mapping of setting names to fields, with :data:`FIELD`."""
    section, _, key = name.partition(".")
    if section in POST_KINDS:
        return getattr(settings.post(section), key)
    return getattr(settings, FIELD.get(name, name))


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def read_file(path: Path) -> dict[str, object]:
    """The settings in a config file, flattened to dotted names; {} when there is no file."""
    try:
        # utf-8-sig: Windows editors save UTF-8 with a byte order mark, which TOML does not allow.
        table = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {error.object[error.start]:#04x} at offset {error.start}); "
            "it looks saved in another encoding, such as CP949 on Korean Windows: save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    flat = _flatten(table)
    for name in flat:
        if name not in BY_NAME:
            close = [known for known in BY_NAME if known.split(".")[-1] == name.split(".")[-1]]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if close and "." in name and "." not in close[0]:  # appended below a [section]
                hint = f" (did you mean {close[0]!r}? move it above the first [section])"
            raise ConfigError(f"{path}: unknown setting {name!r}{hint}")
    return flat


# Settings the generated workflow passes from a secret: `${{ secrets.X }}` is "" for a secret
# never created, which must not hide what the file says. (Elsewhere "" is a value: no links.)
FROM_SECRETS = frozenset({"notify.webhook"})


def from_environment(setting: Setting, environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` sets ``setting``."""
    value = environ.get(setting.env)
    return value is not None and (value != "" or setting.name not in FROM_SECRETS)


def load_settings(
    site: Path, flags: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings for ``site``: ``flags`` (dotted name → value, None = not given) win over
    the environment, which wins over ``SITE/dailypapers.toml``, which wins over defaults."""
    environ = os.environ if environ is None else environ
    path = site / CONFIG_FILE
    chosen: dict[str, object] = {}
    sources = (
        (read_file(path), str(path)),
        ({s.name: environ[s.env] for s in SETTINGS if from_environment(s, environ)}, "environment"),
        ({name: value for name, value in (flags or {}).items() if value is not None}, "option"),
    )
    for values, origin in sources:
        for name, value in values.items():
            setting = BY_NAME[name]
            try:
                chosen[name] = setting.check(value)
            except ValueError as error:
                where = f"${setting.env}" if origin == "environment" else origin
                label = f"--{name.replace('.', '-').replace('_', '-')}" if origin == "option" else name
                # A URL may hold a password (user:password@host, a webhook's token): not repeated.
                shown = "" if name in URL_SETTINGS else f" = {value!r}"
                raise ConfigError(f"{where}: {label}{shown}: {error}") from None
            if name == "database" and origin == str(path):
                chosen[name] = site / _path(chosen[name])
    settings = build_settings(chosen)
    remember_secrets(settings, environ)
    return settings


def remember_secrets(settings: Settings, environ: Mapping[str, str]) -> None:
    """Tell :mod:`dailypapers.redact` the secrets these settings and ``environ`` hold: the
    model's key, the Hugging Face token, the webhook URL (its path is its token) and any
    credential, query or fragment in the model's URL. No way out shows them from then on."""
    redact.remember(environ.get(LLM_API_KEY_ENV), environ.get(HF_TOKEN_ENV))
    redact.remember_url(settings.notify_webhook, whole=True)
    redact.remember_url(settings.llm_base_url)


def build_settings(values: Mapping[str, object]) -> Settings:
    """Settings from checked values by dotted name; the rest are defaults for the language."""
    language = _text(values.get("language", "ko"))
    # Each value passed its setting's check, which returns the field's type (TOML enters here).
    posts: dict[str, Any] = {}
    for kind in POST_KINDS:
        post = default_post(kind, language)
        changes: dict[str, Any] = {
            name.split(".", 1)[1]: value for name, value in values.items() if name.startswith(f"{kind}.")
        }
        posts[kind] = replace(post, **changes)
    top_level: dict[str, Any] = {
        FIELD.get(name, name): value for name, value in values.items() if name.split(".")[0] not in POST_KINDS
    }
    return Settings(**top_level, **posts)
