"""SGD (momentum, Nesterov), Adagrad, RMSprop, Adam, AdamW and Adadelta, as in torch.optim."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import (
    INF,
    Optimizer,
    check_lr,
    check_range,
    hyperparameters,
    per_run,
    plus_weight_decay,
)

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta"]


# --------------------------------------------------------------------------------------------
class SGDState(NamedTuple):
    step: int
    velocity: np.ndarray | None  # PyTorch's momentum_buffer; None without momentum


@hyperparameters
class SGD(Optimizer):
    r"""Gradient descent, with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        b_t &= \mu\, b_{t-1} + (1-\tau)\, g_t \qquad (b_1 = g_1) \\
        d_t &= g_t + \mu\, b_t \ \text{(Nesterov)} \quad\text{or}\quad d_t = b_t \\
        \theta_t &= \theta_{t-1} - \eta\, d_t

    η = ``lr``, μ = ``momentum``, τ = ``dampening``, λ = ``weight_decay``. Without momentum
    d_t = g_t: plain (stochastic) gradient descent.
    """

    lr: float | Callable = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    def __post_init__(self):
        check_lr(self.lr)
        check_range("momentum", self.momentum, 0, 1, high_open=True)
        check_range("dampening", self.dampening, 0, 1)
        check_range("weight_decay", self.weight_decay, 0, INF)
        if self.nesterov and not (
            np.all(np.asarray(self.momentum) > 0) and np.all(np.asarray(self.dampening) == 0)
        ):
            raise ValueError(
                "nesterov=True needs momentum in (0, 1) and dampening = 0, "
                f"got momentum={self.momentum}, dampening={self.dampening}"
            )

    @property
    def _has_momentum(self) -> bool:
        return bool(np.any(self.momentum))

    def init(self, theta):
        self._check_theta(theta)
        return SGDState(step=0, velocity=np.zeros_like(theta) if self._has_momentum else None)

    def step(self, theta, grad, state):
        g = plus_weight_decay(grad, theta, self.weight_decay)
        lr = self._lr(state.step + 1, theta)
        if not self._has_momentum:
            return theta - lr * g, SGDState(state.step + 1, None)
        mu = per_run(self.momentum)
        if state.step == 0:
            b = g.copy()
        else:
            b = mu * state.velocity + (1 - per_run(self.dampening)) * g
        d = g + mu * b if self.nesterov else b
        return theta - lr * d, SGDState(state.step + 1, b)


# --------------------------------------------------------------------------------------------
class AdagradState(NamedTuple):
    step: int
    sum_sq: np.ndarray  # G_t, the running sum of squared gradients, per coordinate


@hyperparameters
class Adagrad(Optimizer):
    r"""AdaGrad, as ``torch.optim.Adagrad``.

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        G_t &= G_{t-1} + g_t^2 \qquad (G_0 = \text{initial\_accumulator\_value}) \\
        \eta_t &= \eta \,/\, (1 + (t-1)\,\text{lr\_decay}) \\
        \theta_t &= \theta_{t-1} - \eta_t\, g_t \,/\, (\sqrt{G_t} + \epsilon)

    The effective step η_t / (√G_t + ε) only ever shrinks, which is why AdaGrad stalls.
    """

    lr: float | Callable = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self):
        check_lr(self.lr)
        check_range("lr_decay", self.lr_decay, 0, INF)
        check_range("weight_decay", self.weight_decay, 0, INF)
        check_range("initial_accumulator_value", self.initial_accumulator_value, 0, INF)
        check_range("eps", self.eps, 0, INF, low_open=True)

    def init(self, theta):
        self._check_theta(theta)
        start = np.broadcast_to(per_run(self.initial_accumulator_value), np.shape(theta))
        return AdagradState(step=0, sum_sq=np.array(start, dtype=float))

    def step(self, theta, grad, state):
        t = state.step + 1
        g = plus_weight_decay(grad, theta, self.weight_decay)
        lr_t = self._lr(t, theta) / (1 + (t - 1) * per_run(self.lr_decay))
        sum_sq = state.sum_sq + g * g
        theta = theta - lr_t * g / (np.sqrt(sum_sq) + per_run(self.eps))
        return theta, AdagradState(t, sum_sq)


# --------------------------------------------------------------------------------------------
class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray  # v_t, moving average of g²
    grad_avg: np.ndarray | None  # moving average of g (centered=True only)
    velocity: np.ndarray | None  # momentum buffer (momentum > 0 only)


@hyperparameters
class RMSprop(Optimizer):
    r"""RMSProp, as ``torch.optim.RMSprop`` (Keras calls ``alpha`` ``rho``).

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        v_t &= \alpha\, v_{t-1} + (1-\alpha)\, g_t^2 \\
        \bar g_t &= \alpha\, \bar g_{t-1} + (1-\alpha)\, g_t
            \quad\text{and}\quad \tilde v_t = v_t - \bar g_t^2 \quad\text{(centered)} \\
        s_t &= g_t / (\sqrt{\tilde v_t} + \epsilon)
            \qquad (\tilde v_t = v_t \text{ if not centered}) \\
        b_t &= \mu\, b_{t-1} + s_t \quad\text{and}\quad \theta_t = \theta_{t-1} - \eta\, b_t
            \quad\text{(momentum } \mu > 0\text{)} \\
        \theta_t &= \theta_{t-1} - \eta\, s_t \quad\text{(otherwise)}
    """

    lr: float | Callable = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def __post_init__(self):
        check_lr(self.lr)
        check_range("alpha", self.alpha, 0, 1, high_open=True)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)
        check_range("momentum", self.momentum, 0, 1, high_open=True)
        if self.centered:
            # With α = 0 the centered variance is g² − g² = 0: the step is g/ε in exact
            # arithmetic and NaN in torch's (rounding makes it slightly negative). Neither is a
            # method anyone means, so say so instead of returning either.
            check_range("alpha (centered=True)", self.alpha, 0, 1, low_open=True, high_open=True)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return RMSpropState(
            step=0,
            square_avg=zeros,
            grad_avg=zeros if self.centered else None,
            velocity=zeros if np.any(self.momentum) else None,
        )

    def step(self, theta, grad, state):
        alpha = per_run(self.alpha)
        g = plus_weight_decay(grad, theta, self.weight_decay)
        square_avg = alpha * state.square_avg + (1 - alpha) * g * g
        grad_avg = None
        if self.centered:
            grad_avg = alpha * state.grad_avg + (1 - alpha) * g
            s = g / (np.sqrt(square_avg - grad_avg * grad_avg) + per_run(self.eps))
        else:
            s = g / (np.sqrt(square_avg) + per_run(self.eps))
        velocity = None
        if state.velocity is not None:
            velocity = per_run(self.momentum) * state.velocity + s
            s = velocity
        theta = theta - self._lr(state.step + 1, theta) * s
        return theta, RMSpropState(state.step + 1, square_avg, grad_avg, velocity)


# --------------------------------------------------------------------------------------------
class AdamState(NamedTuple):
    step: int
    m: np.ndarray  # moving average of g (first moment)
    v: np.ndarray  # moving average of g² (second moment)
    m_hat: np.ndarray  # bias-corrected m of the last step
    v_hat: np.ndarray  # bias-corrected v (of max v with amsgrad) of the last step
    v_max: np.ndarray | None  # running maximum of v (amsgrad=True only)


@hyperparameters
class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam`` (with ``amsgrad=True``, AMSGrad; with
    ``decoupled_weight_decay=True``, AdamW).

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
            \quad\text{(L2 penalty; } g_t = \nabla f(\theta_{t-1}) \text{ if decoupled)} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad
        \hat v_t = v_t / (1-\beta_2^t) \\
        \theta_t &= \theta_{t-1} - \eta\lambda\,\theta_{t-1}\ \text{(decoupled only)}
            \; - \; \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    With ``amsgrad=True``, v̂ uses the running maximum max_{s≤t} v_s in place of v_t.
    With ``decoupled_weight_decay=True`` the decay never enters g, m or v: it shrinks θ by the
    factor (1 − ηλ) beside the Adam step (Loshchilov & Hutter's AdamW, with PyTorch's choice of
    tying the shrink to η).
    ``bias_correction=False`` (a course extra, not in PyTorch) uses m̂ = m and v̂ = v, to show
    what the correction is for: without it the first step is η(1 − β₁)/√(1 − β₂) per
    coordinate, about 3.16 η for the defaults: far too long.
    ε is added to √v̂ as in PyTorch and the paper's Algorithm 1 (Keras adds ε̂ = 1e-7 to raw √v).
    """

    lr: float | Callable = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    decoupled_weight_decay: bool = False
    bias_correction: bool = True

    def __post_init__(self):
        check_lr(self.lr)
        if len(self.betas) != 2:
            raise ValueError(f"betas={self.betas} must be a pair (beta1, beta2)")
        check_range("betas[0]", self.betas[0], 0, 1, high_open=True)
        check_range("betas[1]", self.betas[1], 0, 1, high_open=True)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return AdamState(0, zeros, zeros, zeros, zeros, zeros if self.amsgrad else None)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = per_run(self.betas[0]), per_run(self.betas[1])
        lr = self._lr(t, theta)
        if self.decoupled_weight_decay:
            g = grad
            if np.any(self.weight_decay):  # skipped at λ = 0, as torch does
                theta = theta * (1 - lr * per_run(self.weight_decay))
        else:
            g = plus_weight_decay(grad, theta, self.weight_decay)
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        v_max = None if state.v_max is None else np.maximum(state.v_max, v)
        m_hat, v_hat = m, (v if v_max is None else v_max)
        if self.bias_correction:
            m_hat, v_hat = m_hat / (1 - beta1**t), v_hat / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + per_run(self.eps))
        return theta, AdamState(t, m, v, m_hat, v_hat, v_max)


