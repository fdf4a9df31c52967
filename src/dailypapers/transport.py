"""The deadline transport: an httpx client whose every socket operation ends by the deadline.

httpx's timeouts are per phase and per read, so a server dripping a byte a second never
trips them. Here the network backend of httpx's connection pool reads a per-thread deadline
(:func:`deadline`) and cuts every name lookup, connect, TLS handshake, read and write to the
time left.

This is the one place that leans on private APIs, each checked by tests/test_transport.py so
that an upgrade that moves them fails loudly instead of silently dropping the deadline:

- httpx offers no public way to give its transport a network backend: the pool an
  ``HTTPTransport`` builds (``_pool``) is replaced by the same pool with ours;
- huggingface_hub's request hook (``huggingface_hub.utils._http.hf_request_event_hook``),
  which honours ``HF_HUB_OFFLINE`` and gives each request an id for the Hub's logs, is not
  exported.

Imported only when a client is made: httpx and httpcore take a while to import.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore2
import httpx2

_current = threading.local()  # .deadline: time.monotonic() by which the request must be done


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread inside the block ends within ``seconds`` from now."""
    _current.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _current.deadline = None


def _bounded(timeout: float | None, kind: str) -> float | None:
    """``timeout`` cut to the time left before this thread's deadline; a timeout error once
    it has passed (httpcore turns it into httpx's timeout exceptions)."""
    until: float | None = getattr(_current, "deadline", None)
    if until is None:
        return timeout
    left = until - time.monotonic()
    if left <= 0:
        error = {"connect": httpcore2.ConnectTimeout, "write": httpcore2.WriteTimeout}
        raise error.get(kind, httpcore2.ReadTimeout)("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of ``host``, looked up in a thread that is not waited for beyond
    ``timeout`` (a connect timeout then: the lookup is part of connecting; the system
    resolver has no timeout of its own)."""
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


class DeadlineStream(httpcore2.NetworkStream):
    """A connection whose reads, writes and TLS handshake never wait past the deadline."""

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
    """httpcore's network backend, each connection a :class:`DeadlineStream`."""

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
        # The name is looked up here, within the deadline, then each address is tried in
        # turn; TLS still checks the certificate against the name (httpcore passes it to
        # start_tls).
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


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """The TLS context of every client: built once per process, as loading the system's
    certificates takes tens of milliseconds each time."""
    return httpx2.create_ssl_context()


def deadline_transport() -> httpx2.HTTPTransport:
    """httpx's transport with its connection pool on :class:`DeadlineBackend` (private: ``_pool``)."""
    transport = httpx2.HTTPTransport(verify=ssl_context())
    transport._pool = httpcore2.ConnectionPool(
        ssl_context=ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=DeadlineBackend(),
    )
    return transport


def hub_request_hook() -> Callable[[httpx2.Request], Any]:
    """huggingface_hub's hook run before each of its own requests (private: not exported)."""
    from huggingface_hub.utils._http import hf_request_event_hook

    return hf_request_event_hook


def client(hub_hooks: bool) -> httpx2.Client:
    """An httpx client that never follows redirects, whose connections obey the deadline.

    With ``hub_hooks``, huggingface_hub's request hook runs as for its own requests
    (``HF_HUB_OFFLINE`` is honoured, each request gets an id for the Hub's logs).
    """
    hooks: dict[str, list[Callable[..., Any]]] = {"request": [hub_request_hook()]} if hub_hooks else {}
    return httpx2.Client(transport=deadline_transport(), follow_redirects=False, event_hooks=hooks)
