r"""Static figures of loss landscapes (notebook 01): surfaces, basins and a network's slices.

Each function returns a ``StaticFigure`` (shown as a PNG when it ends a notebook cell); the
small drawing pieces (``ellipse_points``, ``grid_of``) are shared with the explorers in
``helpers.explorers.landscape``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from ..objectives import Objective
from . import StaticFigure, draw_contours, new_figure

__all__ = [
    "grid_of",
    "axis_labels",
    "ellipse_points",
    "contour_and_surface",
    "surface_gallery",
    "cross_sections",
    "basins_figure",
    "interpolation_figure",
    "slice_figure",
    "MINIMUM_NAMES",
    "BASIN_COLORS",
]

MINIMUM_NAMES = "ABCDEFGH"  # how figures and exercises name the minima of an objective
BASIN_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def grid_of(objective: Objective, resolution: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The (X, Y) mesh over an objective's plot bounds, ``resolution`` points a side."""
    (xlo, xhi), (ylo, yhi) = objective.bounds
    return np.meshgrid(np.linspace(xlo, xhi, resolution), np.linspace(ylo, yhi, resolution))


def axis_labels(objective: Objective) -> tuple[str, str]:
    """The objective's own axis names, e.g. ("slope $w$", "intercept $b$"), else θ₁, θ₂."""
    return getattr(objective, "axis_labels", (r"$\theta_1$", r"$\theta_2$"))


def ellipse_points(center, hessian, level: float, n: int = 121) -> np.ndarray:
    r"""Points on the contour $\tfrac12 (\theta - c)^\top A (\theta - c) = \ell$ of a quadratic.

    With $A = \sum_i \lambda_i v_i v_i^\top$ the contour is an ellipse whose semi-axis along the
    eigenvector $v_i$ has length $\sqrt{2\ell / \lambda_i}$: short where the curvature is large.
    So $\theta(t) = c + \sqrt{2\ell/\lambda_1}\cos t\, v_1 + \sqrt{2\ell/\lambda_2}\sin t\, v_2$,
    a closed form, much faster than ``contour`` on a grid. Returns shape (n, 2).
    """
    eigenvalues, eigenvectors = np.linalg.eigh(np.asarray(hessian, dtype=float))
    t = np.linspace(0, 2 * np.pi, n)
    semi_axes = np.sqrt(2 * level / eigenvalues)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1) * semi_axes  # in eigen-coordinates
    return np.asarray(center, dtype=float) + circle @ eigenvectors.T


def contour_and_surface(objective: Objective, title: str = "", zlabel: str = "loss"):
    """The same landscape twice: contours seen from above (left) and a 3-D surface (right),
    each with the minimum marked by a gold star."""
    figure = StaticFigure(figsize=(11.0, 4.6), dpi=100, layout="constrained")
    flat = figure.add_subplot(1, 2, 1)
    solid = figure.add_subplot(1, 2, 2, projection="3d")
    draw_contours(flat, objective)
    flat.set_title("contours (seen from above)", fontsize=13)

    X, Y = grid_of(objective, 60)
    Z = objective.value(np.stack([X, Y], axis=-1))
    solid.plot_surface(X, Y, Z, cmap="viridis", rstride=2, cstride=2, lw=0.2, alpha=0.85)
    minimum = objective.minima[0]
    solid.computed_zorder = False  # draw the star on top, not hidden inside the surface
    solid.plot(
        [minimum[0]],
        [minimum[1]],
        [objective.min_value],
        "*",
        color="gold",
        mec="black",
        ms=18,
        zorder=10,
    )
    xlabel, ylabel = axis_labels(objective)
    solid.set(xlabel=xlabel, ylabel=ylabel, zlabel=zlabel)
    solid.set_title("the same loss as a surface", fontsize=13)
    solid.view_init(elev=28, azim=-60)
    if title:
        figure.suptitle(title, fontsize=14)
    return figure


def surface_gallery(objectives: dict[str, Objective], views=None):
    """3-D surfaces side by side; ``views`` maps a name to its (elevation, azimuth) in degrees."""
    figure = StaticFigure(figsize=(3.7 * len(objectives), 4.0), dpi=100, layout="constrained")
    for k, (name, objective) in enumerate(objectives.items(), start=1):
        ax = figure.add_subplot(1, len(objectives), k, projection="3d")
        X, Y = grid_of(objective, 100)
        Z = objective.value(np.stack([X, Y], axis=-1))
        ax.plot_surface(X, Y, Z, cmap="viridis", rstride=1, cstride=1, lw=0, antialiased=False)
        ax.set_title(name, fontsize=14)
        ax.set_zlabel("f", fontsize=12)
        ax.locator_params(nbins=5)
        ax.tick_params(labelsize=8, pad=0)
        ax.view_init(*(views or {}).get(name, (35, -60)))
        ax.set_box_aspect(None, zoom=0.85)  # room for the tick labels and the z label
    return figure


