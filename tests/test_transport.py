"""The private APIs the deadline transport leans on (dailypapers/transport.py) are still there
and still do what it needs: an upgrade of httpx, httpcore or huggingface_hub that moves them
fails here, by name, instead of silently dropping the deadline or the Hub's request hook.
"""

from __future__ import annotations

import httpcore2
import httpx2
import pytest

from dailypapers import transport
from hostile import HostileHub, dripping

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
