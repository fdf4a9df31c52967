"""The private APIs the deadline transport leans on (dailypapers/transport.py) are still there
and still do what it needs: an upgrade of httpx, httpcore or huggingface_hub that moves them
fails here, by name, instead of silently dropping the deadline or the Hub's request hook.
"""

from __future__ import annotations

import ast
from pathlib import Path

import httpcore2
import httpx2
import pytest

import dailypapers
from dailypapers import transport
from hostile import HostileHub, dripping, raw_answer

SLOW_BODY = b'{"answer": "' + b"x" * 200 + b'"}'  # 0.05 s a byte: 11 s for the answer whole


def test_httpx_transport_still_keeps_its_pool_in_a_private_attribute() -> None:
    # httpx builds its pool in HTTPTransport.__init__ and sends through self._pool; the
    # deadline transport replaces that attribute. If it is renamed, the replacement is inert.
    plain = httpx2.HTTPTransport()
    assert isinstance(plain._pool, httpcore2.ConnectionPool)
    ours = transport.deadline_transport()
    assert isinstance(ours._pool, httpcore2.ConnectionPool) and ours._pool is not plain._pool
    assert isinstance(ours._pool._network_backend, transport.DeadlineBackend)


def test_the_replaced_pool_is_the_one_requests_go_through() -> None:
    # Behaviour, not attributes: within a deadline of 0.3 s, a server sending its headers a
    # byte at a time is cut off although no single read waits longer than the 10 s timeout.
    with HostileHub(lambda day, request: dripping(SLOW_BODY, 0.05, in_headers=True)) as server:
        client = transport.client(hub_hooks=False)
        with transport.deadline(0.3), pytest.raises(httpx2.TimeoutException):
            client.get(f"{server.url}/slow", timeout=10)
        assert len(server.requests) == 1


def test_a_passed_deadline_is_a_timeout_of_the_phase_under_way() -> None:
    with transport.deadline(-1):
        for kind, error in [
            ("connect", httpcore2.ConnectTimeout),
            ("write", httpcore2.WriteTimeout),
            ("read", httpcore2.ReadTimeout),
        ]:
            with pytest.raises(error):
                transport._bounded(10, kind)
    assert transport._bounded(10, "read") == 10  # outside a deadline: the phase's own timeout


def test_huggingface_hub_request_hook_is_still_there_and_marks_requests() -> None:
    # Not exported by huggingface_hub: each request to the Hub gets an id for its logs.
    hook = transport.hub_request_hook()
    request = httpx2.Request("GET", "http://127.0.0.1:9/api/daily_papers")
    hook(request)
    assert request.headers.get("x-amzn-trace-id")


def test_huggingface_hub_request_hook_still_honours_offline_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants
    from huggingface_hub.errors import OfflineModeIsEnabled

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(OfflineModeIsEnabled):
        transport.hub_request_hook()(httpx2.Request("GET", "http://127.0.0.1:9/api/daily_papers"))


def test_a_hub_client_runs_the_hook_and_others_do_not() -> None:
    hook = transport.hub_request_hook()
    assert transport.client(hub_hooks=True).event_hooks["request"] == [hook]
    assert transport.client(hub_hooks=False).event_hooks["request"] == []


# --- one HTTP path: the Hub, the model, the webhook and doctor all go through dailypapers.http ---

# What may open an HTTP connection by itself, and would bypass the deadline, the size cap and
# the retries; only http and transport may import it.
HTTP_CLIENTS = ("httpx", "httpx2", "httpcore", "httpcore2", "requests", "urllib3", "aiohttp", "http.client")
HTTP_CLIENT_NAMES = ("urllib.request.urlopen", "urllib.request.Request", "urllib.request.build_opener")
# What the package takes from huggingface_hub: none of it sends a request.
HUB_NAMES_WITHOUT_REQUESTS = frozenset(
    {"get_token", "__version__", "errors", "OfflineModeIsEnabled", "utils", "parse_ratelimit_headers"}
)
THE_ONE_PATH = {"http", "transport"}


