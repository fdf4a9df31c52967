"""The pipeline: fetch, normalise, merge with the archive, store, render, write.

:func:`run_day` runs the stages for one day in order; :func:`collect` runs it for many days
with bounded concurrency (the ``run`` and ``backfill`` commands); :func:`publish_day`
re-renders a day from the archive alone, with no network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

from dailypapers.bibtex import publish_bibtex
from dailypapers.datafile import content_hash, daily_data, to_json
from dailypapers.dates import date_of, parse_day, timestamp, utc_now
from dailypapers.errors import ANSWER_ERRORS, DailyPapersError, HubDataError
from dailypapers.feeds import publish_feeds
from dailypapers.hub import HubClient
from dailypapers.interests import select_daily
from dailypapers.llm import ModelClient, SummaryKey, SummaryReport, summarise
from dailypapers.merge import merge_fields, merge_with_stored
from dailypapers.models import (
    BadEntry,
    Paper,
    absent_counts,
    paper_from_entry,
    papers_from_entries,
)
from dailypapers.outcomes import OutcomesReport, observe_outcomes
from dailypapers.paths import data_path
from dailypapers.placement import foreign_days, place_daily
from dailypapers.render import output_fingerprint, render_daily
from dailypapers.search_index import publish_search
from dailypapers.settle import is_final
from dailypapers.site import Site
from dailypapers.store import Store
from dailypapers.summary import publish_summaries, summary_papers
from dailypapers.write import FileResult, Status

# Days after its own whose answers a day waits for before it is written (see _Run): in the
# recorded corpus a paper is listed again at most two days after its first listing.
LISTED_AGAIN = 2
INTERRUPT_WRITING = 1.0  # seconds spent writing finished days after Ctrl-C (the user is waiting)


@dataclass
class DayResult:
    day: str
    papers: list[Paper] = field(default_factory=list)  # every paper of the day, Hub order
    shown: list[Paper] = field(default_factory=list)  # the ranked top N in the post (none muted)
    final: bool = False  # fetched again once settle_days old: the ranking will not move
    files: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fetched: bool = True  # False when the day came from the archive without a request


def store_day(
    store: Store, day: str, entries: Sequence[object], *, now: dt.datetime
) -> tuple[list[Paper], list[str], set[str]]:
    """Normalise a fetched day, merge it with what is stored, save it; return its papers, the
    warnings and the ids of the papers whose stored fields changed (other days show them too)."""
    fetched, warnings = papers_from_entries(entries)
    if entries and not fetched:
        raise HubDataError(
            f"none of the {len(entries)} entries the Hub listed is a paper ({warnings[0]}); "
            "nothing stored; check HF_ENDPOINT, or try again later",
            day=day,
        )
    stored = store.day_papers(day)
    absent: dict[str, frozenset[str]] = {}
    for entry in entries:
        if lacking := absent_counts(entry):
            with contextlib.suppress(BadEntry):
                absent.setdefault(paper_from_entry(entry).id, lacking)
    fetched, field_warnings = merge_fields(fetched, stored, absent)
    papers, merge_warnings = merge_with_stored(fetched, stored)
    changed: set[str] = set()
    if papers:
        changed = store.save_day(
            day,
            papers,
            observed=fetched,
            observed_at=timestamp(now),
            content_hash=content_hash(day, papers),
        )
    elif date_of(day) < now.astimezone(dt.UTC).date():
        # Over and empty: a summary shows it as a day without papers, not one never collected.
        # A day still running may yet get papers, so it stays unknown.
        store.mark_empty(day, timestamp(now))
    return papers, warnings + field_warnings + merge_warnings, changed


SummariesFor = Callable[[Sequence[Paper]], Mapping[str, str]]


def stored_summaries(site: Site) -> SummariesFor:
    """Reads the language-model summaries in the archive for the model and prompt the
    settings give (none when no model is set up): what posts show, with no request."""
    if site.prompt is None:
        return lambda papers: {}
    key, store = site.prompt.key, site.store
    return lambda papers: store.model_summaries([p.id for p in papers], key.language, key.model, key.prompt)


def publish_day(site: Site, day: str, *, summaries_for: SummariesFor | None = None) -> DayResult:
    """Write ``day``'s data file and post from the archive; nothing for a day with no papers."""
    store, settings = site.store, site.settings
    summaries_for = summaries_for or stored_summaries(site)
    papers = store.day_papers(day)
    result = DayResult(day, papers, fetched=False)
    if not papers or day in store.held_days:  # held: its data file cannot be read (archive.hold)
        return result
    # Muted papers stay in the archive and the data file; the post leaves them out.
    selection = select_daily(papers, settings.daily.top, site.interests)
    result.shown = selection.shown
    result.final = is_final(day, store.fetched_at(day), settings.settle_days)
    infos = store.paper_info_of_day(day)
    data = daily_data(
        day,
        papers,
        crawled_at=store.crawled_at(day) or "",
        final=result.final,
        model_summaries=store.model_summary_records([paper.id for paper in papers]),
        paper_info=infos,
    )
    # Data first: if we die between the two writes, the next run re-renders the post from it.
    result.files.append(site.write(data_path("daily", day), to_json(data)))
    post = render_daily(
        day,
        selection.shown,
        settings,
        site=site.root,
        starred=selection.starred,
        more=selection.more,
        final=result.final,
        summaries=summaries_for(selection.listed),
        paper_info=infos if settings.paper_info and result.final else None,
        templates=site.templates,
    )
    # An existing post of the day is updated where it is, and keeps its URL (blogs adopted
    # from another digest name some days' posts otherwise).
    result.files.append(site.write(*place_daily(site.root, day, post, settings)))
    return result


