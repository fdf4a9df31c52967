"""Ctrl-C: one line, exit status 130, at once, however many times it is pressed.

The first Ctrl-C raises :class:`KeyboardInterrupt` as usual, so the library can stop its
fetches and keep what is finished (:func:`dailypapers.pipeline.collect` writes the days it
has stored). Any further Ctrl-C ends the process on the spot: every file is written
atomically, so stopping between two writes loses nothing written. The process ends with
``os._exit``: fetch threads still waiting on the network must not hold it open (the
interpreter would join them), and the archive and the lock are closed by then.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

STATUS = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
MESSAGE = "Interrupted; files already written are complete."
_said = False


def _first(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, _again)
    raise KeyboardInterrupt


def _again(signum: int, frame: FrameType | None) -> None:
    exit_now()


@contextmanager
def handled() -> Iterator[None]:
    """While inside, a second Ctrl-C exits at once (the previous handler is restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _first)
    try:
        yield
    except KeyboardInterrupt:
        raise  # the handler stays: another Ctrl-C while this one is handled exits at once
    except BaseException:
        signal.signal(signal.SIGINT, previous)
        raise
    signal.signal(signal.SIGINT, previous)


def exit_now(message: str = MESSAGE) -> NoReturn:
    """Say ``message`` once on stderr and end the process with status 130."""
    global _said
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # nothing may interrupt the last line
    if not _said:
        _said = True
        try:
            sys.stdout.flush()
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    os._exit(STATUS)
