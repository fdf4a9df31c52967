"""The site's data files: ``_data/papers/daily-YYYY-MM-DD.json`` (every paper of a day),
written and read here, and the text of every data file (:func:`to_json`); the weekly and
monthly ones (``summary.summary_data``) are read for the days they list as empty.

Two daily formats are read: ours (:func:`daily_data`) and the original crawler's
(``shared/original/daily-2026-02-05.json``: no ids, upvotes as ``likes``, and scraping junk
glued to the ``institution``), so a site made by the original crawler migrates in one command.

A data file is committed and published: a hand edit, a bad merge or a cut copy may have
damaged it, so it is read with bounds and every value checked:

- the file: a regular file (not a link, a directory or a device) of at most
  :data:`MAX_BYTES`, UTF-8 (a byte order mark is allowed), JSON (``NaN`` and ``Infinity``
  refused, nesting no deeper than Python's parser goes);
- the day: an object whose ``date`` is the day its name gives and whose ``papers`` is a
  list of at most :data:`MAX_PAPERS`, of ``total_papers`` entries when it says how many;
- each paper: an object with a valid id, a title and counts (upvotes, comments) within
  :data:`~dailypapers.models.MAX_COUNT`, listed once. Anything else makes the whole file
  unreadable (:class:`DataFileError`): a day read without one of its papers would be
  published smaller;
- every other field is read as the type it must be: a bad one (or a bad item of a list) is
  left out, with a warning naming the file and the paper. Unpaired UTF-16 surrogates
  (``"\\ud800"``, which no file can hold) become U+FFFD, with a warning.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.dates import parse_day
from dailypapers.errors import ConfigError, SiteError
from dailypapers.escape import yaml_safe_json
from dailypapers.models import (
    MAX_COUNT,
    Organization,
    Paper,
    PaperInfo,
    collapse_whitespace,
    is_safe_id,
    rank,
)
from dailypapers.paperinfo import BadInfo, strict_count

# Far above any real day (the biggest recorded day's file is under 1 MB), far below what
# would make reading one a problem.
MAX_BYTES = 32 * 1024 * 1024
# Papers in a day: the Hub lists a few hundred at most; a file of more is not a day's (storing
# and ranking a million would take minutes and gigabytes).
MAX_PAPERS = 10_000
# Positions in a day's list: far above any real day, and a small integer for SQLite.
MAX_HUB_ORDER = 1_000_000


class DataFileError(SiteError):
    """A data file that cannot be read; ``reason`` says why, the message names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name} cannot be read: {reason}")


@dataclass
class DailyFile:
    """What a daily data file holds, read and checked."""

    day: str
    papers: list[Paper]  # in the Hub's order
    crawled_at: str
    model_summaries: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # each names the file (and the paper)
    paper_info: dict[str, PaperInfo] = field(default_factory=dict)  # by paper id
    final: bool = False  # fetched again once settled (the archive's fetch time is not in the file)


# --- writing ----------------------------------------------------------------------------


def paper_record(paper: Paper, hub_order: int) -> dict[str, object]:
    """One paper in the data file: the original system's keys first, then every field."""
    record: dict[str, object] = {
        "title": paper.title,
        "url": paper.hf_url,
        "published": paper.published_at,
        "likes": paper.upvotes,
        "institution": paper.institution,
        "paper_link": paper.arxiv_url,
    }
    code_link = paper.github_repo or paper.project_page
    if code_link:
        record["code_link"] = code_link
    record["abstract"] = paper.summary
    fields = asdict(paper)
    del fields["summary"]  # already there as "abstract"; an abstract is the largest field
    fields["authors"] = list(paper.authors)
    fields["ai_keywords"] = list(paper.ai_keywords)
    record.update(fields)
    record["hub_order"] = hub_order
    return record


def daily_data(
    day: str,
    papers: Sequence[Paper],
    *,
    crawled_at: str,
    final: bool = False,
    model_summaries: Sequence[Mapping[str, str]] = (),
    paper_info: Mapping[str, PaperInfo] | None = None,
) -> dict[str, object]:
    """The data file's content for ``day``: every paper, ranked, with its place in the Hub's list.

    ``final``: the day was fetched again once settled (see :mod:`dailypapers.settle`);
    ``model_summaries``: the language-model summaries stored for its papers (the key is left
    out when there are none), so that an archive rebuilt from the data files keeps them;
    ``paper_info``: what came of its papers, observed when it settled (the same way).
    """
    order = {paper.id: position for position, paper in enumerate(papers)}
    ranked = rank(papers)
    data: dict[str, object] = {
        "date": day,
        "crawled_at": crawled_at,
        "final": final,
        "total_papers": len(ranked),
        "papers": [paper_record(paper, order[paper.id]) for paper in ranked],
    }
    if model_summaries:
        data["model_summaries"] = [dict(record) for record in model_summaries]
    if paper_info:
        data["paper_info"] = [paper_info[paper_id].as_json(paper_id) for paper_id in sorted(paper_info)]
    return data


