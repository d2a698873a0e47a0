"""Peak memory and run time of every notebook, executed headless as a student's kernel runs it
(`make memory`). Binder guarantees 1 GB and stops a session at 2 GB; the server and a few open
notebooks share it, so each notebook's kernel must peak below 450 MB."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MB = 450  # per kernel: a few of them and the server fit in Binder's 1 GB


def peak_rss_mb(pid: int) -> float:
    """The kernel's peak resident memory (VmHWM), which Linux keeps for every process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: this measurement needs Linux")


def measure(path: Path) -> tuple[float, float]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        start = time.perf_counter()
        client.execute(cleanup_kc=False)
        seconds = time.perf_counter() - start
        return peak_rss_mb(pid), seconds


def main(only: list[str]) -> int:
    worst = 0.0
    print(f"{'notebook':42s} {'peak memory':>12s} {'run time':>9s}")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if only and not any(path.name.startswith(prefix) for prefix in only):
            continue
        peak, seconds = measure(path)
        worst = max(worst, peak)
        print(f"{path.name:42s} {peak:9.0f} MB {seconds:8.1f} s")
    ok = worst < LIMIT_MB
    print(
        f"largest peak: {worst:.0f} MB   target < {LIMIT_MB} MB per kernel (Binder)   "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))  # optional: notebook name prefixes, e.g. 01 04
