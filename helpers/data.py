"""Data sets made from a seed (nothing is downloaded) and the mini-batch iterator.

Vocabulary, as the course (and the seed-003 article) uses it:

* **batch size** B: how many samples one gradient estimate uses;
* **iteration**: one update of the parameters, made from one batch;
* **epoch**: one pass over all n samples, i.e. ⌈n / B⌉ iterations (⌊n / B⌋ with ``drop_last``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

__all__ = ["LinearData", "linear_data", "Batch", "MiniBatches"]


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

    The defaults reproduce the seed-000 article's data exactly: ``np.random.seed(42)``, then
    ``X = np.random.rand(1000, 1)`` and ``y = 3*X + 2 + np.random.randn(1000, 1) * 0.1``.
    """
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise ValueError(f"n={n} is outside its valid range: an integer in [1, inf)")
    rng = np.random.RandomState(seed)  # the legacy generator the article seeds
    x = rng.rand(n, 1)
    y = w * x + b + rng.randn(n, 1) * noise
    return LinearData(x.ravel(), y.ravel(), float(w), float(b), float(noise))


class Batch(NamedTuple):
    epoch: int  # 1 for the first pass over the data
    iteration: int  # counts updates since the start, 1 for the first
    index: np.ndarray  # which samples are in this batch


class MiniBatches:
    """Split n samples into batches of ``batch_size``, reshuffled every epoch.

    >>> batches = MiniBatches(n=10, batch_size=4, seed=0)
    >>> batches.iterations_per_epoch
    3
    >>> [len(b.index) for b in batches.take(epochs=1)]
    [4, 4, 2]

    The order of epoch k depends only on (seed, k), so runs are reproducible and two runs with
    the same seed see the same batches. With ``drop_last=True`` a short final batch is skipped,
    as PyTorch's ``DataLoader(drop_last=True)`` does.
    """

    def __init__(
        self,
        n: int,
        batch_size: int,
        *,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: int = 0,
    ):
        if not (isinstance(n, int | np.integer) and n >= 1):
            raise ValueError(f"n={n} is outside its valid range: an integer in [1, inf)")
        if not (isinstance(batch_size, int | np.integer) and 1 <= batch_size <= n):
            raise ValueError(
                f"batch_size={batch_size} is outside its valid range: an integer in [1, {n}]"
            )
        self.n, self.batch_size = int(n), int(batch_size)
        self.shuffle, self.drop_last, self.seed = shuffle, drop_last, seed

    @property
    def iterations_per_epoch(self) -> int:
        if self.drop_last:
            return self.n // self.batch_size
        return math.ceil(self.n / self.batch_size)

    def order(self, epoch: int) -> np.ndarray:
        """The sample order of one epoch (1-based)."""
        if not self.shuffle:
            return np.arange(self.n)
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def epoch(self, epoch: int) -> list[np.ndarray]:
        """The index arrays of one epoch's batches, in order."""
        order = self.order(epoch)
        stops = range(self.batch_size, self.n + self.batch_size, self.batch_size)
        batches = [order[stop - self.batch_size : stop] for stop in stops]
        return batches[: self.iterations_per_epoch]

    def take(self, epochs: int) -> Iterator[Batch]:
        """Every batch of the first ``epochs`` epochs, numbered."""
        iteration = 0
        for k in range(1, epochs + 1):
            for index in self.epoch(k):
                iteration += 1
                yield Batch(k, iteration, index)

    def __repr__(self):
        return (
            f"MiniBatches(n={self.n}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, seed={self.seed})"
        )
