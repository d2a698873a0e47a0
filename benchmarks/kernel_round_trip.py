"""Slider → picture through a real kernel, without the browser: what the kernel's messaging adds.

``first_explorers.py`` times the explorer in-process; the browser suite times key press → new
``src``. This sits between them: a kernel is started (jupyter_client), the notebook's code cells
run until its first explorer exists, then the widget message the browser sends for an arrow
key (a comm ``update`` of the first slider's ``index``, or ``value``) is sent on the shell
channel, and the time until the Image widget's update arrives on IOPub is measured. What the
browser median has beyond this is the server, the websocket and the page.

    .venv/bin/python benchmarks/kernel_round_trip.py [--moves 10] NOTEBOOK-PREFIX ...
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import sys
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

RECORD = """
from helpers import engine as _bench_engine
_bench_made, _bench_init = [], _bench_engine.Explorer.__init__
def _bench_record(self, *args, **kwargs):
    _bench_init(self, *args, **kwargs)
    _bench_made.append(self)
_bench_engine.Explorer.__init__ = _bench_record
"""
IDS = """
import sys as _bench_sys
_bench_sys.path.insert(0, "../benchmarks")
from first_explorers import first_slider as _bench_first, neighbours as _bench_next
_bench_slider = _bench_first(_bench_made[0].widget)
_bench_move = list(_bench_next(_bench_slider))
"""


def quiet(kc, code: str, **expressions):
    reply = kc.execute_interactive(
        code, timeout=600, output_hook=lambda _: None, user_expressions=expressions
    )
    return {
        k: ast.literal_eval(v["data"]["text/plain"])
        for k, v in reply["content"]["user_expressions"].items()
    }


def round_trips(path: Path, moves: int) -> list[float] | None:
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(path.parent))
    try:
        quiet(kc, RECORD)
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                if quiet(kc, "".join(cell["source"]), n="len(_bench_made)")["n"]:
                    break
        else:
            return None
        ids = quiet(
            kc,
            IDS,
            ids="[_bench_slider.model_id, _bench_made[0].image.model_id, *_bench_move]",
        )["ids"]
        slider, image, attribute, other, here = ids
        while True:  # drop what the cells left on IOPub
            try:
                kc.get_iopub_msg(timeout=0.5)
            except Exception:
                break
        times = []
        for k in range(moves):
            state = {attribute: other if k % 2 == 0 else here}  # one stop away, then back
            data = {"method": "update", "state": state, "buffer_paths": []}
            message = kc.session.msg("comm_msg", {"comm_id": slider, "data": data})
            start = time.perf_counter()
            kc.shell_channel.send(message)
            while True:
                reply = kc.get_iopub_msg(timeout=10)
                if reply["msg_type"] == "comm_msg" and reply["content"]["comm_id"] == image:
                    times.append(time.perf_counter() - start)
                    break
            time.sleep(0.2)  # one move at a time, as a person (and the browser test) does
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("prefixes", nargs="*", help="notebook name prefixes, e.g. 07 09")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name.startswith(tuple(args.prefixes))]
    print(f"Slider message → Image update through a kernel, median of {args.moves} (ms):")
    for path in paths:
        times = round_trips(path, args.moves)
        if not times:
            print(f"  {path.stem:32s} (no explorer with a slider)")
            continue
        print(
            f"  {path.stem:32s} {statistics.median(times) * 1e3:6.1f}"
            f"   (min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
