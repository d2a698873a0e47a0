"""Static figures and the animated race for notebook 08 (the optimizer showdown)."""

from __future__ import annotations

import re

import numpy as np
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..objectives import Objective
from . import draw_contours, new_figure

__all__ = [
    "COLORS",
    "sensitivity",
    "race_contours",
    "race_animation",
    "training_curves",
    "decision_boundaries",
    "with_first_frame",
    "sensitivity_seeds",
    "network_tuning",
    "training_curves_seeds",
]

COLORS = {
    "GD": "tab:gray",
    "momentum": "tab:blue",
    "Nesterov": "tab:cyan",
    "AdaGrad": "tab:green",
    "RMSProp": "tab:orange",
    "Adam": "tab:red",
    "AdamW": "tab:purple",
}
# A variant dashed over its parent's solid line (Nesterov over momentum, AdamW over Adam): the
# two often run together, and a solid line on top hid the one under it.
LINESTYLES = {name: "--" if name in ("Nesterov", "AdamW") else "-" for name in COLORS}


def _legend_on_top(figure, names, **kwargs):
    """One legend for all panels, above them, so that it hides no curve."""
    handles = [
        Line2D([], [], color=COLORS[name], ls=LINESTYLES[name], lw=2.5, label=name)
        for name in names
    ]
    figure.legend(handles=handles, loc="outside upper center", ncols=len(names), fontsize=12)


def sensitivity(sweeps: dict[str, dict]):
    """Final f − f_min against η, log-log, one panel per function, one line per optimizer;
    each optimizer's best η is a dot. A diverged run is left out (a gap in its line), and a
    run that reached the minimum to machine precision sits on the floor, 1e-16."""
    figure, axes = new_figure(13.0, 8.4, nrows=2, ncols=2)
    for ax, (function, by_optimizer) in zip(axes.flat, sweeps.items(), strict=True):
        for name, s in by_optimizer.items():
            gaps = np.where(np.isfinite(s.gaps), s.gaps, np.nan)
            ax.plot(s.lrs, gaps, LINESTYLES[name], color=COLORS[name], lw=1.8, label=name)
            ax.plot([s.best_lr], [s.best_gap], "o", color=COLORS[name], ms=8, mec="black")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(function, fontsize=14)
        ax.set_xlabel(r"learning rate $\eta$", fontsize=13)
        ax.set_ylabel(r"final $f - f_{min}$", fontsize=13)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="major", alpha=0.3)
    _legend_on_top(figure, next(iter(sweeps.values())))
    return figure


def race_contours(objectives: dict[str, Objective], races: dict[str, dict]):
    """Every optimizer's path at its tuned η on each function (2 × 2 panels); the black
    square is the common start, the gold stars the minima (outlined again on top of the
    paths), a dot where each run ended. Paths leave a panel where a run overshoots beyond
    the function's plot bounds (Rastrigin, at the large tuned η of AdaGrad and RMSProp)."""
    figure, axes = new_figure(11.0, 9.8, nrows=2, ncols=2)
    for ax, (function, objective) in zip(axes.flat, objectives.items(), strict=True):
        draw_contours(ax, objective, resolution=100, levels=14)
        for name, result in races[function].items():
            path = result.path[np.all(np.isfinite(result.path), axis=-1)]
            ax.plot(
                path[:, 0], path[:, 1], LINESTYLES[name], color=COLORS[name], lw=1.6, label=name
            )
            ax.plot(path[-1:, 0], path[-1:, 1], "o", color=COLORS[name], ms=8, mec="white")
        ax.plot(*objective.x0, "s", color="black", ms=8)
        # every minimum again, on top and open: the runs' end dots hid the saddle's star at
        # (0, 1), where every run ends, so that only the other minimum seemed to have one
        ax.plot(*objective.minima.T, "*", mfc="none", mec="black", mew=1.5, ms=18)
        ax.set_title(function, fontsize=14)
        ax.tick_params(labelsize=11)
    _legend_on_top(figure, next(iter(races.values())))
    return figure


