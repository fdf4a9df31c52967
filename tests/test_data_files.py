"""Data files that fight back: whatever is wrong with a daily, weekly or monthly data file,
no command crashes, and a daily data file that cannot be read while the archive is rebuilt
from the data files never shrinks what is published.

A week is published once per module with the real command (the recorded days of February
2-8); each test damages a copy, removes the archive (as ``init --ignore-db`` leaves a CI run
without one) and runs the commands through the CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, published_files, seed_source
from conftest import invoke as invoke_command
from dailypapers.datafile import content_hash, daily_data, to_json
from dailypapers.render import render_daily
from dailypapers.replay import ReplayHub, directory_source
from dailypapers.store import Store

WEEK = ("2026-02-02", "2026-02-08")
NOW = "2026-02-09T00:00:00Z"
DAY = "2026-02-05"  # the day whose data file is damaged
PAPERS = Path("_data") / "papers"
DAILY = PAPERS / f"daily-{DAY}.json"
WEEKLY, MONTHLY = PAPERS / "weekly-2026-W06.json", PAPERS / "monthly-2026-02.json"
# The files a damaged DAY must leave as they are: its post, and its week's and month's files.
HELD = (
    Path("_posts") / f"{DAY}-daily-papers.md",
    WEEKLY,
    MONTHLY,
    Path("_posts") / "2026-02-02-weekly-papers-summary.md",
    Path("_posts") / "2026-02-01-monthly-papers-summary.md",
    Path("assets") / "img" / "dailypapers" / "weekly-2026-W06.svg",
    Path("assets") / "img" / "dailypapers" / "monthly-2026-02.svg",
)


@pytest.fixture(scope="module")
def hub() -> Iterator[ReplayHub]:
    recorded = directory_source(DATA / "hub")
    with ReplayHub(lambda day: recorded(day) or seed_source(day)) as replay:
        yield replay


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, hub: ReplayHub) -> Path:
    """A site with the week published, made once: tests damage copies of it."""
    site = tmp_path_factory.mktemp("week") / "site"
    site.mkdir()
    done = invoke(hub, "backfill", "--site", str(site), "--since", WEEK[0], "--until", WEEK[1])
    assert done.exit_code == 0, done.output
    assert summary_papers(site) == {"weekly": 53, "monthly": 53}
    return site


@pytest.fixture
def site(week: Path, tmp_path: Path) -> Path:
    """A copy of the published week without its archive (a CI run with ``init --ignore-db``)."""
    copy = tmp_path / "site"
    shutil.copytree(week, copy, symlinks=True)
    shutil.rmtree(copy / ".dailypapers")
    return copy


def invoke(hub: ReplayHub | None, *args: str) -> Result:
    endpoint = hub.url if hub is not None else "http://127.0.0.1:9"
    return invoke_command(
        *args, endpoint=endpoint, env={"DAILYPAPERS_NOW": NOW, "DAILYPAPERS_RETRY_BUDGET": "1"}
    )


def summary_papers(site: Path) -> dict[str, int]:
    return {
        kind: json.loads((site / path).read_text())["total_papers"]
        for kind, path in (("weekly", WEEKLY), ("monthly", MONTHLY))
    }


def data(site: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((site / DAILY).read_text(encoding="utf-8"))
    return loaded


def write_data(site: Path, value: Any) -> None:
    (site / DAILY).write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


def assert_no_crash(done: Result) -> None:
    """Exit status 0 or 1 and lines: never a traceback, never "this is a bug"."""
    assert done.exit_code in (0, 1), done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    assert "Traceback" not in done.output and "this is a bug" not in done.output, done.output
    assert "the archive failed" not in done.output, done.output  # a data file blamed on the archive


def counts(content: bytes | None) -> tuple[int, list[int]] | None:
    """A summary data file's papers, in all and per day; None if it does not read."""
    try:
        value = json.loads(content or b"")
        return value["total_papers"], [day["papers"] for day in value["days"]]
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def assert_nothing_shrank(site: Path, before: dict[str, bytes], done: Result) -> None:
    """No summary lists fewer papers than before, in all or on any day; when the damaged
    daily file is named as unreadable, its post, week and month are as they were."""
    after = published_files(site)
    for path in (WEEKLY, MONTHLY):
        old = counts(before.get(str(path)))
        if old is not None:  # (a damaged summary data file is written again)
            new = counts(after.get(str(path)))
            assert new is not None and new[0] >= old[0], (path, done.output)
            assert all(n >= o for n, o in zip(new[1], old[1], strict=True)), (path, done.output)
    if f"{DAILY} cannot be read" in done.stderr:
        for path in HELD:
            assert after.get(str(path)) == before.get(str(path)), (path, done.output)


