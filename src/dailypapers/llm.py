"""Optional language-model summaries: two or three sentences per shown paper, in the post's language.

Any OpenAI-compatible chat-completions server will do (Ollama, vLLM, llama.cpp's server,
OpenAI, Hugging Face inference providers): settings ``llm.base_url`` and ``llm.model``, the
key only from ``$DAILYPAPERS_LLM_API_KEY``. Requests go through huggingface_hub's
``InferenceClient`` with an explicit ``api_key`` always: without one it would send the saved
Hugging Face token to that third-party URL, so an unset key is sent as :data:`NO_KEY`.

Each summary is stored in the archive under the paper, the language, the model and a hash of
the prompt template, so a paper is summarised once, ever: a rerun makes no request, and
``render`` only reads what is stored. A run makes at most ``llm.budget`` requests, newest
day first, ``llm.concurrency`` at a time, each within ``llm.timeout`` seconds in all; after
:data:`FAILURES_IN_A_ROW` failures in a row it stops asking. A failing model never fails a
post: the post is written without the summary and the next run fills it in.

The prompt is the template ``LANG/summary_prompt.j2`` (overridable from the site like the
post templates): its body is the user message, its ``system`` block the system message.
What the model answers is untrusted text, escaped like the Hub's.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.config import Settings
from dailypapers.errors import ModelError
from dailypapers.http import mask_url
from dailypapers.models import Paper, collapse_whitespace

API_KEY_ENV = "DAILYPAPERS_LLM_API_KEY"
# Sent when no key is set: local servers ignore it, and it keeps huggingface_hub from sending
# the saved Hugging Face token instead.
NO_KEY = "no-key"
PROMPT_TEMPLATE = "summary_prompt.j2"
FAILURES_IN_A_ROW = 3
MAX_TOKENS = 400
MAX_CHARACTERS = 1200  # a longer answer is cut (at a sentence end when there is one)
# Reasoning models think aloud first (<think>...</think>); only what follows is the answer.
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
# Control characters other than line breaks and tabs (NUL, ESC, DEL, C1), which a post
# would carry into its HTML, and lone surrogates (a JSON "\ud800"), which cannot be written
# as UTF-8 at all: the archive and the post would fail on them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class SummaryKey:
    """What a stored summary was made with: the same paper under another key is made again."""

    language: str
    model: str
    prompt: str  # hash of the prompt template's source


@dataclass(frozen=True)
class Prompt:
    template: Any  # jinja2.Template
    key: SummaryKey

    def messages(self, paper: Paper) -> list[dict[str, str]]:
        module = self.template.make_module({"paper": paper})
        system = collapse_whitespace(str(getattr(module, "system", "") or ""))
        user = str(module).strip()
        return ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": user}
        ]


def enabled(settings: Settings) -> bool:
    return bool(settings.llm_base_url and settings.llm_model)


def prompt_for(settings: Settings, site: Path | None) -> Prompt | None:
    """The prompt of the site's language and its key; None when no model is set up."""
    if not enabled(settings):
        return None
    from dailypapers.render import environment

    env = environment(site)
    name = f"{settings.language}/{PROMPT_TEMPLATE}"
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    assert settings.llm_model is not None
    # Compiled from the very source hashed (the environment may hold an older compiled copy).
    return Prompt(env.from_string(source), SummaryKey(settings.language, settings.llm_model, digest))


def _drop_thinking(text: str) -> str:
    """``text`` without its ``<think>...</think>`` blocks (each becomes a space).

    Found tag by tag, in linear time: the regular expression ``<think>.*?</think>`` took
    quadratic time on an answer of unclosed ``<think>`` (30 s for 280 kB, holding the GIL)."""
    parts = []
    position = 0
    while (opening := _THINK_OPEN.search(text, position)) is not None:
        closing = _THINK_CLOSE.search(text, opening.end())
        if closing is None:
            break
        parts += [text[position : opening.start()], " "]
        position = closing.end()
    return "".join(parts) + text[position:]


def clean_answer(text: str) -> str:
    """The summary in a model's answer: reasoning dropped, one paragraph of printable text
    (a lone surrogate becomes U+FFFD), bounded length."""
    text = collapse_whitespace(_CONTROL.sub("", _drop_thinking(_SURROGATE.sub("\ufffd", text))))
    if len(text) > MAX_CHARACTERS:
        cut = text[:MAX_CHARACTERS]
        end = max(cut.rfind(". "), cut.rfind("다. "), cut.rfind("。"))
        text = cut[: end + 1] if end > MAX_CHARACTERS // 2 else cut.rstrip() + "…"
    return text


