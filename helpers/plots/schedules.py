"""Static figures for notebook 07 (learning-rate schedules)."""

from __future__ import annotations

import numpy as np

from . import new_figure

__all__ = ["schedule_gallery", "noise_ball", "range_test", "range_tests", "warmup_sharpness"]


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


def range_tests(tests, grid=None, swept=None):
    """Several range tests (one per seed): each smoothed loss against η, its suggestion as a
    dashed line and its lowest point as a dot (left); with ``grid`` and ``swept`` (final
    losses of constant-η runs, shape (len(grid), seeds)), their median against η, an
    independent check, in a panel of its own on the same η axis (right). On one panel with a
    second y-axis the check's dots sat on the range tests' curves and read as their points."""
    two = grid is not None
    figure, axes = new_figure(13.0 if two else 8.0, 4.4, ncols=2 if two else 1, sharex=two)
    ax, check = axes if two else (axes, None)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for k, (test, color) in enumerate(zip(tests, colors * len(tests), strict=False)):
        # the suggestion in the legend too: two seeds can share one dashed line (seeds 2 and 3
        # both suggest 0.012), and the legend then says so
        label = f"seed {k}: {test.suggested:.2g}"
        ax.plot(test.lrs, test.smoothed, color=color, lw=1.8, alpha=0.9, label=label)
        ax.axvline(test.suggested, color=color, ls="--", lw=1.2)
        ax.plot(test.lr_at_min, test.smoothed.min(), "o", color=color, ms=7, mec="black")
    top = max(t.smoothed[0] for t in tests)
    ax.set(
        xscale="log",
        xlabel=r"learning rate $\eta$ (grows every step of the test)",
        ylabel="smoothed mini-batch loss",
        ylim=(0, 2.2 * top),
        title="range tests: dashed, the suggestion; dot, the lowest point",
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9, loc="upper left", ncols=2, title="seed: suggested η", title_fontsize=9)
    if two:
        check.plot(grid, np.median(swept, axis=1), "ko-", ms=6, lw=1)
        check.set(
            yscale="log",
            xlabel=r"constant learning rate $\eta$",
            ylabel="training loss after 20 epochs",
            title="the check: constant η for 20 epochs (median of the seeds)",
        )
        check.grid(True, which="both", alpha=0.3)
    return figure


def warmup_sharpness(record: dict, peak: float, warm_steps: int):
    """Loss (left) and sharpness (right) against step for runs with and without a warm-up;
    ``record[seed, warm]`` holds ``losses`` (per step) and ``sharpness`` ({step: λ_max})."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    figure, (loss_ax, sharp_ax) = new_figure(13.0, 4.6, ncols=2)
    styles = {0: ("tab:red", "no warm-up"), warm_steps: ("tab:blue", f"{warm_steps}-step warm-up")}
    for (seed, warm), r in record.items():
        color, label = styles[warm]
        ls = "-" if seed == 0 else "--"
        loss_ax.plot(r["losses"], color=color, ls=ls, lw=1.6, label=f"{label}, seed {seed}")
        steps, values = zip(*sorted(r["sharpness"].items()), strict=True)
        sharp_ax.plot(steps, values, marker="o", color=color, ls=ls, lw=1.6, ms=4)
    sharp_ax.axhline(
        2 / peak,
        color="black",
        ls=":",
        lw=1.5,
        label=rf"$2/\eta$ = {2 / peak:g} at the peak $\eta$",
    )
    for ax in (loss_ax, sharp_ax):
        ax.axvline(warm_steps, color="0.5", lw=1, label=f"end of the warm-up (step {warm_steps})")
    loss_ax.set(yscale="log", xlabel="step", ylabel="training loss (full batch)")
    sharp_ax.set(yscale="log", xlabel="step", ylabel=r"sharpness $\lambda_{max}$")
    # numbers on the log axes at 1, 2, 3, 5 of every decade: the text quotes values like 27, 4
    # and 3 that two labels a decade (10⁰, 10¹) did not let a reader check
    for ax in (loss_ax, sharp_ax):
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="major", alpha=0.3)
    loss_ax.legend(fontsize=9)
    sharp_ax.legend(fontsize=9)
    loss_ax.set_title(rf"gradient descent at peak $\eta$ = {peak}")
    sharp_ax.set_title("the sharpness falls: at once without a warm-up, during one with it")
    return figure
