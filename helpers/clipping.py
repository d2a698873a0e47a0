r"""Gradient clipping by global norm, as ``torch.nn.utils.clip_grad_norm_``.

All of a model's gradients are treated as ONE vector g: if its norm ‖g‖ exceeds c, every
gradient is scaled by the same factor, so the direction is kept and only the length shrinks::

    g ← g · min(1, c / (‖g‖ + 10⁻⁶))

A single huge gradient (a loss spike, a bad batch) then moves the weights at most about η·c.
Part of the modern recipe (AdamW, warm-up, a decay schedule, clipping at c = 1), notebook 10.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["global_norm", "clip_grad_norm", "clip_per_run"]

EPS = 1e-6  # torch's: keeps the factor finite at ‖g‖ = 0


def _check(max_norm, norm_type):
    if not (isinstance(max_norm, int | float | np.floating) and max_norm >= 0):
        raise ValueError(f"max_norm={max_norm} is outside its valid range [0, inf)")
    if not (norm_type == math.inf or (isinstance(norm_type, int | float) and norm_type > 0)):
        raise ValueError(f"norm_type={norm_type} is outside its valid range (0, inf]")


def global_norm(grads: Sequence[np.ndarray], norm_type: float = 2.0) -> float:
    """‖g‖_p of all the arrays together, as if they were concatenated into one vector."""
    _check(1.0, norm_type)
    parts = [np.abs(np.asarray(g, dtype=float)).ravel() for g in grads]
    if not parts:
        return 0.0
    if norm_type == math.inf:
        return float(max(p.max(initial=0.0) for p in parts))
    # the norm of the per-array norms, as torch computes it
    norms = np.array([np.sum(p**norm_type) ** (1 / norm_type) for p in parts])
    return float(np.sum(norms**norm_type) ** (1 / norm_type))


def clip_grad_norm(
    grads: Sequence[np.ndarray],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> tuple[list[np.ndarray], float]:
    """The gradients scaled to a global norm of at most ``max_norm``, and the norm before.

    Returns new arrays (nothing is changed in place). Like torch, the factor
    min(1, c/(‖g‖ + 10⁻⁶)) is applied even when it is 1, and ``error_if_nonfinite=True`` raises
    when ‖g‖ is NaN or infinite instead of spreading the NaN into every gradient.
    """
    _check(max_norm, norm_type)
    total = global_norm(grads, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(
            f"the total norm of order {norm_type} of the gradients is {total}: a gradient "
            "is NaN or infinite (error_if_nonfinite=True)"
        )
    factor = min(1.0, max_norm / (total + EPS))
    return [np.asarray(g, dtype=float) * factor for g in grads], total


def clip_per_run(grad: np.ndarray, max_norm: float) -> np.ndarray:
    """Clip each run of a ``(..., d)`` gradient array by its own Euclidean norm (last axis):
    the same rule as ``clip_grad_norm``, for many runs at once in ``helpers.run``."""
    _check(max_norm, 2.0)
    g = np.asarray(grad, dtype=float)
    norm = np.linalg.norm(g, axis=-1, keepdims=True)
    return g * np.minimum(1.0, max_norm / (norm + EPS))