def cross_sections(objective: Objective, point, directions: dict[str, np.ndarray], reach=1.5):
    """f along straight lines through ``point``: f(point + s·d) for s in [−reach, reach], one
    curve per named direction d. Shows at a glance whether a critical point curves up or down
    along each direction."""
    point = np.asarray(point, dtype=float)
    s = np.linspace(-reach, reach, 201)
    figure, ax = new_figure(6.5, 3.8)
    for (label, direction), color in zip(directions.items(), BASIN_COLORS, strict=False):
        line = point + s[:, None] * np.asarray(direction, dtype=float)
        ax.plot(s, objective.value(line), color=color, lw=2.4, label=label)
    ax.plot(0, objective.value(point), "o", color="black", ms=9)
    ax.set(xlabel="distance s from the point", ylabel="f")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=12)
    return figure


def basins_figure(objective: Objective, X, Y, basin: np.ndarray, starts=None):
    """Where each start ends: every grid point (X, Y) coloured by the minimum its run reached
    (``basin`` holds the minimum's index, −1 for a run that reached none), contours on top,
    the minima labelled A, B, C, … Optional ``starts`` (shape (k, 2)) are drawn as black squares."""
    k = len(objective.minima)
    colors = ["white"] + BASIN_COLORS[:k]  # index −1 (no minimum) is white
    figure, ax = new_figure(6.2, 5.6)
    ax.imshow(
        basin + 1,
        origin="lower",
        extent=(X.min(), X.max(), Y.min(), Y.max()),
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=k + 0.5,
        alpha=0.45,
        aspect="auto",
        interpolation="nearest",
    )
    draw_contours(ax, objective, filled=False)
    for name, (x, y), color in zip(MINIMUM_NAMES, objective.minima, BASIN_COLORS, strict=False):
        ax.annotate(
            name,
            (x, y),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=16,
            fontweight="bold",
            color=color,
        )
    if starts is not None:
        ax.plot(*np.asarray(starts).T, "s", color="black", ms=7)
    ax.set_title(f"{objective.name}: which minimum each start reaches", fontsize=13)
    return figure


def interpolation_figure(alphas, losses, ylabel: str = "training loss"):
    r"""The loss along θ(α) = (1 − α) θ_start + α θ_end, with the two models marked."""
    alphas, losses = np.asarray(alphas), np.asarray(losses)
    figure, ax = new_figure(8.0, 3.8)
    ax.plot(alphas, losses, color="tab:blue", lw=2.2)
    for alpha, label, color in ((0.0, "initial weights", "tab:red"), (1.0, "trained", "gold")):
        i = int(np.argmin(np.abs(alphas - alpha)))
        ax.plot(alphas[i], losses[i], "o", color=color, mec="black", ms=11, label=label)
    ax.set(xlabel=r"$\alpha$", ylabel=f"{ylabel} (log scale)", yscale="log")
    ax.set_yticks(_round_ticks(losses.min(), losses.max()))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))  # 0.05, not 5×10⁻²
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title(
        r"the loss along $\theta(\alpha) = (1-\alpha)\,\theta_{start} + \alpha\,\theta_{end}$",
        fontsize=13,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=11)
    return figure


def slice_figure(alphas, betas, losses, title: str = "a filter-normalised slice"):
    """Contours of a 2-D slice ``losses[j, i]`` at (alphas[i], betas[j]) around trained weights
    at the centre (0, 0), with levels evenly spaced in log(loss): the floor and the walls show."""
    A, B = np.meshgrid(alphas, betas)
    figure, ax = new_figure(6.2, 5.2)
    levels = np.geomspace(losses.min(), losses.max(), 17)
    filled = ax.contourf(A, B, losses, levels=levels, cmap="Blues_r", norm=LogNorm())
    ax.contour(A, B, losses, levels=levels, colors="0.35", linewidths=0.5)
    ax.plot(0, 0, "*", color="gold", mec="black", ms=18, label="trained weights")
    colorbar = figure.colorbar(filled, ax=ax, label="training loss (log scale)")
    colorbar.set_ticks(_round_ticks(losses.min(), losses.max()))
    colorbar.ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
    ax.set(xlabel=r"$a$ (along direction $d_1$)", ylabel=r"$b$ (along direction $d_2$)")
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=13)
    ax.legend(loc="lower right", fontsize=10)
    return figure


def _round_ticks(low: float, high: float) -> list[float]:
    """1, 2, 3, 5 × powers of ten between low and high: readable ticks for a log colour bar."""
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = [m * 10.0**k for k in decades for m in (1, 2, 3, 5)]
    return [t for t in ticks if low <= t <= high]
