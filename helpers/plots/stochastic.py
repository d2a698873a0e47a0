r"""Static figures for notebooks 03 (stochastic gradient descent) and 04 (mini-batch gradient
descent), and two small pieces their explorers share (``covariance_ellipse``, ``window_means``).

Each figure function returns a ``StaticFigure``, shown as a PNG when it ends a notebook cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.ticker import NullFormatter

from ..objectives import LinearRegression
from . import StaticFigure, draw_contours, new_figure

__all__ = [
    "BATCH_COLORS",
    "EPOCH_COLORS",
    "covariance_ellipse",
    "window_means",
    "sgd_epochs_figure",
    "noise_ball_figure",
    "schedules_figure",
    "variance_figure",
    "throughput_figure",
    "tutorial_figure",
    "fair_axes_figure",
    "tradeoff_figure",
]

BATCH_COLORS = ["tab:green", "tab:purple", "tab:orange", "tab:blue", "tab:red", "tab:brown"]
EPOCH_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"]


def covariance_ellipse(center, covariance, n_std: float = 2.45, n: int = 91) -> np.ndarray:
    r"""Points on the ellipse {c + x : xᵀ C⁻¹ x = k²} of a 2-D covariance C: shape (n, 2).

    For a Gaussian cloud with covariance C, k = 2.45 (= √(−2 ln 0.05)) encloses 95 % of the
    points. Along each eigenvector of C the semi-axis is k·√(eigenvalue): the standard
    deviation in that direction, k times.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(np.asarray(covariance, dtype=float))
    t = np.linspace(0, 2 * np.pi, n)
    semi_axes = n_std * np.sqrt(np.maximum(eigenvalues, 0))
    circle = np.stack([np.cos(t), np.sin(t)], axis=1) * semi_axes
    return np.asarray(center, dtype=float) + circle @ eigenvectors.T


def window_means(values: np.ndarray, points: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """Average a per-update curve over windows of equal width on a log axis.

    Returns (t, mean): t is the last update of each window (1-based), mean the average of
    ``values`` over the updates since the previous window. Early windows hold one update each,
    so the start is drawn as it is; later ones smooth one run's noise into its typical level.
    A window that contains a diverged (NaN) update is NaN, so it is not drawn.
    """
    ends = np.unique(np.geomspace(1, values.size, points).round().astype(int))
    starts = np.append(0, ends[:-1])
    with np.errstate(invalid="ignore"):  # inf − inf inside a diverged window gives NaN
        sums = np.add.reduceat(values, starts)
    return ends, sums / (ends - starts)


def _log_gap_axes(ax, xlabel: str):
    ax.set(yscale="log", xlabel=xlabel, ylabel=r"$L(\theta) - L^*$")
    ax.grid(True, which="major", alpha=0.3)


# -- notebook 03 -------------------------------------------------------------------------------
def sgd_epochs_figure(loss: LinearRegression, sgd, gd, per_epoch: int) -> StaticFigure:
    """SGD with B = 1 (``sgd``, a RunResult) and full-batch GD (``gd``) over the same epochs:
    the paths coloured by epoch (left) and L − L* against the number of samples used (right)."""
    figure, (ax, right) = new_figure(11.0, 4.4, ncols=2)
    draw_contours(ax, loss)
    epochs = sgd.steps // per_epoch
    for e in range(epochs):
        part = sgd.path[e * per_epoch : (e + 1) * per_epoch + 1]
        color = EPOCH_COLORS[e % len(EPOCH_COLORS)]
        ax.plot(*part.T, color=color, lw=1, label=f"SGD, epoch {e + 1}")
        steps = np.arange(e * per_epoch, (e + 1) * per_epoch + 1)
        right.plot(steps, sgd.losses[steps] - loss.min_value, color=color, lw=1)
        right.axvline((e + 1) * per_epoch, color="0.6", ls=":", lw=1)
    gd_samples = np.arange(gd.steps + 1) * per_epoch  # one GD update uses all n samples
    ax.plot(*gd.path.T, "-s", color="black", ms=6, label=f"GD: {gd.steps} updates")
    right.plot(gd_samples, gd.losses - loss.min_value, "-s", color="black", ms=6, label="GD")
    ax.legend(loc="upper right", fontsize=9)
    ax.set_title("the paths, coloured by epoch")
    _log_gap_axes(right, "samples used (= SGD updates; one GD update uses all n)")
    right.set_title(f"SGD: {per_epoch} updates per epoch; GD: 1")
    right.legend(loc="lower left", fontsize=10)
    return figure


def noise_ball_figure(lrs, gaps, gap_theory, rms, rms_theory, runs: int) -> StaticFigure:
    """The measured noise ball against η: the excess loss (left) and the RMS distance to the
    minimum (right), with the small-η theory as lines."""
    figure, (left, right) = new_figure(10.0, 4.0, ncols=2)
    for ax, measured, theory, label in (
        (left, gaps, gap_theory, r"excess loss $E[L(\theta)] - L^*$"),
        (right, rms, rms_theory, r"RMS distance to $\theta^*$"),
    ):
        ax.loglog(lrs, theory, "--", color="tab:red", lw=2, label="theory (small η)")
        ax.loglog(lrs, measured, "o", color="tab:blue", ms=8, label=f"measured ({runs} runs)")
        ax.set(xlabel=r"learning rate $\eta$", ylabel=label)
        ax.set_xticks(lrs, labels=[f"{lr:g}" for lr in lrs])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="upper left", fontsize=10)
    left.set_title(r"theory: $\eta\,\mathrm{tr}\,\Sigma(\theta^*)/4$, a slope of 1")
    right.set_title(r"theory: $\sqrt{\mathrm{tr}\,C} \propto \sqrt{\eta}$, a slope of 1/2")
    return figure


