"""A replay hub: serves recorded days in the shape of ``GET /api/daily_papers``.

Tests, demos and benchmarks point ``HF_ENDPOINT`` (or ``HubClient(endpoint=...)``) at it
and drive the real client over real HTTP on 127.0.0.1; nothing is mocked. Days come from a
directory of ``DATE.json`` files (the shape of ``shared/hub/daily_papers``) or from any
function ``date -> entries``. Paging follows the API: ``p`` (page, from 0) and ``limit``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_LIMIT = 50
Source = Callable[[str], "list[Any] | None"]


def directory_source(directory: Path) -> Source:
    """Days from ``directory/DATE.json``; a day with no file has no papers."""

    def load(day: str) -> list[Any] | None:
        path = directory / f"{day}.json"
        return json.loads(path.read_bytes()) if path.is_file() else None

    return load


class ReplayHub:
    """A threaded HTTP server on 127.0.0.1 replaying recorded days. Use it as a context manager.

    ``latency`` adds that many seconds to every request; ``requests`` records each request's
    path and query, for tests that count them.
    """

    def __init__(self, source: Source | Path, *, latency: float = 0.0, port: int = 0) -> None:
        self.source = directory_source(source) if isinstance(source, Path) else source
        self.latency = latency
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ReplayHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
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

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        """Status and JSON body for a request (the API's behaviour, without faults)."""
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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with hub._lock:
                    hub.requests.append(self.path)
                if hub.latency:
                    time.sleep(hub.latency)
                status, body = hub.answer(parts.path, parse_qs(parts.query))
                self.send_json(status, body)

            def send_json(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                pass

        return Handler
