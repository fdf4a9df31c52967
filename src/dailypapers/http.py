"""Every HTTP request of dailypapers goes through here: the Hub, ``doctor`` and the webhook.

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
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import ipaddress
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from dailypapers import ratelimit
from dailypapers.ratelimit import Cancelled as Cancelled  # raised here too: one exception for both
from dailypapers.ratelimit import RateBudget as RateBudget
from dailypapers.redact import mask_url as mask_url  # where the callers of http find it

if TYPE_CHECKING:
    import ssl

    import httpx2

DEFAULT_DEADLINE = 30.0  # seconds for one request, all phases
DEFAULT_MAX_MB = 16  # a day of the Hub is about 0.1 MB
MB = 1024 * 1024
PHASE_TIMEOUT = 10.0  # seconds without progress in one phase (connect, a read, a write)
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_ENCODINGS = {"gzip", "x-gzip", "deflate"}  # what we ask for; anything else is refused
T = TypeVar("T")


# --- outcomes ----------------------------------------------------------------------------


class Transient(Exception):
    """A failure worth retrying (timeout, network error, transient status, garbled body).

    ``data_error`` marks a complete answer whose body is unusable (retried: usually a
    hiccup, but reported as bad data when it persists); ``paced``, a refusal the rate budget
    waits out before the next try.
    """

    def __init__(
        self, reason: str, retry_after: float | None = None, *, data_error: bool = False, paced: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.data_error = data_error
        # A 429 whose wait the client's RateBudget holds the next try for (the Hub announced
        # its window): no backoff of ours on top, and the wait is the window's, not the budget's.
        self.paced = paced


class Refused(Exception):
    """A failure not worth retrying: the answer is too large, the URL is unusable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Exhausted(Exception):
    """Every try failed; ``failure`` is the last one."""

    def __init__(self, failure: Transient, tries: int, asked_wait: float | None = None) -> None:
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


# --- retries -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``attempts`` tries in all, each wait capped, all within ``budget`` seconds."""

    attempts: int = 6
    backoff: float = 0.5  # first wait; doubles each try
    max_wait: float = 16.0
    budget: float = 60.0
    jitter: float = 0.1  # fraction of each wait added at random, so parallel clients spread out


class Pause:
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
    pause: Pause | None = None,
    cancelled: threading.Event | None = None,
) -> T:
    """``attempt()``, tried again after each :class:`Transient` failure with capped exponential
    backoff (or the server's ``Retry-After``), until it succeeds, the tries run out or the
    next wait would overrun the budget; then :class:`Exhausted` with the last failure.

    ``Retry-After`` is obeyed as given (``max_wait`` caps only our own backoff) as long as it
    fits in the budget; with a shared ``pause``, every caller waits it out before its next try.
    Once ``cancelled`` is set, :class:`Cancelled` is raised instead of any new try.
    """
    # Time spent waiting for the Hub's rate-limit window is not failing: it extends the budget.
    start, waited_before = time.monotonic(), ratelimit.waited()

    def deadline() -> float:
        return start + policy.budget + (ratelimit.waited() - waited_before)

    failure: Transient | None = None
    tries = 0

    def check() -> None:
        if cancelled is not None and cancelled.is_set():
            raise Cancelled

    while tries < policy.attempts:
        check()
        if pause is not None and (left := pause.left()) > 0:
            if time.monotonic() + left > deadline():
                raise Exhausted(failure or Transient(pause.reason), tries, asked_wait=left)
            sleep(left)
            check()
        tries += 1
        try:
            return attempt()
        except Transient as transient:
            failure = transient
        if tries == policy.attempts:
            break
        if failure.paced:
            continue  # the next try waits in the rate budget for the window the Hub announced
        wait = failure.retry_after
        if wait is not None:
            if time.monotonic() + wait > deadline():
                raise Exhausted(failure, tries, asked_wait=wait)
            if pause is not None:
                pause.extend(wait, failure.reason)
                continue  # the wait happens at the top of the loop, with the other threads
        else:
            wait = policy.backoff * 2 ** (tries - 1)
            wait = min(wait + wait * policy.jitter * random.random(), policy.max_wait)
            if time.monotonic() + wait > deadline():
                break
        check()
        sleep(wait)
    assert failure is not None
    raise Exhausted(failure, tries)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value) if len(value) < 10 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return max(0.0, when.timestamp() - time.time())


def describe_status(status: int) -> str:
    if status == 429:
        return "HTTP 429 (rate limited)"
    return f"HTTP {status}"


# --- URLs --------------------------------------------------------------------------------


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


# --- the deadline, enforced on every socket operation -------------------------------------

_current = threading.local()  # .deadline: time.monotonic() by which the request must be done


