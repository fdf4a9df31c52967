"""An optional message to a Slack or Discord webhook after a run that changed a post.

Only a day whose post was created or updated is announced (the latest such day), so the
twice-daily schedule does not repeat itself. Paper titles are third-party text: their LaTeX
is read as text (whatever the ``math`` setting: a chat shows no math), they are escaped for
the chat's markup and Discord is told not to resolve mentions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypedDict

from dailypapers.config import Settings
from dailypapers.errors import NotifyError
from dailypapers.http import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_MB,
    MB,
    Exhausted,
    Refused,
    RetryPolicy,
    describe_status,
    post_json,
)
from dailypapers.interests import Interests
from dailypapers.latex import latex_text
from dailypapers.models import Paper, rank
from dailypapers.redact import hide
from dailypapers.text import clean
from dailypapers.write import FileResult

DISCORD_LIMIT = 2000  # characters in a Discord message


class DayOutcome(Protocol):
    """What a run did for one day (``pipeline.DayResult``), as far as the message needs it."""

    @property
    def day(self) -> str: ...

    @property
    def papers(self) -> Sequence[Paper]: ...

    @property
    def shown(self) -> Sequence[Paper]: ...

    @property
    def files(self) -> Sequence[FileResult]: ...


class RunOutcome(Protocol):
    """What a run did (``pipeline.CollectResult``): its days, in date order."""

    @property
    def days(self) -> Sequence[DayOutcome]: ...


class Payload(TypedDict, total=False):
    """A webhook message: Slack's ``text``, or Discord's ``content`` and ``allowed_mentions``."""

    text: str
    content: str
    allowed_mentions: dict[str, list[str]]


def _slack_text(text: str) -> str:
    # Slack's mrkdwn reserves only these three; links are <url|label>.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _discord_text(text: str) -> str:
    return re.sub(r"([\\*_~`|\[\]()<>#@:-])", r"\\\1", text)


def message(
    day: str, papers: Sequence[Paper], settings: Settings, interests: Interests | None = None
) -> Payload:
    """The webhook payload announcing ``day``'s top papers (muted ones left out, starred marked),
    its text cleaned like every text that leaves (:mod:`dailypapers.text`) and with no secret.
    ``interests``: the run's, else the settings'."""
    payload = _message(day, papers, settings, interests or Interests.from_settings(settings))
    if "content" in payload:
        payload["content"] = hide(clean(payload["content"], lines=True))
    if "text" in payload:
        payload["text"] = hide(clean(payload["text"], lines=True))
    return payload


def _message(day: str, papers: Sequence[Paper], settings: Settings, interests: Interests) -> Payload:
    top = rank(interests.visible(papers), settings.notify_top)
    star = {paper.id: "⭐ " if interests.starred(paper) else "" for paper in top}
    if settings.notify_format == "discord":
        lines = [f"**Hugging Face Daily Papers - {day}**"]
        named = {paper.id: _discord_text(clean(latex_text(paper.title))) for paper in top}
        lines += [
            f"{n}. {star[paper.id]}[{named[paper.id]}](<{paper.hf_url}>) - 👍 {paper.upvotes}"
            for n, paper in enumerate(top, 1)
        ]
        content = "\n".join(lines)
        if len(content) > DISCORD_LIMIT:
            content = content[: DISCORD_LIMIT - 1] + "…"
        return {"content": content, "allowed_mentions": {"parse": []}}
    lines = [f"*Hugging Face Daily Papers - {day}*"]
    titles = {paper.id: _slack_text(clean(latex_text(paper.title))).replace("|", "¦") for paper in top}
    lines += [
        f"{n}. {star[paper.id]}<{paper.hf_url}|{titles[paper.id]}> - 👍 {paper.upvotes}"
        for n, paper in enumerate(top, 1)
    ]
    return {"text": "\n".join(lines)}


def day_to_announce(result: RunOutcome) -> DayOutcome | None:
    """The latest day of a collect result whose post was created or updated."""
    changed = [
        done
        for done in result.days
        if done.shown and any(f.changed and "_posts" in f.path.parts for f in done.files)
    ]
    return changed[-1] if changed else None


def notify_run(settings: Settings, result: RunOutcome, interests: Interests | None = None) -> str | None:
    """Send the message for ``result`` if a post changed; returns what was announced, or None.

    Raises :class:`~dailypapers.errors.NotifyError` when the webhook fails after retries.
    """
    if not settings.notify_webhook:
        return None
    done = day_to_announce(result)
    if done is None:
        return None
    send(
        settings.notify_webhook,
        message(done.day, done.papers, settings, interests),
        deadline=settings.request_deadline,
        max_bytes=settings.max_response_mb * MB,
    )
    return f"{settings.notify_format}: {done.day}"


def send(
    url: str,
    payload: Payload,
    *,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = DEFAULT_MAX_MB * MB,
    retry: RetryPolicy | None = None,
) -> None:
    """POST ``payload`` to the webhook; :class:`NotifyError` unless it answers 2xx.

    Only a 2xx is a delivery: a redirect is not followed (the message would be posted
    again somewhere the user did not choose, or lost as a GET) and counts as a failure.
    Errors never show the URL: a webhook URL is a secret.
    """
    try:
        answer = post_json(url, payload, deadline=deadline, max_bytes=max_bytes, retry=retry)
    except Exhausted as exhausted:
        raise NotifyError(f"the webhook did not take the message: {exhausted.describe()}") from None
    except Refused as refused:
        raise NotifyError(f"the webhook did not take the message: {refused.reason}") from None
    if 200 <= answer.status < 300:
        return
    if answer.redirect is not None:
        raise NotifyError(
            f"the webhook answered with a redirect (HTTP {answer.status}), which is not followed; "
            "the message was not delivered: set notify.webhook to the final URL"
        )
    raise NotifyError(f"the webhook refused the message ({describe_status(answer.status)})")
