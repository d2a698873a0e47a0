"""Speed figures, printed (run with `make bench`).

1. 10,000 start points × 200 Adam steps on a 2-D quadratic in one vectorised call of
   helpers.run, against a Python loop over the runs (the same optimizer, one run at a time).
   Targets: the vectorised call ≤ 0.3 s, and ≥ 50× faster than the loop.

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

from helpers import Adam, Quadratic, run

RUNS, STEPS = 10_000, 200


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--loop-runs",
        type=int,
        default=RUNS,
        help="time the Python loop on only this many runs and scale up (default: all)",
    )
    args = parser.parse_args(argv)
    ok = adam_runs(min(max(args.loop_runs, 1), RUNS))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
