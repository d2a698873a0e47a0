r"""Adafactor (Shazeer & Stern 2018), as ``torch.optim.Adafactor``: Adam's second moment for a
matrix kept as one number per row and one per column.

**Shapes.** θ of one dimension (shape ``(d,)``) is a single vector, with a full v as Adam's. θ
with two or more dimensions is ``(..., m, n)``: one m × n matrix per run, runs in the leading
axes (as ``helpers.optimizers.matrix``), and v is factored over the last two axes. The step
size and the update clipping use each matrix's own RMS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import INF, check_lr, check_range, hyperparameters
from .matrix import MatrixOptimizer, per_matrix

__all__ = ["Adafactor"]


class AdafactorState(NamedTuple):
    step: int
    row_var: np.ndarray | None  # R_t, (..., m, 1): moving average of each row's mean g²
    col_var: np.ndarray | None  # C_t, (..., 1, n): moving average of each column's mean g²
    variance: np.ndarray | None  # v_t for a vector θ (not factored)
    v_hat: np.ndarray  # the second-moment estimate used by the last step (R C / mean R)


def _rms(a, axes):
    return np.sqrt(np.mean(a * a, axis=axes, keepdims=True))


@hyperparameters
class Adafactor(MatrixOptimizer):
    r"""Adafactor, as ``torch.optim.Adafactor``.

    .. math::
        \hat\beta_{2,t} &= 1 - t^{c} \qquad (c = \text{beta2\_decay} = -0.8) \\
        R_t &= \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t})\, \mathrm{mean}_{cols}(G_t^2), \qquad
        C_t = \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t})\, \mathrm{mean}_{rows}(G_t^2) \\
        \hat V_t &= R_t C_t / \mathrm{mean}(R_t) \qquad \text{(rank one: } m + n
            \text{ numbers instead of } m n) \\
        U_t &= G_t / \sqrt{\max(\hat V_t, \epsilon_1^2)}, \qquad
        \alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\eta, 1/\sqrt t) \\
        \theta_t &= (1-\eta\lambda)\,\theta_{t-1} - \alpha_t\, U_t / \max(1, \mathrm{RMS}(U_t)/d)

    A vector keeps the full v_t (R_t and C_t are not used). There is no first moment (β₁ = 0):
    with m dropped and v factored, the optimizer's memory is m + n numbers per m × n matrix
    instead of Adam's 2mn. η is a relative step: the step is a fraction of the weights' own
    RMS, and ``d`` clips updates whose RMS exceeds it. ε₁ = None means the float64 machine
    epsilon, as torch takes its dtype's.
    """

    lr: float | Callable = 1e-2
    beta2_decay: float = -0.8
    eps: tuple[float | None, float] = (None, 1e-3)
    d: float = 1.0
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("beta2_decay", self.beta2_decay, -INF, 0)
        if len(self.eps) != 2:
            raise ValueError(f"eps={self.eps} must be a pair (eps1 or None, eps2)")
        if self.eps[0] is not None:
            check_range("eps[0]", self.eps[0], 0, INF)
        check_range("eps[1]", self.eps[1], 0, INF)
        check_range("d", self.d, 1, INF)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def _check_theta(self, theta):
        if np.ndim(theta) == 1:
            for name, value in self._hyperparameters():
                if np.ndim(value) and not isinstance(value, tuple):
                    raise ValueError(f"{name} must be a single number for a vector theta")
            return
        super()._check_theta(theta)

    def init(self, theta):
        self._check_theta(theta)
        theta = np.asarray(theta, dtype=float)
        if theta.ndim == 1:
            return AdafactorState(0, None, None, np.zeros_like(theta), np.zeros_like(theta))
        row = np.zeros((*theta.shape[:-1], 1))
        col = np.zeros((*theta.shape[:-2], 1, theta.shape[-1]))
        return AdafactorState(0, row, col, None, np.zeros_like(theta))

    def step(self, theta, grad, state):
        t = state.step + 1
        vector = np.ndim(theta) == 1
        axes = (-1,) if vector else (-2, -1)
        lr = self._lr(t, theta)
        eps1 = np.finfo(float).eps if self.eps[0] is None else self.eps[0]
        eps2 = per_matrix(self.eps[1])
        new = t ** per_matrix(self.beta2_decay)  # 1 − β̂₂,t: the weight of the new statistic
        rho = np.minimum(lr, 1 / t**0.5)
        alpha = np.maximum(eps2, _rms(theta, axes)) * rho
        if np.any(self.weight_decay):
            theta = theta * (1 - lr * per_matrix(self.weight_decay))
        row_var = col_var = variance = None
        if vector:
            variance = state.variance + new * (grad * grad - state.variance)
            v_hat = variance
        else:
            row_var = state.row_var + new * (
                np.mean(grad * grad, -1, keepdims=True) - state.row_var
            )
            col_var = state.col_var + new * (
                np.mean(grad * grad, -2, keepdims=True) - state.col_var
            )
            v_hat = row_var @ col_var / np.maximum(np.mean(row_var, -2, keepdims=True), eps1)
        update = grad / np.sqrt(np.maximum(v_hat, eps1 * eps1))
        clip = np.maximum(1.0, _rms(update, axes) / per_matrix(self.d))
        theta = theta - alpha / clip * update
        return theta, AdafactorState(t, row_var, col_var, variance, v_hat)
