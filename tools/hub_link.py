"""The nbgitpuller link a lecturer hands out: ``make hub-link HUB=https://hub.example.edu``.

One click on it logs the student into the hub, starts their server, copies the course into
``~/gd-optimizers`` (or pulls the lecturer's updates into the copy they already have, keeping
their own edits) and opens ``notebooks/00_start_here.ipynb`` in JupyterLab.

The repository is the course's address setting (``[project.urls] Repository`` in
``pyproject.toml``, read by :func:`tools.course_address.repository`), or ``--repo`` given
explicitly: ``owner/name`` on GitHub or any git URL the hub can clone.
"""

from __future__ import annotations

import argparse
import re
import sys
from urllib.parse import quote, urlencode, urlsplit

from tools.course_address import repository

# The folder of the student's copy. Fixed, not taken from the repository's name, because the
# single-user environment puts it on PYTHONPATH (deploy/README.md) so that `import helpers`
# finds the helpers of the student's own copy, updated along with the notebooks.
TARGET = "gd-optimizers"
START = "notebooks/00_start_here.ipynb"
_OWNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")


class NoAddress(Exception):
    """No repository was given and the course has no address setting."""


def git_url(repo: str | None = None) -> str:
    """The URL the hub clones: ``repo`` (``owner/name`` or a git URL) or the address setting."""
    if repo is None:
        repo = repository()
        if repo is None:
            raise NoAddress(
                "the course has no public address: set [project.urls] Repository = "
                '"https://github.com/owner/name" in pyproject.toml, or pass REPO=owner/name '
                "(or any git URL) to make hub-link"
            )
    repo = repo.strip()
    if _OWNER_NAME.match(repo):
        return f"https://github.com/{repo}"
    if re.match(r"^(https?|git|ssh|file)://", repo) or repo.startswith("/"):
        return repo
    raise ValueError(
        f"repo must be owner/name on GitHub or a git URL (https://…, file://… or an absolute "
        f"path), got {repo!r}"
    )


def hub_base(hub: str) -> str:
    """The hub's address as students open it, without a trailing ``/hub`` or slash."""
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"hub must be the hub's address, http(s)://host[:port][/prefix], got {hub!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"hub must be an address without ?query or #fragment, got {hub!r}")
    path = parts.path.rstrip("/")
    if path.endswith("/hub"):  # people paste the address of the hub's own pages
        path = path[: -len("/hub")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def nbgitpuller_link(
    hub: str,
    repo: str | None = None,
    *,
    branch: str | None = None,
    notebook: str = START,
    target: str = TARGET,
) -> str:
    """The link: ``{hub}/hub/user-redirect/git-pull?repo=…&targetpath=…&urlpath=lab/tree/…``.

    Without ``branch`` nbgitpuller pulls the repository's default branch.
    """
    if not target or "/" in target or target in (".", ".."):
        raise ValueError(f"target must be one folder name, got {target!r}")
    if notebook.startswith("/") or ".." in notebook.split("/"):
        raise ValueError(f"notebook must be a path inside the repository, got {notebook!r}")
    query = {"repo": git_url(repo)}
    if branch:
        query["branch"] = branch
    query["targetpath"] = target
    query["urlpath"] = f"lab/tree/{target}/{notebook}"
    return f"{hub_base(hub)}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make hub-link",
        description="Print the nbgitpuller link that hands the course out on a JupyterHub.",
    )
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.uni.edu")
    parser.add_argument("--repo", help="owner/name or a git URL (default: the address setting)")
    parser.add_argument("--branch", help="the branch to hand out (default: the default branch)")
    parser.add_argument("--notebook", default=START, help=f"the notebook to open ({START})")
    args = parser.parse_args(argv)
    if not args.hub.strip():
        print(
            "hub-link: give the hub's address: make hub-link HUB=https://hub.example.edu",
            file=sys.stderr,
        )
        return 2
    try:
        print(nbgitpuller_link(args.hub, args.repo, branch=args.branch, notebook=args.notebook))
    except (NoAddress, ValueError) as error:
        print(f"hub-link: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
