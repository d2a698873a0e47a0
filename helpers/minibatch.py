r"""How noisy a mini-batch gradient is, what that noise does to SGD, and what a batch costs.

Notebooks 03 and 04 compare these closed forms with measurements:

* ``gradient_noise``: the covariance Σ(θ) of the per-sample gradients ∇ℓᵢ(θ) around the full
  gradient ∇L(θ), and its trace σ² = (1/n) Σᵢ ‖∇ℓᵢ(θ) − ∇L(θ)‖²;
* ``minibatch_variance`` and ``measure_minibatch_variance``: E‖ĝ_B − ∇L‖² for a batch of B
  samples drawn without replacement, in theory, (σ²/B)·(n − B)/(n − 1), and measured;
* ``noise_ball``: where SGD with a constant η ends up, for small η: a cloud around the minimum
  whose covariance C solves HC + CH = η Σ(θ*)/B·(n − B)/(n − 1), with excess loss ½ tr(HC);
* ``samples_per_second`` and ``saved_activation_bytes``: a PyTorch model's training throughput
  and the memory autograd keeps per batch, measured on this machine.

torch is imported inside the two torch functions only, so the numpy parts load fast.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .data import MiniBatches
from .objectives import LinearRegression

__all__ = [
    "gradient_noise",
    "minibatch_variance",
    "measure_minibatch_variance",
    "noise_ball",
    "noise_ball_gap",
    "samples_per_second",
    "saved_activation_bytes",
    "garbage_collection_paused",
    "mlp",
]


def _check_batch_size(batch_size, n):
    if not (isinstance(batch_size, int | np.integer) and 1 <= batch_size <= n):
        raise ValueError(
            f"batch_size={batch_size} is outside its valid range: an integer in [1, {n}]"
        )


# -- the noise of one sample, and of a batch --------------------------------------------------
def gradient_noise(loss: LinearRegression, theta) -> np.ndarray:
    r"""Σ(θ) = (1/n) Σᵢ (∇ℓᵢ − ∇L)(∇ℓᵢ − ∇L)ᵀ: how the n per-sample gradients scatter around
    their mean, the full gradient ∇L(θ). Shape (2, 2); its trace is σ²."""
    deviations = loss.sample_grads(theta) - loss.grad(theta)  # shape (n, 2)
    return deviations.T @ deviations / loss.n


def minibatch_variance(sigma2: float, n: int, batch_size) -> np.ndarray:
    r"""E‖ĝ_B − ∇L‖² = (σ²/B)·(n − B)/(n − 1) for B samples drawn without replacement.

    σ²/B is what B independent draws would give; the finite-population factor (n − B)/(n − 1)
    says that a batch without repeats is a little better, and that B = n (the whole data set,
    every time) has no noise at all. ``batch_size`` may be an array.
    """
    b = np.asarray(batch_size, dtype=float)
    return sigma2 / b * (n - b) / (n - 1)


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
        _check_batch_size(batch_size, loss.n)
        sampler = MiniBatches(loss.n, batch_size, drop_last=True, seed=seed)
        epochs = -(-batches // sampler.iterations_per_epoch)  # enough epochs for `batches`
        index = np.concatenate([np.stack(sampler.epoch(e)) for e in range(1, epochs + 1)])
        estimates = per_sample[index].mean(axis=1)  # shape (number of batches, 2)
        measured[int(batch_size)] = float(np.mean(np.sum((estimates - full) ** 2, axis=-1)))
    return measured


# -- what the noise does to SGD ----------------------------------------------------------------
def noise_ball(loss: LinearRegression, lr: float, batch_size: int = 1) -> np.ndarray:
    r"""The covariance C of SGD's iterates around the minimum θ* at a small constant η.

    Near θ* one step is e ← e − η(He + ξ), with e = θ − θ* and ξ the batch's gradient noise
    (covariance Σ_B = Σ(θ*)/B·(n − B)/(n − 1)). In the stationary state E[eeᵀ] = C stays put:
    C = (I − ηH) C (I − ηH) + η² Σ_B, and dropping the η² term on the left (small η) leaves
    the Lyapunov equation HC + CH = η Σ_B, solved here. C grows in proportion to η/B.
    """
    _check_batch_size(batch_size, loss.n)
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


# -- what a batch costs (PyTorch, measured) ----------------------------------------------------
@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside a timed block, as ``timeit`` does.

    In a notebook kernel that holds many objects (figures, widgets), one full collection can
    take a tenth of a second, and it lands in whichever step or epoch happens to be timed.
    Memory is still freed as usual when objects go out of use; only the search for reference
    cycles waits until the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mlp(features: int = 32, hidden: int = 256):
    """A small multilayer perceptron: features → hidden → hidden → 1, with ReLUs."""
    from torch import nn

    return nn.Sequential(
        nn.Linear(features, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def samples_per_second(
    make_model: Callable,
    features: int,
    batch_sizes: Sequence[int],
    *,
    repeats: int = 5,
    seconds_per_repeat: float = 0.005,
    threads: int = 1,
    seed: int = 0,
) -> dict[int, float]:
    """Training throughput at each batch size: B / (time of one training step), in samples/s.

    One training step is what every training loop does per batch: zero the gradients, forward,
    MSE loss, backward, ``torch.optim.SGD`` step. A timing runs enough steps to last about
    ``seconds_per_repeat`` (one step is too short for the clock). The batch sizes take turns,
    ``repeats`` rounds of one timing each, and each keeps its median: a moment when the machine
    was busy with something else then spoils one timing of a few batch sizes, not all timings of
    one. torch uses ``threads`` threads while timing (the previous setting is restored
    afterwards), so numbers from different machines compare like for like, and the garbage
    collector is paused.
    """
    import torch

    generator = torch.Generator().manual_seed(seed)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        steps, calls, times = {}, {}, {}
        for batch_size in batch_sizes:
            torch.manual_seed(seed)
            x = torch.rand(batch_size, features, generator=generator)
            y = torch.rand(batch_size, 1, generator=generator)
            steps[batch_size] = step = _training_step(make_model(), x, y)
            calls[batch_size] = max(1, round(seconds_per_repeat / _time_of(step, 2)))  # warm-up
            times[batch_size] = []
        with garbage_collection_paused():
            for _ in range(repeats):
                for batch_size, step in steps.items():
                    times[batch_size].append(_time_of(step, calls[batch_size]))
        return {int(b): b / statistics.median(t) for b, t in times.items()}
    finally:
        torch.set_num_threads(previous)


def _training_step(model, x, y) -> Callable[[], None]:
    """One training step on the batch (x, y): zero the gradients, forward, MSE, backward, SGD."""
    import torch

    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()

    return step


def _time_of(step: Callable[[], None], calls: int) -> float:
    """Seconds per call of ``step``, from ``calls`` calls in a row, in CPU time of this thread:
    on an idle machine the same as the wall clock, and on a busy one it does not count the
    moments when other programs had the CPU (torch runs on this thread when it has one)."""
    start = time.thread_time()
    for _ in range(calls):
        step()
    return (time.thread_time() - start) / calls


def saved_activation_bytes(model, sample_shape: int | tuple[int, ...], batch_size: int) -> int:
    """Bytes of the tensors autograd keeps from a forward pass for the backward pass, apart
    from the weights: the activations (the input batch and the layers' outputs), each counted
    once. Found with ``torch.autograd.graph.saved_tensors_hooks``.

    ``sample_shape`` is one sample's shape: 32 for 32 features, (3, 224, 224) for an RGB image.
    The weights are kept too, but they do not grow with the batch; the activations do.
    """
    import torch

    shape = (sample_shape,) if isinstance(sample_shape, int) else tuple(sample_shape)
    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved = {}

    def keep(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in weights:
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
        model(torch.zeros(batch_size, *shape)).sum()
    return int(sum(saved.values()))
