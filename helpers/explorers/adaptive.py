r"""Explorers for notebook 06 (adaptive methods: AdaGrad, RMSProp, Adam, AdamW, Adadelta).

* ``rmsprop_explorer``: AdaGrad against RMSProp, with RMSProp's decay α as a slider;
* ``bias_correction_explorer``: Adam with and without bias correction, β₁ and β₂ sliders;
* ``weight_decay_explorer`` (a ``WeightDecayExplorer``): Adam with an L2 penalty against
  AdamW, the same λ for both, and the penalised minimum Adam + L2 is headed for;
* ``AdaptiveInspector``: one optimizer step by step, with g, m, m̂, √v, √v̂ and the effective
  step per coordinate drawn next to the path.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..engine import (
    Explorer,
    StepControls,
    beta_slider,
    function_picker,
    lr_slider,
    quiver_arrows,
    status_text,
    tidy,
)
from ..inspection import OPTIMIZER_NAMES, QUANTITIES, USES, Inspection, inspect, make_optimizer
from ..objectives import Beale, Objective, Rosenbrock, badly_scaled
from ..optimizers import Adagrad, Adam, AdamW, RMSprop
from ..plots import clear_contours, draw_contours
from ..theory import l2_minimum
from .contour import ContourExplorer

__all__ = [
    "rmsprop_explorer",
    "bias_correction_explorer",
    "weight_decay_explorer",
    "WeightDecayExplorer",
    "AdaptiveInspector",
]


def rmsprop_explorer(lr: float = 0.05, alpha: float = 0.99, steps: int = 300) -> ContourExplorer:
    """AdaGrad and RMSProp at the same η on the badly scaled quadratic; α is RMSProp's decay."""
    return ContourExplorer(
        badly_scaled(),
        lambda lr, alpha: {"AdaGrad": Adagrad(lr=lr), "RMSProp": RMSprop(lr=lr, alpha=alpha)},
        steps=steps,
        max_steps=1000,
        lr=lr_slider(lr, low=1e-3, high=3.0),
        alpha=beta_slider(alpha, description="α (PyTorch alpha, Keras rho)"),
    )


def bias_correction_explorer(
    lr: float = 0.1, beta1: float = 0.9, beta2: float = 0.999, steps: int = 40, shown: int = 1
) -> ContourExplorer:
    """Adam with and without bias correction, step by step, on the badly scaled quadratic.
    It opens at step ``shown`` (the first, which 06 asks about), and its title gives each
    run's step length per coordinate, which on the map is a few pixels."""
    explorer = ContourExplorer(
        badly_scaled(),
        lambda lr, beta1, beta2: {
            "Adam": Adam(lr=lr, betas=(beta1, beta2)),
            "no bias correction": Adam(lr=lr, betas=(beta1, beta2), bias_correction=False),
        },
        steps=steps,
        step_by_step=True,
        step_lengths=True,
        lr=lr_slider(lr, low=1e-3, high=3.0),
        beta1=beta_slider(beta1, description="β₁"),
        beta2=beta_slider(beta2, description="β₂"),
    )
    explorer.stepper.play.value = min(shown, steps)
    return explorer


class WeightDecayExplorer(ContourExplorer):
    """Adam with an L2 penalty and AdamW, both with weight_decay = λ, on the badly scaled
    quadratic moved to (2, 1), so that decay (a pull towards 0) and the loss disagree; an open
    diamond marks the minimum of f + λ/2 |θ|², where Adam + L2 is headed (it moves with λ).
    It opens at 3000 steps, where AdamW has arrived (fewer steps show it on its way)."""

    _penalised = None  # the diamond, made at the first update (the panel exists by then)

    def __init__(self, lr: float = 0.05, weight_decay: float = 0.5, steps: int = 3000):
        super().__init__(
            badly_scaled(center=(2.0, 1.0)),
            lambda lr, weight_decay: {
                "Adam + L2": Adam(lr=lr, weight_decay=weight_decay),
                "AdamW": AdamW(lr=lr, weight_decay=weight_decay),
            },
            steps=steps,
            max_steps=3000,
            lr=lr_slider(lr, low=1e-3, high=1.0),
            weight_decay=widgets.FloatSlider(
                value=weight_decay,
                min=0.0,
                max=2.0,
                step=0.05,
                description="λ (weight_decay)",
            ),
        )

    def update(self) -> None:
        if self._penalised is None:
            (self._penalised,) = self.ax.plot(  # open: Adam + L2's end shows through it
                [], [], "D", mfc="none", mec="black", mew=1.6, ms=12, zorder=5
            )
            self.moving(self._penalised)
        super().update()
        q = self.objective
        point = l2_minimum(q.hessian, q.center, tidy(self.named_controls["weight_decay"].value))
        self._penalised.set_data([point[0]], [point[1]])


