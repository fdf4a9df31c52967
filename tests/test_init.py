"""`dailypapers init`: the settings file, the scheduled workflow run for real, a Jekyll build."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from conftest import SEED_SNAPSHOTS, seed_source
from dailypapers.cli import cli
from dailypapers.config import SETTINGS, Settings, build_settings, load_settings
from dailypapers.init import INIT_VALUES, WORKFLOW, config_text, init_site
from dailypapers.origin import installed_origin, origin_from_direct_url
from dailypapers.replay import ReplayHub
from sites import CHIRPY_DEPLOY_WORKFLOW, add_deploy_workflow, chirpy_site

BIN = Path(sys.executable).parent
INIT_TOML = {name: list(value) if isinstance(value, tuple) else value for name, value in INIT_VALUES.items()}
# What init adds for the site it finds (not a Chirpy site: LaTeX read as text), and the open
# [llm] section to fill in.
SITE_TOML = {"math": "text", "llm": {}}


def test_init_writes_settings_workflow_and_a_jekyll_site(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    result = CliRunner().invoke(cli, ["init", str(site), "--ignore-db"])
    assert result.exit_code == 0, result.output
    for name in ("dailypapers.toml", str(WORKFLOW), "_config.yml", "_layouts/post.html", ".gitignore"):
        assert f"created  {name}" in result.output
    assert (site / ".gitignore").read_text() == "/.dailypapers/\n"
    assert "exclude: [dailypapers.toml]" in (site / "_config.yml").read_text()
    again = CliRunner().invoke(cli, ["init", str(site), "--ignore-db"])
    assert "created" not in again.output and "kept  dailypapers.toml (exists)" in again.output


def test_init_leaves_an_existing_site_alone(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: mine\n")
    (tmp_path / ".gitignore").write_text("_site")  # no final newline
    result = init_site(tmp_path, ignore_db=True)
    assert not result.made_jekyll_site
    assert (tmp_path / "_config.yml").read_text() == "title: mine\n"
    assert (tmp_path / ".gitignore").read_text() == "_site\n/.dailypapers/\n"
    assert sorted(str(file.path) for file in result.files) == sorted(
        [".gitignore", "dailypapers.toml", str(WORKFLOW), "_includes/dailypapers-feeds.html"]
    )
    assert "add {% include dailypapers-feeds.html %} to your theme's <head>" in " ".join(result.notes)
    init_site(tmp_path / "other")
    assert (tmp_path / "other" / ".gitignore").read_text() == "/.dailypapers/lock\n"


def test_config_file_lists_every_setting_at_its_default() -> None:
    """Uncommenting every line of the generated file gives valid TOML equal to the defaults."""
    uncommented = re.sub(r"(?m)^# (\[\w+\]|\w+ = .*)$", r"\1", config_text())
    flat: dict[str, Any] = {}
    for key, value in tomllib.loads(uncommented).items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        flat.update({f"{key}.{sub}".rstrip("."): item for sub, item in items})
    assert set(flat) == {setting.name for setting in SETTINGS}
    checked = {name: next(s for s in SETTINGS if s.name == name).check(value) for name, value in flat.items()}
    checked["database"] = None  # the default path is shown for information; None means it
    assert build_settings(checked) == build_settings(INIT_VALUES)
    assert build_settings(INIT_VALUES).links == ("code", "project", "comments")  # init turns links on
    assert load_settings_from(config_text()).links == ("code", "project", "comments")
    for setting in SETTINGS:
        assert f"(${setting.env})" in config_text()


def load_settings_from(text: str) -> Settings:
    """The settings a site gets from ``text`` as its dailypapers.toml, as written."""
    flat: dict[str, Any] = {}
    for key, value in tomllib.loads(text).items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        flat.update({f"{key}.{sub}".rstrip("."): item for sub, item in items})
    by_name = {setting.name: setting for setting in SETTINGS}
    return build_settings({name: by_name[name].check(value) for name, value in flat.items()})


def workflow() -> dict[Any, Any]:
    text = init_site_text()
    return yaml.safe_load(text)


def init_site_text() -> str:
    from dailypapers.init import workflow_text

    return workflow_text("dailypapers==1.0")


def test_workflow_schedule_and_steps() -> None:
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert [item["cron"] for item in triggers["schedule"]] == ["15 0 * * *", "0 14 * * *"]
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write"}
    steps = flow["jobs"]["digest"]["steps"]
    assert steps[2]["run"] == "python -m pip install --quiet dailypapers==1.0"
    assert steps[3]["env"]["HF_TOKEN"] == "${{ secrets.HF_TOKEN }}"
    assert steps[3]["run"].startswith("dailypapers run")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def run_step(site: Path, name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one `run:` step of the generated workflow as GitHub Actions would (bash -eo pipefail)."""
    flow = yaml.safe_load((site / WORKFLOW).read_text())
    step = next(step for step in flow["jobs"]["digest"]["steps"] if step.get("name") == name)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=site,
        env={**env, **{k: v for k, v in step.get("env", {}).items() if "${{" not in v}},
        capture_output=True,
        text=True,
        timeout=60,
    )