def content_hash(day: str, papers: Sequence[Paper]) -> str:
    """A day's content (its data file without the crawl time): unchanged days are not rewritten."""
    body = to_json(daily_data(day, papers, crawled_at=""))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def to_json(data: dict[str, object]) -> str:
    """A data file's text: JSON that Jekyll's YAML reader also reads as the same data."""
    return yaml_safe_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


# --- the file ---------------------------------------------------------------------------


def _open_regular(path: Path) -> int:
    """A descriptor of ``path`` if it is a regular file; never through a link, never blocking
    on a pipe or a device."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise DataFileError(path, "it is a symbolic link (none is followed in the site)") from None
        raise DataFileError(path, error.strerror or str(error)) from None
    kind = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(kind):
        os.close(descriptor)
        what = "a directory" if stat.S_ISDIR(kind) else "not a regular file"
        raise DataFileError(path, f"it is {what}")
    return descriptor


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a data file, at most ``limit`` of them (a larger file is an error)."""
    descriptor = _open_regular(path)
    try:
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise DataFileError(path, error.strerror or str(error)) from None
    if len(data) > limit:
        raise DataFileError(path, f"it is larger than {limit // (1024 * 1024)} MB")
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json(path: Path) -> Any:
    """A data file's JSON value, read with bounds; :class:`DataFileError` if it is not one."""
    return _parse(path, _read_text(path))


def _read_text(path: Path) -> str:
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")  # a byte order mark is allowed, as Jekyll allows it
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"it is not UTF-8 text (byte {error.start})") from None
    if not text or text.isspace():  # (isspace stops at the first other character)
        raise DataFileError(path, "it is empty")
    return text