def weight_decay_explorer(
    lr: float = 0.05, weight_decay: float = 0.5, steps: int = 3000
) -> WeightDecayExplorer:
    """The weight-decay explorer (``WeightDecayExplorer``), as 06 opens it."""
    return WeightDecayExplorer(lr=lr, weight_decay=weight_decay, steps=steps)


# -- the step-by-step inspector ----------------------------------------------------------------


LABELS = (r"$g$", r"$m$", r"$\hat m$", r"$\sqrt{v}$", r"$\sqrt{\hat v}$")


COORDINATE_COLORS = ("tab:blue", "tab:orange")
SYMLOG = 1e-3  # the bars' axis is linear within ±1e-3, logarithmic beyond


class AdaptiveInspector(Explorer):
    r"""One optimizer, one step at a time (Step / Play).

    Left: the path on the contours; at the current step two arrows leave θ_{t−1}: the step plain
    gradient descent would take, −ηg (grey), and the step this optimizer took, Δθ (red).
    Middle: g, m, m̂, √v and √v̂ of the current step per coordinate (θ₁ blue, θ₂ orange) on a
    symmetric log axis; a quantity the optimizer does not have is left empty.
    Right: the effective step per coordinate over the whole run (the factor that multiplies g,
    m or m̂), the current step marked; the dashed line is η. It opens at step ``shown``.
    """

    def __init__(
        self,
        optimizer: str = "Adam",
        objectives: Objective | dict[str, Objective] | None = None,
        lr: float = 0.1,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        steps: int = 60,
        shown: int = 3,
    ):
        if objectives is None:
            objectives = {
                "badly scaled quadratic": badly_scaled(),
                "Rosenbrock": Rosenbrock(),
                "Beale": Beale(),
            }
        if isinstance(objectives, Objective):
            objectives = {"objective": objectives}
        self.objectives = dict(objectives)
        self.picker = (
            function_picker(self.objectives, description="function")
            if len(self.objectives) > 1
            else None
        )
        self.optimizer = function_picker(OPTIMIZER_NAMES, value=optimizer, description="optimizer")
        self.lr = lr_slider(lr, low=1e-3, high=3.0)
        names = {"beta1": "β₁ (momentum, Adam)", "beta2": "β₂ (RMSProp α, Adam, Adadelta ρ)"}
        names["bias"] = "bias correction (Adam)"
        # Short names, the full ones as tooltips: the long labels left β₂'s slider a track of
        # 20–40 px at 1280 px (nothing to grab), and in classroom mode took a row each. The
        # controls the chosen optimizer does not read are greyed out (USES).
        label = {"beta1": "β₁", "beta2": "β₂", "bias": "bias correction"}
        self.beta1 = beta_slider(beta1, description=label["beta1"])
        self.beta2 = beta_slider(beta2, description=label["beta2"])
        # up to 10⁴, so that ε can dominate √v̂ (|g| reaches 150 here) and Adam turn into momentum
        self.eps = lr_slider(eps, low=1e-10, high=1e4, description="ε")
        self.bias_correction = widgets.Checkbox(value=True, description=label["bias"])
        for control, key in ((self.beta1, "beta1"), (self.beta2, "beta2")):
            control.tooltip = names[key]
        self.bias_correction.tooltip = names["bias"]
        # the controls make_optimizer shares between the optimizers, by its argument names
        self.shared_controls = {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        self.shared_controls["bias_correction"] = self.bias_correction
        self.steps = widgets.IntSlider(steps, min=1, max=300, description="steps")
        self.stepper = StepControls(steps)
        controls = [self.picker] if self.picker else []
        controls += [self.optimizer, self.lr, self.beta1, self.beta2, self.eps]
        controls += [self.bias_correction, self.steps, self.stepper]
        super().__init__(controls, figsize=(13.0, 4.6))

        self.ax, self.bar_ax, self.eff_ax = self.figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1, 1, 1]}
        )
        self.figure.subplots_adjust(
            left=0.05, right=0.975, bottom=0.13, top=0.84, wspace=0.3
        )  # (0.99 cut the last tick)
        (self.path,) = self.ax.plot([], [], "-o", color="tab:red", ms=2.5, lw=1.2)
        (self.here,) = self.ax.plot([], [], "o", color="tab:red", mec="black", ms=8)
        self.arrows = quiver_arrows(self.ax, ["0.45", "tab:red"])
        self.status = status_text(self.ax, 0.03, 0.97)

        positions = np.arange(len(QUANTITIES))
        self.bars = []
        for i, color in enumerate(COORDINATE_COLORS):
            self.bars.append(
                self.bar_ax.bar(
                    positions + (i - 0.5) * 0.38,
                    np.zeros(len(QUANTITIES)),
                    width=0.38,
                    color=color,
                    label=rf"$\theta_{i + 1}$",
                )
            )
        self.bar_ax.set_yscale("symlog", linthresh=SYMLOG)
        self.bar_ax.set(ylim=(-1e4, 1e4), xlim=(-0.6, len(QUANTITIES) - 0.4))
        self.bar_ax.set_xticks(positions, LABELS)
        self.bar_ax.tick_params(axis="x", labelsize=14)
        self.bar_ax.axhline(0, color="black", lw=0.8)
        self.bar_ax.grid(True, axis="y", alpha=0.3)
        if self.classroom:
            # At 24 px the legend would cover the bars and five symlog labels overlap: three
            # labels (minor ticks mark the decades), and the colours named in the title.
            self.bar_ax.set_yticks([-1e2, 0.0, 1e2])
            self.panel_title(self.bar_ax, "this step, symlog axis", fontsize=11)
        else:
            self.bar_ax.legend(loc="lower left", fontsize=10)
            self.panel_title(
                self.bar_ax, "this step's quantities (symmetric log axis)", fontsize=11
            )
        self.missing = [
            self.bar_ax.text(x, 0.002, "—", ha="center", fontsize=14, color="0.5")
            for x in positions
        ]

        self.eff_ax.set(
            yscale="log",
            ylim=(1e-5, 1e4),
            xlabel="step t",
            title="effective step" if self.classroom else "effective step per coordinate",
        )
        self.eff_ax.title.set_fontsize(11)
        self.eff_ax.grid(True, alpha=0.3)
        self.eff_lines, self.eff_dots = [], []
        for i, color in enumerate(COORDINATE_COLORS):
            (line,) = self.eff_ax.plot([], [], color=color, lw=1.6, label=rf"$\theta_{i + 1}$")
            (dot,) = self.eff_ax.plot([], [], "o", color=color, mec="black", ms=7)
            self.eff_lines.append(line)
            self.eff_dots.append(dot)
        (self.eta_line,) = self.eff_ax.plot([], [], "--", color="0.3", lw=1.2, label=r"$\eta$")
        self.cursor = self.eff_ax.axvline(0, color="0.3", lw=1)
        if not self.classroom:  # (in classroom mode the title names the colours)
            self.eff_ax.legend(loc="upper left", fontsize=10, ncols=3)

        self.moving(
            self.path,
            self.here,
            self.arrows,
            self.status,
            *[bar for group in self.bars for bar in group],
            *self.missing,
            *self.eff_lines,
            *self.eff_dots,
            self.eta_line,
            self.cursor,
            self.add_title(fontsize=12),
        )
        if self.picker:
            self.on_structure(self.picker, self._new_objective)
        # Adadelta is a different method with its own defaults (η = 1, ρ = 0.9, ε = 1e-6):
        # switching to it sets them, switching away gives the other optimizers theirs back
        self._others_settings = None
        self._switching = False
        self.optimizer.observe(self._own_defaults, names="value")
        self.optimizer.observe(self._grey_out_unused, names="value")
        self._grey_out_unused()
        self._cache_key, self._steps_shown, self._eff_limits = None, None, None
        self._key = (  # the title's second line: what the colours mean
            "grey: GD step −ηg · red: step taken Δθ · blue θ₁ · orange θ₂ · dashed η"
            if self.classroom
            else "left: grey = the plain GD step −ηg, red = the step taken Δθ"
        )
        self._new_objective()
        self.refresh()
        self.stepper.play.value = min(shown, steps)  # open on a step, so that the bars show

    @property
    def objective(self) -> Objective:
        return self.objectives[self.picker.value if self.picker else "objective"]

    ADADELTA_DEFAULTS = {"lr": 1.0, "beta2": 0.9, "eps": 1e-6}  # torch.optim.Adadelta's

    def _grey_out_unused(self, change=None) -> None:
        """Disable the controls the chosen optimizer does not read (with SGD, β₁, β₂, ε and the
        bias correction changed nothing, and a student could not tell)."""
        used = USES[self.optimizer.value]
        for key, control in self.shared_controls.items():
            control.disabled = key not in used

    def _own_defaults(self, change) -> None:
        sliders = {"lr": self.lr, "beta2": self.beta2, "eps": self.eps}
        wanted = {}
        if change["new"] == "Adadelta":
            self._others_settings = {k: s.value for k, s in sliders.items()}
            wanted = self.ADADELTA_DEFAULTS
        elif change["old"] == "Adadelta" and self._others_settings:
            wanted = self._others_settings
        self._switching = True  # one redraw for the whole switch, not one per slider
        try:
            for key, value in wanted.items():
                sliders[key].value = value
        finally:
            self._switching = False
        self.refresh()

    def _on_change(self, change) -> None:
        if not self._switching and change.owner is not self.optimizer:
            super()._on_change(change)

    def _new_objective(self) -> None:
        clear_contours(self.ax, keep=self._moving)
        draw_contours(self.ax, self.objective, levels=14)
        self.panel_title(self.ax, self.objective.name, fontsize=11)
        self.redraw_background()

    def _fit_effective_axis(self, effective, lr) -> None:
        """Whole decades around every finite effective step and η (at least 10⁻⁵ to 10⁴), so
        that no optimizer's curve (Adadelta's starts near 10⁻⁵) leaves the axis."""
        values = np.concatenate([np.ravel(effective), [lr]])
        values = values[np.isfinite(values) & (values > 0)]
        low = min(1e-5, 10 ** np.floor(np.log10(values.min()))) if values.size else 1e-5
        high = max(1e4, 10 ** np.ceil(np.log10(values.max()))) if values.size else 1e4
        limits = (max(low, 1e-30), min(high, 1e30))
        if limits != self._eff_limits:
            self.eff_ax.set_ylim(*limits)
            self._eff_limits = limits
            self.redraw_background()

    def _inspection(self) -> Inspection:
        name = self.optimizer.value
        settings = (
            tidy(self.lr.value),
            tidy(self.beta1.value),
            tidy(self.beta2.value),
            tidy(self.eps.value),
            self.bias_correction.value,
        )
        key = (self.picker.value if self.picker else None, name, settings, self.steps.value)
        if key != self._cache_key:
            optimizer = make_optimizer(name, *settings)
            self.inspection = inspect(
                name, optimizer, self.objective, self.objective.x0, self.steps.value
            )
            self._cache_key = key
        return self.inspection

    def update(self) -> None:
        steps = self.steps.value
        if steps != self._steps_shown:
            self.stepper.play.max = steps
            self.eff_ax.set_xlim(0, steps)
            self._steps_shown = steps
            self.redraw_background()
        shown = min(self.stepper.value, steps)
        name, lr = self.optimizer.value, tidy(self.lr.value)
        inspection = self._inspection()
        path = inspection.result.path[: shown + 1]
        path = path[np.all(np.isfinite(path), axis=-1)]
        self.path.set_data(path[:, 0], path[:, 1])
        self.here.set_data(path[-1:, 0], path[-1:, 1])

        self._fit_effective_axis(inspection.effective, lr)
        t = np.arange(steps + 1)
        for i in range(2):
            self.eff_lines[i].set_data(t, inspection.effective[:, i])
            self.eff_dots[i].set_data([shown], [inspection.effective[shown, i]])
        self.eta_line.set_data([0, steps], [lr, lr])
        self.cursor.set_xdata([shown, shown])

        k = int(inspection.result.diverged_at)
        gone = 0 <= k <= shown
        self.status.set_text(f"diverged at step {k}" if gone else "")
        self.status.set_visible(gone)
        live = shown >= 1 and not gone
        for j, quantity in enumerate(QUANTITIES):
            values = inspection.quantities[quantity]
            present = values is not None
            self.missing[j].set_visible(not present)
            for i in range(2):
                bar = self.bars[i][j]
                bar.set_visible(present and live)
                if present and live:
                    bar.set_height(np.clip(values[shown, i], -1e4, 1e4))
        if live:
            g = inspection.quantities["g"][shown]
            start = inspection.result.path[shown - 1]
            gd_step, taken = -lr * g, inspection.step[shown]
            self.arrows.set_offsets(np.array([start, start]))
            self.arrows.set_UVC([gd_step[0], taken[0]], [gd_step[1], taken[1]])
            effective, step = inspection.effective[shown], inspection.step[shown]
            verdict = (
                f"Δθ = ({step[0]:.3g}, {step[1]:.3g}) · effective step = "
                f"({effective[0]:.3g}, {effective[1]:.3g})"
            )
        else:
            verdict = f"diverged at step {k}" if gone else "press step ▸ or play"
        self.arrows.set_visible(live)
        self.set_title(f"{name}, step {shown} of {steps}: {verdict}\n{self._key}")
