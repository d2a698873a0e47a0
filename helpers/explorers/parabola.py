"""Gradient descent on f(x) = x²."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import Explorer, StepControls, lr_slider, tidy
from ..objectives import Parabola
from ..optimizers import SGD
from ..plots import superscript
from ..runner import BOUND, run

VIEW = 12.0  # the left panel shows x in [−12, 12]
FLOOR = 1e-8  # the bottom of the log axis; |x| below it (or exactly 0) is drawn there


def _power_of_ten(value: float) -> str:
    """1e6 as "10⁶"."""
    return "10" + superscript(round(np.log10(value)))


class ParabolaGD(Explorer):
    """Gradient descent on f(x) = x²: the iterates on the curve, and |x| against step (log axis).

    One step is x ← x − η·2x = (1 − 2η)·x, so the run crawls for small η, reaches the minimum
    in one step at η = 0.5, zig-zags for 0.5 < η < 1, bounces between ±x₀ at η = 1 and
    diverges for η > 1. With ``step_by_step=True`` a Step / Play / Reset bar shows the run
    one step at a time.
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
        grid = np.linspace(-VIEW, VIEW, 241)
        left.plot(grid, grid**2, color="0.6", lw=1.5)
        left.set(xlim=(-VIEW, VIEW), ylim=(-5, VIEW**2 + 6), xlabel="$x$", ylabel="$f(x) = x^2$")
        right.set(yscale="log", xlabel="step $t$", ylabel=r"$|x_t|$", ylim=(FLOOR / 3, BOUND))
        self.right = right
        # |x| = 0 has no place on a log axis: draw it on a labelled floor, never unexplained
        right.axhline(FLOOR, color="0.6", lw=0.8, ls=":")
        right.text(
            0.98,
            FLOOR * 1.6,
            "floor: x = 0 (or |x| < 10⁻⁸) is drawn here",
            transform=right.get_yaxis_transform(),
            ha="right",
            va="bottom",
            fontsize=8,
            color="0.35",
        )
        left.plot([x0], [x0**2], "s", color="black", ms=6, label="start")
        (self.zigzag,) = left.plot([], [], "-o", color="tab:blue", ms=4, lw=1)
        (self.current,) = left.plot([], [], "o", color="tab:red", ms=8)
        (self.distance,) = right.plot([], [], "-o", color="tab:blue", ms=3, lw=1, clip_on=False)
        self.note = left.text(
            0.5,
            0.97,
            "",
            transform=left.transAxes,
            ha="center",
            va="top",
            color="darkred",
            fontsize=11,
            fontweight="bold",
        )
        self.moving(self.zigzag, self.current, self.distance, self.note, self.add_title())
        self._shown_steps = self._shown_lr = None
        self.refresh()

    def update(self) -> None:
        lr, steps = tidy(self.lr.value), self.steps.value
        if steps != self._shown_steps:  # the step axis is static: redraw it only when it changes
            self.right.set_xlim(-0.5, steps + 0.5)
            self.redraw_background()
            self._shown_steps = steps
            if self.stepper:
                self.stepper.play.max = steps
        result = run(SGD(lr=lr), self.objective, self.objective.x0, steps)
        if self.stepper and lr != self._shown_lr and self._shown_lr is not None:
            # a new η is a new run: step it from the start ("set η = 0.8 and step again")
            self.set_quietly(self.stepper, 0)
        self._shown_lr = lr
        shown = min(self.stepper.value, steps) if self.stepper else steps
        x = result.path[: shown + 1, 0]
        x = x[np.isfinite(x)]
        self.zigzag.set_data(x, x**2)
        self.current.set_data(x[-1:], x[-1:] ** 2)
        self.distance.set_data(np.arange(x.size), np.maximum(np.abs(x), FLOOR))

        factor = f"{1 - 2 * lr:.3g}"
        outside = np.flatnonzero(np.abs(x) > VIEW)
        if 0 <= result.diverged_at <= shown:
            # what "diverged" means here, and why it comes later than leaving the view
            verdict = (
                f"each step multiplies x by {factor}: diverged at step {int(result.diverged_at)} "
                f"(|x| > {_power_of_ten(BOUND)}, the top of the right panel)"
            )
        elif x[-1] == 0:
            verdict = f"each step multiplies x by 1 − 2η = {factor}: x = 0 after step 1"
        else:
            after = f"{shown} step" + ("" if shown == 1 else "s")
            verdict = f"each step multiplies x by 1 − 2η = {factor}; after {after} x = {x[-1]:.3g}"
        self.note.set_text(f"x left the view at step {outside[0]}" if outside.size else "")
        self.set_title(f"η = {lr:.3g}: {verdict}")
