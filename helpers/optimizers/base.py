"""What every optimizer shares: the interface, hyperparameter checks and per-run broadcasting."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

INF = float("inf")

# Our state field -> the key of the same buffer in torch.optim's ``optimizer.state[param]``.
TORCH_STATE_NAMES = {
    "step": "step",
    "velocity": "momentum_buffer",
    "sum_sq": "sum",
    "square_avg": "square_avg",
    "grad_avg": "grad_avg",
    "m": "exp_avg",
    "v": "exp_avg_sq",
    "v_max": "max_exp_avg_sq",
    "delta_avg": "acc_delta",
    # the optimizers of 2023-2026 (helpers.optimizers.adam_family, factored, matrix, sign,
    # schedule_free); Lion's m is lion-pytorch's exp_avg, the schedule-free z is schedulefree's
    "mu_product": "mu_product",
    "u": "exp_inf",
    "row_var": "row_var",
    "col_var": "col_var",
    "variance": "variance",
    "z": "z",
}

# Frozen hyperparameters; __repr__ and __eq__ come from Optimizer, because the generated ones
# fail on per-run arrays ("truth value of an array is ambiguous") or print thousands of numbers.
hyperparameters = dataclass(frozen=True, repr=False, eq=False)


def check_range(name: str, value, low: float, high: float, *, low_open=False, high_open=False):
    """Raise ValueError naming the parameter, the value given and the valid range."""
    v = np.asarray(value, dtype=float)
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    if not np.all(above & below):  # NaN fails both comparisons, so it is rejected too
        left = "(" if low_open else "["
        right = ")" if high_open or high == INF else "]"
        shown = value if v.ndim == 0 else f"an array containing {v[~(above & below)].flat[0]}"
        raise ValueError(
            f"{name}={shown} is outside its valid range {left}{low:g}, {high:g}{right}"
        )


def per_run(value):
    """A per-run hyperparameter array gains a trailing axis so it broadcasts over coordinates."""
    v = np.asarray(value, dtype=float)
    return v if v.ndim == 0 else v[..., None]


def plus_weight_decay(grad, theta, weight_decay):
    """L2 penalty folded into the gradient: g + λθ (skipped when λ = 0, as PyTorch does)."""
    return grad + per_run(weight_decay) * theta if np.any(weight_decay) else grad


def check_lr(lr):
    """``lr`` is a number, a per-run array or a schedule (a function of the step)."""
    if not callable(lr):
        check_range("lr", lr, 0, INF)


def check_runs(name: str, value, runs: tuple[int, ...]):
    """A per-run array must have one value per run: shape ``theta.shape[:-1]`` (or broadcast)."""
    shape = np.shape(value)
    if not shape:
        return
    try:
        fits = np.broadcast_shapes(shape, runs) == runs
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name} has shape {shape}, one value per run, but theta of shape {(*runs, '...')[:-1]}"
            f"{'' if runs else ' (a single run)'} holds runs of shape {runs}: give theta the shape "
            f"({', '.join(map(str, shape))}, d) for {int(np.prod(shape))} runs of a d-dimensional "
            f"problem, or {name} a single number"
        )


class Optimizer:
    """Common interface; see the module docstring."""

    def init(self, theta) -> NamedTuple:
        raise NotImplementedError

    def step(self, theta, grad, state) -> tuple[np.ndarray, NamedTuple]:
        raise NotImplementedError

    def _hyperparameters(self):
        """(name, value) for every hyperparameter, with ``betas`` split into its two entries."""
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "betas":
                yield "betas[0]", value[0]
                yield "betas[1]", value[1]
            else:
                yield f.name, value

    def _check_theta(self, theta):
        """Called by ``init``: per-run hyperparameters must match θ's runs (its leading axes)."""
        runs = np.shape(theta)[:-1]
        for name, value in self._hyperparameters():
            if not callable(value):
                check_runs(name, value, runs)

    def _lr(self, t: int, theta):
        """The learning rate of step t, ready to broadcast over θ's coordinates."""
        if not callable(self.lr):
            return per_run(self.lr)
        lr = self.lr(t)
        check_range(f"lr({t})", lr, 0, INF)
        check_runs(f"lr({t})", lr, np.shape(theta)[:-1])
        return per_run(lr)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        pairs = zip(self._hyperparameters(), other._hyperparameters(), strict=True)
        return all(a is b or np.array_equal(a, b) for (_, a), (_, b) in pairs)

    __hash__ = None  # hyperparameters may be arrays

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={_show(v)}' for n, v in _fields(self))})"


def _fields(opt):
    return [(f.name, getattr(opt, f.name)) for f in fields(opt)]


def _show(value) -> str:
    """A hyperparameter in a repr: numbers as they are, per-run arrays summarised."""
    if callable(value):
        return getattr(value, "__name__", None) or repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    v = np.asarray(value)
    if v.ndim == 0:
        return repr(value)
    if v.size <= 4:
        return f"array({v.tolist()})"
    return f"array(shape={v.shape}, min={v.min():g}, max={v.max():g})"
