"""Every launch link of the course, generated from its one address setting.

``make publish-links REPO=owner/name`` (``python -m tools.publish_links owner/name``) writes
``[project.urls] Repository`` into ``pyproject.toml`` and regenerates, from it:

- the README's launch section (Binder and Colab badges, the website) and the launch column of
  its course table;
- the launch column of notebook 00's course map;
- each notebook's first code cell, which installs the course's helpers on Colab only.

The website's launch buttons are read from the same setting when ``make site`` builds it.
``python -m tools.publish_links --check`` fails when any of these disagrees with the setting,
and the tests run that check. While no address is set the generated text has no launch links
at all (so nothing shows a broken badge), only how to put the course online.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools.course_address import ROOT, repository

BRANCH = "main"  # the branch the launch links open and the site workflow publishes
START = "00_start_here.ipynb"
COLAB_TAG = "colab-install"  # the first code cell's tag; "remove-cell" keeps it off the website
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
README_START, README_END = "<!-- launch:start -->", "<!-- launch:end -->"
TABLE_START, TABLE_END = "<!-- course-table:start -->", "<!-- course-table:end -->"
MAP_START, MAP_END = "<!-- course-map:start -->", "<!-- course-map:end -->"
LAUNCH_HEADER = "launch"
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")


def binder_url(repo: str, notebook: str) -> str:
    """mybinder.org, building the repository's ``BRANCH``, JupyterLab open at ``notebook``."""
    return f"https://mybinder.org/v2/gh/{repo}/{BRANCH}?urlpath=lab/tree/notebooks/{notebook}"