def schedules_figure(lrs: Mapping[str, np.ndarray], rms: Mapping[str, np.ndarray]) -> StaticFigure:
    """η_t for each schedule (left) and the RMS distance of the runs to θ* (right), against t."""
    figure, (left, right) = new_figure(11.0, 4.0, ncols=2)
    for (name, lr_t), color in zip(lrs.items(), EPOCH_COLORS, strict=False):
        left.semilogy(np.arange(1, lr_t.size + 1), lr_t, color=color, lw=2, label=name)
        distance = rms[name]
        right.semilogy(np.arange(distance.size), distance, color=color, lw=1.5, label=name)
    left.set(xlabel="step t", ylabel=r"$\eta_t$", title="the schedules")
    right.set(xlabel="step t", ylabel=r"RMS distance to $\theta^*$", title="the runs")
    for ax in (left, right):
        ax.grid(True, which="major", alpha=0.3)
    left.legend(loc="lower left", fontsize=10)
    return figure


# -- notebook 04 -------------------------------------------------------------------------------
def variance_figure(
    batch_sizes: Sequence[int], measured: Mapping[int, float], sigma2: float, n: int
) -> StaticFigure:
    """E‖ĝ_B − ∇L‖² against B: measured (dots), σ²/B (independent draws, dashed) and
    (σ²/B)·(n − B)/(n − 1) (without replacement, solid)."""
    figure, ax = new_figure(8.0, 4.2)
    b = np.geomspace(1, max(batch_sizes), 200)
    ax.loglog(b, sigma2 / b, "--", color="0.5", lw=1.5, label=r"$\sigma^2/B$ (drawn with repeats)")
    theory = sigma2 / b * (n - b) / (n - 1)
    ax.loglog(b, theory, color="tab:red", lw=2, label=r"$\frac{\sigma^2}{B}\,\frac{n-B}{n-1}$")
    shown = [int(B) for B in batch_sizes]
    ax.loglog(shown, [measured[B] for B in shown], "o", color="tab:blue", ms=8, label="measured")
    ax.set(xlabel="batch size B", ylabel=r"$E\,\|\hat g_B - \nabla L\|^2$")
    ax.set_title(f"gradient noise against batch size (n = {n}; at B = n it is exactly 0)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower left", fontsize=11)
    return figure


