"""A student comes back the next day: the notebook they ran and saved must show each
explorer's last picture, never "Error displaying widget: model not found". The course's
JupyterLab settings (jupyter/overrides.json) save the widget state in the notebook."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .conftest import ARTIFACTS
from .test_course_in_browser import EXPLORER, PANEL, move_slider, run_all, shut_down_kernels

NOTEBOOK = "00_start_here.ipynb"


def test_a_reopened_notebook_shows_the_last_picture(page, jupyter):
    url = f"{jupyter['base']}/lab/tree/{NOTEBOOK}?token={jupyter['token']}&reset"
    page.goto(url)
    run_all(page, PANEL)
    explorer = page.locator(f"{PANEL} {EXPLORER}").first
    explorer.scroll_into_view_if_needed()
    assert move_slider(page, explorer) is not None  # the last picture is not the opening one
    last = explorer.locator(".widget-image").first.screenshot()
    page.click(".lm-MenuBar-itemLabel:text-is('File')")
    page.click(".lm-Menu-itemLabel:text-is('Save Notebook')")
    contents = f"{jupyter['base']}/api/contents/{NOTEBOOK}?token={jupyter['token']}"
    page.wait_for_function(
        "() => !document.querySelector('.jp-mod-current.jp-mod-dirty')", timeout=30_000
    )
    saved = page.request.get(contents).json()["content"]
    assert "widgets" in saved["metadata"], "the widget state was not saved in the notebook"
    shut_down_kernels(page, jupyter)  # the session ends: no kernel holds the models any more

    page.goto(url)  # the next day: open the notebook again
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    page.wait_for_selector(f"{PANEL} .widget-image", timeout=60_000)
    page.wait_for_timeout(3000)  # let every output render
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "reopened-00.png"), full_page=True)
    text = page.locator(PANEL).inner_text()
    assert "model not found" not in text and "Error displaying widget" not in text
    again = page.locator(f"{PANEL} {EXPLORER}").first
    again.scroll_into_view_if_needed()
    picture = again.locator(".widget-image").first
    size = picture.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 100 and size[1] > 100
    shown = picture.screenshot()
    (shots / "reopened-00-explorer.png").write_bytes(shown)
    before, after = (
        np.asarray(Image.open(io.BytesIO(png)).convert("L"), float) for png in (last, shown)
    )
    assert before.shape == after.shape and np.abs(before - after).mean() < 1  # the last picture
    shut_down_kernels(page, jupyter)
