"""``dailypapers doctor``: each check finds what it should, says what to fix, and writes nothing."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from conftest import invoke, seed_source
from dailypapers.lock import site_lock
from dailypapers.paths import post_path
from dailypapers.replay import ReplayHub

DAYS = ("2026-02-05", "2026-02-10")


def everything(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def blog(site: Path, hub: ReplayHub) -> Path:
    (site / "_config.yml").write_text("title: blog\n", encoding="utf-8")
    for day in DAYS:
        assert invoke("run", "--site", str(site), "--date", day, endpoint=hub.url).exit_code == 0
    return site


def test_a_healthy_site_passes_every_check(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    before = everything(site)
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 0, done.output
    checks = [line.split(":")[0] for line in done.stdout.splitlines()[:-1]]
    assert checks == ["ok    site", "ok    archive", "ok    posts", "ok    urls", "ok    temporary files",
                      "ok    lock", "ok    hub", "ok    token"]  # fmt: skip
    assert "2 daily posts match their data files" in done.stdout
    assert done.stdout.endswith("Everything looks fine\n")
    assert everything(site) == before  # doctor writes nothing, not even the lock file


def test_broken_posts_are_found_and_the_suggested_fix_works(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    (site / post_path("daily", DAYS[0])).unlink()
    edited = site / post_path("daily", DAYS[1])
    edited.write_text(edited.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    stale = site / "_posts" / f".{DAYS[0]}-daily-papers.md.k3j4h5g6.dailypapers.tmp"
    stale.write_text("half a post", encoding="utf-8")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 1
    fix = "      fix: `dailypapers render --all` writes them\n"
    assert f"FAIL  posts: 1 data files have no post: {DAYS[0]}\n{fix}" in done.stdout
    assert (
        "warn  posts: 1 files differ from what `render` writes now, edited by hand (the settings and "
        f"templates are those of the last full render): {post_path('daily', DAYS[1]).as_posix()}\n"
    ) in done.stdout
    assert f"warn  temporary files: 1 left by an interrupted write: _posts/{stale.name}\n" in done.stdout
    assert done.stdout.endswith("1 check(s) failed\n")
    (site / post_path("daily", DAYS[0])).write_text("---\n---\nhand-made\n", encoding="utf-8")
    warned = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert warned.exit_code == 0, warned.output
    assert "FAIL" not in warned.stdout and "warn" in warned.stdout
    assert warned.stdout.endswith(" warning(s), nothing failed\n")  # not "Everything looks fine"
    assert invoke("render", "--site", str(site), "--all", endpoint=seed_hub.url).exit_code == 0
    again = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert again.exit_code == 0, again.output
    assert "warn" not in again.stdout


def test_a_damaged_archive_fails_and_is_left_as_it_was(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    database = site / ".dailypapers" / "papers.db"
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{database}{suffix}").exists()  # closed cleanly: all in the main file
    data = bytearray(database.read_bytes())
    data[4096 : len(data) - 4096] = b"\x5a" * (len(data) - 8192)  # every page but the first and last
    database.write_bytes(bytes(data))
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 1
    assert f"FAIL  archive: {database} is damaged: " in done.stdout
    # Fixes that keep the upvote history: never "move it aside" (issue 13).
    assert f"`sqlite3 {database} .recover | sqlite3 {database}.recovered`" in done.stdout
    assert f"`git checkout -- {database}`" in done.stdout and "aside" not in done.stdout
    assert database.read_bytes() == bytes(data)


def test_an_unreachable_hub_and_a_held_lock_are_reported(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with site_lock(site):
        done = invoke("doctor", "--site", str(site), endpoint=endpoint)
    assert done.exit_code == 1
    assert (
        f"warn  lock: a dailypapers run (pid {os.getpid()}) is writing to the site right now" in done.stdout
    )
    assert (
        f"FAIL  hub: {endpoint}: the Hub is unavailable: network error (ConnectError) after 1 try"
        in done.stdout
    )


def test_a_missing_site_and_a_site_without_config_are_reported(tmp_path: Path) -> None:
    hub = ReplayHub(seed_source)
    with hub:
        missing = invoke("doctor", "--site", str(tmp_path / "nowhere"), endpoint=hub.url)
        bare = invoke("doctor", "--site", str(tmp_path), endpoint=hub.url)
    assert missing.exit_code == 2  # as for every command but init and demo
    assert missing.stderr.endswith(
        f"Error: Invalid value for '--site': Directory '{tmp_path / 'nowhere'}' does not exist.\n"
    )
    assert bare.exit_code == 0
    assert f"warn  site: {tmp_path} has no _config.yml, so it does not look like a Jekyll site" in bare.stdout
    assert "warn  archive: there is no archive at" in bare.stdout


# --- issue 13: the right part blamed, fixes that keep history, no credentials, an archive behind


def findings(output: str) -> dict[str, list[str]]:
    """Check name -> the levels it reported ("ok", "warn", "FAIL")."""
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        level, _, rest = line.partition("  ")
        if level.strip() in ("ok", "warn", "FAIL") and ":" in rest:
            found.setdefault(rest.strip().split(":")[0], []).append(level.strip())
    return found


def test_a_broken_posts_directory_is_not_blamed_on_the_archive(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    post = site / post_path("daily", DAYS[0])
    post.unlink()
    post.mkdir()  # a directory where a post should be
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 1
    assert findings(done.stdout)["archive"] == ["ok"]
    assert "FAIL  posts: cannot compare the posts with the archive:" in done.stdout
    assert "damaged" not in done.stdout and "aside" not in done.stdout


def test_an_empty_archive_beside_data_files_fails_and_is_left_as_it_is(
    site: Path, seed_hub: ReplayHub
) -> None:
    blog(site, seed_hub)
    database = site / ".dailypapers" / "papers.db"
    database.write_bytes(b"")
    before = everything(site)
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 1
    assert (
        f"FAIL  archive: {database} is empty: it lacks days or papers of 2 data files: {', '.join(DAYS)}\n"
        in (done.stdout)
    )
    assert f"fix: `dailypapers import --site {site}` completes it" in done.stdout
    assert everything(site) == before


def test_an_archive_behind_the_data_files_fails(site: Path, seed_hub: ReplayHub) -> None:
    import sqlite3

    blog(site, seed_hub)
    with sqlite3.connect(site / ".dailypapers" / "papers.db") as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM days WHERE day = ?", (DAYS[1],))
    done = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert done.exit_code == 1
    assert f"holds 1 days: it lacks days or papers of 1 data files: {DAYS[1]}\n" in done.stdout
    assert invoke("import", "--site", str(site)).exit_code == 0
    again = invoke("doctor", "--site", str(site), endpoint=seed_hub.url)
    assert again.exit_code == 0, again.output


def test_credentials_in_hf_endpoint_are_never_shown(site: Path, seed_hub: ReplayHub) -> None:
    blog(site, seed_hub)
    secret = "s3cretT0ken"
    reachable = seed_hub.url.replace("http://", f"http://user:{secret}@")
    unreachable = f"http://{secret}@127.0.0.1:{closed_port()}"
    for endpoint in (reachable, unreachable):
        done = invoke("doctor", "--site", str(site), endpoint=endpoint)
        assert secret not in done.output
        assert "***@127.0.0.1" in done.stdout
