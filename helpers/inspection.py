r"""What an optimizer does at each step: g, m, m̂, √v, √v̂ and the effective step per coordinate.

``inspect`` runs one optimizer and collects, step by step, the quantities notebook 06's
inspector draws; ``make_optimizer`` builds the inspector's optimizers from its shared controls.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .objectives import Objective
from .optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop
from .runner import RunResult, run

__all__ = ["OPTIMIZER_NAMES", "QUANTITIES", "Inspection", "inspect", "make_optimizer"]


OPTIMIZER_NAMES = ("SGD", "momentum", "AdaGrad", "RMSProp", "Adam", "Adadelta")


def make_optimizer(name, lr, beta1, beta2, eps, bias_correction=True):
    """The optimizer ``name`` with the inspector's shared controls: β₁ is the momentum (of SGD
    with momentum) or Adam's β₁; β₂ is the decay of the squared-gradient average (RMSProp's α,
    Adam's β₂, Adadelta's ρ)."""
    if name == "SGD":
        return SGD(lr=lr)
    if name == "momentum":
        return SGD(lr=lr, momentum=beta1)
    if name == "AdaGrad":
        return Adagrad(lr=lr, eps=eps)
    if name == "RMSProp":
        return RMSprop(lr=lr, alpha=beta2, eps=eps)
    if name == "Adam":
        return Adam(lr=lr, betas=(beta1, beta2), eps=eps, bias_correction=bias_correction)
    if name == "Adadelta":
        return Adadelta(lr=lr, rho=beta2, eps=eps)
    raise ValueError(f"optimizer={name!r} is not one of {OPTIMIZER_NAMES}")


# The shared controls each optimizer reads (the inspector greys out the others)
USES = {
    "SGD": (),
    "momentum": ("beta1",),
    "AdaGrad": ("eps",),
    "RMSProp": ("beta2", "eps"),
    "Adam": ("beta1", "beta2", "eps", "bias_correction"),
    "Adadelta": ("beta2", "eps"),
}

QUANTITIES = ("g", "m", "m̂", "√v", "√v̂")


class Inspection(NamedTuple):
    """What the inspector draws, per step t (row t; row 0, before any step, is NaN).

    ``quantities`` maps g, m, m̂, √v, √v̂ to arrays of shape (steps + 1, d), or None where the
    optimizer has no such quantity; ``effective`` is the effective step per coordinate, the
    factor that multiplies the direction (g, m or m̂); ``step`` is θ_t − θ_{t−1}.
    """

    result: RunResult
    quantities: dict
    effective: np.ndarray
    step: np.ndarray


def inspect(name, optimizer, objective: Objective, x0, steps: int) -> Inspection:
    r"""Run ``optimizer`` and collect, for every step, what the inspector shows.

    Effective step per coordinate: η for SGD and momentum, η/(√G_t + ε) for AdaGrad,
    η/(√v_t + ε) for RMSProp, η/(√v̂_t + ε) for Adam, η √(E[Δθ²]_{t−1} + ε)/√(E[g²]_t + ε)
    for Adadelta.
    """
    result = run(optimizer, objective, x0, steps)
    states, path = result.states, result.path
    nan = np.full_like(path, np.nan)
    g = nan.copy()
    with np.errstate(all="ignore"):  # rows after a divergence are NaN; that is expected
        g[1:] = objective.grad(path[:-1])
        lr, eps = optimizer.lr, getattr(optimizer, "eps", None)
        quantities = dict.fromkeys(QUANTITIES)
        quantities["g"] = g
        if name == "momentum":
            quantities["m"] = states.velocity
        elif name == "Adam":
            quantities.update({"m": states.m, "m̂": states.m_hat, "√v": np.sqrt(states.v)})
            quantities["√v̂"] = np.sqrt(states.v_hat)
        elif name == "AdaGrad":
            quantities["√v"] = np.sqrt(states.sum_sq)
        elif name in ("RMSProp", "Adadelta"):
            quantities["√v"] = np.sqrt(states.square_avg)
        if name in ("SGD", "momentum"):
            effective = np.full_like(path, lr)
        elif name == "Adam":
            effective = lr / (np.sqrt(states.v_hat) + eps)
        elif name == "Adadelta":
            effective = nan.copy()
            effective[1:] = (
                lr * np.sqrt(states.delta_avg[:-1] + eps) / np.sqrt(states.square_avg[1:] + eps)
            )
        else:
            effective = lr / (quantities["√v"] + eps)
        effective[0] = np.nan
        step = nan.copy()
        step[1:] = np.diff(path, axis=0)
    for key, value in quantities.items():
        if value is not None:
            value = np.array(value, dtype=float)
            value[0] = np.nan  # the state before the first step is not shown
            quantities[key] = value
    return Inspection(result, quantities, effective, step)
