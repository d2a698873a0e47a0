r"""Explorers for notebooks 03 (stochastic gradient descent) and 04 (mini-batch gradient descent).

* ``GradientCloud``: the 1000 per-sample gradients ∇ℓᵢ(θ) (or 1000 mini-batch gradients) at a
  point θ = (w, b) chosen with sliders, and their mean, the full gradient ∇L(θ);
* ``NoiseBall``: many SGD runs (B = 1) at once, with a constant or decaying learning rate: the
  cloud they settle in around the minimum, against the predicted noise ball;
* ``FairComparison``: the loss of SGD at several batch sizes against epochs, updates, samples
  seen or seconds.

All three work on ``helpers.objectives.LinearRegression``. A slider must answer in a few tens of
milliseconds, and ``helpers.run`` (which also records every optimizer state) takes a few tenths
of a second for thousands of stochastic steps, so the two run explorers step SGD with short
specialised loops (``helpers.minibatch.sgd_one_sample``, ``sgd_minibatch``). They draw the same
batches as ``MinibatchGradient`` and make the same updates; the tests check them against
``helpers.run``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from ..engine import Explorer, StepControls, batch_size_slider, lr_slider, status_text, tidy
from ..minibatch import (
    MiniBatches,
    MinibatchGradient,
    gradient_noise,
    sample_order,
    sgd_minibatch,
    sgd_one_sample,
)
from ..objectives import LinearRegression
from ..plots import draw_contours
from ..plots.stochastic import BATCH_COLORS, covariance_ellipse, window_means
from ..schedules import schedule
from ..theory import minibatch_variance, noise_ball, noise_ball_gap
from .contour import left_the_chart

__all__ = [
    "GradientCloud",
    "NoiseBall",
    "FairComparison",
    "SCHEDULE_CHOICES",
]


def _slider(description, value, low, high, step=0.05):
    # The ends on multiples of the step, so that the stops are round numbers and 0 is one
    # (the plot's bounds, centred on θ*, would put every stop at θ* + k·step: θ = (0, 0),
    # the start the text names, was out of reach)
    low, high = np.floor(low / step + 1e-9) * step, np.ceil(high / step - 1e-9) * step
    return widgets.FloatSlider(
        value=value,
        min=round(float(low), 10),
        max=round(float(high), 10),
        step=step,
        description=description,
        readout_format=".2f",
        layout=widgets.Layout(width="300px"),
    )


# -- the fast SGD loops -------------------------------------------------------------------------


# -- 1. the cloud of per-sample gradients ------------------------------------------------------
class GradientCloud(Explorer):
    r"""The per-sample gradients ∇ℓᵢ(θ) at a point θ = (w, b), and their mean ∇L(θ).

    Left: the loss contours, the point θ, the full descent direction −∇L (red) and those of
    20 of the dots (grey), all drawn at one scale. Right: the gradient plane
    (∂/∂w, ∂/∂b): the 1000 per-sample gradients (dots), their mean (red: the full gradient),
    and the ellipse that holds about 95 % of them according to their covariance Σ(θ).

    With a ``batch_size`` slider (notebook 04) the dots are 1000 mini-batch gradients ĝ_B
    instead, drawn from shuffled epochs as SGD draws them, and the ellipse is the theory's
    Σ(θ)/B·(n − B)/(n − 1).
    """

    clouds = 1000  # how many mini-batch gradients are drawn when B > 1

    def __init__(self, loss: LinearRegression, w=0.0, b=0.0, batch_size=None, seed=0):
        self.loss, self.seed = loss, seed
        (wlo, whi), (blo, bhi) = loss.bounds
        self.w = _slider("slope w", w, wlo, whi)
        self.b = _slider("intercept b", b, blo, bhi)
        self.batch_size = None
        controls = [self.w, self.b]
        if batch_size is not None:
            self.batch_size = batch_size_slider(loss.n, batch_size)
            controls.append(self.batch_size)
        super().__init__(controls, figsize=(10.0, 4.4))
        self.ax, self.gax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.82, wspace=0.28)
        draw_contours(self.ax, loss)
        self.panel_title(self.ax, "the loss and the descent directions", fontsize=11)
        self.gax.set(xlabel=r"$\partial \ell / \partial w$", ylabel=r"$\partial \ell / \partial b$")
        self.gax.set_aspect("equal")
        self.gax.axhline(0, color="0.6", lw=0.8)
        self.gax.axvline(0, color="0.6", lw=0.8)
        what = "sample" if batch_size is None else "mini-batch"
        self.panel_title(self.gax, f"gradients: one dot per {what}, mean in red", fontsize=11)
        rng = np.random.default_rng(seed)
        self.shown = rng.choice(loss.n, 20, replace=False)  # the samples drawn as grey arrows
        zero = np.zeros((20, 2))
        arrow = {"angles": "xy", "scale_units": "xy", "scale": 1}
        self.arrows = self.ax.quiver(*zero.T, *zero.T, color="0.4", width=0.005, **arrow)
        self.full_arrow = self.ax.quiver(0, 0, 0, 0, color="tab:red", width=0.009, **arrow)
        (self.point,) = self.ax.plot([], [], "o", color="black", ms=7, zorder=4)
        self.dots = self.gax.scatter([], [], s=5, color="tab:blue", alpha=0.35, lw=0)
        # black and above the dots: a blue ellipse vanished under the blue cloud
        (self.ellipse,) = self.gax.plot([], [], "--", color="black", lw=1.8, zorder=3)
        self.mean_arrow = self.gax.quiver(
            0, 0, 0, 0, color="tab:red", angles="xy", scale_units="xy", scale=1, width=0.008
        )
        (self.mean,) = self.gax.plot([], [], "o", color="tab:red", ms=9, mec="white", zorder=4)
        # the axes follow the cloud, so the figure says its scale: a small cloud on small axes
        # must not look like a large one
        self.scale_note = self.gax.text(
            0.98, 0.02, "", transform=self.gax.transAxes, ha="right", va="bottom", fontsize=9,
            color="0.25", bbox={"facecolor": "white", "alpha": 0.85, "lw": 0},
        )  # fmt: skip
        self.moving(
            self.arrows,
            self.full_arrow, self.point, self.dots, self.ellipse, self.mean_arrow, self.mean,
            self.scale_note, self.add_title(fontsize=11),
        )  # fmt: skip
        self._limit = None
        self._averages = {}
        self.refresh()

    def batch_averages(self, batch_size: int) -> np.ndarray:
        """The averages of x², x, xy and y over each drawn batch: shape (4, batches).

        A batch's gradient is 2·(avg(x²)·w + avg(x)·b − avg(xy), avg(x)·w + b − avg(y)), so
        these four numbers per batch, computed once per B, give every dot at any θ at once.
        With B = 1 the batches are the n samples themselves.
        """
        if batch_size not in self._averages:
            if batch_size == 1:
                index = np.arange(self.loss.n)[:, None]
            else:
                sampler = MiniBatches(self.loss.n, batch_size, drop_last=True, seed=self.seed)
                epochs = -(-self.clouds // sampler.iterations_per_epoch)
                index = np.concatenate([np.stack(sampler.epoch(e)) for e in range(1, epochs + 1)])
                index = index[: self.clouds]
            x, y = self.loss.x[index], self.loss.y[index]  # shape (batches, B)
            self._averages[batch_size] = np.stack([x * x, x, x * y, y]).mean(axis=-1)
        return self._averages[batch_size]

    def update(self) -> None:
        loss = self.loss
        theta = np.array([self.w.value, self.b.value])
        B = self.batch_size.value if self.batch_size else 1
        w, b = theta
        xx, x, xy, y = self.batch_averages(B)
        points = 2 * np.stack([xx * w + x * b - xy, x * w + b - y], axis=-1)
        full = loss.grad(theta)
        self.points = points
        covariance = gradient_noise(loss, theta) * minibatch_variance(1.0, loss.n, B)

        # Right: the cloud in the gradient plane. The axes grow or shrink by factors of √2 only
        # (each change redraws the panel's static parts; a small move of θ does not).
        reach = max(np.percentile(np.abs(points), 99.5, axis=0).max(), np.abs(full).max(), 1e-3)
        limit = 2.0 ** (math.ceil(2 * math.log2(reach * 1.15)) / 2)
        if limit != self._limit:
            self.gax.set(xlim=(-limit, limit), ylim=(-limit, limit))
            self._limit = limit
            # the whole background, not just this panel: new tick labels move the axis labels,
            # and a panel-only repaint left the old label's pixels beside the new one
            self.redraw_background()
        self.scale_note.set_text(f"axes rescale with the cloud: now ±{limit:.3g}")
        # At 24 px the note is wider than the square panel and ran over the next one: in
        # classroom mode the title's second line says it instead.
        self.scale_note.set_visible(not self.classroom)
        scale = f" · axes ±{limit:.3g}, rescaled with the cloud" if self.classroom else ""
        self.dots.set_offsets(points)
        self.ellipse.set_data(*covariance_ellipse(full, covariance).T)
        self.mean_arrow.set_UVC(*full)
        self.mean.set_data([full[0]], [full[1]])

        # Left: the descent directions of 20 of the dots (grey) and −∇L (red), one scale for all.
        directions = -np.vstack([points[self.shown], full])
        longest = np.linalg.norm(directions, axis=1).max()
        directions *= 1.6 / max(longest, 1e-12)  # the longest drawn is 1.6 units long
        self.arrows.set_offsets(np.tile(theta, (20, 1)))
        self.arrows.set_UVC(*directions[:-1].T)
        self.full_arrow.set_offsets(theta[None])
        self.full_arrow.set_UVC(*directions[-1])
        self.point.set_data([theta[0]], [theta[1]])

        spread = math.sqrt(np.trace(covariance))
        self.agree = float(np.mean(points @ full > 0))
        self.set_title(
            f"mean of the dots ({points[:, 0].mean():.3g}, {points[:, 1].mean():.3g}) "
            f"= ∇L(θ) ({full[0]:.3g}, {full[1]:.3g})\n"
            f"spread {spread:.3g}, ‖∇L‖ {np.linalg.norm(full):.3g}; {self.agree:.0%} within 90°"
            + scale
        )


# -- 2. the noise ball ----------------------------------------------------------------------
SCHEDULE_CHOICES = {
    "constant": ("constant: η_t = η", {}),
    "1/t": ("1/t: η_t = η / (1 + (t−1)/300)", {"decay": 1 / 300}),
    "exponential": ("exponential: η_t = η · 0.998^(t−1)", {"gamma": 0.998}),
    "step": ("step: η_t = η · 0.1^(epoch−1)", {"step_size": 1000, "gamma": 0.1}),
}
"""The schedules the noise-ball explorer offers: name → (label, parameters for ``schedule``)."""


class IterationControls(StepControls):
    """Step / Play / Reset that move ``stride`` iterations at a time.

    Its counter is written by the explorer after the new picture (``show_counter``): written
    first, as StepControls does, it ran one frame ahead of the picture while playing.
    """

    def __init__(self, steps: int, stride: int):
        super().__init__(steps)
        self.stride = stride
        self.play.step = stride

    def _label(self):
        pass  # the explorer calls show_counter once the picture is out

    def show_counter(self):
        StepControls._label(self)

    def advance(self) -> None:
        self.play.value = min(self.play.value + self.stride, self.play.max)


class NoiseBall(Explorer):
    r"""``runs`` SGD runs with one sample per step (B = 1), each with its own shuffles, from the
    same start; a constant or decaying learning rate.

    Left: the loss contours, run 0's path and where every run is at step t. Middle: a zoom on
    the minimum θ*, with the noise ball the theory predicts for the current ηₜ (the ellipse
    holding about 95 % of the runs: HC + CH = ηₜΣ(θ*)). Right: L(θₜ) − L* averaged over the runs
    (and run 0 alone) against the step, with the theory's level ηₜ·tr Σ(θ*)/4.
    """

    def __init__(
        self,
        loss: LinearRegression,
        lr: float = 0.1,
        schedule_name: str = "constant",
        seed: int = 0,
        runs: int = 100,
        epochs: int = 3,
        stride: int = 50,
        zoom: float = 0.25,
    ):
        self.loss, self.runs = loss, runs
        self.total = epochs * loss.n  # B = 1: n steps per epoch
        self.lr = lr_slider(lr, low=1e-3, high=1.0)
        self.schedule = widgets.Dropdown(
            options=[(label, name) for name, (label, _) in SCHEDULE_CHOICES.items()],
            value=schedule_name,
            description="decay",
            layout=widgets.Layout(width="330px"),
        )
        self.seed = widgets.IntSlider(seed, min=0, max=9, description="seed")
        self.stepper = IterationControls(self.total, stride)
        self.stepper.play.value = self.total  # the whole run first; Reset replays it
        super().__init__([self.lr, self.schedule, self.seed, self.stepper], figsize=(10.0, 4.2))

        self.ax, self.zax, self.lax = self.figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1, 1, 1.25]}
        )
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.86, wspace=0.34)
        center = loss.minima[0]
        draw_contours(self.ax, loss)
        self.panel_title(self.ax, f"{runs} SGD runs, B = 1", fontsize=11)
        self.ax.add_patch(_square(center, zoom))
        near = np.linspace(-zoom, zoom, 101)
        W, B = np.meshgrid(center[0] + near, center[1] + near)
        gap = loss.value(np.stack([W, B], axis=-1)) - loss.min_value
        levels = np.geomspace(1e-4, gap.max(), 12)
        self.zax.contour(W, B, gap, levels=levels, colors="0.6", linewidths=0.6)
        self.zax.plot(*center, "*", color="gold", mec="black", ms=13)
        self.zax.set(xlabel=loss.axis_labels[0], ylabel=loss.axis_labels[1])
        self.panel_title(self.zax, f"zoom: θ* ± {zoom:g}", fontsize=11)
        self.lax.set(
            yscale="log", xlim=(0, self.total), ylim=(1e-6, 30), xlabel="step t (iteration)",
            ylabel=r"$L(\theta_t) - L^*$",
        )  # fmt: skip
        for epoch in range(1, epochs + 1):
            self.lax.axvline(epoch * loss.n, color="0.7", ls=":", lw=1)
            # (classroom text is too wide for "epoch 2" in every third of the panel: a number)
            label = f"epoch {epoch}" if epoch == 1 or not self.classroom else str(epoch)
            self.lax.text((epoch - 0.5) * loss.n, 2e-6, label, ha="center", color="0.4")
        self.lax.grid(True, which="major", alpha=0.3)
        (self.path,) = self.ax.plot([], [], "-", color="tab:orange", lw=0.8)
        self.cloud = self.ax.scatter([], [], s=6, color="tab:blue", zorder=3)
        self.zcloud = self.zax.scatter([], [], s=10, color="tab:blue", zorder=3)
        (self.ball,) = self.zax.plot([], [], "--", color="tab:red", lw=1.8)
        (self.mean_gap,) = self.lax.plot([], [], color="tab:blue", lw=1.8, label="mean of the runs")
        (self.one_gap,) = self.lax.plot(
            [], [], color="tab:orange", lw=0.6, alpha=0.7, label="run 0"
        )
        (self.theory,) = self.lax.plot(
            [], [], "--", color="tab:red", lw=1.5, label=r"theory $\eta_t\,\mathrm{tr}\,\Sigma/4$"
        )
        (self.now,) = self.lax.plot([], [], color="black", lw=1)
        self.lax.legend(loc="upper right", fontsize=8)
        self.status = status_text(self.ax, 0.03, 0.97)  # kept inside its panel, wrapped
        self.moving(
            self.path, self.cloud, self.zcloud, self.ball, self.mean_gap, self.one_gap,
            self.theory, self.now, self.status, self.add_title(fontsize=11),
        )  # fmt: skip
        self.level_per_lr = noise_ball_gap(loss, 1.0)  # the excess loss is η·tr Σ/4
        self.ball_per_lr = noise_ball(loss, 1.0)  # and the covariance η·C₁
        self._samples = {}
        self._key = None
        self.refresh()

    def lrs(self) -> np.ndarray:
        """η_t for t = 1 … total, for the chosen η and schedule."""
        _, params = SCHEDULE_CHOICES[self.schedule.value]
        lr = tidy(self.lr.value)
        return schedule(self.schedule.value, lr=lr, **params)(np.arange(1, self.total + 1))

    def samples(self, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the sample each run uses at each step: shapes (steps, runs), kept per seed."""
        if seed not in self._samples:
            gradient = MinibatchGradient(self.loss, 1, seed=seed, runs=self.runs)
            order = sample_order(gradient, self.total)
            self._samples[seed] = self.loss.x[order], self.loss.y[order]
        return self._samples[seed]

    def refresh(self, change=None) -> None:
        super().refresh(change)
        self.stepper.show_counter()  # after the picture: the counter never runs ahead of it

    def update(self) -> None:
        key = (self.lr.value, self.schedule.value, self.seed.value)
        if key != self._key:  # Step / Play only re-slice the runs already computed
            self.lr_t = self.lrs()
            x, y = self.samples(self.seed.value)
            self.paths = sgd_one_sample(x, y, self.lr_t, self.loss.x0)
            self.gaps = self.loss.value(self.paths) - self.loss.min_value  # (steps + 1, runs)
            finite = np.isfinite(self.gaps)  # (steps + 1, runs): False from a run's divergence on
            first_bad = np.where(finite.all(axis=0), -1, np.argmin(finite, axis=0))  # per run
            self.diverged_at = -1 if np.all(first_bad < 0) else int(first_bad[first_bad >= 0].min())
            self.run_diverged_at = first_bad
            self._key = key
        t = self.stepper.value
        now = self.paths[t]
        self.cloud.set_offsets(now)
        self.zcloud.set_offsets(now)
        path = self.paths[: t + 1, 0]
        self.path.set_data(*path[np.isfinite(path[:, 0])].T)
        lr_now = self.lr_t[max(t - 1, 0)]
        ball = covariance_ellipse(self.loss.minima[0], lr_now * self.ball_per_lr)
        self.ball.set_data(*ball.T)

        gone = (self.run_diverged_at >= 0) & (self.run_diverged_at <= t)  # runs diverged by t
        diverged = bool(gone.any())
        drawn = np.arange(0, t + 1, 3)  # every third step: 1000 points still look continuous
        with np.errstate(all="ignore"):  # the mean is over the runs that have not diverged
            alive = self.gaps[drawn][:, ~gone]
            mean = alive.mean(axis=1) if alive.shape[1] else np.full(drawn.size, np.nan)
            self.mean_gap.set_data(drawn, mean)
        self.one_gap.set_data(drawn[::2], self.gaps[drawn[::2], 0])  # a jagged line: fewer points
        self.theory.set_data(drawn[1:], self.lr_t[drawn[1:] - 1] * self.level_per_lr)
        self.now.set_data([t, t], [1e-6, 30])

        runs = gone.size
        # the noise-ball theory describes runs that converge: with every run gone, it is not
        # drawn (a dashed ball above 2/L would promise a ball that does not exist)
        self.ball.set_visible(not gone.all())
        self.theory.set_visible(not gone.all())
        if gone.all():
            verdict = f"diverged at step {self.diverged_at} (all {runs} runs by step {t})"
            self.rms = math.nan
        else:
            alive_now = now[~gone]
            self.rms = float(
                np.sqrt(np.mean(np.sum((alive_now - self.loss.minima[0]) ** 2, axis=1)))
            )
            verdict = f"RMS distance to θ* {self.rms:.3g}"
            if diverged:
                verdict = (
                    f"{gone.sum()} of {runs} runs diverged at step {self.diverged_at} "
                    f"or later; the others: {verdict}"
                )
        # the banner short (the title has the details): six lines of it hid the whole panel
        k = self.diverged_at
        banner = (
            f"diverged at step {k}" if gone.all() else f"{gone.sum()} runs diverged (from step {k})"
        )
        self.status.set_text(banner if diverged else "")
        self.status.set_visible(diverged)
        epoch = max(math.ceil(t / self.loss.n), 1)
        self.set_title(f"step {t} (epoch {epoch}): ηₜ = {lr_now:.3g}; {verdict}")


