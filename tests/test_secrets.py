"""Secrets never leave: the model's key, the Hugging Face token and webhook URLs.

A model stand-in that quotes each request back (its URL with the query, every header, the
``Authorization`` included) runs against the real command in a subprocess; afterwards no
file of the site (the archive and its journal included) and no line the command printed
holds any of the secrets, while the quoted requests did reach the posts (masked).
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import seed_source
from dailypapers import redact
from dailypapers.llm import ModelClient
from dailypapers.notify import send
from dailypapers.replay import Fault, FaultPlan, ReplayHub

DAY = "2026-02-05"
MODEL_KEY = "sk-model-key-1234567890abcdef"
HF_TOKEN = "hf_tokenABCDEFGHIJKLMNOPQRSTUV"
QUERY_KEY = "query-key-0987654321zyx"
WEBHOOK_TOKEN = "XXXXwebhookTOKEN5555"
SECRETS = (MODEL_KEY, HF_TOKEN, QUERY_KEY, WEBHOOK_TOKEN)


def run_command(site: Path, hub: ReplayHub, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": HF_TOKEN,
        "DAILYPAPERS_LLM_API_KEY": MODEL_KEY,
        "DAILYPAPERS_NOW": "2026-02-06T01:00:00Z",
    }
    env.pop("DAILYPAPERS_DB", None)
    command = [sys.executable, "-m", "dailypapers", *args, "--site", str(site)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def leaks(site: Path, *outputs: str) -> list[str]:
    """Where any secret (or its start) shows: the files of the site the tool wrote (all but the
    owner's settings file), bytes and all, and outputs."""
    written = [path for path in site.rglob("*") if path.is_file() and path.name != "dailypapers.toml"]
    found = []
    for secret in SECRETS:
        needle = secret[:12].encode()
        found += [f"{secret} in {path}" for path in written if needle in path.read_bytes()]
        found += [f"{secret} in output" for output in outputs if secret[:12] in output]
    return found


def test_a_model_quoting_its_requests_leaves_no_secret_anywhere(site: Path) -> None:
    # The first request is refused with the credentials quoted back (a 401), the others are
    # answered with the request quoted: URL, query and headers.
    plan = FaultPlan(requests={0: Fault.UNAUTHORIZED}, rate=1.0, kinds=[Fault.ECHO])
    with ReplayHub(seed_source, chat_faults=plan) as hub:
        (site / "dailypapers.toml").write_text(
            f'author = "lim4349"\n[llm]\nbase_url = "{hub.url}/v1?api_key={QUERY_KEY}"\nmodel = "m"\n'
            f'concurrency = 1\n[notify]\nwebhook = "{hub.url}/hooks/{WEBHOOK_TOKEN}"\n',
            encoding="utf-8",
        )
        done = run_command(site, hub, "run", "--date", DAY)
        assert done.returncode == 0, done.stderr
        rendered = run_command(site, hub, "render", "--all")
        days = run_command(site, hub, "days", "--json")
        doctor = run_command(site, hub, "doctor")
        sent = [request.authorization for request in hub.chat_requests if request.messages]
    assert sent and all(authorization == f"Bearer {MODEL_KEY}" for authorization in sent)
    assert "Summaries: 9 made, 0 reused, 1 failed" in done.stdout
    assert "HTTP 401" in done.stderr and "/v1?***" in done.stderr  # the URL shown, its query masked
    assert "Notified slack" in done.stderr  # the webhook (an echo too) took the message
    post = (site / "_posts" / f"{DAY}-daily-papers.md").read_text(encoding="utf-8")
    # The quotes did reach the post, masked.
    assert "authorization: Bearer \\*\\*\\*;" in post and "/v1/chat/completions?\\*\\*\\* with" in post
    outputs = [p.stdout + p.stderr for p in (done, rendered, days, doctor)]
    assert leaks(site, *outputs) == []


def test_model_errors_mask_the_query_of_the_model_url() -> None:
    # A key in the model URL's query (as some providers take it) was printed with the URL.
    with ReplayHub(seed_source, chat_faults=FaultPlan(requests={0: Fault.SERVER_ERROR})) as hub:
        client = ModelClient(f"{hub.url}/v1?key={QUERY_KEY}#part", "m", timeout=5)
        with pytest.raises(Exception) as failure:
            client.complete([{"role": "user", "content": "x"}])
    assert QUERY_KEY not in str(failure.value) and "part" not in str(failure.value)
    assert str(failure.value) == f"the model at {hub.url}/v1?***#*** failed: HTTP 500"


@pytest.mark.parametrize(
    "url",
    [
        f"https://hooks.slack.com:{WEBHOOK_TOKEN}/services/T0/B0",  # the token pasted where the port goes
        f"http://[{WEBHOOK_TOKEN}]/hook",  # an IPv6 host that is not one
        f"http://[{WEBHOOK_TOKEN}/hook",  # an IPv6 host never closed
        f"http://user:{WEBHOOK_TOKEN}@[::1/hook",
    ],
)
def test_a_webhook_secret_in_a_malformed_url_is_never_printed(url: str) -> None:
    with pytest.raises(Exception) as failure:
        send(url, {"text": "x"}, deadline=2)
    assert WEBHOOK_TOKEN not in str(failure.value)
    assert str(failure.value).startswith("the webhook did not take the message")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@huggingface.co/x", "https://***@huggingface.co/x"),
        ("http://127.0.0.1:8089/v1", "http://127.0.0.1:8089/v1"),
        ("http://[::1]:8089/v1", "http://[::1]:8089/v1"),
        ("http://[fe80::1%25eth0/x", "http://***/x"),
        ("http://host:token/x", "http://***/x"),
        ("http://[secret]/x", "http://***/x"),
        ("https://a.example/v1?key=k#frag", "https://a.example/v1?***#***"),
        ("https://a@b@c.example/", "https://***@c.example/"),
        ("https://huggingface..co", "https://***"),
    ],
)
def test_mask_url_keeps_only_what_cannot_be_secret(url: str, shown: str) -> None:
    assert redact.mask_url(url) == shown


