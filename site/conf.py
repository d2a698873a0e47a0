"""Sphinx configuration of the course website (`make site`; see tools/build_site.py).

The pages are the notebooks themselves, executed afresh at every build by myst-nb, in course
order; the book theme gives the navigation, the search box and, when the repository address
is set in pyproject.toml, a Binder and a Colab button on each notebook's page. Everything a
page needs is served from the site (MathJax too), so it works opened straight from disk.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.course_address import repository  # noqa: E402
from tools.publish_links import BRANCH  # noqa: E402

project = "Gradient-descent optimizers, interactively"
author = "the course authors"
copyright = "the course authors"
extensions = ["myst_nb"]
# The source folder is the repository itself, so the notebooks are read where they are (no copy
# to keep in sync); only these files become pages. The home page is site/index.md, and a
# top-level index.html sends a visitor there.
root_doc = "site/index"
include_patterns = ["site/index.md", "notebooks/[0-9][0-9]*_*.ipynb"]
exclude_patterns = ["**/.ipynb_checkpoints", "build", ".venv"]
html_theme = "sphinx_book_theme"
html_title = "Gradient-descent optimizers"
html_static_path = ["_static"]  # site/_static, next to this file
html_css_files = ["course.css"]  # pictures keep their shape in the column
html_last_updated_fmt = None

# Execute every notebook at every build: the pages show what the code computes today.
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True  # a notebook that fails fails the build
nb_merge_streams = True
# An explorer's widget view needs a live kernel (or widget scripts from a CDN): show the PNG
# the explorer leaves beside it instead, and load no widget scripts at all.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js: dict = {}
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# MathJax 3 from the django-static-mathjax package (a plain copy of MathJax's own files),
# served from _static: its single-file SVG build needs no web fonts, which browsers refuse to
# load from file:// pages.
MATHJAX_FILE = "tex-svg-full.js"
mathjax_path = f"mathjax/{MATHJAX_FILE}"

REPO = repository(ROOT / "pyproject.toml")
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
if REPO:
    html_theme_options.update(
        {
            "repository_url": f"https://github.com/{REPO}",
            "repository_branch": BRANCH,
            "path_to_docs": "",
            "use_repository_button": True,
            "launch_buttons": {
                "binderhub_url": "https://mybinder.org",
                "colab_url": "https://colab.research.google.com",
                "notebook_interface": "jupyterlab",
            },
        }
    )


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import mathjax  # django-static-mathjax

    source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / MATHJAX_FILE
    target = Path(app.outdir) / "_static" / "mathjax" / MATHJAX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)


REDIRECT = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="refresh" content="0; url=site/index.html"></head>
<body><p><a href="site/index.html">{title}</a></p></body></html>
"""


def _home_redirect(app, exception):
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / "index.html").write_text(REDIRECT.format(title=project))


# matplotlib's animations (notebook 08's races) link Font Awesome 4 from a CDN for their
# buttons; the theme already ships Font Awesome, which draws the same `fa fa-play` icons.
CDN_FONT_AWESOME = re.compile(
    r'<link[^>]*href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*"[^>]*>'
)


def _drop_cdn_links(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text()
        if CDN_FONT_AWESOME.search(text):
            page.write_text(CDN_FONT_AWESOME.sub("", text))


def setup(app):
    app.connect("build-finished", _drop_cdn_links)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _home_redirect)
