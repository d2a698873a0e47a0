r"""Explorers for notebook 02 (gradient descent).

* ``ConditioningExplorer``: gradient descent on a 2-D quadratic whose condition number κ and
  rotation are sliders, next to the run at the best fixed learning rate η* = 2/(μ + L).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import lr_slider
from ..objectives import Quadratic
from ..optimizers import SGD
from ..theory import gd_optimal, gd_rate
from .contour import ContourExplorer

__all__ = ["ConditioningExplorer"]

SLIDER = "GD at η (slider)"
BEST = "GD at η* = 2/(μ+L)"


class ConditioningExplorer(ContourExplorer):
    r"""Gradient descent on f(θ) = ½ θᵀAθ, A with eigenvalues μ = L/κ and L, rotated by an angle.

    The κ and rotation sliders swap the quadratic (and redraw its contours); η, the step count
    and the start point are ContourExplorer's. Two runs are drawn: one at the slider's η and one
    at η* = 2/(μ + L), the best fixed learning rate, whose per-step rate is (κ − 1)/(κ + 1).
    Above the loss panel: each run's rate max over λ of |1 − ηλ|.
    """

    def __init__(
        self,
        lr: float = 0.4,
        condition_number: float = 20.0,
        angle: float = 0.0,
        L: float = 4.0,
        steps: int = 50,
        max_lr: float = 1.0,
    ):
        self.L = float(L)
        self.kappa = widgets.FloatLogSlider(
            value=condition_number,
            base=10,
            min=0,  # κ = 1: a round bowl
            max=2,  # κ = 100: a narrow ravine
            step=0.02,
            description="κ = L/μ",
            readout_format=".3",
            style={"description_width": "initial"},
        )
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

    def _quadratic(self) -> Quadratic:
        return Quadratic(self.kappa.value, self.angle.value, L=self.L)

    def _runs(self, lr, condition_number, angle) -> dict:
        best_lr, _ = gd_optimal(self.L / condition_number, self.L)
        return {SLIDER: SGD(lr=lr), BEST: SGD(lr=best_lr)}

    def _draw_landscape(self, objective) -> None:
        super()._draw_landscape(objective)
        self.ax.set_title(f"κ = {objective.condition_number:.3g}, rotated {objective.angle:g}°")
        self.ax.set_aspect("equal")
        if not hasattr(self, "rates"):  # the rate line above the loss panel, made once
            self.rates = self.loss_ax.text(
                0.5, 1.03, "", transform=self.loss_ax.transAxes, ha="center", fontsize=11
            )
            self.moving(self.rates)

    def _on_change(self, change) -> None:
        if change.owner in (self.kappa, self.angle):  # a new quadratic: new contours
            self.objectives["quadratic"] = self._quadratic()
            self._draw_landscape(self.objective)
        super()._on_change(change)

    def update(self) -> None:
        super().update()
        objective = self.objective
        lr = self.named_controls["lr"].value
        best_lr, best_rate = gd_optimal(objective.mu, objective.L)
        rate = gd_rate(lr, objective.eigenvalues).max()
        self.rates.set_text(
            r"rate $\max|1-\eta\lambda|$: "
            f"{rate:.3g} at η = {lr:.3g}; {best_rate:.3g} at η* = {best_lr:.3g}"
        )

    @property
    def best_rate(self) -> float:
        """(κ − 1)/(κ + 1), the rate at η* for the quadratic shown."""
        return gd_optimal(self.objective.mu, self.objective.L)[1]

    def measured_rate(self, label: str = BEST) -> float:
        """The per-step factor of |θ_t − θ*| over the whole run shown (geometric mean)."""
        distance = np.linalg.norm(self.results[label].path - self.objective.center, axis=-1)
        return float((distance[-1] / distance[0]) ** (1 / (len(distance) - 1)))