def http_outside_the_one_path(source: str) -> list[str]:
    """The HTTP clients ``source`` imports or uses without going through dailypapers.http."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            if node.module.split(".")[0] == "huggingface_hub":
                found += [alias.name for alias in node.names if alias.name not in HUB_NAMES_WITHOUT_REQUESTS]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "huggingface_hub" and node.attr not in HUB_NAMES_WITHOUT_REQUESTS:
                found.append(f"huggingface_hub.{node.attr}")
            continue
        else:
            continue
        found += [
            name
            for name in names
            if name.startswith(HTTP_CLIENT_NAMES)
            or any(name == client or name.startswith(f"{client}.") for client in HTTP_CLIENTS)
        ]
    return found


def test_only_http_and_its_transport_send_requests() -> None:
    package = Path(dailypapers.__file__).parent
    bypasses = {
        str(path.relative_to(package)): found
        for path in sorted(package.rglob("*.py"))
        if path.stem not in THE_ONE_PATH and (found := http_outside_the_one_path(path.read_text("utf-8")))
    }
    assert bypasses == {}


def test_a_bypass_is_seen() -> None:
    # The model's first client (huggingface_hub's InferenceClient in a thread abandoned at the
    # deadline), raw urllib, and an httpx import in a module other than http's.
    assert http_outside_the_one_path("from huggingface_hub import InferenceClient") == ["InferenceClient"]
    assert http_outside_the_one_path("import huggingface_hub\nhuggingface_hub.HfApi()") == [
        "huggingface_hub.HfApi"
    ]
    assert http_outside_the_one_path("from urllib.request import urlopen") == ["urllib.request.urlopen"]
    assert http_outside_the_one_path("import httpx2") == ["httpx2"]
    assert http_outside_the_one_path("from http.client import HTTPConnection") == [
        "http.client.HTTPConnection"
    ]
    assert http_outside_the_one_path("from huggingface_hub import get_token\nimport urllib.parse") == []


# --- every caller gets the deadline and the size cap, from the same hostile server -------------

ONE_MB = 1024 * 1024


def ask_the_hub(url: str) -> None:
    from dailypapers.hub import HubClient, RetryPolicy

    HubClient(url, deadline=0.3, max_bytes=ONE_MB, retry=RetryPolicy(attempts=1)).fetch_day("2026-02-05")


def ask_the_model(url: str) -> None:
    from dailypapers.llm import ModelClient

    ModelClient(f"{url}/v1", "m", timeout=0.3, max_bytes=ONE_MB).complete([{"role": "user", "content": "x"}])


def call_the_webhook(url: str) -> None:
    from dailypapers.http import RetryPolicy
    from dailypapers.notify import send

    send(f"{url}/hook", {"text": "hello"}, deadline=0.3, max_bytes=ONE_MB, retry=RetryPolicy(attempts=1))


CALLERS = {"hub": ask_the_hub, "model": ask_the_model, "webhook": call_the_webhook}


@pytest.mark.parametrize("caller", CALLERS)
def test_every_caller_is_cut_off_at_its_deadline(caller: str) -> None:
    from dailypapers.errors import DailyPapersError

    with (
        HostileHub(lambda day, request: dripping(SLOW_BODY, 0.05, in_headers=True)) as server,
        pytest.raises(DailyPapersError, match=r"(no complete answer|did not answer) within 0\.3 s"),
    ):
        CALLERS[caller](server.url)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_caller_refuses_an_answer_over_the_size_cap(caller: str) -> None:
    from dailypapers.errors import DailyPapersError

    huge = b'{"x": "' + b"x" * (2 * ONE_MB) + b'"}'
    with (
        HostileHub(lambda day, request: raw_answer(huge)) as server,
        pytest.raises(DailyPapersError, match=r"the answer is larger than 1 MB"),
    ):
        CALLERS[caller](server.url)
