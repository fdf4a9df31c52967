"""Where the running ``dailypapers`` came from, as something ``pip`` on another machine installs.

The scheduled workflow must install exactly the ``dailypapers`` that ran ``init``. pip
records how it installed a distribution in ``direct_url.json`` (PEP 610): a VCS URL and
commit become ``git+URL@COMMIT``, an archive URL stays as it is, and a distribution from a
package index (no such file) is pinned to its version. A local directory or a ``file:``
URL is recorded too, but GitHub's runner cannot reach it: :attr:`Origin.reachable` says so.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

DISTRIBUTION = "dailypapers"
_REMOTE_SCHEMES = ("https", "http", "ssh", "git")


@dataclass(frozen=True)
class Origin:
    spec: str  # what pip installs
    reachable: bool  # whether a machine other than this one can install it
    source: str  # how it was installed, for messages

    def problem(self) -> str | None:
        """One sentence on why the workflow could not install it; None when it can."""
        if self.reachable:
            return None
        return (
            f"this dailypapers was installed from {self.source}, which GitHub's runner cannot "
            "reach: pass --package with a git URL GitHub can clone "
            "(git+https://github.com/OWNER/REPO@COMMIT) or a published version"
        )


def installed_origin(distribution: str = DISTRIBUTION) -> Origin:
    """The origin of the installed ``distribution`` (see the module's docstring)."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return Origin(distribution, True, "an unknown place (not installed)")
    recorded = dist.read_text("direct_url.json")
    if not recorded:
        return Origin(f"{distribution}=={dist.version}", True, "a package index")
    return origin_from_direct_url(json.loads(recorded), distribution, dist.version)


def origin_from_direct_url(data: dict[str, object], distribution: str, version: str) -> Origin:
    """An :class:`Origin` from the content of a ``direct_url.json`` (PEP 610)."""
    url = str(data.get("url", ""))
    remote = urlsplit(url).scheme in _REMOTE_SCHEMES
    vcs_info = data.get("vcs_info")
    if isinstance(vcs_info, dict):
        vcs, commit = vcs_info.get("vcs", "git"), vcs_info.get("commit_id")
        spec = f"{vcs}+{url}" + (f"@{commit}" if commit else "")
        where = f"the {vcs} repository {url}" + (f" at {commit}" if commit else "")
        return Origin(spec, remote, where)
    if isinstance(data.get("archive_info"), dict):
        return Origin(url, remote, f"the archive {url}")
    # dir_info: a local directory, editable or not.
    path = url.removeprefix("file://")
    return Origin(url or f"{distribution}=={version}", False, f"the local directory {path}")
