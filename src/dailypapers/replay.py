"""A replay hub: serves recorded days in the shape of ``GET /api/daily_papers``, and papers in
the shape of ``GET /api/papers/{id}`` (from a function ``id -> answer``, or generated: see
:func:`generated_paper`).

Tests, demos and benchmarks point ``HF_ENDPOINT`` (or ``HubClient(endpoint=...)``) at it
and drive the real client over real HTTP on 127.0.0.1; nothing is mocked. Days come from a
directory of ``DATE.json`` files (the shape of ``shared/hub/daily_papers``) or from any
function ``date -> entries``. Paging follows the API: ``p`` (page, from 0) and ``limit``.

With a :class:`FaultPlan` it also misbehaves the way a real Hub (or the proxies in front of
it) does: rate limits, outages, slow or cut answers, garbage bodies and malformed entries,
chosen per request, per day, or at random from a fixed seed.
"""

from __future__ import annotations

import copy
import enum
import hashlib
import json
import math
import random
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from dailypapers.errors import ConfigError

DEFAULT_LIMIT = 50
Source = Callable[[str], "list[object] | None"]
PaperSource = Callable[[str], object]  # paper id -> the answer of /api/papers/{id}; None: 404
_PAPER_PATH = re.compile(r"/api/papers/([^/]+)/?")


def generated_paper(paper_id: str) -> dict[str, object]:
    """A made-up answer of ``/api/papers/{id}`` in the Hub's shape (the keys huggingface_hub's
    ``PaperInfo`` reads), the same for the same id: about a third of papers have nothing linked,
    the others a few models, datasets and Spaces and a repository with stars."""
    draw = random.Random(f"paper|{paper_id}")
    linked = draw.random() >= 1 / 3
    models, datasets, spaces = (
        (draw.randint(0, 12), draw.randint(0, 3), draw.randint(0, 4)) if linked else (0, 0, 0)
    )
    answer: dict[str, object] = {
        "id": paper_id,
        "title": f"Paper {paper_id}",
        "upvotes": draw.randint(0, 300),
        "linkedModels": [{"id": f"example/model-{i}", "likes": 0} for i in range(min(models, 5))],
        "numTotalModels": models,
        "linkedDatasets": [{"id": f"example/dataset-{i}"} for i in range(datasets)],
        "numTotalDatasets": datasets,
        "linkedSpaces": [{"id": f"example/space-{i}"} for i in range(spaces)],
    }
    if linked:
        answer["githubRepo"] = f"https://github.com/example/{paper_id}"
        answer["githubStars"] = draw.choice((0, 7, 95, 1234, 15678))
    return answer


def json_bytes(body: object) -> bytes:
    """``body`` as UTF-8 JSON; text with lone surrogates (which UTF-8 cannot carry) is sent
    as ``\\ud800`` escapes, the way JavaScript's JSON writer sends it."""
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body).encode("ascii")


class Fault(enum.Enum):
    """One way of answering badly. The value is the name used by ``dailypapers replay --fault``."""

    RATE_LIMITED = "429"  # 429 with Retry-After: FaultPlan.retry_after
    RATE_LIMITED_BARE = "429-bare"  # 429 without Retry-After
    RATE_LIMITED_WINDOW = "429-window"  # only RateLimit (r=0, t: FaultPlan.retry_after), as the Hub may
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    SLOW = "slow"  # the right answer, after FaultPlan.slow_seconds (more than the client waits)
    RESET = "reset"  # headers and half the body, then a TCP reset
    TRUNCATED = "truncated"  # 200 with the JSON cut in half (and a Content-Length to match)
    HTML = "html"  # 200 with an HTML page, as a captive portal or CDN error page sends
    EMPTY = "empty"  # 200 with an empty list, even for a day that has papers
    BAD_ENTRIES = "bad-entries"  # the first entries damaged, see BAD_ENTRY_MUTATIONS
    UNAUTHORIZED = "401"  # refuses the token, and echoes it back in the error message
    FORBIDDEN = "403"  # likewise
    ECHO = "echo"  # chat only: the answer quotes the request line and headers, as a debugging proxy does