def _parse(path: Path, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise DataFileError(path, "it is nested too deeply to be read") from None
    except ValueError as error:  # invalid JSON, NaN, numbers of thousands of digits
        raise DataFileError(path, f"it is not valid JSON ({str(error)[:100]})") from None


# How many papers a data file lists, read from its head: both formats write it third.
_TOTAL_PAPERS = re.compile(rb'"total_papers":\s*(\d{1,12})')


def listed_count(path: Path) -> int:
    """The ``total_papers`` a daily data file gives in its first bytes; 0 when it gives none or
    cannot be opened (then reading it says why)."""
    try:
        descriptor = _open_regular(path)
    except DataFileError:
        return 0
    try:
        with os.fdopen(descriptor, "rb") as handle:
            match = _TOTAL_PAPERS.search(handle.read(512))
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def as_day(text: str) -> str | None:
    """``text`` if it is a day in the form YYYY-MM-DD (in the years the tool handles), else None."""
    try:
        return parse_day(text)
    except ConfigError:
        return None


def day_of(path: Path) -> str | None:
    """The day a daily data file's name gives (``daily-2026-02-05.json``), or None."""
    return as_day(path.stem.removeprefix("daily-"))


# --- values ----------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
# Valid UTF-8 holds no surrogate: JSON text has one only if it escapes one (\ud83d\ude00, a
# pair, reads as one character; checking each value is then needed to find a lone one).
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


class _BadPaper(ValueError):
    """A paper that cannot be read: the file is unreadable."""


class _Fields:
    """The fields of one record, each read as the type it must be. A bad optional field is
    left out with a warning naming the file and the paper."""

    def __init__(
        self,
        record: Mapping[str, object],
        where: str,
        warnings: list[str],
        paper: str = "",
        *,
        surrogates: bool = True,
    ) -> None:
        self.record = record
        self.where = where  # the file, and the paper
        self.warnings = warnings
        self.paper = paper
        self.surrogates = surrogates  # False: the file has none, no text needs a look

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.where}: {message}")

    def clean(self, value: str, name: str) -> str:
        if self.surrogates and _SURROGATES.search(value):
            self.warn(f"{name} holds an unpaired UTF-16 surrogate, replaced by U+FFFD")
            return _SURROGATES.sub("\ufffd", value)
        return value

    def text(self, name: str, key: str | None = None) -> str | None:
        """A text field; None when missing, null or not text (with a warning)."""
        value = self.record.get(key or name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.warn(f"{name} is {_kind(value)}, not text; left out")
            return None
        return self.clean(value, name)

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of texts; an item that is not text is left out (with a warning)."""
        value = self.record.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.warn(f"{name} is {_kind(value)}, not a list; left out")
            return ()
        items = []
        for position, item in enumerate(value, 1):
            if isinstance(item, str):
                items.append(self.clean(item, f"{name} item {position}"))
            else:
                self.warn(f"{name} item {position} is {_kind(item)}, not text; left out")
        return tuple(items)

    def count(self, name: str, key: str | None = None, *, required: bool = True) -> int | None:
        """A count within MAX_COUNT: missing or null is 0 (None if not ``required``); anything
        else makes the paper unreadable when ``required``, else is left out."""
        value = self.record.get(key or name)
        if value is None:
            return 0 if required else None
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        if number is not None and 0 <= number <= MAX_COUNT:
            return number
        problem = f"{key or name} is {_shown(value)}, not a count from 0 to {MAX_COUNT:,}"
        if required:
            raise _BadPaper(f"paper {self.paper}: {problem}")
        self.warn(problem + "; left out")
        return None


def _shown(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        return text if len(text) <= 30 else f"a number of {len(text)} digits"
    return _kind(value)


# --- daily data files -------------------------------------------------------------------


def read_daily(path: Path) -> DailyFile:
    """The day, papers and crawl time of a daily data file (either format), checked as the
    module says; :class:`DataFileError` naming the file if it cannot be read."""
    text = _read_text(path)
    try:
        return daily_from_json(_parse(path, text), path, surrogates=bool(_ESCAPED_SURROGATE.search(text)))
    except _BadPaper as error:
        raise DataFileError(path, str(error)) from None


def daily_from_json(data: Any, path: Path, *, surrogates: bool = True) -> DailyFile:
    """A daily data file's content (``data``, parsed from ``path``), checked as the module says;
    ``surrogates=False``: its text escapes none, no value needs a look for one."""
    if not isinstance(data, dict):
        raise DataFileError(path, f"it holds {_kind(data)}, not an object")
    day = _checked_day(data.get("date"), path)
    records = _checked_records(data, path)
    warnings: list[str] = []
    top = _Fields(data, path.name, warnings, surrogates=surrogates)
    crawled_at = _crawl_time(top.text("crawled_at"), day, top)
    ours = any(isinstance(r, dict) and ("hub_order" in r or "id" in r) for r in records)
    read = _our_papers if ours else _original_papers
    papers = read(records, path, warnings, surrogates)
    seen: set[str] = set()
    for paper in papers:
        if paper.id in seen:
            raise _BadPaper(f"paper {paper.id} is listed twice")
        seen.add(paper.id)
    summaries = _model_summaries(data.get("model_summaries"), top)
    infos = _paper_info(data.get("paper_info"), papers, top)
    final = data.get("final") is True
    return DailyFile(day, papers, crawled_at, summaries, warnings, infos, final)


def _checked_day(day: object, path: Path) -> str:
    """The file's date: a day, the one its name says."""
    if not isinstance(day, str) or as_day(day) != day:
        shown = repr(day[:40]) if isinstance(day, str) else _kind(day)
        raise DataFileError(path, f"its date {shown} is not a day in the form YYYY-MM-DD")
    if day_of(path) != day:
        raise DataFileError(path, f"it is not named daily-{day}.json, as its date says")
    return day


def _checked_records(data: Mapping[str, object], path: Path) -> list[object]:
    """The file's list of papers, no longer than any day's, as long as its ``total_papers``."""
    records = data.get("papers")
    if not isinstance(records, list):
        raise DataFileError(path, f"its papers are {_kind(records)}, not a list")
    if len(records) > MAX_PAPERS:
        raise DataFileError(path, f"it lists {len(records):,} papers, more than any day ({MAX_PAPERS:,})")
    total = data.get("total_papers", len(records))
    if total != len(records) or isinstance(total, bool):
        raise DataFileError(path, f"it lists {len(records)} papers and its total_papers says {_shown(total)}")
    return records


_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?(Z|\+00:00)?")


def _crawl_time(value: str | None, day: str, fields: _Fields) -> str:
    """The crawl time, UTC with a Z: ours are, and the original wrote naive local times
    (``2026-02-05T14:45:48.826051``), kept as given, trimmed to seconds, so observations sort
    with ours. None or not a time: the day's start."""
    if value is None or value == "":
        return f"{day}T00:00:00Z"
    match = _TIME.fullmatch(value)
    if match is None:
        fields.warn(f"crawled_at {value[:40]!r} is not a time; the day's start is used")
        return f"{day}T00:00:00Z"
    return match.group(1) + "Z"


def _record(record: object, position: int) -> Mapping[str, object]:
    if not isinstance(record, dict):
        raise _BadPaper(f"paper {position} is {_kind(record)}, not an object")
    return record


def _our_papers(records: list[object], path: Path, warnings: list[str], surrogates: bool) -> list[Paper]:
    """The papers of a file written by func:`daily_data`, back in the Hub's order."""
    ordered: list[tuple[int, Paper]] = []
    for position, raw in enumerate(records, 1):
        record = _record(raw, position)
        paper_id = record.get("id")
        if not isinstance(paper_id, str) or not is_safe_id(paper_id):
            raise _BadPaper(f"paper {position} has no valid id ({_shown_id(paper_id)})")
        fields = _Fields(record, f"{path.name}: paper {paper_id}", warnings, paper_id, surrogates=surrogates)
        order = record.get("hub_order")
        if not (isinstance(order, int) and not isinstance(order, bool) and 0 <= order <= MAX_HUB_ORDER):
            raise _BadPaper(f"paper {paper_id}: hub_order is {_shown(order)}, not a place in the Hub's list")
        title = record.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _BadPaper(f"paper {paper_id}: its title is {_shown_title(title)}")
        ordered.append((order, _our_paper(record, paper_id, fields)))
    ordered.sort(key=lambda item: item[0])  # stable: equal places keep the file's order
    return [paper for _, paper in ordered]


def _our_paper(record: Mapping[str, object], paper_id: str, fields: _Fields) -> Paper:
    upvotes, comments = fields.count("upvotes"), fields.count("num_comments")
    assert upvotes is not None and comments is not None
    return Paper(
        id=paper_id,
        title=fields.clean(str(record["title"]), "title"),  # checked: text
        summary=fields.text("abstract") or "",
        authors=fields.texts("authors"),
        organization=_organization(record.get("organization"), fields),
        upvotes=upvotes,
        num_comments=comments,
        github_repo=fields.text("github_repo"),
        github_stars=fields.count("github_stars", required=False),
        project_page=fields.text("project_page"),
        ai_summary=fields.text("ai_summary"),
        ai_keywords=fields.texts("ai_keywords"),
        published_at=fields.text("published_at"),
        submitted_at=fields.text("submitted_at"),
    )


def _organization(value: object, fields: _Fields) -> Organization | None:
    if not value:  # null, or an empty object or text
        return None
    if not isinstance(value, dict):
        fields.warn(f"organization is {_kind(value)}, not an object; left out")
        return None
    inner = _Fields(value, fields.where, fields.warnings, fields.paper, surrogates=fields.surrogates)
    name = inner.text("organization name", "name")
    if name is None:
        fields.warn("organization has no name; left out")
        return None
    return Organization(name, inner.text("organization fullname", "fullname") or "")


def _shown_id(value: object) -> str:
    return repr(value[:40]) if isinstance(value, str) else _kind(value)


def _shown_title(value: object) -> str:
    return "empty" if isinstance(value, str) else _kind(value)


# The original crawler's data files: only an author count survived in ``institution``, or
# counters (stars like "2.37k", upvotes) glued onto organization names.
_ORIGINAL_AUTHORS = re.compile(r"·\s*(\d+)\s*authors?")
_ORIGINAL_JUNK_COUNTERS = re.compile(r"(?:\d+(?:\.\d+)?k?)+$")
# An author count beyond any real paper's (the longest lists have a few thousand names).
_MAX_AUTHORS = 10_000


def _original_papers(records: list[object], path: Path, warnings: list[str], surrogates: bool) -> list[Paper]:
    papers = []
    for position, raw in enumerate(records, 1):
        record = _record(raw, position)
        url = record.get("url")
        paper_id = url.rstrip("/").rsplit("/", 1)[-1] if isinstance(url, str) else ""
        if not is_safe_id(paper_id):
            raise _BadPaper(f"paper {position}: its url gives no paper id ({_shown_id(url)})")
        fields = _Fields(record, f"{path.name}: paper {paper_id}", warnings, paper_id, surrogates=surrogates)
        papers.append(_original_paper(record, paper_id, fields))
    return papers


def _original_paper(record: Mapping[str, object], paper_id: str, fields: _Fields) -> Paper:
    """A paper of a data file written by the original crawler."""
    authors, organization = _original_institution(
        collapse_whitespace(fields.text("institution") or ""), fields
    )
    code_link = fields.text("code_link") or None
    is_github = bool(code_link and "github.com/" in code_link)
    upvotes = fields.count("likes")
    assert upvotes is not None
    return Paper(
        id=paper_id,
        title=collapse_whitespace(fields.text("title") or paper_id) or paper_id,
        summary=(fields.text("abstract") or "").strip(),
        authors=authors,
        organization=organization,
        upvotes=upvotes,
        github_repo=code_link if is_github else None,
        project_page=code_link if code_link and not is_github else None,
    )


def _original_institution(institution: str, fields: _Fields) -> tuple[tuple[str, ...], Organization | None]:
    """What the original crawler's ``institution`` holds: an author count (placeholders for
    that many authors, so the "·K authors" line stays right) or an organization's name."""
    if match := _ORIGINAL_AUTHORS.match(institution):
        count = match.group(1)
        if len(count) <= len(str(_MAX_AUTHORS)) and int(count) <= _MAX_AUTHORS:
            return tuple(f"Author {n}" for n in range(1, int(count) + 1)), None
        fields.warn(f"institution counts {count[:30]} authors, beyond any paper's; left out")
        return (), None
    if name := _ORIGINAL_JUNK_COUNTERS.sub("", institution).strip():
        return (), Organization(name, name)
    return (), None


_SUMMARY_KEYS = ("id", "language", "model", "prompt", "summary")


def _model_summaries(value: object, fields: _Fields) -> list[dict[str, str]]:
    """The language-model summaries a data file keeps (:func:`daily_data`)."""
    if value is None:
        return []
    if not isinstance(value, list):
        fields.warn(f"model_summaries is {_kind(value)}, not a list; left out")
        return []
    records = []
    for position, record in enumerate(value, 1):
        if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in _SUMMARY_KEYS):
            fields.warn(f"model summary {position} lacks {', '.join(_SUMMARY_KEYS)} as text; left out")
            continue
        made_at = record.get("made_at")
        where = f"model summary {position}"
        kept = {key: fields.clean(record[key], where) for key in _SUMMARY_KEYS}
        kept["made_at"] = fields.clean(made_at, where) if isinstance(made_at, str) else ""
        records.append(kept)
    return records


