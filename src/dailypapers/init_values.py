"""What ``init`` accepts into the files it writes, and how a value is quoted there.

The scheduled workflow runs with push rights to the owner's repository, so nothing that
reaches it may be read as more than the one value it is: a package spec is a distribution
name with an optional version specifier or ``git+https://HOST/PATH@COMMIT`` (40 hex digits),
a deploy workflow is a plain file name, and each is quoted for the shell and then for YAML.
None may hold ``${{``, which GitHub expands before any shell sees the line. The options that
go into ``dailypapers.toml`` and ``_config.yml`` (author, time zone) carry no control
character: a line break, DEL, U+FFFE or a bidi control there makes a file that no later
command, or Jekyll, can read.

A refused value raises :class:`~dailypapers.errors.UnsafeValue`: a usage error (exit status 2).
"""

from __future__ import annotations

import json
import re
import shlex
import unicodedata

from packaging.requirements import InvalidRequirement, Requirement

from dailypapers.dates import listed_time_zone
from dailypapers.errors import UnsafeValue
from dailypapers.text import BIDI_CONTROLS

# Not controls by category, but YAML and JSON readers take them as line breaks or refuse them.
_REFUSED = frozenset("\ufeff\ufffe\uffff\u2028\u2029") | BIDI_CONTROLS

EXPRESSION = "${{"  # GitHub's expression opener, expanded before the shell runs
_GIT_SPEC = re.compile(r"git\+https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)+@[0-9a-f]{40}")
# What a normalised `name<specifier>` may hold (`===` takes any text; this does not).
_REQUIREMENT_CHARS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._<>=!~,*+-]*")
# A URL pip recorded for the running dailypapers (a local directory, an archive): quoted, it
# is inert; these characters keep it one word whatever the quoting.
_RECORDED_URL = re.compile(r"[A-Za-z0-9+.-]+://[A-Za-z0-9._~:/@+%=-]+")
# Files of the zone database that name this machine's setting, not a zone.
_MACHINE_ZONES = frozenset({"localtime", "posixrules"})
WORKFLOW_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.ya?ml")

PACKAGE_FORMS = (
    "a distribution name with an optional version (dailypapers==1.2.0) "
    "or git+https://HOST/OWNER/REPO@COMMIT with the commit's 40 hex digits"
)


def control_character(text: str) -> str | None:
    """The first character of ``text`` that no file init writes may hold, as ``U+XXXX``:
    C0 and C1 controls, DEL, lone surrogates, U+FEFF, U+FFFE/U+FFFF, line and paragraph
    separators, bidi controls. None when there is none."""
    for char in text:
        if char in _REFUSED or unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def plain_text(option: str, text: str) -> str:
    """``text`` of ``option`` when it holds no control character (see :func:`control_character`)."""
    found = control_character(text)
    if found is not None:
        raise UnsafeValue(f"{option} holds the control character {found}: give plain text")
    return text


def real_time_zone(option: str, text: str) -> str:
    """``text`` when it is a zone of the time zone database (not a file such as ``localtime``)."""
    plain_text(option, text)
    if text in _MACHINE_ZONES or not listed_time_zone(text):
        raise UnsafeValue(f"{option} {text!r} is not a time zone: give one such as Asia/Seoul or UTC")
    return text


def package_spec(text: str) -> str:
    """A package spec given to ``init --package``, checked and normalised
    (``dailypapers >= 1.0`` -> ``dailypapers>=1.0``)."""
    plain_text("--package", text)
    if _GIT_SPEC.fullmatch(text):
        return text
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        requirement = None
    normal = str(requirement) if requirement is not None else ""
    if (
        requirement is None
        or requirement.url
        or requirement.marker
        or requirement.extras
        or not _REQUIREMENT_CHARS.fullmatch(normal)
    ):
        raise UnsafeValue(f"--package {ascii(text)[1:-1]!r} is not {PACKAGE_FORMS}")
    return normal


def recorded_spec(text: str) -> str:
    """What pip recorded for the running dailypapers (see :mod:`dailypapers.origin`): a spec
    :func:`package_spec` takes, or a URL of plain characters (it may be unreachable from
    GitHub's runner: init says so apart)."""
    try:
        return package_spec(text)
    except UnsafeValue:
        if _RECORDED_URL.fullmatch(text):
            return text
    raise UnsafeValue(
        f"this dailypapers was installed from {text!a}, which cannot go in a workflow: "
        f"pass --package with {PACKAGE_FORMS}"
    )


def workflow_file(name: str) -> str:
    """A deploy workflow's file name, as ``gh workflow run`` takes it: a plain file name."""
    if not WORKFLOW_FILE.fullmatch(name):
        raise UnsafeValue(
            f".github/workflows/{ascii(name)[1:-1]} deploys the site, but its name cannot go in the "
            "scheduled workflow: rename it with letters, digits, '.', '_' and '-' only (NAME.yml)"
        )
    return name


def shell_word(text: str) -> str:
    """``text`` as one shell word (quoted only when it needs to be)."""
    return shlex.quote(_no_expression(text))


def yaml_scalar(text: str) -> str:
    """``text`` as a double-quoted YAML scalar on one line (a JSON string is one)."""
    return json.dumps(_no_expression(text), ensure_ascii=True)


def _no_expression(text: str) -> str:
    if EXPRESSION in text:
        raise UnsafeValue(f"{text!a} holds {EXPRESSION}, which GitHub would evaluate")
    return text
