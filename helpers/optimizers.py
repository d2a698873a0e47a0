r"""Optimizers written from their update equations, in numpy.

Each optimizer is a small frozen dataclass of hyperparameters, with PyTorch's names and defaults,
and two methods::

    state = opt.init(theta)                       # explicit, named state before the first step
    theta, state = opt.step(theta, grad, state)   # one update; nothing is changed in place

``theta`` may have any shape. An array of shape ``(..., d)`` holds many independent runs of a
d-dimensional problem, and one ``step`` call advances all of them: there is no loop over runs.
A hyperparameter may be a number or an array with one value per run (shape ``theta.shape[:-1]``),
so a sweep over learning rates is a single call too; ``init`` checks that shape against θ.
``lr`` may also be a schedule: a function of the step t = 1, 2, … returning the learning rate of
that step (``helpers.schedules``), as optax allows, so a scheduled run is the same optimizer
object from the first step to the last.

Every optimizer matches ``torch.optim`` step for step (``tests/test_optimizers_parity.py``).
Where frameworks disagree (where ε sits, how momentum is written) these follow PyTorch; the
notebooks show the other conventions next to them.

The state fields and the names ``torch.optim`` gives the same buffers in ``optimizer.state``
(what the parity tests compare, step by step)::

    ours         torch                 optimizer
    step         step                  all (torch's SGD keeps no step count)
    velocity     momentum_buffer       SGD, RMSprop (momentum > 0)
    sum_sq       sum                   Adagrad
    square_avg   square_avg            RMSprop, Adadelta
    grad_avg     grad_avg              RMSprop (centered=True)
    m, v         exp_avg, exp_avg_sq   Adam, AdamW
    v_max        max_exp_avg_sq        Adam, AdamW (amsgrad=True)
    delta_avg    acc_delta             Adadelta
    m_hat, v_hat (not stored by torch: the bias-corrected moments, kept because the notebooks
                 draw them)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

__all__ = [
    "TORCH_STATE_NAMES",
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
}

# Frozen hyperparameters; __repr__ and __eq__ come from Optimizer, because the generated ones
# fail on per-run arrays ("truth value of an array is ambiguous") or print thousands of numbers.
hyperparameters = dataclass(frozen=True, repr=False, eq=False)


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


def _check_lr(lr):
    """``lr`` is a number, a per-run array or a schedule (a function of the step)."""
    if not callable(lr):
        _check("lr", lr, 0, _INF)


def _check_runs(name: str, value, runs: tuple[int, ...]):
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
                _check_runs(name, value, runs)

    def _lr(self, t: int, theta):
        """The learning rate of step t, ready to broadcast over θ's coordinates."""
        if not callable(self.lr):
            return _per_run(self.lr)
        lr = self.lr(t)
        _check(f"lr({t})", lr, 0, _INF)
        _check_runs(f"lr({t})", lr, np.shape(theta)[:-1])
        return _per_run(lr)

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
        _check_lr(self.lr)
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
        self._check_theta(theta)
        return SGDState(step=0, velocity=np.zeros_like(theta) if self._has_momentum else None)

    def step(self, theta, grad, state):
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        lr = self._lr(state.step + 1, theta)
        if not self._has_momentum:
            return theta - lr * g, SGDState(state.step + 1, None)
        mu = _per_run(self.momentum)
        if state.step == 0:
            b = g.copy()
        else:
            b = mu * state.velocity + (1 - _per_run(self.dampening)) * g
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
        _check_lr(self.lr)
        _check("lr_decay", self.lr_decay, 0, _INF)
        _check("weight_decay", self.weight_decay, 0, _INF)
        _check("initial_accumulator_value", self.initial_accumulator_value, 0, _INF)
        _check("eps", self.eps, 0, _INF, low_open=True)

    def init(self, theta):
        self._check_theta(theta)
        start = np.broadcast_to(_per_run(self.initial_accumulator_value), np.shape(theta))
        return AdagradState(step=0, sum_sq=np.array(start, dtype=float))

    def step(self, theta, grad, state):
        t = state.step + 1
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        lr_t = self._lr(t, theta) / (1 + (t - 1) * _per_run(self.lr_decay))
        sum_sq = state.sum_sq + g * g
        theta = theta - lr_t * g / (np.sqrt(sum_sq) + _per_run(self.eps))
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
        _check_lr(self.lr)
        _check("alpha", self.alpha, 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)
        _check("momentum", self.momentum, 0, 1, high_open=True)
        if self.centered:
            # With α = 0 the centered variance is g² − g² = 0: the step is g/ε in exact
            # arithmetic and NaN in torch's (rounding makes it slightly negative). Neither is a
            # method anyone means, so say so instead of returning either.
            _check("alpha (centered=True)", self.alpha, 0, 1, low_open=True, high_open=True)

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
    ε sits outside the square root and is added to √v̂, as in PyTorch and the Adam paper.
    """

    lr: float | Callable = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    decoupled_weight_decay: bool = False
    bias_correction: bool = True

    def __post_init__(self):
        _check_lr(self.lr)
        if len(self.betas) != 2:
            raise ValueError(f"betas={self.betas} must be a pair (beta1, beta2)")
        _check("betas[0]", self.betas[0], 0, 1, high_open=True)
        _check("betas[1]", self.betas[1], 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return AdamState(0, zeros, zeros, zeros, zeros, zeros if self.amsgrad else None)

    def step(self, theta, grad, state):
        t = state.step + 1
        beta1, beta2 = _per_run(self.betas[0]), _per_run(self.betas[1])
        lr = self._lr(t, theta)
        if self.decoupled_weight_decay:
            g = grad
            if np.any(self.weight_decay):  # skipped at λ = 0, as torch does
                theta = theta * (1 - lr * _per_run(self.weight_decay))
        else:
            g = _plus_weight_decay(grad, theta, self.weight_decay)
        m = beta1 * state.m + (1 - beta1) * g
        v = beta2 * state.v + (1 - beta2) * g * g
        v_max = None if state.v_max is None else np.maximum(state.v_max, v)
        m_hat, v_hat = m, (v if v_max is None else v_max)
        if self.bias_correction:
            m_hat, v_hat = m_hat / (1 - beta1**t), v_hat / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + _per_run(self.eps))
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
        _check_lr(self.lr)
        _check("rho", self.rho, 0, 1, high_open=True)
        _check("eps", self.eps, 0, _INF, low_open=True)
        _check("weight_decay", self.weight_decay, 0, _INF)

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return AdadeltaState(0, zeros, zeros)

    def step(self, theta, grad, state):
        rho, eps = _per_run(self.rho), _per_run(self.eps)
        g = _plus_weight_decay(grad, theta, self.weight_decay)
        square_avg = rho * state.square_avg + (1 - rho) * g * g
        delta = np.sqrt(state.delta_avg + eps) / np.sqrt(square_avg + eps) * g
        delta_avg = rho * state.delta_avg + (1 - rho) * delta * delta
        theta = theta - self._lr(state.step + 1, theta) * delta
        return theta, AdadeltaState(state.step + 1, square_avg, delta_avg)


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta)}
