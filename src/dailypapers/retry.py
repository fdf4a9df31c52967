"""Retries: what is worth trying again, how long to wait, and when to stop.

A try that fails with :class:`Transient` (a timeout, a network error, a transient status, a
garbled body) is tried again with capped exponential backoff within a time budget, honouring
the server's ``Retry-After`` as a :class:`Pause` shared by every thread of a client (a rate
limit is per client). When the tries run out, :class:`Exhausted` carries the last failure.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from dailypapers import ratelimit
from dailypapers.ratelimit import Cancelled

T = TypeVar("T")


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
class RetryPolicy:
    """How hard to try: ``attempts`` tries in all, each wait capped, all within ``budget`` seconds."""

    attempts: int = 6
    backoff: float = 0.5  # first wait; doubles each try
    max_wait: float = 16.0
    budget: float = 60.0
    jitter: float = 0.1  # fraction of each wait added at random, so parallel clients spread out

    def backoff_after(self, tries: int) -> float:
        """Our own wait after ``tries`` failed tries: doubling, with jitter, capped."""
        wait: float = self.backoff * 2 ** (tries - 1)
        return min(wait + wait * self.jitter * random.random(), self.max_wait)


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


class _Budget:
    """The time a run of tries may take: ``policy.budget`` seconds from the start, plus the
    time spent waiting for the Hub's rate-limit window (waiting for it is not failing)."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._start, self._waited_before, self._seconds = time.monotonic(), ratelimit.waited(), policy.budget

    def overrun_by(self, wait: float) -> bool:
        """Whether waiting ``wait`` seconds from now ends past the budget."""
        deadline = self._start + self._seconds + (ratelimit.waited() - self._waited_before)
        return time.monotonic() + wait > deadline


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
    budget = _Budget(policy)

    def check() -> None:
        if cancelled is not None and cancelled.is_set():
            raise Cancelled

    failure: Transient | None = None
    tries = 0
    while tries < policy.attempts:
        check()
        if _waited_out(pause, budget, failure, tries, sleep):
            check()
        tries += 1
        try:
            return attempt()
        except Transient as transient:
            failure = transient
        if tries == policy.attempts:
            break
        wait = _wait_before_next(failure, tries, policy, budget, pause)
        if wait is not None:
            check()
            sleep(wait)
    assert failure is not None
    raise Exhausted(failure, tries)


def _waited_out(
    pause: Pause | None,
    budget: _Budget,
    failure: Transient | None,
    tries: int,
    sleep: Callable[[float], None],
) -> bool:
    """Sleep through the client's shared pause (True if there was one), or :class:`Exhausted`
    if it would overrun the budget."""
    if pause is None or (left := pause.left()) <= 0:
        return False
    if budget.overrun_by(left):
        raise Exhausted(failure or Transient(pause.reason), tries, asked_wait=left)
    sleep(left)
    return True


def _wait_before_next(
    failure: Transient, tries: int, policy: RetryPolicy, budget: _Budget, pause: Pause | None
) -> float | None:
    """Seconds to sleep before the next try, or None when the wait happens elsewhere;
    :class:`Exhausted` when the wait would overrun the budget."""
    if failure.paced:
        return None  # the next try waits in the rate budget for the window the Hub announced
    if failure.retry_after is None:
        wait = policy.backoff_after(tries)
        if budget.overrun_by(wait):
            raise Exhausted(failure, tries)
        return wait
    if budget.overrun_by(failure.retry_after):
        raise Exhausted(failure, tries, asked_wait=failure.retry_after)
    if pause is not None:
        pause.extend(failure.retry_after, failure.reason)
        return None  # the wait happens before the next try, with the other threads
    return failure.retry_after


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
