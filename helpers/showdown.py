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
    ``forgiving_width``); ``result`` the whole ``RunResult`` (runs side by side)."""

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
    result = run(make_optimizer(lrs), objective, np.tile(start, (lrs.size, 1)), steps)
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
