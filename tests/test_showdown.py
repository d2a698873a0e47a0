"""The fair protocol of notebook 08: log sweeps, the forgiving width, races."""

import numpy as np

from helpers import Rosenbrock, Saddle
from helpers.showdown import OPTIMIZERS, forgiving_width, race, sweep


def test_forgiving_width_walks_outwards_from_the_best():
    lrs = np.geomspace(1e-4, 1, 9)  # half a decade apart
    gaps = np.array([9, 5, 0.9, 0.2, 0.1, 0.5, 3, 0.5, np.inf])
    assert np.isclose(forgiving_width(lrs, gaps), 1.5)  # indices 2..5; the lucky 7 is cut off
    assert forgiving_width(lrs, np.array([1, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3])) == 0


def test_sweep_is_one_call_and_agrees_with_single_runs():
    objective = Rosenbrock()
    lrs = np.geomspace(1e-4, 1e-2, 5)
    s = sweep(OPTIMIZERS["momentum"], objective, lrs, steps=100)
    assert s.result.path.shape == (101, 5, 2)
    for lr, gap in zip(lrs, s.gaps, strict=True):
        single = race({"momentum": lr}, objective, 100)["momentum"]
        expected = single.losses[-1] - objective.min_value
        assert np.isclose(gap, expected) or (np.isinf(gap) and single.diverged_at >= 0)
    assert s.best_gap == s.gaps.min() and s.best_lr == lrs[np.argmin(s.gaps)]


def test_diverged_runs_count_as_infinite():
    s = sweep(OPTIMIZERS["GD"], Saddle(), np.array([0.1, 5.0]), steps=50)
    assert np.isfinite(s.gaps[0]) and np.isinf(s.gaps[1])
    assert s.best_lr == 0.1
