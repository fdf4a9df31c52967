"""The email of new papers after ``run`` (settings ``[email]``), sent to real SMTP servers on
127.0.0.1 (aiosmtpd with STARTTLS and a login, one without TLS, one that hangs up): one
email per run with new papers, both parts holding every shown paper, none on a rerun, the
password never printed, and a failed send a warning with the posts written."""

from __future__ import annotations

import email
import email.policy
import html
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import invoke
from dailypapers.latex import latex_text
from dailypapers.replay import ReplayHub
from reader_days import DAYS, day_entries
from test_feeds import make_site, shown

PASSWORD = "s3cret-Pa55word"
NOW = {"DAILYPAPERS_NOW": "2026-03-07T03:00:00Z"}


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login, data.password))
            # handled=False: aiosmtpd then answers 535 itself (with the default, handled=True, it
            # answers nothing and the client waits for its deadline).
            return AuthResult(success=data.password == PASSWORD.encode(), handled=False)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made by openssl), trusted through SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
    )  # fmt: skip
    if made.returncode:
        pytest.skip(f"openssl could not make a certificate: {made.stderr[-200:]!r}")
    return cert, key


def smtp_server(inbox: Inbox, certificate: tuple[Path, Path] | None) -> Iterator[int]:
    kwargs: dict[str, Any] = {"authenticator": inbox.authenticate}
    if certificate is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        kwargs.update(tls_context=context, require_starttls=True)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def tls_server(inbox: Inbox, certificate: tuple[Path, Path]) -> Iterator[int]:
    yield from smtp_server(inbox, certificate)


@pytest.fixture
def plain_server(inbox: Inbox) -> Iterator[int]:
    yield from smtp_server(inbox, None)


@pytest.fixture
def hanging_up_server() -> Iterator[int]:
    """Greets, reads the client's first command, and closes the connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"220 127.0.0.1 ESMTP\r\n")
                connection.recv(1024)

    threading.Thread(target=serve, daemon=True).start()
    yield int(listener.getsockname()[1])
    listener.close()


def mail_site(root: Path, port: int) -> Path:
    return make_site(
        root,
        f'[interests]\nkeywords = ["diffusion"]\n\n[email]\nhost = "127.0.0.1"\nport = {port}\n'
        'from = "digest@example.org"\nto = ["reader@example.org", "second@example.org"]\n',
    )


def run(root: Path, hub: ReplayHub, certificate: tuple[Path, Path] | None, **env: str) -> Any:
    environment = {**NOW, "DAILYPAPERS_SMTP_PASSWORD": PASSWORD, **env}
    if certificate is not None:
        environment["SSL_CERT_FILE"] = str(certificate[0])
    return invoke("run", "--site", str(root), "--days", "3", endpoint=hub.url, env=environment)


def test_one_email_per_run_with_new_papers_and_none_on_a_rerun(
    tmp_path: Path,
    replay: Callable[..., ReplayHub],
    inbox: Inbox,
    tls_server: int,
    certificate: tuple[Path, Path],
) -> None:
    root = mail_site(tmp_path / "site", tls_server)
    hub = replay(day_entries)
    result = run(root, hub, certificate)
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 1, result.output
    assert inbox.logins == [(b"digest@example.org", PASSWORD.encode())]
    assert PASSWORD not in result.output
    message = inbox.messages[0]
    assert message["To"] == "reader@example.org, second@example.org"
    assert "새 논문" in message["Subject"] and DAYS[0] in message["Subject"]
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    papers = shown(root)
    assert len(papers) >= 5
    for paper, starred in papers.values():
        title = latex_text(paper.title)
        assert title in plain and html.escape(title) in page
        assert paper.hf_url in plain and paper.hf_url in page
        assert (f"⭐ {title}" in plain) == starred
    assert "요약" in plain  # the reader's language
    assert f"Emailed {len(papers)} new papers" in result.output

    again = run(root, hub, certificate)
    assert again.exit_code == 0, again.output
    assert len(inbox.messages) == 1 and "Email: no new papers" in again.output


def test_a_dropped_connection_is_a_warning_and_the_posts_are_written(
    tmp_path: Path, replay: Callable[..., ReplayHub], hanging_up_server: int
) -> None:
    root = mail_site(tmp_path / "site", hanging_up_server)
    result = run(root, replay(day_entries), None)
    assert result.exit_code == 0, result.output
    assert f"Warning: the SMTP server 127.0.0.1:{hanging_up_server} closed the connection" in result.output
    assert all((root / "_posts" / f"{day}-daily-papers.md").is_file() for day in DAYS)
    assert not (root / "_dailypapers" / "mailed.json").exists()  # the next run tries again
    assert PASSWORD not in result.output


def test_a_server_without_tls_gets_neither_password_nor_email(
    tmp_path: Path, replay: Callable[..., ReplayHub], inbox: Inbox, plain_server: int
) -> None:
    root = mail_site(tmp_path / "site", plain_server)
    result = run(root, replay(day_entries), None)
    assert result.exit_code == 0, result.output
    assert "does not offer STARTTLS: nothing was sent" in result.output
    assert inbox.messages == [] and inbox.logins == []
    assert all((root / "_posts" / f"{day}-daily-papers.md").is_file() for day in DAYS)


def test_a_certificate_not_trusted_is_refused(
    tmp_path: Path, replay: Callable[..., ReplayHub], inbox: Inbox, tls_server: int
) -> None:
    root = mail_site(tmp_path / "site", tls_server)
    result = run(root, replay(day_entries), None)  # the self-signed certificate is not trusted
    assert result.exit_code == 0, result.output
    assert "TLS failed" in result.output and inbox.messages == [] and inbox.logins == []


def test_a_wrong_password_is_named_but_not_shown(
    tmp_path: Path,
    replay: Callable[..., ReplayHub],
    inbox: Inbox,
    tls_server: int,
    certificate: tuple[Path, Path],
) -> None:
    root = mail_site(tmp_path / "site", tls_server)
    result = run(root, replay(day_entries), certificate, DAILYPAPERS_SMTP_PASSWORD="wrong-Secret-9")
    assert result.exit_code == 0, result.output
    assert "refused the login of digest@example.org" in result.output
    assert "wrong-Secret-9" not in result.output and inbox.messages == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DAILYPAPERS_EMAIL_TO", "reader@example.org\r\nBcc: x@evil.example"),
        ("DAILYPAPERS_EMAIL_FROM", "a@b, c@d"),
    ],
)
def test_an_address_that_could_split_a_header_is_refused(tmp_path: Path, name: str, value: str) -> None:
    from dailypapers.config import load_settings
    from dailypapers.errors import ConfigError

    with pytest.raises(ConfigError, match=name):
        load_settings(tmp_path, environ={name: value})
