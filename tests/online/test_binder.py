"""Binder, checked with repo2docker itself and then simulated.

1. ``repo2docker --no-build --debug`` (no Docker engine needed) prints the Dockerfile it would
   build: the test reads from it which build pack and files it picked.
2. The image, simulated: a fresh virtual environment with environment.yml's package list (conda
   names and versions turned into pip's, the pip section as written, ``-e .`` from the
   repository's folder), postBuild run there as repo2docker runs it, and the server started the
   way the image's command starts it (``jupyter notebook`` in the repository's folder), opened
   at the launch link's address. In Chromium: no news pop-up, the notebook runs, its explorer
   shows a picture; the kernel of a notebook whose tab was closed is culled (the course's
   setting, with its 3 minutes shortened); and a part of the browser suite runs against it
   (notebooks 00 and 04 in JupyterLab, 00 in Notebook 7: all nine would double its time).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tools import publish_links as links

from .conftest import ROOT, isolated_env, run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--no-first-run", "--disable-sync"]
CONDA_TO_PIP = {"pytorch": "torch"}
BROWSER_SUBSET = (
    "test_notebook_in_jupyterlab and (00_start_here or 04_mini_batch)"
    " or test_start_here_in_notebook_7"
)


def _needs_chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (.ci/run installs it)")
        pytest.skip("needs Debian's chromium")


def test_repo2docker_picks_the_conda_build_pack_and_postbuild(course_copy):
    result = run(
        [str(Path(os.sys.executable).parent / "repo2docker"), "--no-build", "--no-run", "--debug"]
        + [str(course_copy)],
    )
    report = result.stdout + result.stderr
    assert "Building conda environment for python=3.11" in report
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"', report)
    assert "RUN ./postBuild" in report
    assert "separate kernel" not in report.lower()  # the server's environment is the kernel's
    assert 'CMD ["jupyter", "notebook", "--ip", "0.0.0.0"]' in report
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()  # they would win


def binder_requirements() -> list[str]:
    """environment.yml's packages as pip requirements (what the simulation installs)."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    requirements = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            requirements += [line.split("#")[0].strip() for line in dep["pip"]]
            continue
        name, _, spec = dep.partition("=")
        if name in ("python", "pip"):
            continue
        requirements.append(f"{CONDA_TO_PIP.get(name, name)}=={spec.split('=')[0]}")
    return requirements


@pytest.fixture(scope="session")
def binder_image(course_copy, tmp_path_factory):
    """The simulated image: (environment, repository folder, environment variables)."""
    env_dir = tmp_path_factory.mktemp("binder") / "notebook"  # /srv/conda/envs/notebook
    home = tmp_path_factory.mktemp("binder-home")
    run([getattr(os.sys, "_base_executable", os.sys.executable), "-m", "venv", str(env_dir)])
    env = isolated_env(home, env_dir / "bin")
    env.pop("TQDM_DISABLE")
    requirements = binder_requirements()
    assert "-e ." in requirements and "torch==2.13.0" in requirements
    arguments = [part for requirement in requirements for part in requirement.split()]
    run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        + ["-c", str(ROOT / "constraints.txt"), *arguments],
        env=env,
        cwd=course_copy,  # repo2docker installs in the repository's folder: `-e .` is it
    )
    run(["bash", "./postBuild"], env=env, cwd=course_copy)
    return env_dir, course_copy, env


@pytest.fixture(scope="session")
def binder_server(binder_image, tmp_path_factory):
    env_dir, repo, env = binder_image
    with socket_port() as port:
        pass
    token = secrets.token_hex(16)
    log = tmp_path_factory.mktemp("binder-log") / "server.log"
    server = start_server(env_dir, repo, env, port, token, log)
    yield {"base": f"http://127.0.0.1:{port}", "token": token}
    server.terminate()
    server.wait(timeout=20)


class socket_port:
    def __enter__(self):
        import socket

        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        return self.s.getsockname()[1]

    def __exit__(self, *exc):
        self.s.close()


