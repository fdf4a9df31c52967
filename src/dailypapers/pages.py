"""How a site gets published on GitHub Pages, read from its workflows.

A site either lets GitHub build a branch (the classic Pages build, which starts on any push,
the workflow token's included), or deploys through its own Actions workflow using
``actions/deploy-pages`` (Chirpy's ``pages-deploy.yml``), usually triggered ``on: push``.
GitHub starts no workflow for a push made with a workflow's ``GITHUB_TOKEN``, so the
scheduled run must start such a deploy itself (``gh workflow run FILE``), which needs the
deploy workflow to accept ``workflow_dispatch``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from dailypapers.bounded import YAMLRefused, load_yaml, read_capped

WORKFLOWS = Path(".github") / "workflows"
OWN_WORKFLOW = WORKFLOWS / "dailypapers.yml"
DEPLOY_ACTION = "actions/deploy-pages"


@dataclass(frozen=True)
class DeployWorkflow:
    file: str  # its file name, what `gh workflow run` takes
    dispatchable: bool  # it has the workflow_dispatch trigger


def _triggers(flow: dict[object, object]) -> set[str]:
    # YAML 1.1 reads the key `on` as True.
    on = flow.get("on", flow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(item) for item in on}
    if isinstance(on, dict):
        return {str(key) for key in on}
    return set()


def _uses_deploy_pages(flow: dict[object, object]) -> bool:
    jobs = flow.get("jobs")
    if not isinstance(jobs, dict):
        return False
    for job in jobs.values():
        steps = job.get("steps") if isinstance(job, dict) else None
        for step in steps if isinstance(steps, list) else []:
            uses = step.get("uses") if isinstance(step, dict) else None
            if isinstance(uses, str) and uses.split("@")[0].strip() == DEPLOY_ACTION:
                return True
    return False


def deploy_workflows(site: Path, unread: list[str] | None = None) -> list[DeployWorkflow]:
    """The site's workflows that deploy Pages through ``actions/deploy-pages``, by file name.

    A workflow that cannot be read (beyond the bounds of :mod:`dailypapers.bounded`, not
    UTF-8, or one naming the action that is not valid YAML) is added to ``unread`` as
    "NAME is not read (why)": it may be a deploy workflow nobody would start."""
    found = []
    unread = [] if unread is None else unread
    folder = site / WORKFLOWS
    paths = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []
    for path in paths:
        if path.name == OWN_WORKFLOW.name:
            continue
        try:
            text = read_capped(path).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            why = error.strerror if isinstance(error, OSError) else "not UTF-8"
            unread.append(f"{_shown(path.name)} is not read ({why})")
            continue
        if DEPLOY_ACTION not in text:
            continue
        try:
            flow = load_yaml(text, what=path.name)
        except yaml.YAMLError as error:  # not valid YAML, or beyond the bounds
            why = str(error) if isinstance(error, YAMLRefused) else "not valid YAML"
            unread.append(f"{_shown(path.name)} is not read ({why})")
            continue
        if isinstance(flow, dict) and _uses_deploy_pages(flow):
            found.append(DeployWorkflow(path.name, "workflow_dispatch" in _triggers(flow)))
    return found


def _shown(name: str) -> str:
    """A file name for a terminal line: as it is when plain ASCII, else escaped."""
    return name if name.isascii() and name.isprintable() else ascii(name)


_DISPATCH = re.compile(r"\bgh workflow run\s+\"?([\w.-]+)")


def dispatched_workflows(workflow_text: str) -> set[str]:
    """The workflow files a (generated) workflow starts with ``gh workflow run``."""
    return set(_DISPATCH.findall(workflow_text))


def grants_actions_write(workflow_text: str) -> bool:
    try:
        flow = load_yaml(workflow_text)
    except yaml.YAMLError:
        return False
    permissions = flow.get("permissions") if isinstance(flow, dict) else None
    return isinstance(permissions, dict) and permissions.get("actions") == "write"
