r"""Optimizers for matrix parameters: Shampoo (Gupta, Koren & Singer 2018) and Muon (Jordan et
al. 2024), plus what they share.

**Shapes.** These act on the last TWO axes: θ of shape ``(..., m, n)`` is one m × n weight
matrix per run, and the leading axes are runs (a single matrix is shape ``(m, n)``). This
differs from the vector optimizers, whose runs are everything but the last axis: a per-run
hyperparameter here has shape ``theta.shape[:-2]``. A matrix is preconditioned as a whole (its
row and column spaces), which is the point: a vector optimizer treats its m·n entries as
unrelated numbers.

Muon matches ``torch.optim.Muon``; Shampoo is checked against its definition as full-matrix
AdaGrad with a Kronecker-factored preconditioner (``tests/test_optimizers_parity_modern.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .base import INF, Optimizer, check_lr, check_range, check_runs, hyperparameters

__all__ = [
    "MatrixOptimizer",
    "Shampoo",
    "Muon",
    "newton_schulz",
    "singular_value_map",
    "MUON_COEFFICIENTS",
]


def per_matrix(value):
    """A per-run hyperparameter gains two trailing axes, to broadcast over a matrix's entries."""
    v = np.asarray(value, dtype=float)
    return v if v.ndim == 0 else v[..., None, None]


class MatrixOptimizer(Optimizer):
    """An optimizer whose θ is ``(..., m, n)``: runs in the leading axes (see the module)."""

    def _check_theta(self, theta):
        shape = np.shape(theta)
        if len(shape) < 2:
            raise ValueError(
                f"theta has shape {shape}, but {type(self).__name__} acts on matrices: give it "
                "the shape (m, n), or (..., m, n) for many runs"
            )
        for name, value in self._hyperparameters():
            if not (callable(value) or isinstance(value, str | tuple | bool) or value is None):
                check_runs(name, value, shape[:-2])

    def _lr(self, t: int, theta):
        if not callable(self.lr):
            return per_matrix(self.lr)
        lr = self.lr(t)
        check_range(f"lr({t})", lr, 0, INF)
        check_runs(f"lr({t})", lr, np.shape(theta)[:-2])
        return per_matrix(lr)


def _transpose(a):
    return np.swapaxes(a, -1, -2)


# --------------------------------------------------------------------------------------------
def inverse_root(matrix, p: float):
    """A^(−1/p) of symmetric positive definite matrices (batched), by eigendecomposition."""
    eigenvalues, vectors = np.linalg.eigh(matrix)
    return (vectors * eigenvalues[..., None, :] ** (-1.0 / p)) @ _transpose(vectors)


class ShampooState(NamedTuple):
    step: int
    left: np.ndarray  # L_t = εI + Σ G Gᵀ, m × m: the row space's statistics
    right: np.ndarray  # R_t = εI + Σ Gᵀ G, n × n: the column space's statistics
    update: np.ndarray  # L^{−1/4} G R^{−1/4} of the last step


@hyperparameters
class Shampoo(MatrixOptimizer):
    r"""Shampoo for matrices (Gupta, Koren & Singer 2018, Algorithm 1), in its plain form.

    .. math::
        L_t &= L_{t-1} + G_t G_t^\top, \qquad R_t = R_{t-1} + G_t^\top G_t
            \qquad (L_0 = \epsilon I_m,\ R_0 = \epsilon I_n) \\
        \theta_t &= \theta_{t-1} - \eta\, L_t^{-1/4}\, G_t\, R_t^{-1/4}

    G_t = ∇f(θ_{t−1}) + λθ_{t−1}. Full-matrix AdaGrad would precondition the m·n entries with
    the (mn) × (mn) matrix (Σ g gᵀ)^{−1/2}; Shampoo approximates it by a Kronecker product,
    (L_t ⊗ R_t)^{−1/4} = L_t^{−1/4} ⊗ R_t^{−1/4}, which costs an m × m and an n × n matrix
    instead. The inverse fourth roots come from an eigendecomposition each step (fine for
    the small matrices here; large-scale Shampoo recomputes them every few hundred steps,
    and the AlgoPerf-winning variant adds grafting, moving averages and more).
    """

    lr: float | Callable = 0.1
    eps: float = 1e-4
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("eps", self.eps, 0, INF, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, INF)

    def init(self, theta):
        self._check_theta(theta)
        theta = np.asarray(theta, dtype=float)
        *runs, m, n = theta.shape
        eps = per_matrix(self.eps)
        left = np.broadcast_to(eps * np.eye(m), (*runs, m, m)).copy()
        right = np.broadcast_to(eps * np.eye(n), (*runs, n, n)).copy()
        return ShampooState(0, left, right, np.zeros_like(theta))

    def step(self, theta, grad, state):
        t = state.step + 1
        g = grad + per_matrix(self.weight_decay) * theta if np.any(self.weight_decay) else grad
        left = state.left + g @ _transpose(g)
        right = state.right + _transpose(g) @ g
        update = inverse_root(left, 4) @ g @ inverse_root(right, 4)
        theta = theta - self._lr(t, theta) * update
        return theta, ShampooState(t, left, right, update)


# --------------------------------------------------------------------------------------------
MUON_COEFFICIENTS = (3.4445, -4.775, 2.0315)  # Jordan's quintic, torch.optim.Muon's default


