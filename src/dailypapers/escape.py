r"""Escaping of third-party text for Jekyll posts (Liquid, then kramdown) and YAML front matter.

A reader must see exactly the text the Hub has, and no paper may inject markup. Jekyll runs
Liquid over a post before kramdown, so both must be defused; escapes are added only where
a character would otherwise be read as syntax, so plain text stays byte-identical. Checked
against a real Jekyll 4.3 build (kramdown 2.4 with Jekyll's default ``input: GFM``) by
``tests/test_jekyll.py``.

Inline text (title, organization, abstract, ...) always sits after other text on its line,
so block syntax that needs the start of a line (headers, lists, quotes, definitions) cannot
trigger once line breaks are collapsed. What remains is span syntax:

- ``*`` ``_`` (emphasis), `````` ` ````` (code spans: LaTeX quotes ````x''`` too), ``[``
  (links, images, footnotes), ``<`` (HTML, autolinks) and ``|`` (kramdown takes any line
  with an unescaped pipe for a table row) get a backslash;
- ``~`` next to another ``~`` (GFM strikethrough) becomes ``&#126;``, which also holds
  under kramdown's own parser, where ``\~`` is no escape;
- ``$`` next to another ``$`` (``$$`` opens kramdown math) gets a backslash;
- a backslash before a character kramdown would unescape (``\!``, ``\{``, ``\(``...) gets a
  backslash, and a backslash at the very end becomes ``&#92;`` (it would escape the closing
  ``**`` of a title, and ``\`` or ``\\`` before a line end is a line break);
- ``{`` before ``{`` or ``%`` (Liquid reads those even after a backslash) becomes
  ``&#123;``; before ``:`` (kramdown attribute lists and extensions) it gets a backslash;
- ``&`` that would start a character reference becomes ``&amp;``.

With ``math = "mathjax"`` (see :mod:`dailypapers.latex`) math fragments become kramdown math
(``$$...$$``, guarded by :func:`math_tex`), and every other ``$`` and backslash is an
element of its own (``<span>&#36;</span>``), which no MathJax delimiter can span.

kramdown's typographic substitutions (curly quotes, dashes, ellipsis, guillemets) are left
alone: they change how a character looks, not what the text says.

:func:`unescape_markdown` undoes exactly these escapes; tests use it to compare with the
seed posts, which were written without escaping.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from dailypapers.latex import latex_text, math_pieces, typesettable
from dailypapers.models import collapse_whitespace
from dailypapers.text import clean

# The characters a backslash escapes in kramdown's GFM parser, Jekyll's default input
# (ESCAPED_CHARS_GFM in kramdown-parser-gfm: kramdown's own set plus "~").
KRAMDOWN_ESCAPABLE = frozenset("\\.*_+`<>()[]{}#!:|\"'$=-~")
_ALWAYS = frozenset("*_`[<|")
_CHAR_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_ALWAYS | set("\\$~{&")))) + "]")


def escape_markdown(text: str, math: str = "raw") -> str:
    """Make ``text`` show verbatim as inline Markdown in a Jekyll post (whitespace collapsed,
    no control or bidirectional character: :func:`dailypapers.text.clean`).

    ``math`` is the setting of that name (see :mod:`dailypapers.latex`): ``raw`` shows the
    text as it is, ``text`` its LaTeX as Unicode, ``mathjax`` its math as kramdown math.
    """
    text = collapse_whitespace(clean(text))
    if math == "text":
        return _escape(latex_text(text))
    if math == "mathjax":
        return "".join(_math_span(part) if is_math else _inert(part) for part, is_math in math_pieces(text))
    return _escape(text)


# Under MathJax, every "$" and "\\" of text stands alone in an element of its own. MathJax
# (like KaTeX's auto-render) looks for math in the text between two tags, and every opening it
# knows needs two characters there ("\\(", "\\[", "\\begin", "\\ref", "\\$") or a second "$"
# to close: a lone character can start nothing. kramdown's "\\$" would be a plain "$".
INERT = {"$": "<span>&#36;</span>", "\\": "<span>&#92;</span>"}


def _inert(text: str) -> str:
    return _escape(text, inert=True)


def _escape(text: str, *, inert: bool = False) -> str:
    # Only characters that can be syntax are visited (a loop over every character was the
    # hottest spot of a backfill); each is decided by its neighbours in the unescaped text.
    def replace(match: re.Match[str]) -> str:
        char, i = match.group(), match.start()
        if char in _ALWAYS:
            return "\\" + char
        if inert and char in INERT:
            return INERT[char]
        if char == "&":
            return "&amp;" if _CHAR_REFERENCE.match(text, i) else char
        by_neighbours = _BY_NEIGHBOURS.get(char)
        if by_neighbours is None:
            return char
        return by_neighbours(text[i - 1] if i else "", text[i + 1 : i + 2])

    return _SPECIAL.sub(replace, text)


def _backslash(previous: str, following: str) -> str:
    if not following:
        return "&#92;"
    return "\\\\" if following in KRAMDOWN_ESCAPABLE else "\\"


def _dollar(previous: str, following: str) -> str:
    return "\\$" if "$" in (previous, following) else "$"  # "$$" opens kramdown math


def _tilde(previous: str, following: str) -> str:
    return "&#126;" if "~" in (previous, following) else "~"


def _brace(previous: str, following: str) -> str:
    if following in ("{", "%"):
        return "&#123;"
    return "\\{" if following == ":" else "{"


# The characters escaped or not by the characters on each side of them.
_BY_NEIGHBOURS: dict[str, Callable[[str, str], str]] = {
    "\\": _backslash,
    "$": _dollar,
    "~": _tilde,
    "{": _brace,
}


_BARE_PIPE = re.compile(r"(?<!\\)\|")
_LIQUID_START = re.compile(r"\{(?=[{%])")  # "{{" and "{%" open Liquid


def math_tex(tex: str) -> str | None:
    """The TeX to put between kramdown's ``$$`` for ``tex``; None when MathJax may not have it.

    ``tex`` must pass :func:`dailypapers.latex.typesettable` (an allow-list of TeX: no
    ``\\href``, ``\\style``, ``\\require``..., balanced braces, no ``$``). kramdown takes the
    content as it is (it only HTML-escapes it), but two readers see it first: Liquid, which
    reads ``{{`` and ``{%`` anywhere (a space after the brace means the same in TeX math), and
    kramdown's table parser, which takes a line with a bare pipe for a row (``\\vert`` is
    the same bar).
    """
    if not typesettable(tex):
        return None
    return _LIQUID_START.sub("{ ", _BARE_PIPE.sub(r"\\vert ", tex))


def _math_span(tex: str) -> str:
    """``tex`` as kramdown inline math (``$$...$$``), which kramdown hands to MathJax as
    ``\\(...\\)``; as inert text when MathJax may not have it."""
    delimited = math_tex(tex)
    if delimited is None:
        return _inert(latex_text(f"${tex}$"))
    return f"$${delimited}$$"


_UNESCAPE = re.compile(
    "|".join(re.escape(span) for span in INERT.values())
    + r"|\\(["
    + re.escape("".join(sorted(KRAMDOWN_ESCAPABLE)))
    + r"])|"
    + _CHAR_REFERENCE.pattern
)


def unescape_markdown(text: str) -> str:
    """Undo :func:`escape_markdown`: backslash escapes, character references, inert spans."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return html.unescape(match.group(0).removeprefix("<span>").removesuffix("</span>"))

    return _UNESCAPE.sub(replace, text)


_YAML_PLAIN = re.compile(r"[^\W\d_][\w .\-]*")
_YAML_RESERVED = frozenset({"yes", "no", "true", "false", "null", "on", "off", "y", "n"})
# JSON leaves these raw, but YAML 1.1 (Psych, which Jekyll reads front matter and every
# `_data` file with, JSON included) refuses them in a document (DEL, C1 controls, U+FFFE,
# U+FFFF) or, as line breaks (NEL, U+2028, U+2029), may fold them to a space; a byte order
# mark inside a scalar is also best escaped. Each gets a backslash-u escape, which both read.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# A lone surrogate cannot be written as UTF-8, and Psych refuses its \u escape (even a
# valid pair's): it becomes U+FFFD, the replacement character.
_SURROGATE = re.compile("[\ud800-\udfff]")


def yaml_safe_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) that Jekyll's YAML reader reads
    as the same data: what Psych refuses or folds is ``\\u``-escaped (JSON outside its
    strings is plain ASCII, so only strings change)."""
    text = _SURROGATE.sub("\ufffd", text)
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# Themes print some front-matter values into HTML as they are: Chirpy's home cards print
# the description through `jsonify` (which leaves < and > alone) and the title raw. So the
# brackets of markup in a shown value are written as their full-width forms: no paper title
# can open a tag on any theme, and the text still reads the same.
_MARKUP_BRACKETS = str.maketrans({"<": "\uff1c", ">": "\uff1e"})


def shown_text(value: str) -> str:
    """``value`` as a front-matter value a theme may print: cleaned (:func:`clean`), and with
    no ``<`` or ``>`` to start markup in a theme that does not escape it."""
    return clean(value).translate(_MARKUP_BRACKETS)


def yaml_text(value: str) -> str:
    """:func:`yaml_scalar` of ``value`` as a reader may see it (:func:`shown_text`): for the
    front-matter values themes and feeds show (description, author, categories, tags);
    jekyll-feed copies them into ``feed.xml``, where a control character is not XML."""
    return yaml_scalar(shown_text(value))


def yaml_scalar(value: str) -> str:
    """A YAML scalar for ``value``, exactly: plain when unambiguous, else a double-quoted string.

    JSON string syntax is valid YAML double-quoted syntax, so ``json.dumps`` quotes any
    text; the few characters JSON leaves raw but YAML does not accept get ``\\u`` escapes.
    """
    if _YAML_PLAIN.fullmatch(value) and value == value.strip() and value.lower() not in _YAML_RESERVED:
        return value
    quoted = yaml_safe_json(json.dumps(value, ensure_ascii=False))
    # Jekyll runs no Liquid over front matter, but a file with no "{{" or "{%" from paper
    # text stays safe under any tool that does; YAML reads the escape back as "{".
    return _LIQUID_START.sub(r"\\u007b", quoted)


# What a link destination keeps as it is: RFC 3986's unreserved and reserved characters,
# minus those kramdown or Liquid may read ("(", ")", "*", "$", "'", "[", "]") and "%", which
# is kept only when it starts an escape. Everything else is percent-encoded (UTF-8).
_URL_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!&+,;=")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def link_url(url: str | None) -> str | None:
    """``url`` as a Markdown link destination, or None unless it is an absolute http(s) URL.

    Links come from the Hub (code, project page): a ``javascript:`` or relative URL is not
    linked at all; characters that could end the destination or start Markdown or Liquid
    syntax (spaces, parentheses, ``<``, ``{``...) are percent-encoded, which a browser reads
    as the same URL.
    """
    if not url:
        return None
    url = url.strip()
    match = re.match(r"(?i)(https?)://([^/?#\s]+)", url)
    if not match or any(ord(char) < 0x21 or 0x7F <= ord(char) < 0xA0 for char in url):
        return None
    host = match.group(2)
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", host) or host.startswith((".", "-")):
        return None  # no credentials ("github.com@elsewhere"), IP literals or non-ASCII hosts
    out = []
    for index, char in enumerate(url):
        if char == "&" and _CHAR_REFERENCE.match(url, index):
            out.append("&amp;")  # kramdown would decode "&lt;" in a destination to "<"
        elif char in _URL_KEEP or (char == "%" and _PERCENT_ESCAPE.match(url, index)):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def link_text(text: str, math: str = "raw") -> str:
    """Hub text as the text of a Markdown link, as written: :func:`escape_markdown`, inert
    under MathJax (``math``: the setting), and a "]" would end the link text early
    ("[owner/x](javascript:...)](url)"), so it gets a backslash too."""
    return _escape(collapse_whitespace(clean(text)), inert=math == "mathjax").replace("]", "\\]")


_GITHUB = re.compile(r"(?i)(www\.)?github\.com")
_DOT_SEGMENT = re.compile(r"(?i)(\.|%2e){1,2}")


def repo_name(url: str) -> str:
    """``owner/name`` of a GitHub repository URL (``https://github.com/owner/name``), else
    its host and path: the link text must not name a repository the link does not lead to
    (``https://evil.example/openai/gpt``, ``https://github.com/a/b/../../c/d``)."""
    match = re.match(r"(?i)https?://([^/?#]+)((?:/[^/?#]+)*)", url.strip())
    if not match:
        return url
    parts = [part for part in match.group(2).split("/") if part]
    dots = any(_DOT_SEGMENT.fullmatch(part) for part in parts)
    if len(parts) >= 2 and _GITHUB.fullmatch(match.group(1)) and not dots:
        return f"{parts[0]}/{parts[1].removesuffix('.git')}"
    return "/".join([match.group(1), *parts])


def code_span(text: str) -> str:
    """``text`` as inline code that Jekyll (Liquid, then kramdown) shows verbatim.

    A backtick inside takes a longer fence (padded with a space when it touches the fence).
    Liquid reads ``{{``/``{%`` even inside code, and kramdown may take a line with a pipe
    for a table row, so such text becomes ``<code>`` with those characters as references.
    """
    text = collapse_whitespace(clean(text))
    if "|" in text or _LIQUID_START.search(text):
        escaped = html.escape(text, quote=False).replace("{", "&#123;").replace("|", "&#124;")
        return f"<code>{escaped}</code>"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
