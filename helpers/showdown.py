r"""Choosing η fairly: log sweeps, tuning and races.

Comparing optimizers is only fair when each one gets its own best learning rate under the same
budget (Schmidt, Schneider & Hennig 2021). The protocol of notebook 08:

* ``sweep``: one optimizer, 40 learning rates on a log grid, all in ONE ``helpers.run`` call
  (``SGD(lr=np.array([...]))`` runs them side by side), the final f − f_min of each;
* ``forgiving_width``: how many decades of η give a final loss within 10× of the best one;
* ``race``: every optimizer at its tuned η from the same start;
* ``TORCH_OPTIMIZERS``: the same seven methods in ``torch.optim`` for the network.

The learning-rate range test, which tunes η for a network in one short run, is in
``helpers.schedules``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch

from .objectives import Objective
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from .runner import RunResult, run

__all__ = [
    "OPTIMIZERS",
    "TORCH_OPTIMIZERS",
    "Sweep",
    "sweep",
    "forgiving_width",
    "race",
    "best_at",
    "GRIDS",
    "grids",
    "starts",
    "Tuning",
    "tune",
    "beats",
    "leaders",
    "ranking",
    "test_error",
    "tune_networks",
]

# The seven contenders, each a function of η, with the Keras-style settings a Chinese blog post on
# epochs and batch sizes quotes (notebook 05 cites it): momentum 0.9, Adam β = (0.9, 0.999);
# RMSprop keeps PyTorch's default α = 0.99 (the post quotes Keras's ρ = 0.9).
OPTIMIZERS: dict[str, Callable] = {
    "GD": lambda lr: SGD(lr=lr),
    "momentum": lambda lr: SGD(lr=lr, momentum=0.9),
    "Nesterov": lambda lr: SGD(lr=lr, momentum=0.9, nesterov=True),
    "AdaGrad": lambda lr: Adagrad(lr=lr),
    "RMSProp": lambda lr: RMSprop(lr=lr),
    "Adam": lambda lr: Adam(lr=lr),
    "AdamW": lambda lr: AdamW(lr=lr),  # weight_decay = 0.01, PyTorch's default
}

# The same methods in torch.optim, with the same settings (tests/test_optimizers_parity.py
# shows each numpy optimizer takes the same steps as its torch twin).
TORCH_OPTIMIZERS: dict[str, Callable] = {
    "GD": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "Nesterov": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
    "AdaGrad": lambda params, lr: torch.optim.Adagrad(params, lr=lr),
    "RMSProp": lambda params, lr: torch.optim.RMSprop(params, lr=lr),
    "Adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
    "AdamW": lambda params, lr: torch.optim.AdamW(params, lr=lr),
}

FLOOR = 1e-16  # a final gap below this counts as 1e-16, so that it stays on a log axis


class Sweep(NamedTuple):
    """One optimizer's log sweep: ``gaps[i]`` is the final f − f_min at ``lrs[i]`` (inf if the
    run diverged); ``best_lr`` and ``best_gap`` the winner; ``width`` in decades (see
    ``forgiving_width``); ``result`` the ``RunResult`` (runs side by side; path and losses, no
    optimizer states)."""

    lrs: np.ndarray
    gaps: np.ndarray
    best_lr: float
    best_gap: float
    width: float
    result: RunResult


def forgiving_width(lrs, gaps, factor: float = 10.0) -> float:
    r"""The width, in decades, of the η interval around the best η where every final loss gap is
    within ``factor`` of the best: log₁₀(η_high / η_low). 0 means only the best grid point
    qualifies; 1 means a whole factor of 10 in η is as good, to within ``factor``."""
    lrs, gaps = np.asarray(lrs, dtype=float), np.asarray(gaps, dtype=float)
    best = int(np.argmin(gaps))
    good = gaps <= factor * gaps[best]
    low = high = best
    while low > 0 and good[low - 1]:  # grow the interval outwards while the runs stay good
        low -= 1
    while high < len(lrs) - 1 and good[high + 1]:
        high += 1
    return float(np.log10(lrs[high] / lrs[low]))


def sweep(make_optimizer: Callable, objective: Objective, lrs, steps: int, x0=None) -> Sweep:
    """Run ``make_optimizer(lrs)`` (one run per η) for ``steps`` steps from ``x0``, in one call."""
    lrs = np.asarray(lrs, dtype=float)
    start = objective.x0 if x0 is None else np.asarray(x0, dtype=float)
    # the path and the losses only: nothing reads a sweep's optimizer states, and for Adam they
    # are 4 arrays the size of the path (RaceExplorer keeps 28 sweeps of 401 steps × 40 η)
    result = run(
        make_optimizer(lrs), objective, np.tile(start, (lrs.size, 1)), steps, record_states=False
    )
    gaps = np.maximum(result.losses[-1] - objective.min_value, FLOOR)
    gaps = np.where(result.diverged, np.inf, gaps)
    best = int(np.argmin(gaps))
    return Sweep(lrs, gaps, float(lrs[best]), float(gaps[best]), forgiving_width(lrs, gaps), result)


def race(
    tuned_lrs: dict[str, float], objective: Objective, steps: int, x0=None
) -> dict[str, RunResult]:
    """Every optimizer at its own tuned η, from the same start, for the same number of steps."""
    start = objective.x0 if x0 is None else np.asarray(x0, dtype=float)
    return {
        name: run(OPTIMIZERS[name](lr), objective, start, steps) for name, lr in tuned_lrs.items()
    }


def best_at(s: Sweep, steps: int) -> int:
    """The index of the η that a sweep run for at least ``steps`` steps would pick for a budget
    of ``steps``: the lowest f − f_min after that many steps (a run diverged by then counts as
    inf). One long sweep thus tunes η for every shorter budget at once."""
    gaps = s.result.losses[steps]
    return int(np.argmin(np.where(np.isfinite(gaps), gaps, np.inf)))


# -- the learning-rate range test (notebook 07) ------------------------------------------------
# -- the protocol over several seeds (notebook 08) ---------------------------------------------
r"""A single start and a single grid crown winners by accident: the best η of a method is
often the last one before it diverges, so a grid shifted a little changes who wins. The
protocol below follows the benchmark literature (Schmidt et al. 2021; Choi et al. 2019; the
AlgoPerf rules, Dahl et al. 2023):