# What a client should retry; random faults are drawn from these by default.
TRANSIENT_FAULTS: tuple[Fault, ...] = (
    Fault.RATE_LIMITED,
    Fault.RATE_LIMITED_BARE,
    Fault.RATE_LIMITED_WINDOW,
    Fault.SERVER_ERROR,
    Fault.BAD_GATEWAY,
    Fault.UNAVAILABLE,
    Fault.SLOW,
    Fault.RESET,
    Fault.TRUNCATED,
    Fault.HTML,
)
_STATUS = {
    Fault.RATE_LIMITED: 429,
    Fault.RATE_LIMITED_BARE: 429,
    Fault.RATE_LIMITED_WINDOW: 429,
    Fault.SERVER_ERROR: 500,
    Fault.BAD_GATEWAY: 502,
    Fault.UNAVAILABLE: 503,
}
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>We'll be right back</h1></body></html>\n"
)


def _paper(entry: dict[str, object]) -> dict[str, object]:
    inner = entry.setdefault("paper", {})
    return inner if isinstance(inner, dict) else {}


def _upvotes_as_text(entry: dict[str, object]) -> None:
    _paper(entry)["upvotes"] = str(_paper(entry).get("upvotes", 0))


def _organization_null(entry: dict[str, object]) -> None:
    entry["organization"] = None
    _paper(entry).pop("organization", None)


# Applied in order to the first entries of a page answered with Fault.BAD_ENTRIES: entry i
# gets mutation i. The first REPAIRED_MUTATIONS keep a clear meaning (the client repairs or
# tolerates them); the others leave no usable id and must be skipped.
BAD_ENTRY_MUTATIONS: tuple[tuple[str, Callable[[dict[str, object]], object]], ...] = (
    ("upvotes as a string", _upvotes_as_text),
    ("organization null", _organization_null),
    ("authors missing", lambda entry: _paper(entry).pop("authors", None)),
    ("no id", lambda entry: _paper(entry).pop("id", None)),
    ("id with a slash", lambda entry: _paper(entry).update(id="2601.00001/extra")),
    ("id with ..", lambda entry: _paper(entry).update(id="../2601.00001")),
)
REPAIRED_MUTATIONS = 3  # how many of BAD_ENTRY_MUTATIONS leave a usable entry


def damage_entries(entries: Sequence[object]) -> list[object]:
    """A copy of ``entries`` with BAD_ENTRY_MUTATIONS applied to the first ones."""
    damaged = copy.deepcopy(list(entries))
    for entry, (_, mutate) in zip(damaged, BAD_ENTRY_MUTATIONS, strict=False):
        if isinstance(entry, dict):
            mutate(entry)
    return damaged


@dataclass
class FaultPlan:
    """Which requests fail and how; the first rule that matches a request decides.

    1. ``requests``: by arrival index (0 is the first request the hub gets);
    2. ``days``: by the ``date`` asked; a :class:`Fault` applies to every request for that
       day, a sequence to its first requests in turn (``None``: answer normally);
    3. ``rate``: that fraction of the other requests fail with a fault drawn from ``kinds``.
       Draws depend only on ``seed``, the request and how many times it was asked before, not
       on thread timing, so a run with concurrent fetches sees the same faults every time.
    """

    requests: Mapping[int, Fault] = field(default_factory=dict)
    days: Mapping[str, Fault | Sequence[Fault | None]] = field(default_factory=dict)
    # Like ``days``, for ``/api/papers/{id}`` by paper id (Fault.EMPTY: an empty object).
    papers: Mapping[str, Fault | Sequence[Fault | None]] = field(default_factory=dict)
    rate: float = 0.0
    seed: int = 0
    kinds: Sequence[Fault] = TRANSIENT_FAULTS
    retry_after: str = "1"  # the Retry-After header of Fault.RATE_LIMITED (seconds or an HTTP date)
    slow_seconds: float = 2.0

    def drawn(self, request: str) -> Fault | None:
        """The fault rule 3 gives ``request`` (what was asked, and how many times before)."""
        if self.rate <= 0:
            return None
        draw = random.Random(f"{self.seed}|{request}")
        return draw.choice(list(self.kinds)) if draw.random() < self.rate else None


