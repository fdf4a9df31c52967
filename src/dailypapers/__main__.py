import os
import signal

# Until the command installs its own handling, Ctrl-C ends the start-up quietly (status 130).
signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))

from dailypapers.cli import main  # noqa: E402

main()
