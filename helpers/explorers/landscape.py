r"""Explorers of notebook 01, the loss landscape:

* ``LineFitExplorer``: a line y = w·x through house prices (left) and its loss L(w) (right);
* ``CurvatureExplorer``: a quadratic's elliptic contours, its eigen-directions and κ;
* ``LandscapeExplorer``: any 2-D objective's contours next to its gradient norm, with the
  flat region (plateaus, and the neighbourhoods of minima, maxima and saddles) shaded.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps

from ..engine import Explorer, condition_number_slider, function_picker
from ..objectives import Objective, Quadratic, line_loss
from ..optimizers import SGD
from ..plots import draw_contours
from ..plots.landscape import axis_labels, ellipse_points, grid_of
from ..runner import run
from ..theory import gd_optimal

__all__ = [
    "LineFitExplorer",
    "CurvatureExplorer",
    "LandscapeExplorer",
]

_WIDE = widgets.Layout(width="380px")
# 16 flat colour bands instead of a smooth ramp: as readable, and a PNG of flat areas encodes
# in half the time, which is most of what a redraw costs.
_BANDS = colormaps["viridis"].resampled(16)


# -- from data to a loss -----------------------------------------------------------------------


class LineFitExplorer(Explorer):
    """The data with the line ŷ = w·x and its residuals (left); the loss L(w) as a curve with
    the current w on it (right). Sliding w moves the line and the point together."""

    def __init__(self, x, y, w: float = 1.0, w_max: float = 6.0):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.w = widgets.FloatSlider(value=w, min=0.0, max=w_max, step=0.05, description="slope w")
        self.w.layout = _WIDE
        super().__init__([self.w], figsize=(10.0, 4.1))
        data_ax, loss_ax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.8, wspace=0.28)

        x_end = 1.1 * self.x.max()
        data_ax.plot(self.x, self.y, "o", color="black", ms=6, zorder=3, label="houses")
        data_ax.set(xlim=(0, x_end), ylim=(0, 1.05 * max(self.y.max(), w_max * x_end)))
        data_ax.set(xlabel="area x (m²)", ylabel="price y (k€)")
        self.panel_title(data_ax, r"data and the line $\hat y = w\,x$", fontsize=13)
        (self.line,) = data_ax.plot([], [], color="tab:blue", lw=2.2, label=r"$\hat y = w x$")
        (self.residuals,) = data_ax.plot([], [], color="tab:red", lw=1.3, label="residuals")
        data_ax.legend(loc="upper left", fontsize=10)

        w_grid = np.linspace(0, w_max, 301)
        curve = line_loss(w_grid, self.x, self.y)
        loss_ax.plot(w_grid, curve, color="0.35", lw=2)
        loss_ax.set(xlim=(0, w_max), ylim=(0, 1.05 * curve.max()), xlabel="slope w")
        loss_ax.set(ylabel="L(w) (k€²)")
        self.panel_title(loss_ax, r"$L(w) = \frac{1}{n}\sum_i (w x_i - y_i)^2$", fontsize=13)
        (self.drop,) = loss_ax.plot([], [], ":", color="tab:blue", lw=1.5)
        (self.point,) = loss_ax.plot(
            [],
            [],
            "o",
            color="tab:blue",
            mec="black",
            ms=11,
            clip_on=False,  # whole at w = 6
        )
        self.moving(self.line, self.residuals, self.drop, self.point, self.add_title(fontsize=13))
        self.refresh()

    def update(self) -> None:
        w, x, y = self.w.value, self.x, self.y
        ends = np.array([0.0, 1.1 * x.max()])
        self.line.set_data(ends, w * ends)
        # every residual as a vertical segment from yᵢ to w·xᵢ; NaN breaks the line between them
        gap = np.full_like(x, np.nan)
        self.residuals.set_data(
            np.stack([x, x, gap], axis=1).ravel(), np.stack([y, w * x, gap], axis=1).ravel()
        )
        loss = float(line_loss(w, x, y))
        self.point.set_data([w], [loss])
        self.drop.set_data([w, w], [0, loss])
        self.set_title(
            f"w = {w:.2f} k€/m²:  L(w) = mean of the {x.size} squared residuals = {loss:,.0f} k€²"
        )


# -- curvature and conditioning ----------------------------------------------------------------
class CurvatureExplorer(Explorer):
    r"""A quadratic f(θ) = ½ θᵀAθ with a chosen condition number κ and rotation.

    Left: its contours (ellipses, drawn in closed form), the two eigen-directions of A as
    arrows of length ∝ 1/√λ (the semi-axes of the bold contour) labelled with λ, and
    ``steps`` gradient-descent steps with the best fixed η = 2/(μ + L). Right: f along each
    eigen-direction, ½ λ s²: one steep parabola and one flat one. The title reads out κ.
    """

    radius = 2.5  # the long semi-axis of the bold contour, whatever κ
    sizes = (0.25, 0.5, 0.75, 1.0, 1.25)  # the contours' sizes relative to the bold one
    steps = 25

    def __init__(self, condition_number: float = 10.0, angle: int = 30):
        self.kappa = condition_number_slider(condition_number, description="κ (condition number)")
        self.angle = widgets.IntSlider(
            value=angle, min=0, max=180, step=5, description="rotation (°)"
        )
        self.angle.layout = _WIDE
        super().__init__([self.kappa, self.angle], figsize=(10.0, 4.5))
        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.84, wspace=0.25)
        left.set(xlim=(-3, 3), ylim=(-3, 3), xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")
        left.set_aspect("equal")
        if not self.classroom:  # (classroom: the λ labels take the title's place)
            self.panel_title(left, "contours, eigen-directions, GD with the best η", fontsize=12)
        self.contours = [
            left.plot([], [], color="0.2" if s == 1 else "0.55", lw=2.2 if s == 1 else 1)[0]
            for s in self.sizes
        ]
        (self.path,) = left.plot([], [], "-o", color="tab:green", ms=3, lw=1.2)
        (self.start,) = left.plot([], [], "s", color="black", ms=6)
        self.arrows, self.labels = [], []
        for color in ("tab:blue", "tab:red"):  # flat direction (λ = μ), steep direction (λ = L)
            arrow = left.annotate(
                "",
                xy=(1, 0),
                xytext=(0, 0),
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.8, "mutation_scale": 18},
            )
            label = left.text(
                0,
                0,
                "",
                transform=left.transAxes if self.classroom else left.transData,
                color=color,
                fontsize=13,
                fontweight="bold",
                ha="center",
                va="center",
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1},
            )
            self.arrows.append(arrow)
            self.labels.append(label)
        left.plot(0, 0, "*", color="gold", mec="black", ms=10)

        s = np.linspace(-3, 3, 121)
        self.s = s
        right.plot(s, 0.5 * s**2, color="tab:red", lw=2.2)
        (self.flat_curve,) = right.plot([], [], color="tab:blue", lw=2.2)
        right.set(xlim=(-3, 3), ylim=(-0.1, 4.6), xlabel="distance s along the eigen-direction")
        right.set_ylabel(r"$f = \frac{1}{2}\lambda s^2$", fontsize=13)
        self.panel_title(right, "f along each eigen-direction: curvature λ", fontsize=12)
        right.text(
            0, 4.1, "steep: λ = 1", color="tab:red", fontsize=13, fontweight="bold", ha="center"
        )
        self.flat_label = right.text(
            0, 3.55, "", color="tab:blue", fontsize=13, fontweight="bold", ha="center"
        )
        self.moving(
            *self.contours,
            self.path,
            self.start,
            *self.arrows,
            *self.labels,
            self.flat_curve,
            self.flat_label,
            self.add_title(fontsize=13),
        )
        self.objective = None
        self.result = None
        self.refresh()

    def update(self) -> None:
        kappa, angle = self.kappa.value, self.angle.value
        q = Quadratic(condition_number=kappa, angle=angle)
        self.objective = q
        mu, L = q.eigenvalues
        directions = q.eigenvectors.T  # rows: the flat direction (λ = μ), the steep one (λ = L)

        # The bold contour is the level whose semi-axis along the flat direction is `radius`.
        reference = 0.5 * mu * self.radius**2
        for line, size in zip(self.contours, self.sizes, strict=True):
            line.set_data(*ellipse_points(q.center, q.hessian, reference * size**2).T)
        # An eigenvector's sign is arbitrary: the arrows point away from the GD start below,
        # so that the run does not hide them.
        for arrow, label, direction, lam in zip(
            self.arrows, self.labels, -directions, (mu, L), strict=True
        ):
            length = np.sqrt(2 * reference / lam)  # the semi-axis, ∝ 1/√λ
            arrow.xy = tuple(direction * length)
            arrow.set_position((0.0, 0.0))
            label.set_text(f"λ = {lam:.3g}")
            if not self.classroom:
                where = np.clip(direction * max(length + 0.45, 0.9), -2.2, 2.2)  # stay inside
                label.set_position(tuple(where))
        if self.classroom:
            # At 24 px a label is wider than the short arrow, and the two ran into each other
            # and off the panel: above the panel instead, in the title's place, the flat λ on
            # the left and the steep λ on the right, in their arrows' colours.
            for label, (x, side) in zip(self.labels, ((0.0, "left"), (1.0, "right")), strict=True):
                label.set_position((x, 1.02))
                label.set_horizontalalignment(side)
                label.set_verticalalignment("bottom")
        lr, rate = gd_optimal(mu, L)
        # the start sits on the valley's wall: 2.2 along the flat axis, 0.7 across it
        x0 = 2.2 * directions[0] + 0.7 * directions[1]
        self.result = run(SGD(lr=lr), q, x0, self.steps)
        self.path.set_data(*self.result.path.T)
        self.start.set_data([x0[0]], [x0[1]])
        self.flat_curve.set_data(self.s, 0.5 * mu * self.s**2)
        self.flat_label.set_text(f"flat: λ = {mu:.3g}")
        shrink = np.linalg.norm(self.result.path[-1]) / np.linalg.norm(x0)
        self.set_title(
            f"κ = λmax/λmin = {L:g}/{mu:.3g} = {kappa:.4g}, rotation {angle}°.  "
            f"Best-η GD: distance × {rate:.3f} per step, × {shrink:.2g} after {self.steps}"
        )


# -- non-convex landscapes ---------------------------------------------------------------------
class LandscapeExplorer(Explorer):
    r"""Contours (left) and the gradient norm ‖∇f‖ on log colours (right) of a picked 2-D
    objective. Red marks where the ground is flat: ‖∇f‖ < τ · max ‖∇f‖ over the square.

    Dark spots on the right are critical points (∇f = 0): minima, maxima and saddles alike.
    Each function has its own pair of axes, built once; the picker only shows another pair,
    and every pair's static picture is cached, so changing the function is a blit too.
    """

    def __init__(self, objectives: dict[str, Objective], value: str | None = None, flat=1e-3):
        self.objectives = {name: f for name, f in objectives.items() if f.dim == 2}
        self.picker = function_picker(self.objectives, value)
        self.threshold = widgets.FloatLogSlider(
            value=flat,
            base=10,
            min=-6,
            max=-1,
            step=0.25,
            description="flat: ‖∇f‖ / max ‖∇f‖ below",
            readout_format=".0e",
            layout=widgets.Layout(width="420px"),
        )
        super().__init__([self.picker, self.threshold], figsize=(10.0, 4.3))
        self.panels = {name: self._build(name, f) for name, f in self.objectives.items()}
        for panel in self.panels.values():  # the stars go on top of the red overlay
            self.moving(panel["overlay"], panel["stars"])
        self.add_title(fontsize=13)
        self._shown = None
        self.flat_fraction = float("nan")
        for name in self.objectives:  # draw every function's static picture once, up front
            self._show(name)
            self.render()
        # kept whole, the last ones drawn would cost 7 MB each at 2×, and none is in use yet
        self._pack_background()
        self.deflate_recent()
        self.refresh()

    def _build(self, name: str, objective: Objective) -> dict:
        """One function's two axes, drawn once and hidden until the picker chooses it."""
        left = self.figure.add_axes((0.065, 0.12, 0.37, 0.72))
        right = self.figure.add_axes((0.53, 0.12, 0.36, 0.72))
        bar = self.figure.add_axes((0.9, 0.12, 0.015, 0.72))
        draw_contours(left, objective)
        if hasattr(objective, "saddle_point"):
            left.plot(*objective.saddle_point, "X", color="tab:red", mec="black", ms=12)
        self.panel_title(left, f"{name}: contours", fontsize=12)

        X, Y = grid_of(objective, 200)
        norm = np.linalg.norm(objective.grad(np.stack([X, Y], axis=-1)), axis=-1)
        log_norm = np.log10(np.maximum(norm, 1e-12))  # a critical point on the grid is 0
        extent = (X.min(), X.max(), Y.min(), Y.max())
        image = right.imshow(
            log_norm,
            origin="lower",
            extent=extent,
            cmap=_BANDS,
            aspect="auto",
            interpolation="nearest",
            # four decades at most, down to the smallest norm on the grid: critical points show
            # as dark spots. (Rastrigin's critical points fall between the grid's points, whose
            # smallest norm is 10^0.6; four decades below its maximum they were faint green
            # specks on yellow, and the text's "dark dots" were not there.)
            vmin=max(log_norm.max() - 4, log_norm.min()),
        )
        self.figure.colorbar(image, cax=bar, label=r"$\log_{10}\|\nabla f\|$")
        overlay = right.imshow(
            np.zeros((*norm.shape, 4), dtype=np.uint8),
            origin="lower",
            extent=extent,
            aspect="auto",
            interpolation="nearest",  # no smoothing filter: the fastest to redraw
        )
        (stars,) = right.plot(*objective.minima.T, "*", color="gold", mec="black", ms=11)
        xlabel, ylabel = axis_labels(objective)
        right.set(xlabel=xlabel, ylabel=ylabel)
        self.panel_title(right, r"$\|\nabla f\|$, dark where small; red: flat", fontsize=12)
        axes = [left, right, bar]
        for ax in axes:
            ax.set_visible(False)
        overlay.set_visible(False)
        stars.set_visible(False)
        return {"axes": axes, "overlay": overlay, "stars": stars, "norm": norm}

    def _artists(self, name: str) -> list:
        panel = self.panels[name]
        return [*panel["axes"], panel["overlay"], panel["stars"]]

    def _show(self, name: str) -> None:
        """Swap the visible pair of axes, and the cached static picture with it."""
        if self._shown is not None:
            for artist in self._artists(self._shown):
                artist.set_visible(False)
        for artist in self._artists(name):
            artist.set_visible(True)
        self.use_background(name)
        self._shown = name

    def update(self) -> None:
        name = self.picker.value
        if name != self._shown:
            self._show(name)
        panel, tau = self.panels[name], self.threshold.value
        flat = panel["norm"] < tau * panel["norm"].max()
        colours = np.zeros((*flat.shape, 4), dtype=np.uint8)  # RGBA bytes: no conversion
        colours[flat] = (220, 20, 20, 140)
        panel["overlay"].set_data(colours)
        self.flat_fraction = float(flat.mean())
        self.set_title(
            f"{name}: ‖∇f‖ < {tau:.0e} × max on {100 * self.flat_fraction:.3g}% of the square "
            f"(max ‖∇f‖ = {panel['norm'].max():.3g})"
        )