class FixedWindow:
    """The Hub's rate limit: ``limit`` requests per ``seconds``, in fixed windows one after
    another from the first request. :meth:`take` counts a request and gives the headers the
    Hub sends with every answer (``RateLimit``, ``RateLimit-Policy``), or refuses it when the
    window is spent (a 429 carrying only ``RateLimit``, as the Hub's may)."""

    def __init__(self, limit: int, seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or seconds < 1:
            raise ConfigError("a rate limit is at least 1 request per 1 second (Q/W, e.g. 500/300)")
        self.limit, self.seconds, self._clock = limit, seconds, clock
        self._lock = threading.Lock()
        self._start: float | None = None
        self._used = 0
        self.refused = 0  # requests answered 429 for a spent window

    @classmethod
    def parse(cls, text: str) -> FixedWindow:
        """``Q/W`` (``60/10``: 60 requests per 10 seconds), as ``dailypapers replay --rate-limit``."""
        match = re.fullmatch(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*", text)
        if not match:
            raise ConfigError(f"a rate limit is Q/W, requests per seconds (such as 500/300), not {text!r}")
        return cls(int(match[1]), int(match[2]))

    def take(self) -> tuple[bool, dict[str, str]]:
        """Count a request: whether it is allowed, and the headers of its answer."""
        with self._lock:
            now = self._clock()
            if self._start is None:
                self._start = now
            elif now >= self._start + self.seconds:
                self._start += (now - self._start) // self.seconds * self.seconds
                self._used = 0
            allowed = self._used < self.limit
            if allowed:
                self._used += 1
            else:
                self.refused += 1
            left = self._start + self.seconds - now
            # Whole seconds, rounded up: a client waiting this long finds the window over.
            headers = {"RateLimit": f'"api";r={self.limit - self._used};t={math.ceil(left)}'}
            if allowed:
                headers["RateLimit-Policy"] = f'"fixed window";"api";q={self.limit};w={self.seconds}'
            return allowed, headers


def random_faults(rate: float, seed: int, names: str = "") -> FaultPlan:
    """The plan of ``dailypapers replay --fail-rate R --seed S [--faults 429,503,...]``."""
    kinds = [name.strip() for name in names.split(",") if name.strip()]
    known = {fault.value: fault for fault in Fault}
    unknown = [name for name in kinds if name not in known]
    if unknown:
        raise ConfigError(f"unknown fault {unknown[0]!r}; choose from {', '.join(known)}")
    chosen = tuple(known[name] for name in kinds) or TRANSIENT_FAULTS
    return FaultPlan(rate=rate, seed=seed, kinds=chosen)


def directory_source(directory: Path) -> Source:
    """Days from ``directory/DATE.json``; a day with no file has no papers."""

    def load(day: str) -> list[object] | None:
        path = directory / f"{day}.json"
        return json.loads(path.read_bytes()) if path.is_file() else None

    return load


# --- the stand-in language model ------------------------------------------------------------

ChatAnswer = Callable[[list[dict[str, object]], str], str]
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


def stand_in_answer(messages: list[dict[str, object]], model: str) -> str:
    """A deterministic "summary": the first two sentences of the longest line of the last
    user message (the abstract, in the package's prompts), marked as the stand-in's."""
    user = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
    longest = max(user.splitlines() or [""], key=len)
    # Without its label ("Abstract:", "초록:", "摘要："), if it has one.
    rest = re.sub(r"^[^:：]{1,20}[:：]\s*", "", longest)
    sentences = _SENTENCE_END.split(rest.strip())
    return f"[{model}] " + " ".join(sentences[:2])


@dataclass(frozen=True)
class ChatRequest:
    """One request to the stand-in: the Authorization header as sent, and the JSON body."""

    authorization: str | None
    body: object  # the JSON body as sent

    @property
    def messages(self) -> list[dict[str, object]]:
        messages = self.body.get("messages") if isinstance(self.body, dict) else None
        return messages if isinstance(messages, list) else []


def completion(text: str, model: str, index: int) -> dict[str, object]:
    """A chat-completions answer in the OpenAI shape."""
    return {
        "id": f"replay-{index}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class ReplayHub:
    """A threaded HTTP server on 127.0.0.1 replaying recorded days. Use it as a context manager.

    ``latency`` adds that many seconds to every request; ``requests`` records each request's
    path and query, for tests that count them, and ``faults`` each fault served, as
    ``(request index, fault)``. With ``rate_limit`` every API answer carries the Hub's
    rate-limit headers, and a request beyond the window's budget is refused (429; counted in
    ``rate_limit.refused``, not recorded in ``requests``).

    It is also a stand-in language model: ``POST /v1/chat/completions`` (any path ending in
    ``/chat/completions``) answers with ``chat(messages, model)`` (by default
    :func:`stand_in_answer`), misbehaving as ``chat_faults`` says (by default, the random
    part of ``faults``: its rate, seed and kinds). ``chat_requests`` records each request
    and ``chat_faults_served`` each fault, by index among the chat requests. With
    :attr:`Fault.EMPTY` the answer has no text, with :attr:`Fault.BAD_ENTRIES` no choice, with
    :attr:`Fault.ECHO` a text quoting the request (its URL and every header).
    """

    def __init__(
        self,
        source: Source | Path,
        *,
        latency: float = 0.0,
        port: int = 0,
        faults: FaultPlan | None = None,
        chat: ChatAnswer = stand_in_answer,
        chat_faults: FaultPlan | None = None,
        rate_limit: FixedWindow | None = None,
        papers: PaperSource = generated_paper,
    ) -> None:
        self.source = directory_source(source) if isinstance(source, Path) else source
        self.papers = papers
        self.latency = latency
        self.rate_limit = rate_limit
        self.plan = faults or FaultPlan()
        self.chat = chat
        self.chat_plan = chat_faults or FaultPlan(
            rate=self.plan.rate,
            seed=self.plan.seed,
            kinds=self.plan.kinds,
            slow_seconds=self.plan.slow_seconds,
        )
        self.chat_requests: list[ChatRequest] = []
        self.chat_faults_served: list[tuple[int, Fault]] = []
        self.requests: list[str] = []
        self.request_times: list[float] = []  # time.monotonic() at each request's arrival
        self.faults: list[tuple[int, Fault]] = []
        self._asked: Counter[str] = Counter()  # path -> times asked, for seeded draws
        self._day_count: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ReplayHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        # A short poll interval: stop() waits for it, and tests stop a hub each.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, object]:
        """Status and JSON body for a request (the API's behaviour, without faults)."""
        if paper := _PAPER_PATH.fullmatch(path):
            answer = self.papers(paper.group(1))
            return (404, {"error": "Paper not found"}) if answer is None else (200, answer)
        if path.rstrip("/") != "/api/daily_papers":
            return 404, {"error": "Not Found"}
        day = query.get("date", [""])[0]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            return 400, {"error": "date must be YYYY-MM-DD"}
        try:
            page = int(query.get("p", ["0"])[0])
            limit = int(query.get("limit", [str(DEFAULT_LIMIT)])[0])
        except ValueError:
            return 400, {"error": "p and limit must be integers"}
        if page < 0 or not 1 <= limit <= 100:
            return 400, {"error": "p must be >= 0 and limit within 1..100"}
        entries = self.source(day) or []
        return 200, entries[page * limit : (page + 1) * limit]

    def _record(self, target: str, query: dict[str, list[str]]) -> Fault | None:
        """Log the request and pick its fault, if any (under the lock: threads share counters)."""
        plan = self.plan
        paper = _PAPER_PATH.fullmatch(urlsplit(target).path)
        # Rules by day for the days, by paper id for the papers (counted apart: "p:" ids).
        day = f"p:{paper.group(1)}" if paper else query.get("date", [""])[0]
        rules = {f"p:{key}": rule for key, rule in plan.papers.items()} if paper else plan.days
        with self._lock:
            index = len(self.requests)
            self.requests.append(target)
            self.request_times.append(time.monotonic())
            asked = self._asked[target]
            self._asked[target] += 1
            nth_of_day = self._day_count[day]
            self._day_count[day] += 1
            fault = plan.requests.get(index)
            if fault is None and day in rules:
                rule = rules[day]
                if isinstance(rule, Fault):
                    fault = rule
                elif nth_of_day < len(rule):
                    fault = rule[nth_of_day]
            elif fault is None:
                fault = plan.drawn(f"{target}|{asked}")
            if fault is not None:
                self.faults.append((index, fault))
        return fault

    def _record_chat(self, authorization: str | None, raw: bytes) -> tuple[int, Fault | None]:
        """Log a chat request and pick its fault; seeded draws depend on the body, not on timing."""
        plan = self.chat_plan
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            index = len(self.chat_requests)
            self.chat_requests.append(ChatRequest(authorization, body))
            asked = self._asked[f"chat:{digest}"]
            self._asked[f"chat:{digest}"] += 1
            fault = plan.requests.get(index)
            if fault is None:
                fault = plan.drawn(f"chat|{digest}|{asked}")
            if fault is not None:
                self.chat_faults_served.append((index, fault))
        return index, fault

    def chat_answer(self, path: str, raw: bytes, index: int, fault: Fault | None) -> tuple[int, object]:
        """Status and JSON body for a chat request (faults that change the answer applied)."""
        if not path.rstrip("/").endswith("/chat/completions"):
            return 404, {"error": "Not Found"}
        try:
            request = json.loads(raw)
            messages, model = request["messages"], str(request.get("model") or "")
            if not isinstance(messages, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "expected a JSON body with messages"}
        if fault is Fault.BAD_ENTRIES:
            return 200, {"id": f"replay-{index}", "object": "chat.completion", "choices": []}
        try:
            text = "" if fault is Fault.EMPTY else self.chat(messages, model)
        except Exception as error:
            return 500, {"error": f"replay model failed: {type(error).__name__}"}
        return 200, completion(text, model, index)

    def _answer_safely(self, path: str, query: dict[str, list[str]]) -> tuple[int, object]:
        try:
            return self.answer(path, query)
        except Exception as error:  # a broken source is a server error, not a dropped connection
            return 500, {"error": f"replay source failed: {type(error).__name__}: {error}"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class of this hub's server."""
        return type("Handler", (_Handler,), {"hub": self})


class _Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests for :attr:`hub`: the Hub's API (GET) and the
    stand-in model (POST), with the faults its plans inject."""

    hub: ClassVar[ReplayHub]
    protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

    def do_GET(self) -> None:
        hub = self.hub
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.limit_headers: dict[str, str] = {}
        self.over_limit = False
        if hub.rate_limit is not None:
            allowed, self.limit_headers = hub.rate_limit.take()
            self.over_limit = not allowed
        # A request over the limit is refused before anything else (and not recorded).
        fault = Fault.RATE_LIMITED_WINDOW if self.over_limit else hub._record(self.path, query)
        if hub.latency:
            time.sleep(hub.latency)
        try:
            self.serve(fault, parts.path, query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout): nothing to do

    def do_POST(self) -> None:
        hub = self.hub
        self.limit_headers, self.over_limit = {}, False  # the stand-in model is not the Hub's API
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        index, fault = hub._record_chat(self.headers.get("Authorization"), raw)
        if hub.latency:
            time.sleep(hub.latency)
        path = urlsplit(self.path).path
        if fault is Fault.ECHO:
            sent = "; ".join(f"{name}: {value}" for name, value in self.headers.items())
            quoted = f"You sent {self.command} {self.path} with {sent}."
            self.send(200, json_bytes(completion(quoted, "echo", index)))
            return
        try:
            self.serve_with(fault, lambda: hub.chat_answer(path, raw, index, fault), hub.chat_plan)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def serve(self, fault: Fault | None, path: str, query: dict[str, list[str]]) -> None:
        def answer() -> tuple[int, object]:
            status, body = self.hub._answer_safely(path, query)
            if status == 200 and isinstance(body, dict) and fault is Fault.EMPTY:
                body = {}  # a paper with no field at all
            if status == 200 and isinstance(body, list):
                if fault is Fault.EMPTY:
                    body = []
                elif fault is Fault.BAD_ENTRIES:
                    body = damage_entries(body)
            return status, body

        self.serve_with(fault, answer, self.hub.plan)

    def serve_with(
        self, fault: Fault | None, answer: Callable[[], tuple[int, object]], plan: FaultPlan
    ) -> None:
        if self.refuse(fault, plan):
            return
        if fault is Fault.SLOW:
            time.sleep(plan.slow_seconds)
        status, body = answer()
        data = json_bytes(body)
        if fault is Fault.TRUNCATED:
            self.send(status, data[: len(data) // 2])
        elif fault is Fault.RESET:
            self.reset_after(status, data)
        else:
            self.send(status, data)

    def refuse(self, fault: Fault | None, plan: FaultPlan) -> bool:
        """Send the refusal ``fault`` stands for (a status, a login refused, an HTML page);
        False when it is none and the answer is due."""
        if fault in _STATUS:
            headers = {"Retry-After": plan.retry_after} if fault is Fault.RATE_LIMITED else {}
            if fault is Fault.RATE_LIMITED_WINDOW and not self.over_limit:  # injected
                headers = {"RateLimit": f'"api";r=0;t={plan.retry_after}'}
            self.send(_STATUS[fault], json.dumps({"error": "try again later"}).encode(), headers)
            return True
        if fault in (Fault.UNAUTHORIZED, Fault.FORBIDDEN):
            # A careless server (or proxy) quoting the credentials it refused.
            sent = self.headers.get("Authorization", "no Authorization header")
            refusal = {"error": f"Invalid credentials in Authorization header ({sent})"}
            self.send(int(fault.value), json.dumps(refusal).encode())
            return True
        if fault is Fault.HTML:
            self.send(200, HTML_PAGE, {"Content-Type": "text/html; charset=utf-8"})
            return True
        return False

    def send(self, status: int, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **self.limit_headers,
            **(headers or {}),
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reset_after(self, status: int, data: bytes) -> None:
        """Promise the whole body, send half of it, then reset the connection."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in self.limit_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # quiet in tests
        pass
