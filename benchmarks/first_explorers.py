"""Kernel-side slider latency of each notebook's first explorer (run with `make bench`).

What the browser suite measures (tests/browser: ArrowRight/ArrowLeft on the first slider of
the first explorer in each notebook, until the picture changes), minus the browser: the
notebook's code cells are run in-process (an IPython shell, so magics and display work) until
an explorer exists, then its first slider is moved to the neighbouring stop and back, and each
move is timed and split into update() (computation), drawing, and PNG encoding. The PNG's size
is printed too: the browser has to receive and decode it. Figures, not a test. Measured on
this 2-core machine, the server, websocket and page add some 80–100 ms to what this prints
(``kernel_round_trip.py`` gives the kernel's messaging alone), so this side is not what keeps
the browser medians above 100 ms.

    .venv/bin/python benchmarks/first_explorers.py [--moves 10] [NOTEBOOK-PREFIX ...]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import ipywidgets as widgets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SLIDERS = (
    widgets.SelectionSlider,
    widgets.FloatSlider,
    widgets.IntSlider,
    widgets.FloatLogSlider,
)


def first_slider(widget):
    """The first slider in the widget tree, in the order the page shows it."""
    if isinstance(widget, SLIDERS):
        return widget
    for child in getattr(widget, "children", ()):
        found = first_slider(child)
        if found is not None:
            return found
    return None


def neighbours(slider):
    """(attribute, one arrow-key press away, current): right, or left at the end of the range.

    A selection slider is moved by its index, as the browser does."""
    if isinstance(slider, widgets.SelectionSlider):
        i = slider.index
        return "index", i + 1 if i + 1 < len(slider.options) else i - 1, i
    value = slider.value
    if isinstance(slider, widgets.FloatLogSlider):
        exponent = math.log(value, slider.base)
        step = slider.step if exponent + slider.step <= slider.max else -slider.step
        return "value", slider.base ** (exponent + step), value
    step = slider.step if value + slider.step <= slider.max else -slider.step
    return "value", value + step, value


def first_explorer(path: Path):
    """Run the notebook's code cells until the first explorer is made; return it."""
    from IPython.core.interactiveshell import InteractiveShell

    from helpers import engine

    made = []
    original = engine.Explorer.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self not in made:
            made.append(self)

    engine.Explorer.__init__ = recording
    shell = InteractiveShell.instance()
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        cells = json.loads(path.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            # the notebook's own printing and progress bars would bury the figures
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                shell.run_cell("".join(cell["source"]), silent=True)
            if made:
                return made[0]
    finally:
        os.chdir(cwd)
        engine.Explorer.__init__ = original
    return None


def measure(explorer, moves: int):
    from helpers import engine

    slider = first_slider(explorer.widget)
    if slider is None:
        return None
    parts = {"update": 0.0, "encode": 0.0}
    update, encode = explorer.update, engine.encode_png

    def timed_update():
        start = time.perf_counter()
        update()
        parts["update"] += time.perf_counter() - start

    def timed_encode(rgba):
        start = time.perf_counter()
        png = encode(rgba)
        parts["encode"] += time.perf_counter() - start
        return png

    explorer.update, engine.encode_png = timed_update, timed_encode
    rows = []
    try:
        attribute, other, here = neighbours(slider)
        for i in range(moves):
            parts.update(update=0.0, encode=0.0)
            start = time.perf_counter()
            setattr(slider, attribute, other if i % 2 == 0 else here)
            total = time.perf_counter() - start
            if explorer.message:
                raise RuntimeError(explorer.message)
            rows.append(
                (total, parts["update"], total - parts["update"] - parts["encode"], parts["encode"])
            )
    finally:
        del explorer.update
        engine.encode_png = encode
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    return slider.description, medians, len(explorer.image.value), explorer.image.value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("prefixes", nargs="*", help="notebook name prefixes, e.g. 07 09")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import matplotlib

    matplotlib.use("Agg")
    paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name.startswith(tuple(args.prefixes))]
    print(f"First explorer of each notebook, first slider, median of {args.moves} moves (ms):")
    print(
        f"  {'notebook':32s} {'explorer':22s} {'slider':14s} {'total':>6s} {'update':>6s}"
        f" {'draw':>6s} {'PNG':>6s} {'PNG kB':>7s}"
    )
    for path in paths:
        explorer = first_explorer(path)
        result = measure(explorer, args.moves) if explorer is not None else None
        if result is None:
            print(f"  {path.stem:32s} (no explorer with a slider)")
            continue
        name, (total, update, draw, encode), size, _ = result
        print(
            f"  {path.stem:32s} {type(explorer).__name__:22s} {name[:14]:14s}"
            f" {total * 1e3:6.1f} {update * 1e3:6.1f} {draw * 1e3:6.1f} {encode * 1e3:6.1f}"
            f" {size / 1e3:7.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