def _square(center, half):
    from matplotlib.patches import Rectangle

    return Rectangle(center - half, 2 * half, 2 * half, fill=False, color="tab:red", lw=1.2)


# -- 3. the fair comparison ---------------------------------------------------------------------
AXES = {
    "epochs": "epochs (passes over the data)",
    "updates": "updates (iterations)",
    "samples seen": "samples seen",
    "seconds": "seconds (measured cost per update on this machine)",
}


class FairComparison(Explorer):
    r"""SGD on the linear regression at several batch sizes, all with the same η, for
    ``epochs`` epochs: L(θ) − L* after every update, against the x-axis you choose.

    One update at batch size B moves x by 1/⌈n/B⌉ epochs, 1 update, B samples (the last batch
    of an epoch may be shorter) or ``seconds_per_update[B]`` seconds: the time one training
    step takes at that batch size, measured beforehand (``helpers.hardware.samples_per_second``).
    """

    def __init__(
        self,
        loss: LinearRegression,
        seconds_per_update: Mapping[int, float],
        lr: float = 0.05,
        epochs: int = 10,
        batch_sizes: Sequence[int] = (1, 8, 32, 128, 1000),
        shown: Sequence[int] = (1, 128, 1000),
        x_axis: str = "epochs",
        seed: int = 0,
    ):
        self.loss, self.epochs, self.seed = loss, epochs, seed
        self.seconds_per_update = {int(b): float(seconds_per_update[b]) for b in batch_sizes}
        self.x_axis = widgets.ToggleButtons(options=list(AXES), value=x_axis, description="x-axis")
        self.lr = lr_slider(lr, low=1e-3, high=1.0)
        self.toggles = {
            b: widgets.ToggleButton(
                value=b in shown, description=f"B = {b}", layout=widgets.Layout(width="90px")
            )
            for b in batch_sizes
        }
        super().__init__([self.x_axis, self.lr, *self.toggles.values()], figsize=(9.5, 4.4))
        self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.84)
        start_gap = float(loss.value(loss.x0) - loss.min_value)
        self.ax.set(
            xscale="log", yscale="log", ylim=(1e-6, start_gap * 3), ylabel=r"$L(\theta) - L^*$"
        )
        self.ax.grid(True, which="major", alpha=0.3)
        self.curves = {}
        for b, color in zip(batch_sizes, BATCH_COLORS, strict=False):
            (self.curves[b],) = self.ax.plot([], [], color=color, lw=1.6, label=f"B = {b}")
        self.ax.legend(loc="lower left", fontsize=9, ncol=len(batch_sizes))
        self.status = status_text(self.ax, 0.98, 0.97)
        self.status.set_horizontalalignment("right")
        self.moving(*self.curves.values(), self.status, self.add_title(fontsize=11))
        for toggle in self.toggles.values():  # the legend is drawn once, with the background
            self.on_structure(toggle, self._fade_switched_off)
        self._fade_switched_off()
        self._axis = None
        self._runs = {}
        self.refresh()

    def _fade_switched_off(self) -> None:
        """Fade the legend entries of the batch sizes switched off: the legend keys the
        toggles' colours, and a bright entry for a curve not drawn read as a missing curve."""
        labels = {curve.get_label(): b for b, curve in self.curves.items()}
        for legend in [self.ax.get_legend(), *self.figure.legends]:
            if legend is None:
                continue
            for text, handle in zip(legend.texts, legend.legend_handles, strict=True):
                b = labels.get(text.get_text())
                if b is not None:
                    alpha = 1.0 if self.toggles[b].value else 0.25
                    text.set_alpha(alpha)
                    handle.set_alpha(alpha)

    def x_values(self, batch_size: int, t: np.ndarray) -> np.ndarray:
        """Where updates number ``t`` (1, 2, …) at batch size B sit on the chosen x-axis."""
        n = self.loss.n
        per_epoch = math.ceil(n / batch_size)
        epochs_done, in_epoch = np.divmod(t - 1, per_epoch)
        return {
            "epochs": t / per_epoch,
            "updates": t.astype(float),
            "samples seen": epochs_done * n + np.minimum((in_epoch + 1) * batch_size, n),
            "seconds": t * self.seconds_per_update[batch_size],
        }[self.x_axis.value]

    def limits(self) -> tuple[float, float]:
        """The chosen axis's range: from the first update of any batch size to the last."""
        n, epochs, cost = self.loss.n, self.epochs, self.seconds_per_update
        return {
            "epochs": (1 / n, epochs),
            "updates": (1, epochs * n),
            "samples seen": (1, epochs * n),
            "seconds": (
                min(cost.values()),
                max(epochs * math.ceil(n / b) * s for b, s in cost.items()),
            ),
        }[self.x_axis.value]

    def update(self) -> None:
        if self.x_axis.value != self._axis:
            low, high = self.limits()
            self.ax.set(xlim=(low, high * 1.2), xlabel=AXES[self.x_axis.value])
            self._axis = self.x_axis.value
            # Each axis's static picture (ticks, label) is drawn once and kept: switching back
            # and forth between axes then costs no more than any other change.
            self.use_background(self._axis)
        lr = tidy(self.lr.value)
        verdicts, diverged = [], []
        for b, toggle in self.toggles.items():
            curve = self.curves[b]
            curve.set_visible(toggle.value)
            if not toggle.value:
                continue
            if (b, lr) not in self._runs:
                path = sgd_minibatch(self.loss, b, lr, self.epochs, seed=self.seed, x0=self.loss.x0)
                self._runs = {k: v for k, v in self._runs.items() if k[1] == lr}
                self._runs[(b, lr)] = self.loss.value(path[1:]) - self.loss.min_value
            gaps = self._runs[(b, lr)]
            t, averaged = window_means(gaps)
            curve.set_data(self.x_values(b, t), averaged)
            if np.isfinite(gaps).all():
                # A run can end far above the chart without overflowing (B = 1000 at η = 1):
                # the banner says so, beside the runs that diverged (the title has no room).
                off = left_the_chart(averaged, self.ax.get_ylim()[1], t)
                if off is not None:
                    diverged.append(f"B = {b} left the chart at update {off}")
                verdicts.append(f"B = {b}: {averaged[-1]:.2g}")
            else:
                k = int(np.argmin(np.isfinite(gaps))) + 1
                diverged.append(f"B = {b} diverged at update {k}")
                verdicts.append(f"B = {b}: diverged")
        self.status.set_text("\n".join(diverged))
        self.status.set_visible(bool(diverged))
        self.set_title(
            f"η = {lr:.3g} for every batch size · L − L* at the end of {self.epochs} epochs:\n"
            + (" · ".join(verdicts) if verdicts else "choose a batch size")
        )
