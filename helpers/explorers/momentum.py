r"""Explorers for notebook 05 (momentum).

* ``EMAExplorer``: an exponential moving average of a noisy signal, and the weights it gives
  to old values, with a β slider;
* ``heavy_ball_explorer``: plain GD and heavy-ball momentum side by side on an ill-conditioned
  quadratic (a ``ContourExplorer``);
* ``NesterovExplorer``: heavy ball and Nesterov step by step, with the momentum arrow βv, the
  look-ahead point θ + βv and the gradient arrow drawn where each method takes its gradient;
* ``RateMapExplorer``: the exact convergence rate of heavy ball over a grid of (η, β), with the
  run at the chosen pair beside it;
* ``nonconvex_explorer``: GD against heavy ball on Rosenbrock and Beale (a ``ContourExplorer``).

Conventions. The runs use ``helpers.SGD`` (PyTorch's form, v ← βv + g, θ ← θ − ηv, where v is
a sum of gradients). The Nesterov figure draws Sutskever's form (v ← βv − η∇f(θ + βv),
θ ← θ + v, where v is a displacement), because there the look-ahead point is visible; the two
are the same method, converted by v_Sutskever = −η·v_PyTorch
(``helpers.optimizers.conventions.sutskever_view``). The computation these draw lives in
``helpers.theory`` (moving averages, the rate map) and ``helpers.runner`` (measured rates).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..engine import (
    Explorer,
    StepControls,
    beta_slider,
    condition_number_slider,
    function_picker,
    lr_slider,
    quiver_arrows,
    status_text,
    tidy,
)
from ..objectives import Beale, Objective, Quadratic, Rosenbrock
from ..optimizers import SGD
from ..optimizers.conventions import sutskever_view
from ..plots import clear_contours, draw_contours, superscript
from ..runner import measured_rate, run
from ..theory import ema, ema_weights, gd_optimal, momentum_optimal, rate_map
from .contour import ContourExplorer, off_the_chart_note

__all__ = [
    "EMAExplorer",
    "heavy_ball_explorer",
    "NesterovExplorer",
    "RateMapExplorer",
    "nonconvex_explorer",
]

FLOOR = 1e-300  # log axes: a value of exactly 0 is drawn at the bottom instead of vanishing


# -- the exponential moving average ------------------------------------------------------------


class EMAExplorer(Explorer):
    r"""Left: a noisy signal x_t and its moving average m_t = β m_{t−1} + (1 − β) x_t.
    Right: the weight (1 − β) β^k of the value k steps old (log axis: a straight line), with the
    window 1/(1 − β) marked.
    """

    def __init__(self, beta: float = 0.9, n: int = 200, seed: int = 0):
        self.beta = beta_slider(beta)
        super().__init__([self.beta], figsize=(11.0, 4.0))
        rng = np.random.default_rng(seed)
        self.t = np.arange(1, n + 1)
        self.trend = 1.0 + 0.5 * np.sin(2 * np.pi * self.t / 120)
        self.signal = self.trend + rng.normal(0.0, 0.5, n)

        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        # room for a two-line title and for the last tick label of the right panel
        self.figure.subplots_adjust(left=0.06, right=0.965, bottom=0.14, top=0.8, wspace=0.2)
        left.plot(self.t, self.signal, ".", color="0.6", ms=4, label=r"signal $x_t$")
        left.plot(self.t, self.trend, color="0.3", lw=1, ls=":", label="trend under the noise")
        (self.average,) = left.plot([], [], color="tab:blue", lw=2.4, label=r"EMA $m_t$")
        (self.corrected,) = left.plot(
            [], [], color="tab:orange", lw=1.4, ls="--", label=r"$m_t / (1-\beta^t)$ (notebook 06)"
        )
        # a band above the signal for the legend, which covered dots there (classroom mode
        # lifts the legend above the panels)
        high = max(self.signal.max(), 2.3)
        top = max(high + 0.2, 3.0) if self.classroom else high + 1.3
        left.set(xlim=(0, n + 1), ylim=(-1.0, top), xlabel="step t")
        left.legend(loc="upper right", fontsize=9, ncols=2)

        self.ages = np.arange(n)
        right.set(
            yscale="log",
            ylim=(1e-4, 1.5),
            xlim=(-1, n),
            xlabel="age k of a value (steps ago)",
            ylabel=r"weight $(1-\beta)\,\beta^k$",
        )
        self.bars = right.stairs(
            np.full(n, 1e-5), np.arange(n + 1) - 0.5, baseline=1e-5, fill=True, alpha=0.6
        )
        self.window = right.axvline(0, color="tab:red", lw=2)
        self.window_text = right.text(
            0, 0.5, "", color="tab:red", fontsize=11, transform=right.get_xaxis_transform()
        )
        self.moving(
            self.average,
            self.corrected,
            self.bars,
            self.window,
            self.window_text,
            self.add_title(fontsize=12),
        )
        self.refresh()

    def update(self) -> None:
        beta = tidy(self.beta.value)
        average = ema(self.signal, beta)
        self.average.set_data(self.t, average)
        self.corrected.set_data(self.t, average / (1 - beta**self.t))
        weights = ema_weights(beta, len(self.ages))
        self.bars.set_data(np.maximum(weights, 1e-5))
        window = 1 / (1 - beta)
        n = len(self.ages)
        inside = window - 0.5 < n  # a window longer than the values shown stays off the axis
        self.window.set_visible(inside)
        self.window.set_xdata([window - 0.5, window - 0.5])
        if inside:
            self.window_text.set_position((min(window + 2, 0.62 * n), 0.55))
            self.window_text.set_ha("left")
            self.window_text.set_text(f"window\n1/(1−β) = {window:.4g}")
        else:
            self.window_text.set_position((n - 2, 0.55))
            self.window_text.set_ha("right")
            self.window_text.set_text(f"window 1/(1−β) = {window:.4g} →\nbeyond the {n} shown")
        total = weights.sum()
        # 1 − βⁿ < 1 for every β > 0 ("= 1" for 1 − 0.9²⁰⁰ would be false; shown rounded)
        equals = "=" if beta == 0 else "≈"
        unit = "step" if window == 1 else "steps"
        self.set_title(
            f"β = {beta:g}: window 1/(1−β) = {window:.4g} {unit} · mean age β/(1−β) = "
            f"{beta * window:.4g}\nthe weights of the {n} values seen sum to "
            f"1 − β{superscript(n)} {equals} {total:.3g}"
        )


# -- heavy ball against plain GD ---------------------------------------------------------------
def heavy_ball_explorer(
    condition_number: float = 50.0,
    angle: float = 30.0,
    gd_lr: float = 1.9,
    lr: float = 0.5,
    beta: float = 0.82,
    steps: int = 60,
) -> ContourExplorer:
    """GD at its own η and heavy-ball momentum at (η, β) on an ill-conditioned quadratic.

    GD needs η close to 2/L to make progress along the flat direction, and then zig-zags across
    the steep one; momentum takes a smaller η and builds up speed along the flat direction.
    """

    quadratic = Quadratic(condition_number, angle)
    quadratic.x0 = np.array([-2.6, -0.6])  # up the valley's side, far along its floor
    return ContourExplorer(
        quadratic,
        lambda gd_lr, lr, beta: {"GD": SGD(lr=gd_lr), "heavy ball": SGD(lr=lr, momentum=beta)},
        steps=steps,
        gd_lr=lr_slider(gd_lr, low=1e-2, high=2.5, description="η of GD"),
        lr=lr_slider(lr, low=1e-2, high=4.0, description="η of heavy ball"),
        beta=beta_slider(beta, description="β of heavy ball"),
    )


# -- Nesterov beside heavy ball ----------------------------------------------------------------


class NesterovExplorer(Explorer):
    r"""Heavy ball (left) and Nesterov (middle) step by step, and f − f_min against step (right).

    At the step shown, each panel draws the decomposition of the next step in Sutskever's form
    (v is a displacement): the momentum arrow βv (grey) and the gradient arrow −η∇f (red).
    Heavy ball takes its gradient at θ_t; Nesterov first follows βv to the look-ahead point
    θ_t + βv (hollow circle) and takes its gradient there. The dashed segment is the step.
    It opens at step ``shown``.
    """

    def __init__(
        self,
        objectives: Objective | dict[str, Objective] | None = None,
        lr: float = 0.5,
        beta: float = 0.9,
        steps: int = 30,
        max_steps: int = 200,
        shown: int = 4,
    ):
        # Picking a function sets η to one that works there (on Rosenbrock and Beale nearly
        # the whole slider above 0.005 diverges, so the quadratic's 0.5 showed two "diverged
        # at step 2" banners and nothing else); the η is the one notebook 05's prompt names.
        self._function_lrs = {}
        if objectives is None:
            objectives = {
                "quadratic (κ = 20)": Quadratic(20, angle=30),
                "Rosenbrock": Rosenbrock(),
                "Beale": Beale(),
            }
            self._function_lrs = {"quadratic (κ = 20)": lr, "Rosenbrock": 0.001, "Beale": 0.001}
        if isinstance(objectives, Objective):
            objectives = {objectives.name: objectives}
        self.objectives = dict(objectives)
        self.picker = function_picker(self.objectives)
        self.lr = lr_slider(lr, low=1e-4, high=4.0)
        self.beta = beta_slider(beta)
        self.steps = widgets.IntSlider(steps, min=1, max=max_steps, description="steps")
        self.stepper = StepControls(steps)
        super().__init__(
            [self.picker, self.lr, self.beta, self.steps, self.stepper], figsize=(12.5, 4.4)
        )
        axes = self.figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.9]})
        self.figure.subplots_adjust(left=0.05, right=0.99, bottom=0.13, top=0.82, wspace=0.25)
        self.panels = {"heavy ball": axes[0], "Nesterov": axes[1]}
        self.loss_ax = axes[2]
        self.loss_ax.set(yscale="log", xlabel="step t", ylabel=r"$f(\theta_t) - f_{min}$")
        self.loss_ax.grid(True, alpha=0.3)
        self.artists = {}
        for (name, ax), color in zip(self.panels.items(), ("tab:blue", "tab:orange"), strict=True):
            (path,) = ax.plot([], [], "-o", color=color, ms=2.5, lw=1.3)
            (here,) = ax.plot([], [], "o", color=color, ms=8, mec="black")
            (step,) = ax.plot([], [], "--", color="black", lw=1.2)
            (lookahead,) = ax.plot([], [], "o", mfc="none", mec="black", mew=1.8, ms=9)
            arrows = quiver_arrows(ax, ["0.35", "tab:red"])
            (curve,) = self.loss_ax.plot([], [], color=color, lw=1.6, label=name)
            status = status_text(ax, 0.03, 0.97)
            self.artists[name] = (path, here, step, lookahead, arrows, curve, status)
            self.moving(path, here, step, lookahead, arrows, curve, status)
        # Above the panel, level with the other panels' titles: inside, it sat on both curves
        # (on Rosenbrock they run along the top, where an "upper right" legend goes)
        self.loss_ax.legend(
            loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=10, frameon=False,
            borderaxespad=0.0, borderpad=0.1, labelspacing=0.15, handlelength=1.2,
            ncols=1 if self.classroom else 2,
        )  # fmt: skip
        self.moving(self.add_title(fontsize=12))
        self.on_structure(self.picker, self._picked)
        self._cache_key, self._axis_key = None, None
        self._new_objective()  # (with the η asked for, not the function's own)
        self.refresh()
        self.stepper.play.value = min(shown, steps)  # open on a step with a velocity to draw

    @property
    def objective(self) -> Objective:
        return self.objectives[self.picker.value]

    def _picked(self) -> None:
        """Another function: its own η, if it has one, and its contours."""
        lr = self._function_lrs.get(self.picker.value)
        if lr is not None:
            self.set_quietly(self.lr, lr)  # (this refresh draws it: no second one)
        self._new_objective()

    def _new_objective(self) -> None:
        for name, ax in self.panels.items():
            clear_contours(ax, keep=self._moving)
            draw_contours(ax, self.objective, filled=True, levels=14)
            self.panel_title(
                ax,
                {
                    "heavy ball": r"heavy ball: gradient at $\theta_t$",
                    "Nesterov": r"Nesterov: gradient at the look-ahead $\theta_t+\beta v_t$",
                }[name],
                fontsize=11,
            )
        self._axis_key = None  # the loss axis follows in update()

    def _runs(self):
        lr, beta = tidy(self.lr.value), tidy(self.beta.value)
        key = (self.picker.value, lr, beta, self.steps.value)
        if key != self._cache_key:
            x0, steps = self.objective.x0, self.steps.value
            self.views = {}
            for name, nesterov in (("heavy ball", False), ("Nesterov", True)):
                # PyTorch's nesterov=True needs β > 0; at β = 0 both methods are plain GD.
                optimizer = SGD(lr=lr, momentum=beta, nesterov=nesterov and beta > 0)
                result = run(optimizer, self.objective, x0, steps)
                view = sutskever_view(result, lr, beta, nesterov)
                self.views[name] = (*view, int(result.diverged_at))
            self._cache_key = key
        return self.views

    def update(self) -> None:
        steps = self.steps.value
        self.stepper.play.max = steps
        shown = min(self.stepper.value, steps)
        objective = self.objective
        lr, beta = tidy(self.lr.value), tidy(self.beta.value)
        views = self._runs()
        all_gaps, verdicts = [], []
        for name, (theta, velocity, at, diverged_at) in views.items():
            path, here, step, lookahead, arrows, curve, status = self.artists[name]
            drawn = theta[: shown + 1]
            drawn = drawn[np.all(np.isfinite(drawn), axis=-1)]
            path.set_data(drawn[:, 0], drawn[:, 1])
            here.set_data(drawn[-1:, 0], drawn[-1:, 1])
            gap = objective.value(theta[: steps + 1]) - objective.min_value
            all_gaps.append(gap)
            upto = np.maximum(gap[: shown + 1], FLOOR)
            finite = np.isfinite(upto)
            curve.set_data(np.arange(upto.size)[finite], upto[finite])
            if 0 <= diverged_at <= shown:
                verdicts.append(f"{name}: diverged at step {diverged_at}")
                status.set_text(f"diverged at step {diverged_at}")
            else:
                verdicts.append(
                    f"{name} {gap[shown]:.2g}"  # "f − f_min" once, in front (the title below)
                    if self.classroom
                    else f"{name}: f − f_min = {gap[shown]:.2g}"
                )
                # a run that will diverge says so now (at η = 4 the curves leave the chart at
                # once); the panel's banner, since the title has no room for it
                status.set_text(f"diverges at step {diverged_at}" if diverged_at > shown else "")
            status.set_visible(bool(status.get_text()))
            # the next step, decomposed: θ → (θ + βv) → θ + βv − η∇f(gradient point)
            has_next = shown < steps and (diverged_at < 0 or shown + 1 < diverged_at)
            if has_next:
                start, momentum_part = theta[shown], beta * velocity[shown]
                gradient_part = -lr * objective.grad(at[shown])
                origin = start + momentum_part if name == "Nesterov" else start
                arrows.set_offsets(np.array([start, origin]))
                arrows.set_UVC(
                    [momentum_part[0], gradient_part[0]], [momentum_part[1], gradient_part[1]]
                )
                end = theta[shown + 1]
                step.set_data([start[0], end[0]], [start[1], end[1]])
                lookahead.set_data([at[shown][0]], [at[shown][1]])
                arrows.set_visible(True)
                step.set_visible(True)
                lookahead.set_visible(name == "Nesterov")
            else:
                for artist in (arrows, step, lookahead):
                    artist.set_visible(False)
        self._set_loss_axis(steps, all_gaps)
        if self.classroom:  # two lines at 24 px: a third ran into the loss panel's legend
            lead = " · f − f_min: " if any("diverged" not in v for v in verdicts) else " · "
            key = "grey: momentum βv · red: gradient step −η∇f"
        else:
            lead, key = ": ", "grey arrow: momentum βv · red arrow: gradient step −η∇f"
        self.set_title(
            f"η = {lr:.3g}, β = {beta:g}, step {shown} of {steps}{lead}"
            + " · ".join(verdicts)
            + f"\n{key} · dashed: the step taken"
        )

    def _set_loss_axis(self, steps, gaps) -> None:
        # The decades the whole runs (not just the steps shown) cover: a fixed 16 decades
        # squeezed Rosenbrock's curves, which stay between 1 and 30, into the top tenth
        finite = np.concatenate([g[np.isfinite(g) & (g > 0)] for g in gaps])
        finite = finite if finite.size else np.ones(1)
        high = 10 ** np.ceil(np.log10(min(finite.max(), 1e12)) + 0.5)
        low = 10 ** np.floor(np.log10(max(finite.min(), 1e-300)) - 0.5)
        low = min(max(low, high * 1e-16, 1e-16), high * 1e-3)  # at least three decades
        key = (self.picker.value, steps, high, low)
        if key != self._axis_key:  # only when the picture's scale really changes
            self.loss_ax.set(xlim=(0, steps), ylim=(low, high))
            self._axis_key = key
            self.redraw_background()


# -- the (η, β) rate map -----------------------------------------------------------------------


RATE_TICKS = (0.0, 0.5, 0.9, 0.99, 0.999)
CLASSROOM_RATE_TICKS = (0.0, 0.9, 0.99, 0.999)  # evenly spaced on the bar: room for 24 px text


def _slowness(rate):
    """−log10(1 − rate): 0 for the fastest runs, 3 for rate 0.999; the colour of the map."""
    return -np.log10(1 - np.clip(rate, 0, 0.999))


class RateMapExplorer(Explorer):
    r"""Left: the exact convergence rate of heavy ball on a quadratic with condition number κ,
    over a grid of (η, β) (grey: rate > 1, the run diverges). Red circle: the sliders' (η, β);
    gold star: Polyak's optimal pair; white square: the best plain GD (β = 0).
    Middle: the run at the sliders' pair on the contours.
    Right: distance to the minimum against step for the sliders' pair (red), with the map's
    prediction rateᵗ (dashed), and for the optimal pair (gold).
    """

    def __init__(
        self,
        condition_number: float = 100.0,
        lr: float = 1.0,
        beta: float = 0.73,
        steps: int = 150,
        angle: float = 20.0,
        resolution: tuple[int, int] = (400, 200),
    ):
        self.kappa = condition_number_slider(condition_number)
        self.lr = widgets.FloatSlider(
            value=lr, min=0.02, max=4.2, step=0.02, description="η", readout_format=".2f"
        )
        self.beta = beta_slider(beta)
        super().__init__([self.kappa, self.lr, self.beta], figsize=(13.0, 4.6))
        self.angle, self.n_steps = angle, steps
        self.lrs = np.linspace(0.0, 4.2, resolution[0])
        self.betas = np.linspace(0.0, 1.0, resolution[1])

        # In classroom mode the square contour panel is as wide as the 24 px text leaves it tall:
        # a narrower cell for it gives the map and the distances the width it would waste.
        ratios = [1.15, 0.95, 1.1] if self.classroom else [1.15, 1, 1]
        map_ax, self.ax, self.dist_ax = self.figure.subplots(
            1, 3, gridspec_kw={"width_ratios": ratios}
        )
        self.figure.subplots_adjust(left=0.05, right=0.975, bottom=0.12, top=0.82, wspace=0.42)
        self.map_ax = map_ax
        cmap = self._colormap()
        self.map_image = map_ax.imshow(
            np.zeros((resolution[1], resolution[0])),
            origin="lower",
            extent=(self.lrs[0], self.lrs[-1], self.betas[0], self.betas[-1]),
            aspect="auto",
            cmap=cmap,
            norm=Normalize(0, 3),
            interpolation="nearest",
        )
        bar = self.figure.colorbar(self.map_image, ax=map_ax, pad=0.02, fraction=0.06)
        # Classroom text is 24 px: 0 and 0.5 sit 0.3 apart on the bar and would overlap, and
        # the long label would run past the bar's height; one tick per decade of 1 − rate, and
        # the label's short form, above the bar (beside it, "rate per step" ran into the next
        # panel's θ₂ and read as one label with it; right-aligned, clear of the 0.999 tick).
        ticks = CLASSROOM_RATE_TICKS if self.classroom else RATE_TICKS
        bar.set_ticks([_slowness(r) for r in ticks], labels=[f"{r:g}" for r in ticks])
        if self.classroom:
            bar.ax.set_title("rate", fontsize=11, loc="right")
        else:
            bar.set_label("rate: the error shrinks × rate per step")
        map_ax.set(xlabel=r"learning rate $\eta$", ylabel=r"momentum $\beta$")
        (self.marker,) = map_ax.plot(
            [],
            [],
            "o",
            color="tab:red",
            mec="white",
            ms=11,
            mew=2,
            clip_on=False,
            label="your (η, β)",  # whole at the map's edges (η at its maximum, β = 0)
        )
        (self.best,) = map_ax.plot(
            [], [], "*", color="gold", mec="black", ms=17, clip_on=False, label="optimal (η*, β*)"
        )
        # larger than the star and drawn under it: at κ = 1 the two are the same point, and
        # the square shows around the star instead of vanishing under it
        (self.best_gd,) = map_ax.plot(
            [], [], "s", color="white", mec="black", ms=15, clip_on=False, label="best GD (β = 0)"
        )
        if self.classroom:  # at 24 px no place in the grey corner is clear of the border at
            # every κ: the legend says what grey means instead
            self.diverges = Patch(facecolor="0.82", edgecolor="0.5", label="diverges")
        else:
            self.diverges = map_ax.text(
                3.55, 0.45, "diverges\n(rate > 1)", ha="center", fontsize=11, color="0.25"
            )
        self.ax.set_aspect("equal")
        (self.path,) = self.ax.plot([], [], "-o", color="tab:red", ms=2, lw=1.2, label="(η, β)")
        self.dist_ax.set(
            yscale="log",
            xlim=(0, steps),
            ylim=(1e-12, 1e3),
            xlabel="step t",
            ylabel=r"$|\theta_t - \theta^*|$",
        )
        self.dist_ax.grid(True, alpha=0.3)
        (self.distance,) = self.dist_ax.plot([], [], color="tab:red", lw=1.6, label="run at (η, β)")
        (self.predicted,) = self.dist_ax.plot(
            [], [], "--", color="black", lw=1.2, label=r"$\mathrm{rate}^t$ from the map"
        )
        (self.best_distance,) = self.dist_ax.plot(
            [], [], color="goldenrod", lw=1.4, label="run at (η*, β*)", clip_on=False
        )  # (unclipped: at κ = 1 it reaches θ* in one step and is drawn along the bottom)
        # One legend above the panels, outside every axes: nothing drawn later can cover it.
        if self.classroom:  # one row at 24 px, so the panels get its height: each pair's
            # point and its run share an entry (a line through the marker)
            yours = Line2D([], [], color="tab:red", lw=1.6, marker="o", ms=11, mec="white")
            optimal = Line2D([], [], color="goldenrod", lw=1.4, marker="*", ms=17, mfc="gold",
                             mec="black")  # fmt: skip
            self.figure.legend(
                handles=[yours, optimal, self.best_gd, self.predicted, self.diverges],
                labels=["your (η, β)", "optimal", "best GD", r"$\mathrm{rate}^t$ (map)",
                        "diverges"],
                loc="upper center", bbox_to_anchor=(0.5, 0.935), ncols=5, fontsize=10,
                frameon=False,
            )  # fmt: skip
        else:
            handles = [self.marker, self.best, self.best_gd, self.distance, self.predicted]
            self.figure.legend(
                handles=[*handles, self.best_distance],
                loc="upper center",
                bbox_to_anchor=(0.5, 0.935),
                ncols=6,
                fontsize=10,
                frameon=False,
            )
        # The banner "diverged at step k": in classroom mode on the distances' empty lower left
        # (a diverging run leaves through the top, a converging one ends lower right), since at
        # 24 px it would cover the whole small contour panel.
        if self.classroom:
            self.status = status_text(self.dist_ax, 0.03, 0.04)
            self.status.set_verticalalignment("bottom")  # its lines grow upwards, inside
        else:
            self.status = status_text(self.ax, 0.03, 0.96)
        self.moving(
            self.marker,
            self.path,
            self.distance,
            self.predicted,
            self.status,
            self.add_title(fontsize=12),
        )
        # The κ layers: what changes with κ only, and what must stay on top of it (frames, the
        # title). They are drawn over the background once per κ and cached by the engine, so
        # that an η or β change redraws only the marker and the run.
        on_map = [] if self.classroom else [self.diverges]
        self.layer(
            "κ map", self.map_image, *map_ax.spines.values(), *on_map, self.best_gd, self.best
        )
        self.layer("κ contours")  # filled by _new_quadratic
        self.layer("κ frames", *self.ax.spines.values(), self.ax.title, self.best_distance)
        self._kappa_shown = None
        self.refresh()

    @staticmethod
    def _colormap():
        import matplotlib

        return matplotlib.colormaps["viridis_r"].with_extremes(bad="0.82")  # grey: diverges

    @property
    def objective(self) -> Quadratic:
        return self.quadratic

    def recompute_map(self) -> np.ndarray:
        """The rate on the whole (η, β) grid for the κ on the slider, drawn into the map."""
        self.quadratic = Quadratic(tidy(self.kappa.value), self.angle)
        self.rates = rate_map(self.lrs, self.betas, self.quadratic.eigenvalues)
        # grey where the run diverges (rate > 1); rate = 1 (η = 0 or β = 1) is dark: no progress
        shown = np.ma.masked_where(self.rates > 1 + 1e-12, _slowness(self.rates))
        self.map_image.set_data(shown.T)  # imshow wants rows = β
        return self.rates

    def _new_quadratic(self) -> None:
        self.recompute_map()
        q = self.quadratic
        self.best_pair = momentum_optimal(q.mu, q.L)
        self.best.set_data([self.best_pair[0]], [self.best_pair[1]])
        self.best_gd.set_data([gd_optimal(q.mu, q.L)[0]], [0.0])
        before = set(self.ax.get_children())
        draw_contours(self.ax, q, resolution=120, levels=14)
        self.replace_layer("κ contours", [a for a in self.ax.get_children() if a not in before])
        self.panel_title(self.ax, q.name, fontsize=11)
        lr_star, beta_star, _ = self.best_pair
        best = run(SGD(lr=lr_star, momentum=beta_star), q, q.x0, self.n_steps)
        self.best_distance.set_data(
            np.arange(self.n_steps + 1),
            # a run that is at θ* (the optimum at κ = 1, after one step) on the bottom edge:
            # the optimum never diverges, so nothing of it leaves the panel at the top
            np.maximum(np.linalg.norm(best.path - q.center, axis=-1), self.dist_ax.get_ylim()[0]),
        )
        self._kappa_shown = self.kappa.value
        self.redraw_layer("κ map")  # and the layers above it; the axes themselves are unchanged

    def rate_at(self, lr: float, beta: float) -> float:
        """The map's rate at one (η, β): the same formula as every pixel, at that point."""
        return float(rate_map([lr], [beta], self.quadratic.eigenvalues)[0, 0])

    def update(self) -> None:
        if self.kappa.value != self._kappa_shown:
            self._new_quadratic()
        q = self.quadratic
        lr, beta = tidy(self.lr.value), tidy(self.beta.value)
        self.marker.set_data([lr], [beta])
        self.result = run(SGD(lr=lr, momentum=beta), q, q.x0, self.n_steps)
        path = self.result.path[np.all(np.isfinite(self.result.path), axis=-1)]
        self.path.set_data(path[:, 0], path[:, 1])
        distance = np.linalg.norm(self.result.path - q.center, axis=-1)
        t = np.arange(self.n_steps + 1)
        finite = np.isfinite(distance)
        self.distance.set_data(t[finite], np.maximum(distance[finite], FLOOR))
        rate = self.rate_at(lr, beta)
        with np.errstate(over="ignore"):
            self.predicted.set_data(t, np.minimum(distance[0] * rate**t, 1e300))
        lr_star, beta_star, rate_star = self.best_pair
        k = int(self.result.diverged_at)
        if k >= 0:
            self.status.set_text(f"diverged at step {k}")
            verdict = f"diverged at step {k}" + off_the_chart_note(
                distance, self.dist_ax.get_ylim()[1], k
            )
        else:
            verdict = f"measured {measured_rate(distance):.3f}"
            self.status.set_text("")
        self.status.set_visible(k >= 0)
        self.set_title(
            f"κ = {q.condition_number:.4g} · (η, β) = ({lr:.3g}, {beta:g}): rate {rate:.3f} "
            f"from the map, {verdict} · optimum (η*, β*) = ({lr_star:.3g}, {beta_star:.3f}): "
            f"rate {rate_star:.3f}"
        )


# -- momentum off the quadratic ----------------------------------------------------------------
def nonconvex_explorer(lr: float = 1e-3, beta: float = 0.9, steps: int = 500) -> ContourExplorer:
    """GD and heavy ball at the same η on Rosenbrock and Beale (a picker switches)."""
    return ContourExplorer(
        {"Rosenbrock": Rosenbrock(), "Beale": Beale()},
        lambda lr, beta: {"GD": SGD(lr=lr), "heavy ball": SGD(lr=lr, momentum=beta)},
        steps=steps,
        max_steps=2000,
        lr=lr_slider(lr, low=1e-5, high=3e-2),
        beta=beta_slider(beta),
    )
