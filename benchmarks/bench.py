"""Speed figures, printed (run with `make bench`).

1. Explorer latency: the standard 2-D explorer (ContourExplorer: contours, path, loss against
   step) after a learning-rate change — recompute the run and render the PNG the browser shows —
   as a median over 60 changes, against a naive explorer that redraws the same figure from
   scratch each time. Targets: median ≤ 25 ms, and ≥ 2.5× faster than the naive redraw.
2. 10,000 start points × 200 Adam steps on a 2-D quadratic in one vectorised call of
   helpers.run, against a Python loop over the runs (the same optimizer, one run at a time).
   Targets: the vectorised call ≤ 0.3 s, and ≥ 50× faster than the loop.
3. The momentum rate map (notebook 05, RateMapExplorer): recomputing the exact rate of heavy ball
   over the 400 × 200 grid of (η, β) when the condition number changes, alone and with the
   whole figure (map, contours, runs, PNG), as medians over 25 changes of κ; and an η change.
   Targets: the map recompute and the whole κ update ≤ 100 ms each, an η change ≤ 50 ms.
4. The schedule explorer (notebook 07, ScheduleExplorer): a learning-rate change (mini-batch
   SGD under a schedule, and the PNG), median over 31 changes. Target: ≤ 50 ms.
5. Pictures at 2× pixel density (what the explorers draw by default, for HiDPI screens and
   zoomed pages): the standard explorer's update at 1× and 2×, split into drawing and PNG
   encoding, and the encoders compared on its 2× picture (Pillow's fastest setting, which the
   engine used before, against the engine's ISA-L writer). Target: the 2× update ≤ 25 ms.

The loop takes about half a minute for all 10,000 runs (a progress bar shows it); pass
--loop-runs 500 to time only the first 500 runs and scale up (every run costs the same, so the
scaling is linear). The loop's results are checked against the vectorised ones, so both do the
same work.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from tqdm.auto import tqdm

from helpers import SGD, Adam, Quadratic, run
from helpers.engine import lr_slider
from helpers.explorers import ContourExplorer
from helpers.plots import draw_contours, new_figure

RUNS, STEPS = 10_000, 200


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_redraw(objective, lr: float, steps: int) -> bytes:
    """What an explorer without a persistent figure does on every change: build it all again."""
    result = run(SGD(lr=lr), objective, objective.x0, steps)
    figure, (ax, loss_ax) = new_figure(10.0, 4.2, ncols=2)
    draw_contours(ax, objective)
    ax.plot(*result.path.T, "-o", ms=2.5)
    loss_ax.semilogy(result.losses - objective.min_value)
    figure.suptitle(f"{steps} steps")
    return figure._repr_png_()


def explorer_latency() -> bool:
    objective = Quadratic(condition_number=10, angle=20)
    explorer = ContourExplorer(objective, lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider(0.05))
    slider = explorer.named_controls["lr"]
    values = np.geomspace(0.01, 1.9, 60)

    def move(value):
        slider.value = value
        if explorer.message:
            raise RuntimeError(explorer.message)

    fast = [timed(lambda v=v: move(v), repeats=1)[0] for v in values]
    naive = [timed(lambda v=v: naive_redraw(objective, v, 50), repeats=1)[0] for v in values[::3]]
    median, median_naive = statistics.median(fast), statistics.median(naive)
    ok_time, ok_ratio = median <= 0.025, median_naive / median >= 2.5
    print("Standard 2-D explorer, one learning-rate change (run + render PNG):")
    print(
        f"  persistent figure    : {median * 1e3:8.1f} ms  (median of {len(fast)})"
        f"   target ≤ 25 ms    {'met' if ok_time else 'MISSED'}"
    )
    print(f"  naive full redraw    : {median_naive * 1e3:8.1f} ms  (median of {len(naive)})")
    print(
        f"  speed-up             : {median_naive / median:8.1f} ×"
        f"   target ≥ 2.5 ×    {'met' if ok_ratio else 'MISSED'}"
    )
    return ok_time and ok_ratio


def adam_runs(loop_runs: int) -> bool:
    objective = Quadratic(condition_number=50, angle=30)
    starts = np.random.default_rng(0).uniform(-3, 3, size=(RUNS, 2))
    optimizer = Adam(lr=0.05)

    vectorised, result = timed(lambda: run(optimizer, objective, starts, STEPS), repeats=7)

    def one_at_a_time():
        finals = []
        for x0 in tqdm(starts[:loop_runs], desc="Python loop over runs", leave=False):
            theta, state = x0, optimizer.init(x0)
            for _ in range(STEPS):
                theta, state = optimizer.step(theta, objective.grad(theta), state)
            finals.append(theta)
        return np.array(finals)

    loop_part, finals = timed(one_at_a_time, repeats=1)
    np.testing.assert_allclose(finals, result.final[:loop_runs], rtol=1e-12, atol=1e-15)
    loop = loop_part * RUNS / loop_runs
    speedup = loop / vectorised

    scaled = "" if loop_runs == RUNS else f" (timed on {loop_runs} runs, × {RUNS / loop_runs:g})"
    ok_time, ok_speed = vectorised <= 0.3, speedup >= 50
    print(f"Adam, {RUNS:,} start points × {STEPS} steps on a 2-D quadratic (helpers.run):")
    print(
        f"  vectorised, one call : {vectorised * 1e3:8.1f} ms  (median of 7)"
        f"   target ≤ 300 ms   {'met' if ok_time else 'MISSED'}"
    )
    print(f"  Python loop over runs: {loop * 1e3:8.1f} ms{scaled}")
    print(
        f"  speed-up             : {speedup:8.0f} ×"
        f"   target ≥ 50 ×     {'met' if ok_speed else 'MISSED'}"
    )
    return ok_time and ok_speed


def rate_map_latency() -> bool:
    from helpers.explorers.momentum import RateMapExplorer

    explorer = RateMapExplorer()
    kappas = np.geomspace(1, 1000, 25)

    def change(slider, value):
        slider.value = value
        if explorer.message:
            raise RuntimeError(explorer.message)

    recompute = []
    for kappa in kappas:
        explorer.kappa.value = kappa
        recompute.append(timed(explorer.recompute_map, repeats=1)[0])
    whole = [timed(lambda k=k: change(explorer.kappa, k), repeats=1)[0] for k in kappas[::-1]]
    lr_moves = [
        timed(lambda v=v: change(explorer.lr, v), repeats=1)[0] for v in np.linspace(0.1, 3.9, 40)
    ]
    medians = [statistics.median(x) for x in (recompute, whole, lr_moves)]
    targets = (0.1, 0.1, 0.05)
    ok = [m <= target for m, target in zip(medians, targets, strict=True)]
    grid = f"{explorer.lrs.size} × {explorer.betas.size}"
    print(f"Momentum rate map, {grid} grid of (η, β) (RateMapExplorer):")
    labels = ("map recompute for a new κ", "whole figure, new κ", "whole figure, new η")
    for label, median, target, good, n in zip(
        labels, medians, targets, ok, (len(recompute), len(whole), len(lr_moves)), strict=True
    ):
        print(
            f"  {label:25s}: {median * 1e3:8.1f} ms  (median of {n})"
            f"   target ≤ {target * 1e3:>3.0f} ms  {'met' if good else 'MISSED'}"
        )
    return all(ok)


def schedule_explorer_latency() -> bool:
    from helpers.explorers.schedules import ScheduleExplorer

    explorer = ScheduleExplorer()
    moves = []
    for lr in np.geomspace(0.01, 0.7, 31):
        start = time.perf_counter()
        explorer.lr.value = lr
        moves.append(time.perf_counter() - start)
        if explorer.message:
            raise RuntimeError(explorer.message)
    median = statistics.median(moves)
    ok = median <= 0.05
    print("Schedule explorer (ScheduleExplorer), one learning-rate change:")
    print(
        f"  run + render PNG     : {median * 1e3:8.1f} ms  (median of {len(moves)})"
        f"   target ≤ 50 ms    {'met' if ok else 'MISSED'}"
    )
    return ok


def density_latency() -> bool:
    import io
    import os

    from PIL import Image

    from helpers.engine import encode_png

    def explorer_at(density):
        os.environ["COURSE_DENSITY"] = str(density)
        try:
            return ContourExplorer(
                Quadratic(condition_number=10, angle=20),
                lambda lr: {"GD": SGD(lr=lr)},
                lr=lr_slider(0.05),
            )
        finally:
            os.environ.pop("COURSE_DENSITY")

    medians = {}
    for density in (1, 2):
        explorer = explorer_at(density)
        slider = explorer.named_controls["lr"]
        updates, encodes = [], []
        for value in np.geomspace(0.01, 1.9, 40):
            start = time.perf_counter()
            slider.value = value
            updates.append(time.perf_counter() - start)
            rgba = np.asarray(explorer.canvas.buffer_rgba())
            encodes.append(timed(lambda rgba=rgba: encode_png(rgba), repeats=1)[0])
        medians[density] = (statistics.median(updates), statistics.median(encodes))
        if density == 2:
            rgba = np.asarray(explorer.canvas.buffer_rgba()).copy()

    def pillow():
        buffer = io.BytesIO()
        Image.fromarray(rgba).save(buffer, "png", compress_level=1)
        return buffer.getvalue()

    pillow_time, pillow_png = timed(pillow, repeats=15)
    ours_time, ours_png = timed(lambda: encode_png(rgba), repeats=15)
    same = np.array_equal(np.asarray(Image.open(io.BytesIO(ours_png))), rgba)
    ok = medians[2][0] <= 0.025 and same
    height, width = rgba.shape[:2]
    print("Pixel density (standard 2-D explorer, one learning-rate change):")
    for density, (update, encode) in medians.items():
        mark = (
            f"   target ≤ 25 ms    {'met' if update <= 0.025 else 'MISSED'}" if density == 2 else ""
        )
        print(
            f"  at {density}× : update {update * 1e3:6.1f} ms, of which PNG {encode * 1e3:5.1f} ms"
            f"{mark}"
        )
    print(f"  PNG of the {width} × {height} picture (median of 15):")
    print(
        f"    Pillow, compress_level=1 : {pillow_time * 1e3:6.1f} ms"
        f"  {len(pillow_png) / 1e3:5.0f} kB"
    )
    print(
        f"    engine (ISA-L deflate)   : {ours_time * 1e3:6.1f} ms  {len(ours_png) / 1e3:5.0f} kB"
        f"   lossless: {'yes' if same else 'NO'}"
    )
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--loop-runs",
        type=int,
        default=RUNS,
        help="time the Python loop on only this many runs and scale up (default: all)",
    )
    args = parser.parse_args(argv)
    results = [
        explorer_latency(),
        adam_runs(min(max(args.loop_runs, 1), RUNS)),
        rate_map_latency(),
        schedule_explorer_latency(),
        density_latency(),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
