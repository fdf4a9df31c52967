"""The exception tree of dailypapers.

Everything the library raises on purpose derives from :class:`DailyPapersError`; the CLI
prints ``str(error)`` as one line and exits non-zero. Messages name the date when there is
one, the cause, and what to do.

    DailyPapersError
    ├── HubError              a day could not be fetched
    │   ├── HubUnavailable    network failure, timeout, 429 or 5xx after every retry
    │   ├── HubHTTPError      the Hub refused the request (4xx other than 429)
    │   └── HubDataError      the Hub answered with something that is not a list of papers
    ├── SiteError             the site directory or a file in it cannot be used
    │   ├── SiteLocked        another run kept the site locked longer than we wait
    │   └── ArchiveDamaged    the archive is not a database, or a damaged one
    ├── ConfigError           a bad option or setting
    │   └── UnsafeValue       a value refused for a file init writes (a usage error: status 2)
    ├── NotifyError           the webhook did not take the message (the posts are written)
    └── ModelError            a language model gave no summary (the post is written without it)
"""

from __future__ import annotations

import errno


class DailyPapersError(Exception):
    """Base class of every error dailypapers raises on purpose."""


class HubError(DailyPapersError):
    """A day could not be fetched from the Hub."""

    def __init__(self, message: str, *, day: str | None = None, status: int | None = None) -> None:
        self.day = day
        self.status = status
        prefix = f"{day}: " if day else ""
        super().__init__(prefix + message)


class HubUnavailable(HubError):
    """The Hub could not be reached or kept failing (network, timeout, 429, 5xx)."""


class HubHTTPError(HubError):
    """The Hub refused the request with a non-transient HTTP status."""


class HubDataError(HubError):
    """The Hub's answer is not the JSON list of papers the API promises."""


class SiteError(DailyPapersError):
    """The site directory, or a file in it, cannot be read or written."""


class SiteLocked(SiteError):
    """Another dailypapers run held the site's lock for longer than we were willing to wait."""


class ArchiveDamaged(SiteError):
    """The archive file is not an SQLite database, or its pages are damaged."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class ConfigError(DailyPapersError):
    """An option or setting has a bad value."""


class UnsafeValue(ConfigError):
    """A value ``init`` refuses to put into a file it writes (the workflow, the settings):
    the command line gave it, or the site holds it (a deploy workflow's file name)."""


class NotifyError(DailyPapersError):
    """The notification webhook failed; the run's files are already written."""


def explain_os_error(error: OSError) -> str:
    """One line for a failed file operation: what happened, where, and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full{where}; free some space and run again (what is written is complete)"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied{where}; check who owns the site's files and that the disk is writable"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"a file stands where a directory should be{where}; move the file away, then run again"
    if code == errno.EISDIR:
        return f"a directory stands where a file should be{where}; move it away and run the command again"
    return f"{error.strerror or error}{where}"


class ModelError(DailyPapersError):
    """A language model gave no summary; the post is written without it (see :mod:`dailypapers.llm`)."""


# What a hostile answer can still raise once parsed (a value no check foresaw): it fails that
# answer's day (or paper's counts) alone, like a bad answer, instead of the whole run.
ANSWER_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError)