def run_day(site: Site, day: str, hub: HubClient, *, clock: Callable[[], dt.datetime] = utc_now) -> DayResult:
    """Fetch ``day`` from the Hub, update the archive and bring its post and data file up to date
    (only those: :func:`collect` also writes the other files that show what changed)."""
    day = parse_day(day)
    entries = hub.fetch_day(day)
    _, warnings, _ = store_day(site.store, day, entries, now=clock())
    result = publish_day(site, day)
    result.fetched = True
    result.warnings = warnings
    return result


def publish_stored(
    site: Site, days: Sequence[str], *, today: dt.date, every_day: bool = False
) -> Iterator[FileResult]:
    """Re-render ``days`` from the archive alone (``render``): each day's files as they are
    written, then those of the days' weeks and months (and of the weeks and months that
    ``today`` has moved on). Language-model summaries come from the archive only: no model
    is asked. ``every_day``: all stored days (``render --all``), so the archive records the
    settings and templates the whole site is now written with (see ``doctor``)."""
    summaries_for = stored_summaries(site)
    periods = sorted({*days, *days_dated_by_today(site.store, today)})
    with site.writer.in_background():
        for day in days:
            yield from publish_day(site, day, summaries_for=summaries_for).files
        yield from publish_summaries(site, periods, today=today, summaries_for=summaries_for)
        yield from publish_followed(site, days, summaries_for)
    # Marked once the files are in place.
    site.store.set_render_mark("today", today.isoformat())
    if every_day:
        site.store.set_render_mark(FINGERPRINT, output_fingerprint(site.root, site.settings))
        site.store.mark_rendered()


FINGERPRINT = "settings"  # the render mark of the settings and templates of the last full render


def days_dated_by_today(store: Store, today: dt.date) -> list[str]:
    """Stored days whose week or month is written differently as of ``today`` than as of the
    date the site's files were last written (which days are over, missing or still to come):
    those of the periods that end on or after the earlier of the two dates. Every stored day
    when that date is not known (an archive rebuilt by ``import``)."""
    last = store.render_mark("today")
    if last == today.isoformat():
        return []
    stored = store.stored_days()
    if last is None:
        return stored
    earlier = min(date_of(last), today)
    # The first day of the earliest period (week or month) that ends on or after `earlier`.
    start = min(earlier - dt.timedelta(days=earlier.weekday()), earlier.replace(day=1)).isoformat()
    return [day for day in stored if day >= start]


