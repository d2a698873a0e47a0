"""The fair protocol of notebook 08: log sweeps, the forgiving width, races."""

import numpy as np
import pytest

from helpers import SGD, Rosenbrock, Saddle, run
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


# -- the multi-seed protocol ---------------------------------------------------------------------
from helpers.showdown import (  # noqa: E402
    Tuning,
    beats,
    grids,
    leaders,
    ranking,
    starts,
    tune,
)


def test_grids_interleave_a_grid_and_its_shift():
    finer = grids(1e-3, 1, per_decade=2)
    assert finer.size == 13 and np.isclose(finer[0], 1e-3) and np.isclose(finer[-1], 1)
    t = Tuning(finer, np.ones((13, 2)), np.ones((3, 13, 2)), 0)
    np.testing.assert_allclose(t.on("grid").lrs, np.geomspace(1e-3, 1, 7))
    shifted = t.on("shifted").lrs
    np.testing.assert_allclose(shifted, np.geomspace(1e-3, 1, 7)[:-1] * 10**0.25)
    with pytest.raises(ValueError, match="grid="):
        t.on("coarse")
    with pytest.raises(ValueError, match="per_decade"):
        grids(1e-3, 1, per_decade=0)


def test_starts_nudge_the_default_start():
    objective = Rosenbrock()
    x0 = starts(objective, 5)
    assert x0.shape == (5, 2) and np.array_equal(x0[0], objective.x0)
    width = objective.bounds[:, 1] - objective.bounds[:, 0]
    assert np.all(np.abs(x0 - objective.x0) < 0.1 * width)  # a nudge: 2 % of the box
    assert not np.array_equal(starts(objective, 5, seed=1), x0)
    with pytest.raises(ValueError, match="seeds"):
        starts(objective, 0)


def test_tune_scores_every_seed_and_one_divergence_rules_an_eta_out():
    objective = Rosenbrock()
    x0 = starts(objective, 3)
    t = tune(OPTIMIZERS["GD"], objective, grids(1e-5, 1e-1, 2), 100, x0)
    assert t.gaps.shape == (t.lrs.size, 3) and t.losses.shape == (101, t.lrs.size, 3)
    for i in (0, t.best):  # each (η, start) is the run a single call would give
        for s in range(3):
            single = run(SGD(lr=t.lrs[i]), objective, x0[s], 100)
            assert np.isclose(t.gaps[i, s], max(single.losses[-1] - objective.min_value, 1e-16))
    diverged = np.isinf(t.gaps).any(axis=1)
    assert diverged.any() and np.all(np.isinf(t.score[diverged]))
    assert not t.on_edge and np.isfinite(t.score[t.best])


def test_tune_widens_the_grid_until_the_best_is_inside():
    objective = Rosenbrock()
    x0 = starts(objective, 2)
    t = tune(OPTIMIZERS["Adam"], objective, grids(1e-5, 1e-3, 2), 100, x0)  # far too small
    assert t.widened >= 1 and not t.on_edge and t.lrs[-1] > 1e-3
    assert np.all(np.diff(np.log(t.lrs)) > 0)
    np.testing.assert_allclose(np.diff(np.log10(t.lrs)), 0.25)  # the same spacing throughout
    with pytest.raises(ValueError, match="edge"):
        tune(OPTIMIZERS["Adam"], objective, grids(1e-9, 1e-8, 2), 100, x0, max_widen=1)


def test_ties_are_ties():
    assert beats([1, 2, 3], [4, 5]) and not beats([1, 2, 5], [4, 6])  # overlapping: a tie
    lrs = np.array([0.1, 1.0, 10.0])

    def tuning(best_gaps):
        gaps = np.full((3, len(best_gaps)), 1e3)
        gaps[1] = best_gaps
        return Tuning(lrs, gaps, gaps[None], 0)

    tunings = {"A": tuning([1e-3, 1e-1]), "B": tuning([1e-2, 2e-2]), "C": tuning([1, 2])}
    assert set(leaders(tunings)) == {"A", "B"}  # A's mean is lower, but inside B's range
    assert ranking(tunings) == [leaders(tunings), ["C"]]
    tunings["A"] = tuning([1e-4, 1e-3])
    assert leaders(tunings) == ["A"]
