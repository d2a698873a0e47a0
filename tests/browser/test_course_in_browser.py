"""Every notebook in JupyterLab (one also in Notebook 7), in Chromium: run all cells, no errors,
every explorer shows its picture, moving its slider changes the picture; the time from a key
press on a slider to the new picture is recorded and printed at the end of the run."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, LATENCIES, ROOT

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
EXPLORER = ".widget-vbox:has(> .widget-image)"  # an explorer: its controls above its picture
MOVES = 6  # slider moves timed on each notebook's first explorer


def run_all(page, scope: str) -> None:
    page.wait_for_selector(f"{scope} .jp-Cell", timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    for attempt in range(3):  # a click that lands while the kernel connects can be lost
        page.wait_for_timeout(1000)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(
                "(scope) => [...document.querySelectorAll(scope + ' .jp-CodeCell .jp-InputPrompt')]"
                ".some(p => /\\[[*\\d]+\\]/.test(p.textContent))",
                arg=scope,
                timeout=20_000,
            )
            break
        except Exception:
            if attempt == 2:
                raise
    try:
        page.wait_for_function(
            """(scope) => {
                const cells = scope + ' .jp-CodeCell .jp-InputPrompt';
                const prompts = [...document.querySelectorAll(cells)];
                return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            arg=scope,
            timeout=int(os.environ.get("BROWSER_RUN_TIMEOUT_MS", 240_000)),
        )
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "run-all-timeout.png"))
        raise
    page.wait_for_selector(IDLE, timeout=240_000)


def error_outputs(page, scope: str) -> list[str]:
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(
                scope + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                + scope + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")]
            .map(e => e.innerText.slice(0, 400))""",
        scope,
    )


def move_slider(page, explorer, key: str = "ArrowRight") -> float | None:
    """Press a key on the explorer's first slider; ms until its picture changes (None: never)."""
    image = explorer.locator(".widget-image").first
    handle = explorer.locator(".widget-slider .noUi-handle").first
    before = image.get_attribute("src")
    handle.click()  # a click, not just focus(): Notebook 7 otherwise keeps the keys
    page.evaluate("() => { window.__pressed = performance.now(); }")
    handle.press(key)
    try:
        page.wait_for_function(
            "([img, src]) => img.getAttribute('src') !== src",
            arg=[image.element_handle(), before],
            timeout=10_000,
            polling="raf",
        )
    except Exception:
        return None
    return page.evaluate("() => performance.now() - window.__pressed")


def check_explorers(page, scope: str, notebook: str) -> None:
    explorers = page.locator(f"{scope} {EXPLORER}")
    count = explorers.count()
    for i in range(count):
        explorer = explorers.nth(i)
        explorer.scroll_into_view_if_needed()
        size = explorer.locator(".widget-image").first.evaluate(
            "img => [img.naturalWidth, img.naturalHeight]"
        )
        assert size[0] > 100 and size[1] > 100, f"explorer {i} shows no picture"
        if explorer.locator(".widget-slider .noUi-handle").count() == 0:
            continue
        if i == 0:
            shots = ARTIFACTS / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            explorer.screenshot(path=str(shots / f"{Path(notebook).stem}.png"))
            times = [
                move_slider(page, explorer, "ArrowRight" if k % 2 else "ArrowLeft")
                for k in range(MOVES)
            ]
            assert all(t is not None for t in times), f"explorer 0 did not redraw: {times}"
            LATENCIES[notebook] = times
        else:
            changed = move_slider(page, explorer) or move_slider(page, explorer, "ArrowLeft")
            assert changed is not None, f"explorer {i}: moving its slider changed nothing"


def shut_down_kernels(page, jupyter) -> None:
    """One notebook's kernel at a time, as a student with one tab open would have."""
    sessions = f"{jupyter['base']}/api/sessions"
    for session in page.request.get(f"{sessions}?token={jupyter['token']}").json():
        page.request.delete(f"{sessions}/{session['id']}?token={jupyter['token']}")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(page, jupyter, notebook):
    page.goto(f"{jupyter['base']}/lab/tree/{notebook}?token={jupyter['token']}&reset")
    try:
        run_all(page, PANEL)
        assert error_outputs(page, PANEL) == []
        check_explorers(page, PANEL, notebook)
    finally:
        shut_down_kernels(page, jupyter)


def test_start_here_in_notebook_7(page, jupyter):
    page.goto(f"{jupyter['base']}/notebooks/00_start_here.ipynb?token={jupyter['token']}")
    scope = ".jp-NotebookPanel"
    run_all(page, scope)
    assert error_outputs(page, scope) == []
    explorer = page.locator(f"{scope} {EXPLORER}").first
    explorer.scroll_into_view_if_needed()
    image = explorer.locator(".widget-image").first
    before = image.screenshot()
    handle = explorer.locator(".widget-slider .noUi-handle").first.bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)  # drag the learning-rate handle to the right, as a student would
    page.mouse.down()
    page.mouse.move(x + 80, y, steps=5)
    page.mouse.up()
    page.wait_for_timeout(2000)
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=str(ARTIFACTS / "screenshots" / "00_start_here-notebook7.png"))
    changed = image.screenshot() != before
    shut_down_kernels(page, jupyter)
    assert changed, "dragging the slider did not change the picture"


def test_latency_summary_is_recorded():
    """The medians are printed at the end of the run; here they are at least complete."""
    assert all(statistics.median(t) > 0 for t in LATENCIES.values())