def related_files(
    site: Site,
    days: Sequence[str],
    related: Collection[str],
    previous: Collection[str],
    *,
    today: dt.date,
    summaries_for: SummariesFor,
) -> tuple[list[FileResult], list[FileResult]]:
    """Keep the whole site true to the archive after ``days`` were written: the files of the
    ``related`` days (the other stored days that list a paper whose stored fields or model
    summaries changed: ``store.days_listing``), then the weeks and months of all those days
    and of the periods ``today`` has moved on: the days' files and the periods' files. The
    days come from the archive (which days list which papers), not from re-rendering
    everything. The caller records ``today`` as the date the site is written as of
    (``set_render_mark``) once the files are in place. Days a previous digest wrote
    (``previous``: :func:`~dailypapers.placement.foreign_days`) stay as they are until
    `update-history` (issue 28): only the days asked for are written, and the weeks and
    months they are in."""
    store, kept = site.store, set(previous)
    others = sorted(set(related) - set(days) - kept)
    files: list[FileResult] = []
    for day in others:
        files += publish_day(site, day, summaries_for=summaries_for).files
    dated = [day for day in days_dated_by_today(store, today) if day not in kept]
    periods = sorted({*days, *others, *dated})
    summaries = publish_summaries(site, periods, today=today, summaries_for=summaries_for)
    return files, summaries


def publish_followed(site: Site, days: Sequence[str], summaries_for: SummariesFor) -> list[FileResult]:
    """What readers follow and find the papers with, when set up: the ``.bib`` of each of
    ``days``, the ⭐ one, the feeds and the search page's data (made from the whole archive,
    so they end every run)."""
    return [
        *publish_bibtex(site, days),
        *publish_feeds(site, summaries_for),
        *publish_search(site, summaries_for),
    ]


@dataclass
class CollectResult:
    days: list[DayResult] = field(default_factory=list)
    failed: dict[str, DailyPapersError] = field(default_factory=dict)
    # weekly and monthly posts, then the feeds and .bib files (see publish_followed)
    summaries: list[FileResult] = field(default_factory=list)
    # Other days' files showing a paper whose stored fields or summaries changed in this run.
    related: list[FileResult] = field(default_factory=list)
    model: SummaryReport | None = None  # language-model summaries, when a model is set up
    outcomes: OutcomesReport | None = None  # what came of the settled days' papers (paper_info)

    @property
    def fetched_days(self) -> int:
        """Days asked of the Hub (and stored); the others came from the archive."""
        return sum(1 for done in self.days if done.fetched)

    @property
    def stored_days(self) -> int:
        """Days written from the archive without a request (already stored, no --refresh)."""
        return len(self.days) - self.fetched_days

    @property
    def files_changed(self) -> int:
        """Files created or updated (or, in a dry run, that would be): days' and summaries'."""
        return sum(1 for done in self.days for file in done.files if file.changed) + sum(
            1 for file in [*self.summaries, *self.related] if file.changed
        )

    @property
    def ok(self) -> bool:
        return not self.failed


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`collect`; ``result`` holds the days written before it stopped."""

    def __init__(self, result: CollectResult) -> None:
        super().__init__()
        self.result = result


def _store_answer(
    store: Store, day: str, future: Future[list[object]], now: dt.datetime
) -> tuple[list[Paper], list[str], set[str]]:
    """Store a fetched day; whatever goes wrong with its answer is that day's error alone."""
    entries = future.result()
    try:
        return store_day(store, day, entries, now=now)
    except ANSWER_ERRORS as error:
        raise HubDataError(
            f"the Hub's answer could not be stored ({type(error).__name__}: {str(error)[:100]}); "
            "nothing stored for this day",
            day=day,
        ) from None


def merge_files(first: Sequence[FileResult], then: Sequence[FileResult]) -> list[FileResult]:
    """What writing a day's files twice did, as one result per file: a file the first
    write created was created by the run, whatever the second did; otherwise the second
    write's result, unless it found the file unchanged. A dry run writes nothing, so its
    second result already says what the run would do."""
    before = {file.path: file for file in first}
    merged = []
    for file in then:
        earlier = before.get(file.path)
        if file.dry_run or earlier is None:
            merged.append(file)
        elif earlier.status is Status.CREATED:
            merged.append(replace(file, status=Status.CREATED))
        else:
            merged.append(file if file.changed else earlier)
    return merged


