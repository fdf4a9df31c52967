"""Hub days with every field (code, stars, project page, comments, AI keywords), made from
``data/sample_entry.json``, a real entry of ``GET /api/daily_papers``: each paper is that
entry with a few fields changed. The recorded corpus predates some of these fields.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from conftest import DATA

SAMPLE: dict[str, Any] = json.loads((DATA / "sample_entry.json").read_text(encoding="utf-8"))
DAYS = ("2026-03-05", "2026-03-06")


def entry(
    paper_id: str,
    title: str,
    upvotes: int,
    *,
    organization: tuple[str, str] | None = ("MHUGLab", "Multimedia and Human Understanding Group"),
    github: str | None = None,
    stars: int | None = None,
    project: str | None = None,
    comments: int = 0,
    keywords: tuple[str, ...] = (),
    summary: str | None = None,
    authors: int | None = None,
) -> dict[str, Any]:
    """The sample entry as paper ``paper_id``; None leaves a field out, as the Hub does."""
    made = copy.deepcopy(SAMPLE)
    paper = made["paper"]
    paper.update(id=paper_id, title=title, upvotes=upvotes, ai_keywords=list(keywords))
    made.update(title=title, numComments=comments)
    # An abstract of its own: the sample's mentions in-context learning, a keyword of the tests.
    paper["summary"] = made["summary"] = summary or f"We present {title}, with experiments."
    for key, value in (("githubRepo", github), ("githubStars", stars), ("projectPage", project)):
        if value is None:
            paper.pop(key, None)
        else:
            paper[key] = value
    if authors is not None:  # the sample's first ``authors`` authors
        paper["authors"] = paper["authors"][:authors]
    if organization is None:
        made.pop("organization")
        paper.pop("organization")
    else:
        org = {**SAMPLE["organization"], "name": organization[0], "fullname": organization[1]}
        made["organization"] = paper["organization"] = org
    return made


def day_entries(day: str) -> list[Any] | None:
    """The replay source: two days of papers, None (no papers) for any other day."""
    if day == "2026-03-06":
        return [
            copy.deepcopy(SAMPLE),  # 10 upvotes, MHUGLab, code with 9 stars, project page, 1 comment
            entry("2603.00001", "Scaling Diffusion Transformers", 120, organization=("nvidia", "NVIDIA"),
                  github="https://github.com/nv/dit", stars=12345, comments=7, keywords=("diffusion",)),
            entry("2603.00002", "A Jailbreak Benchmark for Chat Models", 95, organization=None,
                  github="https://github.com/jb/bench", stars=3, comments=2),
            entry("2603.00003", "Reasoning with Long Chains", 80, organization=("google", "Google"),
                  project="https://example.org/chains?lang=en&v=2", comments=0),
            entry("2603.00004", "Token Pruning for Vision Encoders", 64, organization=("meta", "Meta AI"),
                  github="https://github.com/under_score/star*repo", stars=0),
            entry("2603.00005", "Speech Models at Scale", 50, organization=None),
            entry("2603.00006", "Agents that Browse", 41, organization=("openai", "OpenAI"),
                  github="javascript:alert(1)"),
            # No organization: the post names the sole author, or the first and the others' count.
            entry("2603.00007", "Few-Shot Segmentation", 30, organization=None, authors=1,
                  summary="We study in-context   learning for segmentation.", comments=1),
            entry("2603.00008", "Diffusion-Free Image Editing", 20, organization=None,
                  keywords=("image editing",), github="javascript:alert(1)",
                  project="https://example.org/edit?q={{x}}&lt;b>(1)|`*_ok_"),
            entry("2603.00009", "Robust Jailbreak Defenses", 12, organization=("MHUGLab", "MHUG"),
                  keywords=("safety",)),
            entry("2603.00010", "Diffusions of Innovation", 5, organization=None),
        ]  # fmt: skip
    if day == "2026-03-05":
        return [
            entry("2603.00001", "Scaling Diffusion Transformers", 60, organization=("nvidia", "NVIDIA")),
            entry("2603.00011", "Weather Forecasting with Graphs", 33, organization=("dm", "DeepMind"),
                  github="https://github.com/dm/weather", stars=1500),
            entry("2603.00012", "Jailbreaking via Role Play", 25, organization=None),
        ]  # fmt: skip
    return None
