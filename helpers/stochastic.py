"""Stochastic gradients: the gradient of one mini-batch per step instead of the whole data set."""

from __future__ import annotations

import numpy as np

from .data import MiniBatches
from .objectives import LinearRegression

__all__ = ["MinibatchGradient"]


class MinibatchGradient:
    r"""The mini-batch gradient ĝ_t = (1/B) Σ_{i ∈ batch t} ∇ℓ_i(θ), as ``run(gradient=...)`` wants.

    Batches are drawn without replacement, epoch by epoch, exactly as :class:`MiniBatches`
    defines them: step t uses batch ((t − 1) mod k) of epoch ⌊(t − 1)/k⌋ + 1, where k is the
    number of iterations per epoch. ``B = n`` gives the full gradient (batch gradient descent),
    ``B = 1`` plain stochastic gradient descent.

    With ``runs`` > 1 (and θ of shape (runs, 2)), every run draws its own batches: run r uses
    seed (seed, r), so many independent SGD runs advance in one vectorised call.
    """

    def __init__(
        self,
        loss: LinearRegression,
        batch_size: int,
        *,
        seed: int = 0,
        runs: int = 1,
        drop_last: bool = False,
        shuffle: bool = True,
    ):
        self.loss = loss
        self.runs = runs
        self.samplers = [
            MiniBatches(
                loss.n,
                batch_size,
                shuffle=shuffle,
                drop_last=drop_last,
                seed=(seed, r) if runs > 1 else seed,
            )
            for r in range(runs)
        ]
        self.batch_size = batch_size
        self.iterations_per_epoch = self.samplers[0].iterations_per_epoch
        self._epoch, self._batches = None, None

    def epoch_of(self, t: int) -> int:
        """The (1-based) epoch that step t belongs to."""
        return (t - 1) // self.iterations_per_epoch + 1

    def index(self, t: int) -> np.ndarray:
        """The samples of step t's batch: shape (B,), or (runs, B) for several runs."""
        epoch = self.epoch_of(t)
        if epoch != self._epoch:  # draw each epoch's order once
            self._batches = [sampler.epoch(epoch) for sampler in self.samplers]
            self._epoch = epoch
        i = (t - 1) % self.iterations_per_epoch
        if self.runs == 1:
            return self._batches[0][i]
        return np.stack([batches[i] for batches in self._batches])

    def __call__(self, theta, t: int) -> np.ndarray:
        return self.loss.batch_grad(theta, self.index(t))
