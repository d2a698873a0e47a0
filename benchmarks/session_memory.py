"""Memory of a realistic Binder session (`make session-memory`): the whole course, 00 → 08, in
order, in one JupyterLab in Chromium, one notebook after another. Each notebook is opened, run
(Run All), its first slider moved, then closed as the course map asks (its tab's ×), and the
next one opened. Sampled twice a second: the server plus every kernel still running, as RSS
(each process counted whole) and PSS (shared library pages split between the processes that
map them, closer to what a container's memory limit counts). Binder guarantees 1 GB.

The server is this environment's `jupyter lab` with the settings `make setup` applied from
jupyter/ (the same ones Binder's postBuild applies): a kernel no open notebook shows is culled
after 3 idle minutes. A student spends longer than that on a notebook; this run spends about a
minute, so it shortens the wait to ``--cull-after`` seconds (default 10) to stand for it.
``--keep-open`` leaves every notebook open instead, to show what that costs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--no-first-run", "--disable-sync"]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LIMIT_MB = 1024


def tree_memory(pid: int) -> tuple[float, float, int]:
    """(RSS MB, PSS MB, number of kernels) of the server and its children."""
    server = psutil.Process(pid)
    processes = [server] + server.children(recursive=True)
    rss = pss = 0.0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + info.rss / 2**20, pss + info.pss / 2**20
    return rss, pss, len(processes) - 1


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss, self.running = pid, 0.0, 0.0, True

    def run(self):
        while self.running:
            rss, pss, _ = tree_memory(self.pid)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-open", action="store_true", help="never close a notebook")
    parser.add_argument("--cull-after", type=int, default=10, help="idle seconds (setting: 180)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="session-memory-"))
    env = dict(os.environ, TQDM_DISABLE="0")
    for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[variable] = str(home / variable.lower())
    repo = home / "course"  # the repository's folder, as in the Binder image
    shutil.copytree(ROOT / "notebooks", repo / "notebooks", ignore=shutil.ignore_patterns(".*"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1"]
        + [f"--port={port}", f"--IdentityProvider.token={token}"]
        + [f"--LabApp.workspaces_dir={home / 'workspaces'}"]
        + [f"--MappingKernelManager.cull_idle_timeout={args.cull_after}"]
        + ["--MappingKernelManager.cull_interval=2"],
        cwd=repo,
        env=env,
        stdout=(home / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    sampler = Sampler(server.pid)
    sampler.start()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            tab.set_default_timeout(300_000)
            names = sorted(p.name for p in (repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            for i, name in enumerate(names):
                url = f"{base}/lab/tree/notebooks/{name}?token={token}"
                tab.goto(url + ("&reset" if i == 0 else ""))
                tab.wait_for_selector(f"{PANEL} .jp-Cell")
                tab.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
                tab.wait_for_timeout(1000)
                tab.click(".lm-MenuBar-itemLabel:text-is('Run')")
                tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
                tab.wait_for_function(
                    "(panel) => { const p = [...document.querySelectorAll(panel + ' .jp-CodeCell"
                    " .jp-InputPrompt')]; return p.length && p.every(x => /\\[\\d+\\]/.test("
                    "x.textContent)); }",
                    arg=PANEL,
                )
                handle = tab.locator(f"{PANEL} .widget-slider .noUi-handle").first
                if handle.count():
                    handle.click()
                    handle.press("ArrowRight")
                    tab.wait_for_timeout(1000)
                rss, pss, kernels = tree_memory(server.pid)
                rows.append((name, rss, pss, kernels))
                print(f"{name:40s} open: {kernels} kernel(s), RSS {rss:5.0f} MB, PSS {pss:5.0f} MB")
                if not args.keep_open:
                    tab.click(".lm-TabBar-tab.jp-mod-current .lm-TabBar-tabCloseIcon")
                    tab.wait_for_timeout(1500)
                    discard = tab.locator(".jp-Dialog button:has-text('Discard')")
                    if discard.count():  # "save your changes?"
                        discard.first.click()
                    for _ in range(2 * args.cull_after + 40):
                        if tree_memory(server.pid)[2] == 0:
                            break
                        time.sleep(0.5)
            browser.close()
        rss, pss, kernels = tree_memory(server.pid)
        print(f"{'at the end':40s}       {kernels} kernel(s), RSS {rss:5.0f} MB, PSS {pss:5.0f} MB")
    finally:
        sampler.running = False
        sampler.join()
        server.terminate()
        server.wait(timeout=30)
    ok = sampler.peak_pss < LIMIT_MB
    print(
        f"session peak: RSS {sampler.peak_rss:.0f} MB, PSS {sampler.peak_pss:.0f} MB "
        f"(server + running kernels; target PSS < {LIMIT_MB} MB) {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
