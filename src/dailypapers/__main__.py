import os
import signal


def _interrupted_start(signum: int, frame: object) -> None:
    # Before any command runs nothing is written; the line is written here because the
    # package's own handling (dailypapers.cli.interrupt) is not imported yet.
    os.write(2, b"Interrupted; nothing was written.\n")
    os._exit(130)


# Until the command installs its own handling, Ctrl-C ends the start-up with one line (status 130).
signal.signal(signal.SIGINT, _interrupted_start)

from dailypapers.cli import main  # noqa: E402


def start() -> None:
    """The `dailypapers` command (pyproject's entry point: importing this module first puts
    the start-up handling in place) and `python -m dailypapers`."""
    main()


if __name__ == "__main__":
    start()