def newton_schulz(g, coefficients=MUON_COEFFICIENTS, steps: int = 5, eps: float = 1e-7):
    r"""Approximately orthogonalise each matrix of ``g`` (shape ``(..., m, n)``): U Vᵀ for the
    SVD g = U S Vᵀ, without computing the SVD.

    X₀ = g / ‖g‖_F puts every singular value in [0, 1]; each step applies the odd polynomial
    X ← aX + b (XXᵀ)X + c (XXᵀ)²X, which maps every singular value σ to
    φ(σ) = aσ + bσ³ + cσ⁵ and leaves U and V alone. Muon's (a, b, c) make φ very steep at 0,
    (slope a ≈ 3.44), so five steps lift every σ above about 1/500 of ‖g‖_F to somewhere near 1
    (between about 0.7 and 1.2, not exactly 1: a deliberate trade of accuracy for speed);
    smaller ones grow by at most a⁵ ≈ 485. Computed on the wide orientation
    (m ≤ n), as torch does, so XXᵀ is the smaller Gram matrix.
    """
    a, b, c = coefficients
    g = np.asarray(g, dtype=float)
    tall = g.shape[-2] > g.shape[-1]
    x = _transpose(g) if tall else g
    norm = np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True))
    x = x / np.maximum(norm, eps)
    for _ in range(steps):
        gram = x @ _transpose(x)
        x = a * x + (b * gram + c * gram @ gram) @ x
    return _transpose(x) if tall else x


def singular_value_map(sigma, coefficients=MUON_COEFFICIENTS, steps: int = 5):
    """What ``steps`` Newton–Schulz steps make of a singular value σ of g/‖g‖_F: the odd
    polynomial φ(σ) = aσ + bσ³ + cσ⁵ applied ``steps`` times (``newton_schulz`` applies it to
    every singular value at once, through matrix products)."""
    a, b, c = coefficients
    s = np.array(sigma, dtype=float)
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return s


class MuonState(NamedTuple):
    step: int
    velocity: np.ndarray  # the momentum buffer B_t (torch's momentum_buffer)
    update: np.ndarray  # the orthogonalised direction O_t of the last step


@hyperparameters
class Muon(MatrixOptimizer):
    r"""Muon (Jordan et al. 2024, "MomentUm Orthogonalized by Newton–Schulz"), as
    ``torch.optim.Muon``.

    .. math::
        B_t &= \mu B_{t-1} + (1-\mu)\, G_t \\
        D_t &= (1-\mu)\, G_t + \mu B_t \ \text{(Nesterov)} \quad\text{or}\quad D_t = B_t \\
        O_t &= \mathrm{NS}_5(D_t) \approx U V^\top \quad (D_t = U S V^\top) \\
        \theta_t &= (1 - \eta\lambda)\, \theta_{t-1} - \eta\, s\, O_t, \qquad
            s = \sqrt{\max(1, m/n)} \ \text{("original")}, \ 0.2\sqrt{\max(m, n)}
            \ \text{("match\_rms\_adamw")}

    Every singular value of the step is about 1: the update moves all directions of the
    matrix equally far, whatever the gradient's conditioning. NS₅ is :func:`newton_schulz`.
    Computed in float64 here; torch runs the iteration in bfloat16 (the parity test checks
    both, see there). Muon is for the hidden weight matrices; embeddings, biases and the last
    layer go to AdamW, as its authors recommend.
    """

    lr: float | Callable = 1e-3
    weight_decay: float = 0.1
    momentum: float = 0.95
    nesterov: bool = True
    ns_coefficients: tuple[float, float, float] = MUON_COEFFICIENTS
    eps: float = 1e-7
    ns_steps: int = 5
    adjust_lr_fn: str | None = None

    def __post_init__(self):
        check_lr(self.lr)
        check_range("weight_decay", self.weight_decay, 0, INF)
        check_range("momentum", self.momentum, 0, 1, high_open=True)
        check_range("eps", self.eps, 0, INF, low_open=True)
        if not (isinstance(self.ns_steps, int | np.integer) and 0 <= self.ns_steps < 100):
            raise ValueError(
                f"ns_steps={self.ns_steps} is outside its valid range: an integer in [0, 99]"
            )
        if len(self.ns_coefficients) != 3:
            raise ValueError(f"ns_coefficients={self.ns_coefficients} must be (a, b, c)")
        if self.adjust_lr_fn not in (None, "original", "match_rms_adamw"):
            raise ValueError(
                f"adjust_lr_fn={self.adjust_lr_fn!r} is not one of None, 'original', "
                "'match_rms_adamw'"
            )

    def init(self, theta):
        self._check_theta(theta)
        zeros = np.zeros_like(theta, dtype=float)
        return MuonState(0, zeros, zeros)

    def scale(self, m: int, n: int) -> float:
        """The factor s by which η is multiplied for an m × n matrix."""
        if self.adjust_lr_fn == "match_rms_adamw":
            return 0.2 * np.sqrt(max(m, n))
        return np.sqrt(max(1, m / n))

    def step(self, theta, grad, state):
        t = state.step + 1
        mu = per_matrix(self.momentum)
        velocity = mu * state.velocity + (1 - mu) * grad
        direction = (1 - mu) * grad + mu * velocity if self.nesterov else velocity
        update = newton_schulz(direction, self.ns_coefficients, self.ns_steps, self.eps)
        lr = self._lr(t, theta)
        theta = theta * (1 - lr * per_matrix(self.weight_decay))
        theta = theta - lr * self.scale(*np.shape(theta)[-2:]) * update
        return theta, MuonState(t, velocity, update)
