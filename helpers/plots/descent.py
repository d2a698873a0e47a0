"""Static figures for notebook 02 (gradient descent).

Each function takes numbers the notebook has already computed (the notebook shows the formula
and the code that makes them) and only draws them, so what the figure shows is what was checked.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import ListedColormap

from ..objectives import Objective
from . import draw_contours, new_figure

__all__ = [
    "gradient_arrows",
    "directional_derivatives",
    "learning_rate_sweep",
    "regime_runs",
    "eigen_errors",
    "regression_descent",
]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
ARROW_COLORS = ListedColormap(colormaps["Reds"](np.linspace(0.35, 1.0, 256)))  # none too pale


def gradient_arrows(objectives: list[Objective], arrows: int = 13, width: float = 5.4):
    """The direction of ∇f on a grid of points, over the contours of each objective.

    Arrows have equal length (∇f varies by orders of magnitude on Himmelblau, so lengths
    would hide most of them); the colour shows |∇f| on a log scale. The axes have equal aspect,
    so the right angle between the arrows and the contour lines is visible.
    """
    figure, axes = new_figure(width * len(objectives), 0.85 * width, ncols=len(objectives))
    for ax, objective in zip(np.atleast_1d(axes), objectives, strict=True):
        draw_contours(ax, objective)
        (xlo, xhi), (ylo, yhi) = objective.bounds
        inset_x, inset_y = (xhi - xlo) / (2 * arrows), (yhi - ylo) / (2 * arrows)
        X, Y = np.meshgrid(
            np.linspace(xlo + inset_x, xhi - inset_x, arrows),
            np.linspace(ylo + inset_y, yhi - inset_y, arrows),
        )
        g = objective.grad(np.stack([X, Y], axis=-1))
        size = np.linalg.norm(g, axis=-1)
        keep = size > 1e-12  # no direction at a stationary point
        unit = g[keep] / size[keep, None]
        log_size = np.log10(size[keep])
        arrows_drawn = ax.quiver(
            X[keep],
            Y[keep],
            unit[:, 0],
            unit[:, 1],
            log_size,
            cmap=ARROW_COLORS,
            angles="xy",
            scale_units="xy",
            scale=1.6 / (2 * inset_x),  # each arrow ~0.6 of the grid spacing
            width=0.006,
            pivot="tail",
        )
        figure.colorbar(arrows_drawn, ax=ax, shrink=0.8, label=r"$\log_{10}\,|\nabla f|$")
        ax.set_aspect("equal")
        ax.set_title(f"{objective.name}: arrows = direction of " + r"$\nabla f$", fontsize=13)
    return figure


def directional_derivatives(angles, slopes, gradient, where: str = ""):
    """The slope D_u f = ∇f · u along unit directions u at angle φ, and where it peaks."""
    figure, ax = new_figure(9.0, 3.8)
    angles = np.rad2deg(angles)
    gradient_angle = np.rad2deg(np.arctan2(gradient[1], gradient[0]))
    norm = np.linalg.norm(gradient)
    ax.plot(angles, slopes, color="tab:blue", lw=2, label=r"measured slope $D_u f$")
    ax.axvline(gradient_angle, color="tab:red", ls="--", lw=1.5, label=r"direction of $\nabla f$")
    ax.axhline(norm, color="0.4", ls=":", lw=1.5, label=r"$|\nabla f|$")
    ax.axhline(0, color="0.7", lw=0.8)
    best = np.argmax(slopes)
    ax.plot(angles[best], slopes[best], "o", color="tab:red", ms=9)
    ax.set(xlabel=r"direction of $u$: angle $\varphi$ (degrees)", ylabel=r"slope along $u$")
    ax.xaxis.label.set_fontsize(13)
    ax.yaxis.label.set_fontsize(13)
    ax.set_xlim(angles.min(), angles.max())
    ax.set_xticks(np.arange(-180, 181, 45))
    ax.legend(loc="upper center", fontsize=11)
    ax.set_title(f"{where}: the slope is steepest along the gradient", fontsize=13)
    return figure


def learning_rate_sweep(lrs, distance, start, L, mu, steps, examples=None):
    """Distance to the minimum after ``steps`` steps against η, with 1/L, 2/(μ+L) and 2/L;
    the "fast" band (green) holds every η within 10 times the best distance.

    ``distance`` is NaN for runs that had already left every bound (diverged); they are drawn
    as crosses on the top edge. ``examples`` ({label: η}) are marked on the curve.
    """
    figure, ax = new_figure(11.0, 4.8)
    lrs, distance = np.asarray(lrs), np.asarray(distance)
    stable = lrs < 2 / L
    finite = np.isfinite(distance)
    top = 10 ** np.ceil(np.log10(np.nanmax(distance))) * 10
    bottom = 10 ** np.floor(np.log10(np.nanmin(distance))) / 10
    ax.axvspan(1 / L, 2 / L, color="tab:orange", alpha=0.12, lw=0)
    ax.axvspan(2 / L, lrs.max() * 1.1, color="tab:red", alpha=0.12, lw=0)
    # "fast" is read off the curve, not assumed: every η within 10 × the best distance. It
    # reaches past 1/L, because the fastest η, 2/(μ + L), already oscillates a little.
    fast = lrs[stable & finite & (distance <= 10 * np.nanmin(distance[stable]))]
    ax.axvspan(fast.min(), fast.max(), color="tab:green", alpha=0.15, lw=0)
    ax.plot(lrs[stable], distance[stable], color="tab:blue", lw=2.2, label="converges")
    ax.plot(
        lrs[~stable & finite], distance[~stable & finite], color="tab:red", lw=2.2, label="grows"
    )
    ax.plot(
        lrs[~finite],
        np.full((~finite).sum(), top / 2),
        "x",
        color="tab:red",
        ms=6,
        label=f"diverged within {steps} steps",
    )
    ax.axhline(start, color="0.3", ls=":", lw=1.5, label="where every run started")
    for x, text, style in (
        (1 / L, r"$1/L$", "--"),
        (2 / (mu + L), r"$2/(\mu+L)$", ":"),
        (2 / L, r"$2/L$", "-"),
    ):
        ax.axvline(x, color="black", ls=style, lw=1.3)
        ax.text(x, bottom * 1.6, text + " ", ha="right", va="bottom", fontsize=13, rotation=90)
    regimes = (
        (np.sqrt(lrs.min() * fast.min()), "crawl"),
        (np.sqrt(fast.min() * fast.max()), "fast"),
        (np.sqrt(max(fast.max(), 1 / L) * 2 / L), "oscillate"),
        (np.sqrt(2 / L * lrs.max() * 1.1), "diverge"),
    )
    for x, text in regimes:
        ax.text(x, top / 20, text, ha="center", va="top", fontsize=13, fontweight="bold")
    for lr, color in zip((examples or {}).values(), COLORS, strict=False):
        y = np.interp(np.log(lr), np.log(lrs), np.where(finite, distance, top / 2))
        ax.plot(lr, y, "o", color=color, ms=10, mec="black", zorder=5)
    ax.set(
        xscale="log",
        yscale="log",
        xlim=(lrs.min(), lrs.max() * 1.1),
        ylim=(bottom, top),
        xlabel=r"learning rate $\eta$ (log axis)",
        ylabel=r"$|\theta_T - \theta^*|$" + f" after T = {steps} steps",
    )
    ax.xaxis.label.set_fontsize(13)
    ax.yaxis.label.set_fontsize(13)
    ax.legend(loc="center left", fontsize=11)
    return figure


def regime_runs(objective: Objective, runs: dict):
    """One panel per run: ``runs`` is {title: path of shape (steps + 1, 2)}; NaN rows (after a
    divergence) are left out."""
    figure, axes = new_figure(3.4 * len(runs), 4.3, ncols=len(runs))
    for ax, (title, path), color in zip(axes, runs.items(), COLORS, strict=False):
        draw_contours(ax, objective, filled=True, levels=12)
        path = path[np.all(np.isfinite(path), axis=-1)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, ms=3, lw=1.3)
        ax.plot(*path[0], "s", color="black", ms=6)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=12)
        ax.set_ylabel(r"$\theta_2$" if ax is axes[0] else "")
    return figure


def eigen_errors(measured, theory, eigenvalues, lr):
    """|c_{t,i}|, the error along each eigen-direction: measured (dots) and (1 − ηλᵢ)ᵗ c₀ (lines).

    ``measured`` and ``theory`` have shape (steps + 1, 2): one column per eigen-direction.
    """
    figure, ax = new_figure(9.0, 4.2)
    steps = np.arange(len(measured))
    names = (r"flat direction, $\lambda = \mu$", r"steep direction, $\lambda = L$")
    for i, (name, color) in enumerate(zip(names, ("tab:blue", "tab:red"), strict=True)):
        lam = eigenvalues[i]
        factor = 1 - lr * lam
        ax.plot(steps, np.abs(measured[:, i]), "o", color=color, ms=5, label=f"{name}: measured")
        ax.plot(
            steps,
            np.abs(theory[:, i]),
            "-",
            color=color,
            lw=1.5,
            alpha=0.7,
            label=rf"theory $|1-\eta\lambda|^t\,|c_0|$, $1-\eta\lambda = {factor:.3g}$",
        )
    ax.set(yscale="log", xlabel="step t", ylabel=r"$|c_{t,i}|$: error along eigenvector $i$")
    ax.xaxis.label.set_fontsize(13)
    ax.yaxis.label.set_fontsize(13)
    ax.legend(loc="lower left", fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(f"η = {lr:g}: every direction is a straight line on a log axis", fontsize=13)
    return figure


def regression_descent(objective: Objective, paths: dict, gaps: dict, truth=(3.0, 2.0)):
    """Left: GD paths on the contours of the regression loss L(w, b), with the least-squares
    solution (gold star) and the true line (white cross). Right: L − L_min against step."""
    figure, (ax, loss_ax) = new_figure(11.0, 4.6, ncols=2)
    draw_contours(ax, objective)
    ax.plot([], [], "*", color="gold", mec="black", ms=13, label="least squares: min of L(w, b)")
    ax.plot(
        *truth, "P", color="white", mec="black", ms=10, zorder=1.5, label=f"true (w, b) = {truth}"
    )
    for (label, path), color in zip(paths.items(), COLORS, strict=False):
        ax.plot(path[:, 0], path[:, 1], "-", color=color, lw=2, label=label)
        ax.plot(*path[-1], "o", color=color, ms=7, mec="white")
    ax.plot(*next(iter(paths.values()))[0], "s", color="black", ms=7)
    ax.set(xlabel="slope w", ylabel="intercept b")
    ax.xaxis.label.set_fontsize(13)
    ax.yaxis.label.set_fontsize(13)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=10)
    ax.set_title(r"paths on the contours of $L(w, b)$", fontsize=13)
    for (label, gap), color in zip(gaps.items(), COLORS, strict=False):
        loss_ax.plot(np.arange(len(gap)), gap, color=color, lw=2, label=label)
    loss_ax.set(yscale="log", xlabel="step t", ylabel=r"$L(\theta_t) - L_{min}$")
    loss_ax.xaxis.label.set_fontsize(13)
    loss_ax.yaxis.label.set_fontsize(13)
    loss_ax.grid(True, which="major", alpha=0.3)
    loss_ax.legend(loc="upper right", fontsize=10)
    loss_ax.set_title("loss gap against step", fontsize=13)
    return figure