* ``starts``: several seeds, each a start drawn around the function's usual one; a learning
  rate is scored by the mean over seeds of log₁₀(f − f_min) (``Tuning.score``), and one that
  diverges from any start scores +inf: an η that only works from some starts is not safe;
* ``tune``: the whole grid × seeds in one ``helpers.run`` call, and the grid widened (in
  decades, same spacing) while the best η sits on its first or last point;
* ``grids``: the grid, the same grid shifted by half a step, and the finer grid (both
  together); ``Tuning.on`` reads any of them from the one sweep;
* ``beats`` and ``leaders``: one method beats another only when every seed of the one ends
  lower than every seed of the other (their seed ranges do not overlap); the leaders are the
  methods nobody beats, a tie when there is more than one.
"""

GRIDS = ("grid", "shifted", "finer")


def grids(low: float, high: float, per_decade: int) -> np.ndarray:
    r"""The finer grid: ``2 · per_decade`` points per decade from ``low`` to ``high``. Its even
    points are the grid, its odd ones the grid shifted by half a step (``Tuning.on``)."""
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"low={low}, high={high}: need 0 < low < high < inf")
    if not (isinstance(per_decade, int) and per_decade >= 1):
        raise ValueError(f"per_decade={per_decade} is outside its valid range: an integer ≥ 1")
    points = int(round(2 * per_decade * math.log10(high / low))) + 1
    return np.geomspace(low, high, points)


def starts(objective: Objective, seeds: int, spread: float = 0.02, seed: int = 0) -> np.ndarray:
    r"""``seeds`` starts, shape (seeds, d): the objective's default start plus Gaussian noise
    of ``spread`` × the width of its plot box in each coordinate (2 %: a nudge, not a new
    problem). Seed 0 is the default start itself."""
    if not (isinstance(seeds, int) and seeds >= 1):
        raise ValueError(f"seeds={seeds} is outside its valid range: an integer ≥ 1")
    if not (math.isfinite(spread) and spread >= 0):
        raise ValueError(f"spread={spread} is outside its valid range [0, inf)")
    width = objective.bounds[:, 1] - objective.bounds[:, 0]
    noise = np.random.default_rng(seed).standard_normal((seeds, objective.x0.size))
    noise[0] = 0.0
    return objective.x0 + spread * width * noise


class Tuning(NamedTuple):
    """One optimizer on one function: every η of a (finer) grid from every start.

    ``gaps[i, s]``: f − f_min after the budget at ``lrs[i]`` from start s (inf if the run
    diverged, at least ``FLOOR``); ``losses[t, i, s]`` the loss gap after t steps (NaN once
    diverged); ``widened``: how many decades were added to the grid because the best η was on
    an edge. ``on(name)`` restricts it to one of ``GRIDS``.
    """

    lrs: np.ndarray
    gaps: np.ndarray
    losses: np.ndarray
    widened: int
    test_accuracy: np.ndarray | None = None  # (η, seed), networks only (``tune_networks``)
    weights: np.ndarray | None = None  # (η, seed, P) final flat weights, networks only

    @property
    def score(self) -> np.ndarray:
        """Mean over seeds of log₁₀(gap), one per η: +inf if any seed diverged."""
        return np.log10(self.gaps).mean(axis=1)

    @property
    def best(self) -> int:
        return int(np.argmin(self.score))

    @property
    def best_lr(self) -> float:
        return float(self.lrs[self.best])

    @property
    def best_gaps(self) -> np.ndarray:
        """The gap of every seed at the best η."""
        return self.gaps[self.best]

    @property
    def on_edge(self) -> bool:
        """Is the best η the first or the last point of the grid (so a wider grid might do
        better)?"""
        return self.best in (0, len(self.lrs) - 1)

    def on(self, grid: str) -> Tuning:
        """The same sweep read on one of ``GRIDS``: "grid" (every other point, starting with
        the first), "shifted" (the points in between) or "finer" (all)."""
        if grid not in GRIDS:
            raise ValueError(f"grid={grid!r} is not one of {GRIDS}")
        pick = {"grid": slice(0, None, 2), "shifted": slice(1, None, 2), "finer": slice(None)}
        k = pick[grid]
        accuracy = None if self.test_accuracy is None else self.test_accuracy[k]
        weights = None if self.weights is None else self.weights[k]
        return Tuning(self.lrs[k], self.gaps[k], self.losses[:, k], self.widened, accuracy, weights)


def _gaps(make_optimizer, objective, lrs, steps, x0s):
    """One ``run`` call for every (η, start): losses (steps + 1, η, start), final gaps."""
    n, seeds = len(lrs), len(x0s)
    result = run(
        make_optimizer(np.repeat(lrs, seeds)),
        objective,
        np.tile(x0s, (n, 1)),
        steps,
        record_states=False,
    )
    losses = (result.losses - objective.min_value).reshape(steps + 1, n, seeds)
    gaps = np.where(result.diverged.reshape(n, seeds), np.inf, np.maximum(losses[-1], FLOOR))
    return losses, gaps


def tune(
    make_optimizer: Callable,
    objective: Objective,
    lrs,
    steps: int,
    x0s,
    *,
    max_widen: int = 4,
) -> Tuning:
    r"""Sweep ``lrs`` (a ``grids`` grid) × the starts ``x0s`` in one ``helpers.run`` call; while
    the best η is on the grid's first or last point, add a decade of points (same spacing) on
    that side, up to ``max_widen`` times (a ValueError if the best is still on the edge)."""
    lrs = np.asarray(lrs, dtype=float)
    x0s = np.atleast_2d(np.asarray(x0s, dtype=float))
    if lrs.ndim != 1 or lrs.size < 3 or np.any(np.diff(np.log(lrs)) <= 0):
        raise ValueError(f"lrs={lrs!r}: need an increasing 1-D grid of at least 3 values")
    losses, gaps = _gaps(make_optimizer, objective, lrs, steps, x0s)
    tuning = Tuning(lrs, gaps, losses, 0)
    ratio = lrs[1] / lrs[0]
    per_decade = max(1, int(round(math.log(10) / math.log(ratio))))
    while tuning.on_edge:
        if tuning.widened == max_widen:
            raise ValueError(
                f"the best η = {tuning.best_lr:.3g} is still on the edge of the grid "
                f"[{tuning.lrs[0]:.3g}, {tuning.lrs[-1]:.3g}] after widening it by "
                f"{max_widen} decades: give a grid that reaches further"
            )
        if tuning.best == 0:
            new = tuning.lrs[0] * ratio ** -np.arange(per_decade, 0, -1)
        else:
            new = tuning.lrs[-1] * ratio ** np.arange(1, per_decade + 1)
        more_losses, more_gaps = _gaps(make_optimizer, objective, new, steps, x0s)
        side = [(more_losses, more_gaps), (tuning.losses, tuning.gaps)]
        if tuning.best != 0:
            side.reverse()
        tuning = Tuning(
            np.sort(np.concatenate([new, tuning.lrs])),
            np.concatenate([side[0][1], side[1][1]]),
            np.concatenate([side[0][0], side[1][0]], axis=1),
            tuning.widened + 1,
        )
    return tuning


def beats(a, b) -> bool:
    """Does a method with the per-seed gaps ``a`` beat one with ``b``? Only if every seed of
    ``a`` ends lower than every seed of ``b``: a difference inside the seed-to-seed spread is
    a tie, not a win."""
    return bool(np.max(a) < np.min(b))


def test_error(t: Tuning) -> np.ndarray:
    """The held-out error rate of every seed at the η tuned on the training loss."""
    return 1 - t.test_accuracy[t.best]


def leaders(tunings: dict[str, Tuning], metric: Callable | None = None) -> list[str]:
    """The methods that no other method beats (each at its own best η), best mean first: one
    name is a clear winner, several are a tie. ``metric(tuning)`` gives the per-seed values
    to compare, lower is better (default: the gaps at the best η; ``test_error`` for the
    held-out error of a network)."""
    metric = metric or (lambda t: t.best_gaps)
    values = {name: metric(t) for name, t in tunings.items()}
    top = [n for n in values if not any(beats(values[m], values[n]) for m in values if m != n)]
    return sorted(top, key=lambda n: float(np.mean(np.log10(np.maximum(values[n], FLOOR)))))


def ranking(tunings: dict[str, Tuning], metric: Callable | None = None) -> list[list[str]]:
    """Every method in tiers: the ``leaders``, then the leaders of the rest, and so on."""
    rest, tiers = dict(tunings), []
    while rest:
        tiers.append(leaders(rest, metric))
        rest = {n: t for n, t in rest.items() if n not in tiers[-1]}
    return tiers


# -- the same protocol on a network (notebook 08) -----------------------------------------------
def tune_networks(
    windows: dict[str, tuple[float, float]],
    x,
    y,
    x_test,
    y_test,
    *,
    seeds: int = 3,
    epochs: int = 50,
    per_decade: int = 2,
    batch_size: int = 32,
    max_widen: int = 3,
    progress: bool = True,
) -> dict[str, Tuning]:
    r"""Each optimizer of ``windows`` (names of ``OPTIMIZERS``) trained on (x, y) at every η
    of its finer grid ``grids(low, high, per_decade)`` from ``seeds`` seeds (seed s: initial
    weights and batch order), all networks side by side in ONE ``networks.train_many`` call;
    the grids whose best η is on an edge are widened by a decade (another call) until it is
    not. ``gaps`` are the final training losses (inf if diverged), ``losses`` the per-epoch
    ones, ``test_accuracy`` on (x_test, y_test)."""
    from .networks import train_many  # torch networks: only when a network is tuned

    def train(grids_by_name: dict[str, np.ndarray]):
        optimizers = [OPTIMIZERS[n](np.repeat(g, seeds)) for n, g in grids_by_name.items()]
        runs = sum(g.size for g in grids_by_name.values()) * seeds
        seed = np.tile(np.arange(seeds), runs // seeds)
        record = train_many(
            optimizers, x, y, init_seeds=seed, order_seeds=seed, epochs=epochs,
            batch_size=batch_size, x_test=x_test, y_test=y_test, progress=progress,
            description=f"{runs} networks",
        )  # fmt: skip
        out, start = {}, 0
        for name, g in grids_by_name.items():
            k = slice(start, start + g.size * seeds)
            start = k.stop
            final = record.train_loss[k].reshape(g.size, seeds)
            out[name] = Tuning(
                g,
                np.where(np.isfinite(final), np.maximum(final, FLOOR), np.inf),
                record.losses[:, k].reshape(epochs, g.size, seeds),
                0,
                record.test_accuracy[k].reshape(g.size, seeds),
                record.theta[k].reshape(g.size, seeds, -1),
            )
        return out

    tunings = train({n: grids(lo, hi, per_decade) for n, (lo, hi) in windows.items()})
    for _ in range(max_widen):
        # the base grid is every other point of the finer one: its edges are the finer edges
        edge = {n: t for n, t in tunings.items() if t.on("grid").on_edge or t.on_edge}
        if not edge:
            break
        step = {n: t.lrs[1] / t.lrs[0] for n, t in edge.items()}
        new = {
            n: (t.lrs[0] * step[n] ** -np.arange(2 * per_decade, 0, -1))
            if t.best <= 1
            else (t.lrs[-1] * step[n] ** np.arange(1, 2 * per_decade + 1))
            for n, t in edge.items()
        }
        more = train(new)
        for n, t in edge.items():
            m, low = more[n], t.best <= 1
            a, b = (m, t) if low else (t, m)
            tunings[n] = Tuning(
                np.concatenate([a.lrs, b.lrs]),
                np.concatenate([a.gaps, b.gaps]),
                np.concatenate([a.losses, b.losses], axis=1),
                t.widened + 1,
                np.concatenate([a.test_accuracy, b.test_accuracy]),
                np.concatenate([a.weights, b.weights]),
            )
    return tunings
