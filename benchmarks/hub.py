"""The course on a real JupyterHub on 127.0.0.1: what one student costs (`make hub-bench`).

1. Memory and CPU of one student through each lesson: a student follows the nbgitpuller link,
   then every notebook in turn runs top to bottom in a fresh kernel through the student's own
   server (its REST and kernel APIs, as JupyterLab drives it). Printed per notebook: the kernel's
   peak resident memory (VmHWM), its CPU seconds and wall time, and the server's resident memory;
   "per student" is the server's peak plus the largest kernel peak.
2. Slider-to-picture latency with 1, 3 and 5 students moving a slider at the same moment: each
   student logs in through the hub's form in Chromium, follows the link, and opens a notebook with
   the standard 2-D explorer (the one `make bench` times); then in each round every student
   presses an arrow key on the learning-rate slider at once, and the time until each student's
   picture changes is recorded (as tests/browser does it). The kernels' and servers' CPU time per
   update is measured alongside.

Everything (hub, proxy, servers, kernels and the students' Chromium) shares this machine's cores,
so the latencies are an upper bound of what the server side costs. The figures go to
artifacts/hub-bench.json too; deploy/README.md turns them into the sizing for a class of 80.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/ and tests/ are not installed packages
sys.path.insert(0, str(ROOT / "tests"))

from browser.conftest import CHROMIUM, FLAGS  # noqa: E402

from tools.hub_link import START, TARGET, nbgitpuller_link  # noqa: E402
from tools.local_hub import LocalHub, missing_tools  # noqa: E402

ARTIFACTS = ROOT / "artifacts"
MB = 1024 * 1024
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
# The standard 2-D explorer, as benchmarks/bench.py builds it: contours, path, loss per step.
EXPLORER_CELLS = [
    "from helpers import SGD, Quadratic\n"
    "from helpers.engine import lr_slider\n"
    "from helpers.explorers import ContourExplorer",
    "ContourExplorer(\n"
    "    Quadratic(condition_number=10, angle=20),\n"
    '    lambda lr: {"GD": SGD(lr=lr)},\n'
    "    lr=lr_slider(0.05),\n"
    ")",
]
LATENCY_NOTEBOOK = "notebooks/hub_latency.ipynb"  # written into each student's copy only


def peak_mb(process: psutil.Process) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: this benchmark needs Linux")


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def server_of(hub: LocalHub, name: str) -> psutil.Process:
    for p in hub.processes():
        try:
            if "jupyterhub-singleuser" in " ".join(p.cmdline()):
                if p.environ().get("JUPYTERHUB_USER") == name:
                    return p
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise RuntimeError(f"no server process for {name}")


def kernels_of(server: psutil.Process) -> list[psutil.Process]:
    return [k for k in server.children() if "ipykernel" in " ".join(k.cmdline())]


# -- 1. memory and CPU through each lesson ------------------------------------------------------


def lessons(hub: LocalHub, link: str, notebooks: list[str]) -> dict:
    student = hub.student("memory").login()
    pull = student.follow(link)
    if pull.phases[-1] != "finished":
        raise RuntimeError("the link did not pull the course:\n" + pull.output)
    server = server_of(hub, "memory")
    rows = []
    for name in tqdm(notebooks, desc="lessons through the kernel API"):
        notebook = student.read_notebook(f"{TARGET}/notebooks/{name}")
        kernel = student.kernel(f"{TARGET}/notebooks")
        process = psutil.Process(kernel.pid())
        start = time.perf_counter()
        errors = []
        for index, outputs in kernel.run_notebook(notebook):
            errors += [f"cell {index}: {o['ename']}" for o in outputs if o["type"] == "error"]
        rows.append(
            {
                "notebook": name,
                "kernel_peak_mb": peak_mb(process),
                "kernel_cpu_s": cpu_seconds(process),
                "wall_s": time.perf_counter() - start,
                "server_rss_mb": server.memory_info().rss / MB,
                "errors": errors,
            }
        )
        kernel.shutdown()
    hub_tree = [p for p in hub.processes() if "jupyterhub-singleuser" not in " ".join(p.cmdline())]
    return {
        "rows": rows,
        "server_peak_mb": peak_mb(server),
        "hub_and_proxy_rss_mb": sum(p.memory_info().rss for p in hub_tree) / MB,
    }


# -- 2. slider latency with several students at once --------------------------------------------


async def open_explorer(browser, hub: LocalHub, link: str, name: str):
    """A student in their own browser context: log in, follow the link, open the explorer."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(link)
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", "any")
    await page.click("[type=submit]")
    await page.wait_for_url(f"**/user/{name}/lab/tree/{TARGET}/{START}*")
    student = hub.student(name)
    cells = [
        {"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None}
        for s in EXPLORER_CELLS
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": kernelspec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    await asyncio.to_thread(student.save_notebook, f"{TARGET}/{LATENCY_NOTEBOOK}", notebook)
    await page.goto(f"{hub.url}/user/{name}/lab/tree/{TARGET}/{LATENCY_NOTEBOOK}?reset")
    await page.wait_for_selector(f"{PANEL} .jp-Cell")
    await page.wait_for_selector(IDLE)
    await page.wait_for_timeout(1500)  # a click that lands while the kernel connects is lost
    await page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    await page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    image = page.locator(f"{PANEL} .widget-image").first
    await image.wait_for(state="visible")
    handle = page.locator(f"{PANEL} .widget-slider .noUi-handle").first
    return {"name": name, "page": page, "image": image, "handle": handle}


async def press(student: dict, key: str) -> float | None:
    """Press ``key`` on the slider; ms until the picture's ``src`` changes (None: it did not).
    A MutationObserver in the page stamps the change, so polling does not blur the time."""
    page, image = student["page"], student["image"]
    await image.evaluate(
        """img => {
            window.__changed = null;
            const seen = new MutationObserver(() => {
                window.__changed = performance.now(); seen.disconnect();
            });
            seen.observe(img, {attributes: true, attributeFilter: ['src']});
            window.__pressed = performance.now();
        }"""
    )
    await student["handle"].press(key)
    try:
        await page.wait_for_function("() => window.__changed !== null", timeout=20_000)
    except Exception as error:
        print(f"{student['name']}: {error}", file=sys.stderr)
        return None
    return await page.evaluate("() => window.__changed - window.__pressed")


async def latency(hub: LocalHub, link: str, groups: list[int], rounds: int) -> list[dict]:
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            students = []
            for i in tqdm(range(max(groups)), desc="students open the explorer"):
                students.append(await open_explorer(browser, hub, link, f"slider{i + 1}"))
            for size in groups:
                group = students[:size]
                for s in group:  # focus each slider handle first, as a student's click does
                    await s["handle"].click()
                servers = [server_of(hub, s["name"]) for s in group]
                kernels = [k for server in servers for k in kernels_of(server)]
                watched = servers + kernels
                cpu_before = sum(cpu_seconds(p) for p in watched)
                times, missed = [], 0
                for r in tqdm(range(rounds), desc=f"{size} at once", leave=False):
                    key = "ArrowRight" if r % 2 == 0 else "ArrowLeft"
                    got = await asyncio.gather(*(press(s, key) for s in group))
                    times += [t for t in got if t is not None]
                    missed += sum(t is None for t in got)
                    await asyncio.sleep(0.5)
                cpu_ms = (sum(cpu_seconds(p) for p in watched) - cpu_before) * 1e3
                if not times:
                    raise RuntimeError(f"{size} at once: no press showed a new picture")
                ordered = sorted(times)
                results.append(
                    {
                        "students": size,
                        "moves": len(times),
                        "missed": missed,
                        "median_ms": statistics.median(ordered),
                        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))],
                        "max_ms": ordered[-1],
                        "server_side_cpu_ms_per_update": cpu_ms / max(len(times), 1),
                    }
                )
            for s in students:  # the students' memory with the explorer open (server + kernel)
                server = server_of(hub, s["name"])
                tree = [server, *kernels_of(server)]
                s["rss_mb"] = sum(p.memory_info().rss for p in tree) / MB
            results.append({"explorer_open_rss_mb": [s["rss_mb"] for s in students]})
        finally:
            await browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default="all", help="comma-separated names, or all")
    parser.add_argument("--groups", default="1,3,5", help="how many students move at once")
    parser.add_argument("--rounds", type=int, default=12, help="slider presses per student")
    parser.add_argument("--skip-lessons", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    missing = missing_tools()
    if not args.skip_latency and not Path(CHROMIUM).exists():
        missing.append("Chromium (`apt-get install chromium`)")
    if missing:
        print("hub-bench needs " + " and ".join(missing), file=sys.stderr)
        return 2
    groups = [int(g) for g in args.groups.split(",")]
    if any(g < 1 for g in groups):
        raise ValueError(f"groups must be counts ≥ 1, got {args.groups!r}")
    if args.rounds < 1:
        raise ValueError(f"rounds must be ≥ 1, got {args.rounds}")
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    if args.notebooks != "all":
        wanted = args.notebooks.split(",")
        names = [n for n in names if any(n.startswith(w) for w in wanted)]
        if not names:
            raise ValueError(f"notebooks: none matches {args.notebooks!r}")

    figures: dict = {
        "machine": {
            "cores": psutil.cpu_count(),
            "memory_gb": psutil.virtual_memory().total / 1024**3,
            "load_before": os.getloadavg()[0],  # other work on the machine skews the latencies
        }
    }
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        origin = Path(tmp) / "course"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(origin)], check=True)
        link_to = lambda hub: nbgitpuller_link(hub.url, f"file://{origin}")  # noqa: E731
        with LocalHub(Path(tmp) / "hub") as hub:
            link = link_to(hub)
            if not args.skip_lessons:
                figures["lessons"] = lessons(hub, link, names)
            if not args.skip_latency:
                figures["latency"] = asyncio.run(latency(hub, link, groups, args.rounds))
    report(figures)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hub-bench.json").write_text(json.dumps(figures, indent=1))
    print(f"figures: {ARTIFACTS / 'hub-bench.json'}")
    return 0


