"""What a command opens of the library (the archive, the site lock, the Hub and model
clients) and what it sends once a run is done (the webhook message, the email)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dailypapers.cli.errors import remember_unreadable
from dailypapers.cli.output import note, printable, warn

if TYPE_CHECKING:  # imported where used: `--help` stays light
    from dailypapers.config import Settings
    from dailypapers.hub import HubClient
    from dailypapers.interests import Interests
    from dailypapers.llm import ModelClient
    from dailypapers.pipeline import CollectResult
    from dailypapers.site import Site
    from dailypapers.store import Store


def hub_client(settings: Settings) -> HubClient:
    from dailypapers.http import MB
    from dailypapers.hub import HubClient, RetryPolicy

    return HubClient(
        retry=RetryPolicy(budget=settings.retry_budget),
        deadline=settings.request_deadline,
        max_bytes=settings.max_response_mb * MB,
        notice=lambda line: click.echo(printable(line), err=True),
    )


def model_client(settings: Settings, dry_run: bool) -> ModelClient | None:
    """The language model for summaries, when one is set up (a dry run asks none: it costs)."""
    from dailypapers.llm import ModelClient, enabled

    if dry_run or not enabled(settings):
        return None
    return ModelClient.from_settings(settings)


def open_store(site: Path, settings: Settings, *, scratch: bool = False) -> Store:
    """The site's archive, completed from the data files; those that cannot be read are named
    when the command ends, with exit status 1 (:func:`~dailypapers.cli.errors.report_unreadable`)."""
    from dailypapers.archive import open_store

    store = open_store(
        site, settings.database, on_import=note, scratch=scratch, settle_days=settings.settle_days
    )
    remember_unreadable(store.unreadable)
    return store


@contextlib.contextmanager
def writing(root: Path, settings: Settings, dry_run: bool, *, model: bool = False) -> Iterator[Site]:
    """The :class:`~dailypapers.site.Site` of a writing command, its archive open and the site
    locked; in a dry run, a scratch copy of the archive and a writer that writes nothing.
    ``model``: with the language model the settings set up (:func:`model_client`)."""
    from dailypapers.site import Site
    from dailypapers.write import writer_for

    writer = writer_for(root, dry_run=dry_run)
    client = model_client(settings, dry_run) if model else None
    with locked(root, dry_run), open_store(root, settings, scratch=dry_run) as store:
        yield Site(root, settings, store, writer, client)


def locked(site: Path, dry_run: bool = False) -> contextlib.AbstractContextManager[object]:
    """The site lock every writing command holds (a dry run writes nothing: no lock)."""
    from dailypapers.lock import writing_site

    return contextlib.nullcontext() if dry_run else writing_site(site, on_message=note)


def notify(
    settings: Settings, result: CollectResult, dry_run: bool, interests: Interests | None = None
) -> None:
    if not settings.notify_webhook or dry_run:
        return
    from dailypapers.errors import NotifyError
    from dailypapers.notify import notify_run

    # A failed message is a warning: the posts are written and the schedule must still commit.
    try:
        sent = notify_run(settings, result, interests)
    except NotifyError as error:
        warn(str(error))
        return
    if sent:
        click.echo(f"Notified {sent}", err=True)


def email(context: Site, result: CollectResult) -> Callable[[], None]:
    """Email the run's new papers when ``[email]`` is set up; returns what prints the outcome
    once the files are reported. A failed email is a warning: the posts are written."""
    from dailypapers.errors import NotifyError
    from dailypapers.mail import enabled, mail_run
    from dailypapers.pipeline import stored_summaries

    if not enabled(context.settings) or context.dry_run:
        return lambda: None
    days = [done.day for done in result.days if done.papers]
    try:
        sent = mail_run(context, days, stored_summaries(context))
    except NotifyError as error:
        line = f"Warning: {printable(str(error))}"
    else:
        line = f"Emailed {printable(sent)}" if sent else "Email: no new papers"
    return lambda: click.echo(line, err=True)