# --- the issue: a rebuild with a damaged data file ---------------------------------------------

DAMAGES: dict[str, Callable[[Path], None]] = {
    "cut in half": lambda site: (site / DAILY).write_bytes((site / DAILY).read_bytes()[:15000]),
    "a null title": lambda site: write_data(site, edit_paper(data(site), 0, title=None)),
    "20,000 nested lists": lambda site: (site / DAILY).write_text(
        (site / DAILY).read_text().replace('"final": false', '"final": ' + "[" * 20000 + "]" * 20000, 1)
    ),
    "Latin-1 bytes": lambda site: (site / DAILY).write_bytes(
        (site / DAILY).read_bytes().replace(b"ERNIE", b"\xe9RNIE")
    ),
    "a directory": lambda site: ((site / DAILY).unlink(), (site / DAILY).mkdir()),
}


def edit_paper(value: dict[str, Any], index: int, **fields: Any) -> dict[str, Any]:
    value["papers"][index].update(fields)
    return value


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_rebuild_leaves_the_week_and_month_of_an_unreadable_data_file_as_they_are(
    site: Path, hub: ReplayHub, damage: str
) -> None:
    """Another day of the week is fetched: its week and month would be written from an
    archive lacking the damaged day's 10 papers (53 papers would become fewer)."""
    DAMAGES[damage](site)
    before = published_files(site) if damage != "a directory" else None
    done = invoke(hub, "run", "--site", str(site), "--date", WEEK[1])
    assert_no_crash(done)
    assert done.exit_code == 1, done.output
    [line] = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert line.startswith(f"Error: {DAILY} cannot be read (")
    assert "its post, week and month are left as they are" in line and f"git checkout -- {DAILY}" in line
    if before is not None:
        assert published_files(site) == before
    assert summary_papers(site) == {"weekly": 53, "monthly": 53}


def test_a_held_day_is_not_taken_from_a_hub_that_lists_fewer_papers(site: Path, replay: Any) -> None:
    """Fetching the held day itself: the Hub's answer (5 of its 10 papers) is neither
    published nor stored, so a committed archive cannot publish it later either."""
    recorded = directory_source(DATA / "hub")

    def fewer(day: str) -> list[Any] | None:
        entries = recorded(day) or seed_source(day)
        return entries[:5] if day == DAY and entries else entries

    hub = replay(fewer)
    CORRUPTIONS["NUL bytes"](site)  # its head too: nothing says how many papers it listed
    before = published_files(site)
    for _ in range(2):  # the second run with the archive the first one left
        done = invoke(hub, "run", "--site", str(site), "--date", DAY)
        assert_no_crash(done)
        assert done.exit_code == 1, done.output
        assert done.stdout == "", done.output  # no day, no week, no month
        assert done.stderr.splitlines()[-1].startswith(f"Error: {DAILY} cannot be read (it is not valid JSON")
        assert published_files(site) == before
    with Store(site / ".dailypapers" / "papers.db") as store:
        assert DAY not in store.stored_days()


@pytest.mark.parametrize("command", [("render", "--all"), ("days",), ("search", "model"), ("stats",)])
def test_every_command_that_completes_the_archive_names_the_file_and_exits_1(
    site: Path, command: tuple[str, ...]
) -> None:
    DAMAGES["cut in half"](site)
    before = published_files(site)
    done = invoke(None, *command, "--site", str(site))
    assert_no_crash(done)
    assert done.exit_code == 1, done.output
    assert f"Error: {DAILY} cannot be read (it is not valid JSON" in done.stderr
    assert published_files(site) == before
    if command[0] == "days":  # what it could, then the file named
        assert done.stdout.count(" papers ") == 6 and DAY not in done.stdout


