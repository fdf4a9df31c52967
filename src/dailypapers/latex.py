r"""LaTeX in Hub text (``2.56$\times$``, ``100\%``, ``\textbf{DLCM}``): kept, read as text, or typeset.

Abstracts and titles come from arXiv, so many carry LaTeX fragments that the Hub's own pages
render as math. The setting ``math`` chooses what a post shows:

- ``raw``: the text as the Hub has it (the seed posts' format);
- ``text``: every fragment turned into readable Unicode by pylatexenc (``2.56×``, ``100%``,
  bold dropped); notifications and front-matter descriptions always use this;
- ``mathjax``: math (``$...$``, ``$$...$$``, ``\(...\)``, ``\[...\]``) kept as TeX for MathJax,
  the rest read as text.

The text around the fragments stays exactly as the Hub wrote it: pylatexenc parses the whole
text, but only macros, groups and math are converted; plain characters, typographic
specials (``--``, ``~``, quotes) and whatever pylatexenc does not know (``\method{}``, a
malformed ``\href``) are kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

MATH_MODES = ("raw", "text", "mathjax")

# Text without a backslash or a dollar has no LaTeX: most titles and many abstracts.
_HINT = re.compile(r"[\\$]")
# A bare % starts a LaTeX comment that would swallow the rest of the text; in an abstract it
# is a percent sign ("100%"). It is parsed as this private-use character, one for one (node
# positions stay right), and turned back into % after conversion.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_PERCENT = "\ue025"
_SPACES = re.compile(r"\s+")
# Text after a "$" or "{" that is never closed is read again on its own: each such opening
# costs one more reading of the rest, so after this many the rest is kept as written (a
# hostile abstract of unclosed braces took seconds per opening).
MAX_UNCLOSED = 4


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text  # imported when a text has LaTeX

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def _nodes(text: str) -> list[Any]:
    from pylatexenc.latexwalker import LatexWalker

    nodes, _, _ = LatexWalker(text, tolerant_parsing=True).get_latex_nodes()
    return list(nodes)


def _verbatim(node: Any) -> str:
    return str(node.latex_verbatim())


def _closed(node: Any) -> bool:
    opening, closing = node.delimiters
    verbatim = _verbatim(node)
    return len(verbatim) >= len(opening) + len(closing) and verbatim.endswith(closing)


def _read(text: str) -> list[tuple[str, Any]]:
    """:func:`_pieces` of ``text``, or the whole text as written when pylatexenc cannot read
    it: its parser recurses once per nesting level, so a few thousand nested braces or
    ``\\begin`` would raise RecursionError out of a post."""
    try:
        return list(_pieces(text))
    except RecursionError:
        return [("text", text)]


def _pieces(text: str, unclosed: int = 0) -> Iterator[tuple[str, Any]]:
    """``(kind, payload)`` for each top-level node of ``text`` (percent signs already
    replaced): ``("text", str)`` as written, ``("converted", str)`` read by pylatexenc, or
    ``("math", node)``. A dollar or brace that opens math or a group never closed is text,
    and what follows it is read on its own; braces with no LaTeX inside are text."""
    from pylatexenc.latexwalker import (
        LatexCharsNode,
        LatexCommentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexMathNode,
        LatexSpecialsNode,
    )

    known = _converter().latex_context
    verbatim_arguments = False  # the groups right after a macro we could not read: its arguments
    covered = 0  # pylatexenc skips some characters (a backslash at the very end): kept as text
    for node in _nodes(text):
        if node.pos > covered:
            yield "text", text[covered : node.pos]
        covered = node.pos + node.len
        verbatim = _verbatim(node)
        if isinstance(node, LatexMathNode | LatexGroupNode) and not _closed(node):
            opening = node.delimiters[0]
            if unclosed >= MAX_UNCLOSED:
                yield "text", text[node.pos :]
                return
            yield "text", opening
            yield from _pieces(text[node.pos + len(opening) :], unclosed + 1)
            return
        if isinstance(node, LatexMathNode):
            verbatim_arguments = False
            yield "math", node
        elif isinstance(node, LatexCharsNode | LatexSpecialsNode | LatexCommentNode):
            verbatim_arguments = False
            yield "text", verbatim
        elif isinstance(node, LatexGroupNode) and (verbatim_arguments or not _HINT.search(verbatim)):
            yield "text", verbatim
        elif isinstance(node, LatexMacroNode) and (
            not node.macroname.strip() or known.get_macro_spec(node.macroname) is None
        ):  # unknown, or a lone backslash
            verbatim_arguments = True
            yield "text", verbatim
        else:
            try:
                converted = str(_converter().nodelist_to_text([node]))
            except Exception:  # pylatexenc fails on some malformed input (\href without arguments)
                verbatim_arguments = True
                yield "text", verbatim
                continue
            verbatim_arguments = False
            yield "converted", converted
    if covered < len(text):
        yield "text", text[covered:]


def latex_text(text: str) -> str:
    """``text`` with its LaTeX fragments as readable Unicode, whitespace collapsed."""
    if not _HINT.search(text):
        return text
    parts = []
    for kind, payload in _read(_BARE_PERCENT.sub(_PERCENT, text)):
        parts.append(_to_text(payload) if kind == "math" else payload)
    # A text is never read as nothing (a title of "\\" stays "\\").
    return _SPACES.sub(" ", "".join(parts)).strip().replace(_PERCENT, "%") or text


def _to_text(node: Any) -> str:
    try:
        return str(_converter().nodelist_to_text([node]))
    except Exception:  # as above: keep what pylatexenc cannot read
        return _verbatim(node)


def math_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_math)``: TeX of each math fragment (without its
    delimiters), and the readable text between them. Whitespace is collapsed."""
    if not _HINT.search(text):
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    for kind, payload in _read(_BARE_PERCENT.sub(_PERCENT, text)):
        if kind == "math":
            tex = "".join(_verbatim(node) for node in payload.nodelist)
            # In TeX math a bare % would start a comment: the Hub meant a percent sign.
            tex = _SPACES.sub(" ", tex).strip().replace(_PERCENT, "\\%")
            if tex:
                pieces.append((tex, True))
            continue
        piece = _SPACES.sub(" ", payload).replace(_PERCENT, "%")
        if pieces and not pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + piece, False)
        else:
            pieces.append((piece, False))
    # A text is never read as nothing (a title of "\\]" stays "\\]").
    return _strip_ends(pieces) or [(text, False)]


def _strip_ends(pieces: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    result = list(pieces)
    if result and not result[0][1]:
        result[0] = (result[0][0].lstrip(), False)
    if result and not result[-1][1]:
        result[-1] = (result[-1][0].rstrip(), False)
    return [piece for piece in result if piece[0]]
