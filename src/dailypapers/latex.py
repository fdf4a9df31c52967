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
    verbatim_arguments = False  # the groups right after a macro we could not read: its arguments
    covered = 0  # pylatexenc skips some characters (a backslash at the very end): kept as text
    for node in _nodes(text):
        if node.pos > covered:
            yield "text", text[covered : node.pos]
        covered = node.pos + node.len
        opening = _opening_of_nothing(node, text[covered : covered + 1])
        if opening is not None:
            yield from _rest_on_its_own(text, node.pos, opening, unclosed)
            return
        piece, verbatim_arguments = _piece(node, verbatim_arguments)
        yield piece
    if covered < len(text):
        yield "text", text[covered:]


def _opening_of_nothing(node: Any, following: str) -> str | None:
    """The delimiter of a math node or group that is not what it seems, or None: one never
    closed, or a dollar of a price (``$891K spent ... an additional $576K``: the first dollar
    is a dollar; ``following``: the character after the node)."""
    from pylatexenc.latexwalker import LatexGroupNode, LatexMathNode

    if isinstance(node, LatexMathNode | LatexGroupNode) and not _closed(node):
        return str(node.delimiters[0])
    if isinstance(node, LatexMathNode) and not plausible_math(node.delimiters[0], _verbatim(node), following):
        return "$"
    return None


def _rest_on_its_own(text: str, start: int, opening: str, unclosed: int) -> Iterator[tuple[str, Any]]:
    """``opening`` (at ``start``) as text, and what follows it read on its own (the second
    dollar may open real math); past :data:`MAX_UNCLOSED` such readings, the rest as text."""
    if unclosed >= MAX_UNCLOSED:
        yield "text", text[start:]
        return
    yield "text", opening
    yield from _pieces(text[start + len(opening) :], unclosed + 1)


def _piece(node: Any, verbatim_arguments: bool) -> tuple[tuple[str, Any], bool]:
    """The piece of one node, and whether the groups that follow are a macro's arguments
    we could not read (and so stay as written)."""
    from pylatexenc.latexwalker import (
        LatexCharsNode,
        LatexCommentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexMathNode,
        LatexSpecialsNode,
    )

    verbatim = _verbatim(node)
    if isinstance(node, LatexMathNode):
        return ("math", node), False
    if isinstance(node, LatexCharsNode | LatexSpecialsNode | LatexCommentNode):
        return ("text", verbatim), False
    if isinstance(node, LatexGroupNode) and (verbatim_arguments or not _HINT.search(verbatim)):
        return ("text", verbatim), verbatim_arguments
    if isinstance(node, LatexMacroNode) and (
        not node.macroname.strip() or _converter().latex_context.get_macro_spec(node.macroname) is None
    ):  # unknown, or a lone backslash
        return ("text", verbatim), True
    try:
        converted = str(_converter().nodelist_to_text([node]))
    except Exception:  # pylatexenc fails on some malformed input (\href without arguments)
        return ("text", verbatim), True
    return ("converted", converted), False


def plausible_math(opening: str, verbatim: str, following: str) -> bool:
    """Whether a math node (its opening delimiter, its text as written and the character after
    it) is math rather than prices. A ``$...$`` pair is not when its content starts or ends
    with a space (pandoc's rule: ``$891K spent ... an additional $576K``), nor when it starts
    with a digit and a digit follows it (``$5-$10``; ``256$\\times$256`` is math). ``$$``,
    ``\\(`` and ``\\[`` always are."""
    if opening != "$":
        return True
    content = verbatim[1:-1]
    if not content or content[0].isspace() or content[-1].isspace():
        return False
    return not (content[0].isdigit() and following.isdigit())


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


# --- what MathJax may typeset ---------------------------------------------------------------