def test_a_day_is_held_back_only_while_the_archive_lacks_it(site: Path, week: Path) -> None:
    DAMAGES["cut in half"](site)
    before = published_files(site)
    held = invoke(None, "render", "--all", "--site", str(site))
    assert held.exit_code == 1 and published_files(site) == before, held.output
    # With an archive that holds the day, the damaged file is only written again from it.
    shutil.rmtree(site / ".dailypapers")
    shutil.copytree(week / ".dailypapers", site / ".dailypapers")
    done = invoke(None, "render", "--all", "--site", str(site))
    assert done.exit_code == 0, done.output
    assert published_files(site) == published_files(week)
    # Without it, the day is published again as soon as its file is restored (git checkout).
    shutil.rmtree(site / ".dailypapers")
    DAMAGES["a null title"](site)
    assert invoke(None, "render", "--all", "--site", str(site)).exit_code == 1
    shutil.copy(week / DAILY, site / DAILY)
    done = invoke(None, "render", "--all", "--site", str(site))
    assert done.exit_code == 0, done.output
    assert published_files(site) == published_files(week)


def test_doctor_names_each_data_file_that_cannot_be_read(site: Path) -> None:
    DAMAGES["a null title"](site)
    (site / PAPERS / "daily-2026-02-06.json").write_text("[" * 20000, encoding="utf-8")
    (site / WEEKLY).write_text('{"days": ', encoding="utf-8")
    shutil.copy(DATA / "original" / "monthly-2025-11.json", site / PAPERS)  # the original's: no "days"
    done = invoke(None, "doctor", "--site", str(site))
    assert_no_crash(done)
    assert done.exit_code == 1
    assert (
        "FAIL  data files: 2 daily data files cannot be read: "
        "daily-2026-02-05.json (paper 2602.04705: its title is null); "
        "daily-2026-02-06.json (it is nested too deeply to be read)\n"
    ) in done.stdout
    assert "restore them from git (`git checkout -- _data/papers/NAME`)" in done.stdout
    assert (
        "warn  data files: 1 weekly or monthly data files cannot be read: "
        "weekly-2026-W06.json (it is not valid JSON"
    ) in done.stdout
    assert "daily posts have no data file" not in done.stdout and "monthly-2025-11" not in done.stdout


def test_a_day_of_more_papers_than_any_day_is_not_read(site: Path) -> None:
    """A file of 10,001 minimal papers (half a megabyte) would be stored and ranked whole."""
    papers = [{"id": f"p{n}", "title": "t", "hub_order": n} for n in range(10_001)]
    write_data(site, {"date": DAY, "total_papers": len(papers), "papers": papers})
    before = published_files(site)
    done = invoke(None, "render", "--all", "--site", str(site))
    assert done.exit_code == 1, done.output
    assert (
        f"Error: {DAILY} cannot be read (it lists 10,001 papers, more than any day (10,000))" in done.stderr
    )
    assert published_files(site) == before


def test_import_names_the_files_it_skipped_and_exits_1(site: Path) -> None:
    DAMAGES["a null title"](site)
    done = invoke(None, "import", "--site", str(site))
    assert done.exit_code == 1, done.output
    assert done.stdout.startswith("Imported 6 days, 60 listings")
    assert done.stderr == (
        "Error: skipped daily-2026-02-05.json: paper 2602.04705: its title is null; restore it "
        "(`git checkout`) or fix it, then import again\n"
    )


# --- bad fields: left out with a warning, the paper kept -------------------------------------


def test_a_keyword_that_is_not_text_is_left_out_with_a_warning(site: Path) -> None:
    first = data(site)["papers"][0]
    write_data(site, edit_paper(data(site), 0, ai_keywords=[1, "kept", None]))
    done = invoke(None, "render", "--all", "--site", str(site))
    assert_no_crash(done)
    assert done.exit_code == 0, done.output
    assert (
        f"Warning: daily-{DAY}.json: paper {first['id']}: ai_keywords item 1 is a number, not text; left out"
        in done.stderr
    )
    assert data(site)["papers"][0]["ai_keywords"] == ["kept"]
    assert summary_papers(site) == {"weekly": 53, "monthly": 53}


