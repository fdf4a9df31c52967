r"""Escaping of third-party text for Jekyll posts (Liquid, then kramdown) and YAML front matter.

A reader must see exactly the text the Hub has, and no paper may inject markup. Jekyll runs
Liquid over a post before kramdown, so both must be defused; escapes are added only where
a character would otherwise be read as syntax, so plain text stays byte-identical.

Inline text (title, organization, abstract, ...) always sits after other text on its line,
so block syntax that needs the start of a line (headers, lists, quotes) cannot trigger once
line breaks are collapsed. What remains is span syntax:

- ``*`` ``_`` (emphasis), `````` ` ````` (code), ``[`` ``]`` (links, images, footnotes),
  ``<`` (HTML, autolinks), ``|`` (table rows: any line with a pipe) get a backslash;
- ``~`` next to another ``~`` (GFM strikethrough) becomes ``&#126;``, as GFM has no ``\~``;
- ``$`` next to another ``$`` (``$$`` opens kramdown math) gets a backslash;
- a backslash before a character kramdown would unescape gets a backslash, and a
  backslash at the very end becomes ``&#92;`` (``\\`` at the end of a line is a line break);
- ``{`` before ``{`` or ``%`` (Liquid) becomes ``&#123;``; before ``:`` (kramdown attribute
  lists and extensions) it gets a backslash;
- ``&`` that would start a character reference becomes ``&amp;``.

:func:`unescape_markdown` undoes exactly these escapes; tests use it to compare with the
seed posts, which were written without escaping.
"""

from __future__ import annotations

import html
import json
import re

from dailypapers.models import collapse_whitespace

# kramdown's escapable characters (parser/kramdown/escaped_chars.rb).
KRAMDOWN_ESCAPABLE = frozenset("\\.*_+`<>()[]{}#!:|\"'$=-")
_ALWAYS = frozenset("*_`[]<|")
_CHAR_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def escape_markdown(text: str) -> str:
    """Make ``text`` show verbatim as inline Markdown in a Jekyll post (whitespace collapsed)."""
    text = collapse_whitespace(text)
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        following = text[i + 1] if i < last else ""
        previous = text[i - 1] if i else ""
        if char in _ALWAYS:
            out.append("\\" + char)
        elif char == "\\":
            if not following:
                out.append("&#92;")
            elif following in KRAMDOWN_ESCAPABLE:
                out.append("\\\\")
            else:
                out.append(char)
        elif char == "$":
            out.append("\\$" if "$" in (previous, following) else "$")
        elif char == "~":
            out.append("&#126;" if "~" in (previous, following) else "~")
        elif char == "{":
            if following in ("{", "%"):
                out.append("&#123;")
            elif following == ":":
                out.append("\\{")
            else:
                out.append("{")
        elif char == "&" and _CHAR_REFERENCE.match(text, i):
            out.append("&amp;")
        else:
            out.append(char)
    return "".join(out)


_UNESCAPE = re.compile(
    r"\\(["
    + re.escape("".join(sorted(KRAMDOWN_ESCAPABLE)))
    + r"])|"
    + _CHAR_REFERENCE.pattern
    + r"|\{% raw %\}|\{% endraw %\}"
)


def unescape_markdown(text: str) -> str:
    """Undo :func:`escape_markdown` (and Liquid raw tags): backslash escapes, character references."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        if match.group(2) is not None:
            return html.unescape(match.group(0))
        return ""

    return _UNESCAPE.sub(replace, text)


_YAML_PLAIN = re.compile(r"[^\W\d_][\w .\-]*")
_YAML_RESERVED = frozenset({"yes", "no", "true", "false", "null", "on", "off", "y", "n"})


def yaml_scalar(value: str) -> str:
    """A YAML scalar for ``value``: plain when unambiguous, else a double-quoted string.

    JSON string syntax is valid YAML double-quoted syntax, so ``json.dumps`` gives a
    correct quoting for any text, control characters included.
    """
    if _YAML_PLAIN.fullmatch(value) and value == value.strip() and value.lower() not in _YAML_RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)