def start_server(env_dir, repo, env, port, token, log: Path, *extra: str) -> subprocess.Popen:
    """``jupyter notebook`` in the repository's folder, as the image's command runs it."""
    command = [str(env_dir / "bin" / "jupyter"), "notebook", "--no-browser", "--allow-root"]
    command += ["--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}", *extra]
    server = subprocess.Popen(
        command, cwd=repo, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.time() + 90
    while True:
        try:
            api(f"http://127.0.0.1:{port}", token, "/api/status")
            return server
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.terminate()
                pytest.fail("the server did not start:\n" + log.read_text())
            time.sleep(0.5)


def running_kernels(base: str, token: str, at_least: int = 1, seconds: float = 90) -> list:
    """The running kernels, once there are ``at_least`` of them (a kernel takes a while)."""
    deadline = time.time() + seconds
    while len(kernels := kernel_list(base, token)) < at_least and time.time() < deadline:
        time.sleep(0.5)
    return kernels


def kernel_list(base: str, token: str, tries: int = 5) -> list:
    """``GET /api/kernels``, asked again after a 500. jupyter_server 2.21 lists a kernel as soon
    as jupyter_client has it and sets its ``last_activity`` one event-loop turn later; a listing
    in between fails with TraitError ("expected a datetime, not the NoneType None"), a 500, as
    CI saw once while 00's kernel started. (Polling the listing while six kernels start and
    stop hit it four times.) Anything else, or a 500 that lasts, still fails the test."""
    for attempt in range(tries):
        try:
            return api(base, token, "/api/kernels")
        except urllib.error.HTTPError as error:
            if error.code != 500 or attempt == tries - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def api(base: str, token: str, path: str, method: str = "GET"):
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def test_the_settings_are_where_binders_jupyterlab_reads_them(binder_server):
    base, token = binder_server["base"], binder_server["token"]
    for plugin, key, value in [
        ("@jupyterlab/apputils-extension:notification", "fetchNews", "false"),
        ("@jupyterlab/apputils-extension:kernels-settings", "commsOverSubshells", "disabled"),
    ]:
        # overrides.json changes the defaults JupyterLab's schemas give
        schema = api(base, token, f"/lab/api/settings/{plugin}")["schema"]
        assert schema["properties"][key]["default"] == value, (plugin, key)


def test_the_launch_link_opens_the_course_and_runs_it(binder_server):
    _needs_chromium()
    from playwright.sync_api import sync_playwright

    base, token = binder_server["base"], binder_server["token"]
    # what https://mybinder.org/v2/gh/owner/name/main?urlpath=... opens once the image runs
    urlpath = links.binder_url("owner/name", links.START).split("urlpath=")[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        tab.set_default_timeout(90_000)
        tab.goto(f"{base}/{urlpath}?token={token}&reset")
        tab.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
        tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        tab.wait_for_timeout(3000)
        assert "notified about" not in tab.inner_text("body")  # no news pop-up
        assert len(running_kernels(base, token)) == 1
        tab.click(".lm-MenuBar-itemLabel:text-is('Run')")
        tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        tab.wait_for_selector(".widget-vbox:has(> .widget-image) .widget-image", timeout=120_000)
        tab.wait_for_function(
            "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".every(p => /\\[\\d+\\]/.test(p.textContent))",
            timeout=120_000,
        )
        tab.screenshot(path=str(artifacts() / "binder-simulated-00.png"))
        browser.close()


def artifacts() -> Path:
    path = ROOT / "artifacts" / "binder"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_the_kernel_of_a_closed_notebook_is_culled(binder_image, tmp_path):
    """The course's culling setting (cull_connected false), with its timeouts shortened: a
    notebook still open keeps its kernel, one whose tab was closed loses it."""
    _needs_chromium()
    from playwright.sync_api import sync_playwright

    env_dir, repo, env = binder_image
    placed = env_dir / "etc" / "jupyter" / "jupyter_server_config.d" / "course.json"
    setting = json.loads((ROOT / "jupyter" / "jupyter_server_config.json").read_text())
    assert json.loads(placed.read_text()) == setting
    assert setting["MappingKernelManager"]["cull_connected"] is False
    with socket_port() as port:
        pass
    token = secrets.token_hex(16)
    server = start_server(
        env_dir,
        repo,
        env,
        port,
        token,
        tmp_path / "server.log",
        "--MappingKernelManager.cull_idle_timeout=6",
        "--MappingKernelManager.cull_interval=2",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            tab.set_default_timeout(90_000)
            tab.goto(f"{base}/lab/tree/notebooks/{links.START}?token={token}")
            tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            (kernel,) = running_kernels(base, token)
            time.sleep(12)  # twice the timeout: open, so connected, so kept
            assert [k["id"] for k in kernel_list(base, token)] == [kernel["id"]]
            tab.click(".lm-TabBar-tab.jp-mod-current .lm-TabBar-tabCloseIcon")
            tab.wait_for_timeout(1500)
            discard = tab.locator(".jp-Dialog button:has-text('Discard')")
            if discard.count():  # "save your changes?" (JupyterLab marks it changed on opening)
                discard.first.click()
            tab.wait_for_selector(".jp-NotebookPanel", state="detached", timeout=20_000)
            deadline = time.time() + 40
            while kernel_list(base, token) and time.time() < deadline:
                time.sleep(1)
            assert kernel_list(base, token) == [], "the closed notebook kept its kernel"
            browser.close()
    except Exception:
        print((tmp_path / "server.log").read_text()[-6000:])  # pytest shows it with the failure
        raise
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_part_of_the_browser_suite_passes_in_the_simulated_image(binder_image):
    _needs_chromium()
    env_dir, repo, env = binder_image
    result = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["tests/browser", "-k", BROWSER_SUBSET],
        cwd=repo,
        env={**env, "CI": os.environ.get("CI", "")},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout[-2000:]