@dataclass
class _Run:
    """What the phases of one :func:`collect` share.

    Days are written soon after they are stored, while other fetches go on. A paper listed
    on several days may then be changed by a day stored after another listing it was
    written: each stored change and each written day gets the number of the store it
    follows, so the days written before a change to one of their papers are known (and are
    written again at the end). The files are then those of the whole archive, whatever the
    order the answers came in.

    Fewer days are written twice when a day waits for the answers of the days just after it
    (:data:`LISTED_AGAIN`), which list most of the papers it shares with others and set their
    text (the archive keeps a paper's latest listing): the answers come roughly in date order,
    so it waits for one or two answers."""

    site: Site
    days: list[str]  # every day asked for, sorted
    result: CollectResult = field(default_factory=CollectResult)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # fetched and stored days
    written: dict[str, DayResult] = field(default_factory=dict)
    stores: int = 0  # days stored so far
    written_after: dict[str, int] = field(default_factory=dict)  # day -> stores before its files
    changed_by: dict[str, int] = field(default_factory=dict)  # paper id -> store that last changed it
    summaries_for: SummariesFor | None = None  # the model's summaries in the archive
    asked: set[str] = field(default_factory=set)  # days whose answers have not come yet
    waiting: list[str] = field(default_factory=list)  # stored days not written yet

    def stored(self, day: str, changed: Iterable[str]) -> None:
        self.stores += 1
        for paper_id in changed:
            self.changed_by[paper_id] = self.stores

    def answered(self, day: str) -> None:
        self.asked.discard(day)

    def awaits_outcomes(self, day: str) -> bool:
        """Whether ``day``'s post will show what came of its papers, asked once every day is
        in (setting ``paper_info``, a day that is now final): it is written after that."""
        settings, store = self.site.settings, self.site.store
        return settings.paper_info and is_final(day, store.fetched_at(day), settings.settle_days)

    def ready(self) -> list[str]:
        """The stored days waiting to be written whose next days have all answered."""
        ready = []
        for day in self.waiting:
            after = date_of(day)
            following = {(after + dt.timedelta(days=n)).isoformat() for n in range(1, LISTED_AGAIN + 1)}
            if not following & self.asked:
                ready.append(day)
        self.waiting = [day for day in self.waiting if day not in ready]
        return ready

    def write(self, day: str) -> DayResult:
        """Write ``day``'s files from the archive (again, if they were written before)."""
        done = publish_day(self.site, day, summaries_for=self.summaries_for)
        done.fetched, done.warnings = day in self.warnings, self.warnings.get(day, [])
        if (earlier := self.written.get(day)) is not None:
            done.files = merge_files(earlier.files, done.files)
        self.written[day] = done
        self.written_after[day] = self.stores
        return done

    def stale(self) -> list[str]:
        """Written days listing a paper that a later store changed."""
        return [
            day
            for day, done in sorted(self.written.items())
            if any(self.changed_by.get(paper.id, 0) > self.written_after[day] for paper in done.papers)
        ]

    def unwritten(self) -> list[str]:
        """Days asked for, stored and not held, whose files are not written yet."""
        store = self.site.store
        return [
            day
            for day in self.days
            if day not in self.written and day not in self.result.failed and day not in store.held_days
        ]

    def finish_days(self) -> list[DayResult]:
        self.result.days = sorted(self.written.values(), key=lambda done: done.day)
        return self.result.days

    def interrupted(self, days: Sequence[str]) -> Interrupted:
        """After Ctrl-C: write those of the stored ``days`` not yet written, then the days
        written before a change, for at most :data:`INTERRUPT_WRITING` seconds (the user is
        waiting); the :class:`Interrupted` to raise."""
        stop_by = time.monotonic() + INTERRUPT_WRITING
        with self.site.writer.in_background():
            for day in [*(day for day in days if day not in self.written), *self.stale()]:
                if time.monotonic() > stop_by:
                    break  # stored: the next run of these days writes them
                self.write(day)
            self.finish_days()
        return Interrupted(self.result)


