r"""Explorers for notebook 02 (gradient descent).

* ``ConditioningExplorer``: gradient descent on a 2-D quadratic whose condition number κ and
  rotation are sliders, next to the run at the best fixed learning rate η* = 2/(μ + L).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import condition_number_slider, lr_slider, tidy
from ..objectives import Quadratic
from ..optimizers import SGD
from ..plots import draw_contours
from ..theory import gd_optimal, gd_rate
from .contour import ContourExplorer

__all__ = ["ConditioningExplorer"]

SLIDER = "slider η"
BEST = "best η*"


class ConditioningExplorer(ContourExplorer):
    r"""Gradient descent on f(θ) = ½ θᵀAθ, where A has eigenvalues μ = L/κ and L and its
    eigenvectors are rotated by an angle.

    The κ and rotation sliders swap the quadratic; η, the step count and the start point are
    ContourExplorer's. Two runs are drawn: one at the slider's η and one at the best fixed
    learning rate η* = 2/(μ + L), whose per-step rate is (κ − 1)/(κ + 1). The line above the
    loss panel gives each run's rate max over λ of |1 − ηλ|.

    A new quadratic redraws only the contour panel, and a new step count only the loss panel,
    into the cached background, so every control answers in tens of milliseconds.
    """

    legend_above = False  # the rates are written above the loss panel

    resolution = 120  # contour grid: enough for smooth ellipses, quick to recompute

    def __init__(
        self,
        lr: float = 0.3,
        condition_number: float = 20.0,
        angle: float = 30,
        L: float = 4.0,
        steps: int = 100,  # enough for η*'s steeper slope to end lower, as the text says
        max_lr: float = 1.0,
    ):
        self.L = float(L)
        self.kappa = condition_number_slider(condition_number, high=100.0)
        self.angle = widgets.IntSlider(
            value=int(angle), min=-90, max=90, step=5, description="rotation (°)"
        )
        super().__init__(
            {"quadratic": self._quadratic()},
            self._runs,
            steps=steps,
            lr=lr_slider(lr, low=1e-3, high=max_lr),
            condition_number=self.kappa,
            angle=self.angle,
        )
        # The η* run is the reference: thin, pale and drawn first, so the slider's run is on top.
        self.paths[BEST].set(lw=1.0, ms=2.0, alpha=0.55)
        self._moving.remove(self.paths[BEST])
        self._moving.insert(0, self.paths[BEST])
        self.refresh()

    def _quadratic(self) -> Quadratic:
        return Quadratic(tidy(self.kappa.value), self.angle.value, L=self.L)

    def _runs(self, lr, condition_number, angle) -> dict:
        best_lr, _ = gd_optimal(self.L / condition_number, self.L)
        return {SLIDER: SGD(lr=lr), BEST: SGD(lr=best_lr)}

    # -- the static parts: each control redraws only the panel it changes --------------------
    def _on_change(self, change) -> None:
        with self.lock:
            if change.owner in (self.kappa, self.angle):
                self.objectives["quadratic"] = self._quadratic()
                self._draw_landscape(self.objective)
            super()._on_change(change)

    def _draw_landscape(self, objective: Quadratic) -> None:
        """The contours are an engine layer: a new κ or rotation redraws them alone, over the
        cached axes, ticks and labels (which do not change), with the frame on top."""
        ax = self.ax
        first = not hasattr(self, "rates")  # the first call, from ContourExplorer.__init__
        if first:
            self.layer("contours")
            self.layer("frame", *ax.spines.values())
        before = set(ax.get_children())
        gap = draw_contours(ax, objective, resolution=self.resolution)
        self.replace_layer("contours", [a for a in ax.get_children() if a not in before])
        if first:
            ax.set_aspect("equal")
            # The loss panel keeps these limits for every κ: its range barely depends on κ.
            self.loss_ax.set_ylim(1e-12 * gap.max(), gap.max() * 10)
            self.rates = self.loss_ax.text(
                0.5, 1.03, "", transform=self.loss_ax.transAxes, ha="center", fontsize=11
            )
            self.moving(self.rates)
            self.panel_title(ax, r"$f(\theta) = \frac{1}{2}\,\theta^\top A\,\theta$")

    # -- every update ----------------------------------------------------------------------------
    def update(self) -> None:
        super().update()
        objective = self.objective
        lr = tidy(self.named_controls["lr"].value)
        best_lr, best_rate = gd_optimal(objective.mu, objective.L)
        rate = gd_rate(lr, objective.eigenvalues).max()
        # on a projector the line is wider than its panel: two lines there
        joint = "\n" if self.classroom else " "
        self.rates.set_text(
            f"rate max|1 − ηλ|:{joint}{rate:.3g} at slider η, {best_rate:.3g} at η* = {best_lr:.3g}"
        )

    def measured_rate(self, label: str = BEST) -> float:
        """The per-step factor of |θ_t − θ*| over the run shown (geometric mean over steps)."""
        distance = np.linalg.norm(self.results[label].path - self.objective.center, axis=-1)
        return float((distance[-1] / distance[0]) ** (1 / (len(distance) - 1)))