def standin(bin_dir: Path, name: str, script: str) -> Path:
    """An executable ``name`` in ``bin_dir`` running the bash ``script``."""
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!/bin/bash\n{script}\n")
    path.chmod(0o755)
    return path


@pytest.fixture(params=["actions-deploy", "branch-build"])
def cloned_site(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """An initialised site pushed to a bare "origin", and a fresh clone of it (the runner).

    "actions-deploy": the site deploys Pages with its own workflow (Chirpy's); "branch-build":
    GitHub builds the branch.
    """
    origin, author = tmp_path / "origin.git", tmp_path / "author"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    if request.param == "actions-deploy":
        add_deploy_workflow(author)
    init_site(author)
    git(author, "init", "--quiet", "--initial-branch=main")
    git(author, "add", "-A")
    git(author, "-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "--quiet", "-m", "init")
    git(author, "remote", "add", "origin", str(origin))
    git(author, "push", "--quiet", "origin", "main")
    runner = tmp_path / "runner"
    git(tmp_path, "clone", "--quiet", str(origin), str(runner))
    return author, runner


@pytest.fixture
def runner_env(tmp_path: Path, seed_hub: ReplayHub) -> dict[str, str]:
    """The runner's environment: the replay hub, and a stand-in `gh` recording its arguments
    in ``$GH_CALLS`` (GitHub's runners have the real one)."""
    calls = tmp_path / "gh-calls"
    calls.touch()
    standin(tmp_path / "bin", "gh", f'printf "%s\\n" "$*" >> "{calls}"')
    return {
        "PATH": os.pathsep.join([str(tmp_path / "bin"), str(BIN), os.environ["PATH"]]),
        "HOME": os.environ.get("HOME", "/tmp"),
        "HF_ENDPOINT": seed_hub.url,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "DAILYPAPERS_NOW": "2026-02-10T14:00:00Z",
        "GH_CALLS": str(calls),
    }


def gh_calls(env: dict[str, str]) -> list[str]:
    return Path(env["GH_CALLS"]).read_text().splitlines()


@pytest.mark.slow  # runs the workflow's steps with git, against a remote
def test_workflow_steps_collect_commit_and_push(
    cloned_site: tuple[Path, Path], runner_env: dict[str, str]
) -> None:
    author, runner = cloned_site
    env = runner_env
    deploys = (runner / ".github" / "workflows" / "pages-deploy.yml").exists()
    flow = yaml.safe_load((runner / WORKFLOW).read_text())
    assert flow["permissions"] == (
        {"contents": "write", "actions": "write"} if deploys else {"contents": "write"}
    )
    collected = run_step(runner, "Collect and publish", env)
    assert collected.returncode == 0, collected.stderr
    assert "created  _posts/2026-02-10-daily-papers.md" in collected.stdout
    # Meanwhile the blog's owner pushes a post of their own: the push must rebase and retry.
    (author / "_posts").mkdir()
    (author / "_posts" / "2026-02-10-my-own.md").write_text("---\ntitle: mine\n---\nhello\n")
    git(author, "add", "-A")
    git(author, "-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "--quiet", "-m", "mine")
    git(author, "push", "--quiet", "origin", "main")

    pushed = run_step(runner, "Commit and push changed files", env)
    assert pushed.returncode == 0, pushed.stderr + pushed.stdout
    assert "Push rejected (attempt 1 of 5)" in pushed.stdout
    # One push that changed something, one deploy started (on the branch pushed), or none
    # at all for a site GitHub builds from the branch by itself.
    assert gh_calls(env) == (["workflow run pages-deploy.yml --ref main"] if deploys else [])
    git(author, "pull", "--quiet", "origin", "main")
    posts = sorted(path.name for path in (author / "_posts").iterdir())
    assert "2026-02-10-daily-papers.md" in posts and "2026-02-10-my-own.md" in posts
    assert (author / ".dailypapers" / "papers.db").is_file()  # the archive is committed by default
    assert git(runner, "log", "--format=%s", "-1").startswith("Daily papers 20")

    # The afternoon run: nothing new on the Hub, nothing committed, no deploy started.
    head = git(runner, "rev-parse", "HEAD")
    assert run_step(runner, "Collect and publish", env).returncode == 0
    quiet = run_step(runner, "Commit and push changed files", env)
    assert quiet.returncode == 0 and "Nothing changed." in quiet.stdout
    assert git(runner, "rev-parse", "HEAD") == head
    assert len(gh_calls(env)) == (1 if deploys else 0)


@pytest.mark.slow  # runs the workflow's steps with git, against a remote
def test_a_failed_push_starts_no_deploy(
    cloned_site: tuple[Path, Path], runner_env: dict[str, str], tmp_path: Path
) -> None:
    _, runner = cloned_site
    hook = tmp_path / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    standin(tmp_path / "bin", "sleep", "exit 0")  # the retries' waits, skipped
    assert run_step(runner, "Collect and publish", runner_env).returncode == 0
    pushed = run_step(runner, "Commit and push changed files", runner_env)
    assert pushed.returncode == 1 and "Could not push after 5 attempts." in pushed.stderr
    assert gh_calls(runner_env) == []


def test_init_starts_the_sites_pages_deploy(tmp_path: Path) -> None:
    add_deploy_workflow(tmp_path, "pages-deploy.yml")
    add_deploy_workflow(tmp_path, "ci.yml", "on: push\njobs:\n  test:\n    steps:\n      - run: make\n")
    undispatchable = CHIRPY_DEPLOY_WORKFLOW.replace("  workflow_dispatch:\n", "")
    add_deploy_workflow(tmp_path, "deploy-docs.yaml", undispatchable)
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--package", "dailypapers==1.0"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / WORKFLOW).read_text()
    flow = yaml.safe_load(text)
    assert flow["permissions"] == {"contents": "write", "actions": "write"}
    push = flow["jobs"]["digest"]["steps"][-1]
    assert push["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert 'gh workflow run deploy-docs.yaml --ref "$branch"' in push["run"]
    assert 'gh workflow run pages-deploy.yml --ref "$branch"' in push["run"]
    assert "ci.yml" not in text
    assert "starts deploy-docs.yaml, pages-deploy.yml after each push that changed something" in result.output
    assert "Warning: deploy-docs.yaml deploys the site but cannot be started" in result.output
    assert "workflow_dispatch" in result.output


def test_a_branch_built_site_gets_no_dispatch(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["init", str(tmp_path), "--package", "dailypapers==1.0"]).exit_code == 0
    text = (tmp_path / WORKFLOW).read_text()
    assert yaml.safe_load(text)["permissions"] == {"contents": "write"}
    assert "gh " not in text and "GH_TOKEN" not in text and "actions:" not in text


@pytest.mark.jekyll
def test_init_then_run_builds_a_real_site(tmp_path: Path, seed_hub: ReplayHub) -> None:
    """minima with jekyll-feed and jekyll-seo-tag: every post page has its charset, title,
    viewport and author, and the feed summarises each post by its description."""
    if shutil.which("jekyll") is None:
        pytest.skip("jekyll is not installed (.ci/run installs Debian's package)")
    site = tmp_path / "blog"
    env = {"HF_ENDPOINT": seed_hub.url, "HF_HUB_DISABLE_TELEMETRY": "1"}
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(site), "--author", "lim4349"]).exit_code == 0
    for day in sorted(SEED_SNAPSHOTS):
        assert seed_source(day)
        result = runner.invoke(cli, ["run", "--site", str(site), "--date", day], env=env)
        assert result.exit_code == 0, result.output
    built = subprocess.run(
        ["jekyll", "build", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    assert "Conflict" not in built.stdout + built.stderr
    sources = sorted((site / "_posts").iterdir())
    assert len(sources) > len(SEED_SNAPSHOTS)  # the days, and their weeks and months
    assert not (site / "_site" / "dailypapers.toml").exists()
    for source in sources:
        front = yaml.safe_load(source.read_text(encoding="utf-8").split("---\n")[1])
        page = site / "_site" / "posts" / front["slug"] / "index.html"
        tree = lxml.html.fromstring(page.read_bytes())
        assert tree.xpath("//html/@lang") == ["ko"]
        assert tree.xpath("//head/meta[1]/@charset") == ["utf-8"]  # first, before any text
        assert tree.findtext(".//head/title").startswith(front["title"])
        assert tree.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
        assert tree.xpath("//meta[@name='author']/@content") == ["lim4349"]
        [description] = tree.xpath("//meta[@name='description']/@content")
        assert description.replace("’", "'") == front["description"]  # jekyll-seo-tag smartifies
        assert tree.xpath("//*[@itemprop='author']//text()")[-1].strip() == "lim4349"
        assert len(tree.xpath("//article//h1")) == 1  # the post's own heading, not the title twice
    # The home page and the pages after it list every post (none is dated in the future).
    listed = 0
    for index in (site / "_site" / "index.html", *(site / "_site").glob("page*/index.html")):
        listed += len(lxml.html.fromstring(index.read_bytes()).xpath("//ul[@class='post-list']/li"))
    assert listed == len(sources)
    feed = etree.fromstring((site / "_site" / "feed.xml").read_bytes())
    atom = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", atom)
    assert entries
    for entry in entries:
        title, summary = (
            entry.findtext("a:title", namespaces=atom),
            entry.findtext("a:summary", namespaces=atom),
        )
        assert summary and summary != title and "좋아요 1위: " in summary


def test_init_keeps_the_settings_given(tmp_path: Path) -> None:
    site = tmp_path / "blog"
    args = ["init", str(site), "--author", "lim4349", "--language", "en", "--timezone", "Europe/Paris"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = (site / "dailypapers.toml").read_text()
    given = {"author": "lim4349", "language": "en", "timezone": "Europe/Paris"}
    assert tomllib.loads(text) == given | INIT_TOML | SITE_TOML
    loaded = load_settings(site, environ={})
    assert (loaded.author, loaded.language, loaded.timezone) == ("lim4349", "en", "Europe/Paris")
    config = yaml.safe_load((site / "_config.yml").read_text())
    assert (config["lang"], config["timezone"], config["author"]) == ("en", "Europe/Paris", "lim4349")
    # Given again, a setting is changed in the existing file, comments and all kept.
    (site / "dailypapers.toml").write_text(text + "\n[daily]\ntop = 5\n")
    again = CliRunner().invoke(cli, ["init", str(site), "--author", "someone else"])
    assert "updated  dailypapers.toml" in again.output
    assert tomllib.loads((site / "dailypapers.toml").read_text()) == {
        **given,
        "author": "someone else",
        **INIT_TOML,
        **SITE_TOML,
        "daily": {"top": 5},
    }
    assert (site / "dailypapers.toml").read_text().count("# ") == text.count("# ")
    bad = CliRunner().invoke(cli, ["init", str(site), "--timezone", "Mars/Base"])
    assert bad.exit_code == 2 and "--timezone" in bad.output


@pytest.mark.parametrize(("lang", "language"), [("ko-KR", "ko"), ("en", "en"), ("fr", None)])
def test_init_on_a_chirpy_site_changes_nothing_of_the_theme(
    tmp_path: Path, lang: str, language: str | None
) -> None:
    site = chirpy_site(tmp_path / "blog")
    config = (site / "_config.yml").read_text().replace("lang: en", f"lang: {lang}")
    (site / "_config.yml").write_text(config)
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    result = CliRunner().invoke(cli, ["init", str(site)])
    assert result.exit_code == 0, result.output
    after = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    assert {path: after[path] for path in before} == before
    assert sorted(str(path.relative_to(site)) for path in set(after) - set(before)) == [
        ".github/workflows/dailypapers.yml",
        ".gitignore",
        "_includes/dailypapers-feeds.html",
        "_includes/dailypapers-search.html",  # the paper search, shown by the tab below
        "_includes/metadata-hook.html",  # Chirpy's hook for the head: links the paper feeds
        "_tabs/search.md",
        "dailypapers.toml",
    ]
    assert (site / "_includes/metadata-hook.html").read_text() == "{% include dailypapers-feeds.html %}\n"
    settings = tomllib.loads((site / "dailypapers.toml").read_text())
    expected = {"timezone": "Asia/Seoul"} | ({"language": language} if language else {})
    assert settings == expected | INIT_TOML | {"math": "mathjax", "llm": {}}  # Chirpy typesets math
    if language:
        assert f'language = "{language}", to fit the site\'s _config.yml' in result.output


def test_an_unsaved_option_is_pointed_out(tmp_path: Path, seed_hub: ReplayHub) -> None:
    site = tmp_path / "blog"
    env = {"HF_ENDPOINT": seed_hub.url, "HF_HUB_DISABLE_TELEMETRY": "1"}
    assert CliRunner().invoke(cli, ["init", str(site)]).exit_code == 0
    args = ["run", "--site", str(site), "--date", "2026-02-05", "--author", "lim4349", "--top", "10"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
    assert notes == [
        "Note: --author lim4349 is not in dailypapers.toml, so the scheduled run will not use it; keep it "
        f'with `dailypapers init {site} --author lim4349` or `author = "lim4349"` in dailypapers.toml.'
    ]  # --top 10 is the default: the scheduled run writes the same
    assert CliRunner().invoke(cli, ["init", str(site), "--author", "lim4349"]).exit_code == 0
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 0 and "Note:" not in again.stderr
    top = CliRunner().invoke(cli, [*args[:-1], "5"], env=env)
    assert top.exit_code == 0, top.output
    assert top.stderr.splitlines()[0] == (
        "Note: --top 5 is not in dailypapers.toml, so the scheduled run will not use it; keep it "
        "with `top = 5` under `[daily]` in dailypapers.toml."
    )  # a line that is TOML as it stands, with its section named apart


def test_demo_writes_a_site_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "demo"
    first = CliRunner().invoke(cli, ["demo", "--site", str(site)])
    assert first.exit_code == 0, first.output
    assert "created  _posts/2026-02-05-daily-papers.md" in first.output
    assert "created  _posts/2026-02-01-monthly-papers-summary.md" in first.output
    again = CliRunner().invoke(cli, ["demo", "--site", str(site)])
    assert again.exit_code == 0 and "created" not in again.output and "updated" not in again.output


# --- what the workflow installs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("direct_url", "spec", "reachable"),
    [
        (
            {"url": "https://github.com/o/dailypapers", "vcs_info": {"vcs": "git", "commit_id": "ab12"}},
            "git+https://github.com/o/dailypapers@ab12",
            True,
        ),
        (
            {
                "url": "ssh://git@github.com/o/d.git",
                "vcs_info": {"vcs": "git", "commit_id": "ab12"},
            },
            "git+ssh://git@github.com/o/d.git@ab12",
            True,
        ),
        (
            {"url": "file:///src/dailypapers", "vcs_info": {"vcs": "git", "commit_id": "ab12"}},
            "git+file:///src/dailypapers@ab12",
            False,
        ),
        (
            {"url": "https://example.com/dailypapers-0.1.0.tar.gz", "archive_info": {}},
            "https://example.com/dailypapers-0.1.0.tar.gz",
            True,
        ),
        (
            {"url": "file:///home/me/dailypapers", "dir_info": {"editable": True}},
            "file:///home/me/dailypapers",
            False,
        ),
    ],
)
def test_origin_from_pep_610_record(direct_url: dict[str, Any], spec: str, reachable: bool) -> None:
    origin = origin_from_direct_url(direct_url, "dailypapers", "0.1.0")
    assert (origin.spec, origin.reachable) == (spec, reachable)
    assert (origin.problem() is None) == reachable


def test_package_from_an_index_is_pinned_to_its_version() -> None:
    origin = installed_origin("pytest")  # installed from the package index: no direct_url.json
    assert origin.spec == f"pytest=={importlib.metadata.version('pytest')}" and origin.reachable


def test_init_package_option_sets_the_install_step(tmp_path: Path) -> None:
    spec = "git+https://github.com/o/dailypapers@" + "0123abcd" * 5
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--package", spec])
    assert result.exit_code == 0 and "Warning" not in result.output
    flow = yaml.safe_load((tmp_path / WORKFLOW).read_text())
    assert flow["jobs"]["digest"]["steps"][2]["run"] == f"python -m pip install --quiet {spec}"
    # Given again, only the install line of the existing workflow changes.
    before = (tmp_path / WORKFLOW).read_text()
    again = CliRunner().invoke(cli, ["init", str(tmp_path), "--package", "dailypapers >= 0.2"])
    assert f"updated  {WORKFLOW}" in again.output
    assert (tmp_path / WORKFLOW).read_text() == before.replace(spec, "'dailypapers>=0.2'")


@pytest.mark.slow
def test_init_pins_the_git_commit_it_was_installed_from(tmp_path: Path) -> None:
    """pip install git+file://REPO@COMMIT into a new virtual environment, then its `init`."""
    repo = tmp_path / "repo"
    project = Path(__file__).parents[1]
    repo.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(project / name, repo / name)
    shutil.copytree(project / "src", repo / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    git(repo, "init", "--quiet")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "--quiet", "-m", "release")
    commit = git(repo, "rev-parse", "HEAD").strip()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    url = f"git+{repo.as_uri()}@{commit}"
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", url],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr
    site = tmp_path / "blog"
    done = subprocess.run(
        [str(venv / "bin" / "dailypapers"), "init", str(site)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    flow = yaml.safe_load((site / WORKFLOW).read_text())
    assert flow["jobs"]["digest"]["steps"][2]["run"] == f"python -m pip install --quiet {url}"
    # A file: URL is this machine's: init says so, and what to pass instead.
    [warning] = done.stderr.splitlines()
    assert warning.startswith(f"Warning: the workflow installs {url}, but")
    assert "GitHub's runner cannot reach" in warning and "--package" in warning
    # Run again, init keeps the workflow as it is, so it has nothing to say of its origin.
    again = subprocess.run(
        [str(venv / "bin" / "dailypapers"), "init", str(site)], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert f"kept  {WORKFLOW} (exists)" in again.stdout


def test_the_demo_site_keeps_the_settings_its_posts_were_made_with(tmp_path: Path) -> None:
    """A render after the demo changes nothing: the site's settings name the demo's author and
    model, so the cached summaries stay in the posts (and doctor finds the posts up to date)."""
    site = tmp_path / "demo"
    assert CliRunner().invoke(cli, ["demo", "--site", str(site), "--author", 'lim "4349"']).exit_code == 0
    assert 'author = "lim \\"4349\\""' in (site / "dailypapers.toml").read_text(encoding="utf-8")
    render = CliRunner().invoke(cli, ["render", "--all", "--site", str(site)])
    assert render.exit_code == 0, render.output
    assert "updated" not in render.output and "created" not in render.output
    doctor = CliRunner().invoke(
        cli, ["doctor", "--site", str(site)], env={"HF_ENDPOINT": "http://127.0.0.1:9"}
    )
    assert "ok    posts:" in doctor.output, doctor.output
