"""A real browser for the browser tests: JupyterLab on 127.0.0.1 and Debian's Chromium.

JupyterLab's configuration, data, runtime and workspace folders, IPython's and matplotlib's,
all live in a temporary directory, so the tests never read or change the user's settings.
Chromium is Debian's (``apt-get install chromium``), driven by Playwright with
``executable_path``: no browser is downloaded. Without Chromium these tests skip, except in CI
(``CI`` set), where they must run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LATENCIES: dict[str, list[float]] = {}  # notebook → slider-to-picture times (ms)


def _needs_browser():
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("Chromium (Debian: `sudo apt-get install chromium`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (`make setup` installs it)")
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + "; in CI they may not skip (.ci/run installs Chromium)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Package scope, not session: Playwright's sync API leaves an asyncio loop running in this thread
# while it is open, and the online and hub tests that run after this package start their own.
@pytest.fixture(scope="package")
def jupyter(tmp_path_factory):
    """A Jupyter server (JupyterLab and Notebook 7) on notebooks/, isolated from the user."""
    _needs_browser()
    home = tmp_path_factory.mktemp("jupyter-home")
    env = dict(os.environ)
    for variable in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    ):
        env[variable] = str(home / variable.lower())
    env.pop("TQDM_DISABLE", None)  # the course as a student runs it
    env.pop("COURSE_CLASSROOM", None)  # classroom mode comes from the settings file below
    env.pop("COURSE_DENSITY", None)
    settings = home / "course-settings.json"  # helpers.display's one switch, here only
    env["COURSE_SETTINGS"] = str(settings)
    # Serve a copy: JupyterLab autosaves, and the committed notebooks must stay without outputs.
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")  # noqa: SIM115 -- closed at teardown
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.terminate()
                pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text())
            time.sleep(0.3)
    yield {"base": base, "token": token, "settings": settings}
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="package")
def browser(jupyter):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


DENSITY = 2  # a HiDPI screen, or a page zoomed to 200 %: pictures must be drawn for it


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, device_scale_factor=DENSITY
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter):
    if not LATENCIES:
        return
    terminalreporter.section("slider → new picture in the browser (target ≤ 100 ms)")
    for notebook, times in LATENCIES.items():
        ordered = sorted(times)
        median = statistics.median(times)  # the same median the test prints per notebook
        terminalreporter.write_line(
            f"{notebook:45s} median {median:6.0f} ms   min {ordered[0]:5.0f}   "
            f"max {ordered[-1]:5.0f}   ({len(times)} moves)"
        )
    terminalreporter.write_line(f"screenshots: {ARTIFACTS / 'screenshots'}")