def _still_background(objective: Objective, races: dict, figsize, dpi) -> np.ndarray:
    """The parts of the race that never move (contours, minimum, start, legend) drawn once
    into an RGBA array: each animation frame then draws one image and a few lines."""
    figure = Figure(figsize=figsize, dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    draw_contours(ax, objective, resolution=100, filled=False, levels=14)
    ax.plot(*objective.x0, "s", color="black", ms=7)
    handles = [
        Line2D([], [], color=COLORS[name], ls=LINESTYLES[name], lw=2.5, label=name)
        for name in races
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=10, ncols=2, framealpha=0.9)
    ax.set_axis_off()
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def race_animation(
    objective: Objective, races: dict, frames: int = 40, dpi: int = 64, figsize=(6.0, 5.0)
):
    """A race as a ``FuncAnimation`` on a pyplot-free figure: frame k shows the first
    k·steps/(frames − 1) steps of every path. ``.to_jshtml()`` makes it play without a kernel.

    The contours are a still image (see ``_still_background``) and drawn as lines only:
    frames render fast and stay small as PNGs (about 20 kB each at dpi 64).
    """
    (xlo, xhi), (ylo, yhi) = objective.bounds
    figure = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    still = _still_background(objective, races, figsize, dpi)
    ax.imshow(still, extent=(xlo, xhi, ylo, yhi), aspect="auto", interpolation="nearest")
    ax.set(xlim=(xlo, xhi), ylim=(ylo, yhi))
    ax.set_axis_off()
    steps = next(iter(races.values())).steps
    lines, heads = {}, {}
    for name in races:
        (lines[name],) = ax.plot([], [], LINESTYLES[name], color=COLORS[name], lw=2)
        (heads[name],) = ax.plot([], [], "o", color=COLORS[name], ms=8, mec="white")
    title = ax.text(
        0.5, 0.98, "", transform=ax.transAxes, ha="center", va="top", fontsize=14,
        bbox={"facecolor": "white", "alpha": 0.85, "lw": 0},
    )  # fmt: skip
    shown = np.linspace(0, steps, frames).round().astype(int)

    def draw(frame):
        k = shown[frame]
        for name, result in races.items():
            path = result.path[: k + 1]
            path = path[np.all(np.isfinite(path), axis=-1)]
            lines[name].set_data(path[:, 0], path[:, 1])
            heads[name].set_data(path[-1:, 0], path[-1:, 1])
        title.set_text(f"{objective.name}: step {k} of {steps}")
        return [*lines.values(), *heads.values(), title]

    return FuncAnimation(figure, draw, frames=frames, interval=150, blit=False)


def training_curves(histories: dict[str, dict]):
    """Training loss against epochs (left) and against seconds (right), one line each."""
    figure, (by_epoch, by_time) = new_figure(13.0, 5.0, ncols=2)
    for name, h in histories.items():
        losses = np.asarray(h["losses"])
        by_epoch.plot(
            np.arange(1, losses.size + 1), losses, LINESTYLES[name], color=COLORS[name], lw=2
        )
        by_time.plot(h["seconds"], losses, LINESTYLES[name], color=COLORS[name], lw=2)
    by_epoch.set_xlabel("epoch", fontsize=13)
    by_time.set_xlabel("seconds on this machine", fontsize=13)
    for ax in (by_epoch, by_time):
        ax.set_yscale("log")
        ax.set_ylabel("training loss (BCE)", fontsize=13)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="both", alpha=0.3)
    _legend_on_top(figure, histories)
    return figure


@torch.no_grad()
def decision_boundaries(models: dict, x: torch.Tensor, y: torch.Tensor, scores: dict):
    """One small panel per trained model: its predicted class over the plane, and the data;
    the title gives the training accuracy."""
    figure, axes = new_figure(13.0, 6.8, nrows=2, ncols=4)
    grid = np.linspace(-1.3, 1.3, 120)
    gx, gy = np.meshgrid(grid, grid)
    points = torch.tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=torch.float32)
    for ax, (name, model) in zip(axes.flat, models.items(), strict=False):
        p = torch.sigmoid(model(points)).numpy().reshape(gx.shape)
        ax.contourf(gx, gy, p, levels=[0, 0.5, 1], colors=["#cfe2f3", "#f4cccc"])
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1)
        ax.scatter(*x[y == 0].T, s=4, color="tab:blue")
        ax.scatter(*x[y == 1].T, s=4, color="tab:red")
        # one decimal, as the table prints it: 99.5 % rounded to "100%" read as perfect
        ax.set_title(f"{name}: {scores[name]:.1%}", fontsize=14, color=COLORS[name])
        ax.set(xticks=[], yticks=[], aspect="equal")
    for ax in axes.flat[len(models) :]:
        ax.set_visible(False)
    return figure


def with_first_frame(html: str) -> str:
    """``FuncAnimation.to_jshtml()``'s page with frame 0 as the picture's initial ``src``.

    The page fills its picture from a script once it runs; until then the picture has no
    source, and JupyterLab laid it out at 0 × 0 until "next frame" was pressed. With the
    first frame in place it has its size and content before, and without, the script.
    """
    found = re.search(r'frames\[0\] = "(data:image/[^"]*)"', html)
    if found is None:
        raise ValueError("html must be the output of FuncAnimation.to_jshtml()")
    first = found.group(1).replace("\\\n", "")  # the script breaks the string into lines
    return re.sub(
        r'<img id="(_anim_img\w+)">',
        lambda m: f'<img id="{m.group(1)}" src="{first}">',
        html,
        count=1,
    )


