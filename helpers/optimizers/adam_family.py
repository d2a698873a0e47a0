"""Adam's relatives in torch.optim: NAdam (Nesterov inside Adam), RAdam (a rectified early v̂)
and Adamax (the infinity norm in place of v), each as torch 2.13 computes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import INF, Optimizer, check_lr, check_range, hyperparameters, per_run, plus_weight_decay

__all__ = ["NAdam", "RAdam", "Adamax"]


def _check_betas(betas):
    if len(betas) != 2:
        raise ValueError(f"betas={betas} must be a pair (beta1, beta2)")
    check_range("betas[0]", betas[0], 0, 1, high_open=True)
    check_range("betas[1]", betas[1], 0, 1, high_open=True)


def _decay(theta, grad, lr, weight_decay, decoupled: bool):
    """(θ, g) after weight decay: decoupled shrinks θ by (1 − ηλ), otherwise g gains λθ."""
    if not np.any(weight_decay):  # skipped at λ = 0, as torch does
        return theta, grad
    if decoupled:
        return theta * (1 - lr * per_run(weight_decay)), grad
    return theta, plus_weight_decay(grad, theta, weight_decay)


# --------------------------------------------------------------------------------------------
class NAdamState(NamedTuple):
    step: int
    m: np.ndarray  # moving average of g
    v: np.ndarray  # moving average of g²
    mu_product: np.ndarray | float  # ∏_{s≤t} μ_s, the momentum schedule's running product


@hyperparameters
class NAdam(Optimizer):
    r"""NAdam (Dozat 2016), as ``torch.optim.NAdam``: Adam whose step looks ahead like Nesterov's.

    .. math::
        \mu_t &= \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\,\psi}\bigr)
            \qquad (\psi = \text{momentum\_decay}) \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
            v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{(1-\mu_t)\, g_t / (1 - \prod_{s\le t}\mu_s)
            + \mu_{t+1}\, m_t / (1 - \prod_{s\le t+1}\mu_s)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}

    The numerator is Adam's m̂ with the momentum applied once more, as Nesterov momentum takes
    the step the velocity is about to take: the next μ times m, plus the fresh gradient's share.
    μ_t rises slowly from β₁/2 towards β₁ (Dozat's warming momentum). Weight decay: L2 in g, or
    with ``decoupled_weight_decay=True`` θ shrinks by (1 − ηλ) first (as AdamW).
    """

    lr: float | Callable = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False

    def __post_init__(self):
        check_lr(self.lr)
        _check_betas(self.betas)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)
        check_range("momentum_decay", self.momentum_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return NAdamState(0, zeros, zeros, 1.0)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        psi = per_run(self.momentum_decay)
        lr = self._lr(t, theta)
        theta, g = _decay(theta, grad, lr, self.weight_decay, self.decoupled_weight_decay)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = state.mu_product * mu
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - beta2**t)) + per_run(self.eps)
        theta = theta - lr * (1 - mu) / (1 - mu_product) * g / denom
        theta = theta - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        return theta, NAdamState(t, m, v, mu_product)


# --------------------------------------------------------------------------------------------
class RAdamState(NamedTuple):
    step: int
    m: np.ndarray
    v: np.ndarray
    rho: float | np.ndarray  # ρ_t, the length of the moving average's effective window
    rectified: bool | np.ndarray  # whether this step used v (ρ_t > 5) or was plain momentum SGD


@hyperparameters
class RAdam(Optimizer):
    r"""RAdam (Liu et al. 2020, "On the variance of the adaptive learning rate and beyond"), as
    ``torch.optim.RAdam``.

    .. math::
        \rho_\infty &= \frac{2}{1-\beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1-\beta_2^t} \\
        r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}
            {(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}} \\
        \theta_t &= \theta_{t-1} - \eta\, \hat m_t\, r_t\, \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}
            + \epsilon} \quad (\rho_t > 5), \qquad
        \theta_t = \theta_{t-1} - \eta\, \hat m_t \quad \text{(otherwise)}

    In the first steps v̂ averages only a handful of g², so 1/√v̂ has a huge variance: RAdam
    skips the division until the average's window ρ_t exceeds 5 (6 steps at β₂ = 0.999) and then
    scales it by r_t, which rises from about 0 towards 1: a built-in warm-up. Note where ε sits
    here (torch's choice): beside √v_t, not √v̂_t.
    """

    lr: float | Callable = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False

    def __post_init__(self):
        check_lr(self.lr)
        _check_betas(self.betas)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return RAdamState(0, zeros, zeros, 0.0, False)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        lr = self._lr(t, theta)
        theta, g = _decay(theta, grad, lr, self.weight_decay, self.decoupled_weight_decay)
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        correction2 = 1 - beta2**t
        rho_inf = 2 / (1 - beta2) - 1
        rho = rho_inf - 2 * t * beta2**t / correction2
        rectified = rho > 5.0
        safe = np.where(rectified, rho, 6.0)  # r_t is only defined (and used) for ρ_t > 4
        r = np.sqrt((safe - 4) * (safe - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe))
        adaptive = np.sqrt(correction2) / (np.sqrt(v) + per_run(self.eps))
        theta = theta - np.where(rectified, m_hat * lr * adaptive * r, m_hat * lr)
        return theta, RAdamState(t, m, v, _squeeze(rho), _squeeze(rectified))


def _squeeze(value):
    """A per-run scalar kept with one value per run (the coordinate axis dropped)."""
    v = np.asarray(value)
    return v.item() if v.ndim == 0 else v[..., 0]


# --------------------------------------------------------------------------------------------
class AdamaxState(NamedTuple):
    step: int
    m: np.ndarray  # moving average of g
    u: np.ndarray  # u_t = max(β₂ u_{t−1}, |g_t| + ε): torch's exp_inf


@hyperparameters
class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba 2015, section 7.1), as ``torch.optim.Adamax``.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        u_t &= \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}

    Adam's v is an average of g² (an L² norm over time); letting the power p → ∞ turns it into
    a decaying maximum of |g|, which needs no bias correction. (torch adds ε inside the max.)
    """

    lr: float | Callable = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        _check_betas(self.betas)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return AdamaxState(0, zeros, zeros)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        g = plus_weight_decay(grad, theta, self.weight_decay)
        m = beta1 * state.m + (1 - beta1) * g
        u = np.maximum(beta2 * state.u, np.abs(g) + per_run(self.eps))
        theta = theta - self._lr(t, theta) / (1 - beta1**t) * m / u
        return theta, AdamaxState(t, m, u)
