"""Optional language-model summaries: two or three sentences per shown paper, in the post's language.

Any OpenAI-compatible chat-completions server will do (Ollama, vLLM, llama.cpp's server,
OpenAI, Hugging Face inference providers): settings ``llm.base_url`` and ``llm.model``, the
key only from ``$DAILYPAPERS_LLM_API_KEY`` (an unset key is sent as :data:`NO_KEY`; the
saved Hugging Face token never goes to that third-party URL). Requests go through
:mod:`dailypapers.http` like the Hub's: a total deadline and a size cap.

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
import json
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import jinja2

from dailypapers import __version__, redact
from dailypapers.config import LLM_API_KEY_ENV, Settings
from dailypapers.errors import ModelError
from dailypapers.http import (
    DEFAULT_MAX_MB,
    MB,
    Cancelled,
    Http,
    Refused,
    Transient,
    describe_status,
    mask_url,
)
from dailypapers.models import Paper, collapse_whitespace
from dailypapers.text import clean

API_KEY_ENV = LLM_API_KEY_ENV
NO_KEY = "no-key"  # sent when no key is set: local servers ignore it
PROMPT_TEMPLATE = "summary_prompt.j2"
FAILURES_IN_A_ROW = 3
MAX_TOKENS = 400
MAX_CHARACTERS = 1200  # a longer answer is cut (at a sentence end when there is one)
# Reasoning models think aloud first (<think>...</think>); only what follows is the answer.
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SummaryKey:
    """What a stored summary was made with: the same paper under another key is made again."""

    language: str
    model: str
    prompt: str  # hash of the prompt template's source


@dataclass(frozen=True)
class Prompt:
    template: jinja2.Template
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


def prompt_for(settings: Settings, templates: jinja2.Environment) -> Prompt | None:
    """The prompt of the site's language (from its ``templates``) and its key; None when no
    model is set up."""
    if not enabled(settings):
        return None
    name = f"{settings.language}/{PROMPT_TEMPLATE}"
    assert templates.loader is not None
    source, _, _ = templates.loader.get_source(templates, name)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    assert settings.llm_model is not None
    # Compiled from the very source hashed (the environment may hold an older compiled copy).
    return Prompt(templates.from_string(source), SummaryKey(settings.language, settings.llm_model, digest))


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
    """The summary in a model's answer: reasoning dropped, one paragraph of clean text
    (:func:`dailypapers.text.clean`: no control, bidirectional control or lone surrogate),
    no secret (hidden before the cut, so that no part of one is left), bounded length."""
    text = redact.hide(collapse_whitespace(clean(_drop_thinking(text))))
    if len(text) > MAX_CHARACTERS:
        cut = text[:MAX_CHARACTERS]
        end = max(cut.rfind(". "), cut.rfind("다. "), cut.rfind("。"))
        text = cut[: end + 1] if end > MAX_CHARACTERS // 2 else cut.rstrip() + "…"
    return text


def chat_url(base_url: str) -> str:
    """Where the chat completions of ``base_url`` are asked for, as huggingface_hub's
    ``InferenceClient`` has it: ``.../v1`` gets ``/chat/completions``, a URL already ending
    in it is kept, any other path gets ``/v1/chat/completions``; a query stays at the end."""
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions" if path.endswith("/v1") else "/v1/chat/completions"
    return urlunsplit(parts._replace(path=path))


class ModelClient:
    """Asks the chat-completions server at ``base_url`` for one answer at a time.

    Through :mod:`dailypapers.http`, like every request: ``timeout`` is the deadline of the
    whole exchange (connect, waiting, the answer), the answer is read in chunks up to
    ``max_bytes`` and refused beyond it (huggingface_hub's ``InferenceClient`` read it whole,
    and its timeout is per phase). The key is sent as a bearer token and remembered as a
    secret (:mod:`dailypapers.redact`), like any credential in the URL: a server quoting the
    request back gets neither into an answer, a message or a file.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_bytes: int = DEFAULT_MAX_MB * MB,
    ) -> None:
        redact.remember(api_key)
        redact.remember_url(base_url)
        self.base_url = base_url.strip().rstrip("/")
        self.url = chat_url(self.base_url)
        self.shown_url = mask_url(self.base_url)  # for messages: no credentials, query or fragment
        self.model = model
        self.timeout = timeout
        self._key = api_key or NO_KEY
        # No phase timeout shorter than the deadline: a local model may think for a while
        # before it sends a byte.
        self.http = Http(deadline=timeout, max_bytes=max_bytes, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelClient:
        assert settings.llm_base_url and settings.llm_model
        return cls(
            settings.llm_base_url,
            settings.llm_model,
            api_key=os.environ.get(API_KEY_ENV) or None,
            timeout=settings.llm_timeout,
            max_bytes=settings.max_response_mb * MB,
        )

    def complete(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The model's answer to ``messages`` (secrets hidden); :class:`ModelError` when there
        is none in time."""
        payload = {
            "model": self.model,
            "messages": [dict(message) for message in messages],
            "max_tokens": MAX_TOKENS,
            "temperature": 0.2,
            "stream": False,
        }
        headers = {
            "authorization": f"Bearer {self._key}",
            "content-type": "application/json",
            "user-agent": f"dailypapers/{__version__}",
        }
        try:
            answer = self.http.request("POST", self.url, headers=headers, json=payload)
        except Transient as failure:
            if "within" in failure.reason:  # the deadline, or no answer at all in that time
                raise self._error(f"did not answer within {self.timeout:g} s") from None
            raise self._error(f"failed: {failure.reason}") from None
        except Refused as refused:
            raise self._error(f"failed: {refused.reason}") from None
        except Cancelled:
            raise self._error("was not asked: the run was interrupted") from None
        if answer.status != 200:
            raise self._error(f"failed: {describe_status(answer.status)}")
        content = _answer_text(answer.body)
        if content is None:
            raise self._error("failed: an answer that is not a chat completion")
        return redact.hide(content)

    def _error(self, what: str) -> ModelError:
        return ModelError(redact.hide(f"the model at {self.shown_url} {what}"))


def _answer_text(body: bytes) -> str | None:
    """The text of a chat completion's first choice, or None when ``body`` is not one."""
    try:
        content = json.loads(body)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return None
    return content if isinstance(content, str) else None


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
    in_a_row = 0
    for paper, answer in _answers(wanted, prompt, client, concurrency, report):
        if isinstance(answer, ModelError):
            in_a_row += 1
            report.failed += 1
            if str(answer) not in report.errors:
                report.errors.append(str(answer))
            report.stopped = report.stopped or in_a_row >= FAILURES_IN_A_ROW
            continue
        in_a_row = 0
        save(paper.id, prompt.key, answer)
        report.made += 1
    report.not_tried += len(wanted) - report.made - report.failed
    return report


def _answers(
    wanted: Iterable[Paper], prompt: Prompt, client: ModelClient, concurrency: int, report: SummaryReport
) -> Iterator[tuple[Paper, str | ModelError]]:
    """Each paper's summary or failure, as they come: ``concurrency`` requests at a time, each
    in a daemon thread of its own, and none started once ``report`` says the model stopped.

    This generator (in the calling thread) hands out the requests, so that none starts once
    the model has failed :data:`FAILURES_IN_A_ROW` times in a row.
    """
    results: queue.Queue[tuple[Paper, str | ModelError]] = queue.Queue()

    def ask(paper: Paper) -> None:
        results.put((paper, _summary(paper, prompt, client)))

    pending = iter(wanted)
    in_flight = 0
    while True:
        while in_flight < concurrency and not report.stopped and (paper := next(pending, None)) is not None:
            threading.Thread(target=ask, args=(paper,), name="summary", daemon=True).start()
            in_flight += 1
        if not in_flight:
            return
        try:
            yield results.get(timeout=client.timeout + 5)
        except queue.Empty:  # cannot happen while complete() keeps its deadline
            return
        in_flight -= 1


def _summary(paper: Paper, prompt: Prompt, client: ModelClient) -> str | ModelError:
    """The model's summary of ``paper``, cleaned, or why there is none."""
    try:
        answer = clean_answer(client.complete(prompt.messages(paper)))
    except ModelError as error:
        return error
    except Exception as error:  # a prompt template that fails, say: that paper fails
        return ModelError(f"no request made: {type(error).__name__}: {error}")
    return answer if answer else ModelError("the model's answer was empty")
