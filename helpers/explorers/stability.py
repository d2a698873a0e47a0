r"""Explorer for notebook 09 (the edge of stability).

* ``EdgeOfStability``: pick the optimizer, η, β and the seed; see the sharpness against step
  with the border it should hover at (left) and the full-batch loss (right, log axis).

Nothing is trained while the sliders move: every run on the sliders' grid (η × β × seed for
gradient descent and heavy ball, η × seed for Adam) is computed once by
``helpers.stability.edge_runs`` (cached, so the notebook's own checks reuse the same runs) and
an update only swaps the curves' data.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..engine import Explorer, function_picker, status_text
from ..plots.stability import number
from ..stability import ADAM_LRS, BETAS, GD_LRS, SEEDS, STEPS, edge_runs, edge_summary

__all__ = ["EdgeOfStability", "METHODS"]

METHODS = {
    "gradient descent / heavy ball": "gd",
    "Adam (β₁ = 0.9)": "adam",
}
TOLERANCE = 0.1  # "near the border": within ±10 %


def _stops(options, value, description):
    """A slider over the precomputed values only (the stop nearest ``value`` is chosen)."""
    return widgets.SelectionSlider(
        options=options,
        value=min(options, key=lambda v: abs(v - value)),
        description=description,
        layout=widgets.Layout(width="300px"),
    )


def _sharpness_tick(value: float, _position=None) -> str:
    """A sharpness tick in at most 3 characters, as wide as 3 digits: thousands as "20k", the
    rest padded with figure spaces. The axis's top follows each run (40 for GD, 38,000 for
    Adam at η = 0.002); labels of one width keep the panel's left edge where the layout put
    it (in classroom mode "30000" ran off the picture and took the axis label with it)."""
    text = f"{value / 1000:g}k" if abs(value) >= 1000 else f"{value:g}"
    return text.rjust(3, "\u2007")


class EdgeOfStability(Explorer):
    r"""Sharpness and loss of the precomputed full-batch runs.

    ``gd_runs`` and ``adam_runs`` are ``helpers.stability.EdgeRuns`` (by default the grid of
    ``helpers.stability``: η ∈ GD_LRS × β ∈ BETAS, and Adam at η ∈ ADAM_LRS, seeds SEEDS).
    The left panel's dashed line is the border of the chosen run (2(1 + β)/η, or Adam's
    2(1 + β₁)/((1 − β₁)η)); the dotted grey line is plain gradient descent's 2/η.
    """

    def __init__(self, gd_runs=None, adam_runs=None, method="gradient descent / heavy ball",
                 lr=0.1, beta=0.0, seed=0):  # fmt: skip
        if gd_runs is None:
            gd_runs = edge_runs("gd", GD_LRS, BETAS, SEEDS, steps=STEPS)
        if adam_runs is None:
            adam_runs = edge_runs("adam", ADAM_LRS, (0.9,), SEEDS, steps=STEPS)
        self.runs = {"gd": gd_runs, "adam": adam_runs}
        self.summaries = {key: edge_summary(r, TOLERANCE) for key, r in self.runs.items()}
        # one loss axis per optimizer, holding every run of its grid (a fixed 3e-3 floor cut
        # off the end of η = 0.14, β = 0.8, whose loss ends near 2e-3)
        self._loss_limits = {key: _loss_limits(r.losses) for key, r in self.runs.items()}
        self.method = function_picker(METHODS, method, description="optimizer")
        self.lr = _stops(self._lrs("gd"), lr, "η (lr)")
        self.beta = _stops(sorted(set(gd_runs.betas.tolist())), beta, "β (momentum)")
        self.seed = _stops(sorted(set(gd_runs.seeds.tolist())), seed, "seed")
        super().__init__([self.method, self.lr, self.beta, self.seed], figsize=(12.0, 4.2))
        self.sharp_ax, self.loss_ax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.075, right=0.985, bottom=0.13, top=0.8, wspace=0.22)
        steps = gd_runs.losses.shape[0] - 1
        # Adam's sharpness is its preconditioned one, λ_max(P⁻¹H) (section 5), in the thousands
        # where the raw sharpness of the same runs stays below 2/η: the axis and the legend say
        # which one is drawn (both said "sharpness" for Adam too, a lecturer review found)
        self._sharp_labels = {
            "gd": (r"sharpness $\lambda_{max}$", "sharpness"),
            "adam": (
                r"$\lambda_{max}(P^{-1}H)$" if self.classroom
                else r"preconditioned sharpness $\lambda_{max}(P^{-1}H)$",
                "sharpness of P⁻¹H",
            ),
        }  # fmt: skip
        self.sharp_ax.set(xlabel="step t", ylabel=self._sharp_labels["gd"][0], xlim=(0, steps))
        self.sharp_ax.yaxis.set_major_formatter(FuncFormatter(_sharpness_tick))
        # round steps only (no 2.5): every label then fits the 3 characters of _sharpness_tick
        self.sharp_ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
        loss_label = "loss (MSE)" if self.classroom else "full-batch loss (MSE)"  # (its height)
        self.loss_ax.set(xlabel="step t", ylabel=loss_label, yscale="log")
        self.loss_ax.set_xlim(0, steps)
        for ax in (self.sharp_ax, self.loss_ax):
            ax.grid(True, alpha=0.3)
        (self.curve,) = self.sharp_ax.plot([], [], color="tab:blue", lw=1.8, label="sharpness")
        self.border = self.sharp_ax.axhline(np.nan, color="tab:red", ls="--", lw=2)
        self.gd_border = self.sharp_ax.axhline(np.nan, color="0.4", ls=":", lw=1.5)
        self.reached = self.sharp_ax.axvline(np.nan, color="tab:green", lw=1, alpha=0.8)
        (self.loss_curve,) = self.loss_ax.plot([], [], color="tab:blue", lw=1.0)
        self.loss_reached = self.loss_ax.axvline(np.nan, color="tab:green", lw=1, alpha=0.8)
        self.status = status_text(self.sharp_ax, 0.02, 0.97)
        # A static legend (text is the slowest thing to draw): the values are in the title.
        # (classroom mode: labels short enough for one row above the panels; the title names
        # the border and its value)
        labels = (
            ["sharpness", "its border, named above", "2/η (plain GD)"]
            if self.classroom
            else [r"sharpness (Adam: of $P^{-1}H$)", "its border: 2(1 + β)/η, Adam 38/η",
                  "2/η (plain GD's border)"]
        )  # fmt: skip
        # in the band above the border, where the sharpness rarely goes (at the lower right
        # it sat on the curve, which runs along the border from a few hundred steps on)
        self.sharp_ax.legend(
            [self.curve, self.border, self.gd_border], labels, loc="upper right", fontsize=10
        )
        self.moving(
            self.curve, self.border, self.gd_border, self.reached, self.loss_curve,
            self.loss_reached, self.status, self.add_title(fontsize=12),
        )  # fmt: skip
        self.on_structure(self.method, self._new_method)
        self._axes_shown = None  # (optimizer, sharpness top): the still picture in use
        self.refresh()

    # -- the controls ----------------------------------------------------------------------------
    def _lrs(self, key):
        return sorted(set(self.runs[key].lrs.tolist()))

    def _new_method(self) -> None:
        """Adam has its own η grid (a thousand times smaller η: its steps are normalised)."""
        key = METHODS[self.method.value]
        options = self._lrs(key)
        if list(self.lr.options) != options:
            # the middle stop of the new grid, drawn by the refresh under way: never a moment
            # with an η that has no run
            self.set_quietly(self.lr, options[len(options) // 2], options=options)
        self.beta.disabled = key == "adam"
        ylabel, legend_label = self._sharp_labels[key]
        self.sharp_ax.set_ylabel(ylabel)
        if self.classroom:  # (the full legend names both: "sharpness (Adam: of P⁻¹H)")
            for legend in (*self.figure.legends, self.sharp_ax.get_legend()):
                for text in legend.get_texts() if legend is not None else ():
                    if text.get_text() in {label for _, label in self._sharp_labels.values()}:
                        text.set_text(legend_label)
        # hidden too, keeping its place: greyed at its last value (0.5, say) it read as Adam's
        # β₁, which is 0.9 (the optimizer's name says so)
        self.beta.layout.visibility = "hidden" if key == "adam" else "visible"

    @property
    def key(self) -> str:
        return METHODS[self.method.value]

    @property
    def run_index(self) -> int:
        runs = self.runs[self.key]
        beta = 0.9 if self.key == "adam" else self.beta.value
        return runs.index(self.lr.value, beta, self.seed.value)

    # -- the picture -----------------------------------------------------------------------------
    def update(self) -> None:
        key, runs, summary = self.key, self.runs[self.key], self.summaries[self.key]
        r = self.run_index
        lr, beta, border = runs.lrs[r], runs.betas[r], runs.thresholds[r]
        sharp = runs.sharpness[:, r]
        finite = np.isfinite(sharp)
        self.curve.set_data(runs.measured[finite], sharp[finite])
        self.border.set_ydata([border, border])
        gd_border = 2 / lr if key == "gd" else np.nan  # under the dashed line when β = 0
        self.gd_border.set_ydata([gd_border, gd_border])
        loss = runs.losses[:, r]
        steps = np.arange(loss.size)
        shown = np.isfinite(loss) & (loss > 0)
        self.loss_curve.set_data(steps[shown], loss[shown])
        # The sharpness axis fits this run's border, with a band above it for the legend: one
        # axis for the largest border of the η grid left Adam's run at η = 0.01 (border 3800)
        # in the bottom eighth of a 0–30000 axis; the loss axis depends on the optimizer only.
        # Each pair keeps its still picture (use_background): redrawing the panel at every η
        # move cost 30 ms, and there are only a dozen borders.
        axes = (key, 2.0 * border)
        if axes != self._axes_shown:
            self.loss_ax.set_ylim(*self._loss_limits[key])
            self.sharp_ax.set_ylim(0, axes[1])
            self.use_background(axes)
            self._axes_shown = axes
        name = "38/η" if key == "adam" else ("2/η" if beta == 0 else "2(1 + β)/η")
        at = int(summary["reached_at"][r])
        self.reached.set_xdata([at, at] if at >= 0 else [np.nan, np.nan])
        self.loss_reached.set_xdata([at, at] if at >= 0 else [np.nan, np.nan])
        what = f"Adam, η = {lr:.3g}" if key == "adam" else f"η = {lr:.3g}, β = {beta:g}"
        if summary["diverged"][r]:
            verdict = "the run diverged"
        elif at < 0:
            verdict = f"the sharpness stayed below {name} (it had not got there yet)"
        else:
            # What edge_summary measures: the first step whose sharpness is within TOLERANCE
            # below the border (it need not cross it), then how much of the rest of the run
            # stays within ±TOLERANCE, and at how many of those steps the loss went up.
            near = f"{TOLERANCE:.0%}".replace("%", " %")
            verdict = (
                f"within {near} of {name} = {number(border)} from step {at} (green line)\n"
                f"within ±{near} for {summary['within'][r]:.0%} of the next "
                f"{int(summary['stayed'][r])} steps; loss {summary['loss_at_reach'][r]:.2g} → "
                # the late loss as 09's tables print it (the median of the last tenth: the
                # last step alone may sit on a spike)
                f"{summary['loss_late'][r]:.2g} (rose at {int(summary['rises'][r])} of them)"
            )
        self.status.set_text("diverged" if summary["diverged"][r] else "")
        self.status.set_visible(bool(summary["diverged"][r]))
        self.set_title(f"{what}, seed {self.seed.value}: {verdict}")


def _loss_limits(losses: np.ndarray) -> tuple[float, float]:
    """Log-axis limits: down to below the smallest loss of any run, up to 3 as before (every
    run starts near 0.5; a spike above 3 is cut rather than flattening the rest)."""
    shown = losses[np.isfinite(losses) & (losses > 0)]
    return 0.5 * shown.min(), 3.0
