"""Lion (Chen et al. 2023, "Symbolic discovery of optimization algorithms"): the sign of a
momentum, so every coordinate moves by exactly ±η. Matches ``lion-pytorch`` (its reference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import INF, Optimizer, check_lr, check_range, hyperparameters, per_run

__all__ = ["Lion"]


class LionState(NamedTuple):
    step: int
    m: np.ndarray  # the momentum m_t (lion-pytorch's exp_avg), averaged with β₂
    update: np.ndarray  # sign(c_t) of the last step: every entry −1, 0 or +1


@hyperparameters
class Lion(Optimizer):
    r"""Lion, as ``lion_pytorch.Lion``.

    .. math::
        c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        \theta_t &= (1 - \eta\lambda)\,\theta_{t-1} - \eta\,\operatorname{sign}(c_t) \\
        m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t

    Two betas: the step's direction mixes in the fresh gradient with β₁ = 0.9, while the
    memory kept for later is averaged more slowly, β₂ = 0.99. Because sign(c) has norm √d
    whatever the gradient's size, η must be 3–10× smaller than AdamW's, and then λ 3–10×
    larger to keep the same decay ηλ (the paper's advice).
    With ``decoupled_weight_decay=True`` (a lion-pytorch option) the shrink is
    (1 − λ η_t/η_1): λ is a decay per step, independent of the size of η.
    """

    lr: float | Callable = 1e-4
    betas: tuple[float, float] = (0.9, 0.99)
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False

    def __post_init__(self):
        check_lr(self.lr)
        if len(self.betas) != 2:
            raise ValueError(f"betas={self.betas} must be a pair (beta1, beta2)")
        check_range("betas[0]", self.betas[0], 0, 1)
        check_range("betas[1]", self.betas[1], 0, 1)
        check_range("weight_decay", self.weight_decay, 0, INF)
        if self.decoupled_weight_decay and not callable(self.lr):
            check_range("lr (decoupled_weight_decay=True)", self.lr, 0, INF, low_open=True)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return LionState(0, zeros, zeros)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        lr = self._lr(t, theta)
        decay = per_run(self.weight_decay)
        if self.decoupled_weight_decay:
            decay = decay / self._lr(1, theta)
        theta = theta * (1 - lr * decay)
        update = np.sign(beta1 * state.m + (1 - beta1) * grad)
        theta = theta - lr * update
        m = beta2 * state.m + (1 - beta2) * grad
        return theta, LionState(t, m, update)