def collect(
    site: Site,
    days: Iterable[str],
    hub: HubClient,
    *,
    refresh: bool = True,
    concurrency: int = 8,
    clock: Callable[[], dt.datetime] = utc_now,
    progress: Callable[[str, DayResult | DailyPapersError], None] | None = None,
) -> CollectResult:
    """Fetch many days (at most ``concurrency`` requests at once), store and publish each.

    Days already in the archive are not fetched unless ``refresh``. Fetches run in threads;
    storing and writing stay in this thread, in completion order: each day is stored as its
    answer comes and written once the next two days have answered, while the other fetches
    go on, and the days a later answer changed are written again at the end (see
    :class:`_Run`), so the files do not depend on that order. Files are flushed to disk in
    the background (:meth:`~dailypapers.write.FileWriter.in_background`). A failing day is
    recorded and the others go on. With a model (``site.model``),
    the papers the posts will show get their missing summaries before any post is written
    (see :func:`summarise_shown`): the days are written once all are stored.
    """
    summaries_for = stored_summaries(site)
    run = _Run(site, sorted(set(days)), summaries_for=summaries_for)
    to_fetch = _days_to_fetch(run, refresh)
    _fetch(run, to_fetch, hub, concurrency, clock, progress, write=site.model is None)
    run.result.outcomes = _observe_settled(run, hub, clock(), concurrency)
    if site.model is not None:
        run.result.model = _summarise(run, site.model, clock().date())
    # Days already stored are written too, which completes a run that was interrupted
    # between storing and writing; then the days a later answer changed, again.
    with site.writer.in_background():
        for day in run.unwritten():
            done = run.write(day)
            if progress and day not in to_fetch:
                progress(day, done)
        for day in run.stale():
            run.write(day)
    _publish_related(run, clock().date(), summaries_for)
    return run.result


def _days_to_fetch(run: _Run, refresh: bool) -> list[str]:
    """The days to ask the Hub for; on a new site, note what its files are written with."""
    site, store = run.site, run.site.store
    if store.render_mark(FINGERPRINT) is None and not store.stored_days():
        # A new site: every file it gets is written with these settings and templates.
        store.set_render_mark(FINGERPRINT, output_fingerprint(site.root, site.settings))
    # A held day (its data file cannot be read) is not fetched: the Hub's answer alone could be
    # smaller than the file, and would be published once the archive held it.
    return [day for day in run.days if (refresh or not store.has_day(day)) and day not in store.held_days]


def _fetch(
    run: _Run,
    to_fetch: Sequence[str],
    hub: HubClient,
    concurrency: int,
    clock: Callable[[], dt.datetime],
    progress: Callable[[str, DayResult | DailyPapersError], None] | None,
    *,
    write: bool,
) -> None:
    """Fetch ``to_fetch`` in threads; store each answer as it comes and, with ``write``,
    write the day's files at once."""
    if not to_fetch:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="fetch")
    futures = {pool.submit(hub.fetch_day, day): day for day in to_fetch}
    try:
        with run.site.writer.in_background():
            _store_and_write(run, futures, clock, progress, write=write)
    except KeyboardInterrupt:
        # Ctrl-C: no new request, no wait for those in flight; the days already stored
        # are written, then the interrupt goes on.
        hub.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise run.interrupted(sorted(run.warnings)) from None
    except BaseException:
        # A day that cannot be written (a full disk, a broken template) stops the run: no
        # new request either.
        hub.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _store_and_write(
    run: _Run,
    futures: Mapping[Future[list[object]], str],
    clock: Callable[[], dt.datetime],
    progress: Callable[[str, DayResult | DailyPapersError], None] | None,
    *,
    write: bool,
) -> None:
    """Store each answer as it comes and, with ``write``, write the day's files at once."""
    run.asked = set(futures.values())
    for future in as_completed(futures):
        day = futures[future]
        run.answered(day)
        try:
            papers, run.warnings[day], changed = _store_answer(run.site.store, day, future, clock())
        except DailyPapersError as error:
            run.result.failed[day] = error
            if progress:
                progress(day, error)
        else:
            run.stored(day, changed)
            if not run.awaits_outcomes(day):
                run.waiting.append(day)
            if progress:
                progress(day, DayResult(day, papers))
        for ready in run.ready() if write else []:
            run.write(ready)


