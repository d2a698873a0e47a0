"""Notebook 10's explorers: Lion's sign step, Muon's Newton–Schulz iteration, and
schedule-free training against a cosine schedule whose horizon is right or wrong."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import Explorer, condition_number_slider, lr_slider, round_lr_slider
from ..modern import noisy_quadratic_race
from ..objectives import Quadratic, Rosenbrock
from ..optimizers import Adam, AdamW, AdamWScheduleFree, Lion
from ..optimizers.matrix import MUON_COEFFICIENTS, singular_value_map
from ..plots.modern import polynomial_text
from ..schedules import warmup_cosine
from .contour import ContourExplorer

__all__ = ["sign_step_explorer", "NewtonSchulzExplorer", "ScheduleFreeExplorer"]


def sign_step_explorer(steps: int = 60) -> ContourExplorer:
    """Adam and Lion at the same η on an ill-conditioned quadratic and on Rosenbrock."""
    objectives = {
        "quadratic (κ = 50)": Quadratic(condition_number=50, angle=30),  # (as its panel says)
        "Rosenbrock": Rosenbrock(),
    }
    return ContourExplorer(
        objectives,
        lambda lr: {"Adam": Adam(lr=lr), "Lion": Lion(lr=lr)},
        steps=steps,
        max_steps=300,
        lr=lr_slider(0.1, low=0.003, high=1.0),
    )


# --------------------------------------------------------------------------------------------
# Short names: a dropdown is 300 px wide outside classroom mode, and the quintic's coefficients
# cut its label off; the left panel's title writes the chosen polynomial out instead.
COEFFICIENTS = {
    "Muon's quintic": MUON_COEFFICIENTS,
    "classic cubic": (1.5, -0.5, 0.0),
}


def _value(x: float) -> str:
    """One format for a singular value wherever the title writes one: 2 decimals, or 2
    significant digits below 0.1 (0.0086 was written 8.6e-03 beside an 'after' of 0.01)."""
    return f"{x:.2f}" if abs(x) >= 0.1 else f"{x:.2g}"


class NewtonSchulzExplorer(Explorer):
    """Left: φ applied k times on [0, 1]. Right: the 8 singular values of a gradient whose
    condition number is κ (spread evenly on a log scale), before and after k steps.

    Everything is a polynomial of at most 8 numbers and 400 grid points: nothing is
    precomputed, each slider move recomputes it (well under a millisecond).
    """

    def __init__(self):
        self.steps = widgets.IntSlider(5, min=0, max=12, description="NS steps k")
        self.kind = widgets.Dropdown(options=list(COEFFICIENTS), description="polynomial")
        self.kappa = condition_number_slider(100.0, high=1e4, description="κ of G")
        super().__init__([self.kind, self.steps, self.kappa], figsize=(10.0, 4.0))
        self.ax, self.dots = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.85, wspace=0.25)
        self.grid = np.linspace(0, 1, 400)
        self.ax.plot(self.grid, self.grid, "k:", lw=1)
        self.ax.axhline(1, color="gray", lw=0.8)
        self.ax.set(xlim=(0, 1), ylim=(-0.1, 1.6), xlabel=r"$\sigma$ (after $G/\|G\|_F$)")
        self.ax.set_ylabel(r"$\varphi^{(k)}(\sigma)$")
        self.dots.set(xscale="log", xlim=(2e-5, 1.5), ylim=(-0.1, 1.6), xlabel=r"$\sigma$ before")
        self.dots.set_ylabel(r"$\sigma$ after $k$ steps")
        self.dots.axhline(1, color="gray", lw=0.8)
        # "before" at height σ (the dotted identity), so that each "after" dot sits straight
        # above or below its own value (at height 0 they read as "the values were 0")
        identity = np.geomspace(2e-5, 1.5, 200)
        self.dots.plot(identity, identity, "k:", lw=1)
        (self.curve,) = self.ax.plot([], [], color="tab:red", lw=2)
        (self.before,) = self.dots.plot([], [], "o", color="tab:blue", label="before (σ)")
        (self.after,) = self.dots.plot([], [], "o", color="tab:red", label="after")
        self.dots.legend(loc="upper left", fontsize=9)
        self.on_structure(self.kind, self._name_polynomial)
        self._name_polynomial()
        self.moving(self.curve, self.before, self.after, self.add_title())
        self.refresh()

    def _name_polynomial(self) -> None:
        self.panel_title(self.ax, polynomial_text(COEFFICIENTS[self.kind.value]), fontsize=11)

    def singular_values(self) -> np.ndarray:
        """The gradient's 8 singular values, from 1 down to 1/κ, after the Frobenius scaling."""
        s = np.geomspace(1.0, 1.0 / self.kappa.value, 8)
        return s / np.sqrt(np.sum(s**2))

    def update(self) -> None:
        coefficients, k = COEFFICIENTS[self.kind.value], self.steps.value
        curve = singular_value_map(self.grid, coefficients, k)
        self.curve.set_data(self.grid, np.clip(curve, -0.1, 1.6))
        before = self.singular_values()
        after = singular_value_map(before, coefficients, k)
        self.before.set_data(before, before)
        self.after.set_data(before, np.clip(after, -0.1, 1.6))
        self.set_title(
            f"κ = {self.kappa.value:.3g}, {k} step{'s' * (k != 1)}: the singular values now lie in "
            f"[{_value(after.min())}, {_value(after.max())}] (they were in "
            f"[{_value(before.min())}, {_value(before.max())}])"
        )


