"""What a batch costs on this machine, measured with PyTorch: training throughput and memory.

* ``samples_per_second``: a model's training throughput at each batch size;
* ``saved_activation_bytes``: the memory autograd keeps per batch for the backward pass;
* ``garbage_collection_paused``: a timed block without Python's cyclic collector;
* ``mlp``: the small network the throughput figure of notebook 04 times.

torch is imported inside the functions, so ``import helpers`` stays light.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

__all__ = ["samples_per_second", "saved_activation_bytes", "garbage_collection_paused", "mlp"]


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
    ``repeats`` rounds of one timing each, and each keeps its shortest: a busy machine can only
    make a timing longer (its caches shared, its clock slowed), so the shortest is the least
    spoiled. torch uses ``threads`` threads while timing (the previous setting is restored
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
        return {int(b): b / min(t) for b, t in times.items()}
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
