"""Static figures for notebook 07 (learning-rate schedules)."""

from __future__ import annotations

import numpy as np

from . import new_figure

__all__ = ["schedule_gallery", "noise_ball", "range_test"]


def schedule_gallery(curves: dict[str, np.ndarray], steps: np.ndarray):
    """One small panel per schedule: η_t against t (``curves[name]`` has one η per step)."""
    figure, axes = new_figure(13.0, 5.2, nrows=2, ncols=4, sharex=True, sharey=True)
    for ax, (name, lrs) in zip(axes.flat, curves.items(), strict=False):
        ax.plot(steps, lrs, color="tab:blue", lw=2.5)
        ax.set_title(name, fontsize=13)
        ax.grid(True, alpha=0.3)
    for ax in axes.flat[len(curves) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(r"$\eta_t$", fontsize=13)
    for ax in axes[-1]:
        ax.set_xlabel("step t", fontsize=12)
    return figure


def noise_ball(gaps: dict[str, np.ndarray], steps: int):
    """L − L_min against step (the median over runs, with the 10–90 % band) for each setting."""
    figure, ax = new_figure(9.0, 4.2)
    t = np.arange(steps + 1)
    for (label, gap), color in zip(gaps.items(), ["tab:red", "tab:gray", "tab:blue"], strict=False):
        low, mid, high = np.percentile(gap, [10, 50, 90], axis=1)
        ax.fill_between(t, low, high, color=color, alpha=0.15, lw=0)
        ax.plot(t, mid, color=color, lw=2, label=label)
    ax.set(yscale="log", xlabel="step t", ylabel=r"$L(\theta_t) - L_{min}$", xlim=(0, steps))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=11)
    ax.set_title("mini-batch SGD on the line data (y = 3x + 2): median over runs, 10–90 % band")
    return figure


def range_test(result, checks: dict[str, float] | None = None):
    """The range test's loss against η on a log axis, smoothed, with the suggested η marked."""
    figure, ax = new_figure(9.0, 4.2)
    ax.plot(result.lrs, result.losses, color="0.7", lw=1, label="mini-batch loss")
    ax.plot(result.lrs, result.smoothed, color="tab:blue", lw=2.5, label="smoothed")
    ax.axvline(
        result.suggested,
        color="tab:green",
        lw=2,
        ls="--",
        label=f"suggested η = {result.suggested:.2g} (steepest descent)",
    )
    ax.axvline(
        result.lr_at_min,
        color="tab:red",
        lw=1.5,
        ls=":",
        label=f"η at the lowest loss = {result.lr_at_min:.2g}",
    )
    for label, lr in (checks or {}).items():
        ax.axvline(lr, color="0.4", lw=1, ls="-.", alpha=0.7)
        ax.text(lr, ax.get_ylim()[1], label, rotation=90, va="top", ha="right", fontsize=9)
    top = min(result.losses.max(), 2 * result.smoothed[0])
    ax.set(
        xscale="log",
        xlabel=r"learning rate $\eta$ (grows every step)",
        ylabel="training loss (BCE)",
        ylim=(0, 1.05 * top),
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=10, loc="lower left")
    return figure
