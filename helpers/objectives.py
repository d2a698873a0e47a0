r"""The functions the course minimises, each with its analytic gradient.

Every objective acts on the last axis: ``value(x)`` maps shape ``(..., d)`` to ``(...)`` and
``grad(x)`` maps ``(..., d)`` to ``(..., d)``, so a 200×200 contour grid or 10,000 runs is one
call. Each also knows its minima, good plot bounds and a default start.

``value`` is written with plain arithmetic, so it also accepts a ``torch`` tensor; the tests use
that to check every analytic gradient against ``torch.autograd``.
"""

from __future__ import annotations

import numpy as np

from .data import linear_data

__all__ = [
    "Objective",
    "Parabola",
    "Quadratic",
    "Rosenbrock",
    "Beale",
    "Himmelblau",
    "Saddle",
    "Rastrigin",
    "LinearRegression",
    "default_objectives",
    "line_loss",
    "badly_scaled",
]


def _cos(x):
    """cos for numpy arrays and torch tensors alike."""
    if type(x).__module__.startswith("torch"):
        import torch

        return torch.cos(x)
    return np.cos(x)


class Objective:
    """Base class. Subclasses set the attributes below and implement ``value`` and ``grad``."""

    name: str = "objective"
    dim: int = 2
    minima: np.ndarray  # shape (k, dim): every global minimum
    min_value: float = 0.0
    bounds: np.ndarray  # shape (dim, 2): (low, high) per coordinate, good for plots
    x0: np.ndarray  # shape (dim,): default start
    # how the course writes this function's distance from its minimum, in text and as an axis
    # label: f for the test functions, L for a loss on data (notebooks 01, 03 and 04)
    gap_text: str = "f − f_min"
    gap_label: str = r"$f(\theta_t) - f_{min}$"

    def value(self, x):
        raise NotImplementedError

    def grad(self, x):
        raise NotImplementedError

    def __call__(self, x):
        return self.value(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _stack(*parts):
    return np.stack(np.broadcast_arrays(*parts), axis=-1)


class Parabola(Objective):
    r"""f(x) = a·x², one-dimensional (x has shape (..., 1)). f'(x) = 2a·x, so L = 2a."""

    dim = 1

    def __init__(self, a: float = 1.0, x0: float = 10.0):
        if not a > 0:
            raise ValueError(f"a={a} is outside its valid range (0, inf)")
        self.a = float(a)
        self.name = "x²" if a == 1 else f"{a:g}·x²"
        self.minima = np.zeros((1, 1))
        self.bounds = np.array([[-12.0, 12.0]])
        self.x0 = np.array([float(x0)])
        self.L = self.mu = 2 * self.a  # the curvature f''(x): GD is stable for η < 2/L

    def value(self, x):
        return self.a * x[..., 0] ** 2

    def grad(self, x):
        return 2 * self.a * np.asarray(x)

    def __repr__(self):
        return f"Parabola(a={self.a:g})"


class Quadratic(Objective):
    r"""f(x) = ½ (x − c)ᵀ A (x − c) in 2-D with a chosen condition number and rotation.

    A = R diag(L/κ, L) Rᵀ, where R rotates by ``angle`` degrees: along the first eigen-direction
    the bowl is flat (curvature μ = L/κ), along the second it is steep (curvature L).
    """

    def __init__(
        self, condition_number: float = 10.0, angle: float = 0.0, L: float = 1.0, center=(0.0, 0.0)
    ):
        if not condition_number >= 1:
            raise ValueError(
                f"condition_number={condition_number} is outside its valid range [1, inf)"
            )
        if not L > 0:
            raise ValueError(f"L={L} is outside its valid range (0, inf)")
        self.condition_number, self.angle, self.L = float(condition_number), float(angle), float(L)
        self.mu = self.L / self.condition_number
        phi = np.deg2rad(angle)
        self.eigenvalues = np.array([self.mu, self.L])
        self.eigenvectors = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
        self.hessian = self.eigenvectors @ np.diag(self.eigenvalues) @ self.eigenvectors.T
        self.center = np.asarray(center, dtype=float)
        self.name = f"quadratic (κ = {condition_number:g})"
        self.minima = self.center[None, :]
        self.bounds = self.center[:, None] + np.array([[-3.0, 3.0], [-3.0, 3.0]])
        self.x0 = self.center + np.array([-2.5, 1.5])

    def value(self, x):
        (a, b), (_, c) = self.hessian
        d0, d1 = x[..., 0] - self.center[0], x[..., 1] - self.center[1]
        return 0.5 * (a * d0**2 + 2 * b * d0 * d1 + c * d1**2)

    def grad(self, x):
        return (np.asarray(x) - self.center) @ self.hessian  # A is symmetric

    def __repr__(self):
        return f"Quadratic(condition_number={self.condition_number:g}, angle={self.angle:g})"


class Rosenbrock(Objective):
    r"""f(x, y) = (a − x)² + b (y − x²)²: a curved, narrow valley; minimum (a, a²)."""

    name = "Rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a, self.b = float(a), float(b)
        self.minima = np.array([[a, a**2]])
        # The classic window for a = 1, widened with |a| so the minimum (a, a²) stays inside.
        s = max(1.0, abs(self.a))
        self.bounds = np.array([[-2.0 * s, 2.0 * s], [-(s**2), 3.0 * s**2]])
        self.x0 = np.array([-1.2 * s, s**2])

    def value(self, x):
        return (self.a - x[..., 0]) ** 2 + self.b * (x[..., 1] - x[..., 0] ** 2) ** 2

    def grad(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        inner = x1 - x0**2
        return _stack(-2 * (self.a - x0) - 4 * self.b * x0 * inner, 2 * self.b * inner)


class Beale(Objective):
    r"""f(x, y) = Σᵢ (cᵢ − x + x yⁱ)², c = (1.5, 2.25, 2.625): flat plateaus, sharp ridges;
    minimum (3, 0.5)."""

    name = "Beale"
    c = (1.5, 2.25, 2.625)

    def __init__(self):
        self.minima = np.array([[3.0, 0.5]])
        self.bounds = np.array([[-4.5, 4.5], [-4.5, 4.5]])
        self.x0 = np.array([1.0, 1.5])

    def value(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        return sum((c - x0 + x0 * x1**i) ** 2 for i, c in enumerate(self.c, start=1))

    def grad(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        gx = gy = 0.0
        for i, c in enumerate(self.c, start=1):
            r = c - x0 + x0 * x1**i
            gx = gx + 2 * r * (x1**i - 1)
            gy = gy + 2 * r * i * x0 * x1 ** (i - 1)
        return _stack(gx, gy)


class Himmelblau(Objective):
    r"""f(x, y) = (x² + y − 11)² + (x + y² − 7)²: four equal minima (f = 0)."""

    name = "Himmelblau"

    def __init__(self):
        self.minima = np.array(
            [
                [3.0, 2.0],
                [-2.805118086952745, 3.131312518250573],
                [-3.779310253377747, -3.283185991286170],
                [3.584428340330492, -1.848126526964404],
            ]
        )
        self.bounds = np.array([[-5.0, 5.0], [-5.0, 5.0]])
        self.x0 = np.array([0.0, 0.0])

    def value(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        return (x0**2 + x1 - 11) ** 2 + (x0 + x1**2 - 7) ** 2

    def grad(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        p, q = x0**2 + x1 - 11, x0 + x1**2 - 7
        return _stack(4 * x0 * p + 2 * q, 2 * p + 4 * x1 * q)


class Saddle(Objective):
    r"""f(x, y) = x² + y⁴/4 − y²/2: a saddle point at the origin between two minima (0, ±1).

    Along y the origin is a maximum, along x a minimum; a run started on the line y = 0 never
    leaves it, and one started just off it must escape the flat saddle first.
    """

    name = "saddle"
    saddle_point = np.array([0.0, 0.0])

    def __init__(self):
        self.minima = np.array([[0.0, 1.0], [0.0, -1.0]])
        self.min_value = -0.25
        self.bounds = np.array([[-2.0, 2.0], [-2.0, 2.0]])
        self.x0 = np.array([-1.5, 0.01])

    def value(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        return x0**2 + x1**4 / 4 - x1**2 / 2

    def grad(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        return _stack(2 * x0, x1**3 - x1)


class Rastrigin(Objective):
    r"""f(x) = 2A + Σᵢ (xᵢ² − A cos 2πxᵢ), A = 10: a bowl covered in local minima; minimum 0."""

    name = "Rastrigin"

    def __init__(self, A: float = 10.0):
        self.A = float(A)
        self.minima = np.zeros((1, 2))
        self.bounds = np.array([[-5.12, 5.12], [-5.12, 5.12]])
        self.x0 = np.array([3.3, -2.6])

    def value(self, x):
        x0, x1 = x[..., 0], x[..., 1]
        A, tau = self.A, 2 * np.pi
        return 2 * A + x0**2 - A * _cos(tau * x0) + x1**2 - A * _cos(tau * x1)

    def grad(self, x):
        tau = 2 * np.pi
        return 2 * np.asarray(x) + self.A * tau * np.sin(tau * np.asarray(x))


class LinearRegression(Objective):
    r"""Mean squared error of the line ŷ = w·x + b on a data set, as a function of θ = (w, b).

    .. math:: L(w, b) = \frac1n \sum_i (w x_i + b - y_i)^2, \qquad
              \nabla L = \frac2n \sum_i (w x_i + b - y_i)\,(x_i, 1)

    L is a quadratic in θ, so ``value`` and ``grad`` use the data's moments (E[x²], E[xy], …)
    and cost the same for 10 or 10⁶ samples; ``sample_grads`` gives the per-sample terms for
    stochastic and mini-batch gradient descent.
    """

    name = "linear regression (MSE)"
    axis_labels = ("slope $w$", "intercept $b$")
    gap_text = "L − L*"
    gap_label = r"$L(\theta_t) - L^*$"

    def __init__(self, x, y):
        self.x = np.asarray(x, dtype=float).ravel()
        self.y = np.asarray(y, dtype=float).ravel()
        if self.x.shape != self.y.shape or self.x.size == 0:
            raise ValueError(
                f"x and y need the same non-zero length, got {self.x.size} and {self.y.size}"
            )
        x, y = self.x, self.y
        self.n = x.size
        self._ex, self._ey = x.mean(), y.mean()
        self._exx, self._exy, self._eyy = (x * x).mean(), (x * y).mean(), (y * y).mean()
        # L(θ) = ½ θᵀHθ − hᵀθ + E[y²], with H = 2 E[(x,1)(x,1)ᵀ] and h = 2 E[y (x,1)]
        self.hessian = 2 * np.array([[self._exx, self._ex], [self._ex, 1.0]])
        self._h = 2 * np.array([self._exy, self._ey])
        best = np.linalg.solve(self.hessian, self._h)
        self.minima = best[None, :]
        self.min_value = float(self.value(best))
        self.eigenvalues = np.linalg.eigvalsh(self.hessian)
        self.mu, self.L = self.eigenvalues  # smallest and largest curvature
        self.bounds = best[:, None] + np.array([[-4.0, 4.0], [-4.0, 4.0]])
        self.x0 = np.array([0.0, 0.0])

    def value(self, theta):
        w, b = theta[..., 0], theta[..., 1]
        return (
            w * w * self._exx
            + 2 * w * b * self._ex
            + b * b
            - 2 * w * self._exy
            - 2 * b * self._ey
            + self._eyy
        )

    def grad(self, theta):
        return np.asarray(theta) @ self.hessian - self._h  # H is symmetric

    def residuals(self, theta, index=None):
        """w·xᵢ + b − yᵢ for every sample (or those in ``index``): shape (..., n)."""
        x, y = (self.x, self.y) if index is None else (self.x[index], self.y[index])
        theta = np.asarray(theta)
        return theta[..., 0, None] * x + theta[..., 1, None] - y

    def sample_grads(self, theta, index=None):
        """Each sample's own gradient 2 rᵢ (xᵢ, 1): shape (..., n, 2). Their mean is ``grad``."""
        x = self.x if index is None else self.x[index]
        r = self.residuals(theta, index)
        return 2 * np.stack(np.broadcast_arrays(r * x, r), axis=-1)

    def batch_grad(self, theta, index):
        """The mini-batch gradient: the mean of the per-sample gradients over ``index``."""
        return self.sample_grads(theta, index).mean(axis=-2)

    def __repr__(self):
        return f"LinearRegression(n={self.n})"


def default_objectives() -> dict[str, Objective]:
    """Every objective with its default settings, by the name the pickers show."""
    data = linear_data()
    return {
        "x²": Parabola(),
        "quadratic": Quadratic(),
        "Rosenbrock": Rosenbrock(),
        "Beale": Beale(),
        "Himmelblau": Himmelblau(),
        "saddle": Saddle(),
        "Rastrigin": Rastrigin(),
        "linear regression": LinearRegression(data.x, data.y),
    }


# -- the loss of a line through the origin (notebook 01) ----------------------------------------
def line_loss(w, x, y) -> np.ndarray:
    r"""The mean squared error of the line through the origin ŷ = w·x:

    .. math:: L(w) = \frac1n \sum_{i=1}^n (w x_i - y_i)^2

    ``w`` may be a number or an array of slopes (one loss each).
    """
    w = np.asarray(w, dtype=float)
    return np.mean((w[..., None] * np.asarray(x) - np.asarray(y)) ** 2, axis=-1)


# -- the badly scaled bowl of notebook 06 ------------------------------------------------------
def badly_scaled(center=(0.0, 0.0)) -> Quadratic:
    r"""f(θ) = ½(θ₁² + 100 θ₂²) (shifted to ``center``): curvature 1 along θ₁, 100 along θ₂,
    both along the axes, so a separate step size per coordinate could fix it exactly."""
    quadratic = Quadratic(condition_number=100, angle=0, L=100, center=center)
    shift = "" if not np.any(center) else " (shifted)"
    quadratic.name = r"$f = \frac{1}{2}(\theta_1^2 + 100\,\theta_2^2)$" + shift
    return quadratic
