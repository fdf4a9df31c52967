"""The Hub's request budget, read from its own answers, shared by every thread of a client.

Every answer of the Hub's API says how many requests its window still allows and when the
window ends, as in the IETF draft on rate-limit headers::

    RateLimit: "api";r=499;t=298
    RateLimit-Policy: "fixed window";"api";q=500;w=300

(500 requests per 5 minutes without a token, 1,000 with one). A 429 may carry only these,
without ``Retry-After``. :class:`RateBudget` reads them on every answer (through
huggingface_hub's ``parse_ratelimit_headers``), counts the requests sent since, and holds a
request back until the window ends once the budget is spent, instead of sending what the Hub
would refuse. The first request of a client, and the first after a window ends, goes alone:
its answer tells the budget before the others follow. A server whose answer announces no
budget is not paced.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

# Longest wait believed from a header: twice the Hub's own window. A server announcing more
# is waited on for this long, then asked again.
MAX_WAIT = 600.0
# A wait shorter than this is not worth a line on the terminal.
NOTICE_AFTER = 2.0
# How often a waiting thread looks at its cancel event (Ctrl-C ends a wait this fast).
POLL = 0.25


_thread = threading.local()  # .waited: seconds this thread has spent held back by any budget


def waited() -> float:
    """Seconds the calling thread has spent waiting for windows so far: a retry budget
    leaves them out (waiting for the Hub's window is not failing)."""
    return float(getattr(_thread, "waited", 0.0))


class Cancelled(Exception):
    """The client was cancelled while waiting for the window."""


@dataclass(frozen=True, slots=True)
class Window:
    """What one answer says of the budget: requests left, seconds until the window ends, and
    the policy (``limit`` requests per ``seconds``) when it is given."""

    remaining: int
    reset_in: float
    limit: int | None = None
    seconds: int | None = None


def read_window(headers: Mapping[str, str]) -> Window | None:
    """The :class:`Window` announced by ``headers``, or None when they announce none (or
    announce it in a form that does not parse). Values are bounded: no negative counts, no
    wait beyond :data:`MAX_WAIT`."""
    # Public in huggingface_hub.utils, through a lazy import its type stubs do not re-export.
    from huggingface_hub.utils import parse_ratelimit_headers  # type: ignore[attr-defined]

    try:
        info = parse_ratelimit_headers(headers)
    except (ValueError, OverflowError):  # e.g. a count of more digits than int() accepts
        return None
    if info is None:
        return None
    reset_in = float(min(max(info.reset_in_seconds, 0), MAX_WAIT))
    return Window(max(info.remaining, 0), reset_in, info.limit, info.window_seconds)


class RateBudget:
    """The requests a client may still send in the Hub's current window.

    Wrap each request in :meth:`sending` and hand each answer's headers to :meth:`observe`.
    ``notice`` receives a line when a thread starts a long wait for the window (once per
    window). ``clock`` is :func:`time.monotonic` unless a test gives another.
    """

    def __init__(
        self,
        *,
        notice: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._notice = notice
        self._clock = clock
        self._condition = threading.Condition()
        # Until an answer says otherwise, the budget is unknown: the first request goes alone
        # (a window may have room for fewer than a client sends at once).
        self._paced = True
        self._remaining: int | None = None  # None: not known yet in this window
        self._reset_at = 0.0  # clock() when the current window ends
        self._limit: int | None = None
        self._in_flight = 0
        self._probe_out = False  # the first request of a new window is out
        self._noticed_window = -1.0
        self.waits = 0  # requests held back until a window ended (for tests and benchmarks)

    @contextlib.contextmanager
    def sending(self, cancelled: threading.Event | None = None) -> Iterator[None]:
        """Wait until the budget allows one more request, count it, and release it after."""
        probe = self._acquire(cancelled)
        try:
            yield
        finally:
            with self._condition:
                self._in_flight -= 1
                if probe and self._probe_out:
                    # The first request of a window ended without announcing a budget: pacing
                    # is off until an answer announces one again.
                    self._probe_out = False
                    self._paced = self._remaining is not None
                self._condition.notify_all()

    def observe(self, headers: Mapping[str, str], status: int = 200) -> Window | None:
        """Take the budget an answer announces (a 429 spends it whatever it says); the
        :class:`Window` read, or None."""
        window = read_window(headers)
        if window is None:
            return None
        with self._condition:
            now = self._clock()
            remaining = 0 if status == 429 else window.remaining
            reset_at = now + window.reset_in
            if self._remaining is None or now >= self._reset_at or reset_at > self._reset_at + 1.0:
                # A new window: the server counted this request, not those still in flight.
                self._remaining = max(0, remaining - (self._in_flight - 1))
                self._reset_at = reset_at
            else:
                self._remaining = min(self._remaining, remaining)
                if remaining == 0:
                    self._reset_at = reset_at  # a refusal tells best when it ends
            self._limit = window.limit or self._limit
            self._paced = True
            self._probe_out = False
            self._condition.notify_all()
        return window

    def _acquire(self, cancelled: threading.Event | None) -> bool:
        """Block until a request may go; True if it goes first in a new window."""
        started = self._clock()
        try:
            return self._acquire_locked(cancelled)
        finally:
            _thread.waited = waited() + (self._clock() - started)

    def _acquire_locked(self, cancelled: threading.Event | None) -> bool:
        with self._condition:
            held = False
            while True:
                if cancelled is not None and cancelled.is_set():
                    raise Cancelled
                now = self._clock()
                if self._paced and self._remaining is not None and now >= self._reset_at:
                    self._remaining = None  # the window is over: the next answer tells the new one
                if not self._paced or (self._remaining is not None and self._remaining > 0):
                    break
                if self._remaining is None and not self._probe_out:
                    self._probe_out = True
                    self._in_flight += 1
                    return True
                if not held and self._remaining is not None:
                    held = True
                    self.waits += 1
                self._wait(now)
            if self._remaining is not None:
                self._remaining -= 1
            self._in_flight += 1
            return False

    def _wait(self, now: float) -> None:
        """Wait (lock held, released while waiting) for the window to end or an answer to come."""
        if self._remaining is not None:  # spent: wait for the end of the window
            left = self._reset_at - now
            if left >= NOTICE_AFTER and self._noticed_window != self._reset_at and self._notice:
                self._noticed_window = self._reset_at
                limit = f" of {self._limit}" if self._limit else ""
                self._notice(f"rate limit: 0{limit} left, waiting {left:.0f} s")
            self._condition.wait(min(left, POLL))
        else:  # the first request of the window is out: its answer tells the budget
            self._condition.wait(POLL)
