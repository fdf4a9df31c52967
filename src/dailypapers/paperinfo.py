"""What came of a paper: the models, datasets and Spaces the Hub links to it, and its code's stars.

``GET /api/papers/{id}`` answers the paper with ``linkedModels``/``numTotalModels``,
``linkedDatasets``/``numTotalDatasets``, ``linkedSpaces`` (``numTotalSpaces`` when given),
``githubRepo`` and ``githubStars`` (huggingface_hub's ``PaperInfo`` reads the same keys). The
answer is a stranger's: every count must be a JSON integer from 0 to
:data:`~dailypapers.models.MAX_COUNT` (not a float, a boolean, a string or a huge number),
and a list stands for its length only when the total is not given. Anything else makes that
paper's counts fail (:class:`BadInfo`), never the post. The repository URL is kept only when
it is an http(s) URL of bounded length; it is shown through ``link_url`` like every link.

Links: a paper page on the Hub lists the repositories citing the paper, and links its models
and datasets to the Hub's search by the ``arxiv:ID`` tag ("Browse 42 models citing this
paper": ``/models?other=arxiv:ID``, ``/datasets?other=arxiv:ID``); its Spaces have no such
list, so their count links to the paper page, which shows them (arXiv ids only; others are
shown unlinked).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from dailypapers.models import ARXIV_ID, MAX_COUNT, PaperInfo

HUB = "https://huggingface.co"
KINDS = ("models", "datasets", "spaces")  # the Hub's repository kinds, as its URLs name them
MAX_URL = 500  # a repository URL longer than this is not one
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone one cannot be written as UTF-8


class BadInfo(ValueError):
    """An answer of ``/api/papers/{id}`` whose counts cannot be trusted; the message says why."""


def strict_count(value: object, what: str) -> int:
    """A JSON integer from 0 to MAX_COUNT; :class:`BadInfo` for anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "a boolean" if isinstance(value, bool) else type(value).__name__
        raise BadInfo(f"{what} is {kind}, not a whole number")
    if not 0 <= value <= MAX_COUNT:
        shown = str(value) if abs(value) < 10**30 else f"a number of {len(str(value))} digits"
        raise BadInfo(f"{what} is {shown}, not a count from 0 to {MAX_COUNT:,}")
    return value


def _total(answer: Mapping[str, object], total_key: str, list_key: str) -> int:
    """A kind's count: its total when the Hub gives one, else the length of its list, else 0."""
    total = answer.get(total_key)
    if total is not None:
        return strict_count(total, total_key)
    listed = answer.get(list_key)
    if listed is None:
        return 0
    if not isinstance(listed, list):
        raise BadInfo(f"{list_key} is {type(listed).__name__}, not a list")
    return strict_count(len(listed), list_key)


def _repo(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInfo(f"githubRepo is {type(value).__name__}, not text")
    url = value.strip()
    if len(url) > MAX_URL or not re.match(r"(?i)https?://", url) or _SURROGATE.search(url):
        return None  # not a link we show (or could store): left out, the counts stand
    return url


def info_from_answer(answer: object, *, observed_at: str) -> PaperInfo:
    """The counts of one ``/api/papers/{id}`` answer; :class:`BadInfo` if it is not a paper's."""
    if not isinstance(answer, Mapping):
        raise BadInfo(f"the answer is a {type(answer).__name__}, not an object")
    inner = answer.get("paper")
    # The paper's own fields sit at the top level; a "paper" object (the list's shape) also works.
    paper: Mapping[str, object] = inner if isinstance(inner, Mapping) else answer
    stars: object = paper.get("githubStars", answer.get("githubStars"))
    return PaperInfo(
        models=_total(answer, "numTotalModels", "linkedModels"),
        datasets=_total(answer, "numTotalDatasets", "linkedDatasets"),
        spaces=_total(answer, "numTotalSpaces", "linkedSpaces"),
        github_repo=_repo(paper.get("githubRepo", answer.get("githubRepo"))),
        github_stars=None if stars is None else strict_count(stars, "githubStars"),
        observed_at=observed_at,
    )


def hub_list_url(kind: str, paper_id: str) -> str | None:
    """The Hub's list of the ``kind`` repositories citing the paper (arXiv ids only)."""
    if kind not in KINDS or not ARXIV_ID.fullmatch(paper_id):
        return None
    if kind == "spaces":
        return f"{HUB}/papers/{paper_id}"
    return f"{HUB}/{kind}?other=arxiv:{paper_id}"


def compact(number: int) -> str:
    """``999``, ``1.2k``, ``12k``, ``1.2M``: a count as the Hub and GitHub show one (cut down,
    never rounded up: 1,999 stars are ``1.9k``)."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if number >= size:
            scaled = number / size
            if scaled < 10:
                tenths = math.floor(number * 10 // size) / 10
                return f"{tenths:g}{unit}"
            return f"{number // size}{unit}"
    return str(number)
