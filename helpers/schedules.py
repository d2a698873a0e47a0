r"""Learning-rate schedules, η_t as a plain function of the step t = 1, 2, …, and the
learning-rate range test that picks the peak η for them.

Each function takes the step (an int or an array of ints, 1 for the first update) and keyword
parameters, and returns the learning rate to use for that step. ``schedule(name, **params)``
checks the parameters once and returns a one-argument function, ready for
``helpers.run(..., lr_schedule=...)`` or for a torch loop::

    lr_at = schedule("cosine", lr=0.1, total_steps=1000)
    for t in range(1, 1001):
        for group in torch_optimizer.param_groups:
            group["lr"] = lr_at(t)
        ...

Where ``torch.optim.lr_scheduler`` has the same schedule (StepLR, ExponentialLR,
CosineAnnealingLR, LinearLR → CosineAnnealingLR, OneCycleLR), ``tests/test_schedules.py`` shows
that the two give the same learning rate at every step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .progress import end_early
from .progress import progress as bar
from .theory import ema

if TYPE_CHECKING:  # torch is imported by the range test only, so schedules load fast
    import torch

__all__ = [
    "constant",
    "step_decay",
    "exponential",
    "inverse_time",
    "cosine",
    "warmup_cosine",
    "one_cycle",
    "wsd",
    "schedule",
    "SCHEDULES",
    "RangeTest",
    "smooth",
    "lr_range_test",
]


def constant(t, *, lr):
    r"""η_t = η."""
    return lr + 0.0 * np.asarray(t, dtype=float)


def step_decay(t, *, lr, step_size, gamma=0.1):
    r"""η_t = η · γ^⌊(t − 1)/s⌋: multiply by γ every s steps (torch's StepLR)."""
    return lr * gamma ** np.floor_divide(np.asarray(t) - 1, step_size)


def exponential(t, *, lr, gamma):
    r"""η_t = η · γ^(t − 1): a constant factor every step (torch's ExponentialLR)."""
    return lr * gamma ** (np.asarray(t, dtype=float) - 1)


def inverse_time(t, *, lr, decay):
    r"""η_t = η / (1 + k·(t − 1)): the 1/t decay under which SGD converges (Robbins–Monro)."""
    return lr / (1 + decay * (np.asarray(t, dtype=float) - 1))


def cosine(t, *, lr, total_steps, lr_min=0.0):
    r"""η_t = η_min + (η − η_min)·(1 + cos(π (t − 1)/T))/2: half a cosine from η down to η_min
    over T steps (torch's CosineAnnealingLR with T_max = T)."""
    progress = (np.asarray(t, dtype=float) - 1) / total_steps
    return lr_min + (lr - lr_min) * (1 + np.cos(np.pi * progress)) / 2


def warmup_cosine(t, *, lr, total_steps, warmup_steps, start_factor=0.01, lr_min=0.0):
    r"""Linear warm-up from η·f to η over the first W steps, then a cosine down to η_min over
    the remaining T − W (torch's LinearLR followed by CosineAnnealingLR in a SequentialLR)."""
    e = np.asarray(t, dtype=float) - 1  # steps taken before this one
    warm = lr * (start_factor + (1 - start_factor) * np.minimum(e, warmup_steps) / warmup_steps)
    cool = cosine(
        e - warmup_steps + 1, lr=lr, total_steps=total_steps - warmup_steps, lr_min=lr_min
    )
    return np.where(e < warmup_steps, warm, cool)


def one_cycle(t, *, lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    r"""One cycle (Smith 2018), as torch's OneCycleLR with cosine annealing: from η/d up to η
    over the first p·T steps, then down to η/(d·d_final) at step T, each leg half a cosine.
    The cycle ends at step T: a later step raises, because a cosine leg continued past its end
    rises again (torch's OneCycleLR raises one step later, after allowing that first rise)."""
    last = int(np.max(t))
    if last > total_steps:
        raise ValueError(
            f"t={last} is outside one-cycle's valid range [1, total_steps={total_steps}]: "
            "the cycle is over; make total_steps the length of the run"
        )
    initial = lr / div_factor
    final = initial / final_div_factor
    e = np.asarray(t, dtype=float) - 1
    peak = float(pct_start * total_steps) - 1  # the step index at which η is largest

    def anneal(start, end, fraction):
        return end + (start - end) / 2 * (np.cos(np.pi * fraction) + 1)

    rising = anneal(initial, lr, e / peak)
    falling = anneal(lr, final, (e - peak) / (total_steps - 1 - peak))
    return np.where(e <= peak, rising, falling)


SCHEDULES = {
    "constant": constant,
    "step": step_decay,
    "exponential": exponential,
    "1/t": inverse_time,
    "cosine": cosine,
    "warm-up + cosine": warmup_cosine,
    "one-cycle": one_cycle,
}


def _check(name, value, valid: bool, expected: str):
    if not valid:
        raise ValueError(f"{name}={value} is outside its valid range: {expected}")


def _is_count(value) -> bool:
    return isinstance(value, int | np.integer) and value >= 1


def schedule(name: str, **params):
    """The schedule ``name`` (a key of SCHEDULES) with its parameters checked, as f(t)."""
    if name not in SCHEDULES:
        raise ValueError(f"schedule={name!r} is not one of {sorted(SCHEDULES)}")
    lr = params.get("lr")
    _check("lr", lr, lr is not None and math.isfinite(lr) and lr >= 0, "[0, inf)")
    total = params.get("total_steps")
    if "total_steps" in params:
        _check("total_steps", total, _is_count(total), "an integer in [1, inf)")
    if "step_size" in params:
        _check(
            "step_size",
            params["step_size"],
            _is_count(params["step_size"]),
            "an integer in [1, inf)",
        )
    if "gamma" in params:
        _check("gamma", params["gamma"], 0 < params["gamma"] <= 1, "(0, 1]")
    if "decay" in params:
        _check("decay", params["decay"], params["decay"] >= 0, "[0, inf)")
    if "lr_min" in params:
        _check("lr_min", params["lr_min"], 0 <= params["lr_min"] <= lr, f"[0, lr={lr}]")
    if "warmup_steps" in params:
        w = params["warmup_steps"]
        _check(
            "warmup_steps",
            w,
            _is_count(w) and w < total,
            f"an integer in [1, total_steps − 1] = [1, {total - 1}]",
        )
    if "start_factor" in params:
        _check("start_factor", params["start_factor"], 0 < params["start_factor"] <= 1, "(0, 1]")
    if "pct_start" in params:
        p = params["pct_start"]
        _check("pct_start", p, 0 < p < 1 and p * total >= 2, "(0, 1), with pct_start·total ≥ 2")
    for factor in ("div_factor", "final_div_factor"):
        if factor in params:
            _check(factor, params[factor], params[factor] >= 1, "[1, inf)")
    function = SCHEDULES[name]
    function(np.arange(1, 3), **params)  # a wrong parameter name fails here, not mid-run
    return partial(function, **params)


# -- the learning-rate range test (notebook 07) ------------------------------------------------
class RangeTest(NamedTuple):
    lrs: np.ndarray  # η at each step taken
    losses: np.ndarray  # the mini-batch loss at that step, before its update
    smoothed: np.ndarray  # the bias-corrected moving average of the losses
    suggested: float  # η where the smoothed loss falls fastest (per unit of log η)
    lr_at_min: float  # η where the smoothed loss is lowest


def smooth(losses, beta: float = 0.9) -> np.ndarray:
    r"""The bias-corrected exponential moving average s_k = a_k / (1 − β^(k+1)) of the losses
    ℓ_0, ℓ_1, …, with a_k = β a_{k−1} + (1 − β) ℓ_k and a_{−1} = 0 (``helpers.theory.ema``):
    the mini-batch noise would hide the trend otherwise, and without the correction the start
    would be pulled to 0."""
    k = np.arange(1, len(losses) + 1)
    return ema(losses, beta) / (1 - beta**k)


def lr_range_test(
    model: torch.nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    make_optimizer: Callable,
    *,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    steps: int = 100,
    batch_size: int = 32,
    seed: int = 0,
    stop_factor: float = 4.0,
    progress: bool = True,
) -> RangeTest:
    r"""The learning-rate range test, on a copy-free model that it trains in place (pass a
    fresh one). Smith (2017) raised η linearly over a few epochs; this is fastai's version
    (``lr_find``): η grows exponentially at every step, and the loss is smoothed.

    Step k = 0, 1, …, K − 1 uses η_k = η_min · (η_max/η_min)^{k/(K−1)}: η grows by the same
    factor every step. The mini-batch losses are recorded (batches drawn without replacement,
    from a ``torch.Generator`` seeded with ``seed``); the run stops early, as fastai's does,
    once the smoothed loss (``smooth``, computed as the run goes) is not finite or exceeds
    ``stop_factor`` × its lowest so far: η is then far too large.

    The suggestion is the η where the smoothed loss falls fastest against log η (its most
    negative slope), looked for before the smoothed loss's minimum: learning is quickest
    there, and it lies safely below the η at which the loss blows up.
    """
    import torch

    if not (0 < lr_min < lr_max and math.isfinite(lr_max)):
        raise ValueError(f"lr_min={lr_min}, lr_max={lr_max}: need 0 < lr_min < lr_max < inf")
    if not (isinstance(steps, int) and steps >= 3):
        raise ValueError(f"steps={steps} is outside its valid range: an integer in [3, inf)")
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny steps: threads only wait for each other (networks.train)
    try:
        return _range_test(model, x, y, make_optimizer, lrs, batch_size, seed, stop_factor,
                           progress)  # fmt: skip
    finally:
        torch.set_num_threads(previous)


def _range_test(model, x, y, make_optimizer, lrs, batch_size, seed, stop_factor, progress):
    import torch
    from torch.nn import functional as F

    steps = len(lrs)
    optimizer = make_optimizer(model.parameters(), float(lrs[0]))
    generator = torch.Generator().manual_seed(seed)
    order = torch.empty(0, dtype=torch.long)
    losses: list[float] = []
    # A bar closed before its total turns red ("failed") in Jupyter; a range test that stops
    # early has done its job, so on a stop the bar's total becomes the steps taken.
    counter = bar(total=steps, desc="range test") if progress else None
    for k in range(steps):
        if len(order) < batch_size:  # a new epoch: a fresh shuffle of all samples
            order = torch.randperm(len(x), generator=generator)
        index, order = order[:batch_size], order[batch_size:]
        for group in optimizer.param_groups:
            group["lr"] = float(lrs[k])
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        # fastai's stop: the smoothed loss above stop_factor × its lowest so far. (The raw
        # loss against its lowest, one lucky batch, stopped every test while the smoothed
        # loss was still falling: a spike of noise, not a blow-up.) Smoothing all K losses
        # again costs microseconds against the step's forward and backward pass.
        smoothed = smooth(losses)
        if counter is not None:
            counter.update(1)
        if not np.isfinite(smoothed[-1]) or smoothed[-1] > stop_factor * smoothed.min():
            if counter is not None:
                end_early(counter, k + 1, f"range test: done, the loss blew up at η = {lrs[k]:.2g}")
            break
    if counter is not None:
        counter.close()
    taken = lrs[: len(losses)]
    smoothed = smooth(np.nan_to_num(losses, nan=np.inf, posinf=1e30))
    lowest = int(np.argmin(smoothed))
    slope = np.gradient(smoothed, np.log(taken)) if len(taken) > 1 else np.zeros(1)
    steepest = int(np.argmin(slope[: lowest + 1]))
    return RangeTest(
        taken, np.array(losses), smoothed, float(taken[steepest]), float(taken[lowest])
    )


# -- warm-up, stable, decay (notebook 10) -----------------------------------------------------
def wsd(t, *, lr, total_steps, warmup_steps, decay_steps, start_factor=0.01, lr_min=0.0):
    r"""Warmup-stable-decay (WSD; Hu et al. 2024, MiniCPM): a linear warm-up from η·f to η over
    the first W steps, η constant, then a linear decay to η_min over the last D steps.

    Unlike cosine, η stays at its peak for most of the run and the decay is a short final
    phase, so a run can be continued from any checkpoint of the stable phase and decayed
    whenever the budget is known: the horizon is chosen late, not at the start.
    As torch's SequentialLR of LinearLR(f → 1, W), ConstantLR(factor 1) and
    LinearLR(1 → η_min/η, D): the decay's last step is η_min + (η − η_min)/D (torch
    reaches η_min one step after the run).
    """
    w, d = warmup_steps, decay_steps
    if not (isinstance(d, int | np.integer) and 1 <= d <= total_steps - w):
        raise ValueError(
            f"decay_steps={d} is outside its valid range: an integer in "
            f"[1, total_steps − warmup_steps] = [1, {total_steps - w}]"
        )
    e = np.asarray(t, dtype=float) - 1  # steps taken before this one
    warm = lr * (start_factor + (1 - start_factor) * np.minimum(e, w) / w)
    decay_start = total_steps - d
    into_decay = np.clip(e - decay_start, 0, d)
    cool = lr + (lr_min - lr) * into_decay / d
    return np.where(e < w, warm, cool)


SCHEDULES["warm-up + stable + decay"] = wsd