def throughput_figure(results: Mapping[str, Mapping[int, float]]) -> StaticFigure:
    """Samples per second against batch size, one curve per model, with the "free batch"
    ceiling: B samples in the time of the fastest step measured at any batch size.

    On a quiet machine the fastest step is B = 1's and the ceiling is B times its speed. On a
    busy one B = 1's timing can come out slow, and B times it would sit *below* later points;
    a step of B samples can never take less time than the fastest step measured, so this
    ceiling holds every point by construction and the figure cannot contradict itself.
    """
    figure, ax = new_figure(8.0, 4.2)
    for (label, measured), color in zip(results.items(), ["tab:blue", "tab:orange"], strict=False):
        b = np.array(sorted(measured))
        speed = np.array([measured[B] for B in b])
        ax.loglog(b, speed, "o-", color=color, lw=2, ms=6, label=label)
        ax.loglog(b, (speed / b).max() * b, ":", color=color, lw=1.2)  # steps/s × B
    ax.set(xlabel="batch size B", ylabel="samples per second (training)")
    ax.set_title("dotted: B samples in the time of the fastest step (a free batch)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=10)
    return figure


def tutorial_figure(losses: Mapping[str, Sequence[float]], colors: Sequence[str]) -> StaticFigure:
    """The PyTorch mini-batch tutorial's plot (notebook 04): the mean batch loss of each epoch,
    one curve per method, on a linear axis as the tutorial drew it (left) and on a log axis
    (right)."""
    figure, axes = new_figure(11.0, 4.0, ncols=2)
    for ax, scale in zip(axes, ("linear", "log"), strict=True):
        for (label, curve), color in zip(losses.items(), colors, strict=False):
            ax.plot(np.arange(1, len(curve) + 1), curve, color=color, lw=2, label=label)
        ax.set(xlabel="Epoch", ylabel="Loss", yscale=scale, title=f"{scale} loss axis")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=10)
    return figure


def fair_axes_figure(runs: Mapping[str, Mapping], colors: Sequence[str]) -> StaticFigure:
    """The same runs against epochs, updates, samples seen and seconds (2 × 2 panels).

    ``runs[label]`` holds ``gaps`` (L − L* after each update), ``per_epoch`` (updates per
    epoch), ``batch_size``, ``n`` and ``seconds`` (the clock at the end of each epoch). Curves
    are averaged over windows of equal log width (``window_means``).
    """
    figure, axes = new_figure(11.0, 7.0, nrows=2, ncols=2)
    for (label, r), color in zip(runs.items(), colors, strict=False):
        t, mean = window_means(np.asarray(r["gaps"]))
        epoch = (t - 1) // r["per_epoch"]  # epochs finished before update t
        fraction = (t - epoch * r["per_epoch"]) / r["per_epoch"]
        ends = np.append(0.0, r["seconds"])  # the clock at the start and end of each epoch
        x_values = {
            "epochs": t / r["per_epoch"],
            "updates": t,
            "samples seen": epoch * r["n"] + np.minimum(fraction * r["n"], t * r["batch_size"]),
            "seconds": ends[epoch] + fraction * (ends[epoch + 1] - ends[epoch]),
        }
        for ax, (name, x) in zip(axes.flat, x_values.items(), strict=True):
            ax.plot(x, mean, color=color, lw=2, label=label)
            ax.set(xscale="log", title=f"against {name}")
            _log_gap_axes(ax, name)
    axes[0, 0].legend(fontsize=9, loc="lower left")
    return figure


def tradeoff_figure(
    lrs: np.ndarray, gaps: Mapping[int, np.ndarray], limit: float, epochs: int
) -> StaticFigure:
    """Left: L − L* after a fixed number of epochs against η, one curve per batch size (a run
    that diverged is not drawn); the dashed line is 2/L. Right: the best η of each B."""
    figure, (left, right) = new_figure(11.0, 4.2, ncols=2)
    best = {}
    for (B, gap), color in zip(gaps.items(), BATCH_COLORS, strict=False):
        finite = np.isfinite(gap)
        left.loglog(lrs[finite], gap[finite], "-", color=color, lw=1.8, label=f"B = {B}")
        k = int(np.nanargmin(np.where(finite, gap, np.nan)))
        best[B] = lrs[k]
        left.loglog([lrs[k]], [gap[k]], "o", color=color, ms=8)
        right.loglog([B], [lrs[k]], "o", color=color, ms=9)
    b = np.array(list(best))
    right.loglog(b, best[b[0]] * b / b[0], ":", color="0.4", label=r"$\eta \propto B$")
    for ax in (left, right):
        ax.grid(True, which="major", alpha=0.3)
    left.axvline(limit, color="tab:red", ls="--", lw=1.5, label=r"$2/L$")
    right.axhline(limit, color="tab:red", ls="--", lw=1.5, label=r"$2/L$")
    left.set(xlabel=r"learning rate $\eta$", ylabel=r"$L - L^*$", title=f"after {epochs} epochs")
    low = min(np.min(gap[np.isfinite(gap)]) for gap in gaps.values())
    left.set_ylim(low / 3, 1e2)  # above: runs that blew up, cut off at the top
    right.set(xlabel="batch size B", ylabel=r"best $\eta$", title="the best η of each batch size")
    right.set_ylim(min(best.values()) / 2, limit * 2)
    left.legend(fontsize=9, loc="upper left", ncol=2)
    right.legend(fontsize=10, loc="lower right")
    return figure