# The TeX a post hands to MathJax, by name: symbols, fonts, fractions, roots, accents,
# delimiters, operators and matrices. Nothing that makes a link (\href), sets CSS, classes,
# ids or attributes (\style, \class, \cssId, \bbox, \color, \mmlToken, \data), loads code
# (\require), defines macros (\def, \newcommand), reads verbatim (\verb), moves or sizes
# things freely (\hspace, \kern, \raise, \rule, \Huge), or labels and refers (\label,
# \ref, \tag). Math with any other command is shown as text.
_COMMAND_NAMES = """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa
    lambda mu nu xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi
    omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega digamma

    times div cdot cdotp pm mp ast star circ bullet oplus ominus otimes oslash odot cap cup
    sqcap sqcup wedge vee land lor setminus smallsetminus wr amalg dagger ddagger
    le leq ge geq ll gg lt gt ne neq approx approxeq sim simeq cong equiv propto prec succ
    preceq succeq subset supset subseteq supseteq subsetneq supsetneq in notin ni mid nmid
    parallel nparallel perp models vdash dashv doteq asymp leqslant geqslant lesssim gtrsim
    lll ggg nless ngtr nleq ngeq triangleq coloneqq eqqcolon bowtie
    neg lnot forall exists nexists emptyset varnothing infty partial nabla prime backprime
    hbar hslash ell Re Im aleph beth wp top bot angle measuredangle triangle square Box
    diamond Diamond checkmark clubsuit diamondsuit heartsuit spadesuit flat natural sharp
    imath jmath surd S P colon vert Vert lvert rvert lVert rVert backslash
    ldots cdots vdots ddots dots dotsb dotsc dotsi dotsm dotso
    to gets rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow
    longrightarrow longleftarrow Longrightarrow Longleftarrow longleftrightarrow
    Longleftrightarrow mapsto longmapsto uparrow downarrow Uparrow Downarrow updownarrow
    Updownarrow nearrow searrow swarrow nwarrow hookrightarrow hookleftarrow rightharpoonup
    rightharpoondown leftharpoonup leftharpoondown rightleftharpoons leftrightarrows
    rightrightarrows twoheadrightarrow rightsquigarrow leadsto implies impliedby iff
    xrightarrow xleftarrow
    sum prod coprod int iint iiint oint bigcup bigcap bigsqcup bigoplus bigotimes bigodot
    biguplus bigvee bigwedge lim limsup liminf sup inf max min arg det dim ker deg gcd hom
    Pr exp log ln lg sin cos tan sec csc cot arcsin arccos arctan sinh cosh tanh coth
    mod bmod pmod operatorname limits nolimits
    mathrm mathbf mathit mathsf mathtt mathcal mathbb mathfrak mathscr mathnormal
    boldsymbol pmb text textbf textit texttt textrm textsf textnormal textup mbox
    rm bf it sf tt cal
    underline overline hat widehat tilde widetilde bar vec dot ddot dddot acute grave breve
    check mathring overrightarrow overleftarrow overleftrightarrow underbrace overbrace
    underrightarrow underleftarrow
    frac dfrac tfrac cfrac binom dbinom tbinom sqrt root of over choose atop
    left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm
    Bigm biggm Biggm overset underset stackrel substack
    displaystyle textstyle scriptstyle scriptscriptstyle
    quad qquad enspace thinspace medspace thickspace negthinspace not
    lfloor rfloor lceil rceil langle rangle lbrace rbrace lbrack rbrack
"""
MATHJAX_COMMANDS = frozenset(_COMMAND_NAMES.split())
_ENVIRONMENT_NAMES = "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned gathered array"
MATHJAX_ENVIRONMENTS = frozenset(_ENVIRONMENT_NAMES.split())
# Control symbols: spaces, and escaped braces, bars and specials. Never \( \) \[ \] \$, which
# are delimiters, nor a backslash at the end, which would escape the closing one.
MATHJAX_SYMBOLS = frozenset(",;:! {}|%#&_\\")
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.DOTALL)
_ENVIRONMENT = re.compile(r"\s*\{([A-Za-z]+)\}")
_ROW_SPACING = re.compile(r"\s*\*?\s*\[")  # "\\[5em]", "\\*[5em]": a row with space of any size


def typesettable(tex: str) -> bool:
    r"""Whether ``tex`` may be handed to MathJax as inline math (``\(tex\)``).

    Every command and environment must be in the allow-lists above, the braces and
    environments balanced, and no ``$`` or ``%`` (a comment) in it. Balanced braces and no
    trailing backslash also mean that MathJax's delimiter search, which skips braced groups
    and escaped characters, ends the math exactly at the closing ``\)`` that follows ``tex``.
    """
    depth = 0
    environments: list[str] = []
    position = 0
    while position < len(tex):
        char = tex[position]
        if char == "\\":
            after = _after_control(tex, position, environments)
            if after is None:
                return False
            position = after
            continue
        if char in "$%":
            return False  # a delimiter, or a comment that would hide the rest
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
        position += 1
    return depth == 0 and not environments


def _after_control(tex: str, position: int, environments: list[str]) -> int | None:
    """Where the command at ``position`` of ``tex`` ends (a ``\\begin`` or ``\\end`` with its
    environment, kept in ``environments``), or None when MathJax may not have it: not in the
    allow-lists, an ``\\end`` of no open environment, a backslash at the very end."""
    control = _CONTROL.match(tex, position)
    if control is None:
        return None  # a backslash at the very end
    position = control.end()
    word, symbol = control.groups()
    if word not in ("begin", "end"):
        return position if _command_allowed(word, symbol, tex, position) else None
    environment = _ENVIRONMENT.match(tex, position)
    if environment is None or environment.group(1) not in MATHJAX_ENVIRONMENTS:
        return None
    if word == "begin":
        environments.append(environment.group(1))
    elif not environments or environments.pop() != environment.group(1):
        return None
    return environment.end()


def _command_allowed(word: str | None, symbol: str | None, tex: str, position: int) -> bool:
    """A control word (``\\frac``) or symbol (``\\,``) of ``tex``, which goes on at ``position``."""
    if word is not None:
        return word in MATHJAX_COMMANDS
    return symbol in MATHJAX_SYMBOLS and not (symbol == "\\" and _ROW_SPACING.match(tex, position))