class ModelClient:
    """Asks the chat-completions server at ``base_url`` for one answer at a time.

    ``timeout`` bounds each request in all: huggingface_hub's own timeout is per phase (a
    server dripping a byte at a time never trips it), so the request runs in a daemon thread
    that is abandoned once the time is up (and dies with the process).
    """

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 60.0
    ) -> None:
        from huggingface_hub import InferenceClient

        self.base_url = base_url.rstrip("/")
        self.shown_url = mask_url(self.base_url)  # for messages: no user:password@
        self.model = model
        self.timeout = timeout
        self._key = api_key or NO_KEY
        self._client = InferenceClient(base_url=self.base_url, api_key=self._key, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelClient:
        assert settings.llm_base_url and settings.llm_model
        return cls(
            settings.llm_base_url,
            settings.llm_model,
            api_key=os.environ.get(API_KEY_ENV) or None,
            timeout=settings.llm_timeout,
        )

    def complete(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The model's answer to ``messages``; :class:`ModelError` when there is none in time."""
        outcome: list[Any] = []

        def ask() -> None:
            try:
                outcome.append(self._ask(messages))
            except BaseException as error:  # handed to the waiting thread
                outcome.append(error)

        worker = threading.Thread(target=ask, name="model", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if not outcome:
            raise ModelError(f"the model at {self.shown_url} did not answer within {self.timeout:g} s")
        if isinstance(outcome[0], BaseException):
            raise self._describe(outcome[0]) from None
        return str(outcome[0])

    def _ask(self, messages: Sequence[Mapping[str, str]]) -> str:
        response = self._client.chat_completion(
            messages=[dict(message) for message in messages],
            model=self.model,
            max_tokens=MAX_TOKENS,
            temperature=0.2,
        )
        content = response.choices[0].message.content if response.choices else None
        if not isinstance(content, str):
            raise ValueError("the answer has no text")
        return content

    def _describe(self, error: BaseException) -> ModelError:
        if "Timeout" in type(error).__name__:  # huggingface_hub's or httpx's own, per phase
            return ModelError(f"the model at {self.shown_url} did not answer within {self.timeout:g} s")
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status is not None:
            reason = f"HTTP {status}"
        elif isinstance(error, ValueError | KeyError | IndexError | TypeError):
            reason = "an answer that is not a chat completion"
        else:
            reason = type(error).__name__
        message = f"the model at {self.shown_url} failed: {reason}"
        # A careless server may quote the request back: never show the key.
        return ModelError(message.replace(self._key, "***") if self._key != NO_KEY else message)


@dataclass
class SummaryReport:
    """What a run did: summaries made, found in the archive, failed, or left for a later run."""

    made: int = 0
    reused: int = 0
    failed: int = 0
    not_tried: int = 0  # over the budget, or after the model kept failing
    errors: list[str] = field(default_factory=list)  # distinct failure messages, in order
    stopped: bool = False  # FAILURES_IN_A_ROW reached

    def line(self) -> str:
        text = f"Summaries: {self.made} made, {self.reused} reused, {self.failed} failed"
        if self.not_tried:
            text += f", {self.not_tried} left for the next run"
        return text


def summarise(
    papers: Iterable[Paper],
    prompt: Prompt,
    stored: Callable[[Sequence[str], SummaryKey], Mapping[str, str]],
    save: Callable[[str, SummaryKey, str], None],
    client: ModelClient,
    *,
    budget: int,
    concurrency: int,
) -> SummaryReport:
    """Make the missing summaries of ``papers`` (in priority order, each paper once).

    ``stored`` reads summaries from the archive, ``save`` stores one; both run in the
    calling thread (the archive's connection stays in one thread), requests in others.
    """
    unique = list({paper.id: paper for paper in papers}.values())
    report = SummaryReport()
    have = stored([paper.id for paper in unique], prompt.key)
    report.reused = sum(paper.id in have for paper in unique)
    missing = [paper for paper in unique if paper.id not in have]
    wanted, report.not_tried = missing[:budget], len(missing[budget:])
    if not wanted:
        return report
    # This thread hands out the requests, so that none starts once the model has failed
    # FAILURES_IN_A_ROW times in a row; each runs in a daemon thread of its own.
    results: queue.Queue[tuple[Paper, str | ModelError]] = queue.Queue()

    def ask(paper: Paper) -> None:
        try:
            answer = clean_answer(client.complete(prompt.messages(paper)))
            results.put((paper, answer if answer else ModelError("the model's answer was empty")))
        except ModelError as error:
            results.put((paper, error))
        except Exception as error:  # a prompt template that fails, say: that paper fails
            results.put((paper, ModelError(f"no request made: {type(error).__name__}: {error}")))

    pending = iter(wanted)
    in_flight = 0
    in_a_row = 0
    while True:
        while in_flight < concurrency and not report.stopped and (paper := next(pending, None)) is not None:
            threading.Thread(target=ask, args=(paper,), name="summary", daemon=True).start()
            in_flight += 1
        if not in_flight:
            break
        try:
            paper, answer = results.get(timeout=client.timeout + 5)
        except queue.Empty:  # cannot happen while complete() keeps its deadline
            break
        in_flight -= 1
        if isinstance(answer, ModelError):
            report.failed += 1
            in_a_row += 1
            if str(answer) not in report.errors:
                report.errors.append(str(answer))
            report.stopped = report.stopped or in_a_row >= FAILURES_IN_A_ROW
            continue
        in_a_row = 0
        save(paper.id, prompt.key, answer)
        report.made += 1
    report.not_tried += len(wanted) - report.made - report.failed
    return report
