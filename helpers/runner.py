"""Run an optimizer on an objective, keep everything the figures need, and measure the run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

__all__ = ["BOUND", "RunResult", "run", "measured_rate"]


BOUND = 1e6  # a coordinate beyond this: the run has diverged (``run``'s default)


@dataclass
class RunResult:
    """The record of one run, or of many runs side by side.

    With ``x0`` of shape ``(*runs, d)``:

    * ``path``: shape ``(steps + 1, *runs, d)``, ``x0`` first;
    * ``losses``: shape ``(steps + 1, *runs)``;
    * ``states``: the optimizer's state after every step, as the optimizer's own named tuple with
      each field stacked over steps (``states.v[t]`` is v after step t; ``states.v[0]`` is the
      initial state); fields the optimizer does not use are ``None``;
    * ``diverged_at``: shape ``runs`` (0-d for a single run): the first step at which the run
      became non-finite or left the bound, −1 if it never did. From that step on, the run's
      ``path``, ``losses`` and ``states`` are NaN.
    """

    path: np.ndarray
    losses: np.ndarray
    states: NamedTuple | None
    diverged_at: np.ndarray

    @property
    def steps(self) -> int:
        return self.path.shape[0] - 1

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def final(self) -> np.ndarray:
        """The last point of each run (NaN for a run that diverged).

        A copy, not a view: ``end = run(...).final`` would otherwise keep the whole path alive
        (03's 2301 steps of 1681 runs: 62 MB held for 27 kB of end points).
        """
        return self.path[-1].copy()


def run(
    optimizer,
    objective,
    x0,
    steps: int,
    *,
    bound: float = BOUND,
    gradient: Callable | None = None,
    lr_schedule: Callable | None = None,
    record_states: bool = True,
) -> RunResult:
    """Take ``steps`` steps of ``optimizer`` on ``objective`` from ``x0``.

    ``objective`` is anything with ``value(x)`` and ``grad(x)`` acting on the last axis;
    ``x0`` has shape ``(d,)`` for one run or ``(*runs, d)`` for many, all advanced together.
    A run counts as diverged at the first step where a coordinate or the loss is not finite
    or a coordinate's magnitude exceeds ``bound``. Overflow is expected there and is not
    reported as a numpy warning: ``diverged_at`` says it instead.

    ``gradient(x, t)``, if given, replaces ``objective.grad(x)`` at step t = 1, 2, …: a
    mini-batch estimate, for example (``helpers.minibatch.MinibatchGradient``); the recorded
    losses stay the full objective's. ``lr_schedule(t)``, if given, is the learning rate of
    step t (``helpers.schedules``): the same as giving the optimizer ``lr=lr_schedule``.

    ``record_states=False`` keeps only the path and the losses (``states`` is then ``None``):
    every state of every step of 10,000 Adam runs is ~300 MB, the path alone ~30 MB, so runs that
    no inspector draws should not pay for it.
    """
    if not (isinstance(steps, int | np.integer) and steps >= 0):
        raise ValueError(f"steps={steps} is outside its valid range: an integer in [0, inf)")
    x0 = np.array(x0, dtype=float)
    if x0.ndim == 0:
        raise ValueError("x0 must have at least one axis: the coordinates (shape (..., d))")

    if lr_schedule is not None:
        optimizer = replace(optimizer, lr=lr_schedule)
    theta, state = x0, optimizer.init(x0)
    path = np.empty((steps + 1, *x0.shape))
    losses = np.empty((steps + 1, *x0.shape[:-1]))
    states = [state]
    with np.errstate(all="ignore"):  # a diverging run overflows; it is flagged below
        path[0], losses[0] = theta, objective.value(theta)
        for t in range(1, steps + 1):
            g = objective.grad(theta) if gradient is None else gradient(theta, t)
            theta, state = optimizer.step(theta, g, state)
            path[t], losses[t] = theta, objective.value(theta)
            if record_states:
                states.append(state)

        # a few hundred steps at a time: |path| of all steps at once is a temporary as large
        # as the path (60 MB for notebook 03's 2300 steps of 1681 runs)
        bad = np.empty(losses.shape, dtype=bool)
        for first in range(0, steps + 1, 256):
            k = slice(first, first + 256)
            part = path[k]
            bad[k] = ~np.isfinite(losses[k]) | np.any(
                ~np.isfinite(part) | (np.abs(part) > bound), axis=-1
            )
    diverged_at = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    after = np.arange(steps + 1).reshape(-1, *[1] * diverged_at.ndim)
    gone = (diverged_at >= 0) & (after >= diverged_at)  # shape (steps + 1, *runs)
    path[gone] = np.nan
    losses[gone] = np.nan
    stacked = _stack_states(states, gone) if record_states else None
    return RunResult(path, losses, stacked, diverged_at)


def _stack_states(states: list[NamedTuple], gone: np.ndarray) -> NamedTuple:
    """Stack each field over steps; NaN out the diverged runs' entries."""
    fields = {}
    for name in states[0]._fields:
        first = getattr(states[0], name)
        if first is None:
            fields[name] = None
        elif np.ndim(first) == 0:  # the step counter, shared by all runs
            fields[name] = np.array([getattr(s, name) for s in states])
        else:
            stacked = np.stack([getattr(s, name) for s in states])
            stacked[gone] = np.nan  # gone indexes the leading (step, *runs) axes
            fields[name] = stacked
    return type(states[0])(**fields)


# -- measuring a run --------------------------------------------------------------------------
def measured_rate(distances, window: int = 40, floor: float = 1e-11) -> float:
    r"""The per-step contraction of a run, measured over its last ``window`` steps.

    A run with complex roots spirals, so its distance to the minimum wobbles from step to step;
    comparing the largest distances of two stretches of ``window`` steps, ``window`` steps apart,
    measures the envelope, which shrinks by exactly the rate per step. Steps below ``floor``
    times the start are left out (there the rounding of float64, not the method, decides).
    """
    d = np.asarray(distances, dtype=float)
    d = d[np.isfinite(d) & (d > floor * d[0])]
    window = min(window, d.size // 3)
    if window < 2:
        return float("nan")  # too few steps above the floor to measure anything
    late, early = d[-window:].max(), d[-2 * window : -window].max()
    return float((late / early) ** (1 / window))
