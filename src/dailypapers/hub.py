"""Fetching a day's papers from the Hugging Face Hub: the one place where HTTP happens.

We call ``GET {endpoint}/api/daily_papers?date=D&p=P&limit=L`` with huggingface_hub's own
session, headers (``HF_TOKEN``, user agent) and endpoint (``HF_ENDPOINT``), so the tool
behaves like the rest of the Hub ecosystem. We parse the JSON ourselves instead of using
``HfApi.list_daily_papers``: its ``PaperInfo`` turns 0 upvotes into ``None``, one malformed
entry aborts the whole page, and the call has neither a timeout nor retries. Here every
request has a timeout, and transient failures (timeouts, connection errors, 429, 5xx) are
retried with capped exponential backoff that honours ``Retry-After``, within a total budget.
A ``Retry-After`` pauses every fetch thread of the client, not only the one that was told.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from dailypapers.errors import HubDataError, HubHTTPError, HubUnavailable, NotifyError

if TYPE_CHECKING:
    import httpx2

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 papers a day: far beyond any real day, stops a server that ignores `p`.
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_BEARER = re.compile(r"Bearer\s+[^\s'\")]+", re.IGNORECASE)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``attempts`` tries in all, each wait capped, all within ``budget`` seconds."""

    attempts: int = 6
    backoff: float = 0.5  # first wait; doubles each try
    max_wait: float = 16.0
    budget: float = 60.0
    jitter: float = 0.1  # fraction of each wait added at random, so parallel clients spread out


