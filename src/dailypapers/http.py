"""Every HTTP request of dailypapers goes through here: the Hub, ``doctor``, the model and the webhook.

What each request gets, whoever sends it:

- a total deadline covering the name lookup, connect, TLS, headers and body. httpx's
  timeouts are per phase and per read, so a server dripping a byte a second never trips
  them; here every socket operation is bounded by the time left (a network backend that
  reads a per-thread deadline), and the body is read in a loop that checks the clock;
- a cap on the body once decompressed: the body is inflated here, chunk by chunk, with a
  bound on each step, so a small gzip bomb stops at the cap instead of filling memory;
- no redirect followed: a 3xx is an answer like any other for the caller to refuse;
- retries of what is worth retrying (timeouts, network errors, 408/425/429/5xx) with capped
  exponential backoff within a budget, honouring ``Retry-After`` (as a pause shared by
  every thread of a client: a rate limit is per client);
- cancellation: after :meth:`Http.cancel` no new try starts and no retry waits.

Callers turn the outcome into their own errors from :mod:`dailypapers.errors`. URLs are
printed only through :func:`~dailypapers.redact.mask_url` (re-exported here).

This module is the client API (:class:`Http`, :class:`Answer`, :func:`post_json`, URL checks);
the retries are :mod:`dailypapers.retry`'s and the deadline on every socket operation is
:mod:`dailypapers.transport`'s (the one module on private httpx and huggingface_hub APIs).
Their names callers need are re-exported here.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dailypapers.ratelimit import Cancelled as Cancelled  # raised here too: one exception for both
from dailypapers.ratelimit import RateBudget as RateBudget
from dailypapers.redact import mask_url as mask_url  # where the callers of http find it
from dailypapers.retry import Exhausted as Exhausted
from dailypapers.retry import Pause as Pause
from dailypapers.retry import RetryPolicy as RetryPolicy
from dailypapers.retry import Transient as Transient
from dailypapers.retry import retry_after as retry_after
from dailypapers.retry import with_retries as with_retries

if TYPE_CHECKING:
    import httpx2

DEFAULT_DEADLINE = 30.0  # seconds for one request, all phases
DEFAULT_MAX_MB = 16  # a day of the Hub is about 0.1 MB
QueryParams = Mapping[str, str | int | float | bool | None]  # a request's query, as httpx takes it
MB = 1024 * 1024
PHASE_TIMEOUT = 10.0  # seconds without progress in one phase (connect, a read, a write)
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_ENCODINGS = {"gzip", "x-gzip", "deflate"}  # what we ask for; anything else is refused


# --- outcomes ----------------------------------------------------------------------------


class Refused(Exception):
    """A failure not worth retrying: the answer is too large, the URL is unusable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete HTTP answer: its status, headers and body (decompressed, within the cap)."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def redirect(self) -> str | None:
        """Where a 3xx points (credentials masked), or None if this is not a redirect."""
        if self.status not in REDIRECT_STATUS:
            return None
        return mask_url(self.headers.get("location", "")) or "nowhere"


# --- statuses and URLs ------------------------------------------------------------------


def describe_status(status: int) -> str:
    if status == 429:
        return "HTTP 429 (rate limited)"
    return f"HTTP {status}"


# What urllib says about a URL without quoting any part of it.
_UNQUOTING_ERRORS = frozenset({"Invalid IPv6 URL", "Port out of range 0-65535"})


