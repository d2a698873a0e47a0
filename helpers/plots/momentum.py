"""Static figures for notebook 05 (momentum).

Each function only draws numbers the notebook has already computed and checked, so the figure
shows what the asserts test.
"""

from __future__ import annotations

import numpy as np

from ..objectives import Objective
from . import draw_contours, new_figure

__all__ = ["paths_side_by_side", "step_lengths"]

# Paths that should coincide are drawn so that each stays visible on top of the other: a thick
# pale line, a thinner dashed one, then small markers.
STYLES = [
    {"color": "tab:blue", "lw": 5, "alpha": 0.45},
    {"color": "tab:orange", "lw": 2, "ls": "--"},
    {"color": "black", "lw": 0, "marker": "o", "ms": 3},
    {"color": "tab:red", "lw": 1.5, "ls": ":"},
]


def paths_side_by_side(objective: Objective, panels: dict, width: float = 5.0):
    """One contour panel per title; ``panels`` is {title: {label: path of shape (steps + 1, 2)}}.

    Within a panel the paths are drawn in styles that let identical paths show as one line
    with a dashed line and dots on it, and different paths as separate lines.
    """
    figure, axes = new_figure(width * len(panels), width * 0.85, ncols=len(panels))
    for ax, (title, paths) in zip(np.atleast_1d(axes), panels.items(), strict=True):
        draw_contours(ax, objective, levels=14)
        for (label, path), style in zip(paths.items(), STYLES, strict=False):
            path = path[np.all(np.isfinite(path), axis=-1)]
            ax.plot(path[:, 0], path[:, 1], label=label, **style)
        ax.plot(*next(iter(paths.values()))[0], "s", color="black", ms=7)
        ax.set_title(title, fontsize=12)
        ax.legend(loc="lower right", fontsize=9)
    return figure


def step_lengths(lengths: dict, switch: int | None = None, title: str = ""):
    """|θ_t − θ_{t−1}| against step t for each run in ``lengths`` ({label: array}), on a log axis;
    ``switch`` marks the step at which the learning rate changed."""
    figure, ax = new_figure(9.0, 3.8)
    for (label, values), style in zip(lengths.items(), STYLES, strict=False):
        steps = np.arange(1, len(values) + 1)
        line_style = {k: v for k, v in style.items() if k != "lw"} | {"lw": min(style["lw"], 3)}
        if line_style.get("marker"):
            line_style["lw"] = 1
        ax.plot(steps, values, label=label, **line_style)
    if switch is not None:
        ax.axvline(switch - 0.5, color="0.3", lw=1.2, ls="-.")
        ax.text(switch, ax.get_ylim()[1], " η changes here", va="top", fontsize=11)
    ax.set(yscale="log", xlabel="step t", ylabel=r"step length $|\theta_t - \theta_{t-1}|$")
    ax.xaxis.label.set_fontsize(12)
    ax.yaxis.label.set_fontsize(12)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left", fontsize=10)
    if title:
        ax.set_title(title, fontsize=12)
    return figure