def _observe_settled(run: _Run, hub: HubClient, now: dt.datetime, concurrency: int) -> OutcomesReport | None:
    """What came of the papers of the days this run fetched that are now settled, when the
    setting ``paper_info`` is on (see :mod:`dailypapers.outcomes`); those days are written
    after it (see :meth:`_Run.awaits_outcomes`)."""
    site = run.site
    if not site.settings.paper_info:
        return None
    try:
        return observe_outcomes(site, sorted(run.warnings), hub, now=now, concurrency=min(concurrency, 4))
    except KeyboardInterrupt:  # no new request; the stored days are written, then it goes on
        hub.cancel()
        raise run.interrupted(sorted(run.warnings)) from None


def _summarise(run: _Run, model: ModelClient, today: dt.date) -> SummaryReport:
    """The model's summaries of what the posts of the stored days will show."""
    stored_days = [day for day in run.days if day not in run.result.failed]
    site = run.site
    try:
        return summarise_shown(site, stored_days, model, today=today)
    except KeyboardInterrupt:
        # Ctrl-C while the model writes: no new request (those under way are left to their
        # daemon threads); the stored days are written with the summaries made so far.
        raise run.interrupted(stored_days) from None


def _publish_related(run: _Run, today: dt.date, summaries_for: SummariesFor) -> None:
    """Last, once the days are written: the other days showing what changed (in this run, or
    in one killed before it wrote them; a day that failed now among them), then the weeks
    and months of all of them, the .bib files and the feeds."""
    site, store, result = run.site, run.site.store, run.result
    stored_days = [day for day in run.days if day not in result.failed]
    run.finish_days()
    changed = store.unrendered()
    # The .bib files of the same days (not a held day's, nor a previous digest's: as above).
    previous = set(foreign_days(site.root))
    related = set(store.days_listing(sorted(changed))) - previous
    bib_days = ({done.day for done in result.days} | related) - store.held_days
    with site.writer.in_background():
        result.related, result.summaries = related_files(
            site, stored_days, related, previous, today=today, summaries_for=summaries_for
        )
        result.summaries += publish_followed(site, sorted(bib_days), summaries_for)
    # Marked once the files are in place: the date they were written as of, the papers shown.
    store.set_render_mark("today", today.isoformat())
    store.mark_rendered(changed)


def summarise_shown(site: Site, days: Sequence[str], model: ModelClient, *, today: dt.date) -> SummaryReport:
    """Ask ``model`` for the missing summaries of the papers the posts of ``days`` show: each
    day's list, newest day first, then the lists of their weeks and months (the budget goes
    to the newest first). Each summary is stored as it comes; a failure is only counted."""
    store, settings, prompt = site.store, site.settings, site.prompt
    assert prompt is not None
    papers: list[Paper] = []
    for day in sorted(days, reverse=True):
        selection = select_daily(store.day_papers(day), settings.daily.top, site.interests)
        papers += selection.listed
    papers += summary_papers(store, days, settings, today=today, interests=site.interests)

    def save(paper_id: str, key: SummaryKey, text: str) -> None:
        store.save_model_summary(
            paper_id, key.language, key.model, key.prompt, text, made_at=timestamp(utc_now())
        )

    def stored(ids: Sequence[str], key: SummaryKey) -> Mapping[str, str]:
        return store.model_summaries(ids, key.language, key.model, key.prompt)

    return summarise(
        papers,
        prompt,
        stored,
        save,
        model,
        budget=settings.llm_budget,
        concurrency=settings.llm_concurrency,
    )
