"""A stand-in language model that answers in Korean, for the replay hub's chat endpoint
(``ReplayHub(..., chat=korean_answer)``): the search page must find Korean words in Korean
summaries, and the recorded corpus has none.

Its summary names what the abstract is about with Korean nouns, each carrying the particle
Korean grammar gives it after its last syllable (``모델은``, ``에이전트를``, ``추론이``), so
that a word is never written alone: a search has to match the start of words. The nouns come
from the abstract's English terms (:data:`TERMS`), so papers about different things get
different words, and the same paper always the same summary.
"""

from __future__ import annotations

import re
from typing import Any

# English term in an abstract -> the Korean noun a summary uses for it (first match first).
TERMS = (
    ("diffusion", "확산"),
    ("agent", "에이전트"),
    ("reasoning", "추론"),
    ("video", "비디오"),
    ("robot", "로봇"),
    ("benchmark", "벤치마크"),
    ("reinforcement", "강화학습"),
    ("image", "이미지"),
    ("speech", "음성"),
    ("dataset", "데이터셋"),
    ("language model", "언어모델"),
    ("model", "모델"),
)
_ABSTRACT = re.compile(r"^(?:초록|Abstract)\s*[:：]\s*(.*)$", re.MULTILINE)


def has_final_consonant(word: str) -> bool:
    """Whether the last syllable of ``word`` ends in a consonant (받침): it picks the particle."""
    last = ord(word[-1]) - 0xAC00
    return 0 <= last < 11172 and last % 28 != 0


def particle(word: str, with_final: str, without_final: str) -> str:
    return word + (with_final if has_final_consonant(word) else without_final)


def korean_summary(abstract: str) -> str:
    """Two Korean sentences about the first two of :data:`TERMS` found in ``abstract``."""
    text = abstract.lower()
    found = [korean for english, korean in TERMS if english in text][:2] or ["방법"]
    first = found[0]
    second = found[1] if len(found) > 1 else "일반화"
    return (
        f"이 논문은 {particle(first, '을', '를')} 다루는 새로운 방법을 제안합니다. "
        f"{particle(second, '과', '와')} 관련된 실험에서 {particle(first, '이', '가')} 기존 방법보다 "
        f"나은 결과를 보였고, {particle(second, '은', '는')} 앞으로의 연구 과제로 남습니다."
    )


def korean_answer(messages: list[dict[str, Any]], model: str) -> str:
    """The chat answer: a Korean summary of the abstract in the prompt (the last user message)."""
    user = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
    match = _ABSTRACT.search(user)
    return korean_summary(match.group(1) if match else user)
