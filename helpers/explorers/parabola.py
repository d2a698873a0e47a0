"""Gradient descent on f(x) = x²."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import Explorer, StepControls, lr_slider
from ..objectives import Parabola
from ..optimizers import SGD
from ..runner import run


class ParabolaGD(Explorer):
    """Gradient descent on f(x) = x²: the iterates on the curve, and |x| against step (log axis).

    One step multiplies x by (1 − 2η), so the run crawls for small η, reaches the minimum in
    one step at η = 0.5, zig-zags for 0.5 < η < 1 and diverges for η > 1.
    With ``step_by_step=True`` a Step / Play / Reset bar shows the run one step at a time.
    """

    def __init__(self, lr: float = 0.1, steps: int = 20, x0: float = 10.0, step_by_step=False):
        self.objective = Parabola(x0=x0)
        self.lr = lr_slider(lr, low=1e-3, high=1.5)
        self.steps = widgets.IntSlider(steps, min=1, max=60, description="steps")
        self.stepper = StepControls(steps) if step_by_step else None
        controls = [self.lr, self.steps] + ([self.stepper] if self.stepper else [])
        super().__init__(controls, figsize=(9.0, 3.6))
        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.85, wspace=0.25)
        grid = np.linspace(-12, 12, 241)
        left.plot(grid, grid**2, color="0.6", lw=1.5)
        left.set(xlim=(-12, 12), ylim=(-5, 150), xlabel="x", ylabel="f(x) = x²")
        right.set(yscale="log", xlabel="step t", ylabel=r"$|x_t|$", ylim=(1e-8, 1e6))
        self.right = right
        (self.zigzag,) = left.plot([], [], "-o", color="tab:blue", ms=4, lw=1)
        (self.current,) = left.plot([], [], "o", color="tab:red", ms=8)
        (self.distance,) = right.plot([], [], "-o", color="tab:blue", ms=3, lw=1)
        self.moving(self.zigzag, self.current, self.distance, self.figure.suptitle(""))
        self._shown_steps = None
        self.refresh()

    def update(self) -> None:
        steps = self.steps.value
        if steps != self._shown_steps:  # the step axis is static: redraw it only when it changes
            self.right.set_xlim(0, steps)
            self.redraw_background()
            self._shown_steps = steps
            if self.stepper:
                self.stepper.play.max = steps
        result = run(SGD(lr=self.lr.value), self.objective, self.objective.x0, steps)
        shown = self.stepper.value if self.stepper else steps
        x = result.path[: shown + 1, 0]
        x = x[np.isfinite(x)]
        self.zigzag.set_data(x, x**2)
        self.current.set_data(x[-1:], x[-1:] ** 2)
        self.distance.set_data(np.arange(x.size), np.abs(x))
        factor = abs(1 - 2 * self.lr.value)
        if 0 <= result.diverged_at <= shown:
            verdict = f"diverged at step {int(result.diverged_at)}"
        else:
            verdict = f"|x| × {factor:.3g} per step; after {shown} steps x = {x[-1]:.3g}"
        self.figure._suptitle.set_text(f"η = {self.lr.value:.3g}: {verdict}")