def _paper_info(value: object, day_papers: Sequence[Paper], fields: _Fields) -> dict[str, PaperInfo]:
    """What came of the day's papers (:func:`daily_data`); a bad record is left out with a warning."""
    papers = {paper.id for paper in day_papers}
    if value is None:
        return {}
    if not isinstance(value, list):
        fields.warn(f"paper_info is {_kind(value)}, not a list; left out")
        return {}
    infos: dict[str, PaperInfo] = {}
    for position, record in enumerate(value, 1):
        try:
            paper_id, info = _info_record(record, papers)
        except BadInfo as error:
            fields.warn(f"paper_info {position}: {error}; left out")
            continue
        infos[paper_id] = info
    return infos


def _info_record(record: object, papers: set[str]) -> tuple[str, PaperInfo]:
    if not isinstance(record, dict):
        raise BadInfo(f"it is {_kind(record)}, not an object")
    paper_id, observed_at, repo = record.get("id"), record.get("observed_at"), record.get("github_repo")
    if not isinstance(paper_id, str) or paper_id not in papers:
        raise BadInfo(f"its id {_shown_id(paper_id)} is not a paper of the day")
    if not isinstance(observed_at, str) or not _TIME.fullmatch(observed_at) or not observed_at.endswith("Z"):
        raise BadInfo(f"its observed_at {_shown_id(observed_at)} is not a UTC time")
    if repo is not None and (not isinstance(repo, str) or _SURROGATES.search(repo)):
        raise BadInfo(f"its github_repo is {_kind(repo)}, not text")
    stars = record.get("github_stars")
    models, datasets, spaces = (
        strict_count(record.get(key, 0), key) for key in ("models", "datasets", "spaces")
    )
    info = PaperInfo(
        models,
        datasets,
        spaces,
        github_repo=repo,
        github_stars=None if stars is None else strict_count(stars, "github_stars"),
        observed_at=observed_at,
    )
    return paper_id, info


# --- weekly and monthly data files -------------------------------------------------------

SUMMARY_GLOBS = ("weekly-*.json", "monthly-*.json")


def empty_days(path: Path) -> set[str]:
    """The days a weekly or monthly data file lists as ``empty`` (asked for once over, no
    papers); :class:`DataFileError` if it cannot be read."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataFileError(path, f"it holds {_kind(data)}, not an object")
    days = data.get("days", [])  # the original crawler's summaries have none
    if not isinstance(days, list):
        raise DataFileError(path, f"its days are {_kind(days)}, not a list")
    found = set()
    for entry in days:
        if not (isinstance(entry, dict) and entry.get("status") == "empty"):
            continue
        if isinstance(entry.get("date"), str) and (day := as_day(entry["date"])) is not None:
            found.add(day)
    return found
