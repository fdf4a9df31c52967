"""What third-party text may carry out of dailypapers: one rule for every way out.

Posts (their Markdown and front matter, which jekyll-feed copies into ``feed.xml``), link
text, terminal lines and webhook messages take Hub and model text through :func:`clean`.
What never passes:

- C0 controls, DEL and C1 controls: ESC and CSI start terminal sequences (retitle the
  window, clear the screen), BEL rings, a carriage return overwrites a line; XML 1.0 refuses
  every C0 control but tab and line breaks (a title with ESC made ``feed.xml`` unreadable
  to every feed reader), and Jekyll's YAML reader refuses DEL and the C1 controls;
- the noncharacters U+FFFE and U+FFFF, which YAML and XML refuse;
- bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069),
  which reorder what is shown around them: a title could make a file name, a link or a
  warning read backwards;
- lone UTF-16 surrogates, which no UTF-8 file can hold (U+FFFD instead).

Controls become a space (they often stand between words); the invisible ones are dropped.
The archive and the data files keep the Hub's text as it was sent: this is the rule for
text shown to people, not for data.
"""

from __future__ import annotations

import re

# Bidirectional controls (marks, embeddings, overrides, isolates): they reorder what a
# reader sees. ``init`` refuses them in its options; :func:`clean` drops them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # every C0 but tab and line feed (a CR overwrites), DEL, C1
_LINE_BREAKS = "\t\n"
_INVISIBLE = "".join(sorted(BIDI_CONTROLS)) + "\ufffe\uffff"
_SURROGATES = "\ud800-\udfff"
_UNSAFE = re.compile(f"[{_LINE_BREAKS}{_CONTROLS}{_INVISIBLE}{_SURROGATES}]")
_UNSAFE_BUT_LINES = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_SURROGATES}]")


def _replacement(match: re.Match[str]) -> str:
    char = match.group()
    if char <= "\x1f" or "\x7f" <= char <= "\x9f":
        return " "
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return ""  # bidirectional controls, U+FFFE, U+FFFF


def clean(text: str, *, lines: bool = False) -> str:
    """``text`` with nothing that may not leave: each control character as a space (tab and
    line feed too, unless ``lines``), bidirectional controls and U+FFFE/U+FFFF dropped, a
    lone surrogate as U+FFFD. Text with none of them is returned as it is."""
    pattern = _UNSAFE_BUT_LINES if lines else _UNSAFE
    if pattern.search(text) is None:  # the common case, on every abstract of every post
        return text
    return pattern.sub(_replacement, text)


def escape_json(json_text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with every character :func:`clean`
    would remove written as a ``\\u`` escape, which a JSON reader reads back as the same
    character: the data stays whole, and a terminal shows it without acting on it. JSON
    outside its strings is plain ASCII (C0 controls in strings are escaped already, and a
    tab or line feed outside them is JSON's own layout)."""
    return _UNSAFE_BUT_LINES.sub(lambda match: f"\\u{ord(match.group()):04x}", json_text)