def colab_url(repo: str, notebook: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/notebooks/{notebook}"


def site_url(repo: str) -> str:
    """Where the GitHub Pages workflow publishes the website."""
    owner, name = repo.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


def install_source(repo: str) -> str:
    """What pip installs on Colab: the course package straight from the public repository."""
    return f"git+https://github.com/{repo}@{BRANCH}"


def notebooks(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in (root / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


# --- the Colab install cell -------------------------------------------------------------------

_CELL_HEAD = """\
# On Colab only: install the course's helpers package (Binder and a local copy have it already).
# Everything after this cell runs the same everywhere.
{imports}
try:
    import google.colab  # noqa: F401

    ON_COLAB = True
except ImportError:
    ON_COLAB = False
"""

_CELL_INSTALL = """
if ON_COLAB and importlib.util.find_spec("helpers") is None:
    source = {source}
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()  # so the new package is found without a restart
"""

_CELL_NO_ADDRESS = """
if ON_COLAB and importlib.util.find_spec("helpers") is None:
    raise RuntimeError(
        "This copy of the course has no public address yet, so Colab cannot install its "
        "helpers: open the course on Binder or from a local copy (see its README)."
    )
"""


def colab_cell_source(repo: str | None, source: str | None = None) -> str:
    """The first code cell. ``source`` (default: the repository on GitHub) is what pip installs;
    the Colab simulation passes a local path instead."""
    if repo is None and source is None:
        return _CELL_HEAD.format(imports="import importlib.util\n") + _CELL_NO_ADDRESS.rstrip("\n")
    source = source or install_source(repo)
    head = _CELL_HEAD.format(imports="import importlib.util\nimport subprocess\nimport sys\n")
    return head + _CELL_INSTALL.format(source=json.dumps(source)).rstrip("\n")


def _as_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _cell_id(name: str) -> str:
    return "colab-install-" + name[:2]


def with_colab_cell(notebook: dict, name: str, source: str) -> dict:
    """``notebook`` with its Colab cell (added first, or replaced) holding ``source``."""
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": _cell_id(name),
        "metadata": {"tags": [COLAB_TAG, "remove-cell"]},
        "outputs": [],
        "source": _as_lines(source),
    }
    cells = [c for c in notebook["cells"] if COLAB_TAG not in c.get("metadata", {}).get("tags", [])]
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    return {**notebook, "cells": cells[:first_code] + [cell] + cells[first_code:]}


# --- the tables -------------------------------------------------------------------------------


def _launch_cell(repo: str, notebook: str) -> str:
    return f"[Binder]({binder_url(repo, notebook)}) · [Colab]({colab_url(repo, notebook)})"


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _join_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def relaunch_table(table: str, repo: str | None, notebook_of_row) -> str:
    """A markdown table with its launch column removed and, if an address is set, re-added.

    ``notebook_of_row(cells)`` names the notebook a data row is about (its file name)."""
    lines = table.strip("\n").splitlines()
    header = _split_row(lines[0])
    has_launch = header[-1] == LAUNCH_HEADER
    rows = []
    for i, line in enumerate(lines):
        cells = _split_row(line)
        if has_launch:
            cells = cells[:-1]
        if repo is not None:
            if i == 0:
                cells.append(LAUNCH_HEADER)
            elif i == 1:
                cells.append("---")
            else:
                cells.append(_launch_cell(repo, notebook_of_row(cells)))
        rows.append(_join_row(cells) if i != 1 else "|" + "|".join(cells) + "|")
    return "\n".join(rows)


def _between(text: str, start: str, end: str, replace) -> str:
    pattern = re.compile(re.escape(start) + r"\n(.*?)\n?" + re.escape(end), re.S)
    match = pattern.search(text)
    if match is None:
        raise ValueError(f"markers {start} ... {end} not found")
    new = replace(match[1])
    return text[: match.start()] + f"{start}\n{new}\n{end}" + text[match.end() :]


def _notebook_in(cells: list[str], names: list[str]) -> str:
    """The notebook a course-table row links to, found by its number ("01", "00b")."""
    number = re.sub(r"[^0-9a-z]", "", cells[0])
    matches = [n for n in names if n.startswith(number + "_")]
    if len(matches) != 1:
        raise ValueError(f"no single notebook numbered {cells[0]!r} (found {matches})")
    return matches[0]


# --- the README -------------------------------------------------------------------------------


def readme_launch_section(repo: str | None) -> str:
    how = (
        "To put the course online (or your fork of it, to adapt it): push the repository to\n"
        "GitHub, run `make publish-links REPO=owner/name` once with its address, and commit.\n"
        "That writes the address into `pyproject.toml` and every launch link from it."
    )
    if repo is None:
        return how
    return (
        f"[![Binder]({BINDER_BADGE})]({binder_url(repo, START)}) "
        f"[![Open In Colab]({COLAB_BADGE})]({colab_url(repo, START)})\n\n"
        f"Read the course as a website at <{site_url(repo)}>, or launch it in one click:\n"
        "Binder opens JupyterLab with everything installed; Colab opens one notebook at a time\n"
        "(its first cell installs the course's helpers). Each notebook's own links are in the\n"
        "course table below.\n\n" + how
    )


# --- the whole set ----------------------------------------------------------------------------


def generated(root: Path = ROOT) -> dict[Path, str]:
    """Every file the address shapes, as it must read for the current setting."""
    repo = repository(root / "pyproject.toml")
    names = notebooks(root)
    out = {}
    readme = (root / "README.md").read_text()
    readme = _between(readme, README_START, README_END, lambda _: readme_launch_section(repo))
    readme = _between(
        readme,
        TABLE_START,
        TABLE_END,
        lambda table: relaunch_table(table, repo, lambda c: _notebook_in(c, names)),
    )
    out[root / "README.md"] = readme
    for name in names:
        path = root / "notebooks" / name
        notebook = json.loads(path.read_text())
        notebook = with_colab_cell(notebook, name, colab_cell_source(repo))
        if name == START:
            for cell in notebook["cells"]:
                text = "".join(cell["source"])
                if cell["cell_type"] == "markdown" and MAP_START in text:
                    text = _between(
                        text,
                        MAP_START,
                        MAP_END,
                        lambda t: relaunch_table(t, repo, lambda c: _notebook_in(c, names)),
                    )
                    cell["source"] = _as_lines(text)
        out[path] = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    return out


def set_repository(repo: str, pyproject: Path) -> None:
    """Write ``[project.urls] Repository`` (the one setting) into ``pyproject``."""
    if not _REPO.match(repo):
        raise ValueError(f"REPO={repo!r}: expected owner/name, as in github.com/owner/name")
    text = pyproject.read_text()
    line = f'Repository = "https://github.com/{repo}"'
    if re.search(r"(?m)^Repository = .*$", text):
        text = re.sub(r"(?m)^Repository = .*$", line, text)
    elif "[project.urls]" in text:
        text = text.replace("[project.urls]\n", f"[project.urls]\n{line}\n")
    else:  # a new table right after [project]'s keys, before the next table
        text = re.sub(
            r"(?ms)^(\[project\]\n.*?)(\n\[)", rf"\1\n[project.urls]\n{line}\n\2", text, count=1
        )
    pyproject.write_text(text)
    if repository(pyproject) != repo:
        raise RuntimeError(f"could not write the address into {pyproject}")


def stale(root: Path = ROOT) -> list[Path]:
    """Files that disagree with the address setting."""
    return [path for path, text in generated(root).items() if path.read_text() != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", help="owner/name of the public GitHub repository")
    parser.add_argument("--check", action="store_true", help="only report files out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale(args.root)
        for path in out_of_date:
            print(f"{path}: launch links disagree with pyproject.toml; run make publish-links")
        return 1 if out_of_date else 0
    if args.repo:
        set_repository(args.repo, args.root / "pyproject.toml")
    for path, text in generated(args.root).items():
        if path.read_text() != text:
            path.write_text(text)
            print(f"updated {path.relative_to(args.root)}")
    repo = repository(args.root / "pyproject.toml")
    print(f"address: {repo or 'none set'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