def check_url(url: str) -> str:
    """``url`` without trailing slash if it is a usable http(s) URL; else :class:`Refused`
    saying why (the URL itself is not repeated: it may hold credentials)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        # Other messages quote the port or host, which may be a pasted secret.
        said = str(error) if str(error) in _UNQUOTING_ERRORS else "its host or port is malformed"
        raise Refused(f"it is not a valid URL ({said})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused("it does not start with http:// or https://")
    if not parts.hostname:
        raise Refused("it names no host")
    if parts.query or parts.fragment:
        raise Refused("it has a query or a fragment")
    check_host_name(parts.hostname)
    import httpx2

    try:
        httpx2.URL(text)
    except httpx2.InvalidURL:
        raise Refused("it is not a valid URL") from None
    return text.rstrip("/")


def check_host_name(host: str) -> None:
    """:class:`Refused` for a host name that no name lookup can take: an empty label
    (``huggingface..co``), a label over 63 characters, or one IDNA cannot encode. The
    lookup would fail with a Unicode error instead, on every try."""
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        host.encode("idna")
    except UnicodeError:
        raise Refused(
            "its host name is not valid (an empty label, one over 63 characters, or not IDNA)"
        ) from None


# --- one request -------------------------------------------------------------------------


class Http:
    """Sends requests with a total ``deadline`` (seconds) and a ``max_bytes`` cap on the
    decompressed body; ``timeout`` bounds each phase (a connect, a read) within the deadline.
    ``hub_hooks``: run huggingface_hub's request hook (for requests to the Hub). Thread-safe.
    """

    def __init__(
        self,
        *,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_MB * MB,
        timeout: float = PHASE_TIMEOUT,
        hub_hooks: bool = False,
        budget: RateBudget | None = None,
    ) -> None:
        self.deadline = deadline
        self.budget = budget
        self.max_bytes = max_bytes
        self.timeout = min(timeout, deadline)
        self.cancelled = threading.Event()
        # Made now, not at the first request: building its TLS context takes tens of
        # milliseconds that must not count against the first request's retry budget.
        from dailypapers import transport  # httpx takes a while to import: not before a request

        self._client = transport.client(hub_hooks)

    def cancel(self) -> None:
        """Start no new try (each request in flight still ends within its deadline)."""
        self.cancelled.set()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        json: object = None,
    ) -> Answer:
        """One exchange: the :class:`Answer` (any status but a transient one), or
        :class:`Transient` (worth retrying), or :class:`Refused`. With a rate ``budget``, it
        is sent when the budget allows, and the answer's rate-limit headers are taken."""
        if self.cancelled.is_set():
            raise Cancelled
        with contextlib.suppress(ValueError):  # a malformed URL is httpx's to refuse, below
            check_host_name(urlsplit(url).hostname or "")
        if self.budget is None:
            return self._exchange(method, url, params, headers, json)
        with self.budget.sending(self.cancelled):
            return self._exchange(method, url, params, headers, json)

    def _exchange(
        self,
        method: str,
        url: str,
        params: QueryParams | None,
        headers: Mapping[str, str] | None,
        json: object,
    ) -> Answer:
        import httpx2

        from dailypapers import transport

        started = time.monotonic()
        sent = {"accept-encoding": "gzip, deflate", **(headers or {})}
        try:
            with (
                transport.deadline(self.deadline),
                self._client.stream(
                    method, url, params=params, headers=sent, json=json, timeout=self.timeout
                ) as response,
            ):
                return self._answer(response, started)
        except httpx2.TimeoutException:
            if time.monotonic() - started >= self.deadline:
                raise Transient(f"no complete answer within {self.deadline:g} s") from None
            raise Transient(f"no answer within {self.timeout:g} s") from None
        except (httpx2.InvalidURL, ValueError):  # its message may quote a secret from the URL
            raise Refused("the URL is not valid") from None
        except httpx2.UnsupportedProtocol:
            raise Refused("the URL does not start with http:// or https://") from None
        except httpx2.HTTPError as error:  # connection refused or reset, a broken HTTP answer...
            raise Transient(f"network error ({type(error).__name__})") from None

    def _answer(self, response: httpx2.Response, started: float) -> Answer:
        """The :class:`Answer` of ``response``, or :class:`Transient` for a transient status."""
        status = response.status_code
        window = self.budget.observe(response.headers, status) if self.budget else None
        if status in TRANSIENT_STATUS:
            with contextlib.suppress(Transient, Refused):
                self._read_body(response, started)  # read, so the connection can be reused
            wait = retry_after(response.headers.get("retry-after"))
            paced = status == 429 and wait is None and window is not None
            raise Transient(describe_status(status), wait, paced=paced)
        return Answer(status, dict(response.headers), self._read_body(response, started))

    def _read_body(self, response: httpx2.Response, started: float) -> bytes:
        """The body, decompressed here under the cap, checking the deadline at every chunk."""
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in _ENCODINGS | {"identity", ""}:
            raise Transient(f"an answer in an encoding we did not ask for ({encoding[:20]})", data_error=True)
        inflate = zlib.decompressobj(wbits=47) if encoding in _ENCODINGS else None  # gzip or zlib header
        length = response.headers.get("content-length", "")
        if inflate is None and length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large()
        body = bytearray()
        try:
            for chunk in response.iter_raw():
                if time.monotonic() - started > self.deadline:
                    raise Transient(f"no complete answer within {self.deadline:g} s")
                self._take(chunk, body, inflate)
            if inflate is not None:
                body += inflate.flush()
                if not inflate.eof:
                    raise Transient(f"a {encoding} body that ends too soon", data_error=True)
        except zlib.error:
            raise Transient(f"a body that is not valid {encoding}", data_error=True) from None
        if len(body) > self.max_bytes:
            raise self._too_large()
        return bytes(body)

    def _take(self, chunk: bytes, body: bytearray, inflate: zlib._Decompress | None) -> None:
        """``chunk`` added to ``body`` (inflated if the body is compressed); :class:`Refused`
        once the body passes the cap."""
        if inflate is None:
            body += chunk
        else:
            self._inflate(chunk, body, inflate)
        if len(body) > self.max_bytes:
            raise self._too_large()

    def _inflate(self, chunk: bytes, body: bytearray, inflate: zlib._Decompress) -> None:
        """``chunk`` inflated onto ``body``, stopping at most one byte past the cap per step:
        a bomb never inflates further."""
        pending = chunk
        while pending and len(body) <= self.max_bytes:
            body += inflate.decompress(pending, self.max_bytes - len(body) + 1)
            pending = inflate.unconsumed_tail

    def _too_large(self) -> Refused:
        return Refused(f"the answer is larger than {self.max_bytes / MB:g} MB (setting max_response_mb)")


def post_json(
    url: str,
    payload: object,
    *,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = DEFAULT_MAX_MB * MB,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """POST ``payload`` as JSON, retried like any request; the last :class:`Answer`.

    Raises :class:`Exhausted` or :class:`Refused`; the caller judges the status.
    """
    http = Http(deadline=deadline, max_bytes=max_bytes)
    return with_retries(
        lambda: http.request("POST", url, json=payload), retry or RetryPolicy(attempts=3, budget=30), sleep
    )
