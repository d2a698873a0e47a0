r"""Schedule-free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky 2024, "The
road less scheduled"), as the ``schedulefree`` package (the authors' reference) computes them.

Three sequences instead of one::

    z   the "base" iterate, moved by plain SGD (or Adam-normalised) steps with a constant η;
    x   the running weighted average of all z so far: the weights to EVALUATE (eval mode);
    y   = (1 − β) z + β x, between them: where the gradient is taken (train mode).

``theta`` is y (where ``step`` wants the next gradient), as ``schedulefree`` keeps it in the
parameters during training; ``state.x`` is what ``optimizer.eval()`` would put there. No
schedule and no stopping time T are needed: averaging does what a decaying schedule does, and
the average is ready to use at any step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import INF, Optimizer, check_lr, check_range, hyperparameters, per_run

__all__ = ["SGDScheduleFree", "AdamWScheduleFree"]


class ScheduleFreeState(NamedTuple):
    step: int
    z: np.ndarray  # the base sequence z_t
    x: np.ndarray  # the average x_t: evaluate here
    v: np.ndarray | None  # moving average of g² (AdamW only; schedulefree's exp_avg_sq)
    weight_sum: np.ndarray | float  # Σ_s w_s, the averaging weights so far
    lr_max: np.ndarray | float  # the largest η used so far (weights grow with it in warm-up)


def _check_common(opt):
    check_lr(opt.lr)
    check_range("weight_decay", opt.weight_decay, 0, INF)
    if not (isinstance(opt.warmup_steps, int | np.integer) and opt.warmup_steps >= 0):
        raise ValueError(
            f"warmup_steps={opt.warmup_steps} is outside its valid range: an integer in [0, inf)"
        )
    check_range("r", opt.r, 0, INF)
    check_range("weight_lr_power", opt.weight_lr_power, 0, INF)


def _averaging(opt, t: int, theta, state):
    r"""η_t (with the linear warm-up) and c_t = w_t / Σ_{s≤t} w_s, w_t = t^r · (max_{s≤t} η_s)^p."""
    lr = opt._lr(t, theta)
    if t <= opt.warmup_steps:
        lr = lr * t / opt.warmup_steps
    lr_max = np.maximum(lr, state.lr_max)
    weight = t ** per_run(opt.r) * lr_max ** per_run(opt.weight_lr_power)
    weight_sum = state.weight_sum + weight
    c = np.divide(weight, weight_sum, out=np.zeros_like(weight_sum * 1.0), where=weight_sum != 0)
    return lr, lr_max, weight_sum, c


def _advance(theta, z, x, step, lr, c, beta):
    """y, z and x after one step along ``step`` (torch's in-place y update, then the average)."""
    y = theta + c * (z - theta)  # lerp(y, z, c)
    y = y + lr * (beta * (1 - c) - 1) * step
    z = z - lr * step
    x = x + c * (z - x)  # x_t = (1 − c_t) x_{t−1} + c_t z_t
    return y, z, x


# --------------------------------------------------------------------------------------------
@hyperparameters
class SGDScheduleFree(Optimizer):
    r"""Schedule-free SGD, as ``schedulefree.SGDScheduleFree``.

    .. math::
        y_t &= (1-\beta)\, z_t + \beta\, x_t \qquad\text{(the gradient is taken here)} \\
        z_{t+1} &= z_t - \eta_t\, (\nabla f(y_t) + \lambda y_t) \\
        x_{t+1} &= (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1}, \qquad
        c_{t+1} = \frac{w_{t+1}}{\sum_{s\le t+1} w_s}, \quad w_t = t^r\,(\max_{s\le t}\eta_s)^p

    β = ``momentum``, p = ``weight_lr_power``. With r = 0 and a constant η, c_t = 1/t: x is the
    plain average of all z. β interpolates between that average (β → 1, Polyak averaging)
    and the last z (β = 0): the "momentum" of schedule-free methods.
    """

    lr: float | Callable = 1.0
    momentum: float = 0.9
    weight_decay: float = 0.0
    warmup_steps: int = 0
    r: float = 0.0
    weight_lr_power: float = 2.0

    def __post_init__(self):
        _check_common(self)
        check_range("momentum", self.momentum, 0, 1, low_open=True, high_open=True)

    def init(self, theta):
        self._check_theta(theta)
        theta = np.array(theta, dtype=float)
        return ScheduleFreeState(0, theta.copy(), theta.copy(), None, 0.0, -1.0)

    def step(self, theta, grad, state):
        t = state.step + 1
        lr, lr_max, weight_sum, c = _averaging(self, t, theta, state)
        g = grad + per_run(self.weight_decay) * theta if np.any(self.weight_decay) else grad
        y, z, x = _advance(theta, state.z, state.x, g, lr, c, per_run(self.momentum))
        return y, ScheduleFreeState(t, z, x, None, weight_sum, lr_max)


@hyperparameters
class AdamWScheduleFree(Optimizer):
    r"""Schedule-free AdamW, as ``schedulefree.AdamWScheduleFree``: the same three sequences,
    with the step normalised as Adam's (no first moment: the averaging replaces it).

    .. math::
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \qquad
        s_t = \frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon} + \lambda\, y_t \\
        z_{t+1} &= z_t - \eta_t\, s_t, \qquad
        x_{t+1} = (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1}, \qquad
        y_{t+1} = (1-\beta_1)\, z_{t+1} + \beta_1\, x_{t+1}

    Weight decay is applied at y, after the normalisation, as the reference does.
    """

    lr: float | Callable = 2.5e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    warmup_steps: int = 0
    r: float = 0.0
    weight_lr_power: float = 2.0

    def __post_init__(self):
        _check_common(self)
        if len(self.betas) != 2:
            raise ValueError(f"betas={self.betas} must be a pair (beta1, beta2)")
        # β₁ = 0 would make y = z, and the reference's eval() divides by β₁
        check_range("betas[0]", self.betas[0], 0, 1, low_open=True, high_open=True)
        check_range("betas[1]", self.betas[1], 0, 1, high_open=True)
        check_range("eps", self.eps, 0, INF, low_open=True)

    def init(self, theta):
        self._check_theta(theta)
        theta = np.array(theta, dtype=float)
        zeros = np.zeros_like(theta)
        return ScheduleFreeState(0, theta.copy(), theta.copy(), zeros, 0.0, -1.0)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        lr, lr_max, weight_sum, c = _averaging(self, t, theta, state)
        v = beta2 * state.v + (1 - beta2) * grad * grad
        s = grad / (np.sqrt(v / (1 - beta2**t)) + per_run(self.eps))
        if np.any(self.weight_decay):
            s = s + per_run(self.weight_decay) * theta
        y, z, x = _advance(theta, state.z, state.x, s, lr, c, beta1)
        return y, ScheduleFreeState(t, z, x, v, weight_sum, lr_max)