def test_an_unpaired_surrogate_in_a_title_becomes_a_replacement_character(site: Path) -> None:
    first = data(site)["papers"][0]
    text = (site / DAILY).read_text(encoding="utf-8")
    (site / DAILY).write_text(text.replace(json.dumps(first["title"]), '"\\ud800' + first["title"] + '"', 1))
    for command in (("days",), ("render", "--all")):
        (site / ".dailypapers" / "papers.db").unlink(missing_ok=True)
        done = invoke(None, *command, "--site", str(site))
        assert_no_crash(done)
        assert done.exit_code == 0, done.output
        assert (
            f"paper {first['id']}: title holds an unpaired UTF-16 surrogate, replaced by U+FFFD"
            in done.stderr
        )
    assert data(site)["papers"][0]["title"] == "\ufffd" + first["title"]
    assert summary_papers(site) == {"weekly": 53, "monthly": 53}


# --- every corruption, every command ---------------------------------------------------------


def top(**fields: Any) -> Callable[[Path], None]:
    def damage(site: Path) -> None:
        value = data(site)
        value.update(fields)
        write_data(site, value)

    return damage


def paper(**fields: Any) -> Callable[[Path], None]:
    return lambda site: write_data(site, edit_paper(data(site), 3, **fields))


def text_of(site: Path, change: Callable[[str], str], path: Path = DAILY) -> None:
    (site / path).write_text(change((site / path).read_text(encoding="utf-8")), encoding="utf-8")


def symlink(site: Path) -> None:
    outside = site.parent / "elsewhere.json"
    shutil.copy(site / DAILY, outside)
    (site / DAILY).unlink()
    (site / DAILY).symlink_to(outside)


