"""Fetching a day's papers from the Hugging Face Hub: the one place where HTTP happens.

We call ``GET {endpoint}/api/daily_papers?date=D&p=P&limit=L`` with huggingface_hub's own
session, headers (``HF_TOKEN``, user agent) and endpoint (``HF_ENDPOINT``), so the tool
behaves like the rest of the Hub ecosystem. We parse the JSON ourselves instead of using
``HfApi.list_daily_papers``: its ``PaperInfo`` turns 0 upvotes into ``None``, one malformed
entry aborts the whole page, and the call has neither a timeout nor retries. Here every
request has a timeout, and transient failures (timeouts, connection errors, 429, 5xx) are
retried with capped exponential backoff that honours ``Retry-After``, within a total budget.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
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
    def __init__(self, failure: _Transient, tries: int) -> None:
        super().__init__(failure.reason)
        self.failure = failure
        self.tries = tries


def with_retries(attempt: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None]) -> T:
    """``attempt()``, tried again after each :class:`_Transient` failure with capped exponential
    backoff (or the server's ``Retry-After``), until it succeeds, the tries run out or the
    next wait would overrun the budget; then :class:`_Exhausted` with the last failure."""
    deadline = time.monotonic() + policy.budget
    for tries in range(1, policy.attempts + 1):
        try:
            return attempt()
        except _Transient as transient:
            failure = transient
        if tries == policy.attempts:
            break
        wait = failure.retry_after
        if wait is None:
            wait = policy.backoff * 2 ** (tries - 1)
            wait += wait * policy.jitter * random.random()
        wait = min(wait, policy.max_wait)
        if time.monotonic() + wait > deadline:
            break
        sleep(wait)
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
        self.requests = 0

    def _session(self) -> httpx2.Client:
        if self._client is None:
            # Imported here: huggingface_hub costs ~0.2 s to import and `--help` must stay fast.
            from huggingface_hub.utils import get_session

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
        try:
            return with_retries(lambda: self._try_once(day, url, params, headers), self.retry, self._sleep)
        except _Exhausted as exhausted:
            failure = exhausted.failure
            if failure.data_error is not None:
                raise failure.data_error from None
            raise HubUnavailable(
                f"the Hub is unavailable: {failure.reason} after {exhausted.tries} tries; "
                "try again later (the next scheduled run will catch up)",
                day=day,
            ) from None

    def _try_once(self, day: str, url: str, params: dict[str, Any], headers: dict[str, str]) -> list[Any]:
        """One request: the page, or :class:`_Transient` (retry), or a final :class:`HubError`."""
        import httpx2
        from huggingface_hub.errors import OfflineModeIsEnabled

        with self._lock:
            self.requests += 1
        try:
            response = self._session().get(url, params=params, headers=headers, timeout=self.timeout)
        except OfflineModeIsEnabled:
            raise HubUnavailable("HF_HUB_OFFLINE is set; unset it to reach the Hub", day=day) from None
        except httpx2.TimeoutException:
            raise _Transient(f"no answer within {self.timeout:g} s") from None
        except httpx2.TransportError as error:
            raise _Transient(f"network error ({type(error).__name__})") from None
        status = response.status_code
        if status == 200:
            try:
                return self._parse(day, response.content)
            except HubDataError as error:
                # A truncated or garbled body is usually a hiccup: retry it like a 5xx.
                raise _Transient(str(error), data_error=error) from None
        if status in TRANSIENT_STATUS:
            raise _Transient(_describe_status(status), _retry_after(response.headers.get("Retry-After")))
        raise HubHTTPError(
            f"the Hub refused the request ({_describe_status(status)}{_error_detail(response)}); "
            "check the date and HF_ENDPOINT",
            day=day,
            status=status,
        )

    @staticmethod
    def _parse(day: str, body: bytes) -> list[Any]:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            start = body[:40].decode("utf-8", "replace").strip()
            kind = "an HTML page" if start.lower().startswith(("<!doctype", "<html")) else "invalid JSON"
            raise HubDataError(
                f"the Hub answered with {kind}, not a list of papers; check HF_ENDPOINT", day=day
            ) from None
        if not isinstance(data, list):
            raise HubDataError(
                f"the Hub answered with a JSON {type(data).__name__}, not a list of papers", day=day
            )
        return data


def _error_detail(response: httpx2.Response) -> str:
    """The Hub's own error message, if it sent one (``{"error": "..."}``), cut short."""
    try:
        message = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return f": {str(message)[:120]}" if message else ""


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
        try:
            response = httpx2.post(url, json=payload, timeout=timeout)
        except httpx2.TimeoutException:
            raise _Transient(f"no answer within {timeout:g} s") from None
        except httpx2.TransportError as error:
            raise _Transient(f"network error ({type(error).__name__})") from None
        status = response.status_code
        if status in TRANSIENT_STATUS:
            raise _Transient(_describe_status(status), _retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise NotifyError(f"the webhook refused the message ({_describe_status(status)})")

    try:
        with_retries(attempt, retry or RetryPolicy(attempts=3, budget=30), sleep)
    except _Exhausted as exhausted:
        raise NotifyError(
            f"the webhook did not take the message: {exhausted.failure.reason} after {exhausted.tries} tries"
        ) from None
