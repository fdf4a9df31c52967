"""Fetching a day's papers from the Hugging Face Hub.

We call ``GET {endpoint}/api/daily_papers?date=D&p=P&limit=L`` with huggingface_hub's
request hook, headers (``HF_TOKEN``, user agent) and endpoint (``HF_ENDPOINT``), so the tool
behaves like the rest of the Hub ecosystem. We parse the JSON ourselves instead of using
``HfApi.list_daily_papers``: its ``PaperInfo`` turns 0 upvotes into ``None``, one malformed
entry aborts the whole page, and the call has neither a timeout nor retries. The requests
themselves (deadline, size cap, retries, no redirects) are :mod:`dailypapers.http`'s.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from dailypapers import redact
from dailypapers.errors import ConfigError, HubDataError, HubHTTPError, HubUnavailable
from dailypapers.http import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_MB,
    MB,
    PHASE_TIMEOUT,
    Answer,
    Exhausted,
    Http,
    Pause,
    QueryParams,
    RateBudget,
    Refused,
    RetryPolicy,
    Transient,
    check_url,
    describe_status,
    with_retries,
)

__all__ = ["DEFAULT_ENDPOINT", "HubClient", "RetryPolicy", "endpoint_from_environment"]

T = TypeVar("T")  # what a request's answer is parsed into

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 papers a day: far beyond any real day, stops a server that ignores `p`.
PAPER_ATTEMPTS = 3  # tries of one paper's /api/papers/{id} (each within the retry budget)
_BEARER = re.compile(r"Bearer\s+[^\s'\")]+", re.IGNORECASE)
# A JSON escape of a UTF-16 surrogate; only then is the slower check for lone ones made.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def endpoint_from_environment(value: str | None = None) -> str:
    """The Hub's address: ``value``, else ``HF_ENDPOINT``, else the Hub; checked, so that a
    typo is one clear line instead of a network error retried for a minute. The message
    never repeats the address: it may hold credentials."""
    endpoint = value or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    try:
        return check_url(endpoint)
    except Refused as refused:
        where = "the Hub endpoint" if value else "HF_ENDPOINT"
        raise ConfigError(
            f"{where} is not usable: {refused.reason}; set it to an address such as {DEFAULT_ENDPOINT}"
        ) from None


class HubClient:
    """Fetches a day's raw entries, page by page.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (read and checked when the client is made:
    :class:`ConfigError` if it is not an http(s) URL) and ``token`` to huggingface_hub's
    usual lookup (``HF_TOKEN``, then the saved login). ``timeout`` bounds each phase of a
    request, ``deadline`` the whole of it, ``max_bytes`` its decompressed body. Requests are
    paced by the budget the Hub announces (:mod:`dailypapers.ratelimit`); ``notice`` receives
    a line when a fetch waits long for the next window. ``requests`` counts the HTTP
    requests sent, for benchmarks.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        token: str | bool | None = None,
        timeout: float = PHASE_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_MB * MB,
        retry: RetryPolicy | None = None,
        page_size: int = PAGE_SIZE,
        sleep: Callable[[float], None] = time.sleep,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint = endpoint_from_environment(endpoint)
        self.token = token
        self.retry = retry or RetryPolicy()
        self.page_size = page_size
        # The Hub's announced budget (RateLimit headers), shared by every fetch of this client.
        self.budget = RateBudget(notice=notice)
        self.http = Http(
            deadline=deadline, max_bytes=max_bytes, timeout=timeout, hub_hooks=True, budget=self.budget
        )
        self._sleep = sleep
        self._lock = threading.Lock()
        self._header_cache: dict[str, str] | None = None
        self._pause = Pause()
        self.requests = 0

    def cancel(self) -> None:
        """No new request or retry from now on (Ctrl-C): pending fetches end at once."""
        self.http.cancel()

    def _headers(self) -> dict[str, str]:
        """User agent and, when there is a token, its bearer header; computed once.

        Built here rather than with ``build_hf_headers``, which (unless telemetry is off)
        asks the Hub for its list of AI agents: a request per process we do not want.
        """
        if self._header_cache is None:
            import huggingface_hub

            from dailypapers import __version__

            token = self.token
            if token is None or token is True:
                token = huggingface_hub.get_token()  # HF_TOKEN, then the saved login
            headers = {"user-agent": f"dailypapers/{__version__}; hf_hub/{huggingface_hub.__version__}"}
            if isinstance(token, str) and token:
                headers["authorization"] = f"Bearer {token}"
                redact.remember(token)  # the saved login's too: never printed or written
            self._header_cache = headers
        return self._header_cache

    def fetch_day(self, day: str) -> list[object]:
        """Every raw entry listed for ``day`` (YYYY-MM-DD), in the Hub's order."""
        entries: list[object] = []
        previous: list[object] | None = None
        for page in range(MAX_PAGES):
            batch = self._get_page(day, page)
            if batch == previous:  # the server ignores `p`: do not loop forever
                break
            entries.extend(batch)
            if len(batch) < self.page_size:
                break
            previous = batch
        return entries

    def _get_page(self, day: str, page: int) -> list[object]:
        url = f"{self.endpoint}/api/daily_papers"
        params: QueryParams = {"date": day, "p": page, "limit": self.page_size}
        headers = self._headers()
        attempt = lambda: self._try_once(day, url, params, headers, self._parse)  # noqa: E731
        try:
            return with_retries(attempt, self.retry, self._sleep, self._pause, self.http.cancelled)
        except Exhausted as exhausted:
            raise self._failed(day, exhausted) from None

    @staticmethod
    def _failed(day: str, exhausted: Exhausted) -> HubDataError | HubUnavailable:
        """The one-line error of a request that kept failing: date, cause and status, what to do."""
        if exhausted.failure.data_error:
            return HubDataError(
                f"{exhausted.describe()}; check HF_ENDPOINT, or try again later",
                day=day,
            )
        return HubUnavailable(
            f"the Hub is unavailable: {exhausted.describe()}; "
            "try again later (the next scheduled run will catch up)",
            day=day,
        )

    def ping(self, day: str) -> None:
        """One request for ``day``'s first paper, without retrying; :class:`HubError` if it fails."""
        params: QueryParams = {"date": day, "p": 0, "limit": 1}
        try:
            self._try_once(day, f"{self.endpoint}/api/daily_papers", params, self._headers(), self._parse)
        except Transient as failure:
            raise self._failed(day, Exhausted(failure, 1)) from None

    def fetch_paper(self, paper_id: str) -> dict[str, object]:
        """The raw answer of ``GET /api/papers/{paper_id}`` (what came of the paper: see
        :mod:`dailypapers.paperinfo`), through the same requests, budget and pacing as the days.
        Tried at most :data:`PAPER_ATTEMPTS` times: a paper's counts are worth less than a day.
        :class:`HubError` (its ``day`` is the paper id) when it fails."""
        url = f"{self.endpoint}/api/papers/{paper_id}"
        headers = self._headers()
        policy = dataclasses.replace(self.retry, attempts=min(self.retry.attempts, PAPER_ATTEMPTS))

        def attempt() -> dict[str, object]:
            return self._try_once(paper_id, url, {}, headers, parse=_parse_paper)

        try:
            return with_retries(attempt, policy, self._sleep, self._pause, self.http.cancelled)
        except Exhausted as exhausted:
            raise self._failed(paper_id, exhausted) from None
        except HubHTTPError as error:
            if error.status != 404:
                raise
            raise HubHTTPError("the Hub has no such paper (HTTP 404)", day=paper_id, status=404) from None

    def _try_once(
        self,
        day: str,
        url: str,
        params: QueryParams,
        headers: dict[str, str],
        parse: Callable[[str, bytes], T],
    ) -> T:
        """One request: what ``parse`` makes of the body (a page, a paper), or
        :class:`Transient` (retry), or a final :class:`HubError`."""
        from huggingface_hub.errors import OfflineModeIsEnabled

        with self._lock:
            self.requests += 1
        try:
            answer = self.http.request("GET", url, params=params, headers=headers)
        except OfflineModeIsEnabled:
            raise HubUnavailable("HF_HUB_OFFLINE is set; unset it to reach the Hub", day=day) from None
        except Refused as refused:
            raise HubDataError(f"{refused.reason}; check HF_ENDPOINT", day=day) from None
        status = answer.status
        if status == 200:
            try:
                return parse(day, answer.body)
            except HubDataError as error:
                # A truncated or garbled body is usually a hiccup: retry it like a 5xx.
                reason = str(error).removeprefix(f"{day}: ") + " (HTTP 200)"
                raise Transient(reason, data_error=True) from None
        if answer.redirect is not None:
            raise HubHTTPError(
                f"the Hub redirected the request (HTTP {status} to {answer.redirect[:120]}), "
                "and redirects are not followed; set HF_ENDPOINT to the address that answers",
                day=day,
                status=status,
            )
        raise HubHTTPError(
            f"the Hub refused the request ({describe_status(status)}{self._error_detail(answer)}); "
            + _what_to_do(status),
            day=day,
            status=status,
        )

    def _error_detail(self, answer: Answer) -> str:
        """The Hub's own error message, if it sent one (``{"error": "..."}``), cut short.

        A server or proxy may quote the credentials it refused: they are masked before the
        message can reach a terminal or a log.
        """
        try:
            message = json.loads(answer.body).get("error")
        except (ValueError, AttributeError, RecursionError):
            return ""
        if not message or not isinstance(message, str):
            return ""
        text = redact.mask_urls(_BEARER.sub("Bearer ***", message))
        token = self._headers().get("authorization", "").removeprefix("Bearer ")
        if token:
            text = text.replace(token, "***")
        return f": {text[:120]}".encode("utf-8", "replace").decode("utf-8")

    @staticmethod
    def _parse(day: str, body: bytes) -> list[object]:
        try:
            data = json.loads(body)
        except RecursionError:
            raise HubDataError("the Hub answered with JSON nested too deeply to be papers", day=day) from None
        except ValueError:  # not UTF-8, not JSON, or a number of more than 4300 digits
            raise HubDataError(
                f"the Hub answered with {_not_json(body)}, not a list of papers", day=day
            ) from None
        if not isinstance(data, list):
            raise HubDataError(
                f"the Hub answered with a JSON {type(data).__name__}, not a list of papers", day=day
            )
        if _SURROGATE_ESCAPE.search(body):
            try:  # pairs are text; a lone surrogate cannot be written as UTF-8 anywhere
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise HubDataError(
                    "the Hub answered with a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text",
                    day=day,
                ) from None
            except RecursionError:
                raise HubDataError("the Hub answered with JSON nested too deeply", day=day) from None
        return data


def _not_json(body: bytes) -> str:
    """What an answer that is not JSON is, as the error says it."""
    start = body[:40].decode("utf-8", "replace").strip().lower()
    return "an HTML page" if start.startswith(("<!doctype", "<html")) else "invalid JSON"


def _parse_paper(paper_id: str, body: bytes) -> dict[str, object]:
    """The JSON object of ``/api/papers/{id}``; :class:`HubDataError` for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise HubDataError(f"the Hub answered with {_not_json(body)}, not a paper", day=paper_id) from None
    if not isinstance(data, dict):
        raise HubDataError(f"the Hub answered with a JSON {type(data).__name__}, not a paper", day=paper_id)
    return data


def _what_to_do(status: int) -> str:
    if status in (401, 403):
        return "check HF_TOKEN (daily papers need no login: unset it to go anonymous) and HF_ENDPOINT"
    return "check the date and HF_ENDPOINT"
