r"""Optimizers written from their update equations, in numpy.

Each optimizer is a small frozen dataclass of hyperparameters, with PyTorch's names and defaults,
and two methods::

    state = opt.init(theta)                       # explicit, named state before the first step
    theta, state = opt.step(theta, grad, state)   # one update; nothing is changed in place

``theta`` may have any shape. An array of shape ``(..., d)`` holds many independent runs of a
d-dimensional problem, and one ``step`` call advances all of them: there is no loop over runs.
A hyperparameter may be a number or an array with one value per run (shape ``theta.shape[:-1]``),
so a sweep over learning rates is a single call too.

Every optimizer matches ``torch.optim`` step for step (``tests/test_optimizers_parity.py``).
Where frameworks disagree (where ε sits, how momentum is written) these follow PyTorch; the
notebooks show the other conventions next to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = [
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adadelta",
    "Optimizer",
    "OPTIMIZERS",
]

_INF = float("inf")


def _check(name: str, value, low: float, high: float, *, low_open=False, high_open=False):
    """Raise ValueError naming the parameter, the value given and the valid range."""
    v = np.asarray(value, dtype=float)
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    if not np.all(above & below):  # NaN fails both comparisons, so it is rejected too
        left = "(" if low_open else "["
        right = ")" if high_open or high == _INF else "]"
        shown = value if v.ndim == 0 else f"an array containing {v[~(above & below)].flat[0]}"
        raise ValueError(
            f"{name}={shown} is outside its valid range {left}{low:g}, {high:g}{right}"
        )


def _per_run(value):
    """A per-run hyperparameter array gains a trailing axis so it broadcasts over coordinates."""
    v = np.asarray(value, dtype=float)
    return v if v.ndim == 0 else v[..., None]


def _plus_weight_decay(grad, theta, weight_decay):
    """L2 penalty folded into the gradient: g + λθ (skipped when λ = 0, as PyTorch does)."""
    return grad + _per_run(weight_decay) * theta if np.any(weight_decay) else grad


class Optimizer:
    """Common interface; see the module docstring."""

    def init(self, theta) -> NamedTuple:
        raise NotImplementedError

    def step(self, theta, grad, state) -> tuple[np.ndarray, NamedTuple]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
class SGDState(NamedTuple):
    step: int
    velocity: np.ndarray | None  # PyTorch's momentum_buffer; None without momentum


@dataclass(frozen=True)
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

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    def __post_init__(self):
        _check("lr", self.lr, 0, _INF)
        _check("momentum", self.momentum, 0, 1, high_open=True)
        _check("dampening", self.dampening, 0, 1)
        _check("weight_decay", self.weight_decay, 0, _INF)
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
        return SGDState(step=0, velocity=np.zeros_like(theta) if self._has_momentum else None)

    def step(self, theta, grad, state):
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        if not self._has_momentum:
            return theta - _per_run(self.lr) * g, SGDState(state.step + 1, None)
        mu = _per_run(self.momentum)
        if state.step == 0:
            b = g.copy()
        else:
            b = mu * state.velocity + (1 - _per_run(self.dampening)) * g
        d = g + mu * b if self.nesterov else b
        return theta - _per_run(self.lr) * d, SGDState(state.step + 1, b)


# --------------------------------------------------------------------------------------------
class AdagradState(NamedTuple):
    step: int
    sum_sq: np.ndarray  # G_t, the running sum of squared gradients, per coordinate


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""AdaGrad, as ``torch.optim.Adagrad``.

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        G_t &= G_{t-1} + g_t^2 \qquad (G_0 = \text{initial\_accumulator\_value}) \\
        \eta_t &= \eta \,/\, (1 + (t-1)\,\text{lr\_decay}) \\
        \theta_t &= \theta_{t-1} - \eta_t\, g_t \,/\, (\sqrt{G_t} + \epsilon)

    The effective step η_t / (√G_t + ε) only ever shrinks, which is why AdaGrad stalls.
    """

    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self):
        _check("lr", self.lr, 0, _INF)
        _check("lr_decay", self.lr_decay, 0, _INF)
        _check("weight_decay", self.weight_decay, 0, _INF)
        _check("initial_accumulator_value", self.initial_accumulator_value, 0, _INF)
        _check("eps", self.eps, 0, _INF, low_open=True)

    def init(self, theta):
        start = np.broadcast_to(_per_run(self.initial_accumulator_value), np.shape(theta))
        return AdagradState(step=0, sum_sq=np.array(start, dtype=float))

    def step(self, theta, grad, state):
        t = state.step + 1
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        lr_t = _per_run(self.lr) / (1 + (t - 1) * _per_run(self.lr_decay))
        sum_sq = state.sum_sq + g * g
        theta = theta - lr_t * g / (np.sqrt(sum_sq) + _per_run(self.eps))
        return theta, AdagradState(t, sum_sq)


# --------------------------------------------------------------------------------------------
class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray  # v_t, moving average of g²
    grad_avg: np.ndarray | None  # moving average of g (centered=True only)
    velocity: np.ndarray | None  # momentum buffer (momentum > 0 only)