def _bounded(timeout: float | None, kind: str) -> float | None:
    """``timeout`` cut to the time left before this thread's deadline; a timeout error once
    it has passed (httpcore turns it into httpx's timeout exceptions)."""
    deadline: float | None = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore2

        error = {"connect": httpcore2.ConnectTimeout, "write": httpcore2.WriteTimeout}
        raise error.get(kind, httpcore2.ReadTimeout)("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of ``host``, looked up in a thread that is not waited for beyond
    ``timeout`` (a connect timeout then: the lookup is part of connecting)."""
    import httpcore2

    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    found: list[Any] = []

    def look_up() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as error:
            found.append(error)
        except (UnicodeError, ValueError):  # a label empty or over 63 characters, not IDNA...
            found.append(OSError(f"the host name {host[:80]!r} is not valid"))

    lookup = threading.Thread(target=look_up, name="dns", daemon=True)
    lookup.start()
    lookup.join(timeout)
    if not found:
        raise httpcore2.ConnectTimeout(f"no address for {host} in time")
    if isinstance(found[0], OSError):
        raise httpcore2.ConnectError(str(found[0]))
    addresses = [str(info[4][0]) for info in found[0]]
    return list(dict.fromkeys(addresses))


def _deadline_backend() -> Any:
    """An httpcore network backend whose streams never wait past the current deadline."""
    import httpcore2

    class DeadlineStream(httpcore2.NetworkStream):
        def __init__(self, inner: httpcore2.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, _bounded(timeout, "read"))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, _bounded(timeout, "write"))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore2.NetworkStream:
            inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, "connect"))
            return DeadlineStream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class DeadlineBackend(httpcore2.NetworkBackend):
        def __init__(self) -> None:
            self._inner = httpcore2.SyncBackend()

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore2.NetworkStream:
            # The name is looked up here, within the deadline (the system resolver has none),
            # then each address is tried in turn; TLS still checks the certificate against
            # the name (httpcore passes it to start_tls).
            failure: Exception = httpcore2.ConnectError(f"no address for {host}")
            for address in _addresses(host, port, _bounded(timeout, "connect")):
                try:
                    bounded = _bounded(timeout, "connect")
                    inner = self._inner.connect_tcp(address, port, bounded, local_address, socket_options)
                except httpcore2.ConnectError as error:
                    failure = error
                    continue
                return DeadlineStream(inner)
            raise failure

        def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
        ) -> httpcore2.NetworkStream:
            bounded = _bounded(timeout, "connect")
            return DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

        def sleep(self, seconds: float) -> None:
            self._inner.sleep(seconds)

    return DeadlineBackend()


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS context of every client: built once per process, as loading the system's
    certificates takes tens of milliseconds each time."""
    import httpx2

    return httpx2.create_ssl_context()


def _client(hub_hooks: bool) -> httpx2.Client:
    """An httpx client that never follows redirects, whose direct connections obey the deadline.

    With ``hub_hooks``, huggingface_hub's request hook runs as for its own requests
    (``HF_HUB_OFFLINE`` is honoured, each request gets an id for the Hub's logs).
    """
    import httpcore2
    import httpx2

    transport = httpx2.HTTPTransport(verify=_ssl_context())
    # httpx offers no public way to give its transport a network backend; the pool it
    # builds is replaced by the same pool with ours (tests/test_hostile.py checks a
    # dripping server is cut off, so a change in httpx cannot go unnoticed).
    transport._pool = httpcore2.ConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_deadline_backend(),
    )
    hooks: dict[str, list[Callable[..., Any]]] = {}
    if hub_hooks:
        from huggingface_hub.utils._http import hf_request_event_hook

        hooks["request"] = [hf_request_event_hook]
    return httpx2.Client(transport=transport, follow_redirects=False, event_hooks=hooks)


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
        self._client = _client(hub_hooks)

    def cancel(self) -> None:
        """Start no new try (each request in flight still ends within its deadline)."""
        self.cancelled.set()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
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
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
    ) -> Answer:
        import httpx2

        started = time.monotonic()
        _current.deadline = started + self.deadline
        sent = {"accept-encoding": "gzip, deflate", **(headers or {})}
        try:
            with self._client.stream(
                method, url, params=params, headers=sent, json=json, timeout=self.timeout
            ) as response:
                status = response.status_code
                window = self.budget.observe(response.headers, status) if self.budget else None
                if status in TRANSIENT_STATUS:
                    with contextlib.suppress(Transient, Refused):
                        self._read_body(response, started)  # read, so the connection can be reused
                    wait = retry_after(response.headers.get("retry-after"))
                    paced = status == 429 and wait is None and window is not None
                    raise Transient(describe_status(status), wait, paced=paced)
                body = self._read_body(response, started)
                return Answer(status, dict(response.headers), body)
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
        finally:
            _current.deadline = None

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
                if inflate is None:
                    body += chunk
                else:
                    pending = chunk
                    while pending:
                        # At most one byte past the cap per step: a bomb never inflates further.
                        body += inflate.decompress(pending, self.max_bytes - len(body) + 1)
                        pending = inflate.unconsumed_tail
                        if len(body) > self.max_bytes:
                            break
                if len(body) > self.max_bytes:
                    raise self._too_large()
            if inflate is not None:
                body += inflate.flush()
                if not inflate.eof:
                    raise Transient(f"a {encoding} body that ends too soon", data_error=True)
        except zlib.error:
            raise Transient(f"a body that is not valid {encoding}", data_error=True) from None
        if len(body) > self.max_bytes:
            raise self._too_large()
        return bytes(body)

    def _too_large(self) -> Refused:
        return Refused(f"the answer is larger than {self.max_bytes / MB:g} MB (setting max_response_mb)")


def post_json(
    url: str,
    payload: Any,
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