# -- the multi-seed protocol -------------------------------------------------------------------
def _band(ax, lrs, values, color, label=None):
    """The geometric mean over seeds (line) and the min–max range of the seeds (band); a
    point where some seed diverged is left out."""
    finite = np.all(np.isfinite(values), axis=1)
    low, high, mean = (np.full(len(lrs), np.nan) for _ in range(3))
    low[finite], high[finite] = values[finite].min(axis=1), values[finite].max(axis=1)
    mean[finite] = np.exp(np.log(values[finite]).mean(axis=1))
    ax.fill_between(lrs, low, high, color=color, alpha=0.2, lw=0)
    ax.plot(lrs, mean, color=color, lw=1.8, label=label)


def sensitivity_seeds(tunings: dict[str, dict]):
    """``sensitivity`` over several starts: for each optimizer, the geometric mean of the final
    f − f_min over the seeds against η (line), the seeds' range (band), the best η (dot, at
    the mean; the bar spans the seeds there)."""
    figure, axes = new_figure(13.0, 8.4, nrows=2, ncols=2)
    for ax, (function, by_optimizer) in zip(axes.flat, tunings.items(), strict=True):
        for name, t in by_optimizer.items():
            _band(ax, t.lrs, t.gaps, COLORS[name], name)
            best = t.best_gaps
            mean = np.exp(np.mean(np.log(best)))
            ax.plot([t.best_lr] * 2, [best.min(), best.max()], color=COLORS[name], lw=3)
            ax.plot([t.best_lr], [mean], "o", color=COLORS[name], ms=8, mec="black")
        ax.set(xscale="log", yscale="log")
        ax.set_title(function, fontsize=14)
        ax.set_xlabel(r"learning rate $\eta$", fontsize=13)
        ax.set_ylabel(r"final $f - f_{min}$ (band: the seeds)", fontsize=12)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="major", alpha=0.3)
    _legend_on_top(figure, next(iter(tunings.values())))
    return figure


def network_tuning(tunings: dict):
    """The network's sweep: final training loss (left) and held-out accuracy (right) against
    η, the mean over seeds with the seeds' range as a band; the dot marks each optimizer's
    best η (chosen on the training loss)."""
    figure, (loss_ax, accuracy_ax) = new_figure(13.0, 4.8, ncols=2)
    for name, t in tunings.items():
        _band(loss_ax, t.lrs, t.gaps, COLORS[name])
        loss_ax.plot([t.best_lr], [np.exp(np.mean(np.log(t.best_gaps)))], "o",
                     color=COLORS[name], ms=8, mec="black")  # fmt: skip
        accuracy = t.test_accuracy
        accuracy_ax.fill_between(t.lrs, accuracy.min(1), accuracy.max(1), color=COLORS[name],
                                 alpha=0.2, lw=0)  # fmt: skip
        accuracy_ax.plot(t.lrs, accuracy.mean(1), color=COLORS[name], lw=1.8)
        accuracy_ax.plot([t.best_lr], [accuracy[t.best].mean()], "o", color=COLORS[name],
                         ms=8, mec="black")  # fmt: skip
    loss_ax.set(xscale="log", yscale="log")
    loss_ax.set_ylabel("final training loss (BCE)", fontsize=13)
    accuracy_ax.set(xscale="log", ylim=(0.45, 1.01))
    accuracy_ax.set_ylabel("held-out accuracy", fontsize=13)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel(r"learning rate $\eta$", fontsize=13)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="major", alpha=0.3)
    _legend_on_top(figure, tunings)
    return figure


def training_curves_seeds(tunings: dict, seconds_per_epoch: dict[str, float]):
    """Training loss at each optimizer's tuned η against epochs (left) and against seconds
    (right, one torch.optim run's measured time per epoch): the median over seeds and their
    range as a band."""
    figure, (by_epoch, by_time) = new_figure(13.0, 5.0, ncols=2)
    for name, t in tunings.items():
        losses = t.losses[:, t.best]  # (epochs, seeds)
        epochs = np.arange(1, losses.shape[0] + 1)
        for ax, x in ((by_epoch, epochs), (by_time, epochs * seconds_per_epoch[name])):
            ax.fill_between(x, losses.min(1), losses.max(1), color=COLORS[name], alpha=0.2, lw=0)
            ax.plot(x, np.median(losses, axis=1), color=COLORS[name], lw=2)
    by_epoch.set_xlabel("epoch", fontsize=13)
    by_time.set_xlabel("seconds on this machine (one network)", fontsize=13)
    for ax in (by_epoch, by_time):
        ax.set_yscale("log")
        ax.set_ylabel("training loss (BCE)", fontsize=13)
        ax.tick_params(labelsize=11)
        ax.grid(True, which="both", alpha=0.3)
    _legend_on_top(figure, tunings)
    return figure
