"""Ctrl-C: one line, exit status 130, at once, however many times it is pressed.

The first Ctrl-C raises :class:`KeyboardInterrupt` as usual, so the library can stop its
fetches and keep what is finished (:func:`dailypapers.pipeline.collect` writes the days it
has stored, for at most a second). Further presses change nothing (they cannot interrupt
that writing half-way), and a watchdog ends the process :data:`GRACE` seconds after the
first press whatever happens. Every file is written atomically, so even the watchdog loses
nothing already written. The process ends with ``os._exit``: fetch threads still waiting
on the network must not hold it open (the interpreter would join them), and the archive
and the lock are closed by then.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

STATUS = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
MESSAGE = "Interrupted; files already written are complete."
GRACE = 1.8  # seconds from the first Ctrl-C to the end of the process, at most
_said = threading.Lock()


def _first(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, _again)
    watchdog = threading.Timer(GRACE, exit_now)
    watchdog.daemon = True
    watchdog.start()
    raise KeyboardInterrupt


def _again(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C pressed again: the first one is being handled, and the watchdog is running."""


def _quiet(signum: int, frame: FrameType | None) -> None:
    exit_now()


def install_quiet() -> None:
    """Outside a command (starting up, parsing options): Ctrl-C ends the process at once,
    with the one line, since nothing is being written."""
    signal.signal(signal.SIGINT, _quiet)


@contextmanager
def handled() -> Iterator[None]:
    """Ctrl-C handled as above while inside (the previous handler is restored after, but for
    an interrupt: then the handling must go on to the end)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _first)
    try:
        yield
    except KeyboardInterrupt:
        raise  # the handler stays: another Ctrl-C must not interrupt the handling of this one
    except BaseException:
        signal.signal(signal.SIGINT, previous)
        raise
    signal.signal(signal.SIGINT, previous)


def exit_now(message: str = MESSAGE) -> NoReturn:
    """Say ``message`` on stderr (once, whichever thread gets here first) and end the
    process with status 130."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # nothing may interrupt the last line
    if _said.acquire(blocking=False):
        try:
            sys.stdout.flush()
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    else:
        time.sleep(0.2)  # the other thread is saying it, and ends the process meanwhile
    os._exit(STATUS)