def report(figures: dict) -> None:
    machine = figures["machine"]
    print(
        f"\nmachine: {machine['cores']} cores, {machine['memory_gb']:.0f} GB, load average "
        f"{machine['load_before']:.1f} before the run"
    )
    if "lessons" in figures:
        lessons_ = figures["lessons"]
        print("\n1. One student through each lesson (fresh kernel, run top to bottom):")
        print(f"{'notebook':40s} {'kernel peak':>11s} {'CPU':>8s} {'wall':>8s} {'server':>8s}")
        for r in lessons_["rows"]:
            flag = f"  ERRORS {r['errors']}" if r["errors"] else ""
            print(
                f"{r['notebook']:40s} {r['kernel_peak_mb']:8.0f} MB {r['kernel_cpu_s']:6.1f} s"
                f" {r['wall_s']:6.1f} s {r['server_rss_mb']:5.0f} MB{flag}"
            )
        server = lessons_["server_peak_mb"]
        biggest = max(r["kernel_peak_mb"] for r in lessons_["rows"])
        print(f"server peak {server:.0f} MB; largest kernel peak {biggest:.0f} MB")
        print(f"per student (server + one kernel): {server + biggest:.0f} MB")
        print(f"hub + proxy + culler: {lessons_['hub_and_proxy_rss_mb']:.0f} MB")
    if "latency" in figures:
        print("\n2. Slider → new picture, students moving a slider at the same moment:")
        print(f"{'students':>8s} {'moves':>6s} {'median':>9s} {'p90':>9s} {'max':>9s}  CPU/update")
        for r in figures["latency"]:
            if "students" not in r:
                open_ = ", ".join(f"{m:.0f}" for m in r["explorer_open_rss_mb"])
                print(f"server + kernel with the explorer open: {open_} MB")
                continue
            missed = f"  ({r['missed']} presses showed no new picture)" if r["missed"] else ""
            print(
                f"{r['students']:8d} {r['moves']:6d} {r['median_ms']:6.0f} ms {r['p90_ms']:6.0f} ms"
                f" {r['max_ms']:6.0f} ms  {r['server_side_cpu_ms_per_update']:6.1f} ms{missed}"
            )


if __name__ == "__main__":
    sys.exit(main())
