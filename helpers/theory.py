r"""Closed forms the notebooks compare their measurements against.

All for a quadratic f(x) = ½ xᵀAx whose Hessian A has eigenvalues λ (curvatures) between
μ (smallest) and L (largest), condition number κ = L / μ. Along each eigen-direction the
methods below act independently, so a per-direction rate tells the whole story.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "gd_threshold",
    "gd_rate",
    "gd_optimal",
    "momentum_rate",
    "momentum_optimal",
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