def as_original(value: dict[str, Any]) -> dict[str, Any]:
    """The day as the original crawler wrote it, one paper claiming a billion authors."""
    keys = ("title", "url", "published", "likes", "institution", "paper_link", "abstract")
    papers = [{key: record[key] for key in keys} for record in value["papers"]]
    papers[0]["institution"] = "·999999999 authors"
    return {
        "date": DAY,
        "crawled_at": "2026-02-05T14:45:48.826051",
        "total_papers": len(papers),
        "papers": papers,
    }


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    **DAMAGES,
    "empty": lambda site: (site / DAILY).write_bytes(b""),
    "whitespace": lambda site: (site / DAILY).write_bytes(b" \n\t"),
    "a byte order mark": lambda site: (site / DAILY).write_bytes(
        b"\xef\xbb\xbf" + (site / DAILY).read_bytes()
    ),
    "NUL bytes": lambda site: (site / DAILY).write_bytes(b"\x00" * 4096),
    "NaN upvotes": lambda site: text_of(site, lambda t: t.replace('"upvotes": ', '"upvotes": NaN, "x": ', 1)),
    "a number of 5000 digits": lambda site: text_of(
        site, lambda t: t.replace('"upvotes": ', '"upvotes": ' + "9" * 5000 + ', "x": ', 1)
    ),
    "1e400 upvotes": lambda site: text_of(
        site, lambda t: t.replace('"upvotes": ', '"upvotes": 1e400, "x": ', 1)
    ),
    "a list": lambda site: write_data(site, [data(site)]),
    "null": lambda site: write_data(site, None),
    "a symlink": symlink,
    "a FIFO": lambda site: ((site / DAILY).unlink(), os.mkfifo(site / DAILY)),
    "too large": lambda site: text_of(
        site, lambda t: t.replace('"final": false', '"final": "' + "x" * (33 * 2**20) + '"', 1)
    ),
    "date null": top(date=None),
    "date of another day": top(date="2026-02-06"),
    "date not a day": top(date="2026-02-30"),
    "papers null": top(papers=None),
    "papers an object": top(papers={"a": 1}),
    "total_papers too many": top(total_papers=11),
    "total_papers text": top(total_papers="10"),
    "crawled_at a list": top(crawled_at=["x"]),
    "crawled_at not a time": top(crawled_at="yesterday"),
    "model_summaries an object": top(model_summaries={"id": 1}),
    "model_summaries of nulls": top(model_summaries=[None, {"id": None}]),
    "a paper null": lambda site: write_data(
        site, {**data(site), "papers": [None, *data(site)["papers"][1:]]}
    ),
    "a paper listed twice": lambda site: write_data(
        site, edit_paper(data(site), 3, id=data(site)["papers"][4]["id"])
    ),
    "id null": paper(id=None),
    "id with a slash": paper(id="../../etc"),
    "hub_order text": paper(hub_order="1"),
    "hub_order negative": paper(hub_order=-1),
    "title an object": paper(title={"a": 1}),
    "title empty": paper(title=" "),
    "upvotes negative": paper(upvotes=-5),
    "upvotes text": paper(upvotes="12"),
    "upvotes true": paper(upvotes=True),
    "upvotes 10**20": paper(upvotes=10**20),
    "stars 10**20": paper(github_stars=10**20),
    "comments a list": paper(num_comments=[]),
    "authors text": paper(authors="A. Author"),
    "authors of nulls": paper(authors=[None, 1, {"name": "x"}]),
    "organization text": paper(organization="ACME"),
    "organization name null": paper(organization={"name": None, "fullname": 5}),
    "abstract a number": paper(abstract=5),
    "links of other types": paper(github_repo=5, project_page=["x"], ai_summary={}, published_at=1.5),
    "every field null": lambda site: write_data(
        site,
        edit_paper(
            data(site),
            3,
            **{key: None for key in data(site)["papers"][3] if key not in ("id", "title", "hub_order")},
        ),
    ),
    "lone surrogates everywhere": lambda site: text_of(site, lambda t: t.replace('": "', '": "\\udfff')),
    "the original's format, damaged": lambda site: write_data(
        site,
        {
            "date": DAY,
            "total_papers": 2,
            "papers": [{"url": "https://huggingface.co/papers/2602.00001", "likes": "many"}, {"url": None}],
        },
    ),
    "the original's format, 10**9 authors": lambda site: write_data(site, as_original(data(site))),
    "weekly cut": lambda site: text_of(site, lambda t: t[:50], WEEKLY),
    "weekly nested": lambda site: (site / WEEKLY).write_text('{"days": ' + "[" * 30000, encoding="utf-8"),
    "weekly days of bad types": lambda site: text_of(
        site,
        lambda t: json.dumps(
            {
                "days": [
                    None,
                    {"date": 5, "status": "empty"},
                    {"date": "0001-01-01", "status": "empty"},
                    {"date": "\ud800", "status": "empty"},
                ]
            }
        ),
        WEEKLY,
    ),
    "monthly a list": lambda site: (site / MONTHLY).write_text("[1, 2]", encoding="utf-8"),
    "monthly not UTF-8": lambda site: (site / MONTHLY).write_bytes(b"\xff\xfe{}"),
    "monthly a directory": lambda site: ((site / MONTHLY).unlink(), (site / MONTHLY).mkdir()),
}

COMMANDS: list[tuple[str, ...]] = [
    ("render", "--all"),
    ("days",),
    ("search", "model"),
    ("stats", "--month", "2026-02"),
    ("doctor",),
    ("import",),
    ("run", "--date", WEEK[1]),
    ("backfill", "--since", WEEK[0], "--until", WEEK[1]),
]


def run_every_command(site: Path, hub: ReplayHub) -> None:
    for command in COMMANDS:
        # Each command rebuilds the archive from the data files, as in CI with --ignore-db.
        shutil.rmtree(site / ".dailypapers", ignore_errors=True)
        before = published_files(site)
        done = invoke(hub, command[0], "--site", str(site), *command[1:])
        assert_no_crash(done)
        if str(DAILY) in done.stderr and "cannot be read" in done.stderr:
            assert done.exit_code == 1, (command, done.output)
        assert_nothing_shrank(site, before, done)


QUICK = ["a null title", "20,000 nested lists", "lone surrogates everywhere", "weekly nested", "a FIFO"]


@pytest.mark.parametrize("corruption", QUICK)
def test_no_command_crashes_on_a_damaged_data_file(site: Path, hub: ReplayHub, corruption: str) -> None:
    CORRUPTIONS[corruption](site)
    run_every_command(site, hub)


