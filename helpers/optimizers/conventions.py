r"""Other frameworks' forms of the same updates, computed from a run in PyTorch's form.

PyTorch's momentum keeps a buffer b of gradients; Sutskever et al. (2013), and many papers and
Keras, keep a velocity v that is the displacement itself. The two give the same iterates (for
Nesterov, up to where the point is read); notebook 05 draws them side by side.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sutskever_view"]


def sutskever_view(result, lr: float, beta: float, nesterov: bool):
    r"""Convert a PyTorch-form SGD run (path θ, buffer b) into Sutskever's form.

    Sutskever's velocity is the displacement v = −η b. For heavy ball the parameters are the
    same in both forms. For Nesterov, PyTorch's parameters are Sutskever's look-ahead points
    φ_t = θ_t + β v_t, so Sutskever's θ_t = φ_t − β v_t = φ_t + η β b_t.

    Returns (theta, velocity, gradient_point) with shapes (steps + 1, d): the point where the
    gradient of the next step is taken is θ_t (heavy ball) or the look-ahead θ_t + β v_t.
    """
    if result.states.velocity is None:  # β = 0: no buffer, no velocity, plain GD
        return result.path, np.zeros_like(result.path), result.path
    velocity = -lr * result.states.velocity
    if nesterov:
        lookahead = result.path
        return lookahead - beta * velocity, velocity, lookahead
    return result.path, velocity, result.path
