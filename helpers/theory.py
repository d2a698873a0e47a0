r"""Closed forms the notebooks compare their measurements against.

* Gradient descent and heavy-ball momentum on a quadratic f(x) = ½ xᵀAx whose Hessian A has
  eigenvalues λ (curvatures) between μ (smallest) and L (largest), condition number κ = L / μ:
  thresholds, per-direction rates, optimal hyperparameters and the (η, β) rate map. Along each
  eigen-direction the methods act independently, so a per-direction rate tells the whole story.
* Exponential moving averages: the recursion and the weights it gives each past value.
* Mini-batch noise: the variance of a batch gradient, and the noise ball SGD settles in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .minibatch import check_batch_size, gradient_noise

if TYPE_CHECKING:
    from .objectives import LinearRegression

__all__ = [
    "gd_threshold",
    "gd_rate",
    "gd_optimal",
    "momentum_rate",
    "momentum_optimal",
    "rate_map",
    "ema",
    "ema_weights",
    "minibatch_variance",
    "noise_ball",
    "noise_ball_gap",
    "l2_minimum",
]


def gd_threshold(L: float) -> float:
    r"""The largest stable learning rate of gradient descent: η < 2 / L.

    Along an eigen-direction with curvature λ one GD step multiplies the error by (1 − ηλ);
    it shrinks only while |1 − ηλ| < 1, i.e. η < 2/λ. The steepest direction (λ = L) binds.
    """
    return 2.0 / L


def gd_rate(lr, eigenvalues) -> np.ndarray:
    r"""Per-direction contraction factor |1 − ηλ| of gradient descent.

    ``lr`` and ``eigenvalues`` broadcast against each other, so a grid of learning rates
    against all eigenvalues is one call. The error along direction i after t steps is
    (1 − ηλᵢ)ᵗ times its start value; the overall rate is the maximum over directions.
    """
    return np.abs(1.0 - np.asarray(lr, dtype=float) * np.asarray(eigenvalues, dtype=float))


def gd_optimal(mu: float, L: float) -> tuple[float, float]:
    r"""The best fixed learning rate η* = 2/(μ + L) and its rate (κ − 1)/(κ + 1)."""
    kappa = L / mu
    return 2.0 / (mu + L), (kappa - 1.0) / (kappa + 1.0)


def momentum_rate(lr, beta, eigenvalue) -> np.ndarray:
    r"""Exact convergence rate of heavy-ball momentum along one eigen-direction.

    PyTorch's momentum v ← βv + g, θ ← θ − ηv on f = ½λθ² is the two-step recurrence
    θₜ₊₁ = (1 + β − ηλ) θₜ − β θₜ₋₁, i.e. the 2×2 iteration matrix

    .. math:: M = \begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0 \end{pmatrix},

    whose eigenvalues are the roots of z² − (1 + β − ηλ) z + β = 0. The rate is its spectral
    radius max |z|: the error shrinks like rateᵗ. Below 1 the run converges.

    ``lr``, ``beta`` and ``eigenvalue`` broadcast, so a 200 × 100 grid of (η, β) is one call;
    pass eigenvalues on a new axis and take ``.max(axis=…)`` for several directions.
    """
    lr, beta, lam = (np.asarray(a, dtype=float) for a in (lr, beta, eigenvalue))
    trace = 1.0 + beta - lr * lam
    disc = trace * trace - 4.0 * beta
    root = np.sqrt(np.abs(disc))
    # Real roots: the larger magnitude is (|trace| + √disc)/2. Complex roots: |z|² = z·z̄ = β.
    return np.where(disc >= 0, (np.abs(trace) + root) / 2.0, np.sqrt(beta))


def momentum_optimal(mu: float, L: float) -> tuple[float, float, float]:
    r"""Polyak's optimal heavy-ball pair for curvatures in [μ, L], and its rate.

    η* = 4 / (√L + √μ)², β* = ((√κ − 1)/(√κ + 1))², rate = (√κ − 1)/(√κ + 1) = √β*.
    """
    sq_kappa = np.sqrt(L / mu)
    lr = 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2
    rate = (sq_kappa - 1.0) / (sq_kappa + 1.0)
    return float(lr), float(rate**2), float(rate)


# -- mini-batch noise and the noise ball (notebooks 03 and 04) ---------------------------------
def minibatch_variance(sigma2: float, n: int, batch_size) -> np.ndarray:
    r"""E‖ĝ_B − ∇L‖² = (σ²/B)·(n − B)/(n − 1) for B samples drawn without replacement.

    σ²/B is what B independent draws would give; the finite-population factor (n − B)/(n − 1)
    says that a batch without repeats is a little better, and that B = n (the whole data set,
    every time) has no noise at all. ``batch_size`` may be an array.
    """
    b = np.asarray(batch_size, dtype=float)
    return sigma2 / b * (n - b) / (n - 1)


def noise_ball(loss: LinearRegression, lr: float, batch_size: int = 1) -> np.ndarray:
    r"""The covariance C of SGD's iterates around the minimum θ* at a small constant η.

    Near θ* one step is e ← e − η(He + ξ), with e = θ − θ* and ξ the batch's gradient noise
    (covariance Σ_B = Σ(θ*)/B·(n − B)/(n − 1)). In the stationary state E[eeᵀ] = C stays put:
    C = (I − ηH) C (I − ηH) + η² Σ_B, and dropping the η² term on the left (small η) leaves
    the Lyapunov equation HC + CH = η Σ_B, solved here. C grows in proportion to η/B.
    """
    check_batch_size(batch_size, loss.n)
    correction = (loss.n - batch_size) / (loss.n - 1)
    sigma_b = gradient_noise(loss, loss.minima[0]) * correction / batch_size
    H, identity = loss.hessian, np.eye(2)
    lyapunov = np.kron(H, identity) + np.kron(identity, H)  # C ↦ HC + CH on C's 4 entries
    return np.linalg.solve(lyapunov, lr * sigma_b.ravel()).reshape(2, 2)


def noise_ball_gap(loss: LinearRegression, lr: float, batch_size: int = 1) -> float:
    r"""The excess loss E[L(θ)] − L(θ*) = ½ tr(HC) inside the noise ball.

    Taking the trace of HC + CH = ηΣ_B gives tr(HC) = η tr(Σ_B)/2, so the excess loss is
    η·tr Σ_B/4: proportional to η, and to the gradient noise at the minimum.
    """
    return float(0.5 * np.trace(loss.hessian @ noise_ball(loss, lr, batch_size)))


# -- moving averages and the heavy-ball rate map (notebook 05) ---------------------------------
def ema(values, beta: float) -> np.ndarray:
    r"""The moving average m_t = β m_{t−1} + (1 − β) x_t, started at m_0 = 0 (as Adam does)."""
    averages, m = np.empty(len(values)), 0.0
    for t, x in enumerate(values):
        m = beta * m + (1 - beta) * x
        averages[t] = m
    return averages


def ema_weights(beta: float, n: int) -> np.ndarray:
    r"""The weight (1 − β) β^k of the value k steps old in m_t, for k = 0 … n − 1.

    Unrolling m_t gives m_t = Σ_k (1 − β) β^k x_{t−k}; over the n values seen the weights add up
    to 1 − β^n, not 1, because m_0 = 0 (notebook 06 divides that out: bias correction).
    """
    return (1 - beta) * beta ** np.arange(n)


def rate_map(lrs, betas, eigenvalues) -> np.ndarray:
    r"""The rate of heavy ball, max over the eigenvalues λ of the spectral radius of its 2×2
    iteration matrix, on the grid ``lrs`` × ``betas``: shape (len(lrs), len(betas))."""
    lrs, betas = np.asarray(lrs, dtype=float), np.asarray(betas, dtype=float)
    return momentum_rate(lrs[:, None, None], betas[None, :, None], eigenvalues).max(axis=-1)


def l2_minimum(hessian, center, weight_decay: float) -> np.ndarray:
    r"""The minimum of f(θ) + λ/2 |θ|² for the quadratic f(θ) = ½ (θ − c)ᵀ A (θ − c): where
    A(θ − c) + λθ = 0, i.e. θ = (A + λI)⁻¹ A c. Adam with an L2 penalty converges there."""
    hessian = np.asarray(hessian, dtype=float)
    center = np.asarray(center, dtype=float)
    return np.linalg.solve(hessian + weight_decay * np.eye(len(center)), hessian @ center)