# --------------------------------------------------------------------------------------------
class ScheduleFreeExplorer(Explorer):
    """f on the noisy quadratic (``helpers.modern.noisy_quadratic_race``, 32 noise streams,
    mean shown) for T = 400 steps: AdamW with a warm-up + cosine schedule planned for H·T steps
    and stopped at T, AdamW with the right horizon (H = 1, grey), and schedule-free AdamW
    evaluated at its average x.

    Precomputed once, when the explorer is made: every η stop of the slider (ten per decade)
    × every H, and schedule-free at every η, as one vectorised run per H (about a second);
    a slider move only picks the curves to show.
    """

    HORIZONS = (1.0, 2.0, 4.0, 8.0)

    def __init__(self, steps: int = 400, runs: int = 12, warmup: int = 20, seed: int = 0):
        self.lr = round_lr_slider(0.05, low=0.005, high=0.3)
        self.horizon = widgets.SelectionSlider(
            options=list(self.HORIZONS), value=4.0, description="horizon H × T"
        )
        super().__init__([self.lr, self.horizon], figsize=(10.0, 4.0))
        self.T, self.runs = steps, runs
        stops = np.array(self.lr.options, dtype=float)
        self.stops = stops
        per_run = np.repeat(stops, runs)  # (stops × runs,) one η per run

        def cosine(horizon):
            def make(n):
                return AdamW(
                    lr=lambda t: (
                        per_run * warmup_cosine(t, lr=1.0, total_steps=horizon, warmup_steps=warmup)
                    ),
                    weight_decay=0.0,
                )

            return make

        def race(make, evaluate_x=False):
            values = noisy_quadratic_race(
                make, steps, runs=per_run.size, seed=seed, evaluate_x=evaluate_x
            )
            return values.reshape(steps + 1, stops.size, runs).mean(axis=2)  # (T+1, stops)

        self.cosine = {h: race(cosine(int(h * steps))) for h in self.HORIZONS}
        self.free = race(
            lambda n: AdamWScheduleFree(lr=per_run, warmup_steps=warmup), evaluate_x=True
        )
        self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.78)
        self.ax.set(yscale="log", xlabel="step t", ylabel=rf"$f(\theta_t)$ (mean of {runs} runs)")
        self.ax.set_xlim(0, steps)
        self.ax.set_ylim(1e-2, 5)
        self.ax.grid(alpha=0.3)
        (self.right,) = self.ax.plot([], [], color="0.6", lw=1.5, label="cosine, horizon T")
        (self.wrong,) = self.ax.plot([], [], color="tab:blue", lw=2, label="cosine, horizon H·T")
        (self.sf,) = self.ax.plot([], [], color="tab:orange", lw=2, label="schedule-free (x)")
        # above the panel: at large η the curves fill its upper right (they struck out
        # "schedule-free (x)")
        self.ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
        self.moving(self.right, self.wrong, self.sf, self.add_title())
        self.refresh()

    def _index(self) -> int:
        return self.lr.options.index(self.lr.value)

    def update(self) -> None:
        i, h = self._index(), self.horizon.value
        t = np.arange(self.T + 1)
        self.right.set_data(t, self.cosine[1.0][:, i])
        self.wrong.set_data(t, self.cosine[h][:, i])
        self.sf.set_data(t, self.free[:, i])
        self.set_title(
            f"η = {self.stops[i]:.3g}: at step {self.T}, cosine for {h:g}·T "
            f"{self.cosine[h][-1, i]:.3f}, cosine for T {self.cosine[1.0][-1, i]:.3f}, "
            f"schedule-free {self.free[-1, i]:.3f}"
        )
