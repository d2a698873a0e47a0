"""The course website (`make site`), built into a temporary folder from freshly executed
notebooks, with a kernel from the fresh environment the wheel was installed into (so this also
runs every notebook on the installed package, outside the repository). Checks: every notebook
has a page; every figure and every explorer's picture is there; no error output; solutions
still collapsed; the course order as navigation; a search box; links between pages work;
nothing comes from the network; and, in Chromium from file://, the math is typeset. Full-page
screenshots go to artifacts/site/."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from tools import publish_links as links
from tools.build_site import build

from .conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "site"
NOTEBOOKS = links.notebooks(ROOT)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--no-first-run", "--disable-sync"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="session")
def site(wheel_env, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "html"
    build(out, kernel_python=str(wheel_env / "bin" / "python"))
    return out


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(), "html.parser")


def executed(site: Path, name: str) -> dict:
    """The notebook as the build executed it (myst-nb keeps it beside the site)."""
    return json.loads((site.parent / "jupyter_execute" / "notebooks" / name).read_text())


def test_every_notebook_has_a_page_in_course_order(site):
    home = page(site, "site/index.html")
    nav = [a["href"] for a in home.select("nav.bd-links a.reference.internal")]
    expected = [f"../notebooks/{name.removesuffix('.ipynb')}.html" for name in NOTEBOOKS]
    assert [h for h in nav if "notebooks/" in h] == expected
    for name in NOTEBOOKS:
        assert (site / "notebooks" / name.replace(".ipynb", ".html")).exists()
    assert "site/index.html" in (site / "index.html").read_text()  # the top-level entry


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_page_shows_every_picture_and_no_error(site, name):
    html = page(site, f"notebooks/{name.replace('.ipynb', '.html')}")
    notebook = executed(site, name)
    outputs = [o for c in notebook["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    explorers = [  # widget views holding a picture (not, say, 00's classroom-mode button)
        o
        for o in outputs
        if WIDGET_VIEW in o.get("data", {}) and "Image(" in o["data"].get("text/plain", "")
    ]
    # an explorer without the PNG it leaves behind would be a blank space on the page
    assert all("image/png" in o["data"] for o in explorers)
    pictures = sum(1 for o in outputs if "image/png" in o.get("data", {}))
    # an HTML output may carry its own pictures (notebook 08's animated races)
    pictures += sum(
        "".join(o["data"]["text/html"]).count("<img")
        for o in outputs
        if "text/html" in o.get("data", {}) and "image/png" not in o["data"]
    )
    images = html.select("div.cell_output img")
    assert len(images) == pictures > 0
    for image in images:
        if not image.get("src"):  # an animation's frame holder: its script sets the frames
            continue
        if image["src"].startswith("data:image/"):
            assert len(image["src"]) > 2000
            continue
        data = (site / "notebooks" / unquote(image["src"])).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 2000, image["src"]
    assert not html.select(".output.traceback, .output.stderr, .output.error")
    text = html.get_text()
    assert "Traceback" not in text and "Error displaying widget" not in text
    assert not re.search(r"\b[VH]Box\(children=", text), "a widget shown as text"
    source_details = sum(
        "".join(c["source"]).count("<details")
        for c in notebook["cells"]
        if c["cell_type"] == "markdown"
    )
    details = html.select("details")
    assert len(details) == source_details and not [d for d in details if d.has_attr("open")]
    assert not html.select(f".tag_{links.COLAB_TAG}"), (
        "the Colab install cell is not a page's business"
    )


def all_pages(site: Path) -> list[Path]:
    return [site / "site" / "index.html", site / "search.html"] + sorted(
        (site / "notebooks").glob("*.html")
    )


def test_links_between_pages_work_and_nothing_comes_from_the_network(site):
    checked, ids = 0, {}
    for path in all_pages(site):
        html = BeautifulSoup(path.read_text(), "html.parser")
        for tag in html.select("script[src], link[href], img[src]"):
            ref = tag.get("src") or tag.get("href")
            if (
                tag.name == "link"
                and "icon" not in tag.get("rel", [])
                and "stylesheet" not in tag.get("rel", [])
            ):
                continue
            if urlparse(ref).scheme == "data":
                continue  # inside the page itself (an animation's first frame)
            assert not urlparse(ref).scheme, f"{path.name} loads {ref} from the network"
            assert (path.parent / unquote(ref.split("?")[0])).exists(), f"{path.name}: {ref}"
        for anchor in html.select("a[href]"):
            href = anchor["href"]
            parts = urlparse(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.exists(), f"{path.relative_to(site)} links to missing {href}"
            if parts.fragment and target.suffix == ".html":
                if target not in ids:  # each page parsed once
                    page_ids = BeautifulSoup(target.read_text(), "html.parser").select("[id]")
                    ids[target] = {tag["id"] for tag in page_ids}
                assert parts.fragment in ids[target], f"{path.name}: missing anchor {href}"
            checked += 1
    assert checked > 100


def test_search_box_and_index(site):
    home = page(site, "site/index.html")
    assert home.select("form.bd-search, button.search-button, .search-button-field")
    index = (site / "searchindex.js").read_text()
    assert "nesterov" in index.lower() and "rmsprop" in index.lower()


def test_the_pages_in_chromium_from_disk(site):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (.ci/run installs it)")
        pytest.skip("needs Debian's chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        remote = []
        tab.on(
            "request",
            lambda r: (
                remote.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None
            ),
        )
        for path in all_pages(site):
            tab.goto(path.as_uri())
            has_math = "\\(" in path.read_text() or "\\[" in path.read_text()
            if has_math:  # typeset by the site's own MathJax: SVG, no TeX left on the page
                tab.wait_for_selector("mjx-container svg", state="attached", timeout=30_000)
                tab.wait_for_function(
                    "() => !document.querySelector('.math:not(:has(mjx-container))')"
                )
            shown = tab.evaluate(
                "() => [...document.querySelectorAll('article img')]"
                ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            )
            assert shown == [], f"{path.name}: pictures that did not load: {shown}"
            # every picture drawn in its own shape (an explorer's, 1300 px wide, was once
            # narrowed to the column and kept its height: squashed)
            squashed = tab.evaluate(
                "() => [...document.querySelectorAll('article img')].filter(i => i.width > 0)"
                ".filter(i => Math.abs((i.width / i.height) / (i.naturalWidth / i.naturalHeight)"
                " - 1) > 0.01).map(i => [i.src.slice(-40), i.width, i.height])"
            )
            assert squashed == [], f"{path.name}: pictures out of shape: {squashed}"
            hidden = tab.evaluate(
                "() => [...document.querySelectorAll('details')].filter(d => d.open).length"
            )
            assert hidden == 0
            tab.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"), full_page=True)
        # the search page, typed into, finds a notebook
        tab.goto((site / "search.html").as_uri() + "?q=Nesterov")
        tab.wait_for_selector("#search-results li a", timeout=30_000)
        assert "05_momentum" in tab.inner_html("#search-results")
        browser.close()
    assert remote == []


def test_with_an_address_each_page_has_launch_buttons(course_copy, tmp_path):
    """A partial site (home and notebook 00) built from a copy with an address set."""
    copy = tmp_path / "course"
    shutil.copytree(course_copy, copy)
    repo = "a-teacher/gd-optimizers-course"
    subprocess.run(
        [sys.executable, "-m", "tools.publish_links", repo],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    out = tmp_path / "html"
    subprocess.run(
        [sys.executable, "-m", "tools.build_site", str(out), "--only", "00_*"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    html = page(out, "notebooks/00_start_here.html")
    hrefs = {a["href"] for a in html.select("a[href]")}
    assert links.binder_url(repo, links.START) in hrefs
    assert links.colab_url(repo, links.START) in hrefs