class _Transient(Exception):
    """A failure worth retrying; internal to this module."""

    def __init__(
        self, reason: str, retry_after: float | None = None, data_error: HubDataError | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.data_error = data_error


class _Exhausted(Exception):
    def __init__(self, failure: _Transient, tries: int, asked_wait: float | None = None) -> None:
        super().__init__(failure.reason)
        self.failure = failure
        self.tries = tries
        self.asked_wait = asked_wait  # a Retry-After that would overrun the budget

    def describe(self) -> str:
        """``HTTP 503 after 6 tries``, and the wait the server asked for if that is why we stop."""
        if self.tries:
            text = f"{self.failure.reason} after {self.tries} {'try' if self.tries == 1 else 'tries'}"
        else:  # stopped by a pause another thread was told to make
            text = f"{self.failure.reason} on another request"
        if self.asked_wait is not None:
            text += f", and it asks to wait {self.asked_wait:.0f} s (Retry-After), beyond the retry budget"
        return text


class _Pause:
    """A wait shared by every thread of a client: when a ``Retry-After`` tells one fetch to
    wait, the others wait too, since a rate limit is per client and hammering during it
    only prolongs it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0  # time.monotonic() before which no request is sent
        self.reason = ""

    def extend(self, seconds: float, reason: str) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            if until > self._until:
                self._until, self.reason = until, reason

    def left(self) -> float:
        with self._lock:
            return self._until - time.monotonic()


def with_retries(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    pause: _Pause | None = None,
) -> T:
    """``attempt()``, tried again after each :class:`_Transient` failure with capped exponential
    backoff (or the server's ``Retry-After``), until it succeeds, the tries run out or the
    next wait would overrun the budget; then :class:`_Exhausted` with the last failure.

    ``Retry-After`` is obeyed as given (``max_wait`` caps only our own backoff) as long as it
    fits in the budget; with a shared ``pause``, every caller waits it out before its next try.
    """
    deadline = time.monotonic() + policy.budget
    failure: _Transient | None = None
    tries = 0
    while tries < policy.attempts:
        if pause is not None and (left := pause.left()) > 0:
            if time.monotonic() + left > deadline:
                raise _Exhausted(failure or _Transient(pause.reason), tries, asked_wait=left)
            sleep(left)
        tries += 1
        try:
            return attempt()
        except _Transient as transient:
            failure = transient
        if tries == policy.attempts:
            break
        wait = failure.retry_after
        if wait is not None:
            if time.monotonic() + wait > deadline:
                raise _Exhausted(failure, tries, asked_wait=wait)
            if pause is not None:
                pause.extend(wait, failure.reason)
                continue  # the wait happens at the top of the loop, with the other threads
        else:
            wait = policy.backoff * 2 ** (tries - 1)
            wait = min(wait + wait * policy.jitter * random.random(), policy.max_wait)
            if time.monotonic() + wait > deadline:
                break
        sleep(wait)
    assert failure is not None
    raise _Exhausted(failure, tries)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe_status(status: int) -> str:
    if status == 429:
        return "HTTP 429 (rate limited)"
    return f"HTTP {status}"


class HubClient:
    """Fetches a day's raw entries, page by page.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (read when the client is made) and ``token`` to
    huggingface_hub's usual lookup (``HF_TOKEN``, then the saved login). ``client`` lets
    tests pass an ``httpx2.Client`` with a mock transport; by default the session shared by
    huggingface_hub is used. ``requests`` counts the HTTP requests sent, for benchmarks.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        token: str | bool | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        page_size: int = PAGE_SIZE,
        client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.page_size = page_size
        self._client = client
        self._sleep = sleep
        self._lock = threading.Lock()
        self._header_cache: dict[str, str] | None = None
        self._pause = _Pause()
        self.requests = 0

    def _session(self) -> httpx2.Client:
        if self._client is None:
            # Imported here: huggingface_hub costs ~0.2 s to import and `--help` must stay fast.
            from huggingface_hub import get_session

            self._client = get_session()
        return self._client

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
            self._header_cache = headers
        return self._header_cache

    def fetch_day(self, day: str) -> list[Any]:
        """Every raw entry listed for ``day`` (YYYY-MM-DD), in the Hub's order."""
        entries: list[Any] = []
        previous: list[Any] | None = None
        for page in range(MAX_PAGES):
            batch = self._get_page(day, page)
            if batch == previous:  # the server ignores `p`: do not loop forever
                break
            entries.extend(batch)
            if len(batch) < self.page_size:
                break
            previous = batch
        return entries

    def _get_page(self, day: str, page: int) -> list[Any]:
        url = f"{self.endpoint}/api/daily_papers"
        params = {"date": day, "p": page, "limit": self.page_size}
        headers = self._headers()
        attempt = lambda: self._try_once(day, url, params, headers)  # noqa: E731
        try:
            return with_retries(attempt, self.retry, self._sleep, self._pause)
        except _Exhausted as exhausted:
            raise self._failed(day, exhausted) from None

    @staticmethod
    def _failed(day: str, exhausted: _Exhausted) -> HubDataError | HubUnavailable:
        """The one-line error of a request that kept failing: date, cause and status, what to do."""
        if exhausted.failure.data_error is not None:
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
        params = {"date": day, "p": 0, "limit": 1}
        try:
            self._try_once(day, f"{self.endpoint}/api/daily_papers", params, self._headers())
        except _Transient as failure:
            raise self._failed(day, _Exhausted(failure, 1)) from None

    def _try_once(self, day: str, url: str, params: dict[str, Any], headers: dict[str, str]) -> list[Any]:
        """One request: the page, or :class:`_Transient` (retry), or a final :class:`HubError`."""
        from huggingface_hub.errors import OfflineModeIsEnabled

        with self._lock:
            self.requests += 1
        try:
            response = _send(
                lambda: self._session().get(url, params=params, headers=headers, timeout=self.timeout),
                self.timeout,
            )
        except OfflineModeIsEnabled:
            raise HubUnavailable("HF_HUB_OFFLINE is set; unset it to reach the Hub", day=day) from None
        status = response.status_code
        if status == 200:
            try:
                return self._parse(day, response.content)
            except HubDataError as error:
                # A truncated or garbled body is usually a hiccup: retry it like a 5xx.
                reason = str(error).removeprefix(f"{day}: ") + " (HTTP 200)"
                raise _Transient(reason, data_error=error) from None
        raise HubHTTPError(
            f"the Hub refused the request ({_describe_status(status)}{self._error_detail(response)}); "
            + _what_to_do(status),
            day=day,
            status=status,
        )

    def _error_detail(self, response: httpx2.Response) -> str:
        """The Hub's own error message, if it sent one (``{"error": "..."}``), cut short.

        A server or proxy may quote the credentials it refused: they are masked before the
        message can reach a terminal or a log.
        """
        try:
            message = response.json().get("error")
        except (ValueError, AttributeError):
            return ""
        if not message:
            return ""
        text = _BEARER.sub("Bearer ***", str(message))
        token = self._headers().get("authorization", "").removeprefix("Bearer ")
        if token:
            text = text.replace(token, "***")
        return f": {text[:120]}"

    @staticmethod
    def _parse(day: str, body: bytes) -> list[Any]:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            start = body[:40].decode("utf-8", "replace").strip()
            kind = "an HTML page" if start.lower().startswith(("<!doctype", "<html")) else "invalid JSON"
            raise HubDataError(f"the Hub answered with {kind}, not a list of papers", day=day) from None
        if not isinstance(data, list):
            raise HubDataError(
                f"the Hub answered with a JSON {type(data).__name__}, not a list of papers", day=day
            )
        return data


def _what_to_do(status: int) -> str:
    if status in (401, 403):
        return "check HF_TOKEN (daily papers need no login: unset it to go anonymous) and HF_ENDPOINT"
    return "check the date and HF_ENDPOINT"


def _send(request: Callable[[], httpx2.Response], timeout: float) -> httpx2.Response:
    """One HTTP exchange: its response, or :class:`_Transient` for a timeout, a network error
    or a status worth retrying (with the server's ``Retry-After``)."""
    import httpx2

    try:
        response = request()
    except httpx2.TimeoutException:
        raise _Transient(f"no answer within {timeout:g} s") from None
    except httpx2.TransportError as error:
        raise _Transient(f"network error ({type(error).__name__})") from None
    if response.status_code in TRANSIENT_STATUS:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise _Transient(_describe_status(response.status_code), retry_after)
    return response


def post_json(
    url: str,
    payload: Any,
    *,
    timeout: float = 10.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST ``payload`` as JSON (a webhook), with the same timeout and retry rules as the Hub.

    Errors never show the URL: a webhook URL is a secret.
    """
    import httpx2

    def attempt() -> None:
        status = _send(lambda: httpx2.post(url, json=payload, timeout=timeout), timeout).status_code
        if status >= 400:
            raise NotifyError(f"the webhook refused the message ({_describe_status(status)})")

    try:
        with_retries(attempt, retry or RetryPolicy(attempts=3, budget=30), sleep)
    except _Exhausted as exhausted:
        raise NotifyError(f"the webhook did not take the message: {exhausted.describe()}") from None
