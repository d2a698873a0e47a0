"""Ready-made explorers: each is one line in a notebook."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .engine import Explorer, lr_slider
from .objectives import Parabola
from .optimizers import SGD
from .runner import run

__all__ = ["ParabolaGD"]


class ParabolaGD(Explorer):
    """Gradient descent on f(x) = x²: the iterates on the curve, and |x| against step (log axis).

    One step multiplies x by (1 − 2η), so the run crawls for small η, converges in one step at
    η = 0.5, oscillates for 0.5 < η < 1 and diverges for η > 1.
    """

    def __init__(self, lr: float = 0.1, steps: int = 20, x0: float = 10.0):
        self.objective = Parabola(x0=x0)
        self.lr = lr_slider(lr, low=1e-3, high=1.5)
        self.steps = widgets.IntSlider(steps, min=1, max=60, description="steps")
        super().__init__([self.lr, self.steps], figsize=(9.0, 3.4))
        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.86, wspace=0.25)
        grid = np.linspace(-12, 12, 241)
        left.plot(grid, grid**2, color="0.6", lw=1.5)
        left.set(xlim=(-12, 12), ylim=(-5, 150), xlabel="x", ylabel="f(x) = x²")
        (self.zigzag,) = left.plot([], [], "-o", color="tab:blue", ms=4, lw=1)
        right.set(yscale="log", xlabel="step t", ylabel="|x_t|", ylim=(1e-8, 1e6))
        (self.distance,) = right.plot([], [], "-o", color="tab:blue", ms=3, lw=1)
        self.right = right
        self.refresh()

    def update(self) -> None:
        result = run(SGD(lr=self.lr.value), self.objective, self.objective.x0, self.steps.value)
        x = result.path[:, 0]
        self.zigzag.set_data(x, x**2)
        self.distance.set_data(np.arange(x.size), np.abs(x))
        self.right.set_xlim(0, self.steps.value)
        factor = 1 - 2 * self.lr.value
        if result.diverged_at >= 0:
            verdict = f"diverged at step {int(result.diverged_at)}"
        else:
            verdict = f"|x| × {abs(factor):.3g} per step, x after {x.size - 1} steps = {x[-1]:.3g}"
        self.figure.suptitle(f"η = {self.lr.value:.3g}: {verdict}")
