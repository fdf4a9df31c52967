"""BibTeX files (setting ``bibtex``): ``bib/daily-YYYY-MM-DD.bib`` with the papers a day's post
shows (linked from the post), and ``bib/starred.bib`` with every ⭐ paper of the archive.

Each paper is an ``@misc`` entry with arXiv's eprint fields (``eprint``, ``archivePrefix =
{arXiv}``), so Zotero, JabRef or biber read it as the arXiv preprint it is. Its key is made
of its id alone (``arXiv:2602.01234``): the same on every run and in every file. Text from
strangers (titles, authors, abstracts) has its LaTeX read as Unicode first (``$\\times$``
becomes ``×``), then every character BibTeX or LaTeX would read as syntax is written as a
command (``{`` as ``\\textbraceleft{}``, ``%`` as ``\\%``...): braces stay balanced whatever a
title holds, so no title can end its entry or start another. Files have no front matter:
Jekyll copies them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dailypapers.interests import select_daily
from dailypapers.latex import latex_text
from dailypapers.models import ARXIV_ID, Paper
from dailypapers.paths import bib_path
from dailypapers.site import Site
from dailypapers.text import clean
from dailypapers.write import FileResult

STARRED = "starred"
# LaTeX's special characters, each as what typesets it. Braces are special twice: BibTeX
# counts \{ and \} in its brace matching like { and }, so only braces that pair up in the
# text are written \{ and \}; a lone one is a text command (see _braces).
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "@": "{@}",  # harmless in braces; kept from any reader that scans for entry starts
}
_SPECIAL_CHARS = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
# Characters TeX joins into another ("--" is a dash, "``" a quotation mark, "<<" a guillemet):
# an empty group after the first keeps them apart.
_LIGATURE = re.compile(r"-(?=-)|`(?=`)|'(?=')|<(?=<)|>(?=>)|[!?](?=`)")


def _paired_braces(text: str) -> set[int]:
    """Positions of the braces of ``text`` that pair up (an opening one before its closing one)."""
    opened: list[int] = []
    paired: set[int] = set()
    for position, char in enumerate(text):
        if char == "{":
            opened.append(position)
        elif char == "}" and opened:
            paired |= {opened.pop(), position}
    return paired


def bibtex_text(text: str) -> str:
    """``text`` (plain Unicode) as the content of a braced BibTeX value, on one line: its braces
    balanced whatever it holds, every LaTeX special character escaped."""
    text = " ".join(clean(text).split())  # what may be shown (dailypapers.text), on one line
    paired = _paired_braces(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return "\\" + char if match.start() in paired else _SPECIAL[char]

    return _LIGATURE.sub(r"\g<0>{}", _SPECIAL_CHARS.sub(escape, text))


def entry_key(paper: Paper) -> str:
    """``arXiv:2602.01234`` (``hf:ID`` for an id that is not arXiv's): stable across runs."""
    return f"arXiv:{paper.id}" if ARXIV_ID.fullmatch(paper.id) else f"hf:{paper.id}"


def _year(paper: Paper, day: str) -> str:
    published = paper.published_at or ""
    return published[:4] if re.match(r"\d{4}-", published) else day[:4]


def bib_entry(paper: Paper, day: str) -> str:
    """One ``@misc`` entry for ``paper``, listed on ``day``."""
    fields: list[tuple[str, str]] = [
        ("title", latex_text(paper.title)),
        ("author", " and ".join(latex_text(name) for name in paper.authors if name.strip())),
        ("year", _year(paper, day)),
    ]
    if ARXIV_ID.fullmatch(paper.id):
        fields += [("eprint", paper.id), ("archivePrefix", "arXiv")]
    fields += [("url", paper.arxiv_url or paper.hf_url)]
    if paper.organization is not None and paper.organization.display_name:
        fields.append(("institution", paper.organization.display_name))
    fields += [
        ("note", f"Hugging Face Daily Papers, {day}, {paper.hf_url}"),
        ("abstract", latex_text(paper.summary)),
    ]
    lines = [f"@misc{{{entry_key(paper)},"]
    lines += [f"  {name} = {{{bibtex_text(value)}}}," for name, value in fields if value.strip()]
    return "\n".join(lines) + "\n}\n"


def bib_file(papers: Sequence[tuple[Paper, str]], title: str) -> str:
    """A ``.bib`` of ``papers`` (each with its day), one entry each, in the given order."""
    header = f"% {bibtex_text(title)}\n% made by dailypapers from the Hugging Face Daily Papers\n"
    return header + "".join("\n" + bib_entry(paper, day) for paper, day in papers)


def day_papers(site: Site, day: str) -> list[Paper]:
    """What the daily post of ``day`` lists: its ranked papers, then its ⭐ section."""
    selection = select_daily(site.store.day_papers(day), site.settings.daily.top, site.interests)
    return selection.listed


def starred_papers(site: Site) -> list[tuple[Paper, str]]:
    """Every ⭐ paper of the archive (muted ones left out), newest first, with its first day."""
    days = site.store.stored_days()
    if not days:
        return []
    interests = site.interests
    listed = site.store.listed_papers(days[0], days[-1])
    starred = [
        (paper, first_day, place)
        for paper, _, first_day, place in listed
        if interests.starred(paper) and not interests.muted(paper)
    ]
    starred.sort(key=lambda item: (item[1], -item[2]), reverse=True)
    return [(paper, first_day) for paper, first_day, _ in starred]


def publish_bibtex(site: Site, days: Sequence[str]) -> list[FileResult]:
    """Write the ``.bib`` of each of ``days`` that has papers, then the ⭐ one (when the
    setting is on)."""
    if not site.settings.bibtex:
        return []
    results = []
    for day in days:
        papers = day_papers(site, day)
        if papers:
            text = bib_file([(paper, day) for paper in papers], f"Hugging Face Daily Papers - {day}")
            results.append(site.write(bib_path(day), text))
    if site.store.stored_days():
        starred = bib_file(starred_papers(site), "Hugging Face Daily Papers - ⭐")
        results.append(site.write(bib_path(STARRED), starred))
    return results
