"""Every launch link agrees with the one address setting and is well formed; without an
address there is none at all (no broken badge), only how to put the course online."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tools import publish_links as links
from tools.course_address import repository

from .conftest import ROOT

URL = re.compile(r"https?://[^\s)>\]\"']+")
TEST_REPO = "a-teacher/gd-optimizers-course"


def copy_of_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for name in ("README.md", "pyproject.toml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    return root


def _regions(text: str) -> list[str]:
    """The generated parts of a text (between the tool's markers), where launch links live."""
    pairs = [
        (links.README_START, links.README_END),
        (links.TABLE_START, links.TABLE_END),
        (links.MAP_START, links.MAP_END),
    ]
    return [text.split(a)[1].split(b)[0] for a, b in pairs if a in text and b in text]


def launch_urls(root: Path) -> list[str]:
    """Every Binder, Colab or site address in the README and the notebooks: anywhere for Binder
    and Colab, and in the generated parts for GitHub addresses (a citation in a notebook's
    further reading may point at any github.com or github.io page)."""
    texts = [(root / "README.md").read_text()]
    generated = _regions(texts[0])
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            texts.append(source)
            if links.COLAB_TAG in cell.get("metadata", {}).get("tags", []):
                generated.append(source)
            generated += _regions(source)
    anywhere = [u for text in texts for u in URL.findall(text) if re.search(r"mybinder|colab", u)]
    github = [u for text in generated for u in URL.findall(text) if re.search(r"github\.", u)]
    return anywhere + github


def check_url(url: str, repo: str, names: list[str]) -> None:
    """One launch address, taken apart and compared with what it must be for ``repo``."""
    parts = urlparse(url)
    assert parts.scheme == "https", url
    if parts.netloc == "mybinder.org":
        if parts.path == "/badge_logo.svg":
            return
        prefix = f"/v2/gh/{repo}/{links.BRANCH}"
        assert parts.path == prefix, url
        notebook = parts.query.removeprefix("urlpath=lab/tree/notebooks/")
        assert parts.query.startswith("urlpath=lab/tree/notebooks/") and notebook in names, url
    elif parts.netloc == "colab.research.google.com":
        if parts.path == "/assets/colab-badge.svg":
            return
        prefix = f"/github/{repo}/blob/{links.BRANCH}/notebooks/"
        assert parts.path.startswith(prefix) and parts.path[len(prefix) :] in names, url
    elif parts.netloc.endswith("github.io"):
        owner, name = repo.split("/")
        assert parts.netloc == f"{owner.lower()}.github.io" and parts.path == f"/{name}/", url
    elif parts.netloc == "github.com":
        assert parts.path.removesuffix("@" + links.BRANCH) == f"/{repo}", url
    else:
        raise AssertionError(f"unexpected launch address {url}")


def table_rows(text: str, start: str, end: str) -> list[list[str]]:
    table = text.split(start)[1].split(end)[0].strip().splitlines()
    return [[c.strip() for c in row.strip("|").split("|")] for row in table[2:]]


def test_the_committed_files_agree_with_the_setting():
    assert links.stale(ROOT) == [], "run `make publish-links` (README or notebooks out of date)"


def test_with_an_address_every_link_is_right(tmp_path):
    root = copy_of_course(tmp_path)
    assert links.main(["--root", str(root), TEST_REPO]) == 0
    assert repository(root / "pyproject.toml") == TEST_REPO
    names = links.notebooks(root)
    urls = launch_urls(root)
    for url in urls:
        check_url(url, TEST_REPO, names)
    readme = (root / "README.md").read_text()
    start = json.loads((root / "notebooks" / links.START).read_text())
    course_map = next(
        "".join(c["source"]) for c in start["cells"] if links.MAP_START in "".join(c["source"])
    )
    for text, (begin, end) in [
        (readme, (links.TABLE_START, links.TABLE_END)),
        (course_map, (links.MAP_START, links.MAP_END)),
    ]:
        rows = table_rows(text, begin, end)
        assert len(rows) == len(names)
        for row, name in zip(rows, names, strict=True):
            assert row[0] == name.split("_")[0]
            assert row[-1] == (
                f"[Binder]({links.binder_url(TEST_REPO, name)}) · "
                f"[Colab]({links.colab_url(TEST_REPO, name)})"
            )
    assert f"({links.binder_url(TEST_REPO, links.START)})" in readme.split(links.TABLE_START)[0]
    assert links.site_url(TEST_REPO) in readme
    for name in names:  # each first code cell installs from the address, on Colab only
        notebook = json.loads((root / "notebooks" / name).read_text())
        first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        assert links.COLAB_TAG in first["metadata"]["tags"]
        assert f'"git+https://github.com/{TEST_REPO}@{links.BRANCH}"' in "".join(first["source"])
    assert links.stale(root) == []
    # running it again changes nothing, and the address can be changed in one go
    assert links.main(["--root", str(root), "other/fork"]) == 0
    assert not [u for u in launch_urls(root) if TEST_REPO in u]
    for url in launch_urls(root):
        check_url(url, "other/fork", names)


def test_without_an_address_nothing_links_anywhere(tmp_path):
    root = copy_of_course(tmp_path)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(re.sub(r"(?m)^Repository = .*\n", "", text))
    assert links.main(["--root", str(root)]) == 0
    assert launch_urls(root) == []
    readme = (root / "README.md").read_text()
    section = readme.split(links.README_START)[1].split(links.README_END)[0].strip()
    assert "make publish-links REPO=owner/name" in section and len(section.splitlines()) == 3
    assert "launch" not in readme.split(links.TABLE_START)[1].split("\n")[1]


def test_a_link_that_disagrees_is_caught(tmp_path):
    root = copy_of_course(tmp_path)
    links.main(["--root", str(root), TEST_REPO])
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace(f"gh/{TEST_REPO}/", "gh/someone/else/", 1))
    assert links.stale(root) == [readme]
    assert links.main(["--root", str(root), "--check"]) == 1


@pytest.mark.parametrize("bad", ["", "owner", "owner/name/extra", "-owner/name", "owner/na me"])
def test_a_malformed_address_is_refused(bad, tmp_path):
    root = copy_of_course(tmp_path)
    with pytest.raises(ValueError, match="REPO="):
        links.set_repository(bad, root / "pyproject.toml")


def test_a_malformed_setting_is_refused(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n[project.urls]\nRepository = "https://gitlab.com/a/b"\n'
    )
    with pytest.raises(ValueError, match="not a GitHub address"):
        repository(pyproject)