@dataclass(frozen=True)
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

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def __post_init__(self):
        _check("lr", self.lr, 0, _INF)
        _check("alpha", self.alpha, 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)
        _check("momentum", self.momentum, 0, 1, high_open=True)

    def init(self, theta):
        zeros = np.zeros_like(theta, dtype=float)
        return RMSpropState(
            step=0,
            square_avg=zeros,
            grad_avg=zeros if self.centered else None,
            velocity=zeros if np.any(self.momentum) else None,
        )

    def step(self, theta, grad, state):
        alpha = _per_run(self.alpha)
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        square_avg = alpha * state.square_avg + (1 - alpha) * g * g
        grad_avg = None
        if self.centered:
            grad_avg = alpha * state.grad_avg + (1 - alpha) * g
            s = g / (np.sqrt(square_avg - grad_avg * grad_avg) + _per_run(self.eps))
        else:
            s = g / (np.sqrt(square_avg) + _per_run(self.eps))
        velocity = None
        if state.velocity is not None:
            velocity = _per_run(self.momentum) * state.velocity + s
            s = velocity
        theta = theta - _per_run(self.lr) * s
        return theta, RMSpropState(state.step + 1, square_avg, grad_avg, velocity)


# --------------------------------------------------------------------------------------------
class AdamState(NamedTuple):
    step: int
    m: np.ndarray  # moving average of g (first moment)
    v: np.ndarray  # moving average of g² (second moment)
    m_hat: np.ndarray  # bias-corrected m of the last step
    v_hat: np.ndarray  # bias-corrected v (of max v with amsgrad) of the last step
    v_max: np.ndarray | None  # running maximum of v (amsgrad=True only)


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam`` (and, with ``amsgrad=True``, AMSGrad).

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad
        \hat v_t = v_t / (1-\beta_2^t) \\
        \theta_t &= \theta_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    With ``amsgrad=True``, v̂ uses the running maximum max_{s≤t} v_s in place of v_t.
    ``bias_correction=False`` (a course extra, not in PyTorch) uses m̂ = m and v̂ = v, to show
    what the correction is for: without it the first step is η(1 − β₁)/√(1 − β₂) per
    coordinate, about 3.16 η for the defaults: far too long.
    ε sits outside the square root, as in PyTorch, Keras and the Adam paper.
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    bias_correction: bool = True

    def __post_init__(self):
        _check("lr", self.lr, 0, _INF)
        if len(self.betas) != 2:
            raise ValueError(f"betas={self.betas} must be a pair (beta1, beta2)")
        _check("betas[0]", self.betas[0], 0, 1, high_open=True)
        _check("betas[1]", self.betas[1], 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)

    def init(self, theta):
        zeros = np.zeros_like(theta, dtype=float)
        return AdamState(0, zeros, zeros, zeros, zeros, zeros if self.amsgrad else None)

    def _gradient(self, theta, grad):
        """Adam folds weight decay into the gradient (an L2 penalty); AdamW overrides this."""
        return theta, _plus_weight_decay(grad, theta, self.weight_decay)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = _per_run(self.betas[0]), _per_run(self.betas[1])
        theta, g = self._gradient(theta, grad)
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        v_max = None if state.v_max is None else np.maximum(state.v_max, v)
        m_hat, v_hat = m, (v if v_max is None else v_max)
        if self.bias_correction:
            m_hat, v_hat = m_hat / (1 - beta1**t), v_hat / (1 - beta2**t)
        theta = theta - _per_run(self.lr) * m_hat / (np.sqrt(v_hat) + _per_run(self.eps))
        return theta, AdamState(t, m, v, m_hat, v_hat, v_max)


@dataclass(frozen=True)
class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Identical to :class:`Adam` except that the decay shrinks the parameters directly,
    before the Adam step, instead of entering the gradient (and so the moments):

    .. math::
        \theta_{t-1} \leftarrow (1 - \eta\lambda)\,\theta_{t-1}, \qquad g_t = \nabla f(\theta_{t-1})

    where the gradient is taken at the parameters *before* the shrink.
    """

    weight_decay: float = 1e-2

    def _gradient(self, theta, grad):
        if not np.any(self.weight_decay):
            return theta, grad
        return theta * (1 - _per_run(self.lr) * _per_run(self.weight_decay)), grad


# --------------------------------------------------------------------------------------------
class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray  # E[g²], moving average of squared gradients
    delta_avg: np.ndarray  # E[Δθ²], moving average of squared updates


@dataclass(frozen=True)
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

    lr: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    def __post_init__(self):
        _check("lr", self.lr, 0, _INF)
        _check("rho", self.rho, 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)

    def init(self, theta):
        zeros = np.zeros_like(theta, dtype=float)
        return AdadeltaState(0, zeros, zeros)

    def step(self, theta, grad, state):
        rho, eps = _per_run(self.rho), _per_run(self.eps)
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        square_avg = rho * state.square_avg + (1 - rho) * g * g
        delta = np.sqrt(state.delta_avg + eps) / np.sqrt(square_avg + eps) * g
        delta_avg = rho * state.delta_avg + (1 - rho) * delta * delta
        theta = theta - _per_run(self.lr) * delta
        return theta, AdadeltaState(state.step + 1, square_avg, delta_avg)


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta)}
