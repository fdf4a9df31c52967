"""Secrets that never leave: the model's key, the Hugging Face token, webhook URLs.

Whoever reads a secret remembers it here (:func:`remember`, :func:`remember_url`), and every
way out hides what is remembered (:func:`hide`): a model's answer before it is stored or
shown, every terminal line, every file the site's writer writes. A careless server that
quotes the request's ``Authorization`` back, or a proxy that quotes its URL, cannot get
either into a post, a data file, the archive or a log.

URLs that may be printed (the Hub's, the model's) go through :func:`mask_url`, which keeps
only what cannot hold a secret: the scheme, a host name or IP address as such, a numeric
port, the path. Credentials, a query, a fragment and anything malformed in the host or
port (a token pasted where the port goes, a broken IPv6 literal) become ``***``.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from urllib.parse import unquote

MIN_LENGTH = 8  # shorter values are not searched for: they would match ordinary words
HIDDEN = "***"

_lock = threading.Lock()
_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()  # longest first, so a secret inside another is hidden whole


def remember(*values: str | None) -> None:
    """Hide each of ``values`` (and its percent-decoded form) from now on, in this process."""
    global _ordered
    found = {
        form
        for value in values
        if value
        for form in (value.strip(), unquote(value.strip()))
        if len(form) >= MIN_LENGTH
    }
    if not found - _secrets:
        return
    with _lock:
        _secrets.update(found)
        _ordered = tuple(sorted(_secrets, key=lambda secret: (-len(secret), secret)))


_URL = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*:)?(?://(?P<authority>[^/?#]*))?"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$",
    re.DOTALL,
)


def remember_url(url: str | None, *, whole: bool = False) -> None:
    """Remember the parts of ``url`` that may be secret: credentials, query (and each of its
    values), fragment, and a malformed host or port. With ``whole`` (a webhook, whose path is
    its token) the whole URL and its path too."""
    if not url:
        return
    parts = _URL.match(url.strip())
    assert parts is not None  # every part is optional
    authority = parts["authority"] or ""
    userinfo, _, hostport = authority.rpartition("@")
    query = parts["query"] or ""
    values = [userinfo, *userinfo.split(":"), query, parts["fragment"]]
    values += [pair.partition("=")[2] for pair in query.split("&")]
    if _host_and_port(hostport) is None:
        values.append(hostport)
    if whole:
        values += [url, parts["path"]]
    remember(*values)


def hide(text: str) -> str:
    """``text`` with every remembered secret replaced by ``***``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text


_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")  # ASCII labels of 1 to 63 characters


def _host_and_port(hostport: str) -> str | None:
    """``hostport`` when it is a host name or IP address and an optional numeric port, else None."""
    match = re.fullmatch(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>[0-9]{1,5}))?", hostport)
    if match is None:
        return None
    host = match["host"]
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
    elif not _HOST_NAME.fullmatch(host):
        return None
    return hostport


def mask_url(url: str) -> str:
    """``url`` safe to print: ``scheme://***@host:port/path?***#***``, where credentials, a
    query and a fragment are masked, and so are a host or port that is not one."""
    text = url.strip()
    parts = _URL.match(text)
    assert parts is not None
    shown = parts["scheme"] or ""
    if parts["authority"] is not None:
        _, at, hostport = parts["authority"].rpartition("@")
        shown += "//" + (HIDDEN + "@" if at else "") + (_host_and_port(hostport) or HIDDEN)
    shown += parts["path"]
    if parts["query"] is not None:
        shown += "?" + HIDDEN
    if parts["fragment"] is not None:
        shown += "#" + HIDDEN
    return hide(shown)


# A URL runs to the next space: a user name or password may hold quotes and parentheses.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")


def mask_urls(text: str) -> str:
    """``text`` (a server's error message, say) with each URL in it masked by :func:`mask_url`
    and every remembered secret hidden."""
    return hide(_URL_IN_TEXT.sub(lambda match: mask_url(match.group()), text))
