"""Static figures for notebook 06 (adaptive methods).

Each function only draws numbers the notebook has already computed and checked.
"""

from __future__ import annotations

import numpy as np

from ..objectives import Objective
from . import draw_contours, new_figure

__all__ = ["stall", "first_steps", "epsilon_placement", "paths_with_points"]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
COORDINATES = (r"$\theta_1$ (curvature 1)", r"$\theta_2$ (curvature 100)")
SHORT = (r"$\theta_1$", r"$\theta_2$")


def stall(distances: dict, effective: dict):
    """Left: distance to the minimum against step for each run ({label: array}).
    Right: each run's effective step per coordinate ({label: array (steps + 1, 2)}): solid for
    θ₁, dashed for θ₂."""
    figure, (left, right) = new_figure(11.0, 4.2, ncols=2)
    for (label, distance), color in zip(distances.items(), COLORS, strict=False):
        left.plot(np.maximum(distance, 1e-300), color=color, lw=2, label=label)
    left.set(yscale="log", xlabel="step t", ylabel=r"$|\theta_t - \theta^*|$")
    left.set_ylim(bottom=1e-12)
    left.set_title("distance to the minimum", fontsize=12)
    for (label, values), color in zip(effective.items(), COLORS, strict=False):
        for i, style in enumerate(("-", "--")):
            label_i = f"{label}, {COORDINATES[i]}"
            right.plot(
                np.arange(len(values)), values[:, i], style, color=color, lw=2, label=label_i
            )
    right.set(yscale="log", xlabel="step t", ylabel="effective step per coordinate")
    right.set_ylim(bottom=right.get_ylim()[0] / 100)  # room for the legend below the lines
    right.set_title(r"$\eta / (\sqrt{G_t} + \epsilon)$ and $\eta / (\sqrt{v_t} + \epsilon)$")
    left.legend(fontsize=10, loc="upper right")
    right.legend(fontsize=9, loc="lower right")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    return figure


def first_steps(sizes: dict, lr: float, without: float, steps: int = 30):
    """|Δθ| per coordinate over the first ``steps`` steps for each run ({label: (T, 2)}),
    with η and the uncorrected first step η(1 − β₁)/√(1 − β₂) (``without``) marked."""
    figure, ax = new_figure(9.5, 4.0)
    t = np.arange(1, steps + 1)
    for (label, values), color in zip(sizes.items(), COLORS, strict=False):
        for i, marker in enumerate(("o", "s")):
            alpha = 1 if i == 0 else 0.6
            label_i = f"{label}, {SHORT[i]}"
            ax.plot(
                t, values[:steps, i], "-" + marker, color=color, ms=4, alpha=alpha, label=label_i
            )
    ax.axhline(lr, color="black", ls="--", lw=1.2)
    ax.text(steps + 0.5, lr, r"$\eta$", va="bottom", fontsize=13)
    ax.axhline(without, color="tab:red", ls=":", lw=1.5)
    ax.text(steps + 0.5, without, r"$\eta(1-\beta_1)/\sqrt{1-\beta_2}$", va="bottom", fontsize=12)
    ax.set(xlabel="step t", ylabel=r"step length $|\Delta\theta_i|$ per coordinate")
    ax.set_xlim(0, steps * 1.35)
    ax.set_ylim(0, max(without, np.nanmax([v[:steps] for v in sizes.values()])) * 1.15)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9, loc="upper right")
    ax.set_title("Adam's first steps, with and without bias correction", fontsize=12)
    return figure


def epsilon_placement(gradients, outside, inside, eps: float):
    """The step per unit η, |g| / denominator, against |g| for ε outside (√v̂ + ε) and inside
    (√(v̂ + ε)) the square root, on log axes; ε and √ε are marked."""
    figure, ax = new_figure(9.0, 4.0)
    ax.plot(
        gradients,
        outside,
        "-",
        color="tab:blue",
        lw=2.5,
        label=r"outside: $\sqrt{\hat v}+\epsilon$",
    )
    ax.plot(
        gradients,
        inside,
        "--",
        color="tab:orange",
        lw=2.5,
        label=r"inside: $\sqrt{\hat v+\epsilon}$",
    )
    for x, text in ((eps, r"$|g| = \epsilon$"), (np.sqrt(eps), r"$|g| = \sqrt{\epsilon}$")):
        ax.axvline(x, color="0.4", ls=":", lw=1.2)
        ax.text(x * 1.3, 2e-6, text, fontsize=12)
    ax.set(xscale="log", yscale="log", ylim=(1e-6, 3))
    ax.set(xlabel=r"gradient size $|g|$ (with $\hat v = g^2$)", ylabel=r"step / $\eta$")
    ax.xaxis.label.set_fontsize(12)
    ax.yaxis.label.set_fontsize(12)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=11, loc="lower right")
    power = np.log10(eps)
    shown = f"10^{{{power:.0f}}}" if power == round(power) else f"{eps:g}"
    ax.set_title(rf"where $\epsilon = {shown}$ sits changes only small-gradient steps", fontsize=12)
    return figure


def paths_with_points(objective: Objective, paths: dict, points: dict, title: str = ""):
    """Paths ({label: (T, 2)}) on the contours, and marked points ({label: (x, y)})."""
    figure, ax = new_figure(7.0, 5.0)
    draw_contours(ax, objective, levels=14)
    for (label, path), color in zip(paths.items(), COLORS, strict=False):
        ax.plot(path[:, 0], path[:, 1], "-", color=color, lw=2, label=label)
        ax.plot(*path[-1], "o", color=color, mec="black", ms=8)
    for (label, point), marker in zip(points.items(), ("*", "P", "X"), strict=False):
        ax.plot(*point, marker, color="white", mec="black", ms=15, label=label)
    ax.legend(fontsize=10, loc="lower left")
    if title:
        ax.set_title(title, fontsize=12)
    return figure
