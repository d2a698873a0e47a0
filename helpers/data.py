"""Data sets made from a random seed (nothing is downloaded); ``helpers.minibatch`` cuts them
into batches."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["LinearData", "linear_data", "house_prices"]


class LinearData(NamedTuple):
    x: np.ndarray  # shape (n,)
    y: np.ndarray  # shape (n,)
    w: float  # the true slope
    b: float  # the true intercept
    noise: float  # standard deviation of the noise


def linear_data(
    n: int = 1000, w: float = 3.0, b: float = 2.0, noise: float = 0.1, seed: int = 42
) -> LinearData:
    """y = w·x + b + noise·N(0, 1) with x ~ U(0, 1).

    The defaults are *the line data* of notebooks 01–04 and 07, exactly as a widely copied PyTorch
    tutorial on mini-batch gradient descent makes them: ``np.random.seed(42)``, then
    ``X = np.random.rand(1000, 1)`` and ``y = 3*X + 2 + np.random.randn(1000, 1) * 0.1``.
    """
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise ValueError(f"n={n} is outside its valid range: an integer in [1, inf)")
    rng = np.random.RandomState(seed)  # the legacy generator np.random.seed sets
    x = rng.rand(n, 1)
    y = w * x + b + rng.randn(n, 1) * noise
    return LinearData(x.ravel(), y.ravel(), float(w), float(b), float(noise))


def house_prices(n: int = 15, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The house-price example of a blog post on epochs and batch sizes (notebook 01), made up
    from a random seed because the post gives no data: n houses' area (m², 40–160) and
    price (k€), about 3 k€ per m² plus noise of 40 k€ (rounded, as listings are)."""
    rng = np.random.default_rng(seed)
    area = rng.uniform(40, 160, n).round()
    price = (3.0 * area + rng.normal(0, 40, n)).round()
    return area, price