@pytest.mark.slow
@pytest.mark.parametrize("corruption", [name for name in CORRUPTIONS if name not in QUICK])
def test_no_command_crashes_on_any_corruption(site: Path, hub: ReplayHub, corruption: str) -> None:
    CORRUPTIONS[corruption](site)
    run_every_command(site, hub)


# --- property-based: random damage to a real data file ----------------------------------------

NASTY_TEXT = st.text(
    alphabet=st.characters(codec=None, blacklist_categories=()), max_size=20
) | st.sampled_from(["\ud800", "\udfff x", "", " ", "\ufeff", "\x00", "../x", "2026-02-05", "2026-02-30"])
NASTY_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | NASTY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(NASTY_TEXT, children, max_size=3),
    max_leaves=8,
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (keys and indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_in(item, (*prefix, index))


def replace_at(value: Any, path: tuple[Any, ...], new: Any, delete: bool = False) -> Any:
    if not path:
        return new
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value


@st.composite
def damaged_json(draw: st.DrawFn, original: dict[str, Any]) -> bytes:
    """The data file with a value replaced, a key or item removed, or its bytes cut or garbled."""
    value = json.loads(json.dumps(original))
    how = draw(st.sampled_from(["replace", "delete", "cut", "garble", "nest"]))
    if how in ("replace", "delete"):
        paths = [path for path in paths_in(value) if path or how == "replace"]
        path = draw(st.sampled_from(paths))
        value = replace_at(value, path, draw(NASTY_JSON), delete=how == "delete")
        return json.dumps(value, ensure_ascii=draw(st.booleans()), indent=2).encode("utf-8", "surrogatepass")
    text = json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    if how == "cut":
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "garble":
        at = draw(st.integers(0, len(text) - 1))
        return text[:at] + draw(st.binary(min_size=1, max_size=8)) + text[at + 1 :]
    depth = draw(st.integers(500, 50000))
    return text.replace(b'"final"', b'"deep": ' + b"[" * depth + b"]" * depth + b', "final"', 1)


ORIGINAL = json.loads((DATA / "expected" / "daily-2026-02-05.json").read_text(encoding="utf-8"))


@settings(max_examples=200, deadline=None)
@given(damaged_json(ORIGINAL))
def test_a_damaged_data_file_reads_whole_or_not_at_all(content: bytes) -> None:
    """Whatever the damage, reading gives DataFileError, or every paper the file lists, each
    one storable and publishable (no surrogate, no count beyond SQLite's integers)."""
    with tempfile.TemporaryDirectory() as directory:
        read_and_store(Path(directory) / f"daily-{DAY}.json", content)


def read_and_store(path: Path, content: bytes) -> None:
    from dailypapers.datafile import DataFileError, read_daily

    path.write_bytes(content)
    try:
        daily = read_daily(path)
    except DataFileError as error:
        assert str(error).startswith(f"daily-{DAY}.json cannot be read: ")
        return
    assert len(daily.papers) == len(ORIGINAL["papers"]) == len({paper.id for paper in daily.papers})
    with Store(Path(":memory:")) as store:
        store.save_day(
            DAY,
            daily.papers,
            observed=daily.papers,
            observed_at=daily.crawled_at,
            content_hash=content_hash(DAY, daily.papers),
        )
        store.restore_model_summaries(daily.model_summaries)
        assert store.day_papers(DAY) == daily.papers
    to_json(daily_data(DAY, daily.papers, crawled_at=daily.crawled_at)).encode("utf-8")
    render_daily(DAY, daily.papers).encode("utf-8")
    for warning in daily.warnings:
        assert warning.startswith(f"daily-{DAY}.json: ")
        warning.encode("utf-8")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=damaged_json(ORIGINAL))
def test_random_damage_to_a_published_data_file_never_crashes_or_shrinks_a_summary(
    week: Path, hub: ReplayHub, tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    site = tmp_path_factory.mktemp("random") / "site"
    shutil.copytree(week, site)
    (site / DAILY).write_bytes(content)
    for command in (("render", "--all"), ("days",), ("doctor",), ("run", "--date", WEEK[1])):
        shutil.rmtree(site / ".dailypapers", ignore_errors=True)
        before = published_files(site)
        done = invoke(hub, command[0], "--site", str(site), *command[1:])
        assert_no_crash(done)
        assert_nothing_shrank(site, before, done)