def test_urls_in_a_message_are_masked_and_the_rest_kept() -> None:
    message = "Bad token? see https://u:pw@hub.example/x?token=abc#f (or 'http://[secret/y')."
    assert (
        redact.mask_urls(message) == "Bad token? see https://***@hub.example/x?***#*** (or 'http://***/y')."
    )


def test_remembered_secrets_are_hidden_longest_first() -> None:
    redact.remember("short", "remembered-secret-value", "remembered-secret-value-longer")
    text = "a remembered-secret-value-longer and remembered-secret-value; short stays"
    assert redact.hide(text) == "a *** and ***; short stays"


def test_no_file_written_and_no_line_printed_holds_a_remembered_secret(tmp_path: Path) -> None:
    # The last line of defence, whatever put the secret in the text (a Hub or proxy quoting
    # the token into a title, say): the site's writer and the terminal hide it.
    from dailypapers.cli.output import printable, terminal_json
    from dailypapers.write import DryRunWriter, FileWriter

    redact.remember("hf_written_secret_0123456789")
    text = "title: quoting hf_written_secret_0123456789 back\n"
    FileWriter(tmp_path).write("_posts/x.md", text)
    assert (tmp_path / "_posts" / "x.md").read_text(encoding="utf-8") == "title: quoting *** back\n"
    assert DryRunWriter(tmp_path).write("_posts/x.md", text).status.value == "unchanged"
    assert printable(text) == "title: quoting *** back "
    assert "0123456789" not in terminal_json({"title": text})


# What RFC 3986 lets a user name, password or query hold unencoded.
URL_CHARACTERS = string.ascii_letters + string.digits + "-_.~!$&'()*+,;=%"
SECRET_TEXT = st.text(alphabet=URL_CHARACTERS, min_size=8, max_size=40)


@given(secret=SECRET_TEXT, where=st.sampled_from(["user", "password", "port", "ipv6", "query", "fragment"]))
def test_mask_url_never_shows_a_secret_wherever_it_stands(secret: str, where: str) -> None:
    url = {
        "user": f"https://{secret}@hooks.example/x",
        "password": f"https://user:{secret}@hooks.example/x",
        "port": f"https://hooks.example:{secret}/x",
        "ipv6": f"https://[{secret}]/x",
        "query": f"https://hooks.example/x?token={secret}",
        "fragment": f"https://hooks.example/x#{secret}",
    }[where]
    assert secret not in redact.mask_url(url)
    assert secret not in redact.mask_urls(f"failed at {url} (try again)")
