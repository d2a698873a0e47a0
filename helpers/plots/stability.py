"""Static figures for notebook 09 (the edge of stability)."""

from __future__ import annotations

import numpy as np

from . import new_figure

__all__ = ["sharpness_and_loss", "learning_rate_jump"]

COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def number(value: float) -> str:
    """3 significant digits, without an exponent for the thousands of Adam's borders."""
    return f"{value:,.0f}" if value >= 1000 else f"{value:.3g}"


def sharpness_and_loss(runs, indices, labels, *, border_name="2/η", title="", sharpness_label=None):
    """Left: the sharpness of each run against step, with its border (dashed, same colour).
    Right: each run's full-batch loss against step, log axis."""
    figure, (left, right) = new_figure(13.0, 4.6, ncols=2)
    for index, label, color in zip(indices, labels, COLORS, strict=False):
        sharp = runs.sharpness[:, index]
        left.plot(runs.measured, sharp, color=color, lw=1.6, label=label)
        border = runs.thresholds[index]
        left.axhline(border, color=color, ls="--", lw=1.5)
        # on a white ground: the curves run along their borders and hid the labels
        ground = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1}
        left.text(runs.measured[-1], border, f" {border_name} = {number(border)}", color=color,
                  va="bottom", ha="right", fontsize=10, bbox=ground)  # fmt: skip
        loss = runs.losses[:, index]
        right.plot(np.arange(loss.size), loss, color=color, lw=1.0, label=label)
    left.set(xlabel="step t", ylabel=sharpness_label or r"sharpness $\lambda_{max}(\nabla^2 L)$")
    left.set_ylim(0, 1.45 * max(runs.thresholds[i] for i in indices))
    right.set(xlabel="step t", ylabel="full-batch loss (MSE)", yscale="log")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
        ax.set_xlim(0, runs.losses.shape[0] - 1)
    left.legend(fontsize=10, loc="upper left")
    right.legend(fontsize=10, loc="upper right")
    if title:
        figure.suptitle(title, fontsize=13)
    return figure


def learning_rate_jump(runs, indices, labels, jump_at: int, factor: float):
    """A run whose η is multiplied by ``factor`` at step ``jump_at``: the loss (left, log) and
    the sharpness against 2/η_t before and after the jump (right)."""
    figure, (left, right) = new_figure(13.0, 4.4, ncols=2)
    steps = runs.losses.shape[0] - 1
    for index, label, color in zip(indices, labels, COLORS, strict=False):
        left.plot(np.arange(steps + 1), runs.losses[:, index], color=color, lw=1.0, label=label)
        right.plot(runs.measured, runs.sharpness[:, index], color=color, lw=1.6, label=label)
        before = 2 / runs.lrs[index]
        right.plot([0, jump_at, jump_at, steps], [before, before, before / factor, before / factor],
                   color=color, ls="--", lw=1.5)  # fmt: skip
    for ax in (left, right):
        ax.axvline(jump_at, color="0.3", lw=1, ls=":")
        ax.grid(True, alpha=0.3)
        ax.set_xlim(0, steps)
    left.set(xlabel="step t", ylabel="full-batch loss (MSE)", yscale="log")
    right.set(xlabel="step t", ylabel=r"sharpness $\lambda_{max}$ (dashed: $2/\eta_t$)")
    left.legend(fontsize=10)
    figure.suptitle(f"η × {factor:g} at step {jump_at}: a loss spike, then back to the edge",
                    fontsize=13)  # fmt: skip
    return figure