@hyperparameters
class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``: :class:`Adam` with
    ``decoupled_weight_decay=True`` and PyTorch's AdamW default λ = 0.01.

    .. math::
        \theta_t = (1 - \eta\lambda)\,\theta_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon),
        \qquad g_t = \nabla f(\theta_{t-1})
    """

    weight_decay: float = 1e-2
    decoupled_weight_decay: bool = True

    def __post_init__(self):
        super().__post_init__()
        if not self.decoupled_weight_decay:
            raise ValueError(
                "AdamW has decoupled_weight_decay=True by definition; for the L2 form use Adam"
            )


# --------------------------------------------------------------------------------------------
class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray  # E[g²], moving average of squared gradients
    delta_avg: np.ndarray  # E[Δθ²], moving average of squared updates


@hyperparameters
class Adadelta(Optimizer):
    r"""Adadelta, as ``torch.optim.Adadelta``.

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        E[g^2]_t &= \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2 \\
        \Delta_t &= \frac{\sqrt{E[\Delta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\; g_t \\
        E[\Delta^2]_t &= \rho\, E[\Delta^2]_{t-1} + (1-\rho)\, \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta_t

    The ratio of two root-mean-squares has the units of θ, so no learning rate is needed in
    principle (η = 1 by default).
    """

    lr: float | Callable = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("rho", self.rho, 0, 1, high_open=True)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return AdadeltaState(0, zeros, zeros)

    def step(self, theta, grad, state):
        rho, eps = per_run(self.rho), per_run(self.eps)
        g = plus_weight_decay(grad, theta, self.weight_decay)
        square_avg = rho * state.square_avg + (1 - rho) * g * g
        delta = np.sqrt(state.delta_avg + eps) / np.sqrt(square_avg + eps) * g
        delta_avg = rho * state.delta_avg + (1 - rho) * delta * delta
        theta = theta - self._lr(state.step + 1, theta) * delta
        return theta, AdadeltaState(state.step + 1, square_avg, delta_avg)
