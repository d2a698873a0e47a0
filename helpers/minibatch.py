r"""Mini-batches: cutting the data into batches, the gradient of one batch, and how noisy it is.

Vocabulary, as the course uses it:

* **batch size** B: how many samples one gradient estimate uses;
* **iteration**: one update of the parameters, made from one batch;
* **epoch**: one pass over all n samples, i.e. ⌈n / B⌉ iterations (⌊n / B⌋ with ``drop_last``).

What lives here:

* ``MiniBatches``: n samples cut into batches, reshuffled every epoch (PyTorch's DataLoader);
* ``MinibatchGradient``: the gradient of one batch per step, as ``helpers.run(gradient=...)``
  takes it (B = n is gradient descent, B = 1 stochastic gradient descent);
* ``gradient_noise`` and ``measure_minibatch_variance``: the scatter of per-sample gradients
  around the full gradient, and E‖ĝ_B − ∇L‖² measured (``helpers.theory`` has the closed forms);
* ``sample_order``, ``sgd_one_sample``, ``sgd_minibatch``: SGD on the regression loss in fast
  loops for the explorers of notebooks 03 and 04, each tested equal to ``helpers.run``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:  # objectives imports data; only the type is needed here
    from .objectives import LinearRegression

__all__ = [
    "Batch",
    "MiniBatches",
    "MinibatchGradient",
    "check_batch_size",
    "gradient_noise",
    "measure_minibatch_variance",
    "sample_order",
    "sgd_one_sample",
    "sgd_minibatch",
]

BOUND = 1e6  # as helpers.run: a run whose |θ| passes this has diverged


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


# -- cutting the data into batches ------------------------------------------------------------
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


# -- how noisy a batch gradient is ------------------------------------------------------------
def check_batch_size(batch_size, n):
    if not (isinstance(batch_size, int | np.integer) and 1 <= batch_size <= n):
        raise ValueError(
            f"batch_size={batch_size} is outside its valid range: an integer in [1, {n}]"
        )


def gradient_noise(loss: LinearRegression, theta) -> np.ndarray:
    r"""Σ(θ) = (1/n) Σᵢ (∇ℓᵢ − ∇L)(∇ℓᵢ − ∇L)ᵀ: how the n per-sample gradients scatter around
    their mean, the full gradient ∇L(θ). Shape (2, 2); its trace is σ²."""
    deviations = loss.sample_grads(theta) - loss.grad(theta)  # shape (n, 2)
    return deviations.T @ deviations / loss.n


def measure_minibatch_variance(
    loss: LinearRegression, theta, batch_sizes: Sequence[int], *, batches=4000, seed=0
) -> dict[int, float]:
    r"""E‖ĝ_B − ∇L(θ)‖² measured: the mean over at least ``batches`` mini-batches of B samples.

    The batches are the ones SGD uses (``MiniBatches``: each epoch a fresh shuffle cut into
    batches, here with ``drop_last`` so that every batch has exactly B samples), so each batch
    is a uniform draw of B distinct samples.
    """
    per_sample = loss.sample_grads(theta)  # computed once; a batch gradient is a mean of rows
    full = per_sample.mean(axis=0)
    measured = {}
    for batch_size in batch_sizes:
        check_batch_size(batch_size, loss.n)
        sampler = MiniBatches(loss.n, batch_size, drop_last=True, seed=seed)
        epochs = -(-batches // sampler.iterations_per_epoch)  # enough epochs for `batches`
        # One epoch at a time: all epochs' batches at once are a passing (batches, B, 2) array,
        # 64 MB at B = 1000. Each batch's error is computed alike, so the mean is the same.
        errors = []
        for e in range(1, epochs + 1):
            estimates = per_sample[np.stack(sampler.epoch(e))].mean(axis=1)  # (batches, 2)
            errors.append(np.sum((estimates - full) ** 2, axis=-1))
        measured[int(batch_size)] = float(np.mean(np.concatenate(errors)))
    return measured


# -- fast SGD on the regression loss (what the explorers of 03 and 04 draw) -------------------


def sample_order(gradient: MinibatchGradient, steps: int) -> np.ndarray:
    """Which sample each run uses at steps 1 … ``steps`` when B = 1: shape (steps, runs).

    The same shuffles ``gradient.index(t)`` draws (each epoch a fresh permutation per run), made
    in one go instead of step by step.
    """
    if gradient.batch_size != 1:
        raise ValueError(f"batch_size={gradient.batch_size}: sample_order is for B = 1")
    n = gradient.loss.n
    epochs = -(-steps // n)
    orders = [
        np.stack([sampler.order(e) for sampler in gradient.samplers], axis=1)  # (n, runs)
        for e in range(1, epochs + 1)
    ]
    return np.concatenate(orders)[:steps]


def sgd_one_sample(x: np.ndarray, y: np.ndarray, lrs: np.ndarray, x0) -> np.ndarray:
    r"""SGD with one sample per step on many runs at once: θ's path, shape (steps + 1, runs, 2).

    ``x[t − 1]`` and ``y[t − 1]`` (shape (steps, runs)) are the sample each run uses at step t,
    ``loss.x[order]`` and ``loss.y[order]`` for an ``order`` from ``sample_order``; ηₜ is
    ``lrs[t − 1]``. Each step is

    .. math:: r = w x + b - y, \qquad (w, b) \leftarrow (w, b) - \eta_t \cdot 2 r\, (x, 1)

    which is ``run(SGD(lr), loss, x0, steps, gradient=MinibatchGradient(loss, 1, ...))`` without
    the bookkeeping. A run that diverges is NaN from the step it leaves |θ| ≤ 10⁶ on.
    """
    steps, runs = x.shape
    two_lr = (2 * np.asarray(lrs, dtype=float)).tolist()  # plain floats: faster in the loop
    w_path, b_path = np.empty((steps + 1, runs)), np.empty((steps + 1, runs))
    w_path[0], b_path[0] = np.broadcast_to(np.asarray(x0, dtype=float), (runs, 2)).T
    w, b = w_path[0], b_path[0]
    with np.errstate(all="ignore"):  # a diverging run overflows; it is flagged below
        for t in range(steps):
            step = w * x[t]  # step = 2ηₜ·r, built in place: each numpy call costs a microsecond
            step += b
            step -= y[t]
            step *= two_lr[t]
            w = np.subtract(w, step * x[t], out=w_path[t + 1])
            b = np.subtract(b, step, out=b_path[t + 1])
        bad = ~(np.maximum(np.abs(w_path), np.abs(b_path)) <= BOUND)  # NaN fails "≤": bad too
    path = np.stack([w_path, b_path], axis=-1)
    if bad.any():
        path[np.logical_or.accumulate(bad, axis=0)] = np.nan  # from the first bad step on
    return path


def sgd_minibatch(loss: LinearRegression, batch_size: int, lr: float, epochs: int, seed=0, x0=None):
    r"""One SGD run with batches of ``batch_size`` for ``epochs`` epochs, as ``helpers.run``
    with ``MinibatchGradient(loss, batch_size, seed=seed)`` would make it.

    The batch gradient of the squared error only needs four averages over the batch:

    .. math:: \hat g = 2\,\big(\overline{x^2} w + \bar x b - \overline{xy},\;
              \bar x w + b - \bar y\big)

    so each epoch's batch averages are computed at once with numpy, and the steps are a loop
    over plain Python numbers (far faster than numpy for two numbers). Returns θ's path, shape
    (updates + 1, 2); after a divergence the rest is NaN.
    """
    sampler = MinibatchGradient(loss, batch_size, seed=seed).samplers[0]
    starts = np.arange(0, loss.n, batch_size)  # where each batch of an epoch starts
    sizes = np.diff(np.append(starts, loss.n))  # the last batch may be shorter
    averages = []  # per epoch: the batch averages of x², x, xy and y, shape (4, batches)
    for epoch in range(1, epochs + 1):
        order = sampler.order(epoch)
        x, y = loss.x[order], loss.y[order]
        averages.append(np.add.reduceat(np.stack([x * x, x, x * y, y]), starts, axis=1) / sizes)
    mxx, mx, mxy, my = np.concatenate(averages, axis=1).tolist()
    w, b = (0.0, 0.0) if x0 is None else (float(x0[0]), float(x0[1]))
    path = [(w, b)]
    for t in range(len(mxx)):
        grad_w = 2 * (mxx[t] * w + mx[t] * b - mxy[t])
        grad_b = 2 * (mx[t] * w + b - my[t])
        w, b = w - lr * grad_w, b - lr * grad_b
        if not (abs(w) <= BOUND and abs(b) <= BOUND):  # also catches inf and NaN
            path += [(math.nan, math.nan)] * (len(mxx) - t)
            break
        path.append((w, b))
    return np.array(path)
