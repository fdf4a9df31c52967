"""A hostile stand-in for the Hub: a raw-socket server on 127.0.0.1 that sends exactly the
bytes a test chooses, at the pace it chooses.

Each connection carries one request. The answer for a request is a :data:`Script`: a list
of ``bytes`` to send, ``float`` seconds to pause, and :data:`DRIP` markers that send the
rest one byte per ``drip`` seconds. ``answer(day, request)`` picks the script; the
helpers below build the usual ones (a JSON answer, a redirect, gzip, HTML...).
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

DRIP = object()  # in a script: from here on, one byte at a time
Script = list[Any]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def day(self) -> str:
        return self.query.get("date", [""])[0]


def response(
    status: int, body: bytes, headers: dict[str, str] | None = None, *, reason: str = "Whatever"
) -> bytes:
    """The bytes of a complete HTTP/1.1 answer (closing the connection after it)."""
    head = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close"}
    head.update(headers or {})
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{name}: {value}" for name, value in head.items() if value]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_answer(data: Any) -> Script:
    return [response(200, json.dumps(data, ensure_ascii=False).encode("utf-8"))]


def raw_answer(body: bytes, headers: dict[str, str] | None = None) -> Script:
    return [response(200, body, headers)]


def gzip_answer(body: bytes) -> Script:
    return raw_answer(gzip.compress(body, 9), {"Content-Encoding": "gzip"})


def redirect(to: str, status: int = 302) -> Script:
    return [response(status, b"", {"Location": to})]


def dripping(body: bytes, interval: float, *, in_headers: bool = False) -> Script:
    """The right answer, one byte per ``interval`` (from the start of the headers if
    ``in_headers``, else from the start of the body)."""
    whole = response(200, body)
    if in_headers:
        return [DRIP, whole]
    split = whole.index(b"\r\n\r\n") + 4
    return [whole[:split], DRIP, whole[split:]]


class HostileHub:
    """Serves ``answer(day, request) -> Script`` on 127.0.0.1; ``requests`` records each one."""

    def __init__(self, answer: Callable[[str, Request], Script], *, drip: float = 0.05) -> None:
        self.answer = answer
        self.drip = drip
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> HostileHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._socket.close()

    def days(self) -> list[str]:
        with self._lock:
            return [request.day for request in self.requests]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            try:
                request = self._read(connection)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                self._play(connection, self.answer(request.day, request))
            except OSError:  # the client gave up: that is what many tests want
                pass

    @staticmethod
    def _read(connection: socket.socket) -> Request | None:
        connection.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        parts = urlsplit(target)
        return Request(method, parts.path, parse_qs(parts.query), headers, body)

    def _play(self, connection: socket.socket, script: Script) -> None:
        dripping = False
        for step in script:
            if step is DRIP:
                dripping = True
            elif isinstance(step, int | float):
                time.sleep(step)
            elif dripping:
                for byte in step:
                    if self._stop.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(self.drip)
            else:
                connection.sendall(step)
