"""Static figures of notebook 10 (the optimizers of 2023–2026)."""

from __future__ import annotations

import numpy as np

from ..optimizers.matrix import MUON_COEFFICIENTS, singular_value_map
from . import new_figure

__all__ = [
    "rectification",
    "factored_v",
    "singular_values",
    "newton_schulz_polynomial",
    "polynomial_text",
    "curves",
    "recipe_schedules",
    "sensitivity",
    "comparison",
]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink"]


def rectification(betas2=(0.999, 0.99), steps: int = 3000):
    """RAdam's rectification r_t against t (log axis), zero where RAdam does not adapt."""
    figure, ax = new_figure(8.0, 3.4)
    t = np.arange(1, steps + 1)
    for beta2, color in zip(betas2, COLORS, strict=False):
        rho_inf = 2 / (1 - beta2) - 1
        rho = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        safe = np.where(rho > 5, rho, 6.0)
        r = np.sqrt((safe - 4) * (safe - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe))
        r = np.where(rho > 5, r, 0.0)
        first = int(t[rho > 5][0])
        ax.plot(t, r, color=color, lw=2, label=rf"$\beta_2 = {beta2}$: adapts from step {first}")
        ax.axvline(2 / (1 - beta2), color=color, ls=":", lw=1)
    ax.set(
        xscale="log",
        xlabel="step t",
        ylabel=r"rectification $r_t$",
        title=r"RAdam's built-in warm-up (dotted: $t = 2/(1-\beta_2)$)",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return figure


def factored_v(v, v_factored, title="hidden 32 × 32 weight of the network", seed=None):
    """Adam's v against Adafactor's rank-one estimate, entry by entry (log–log), and the ratio."""
    figure, (ax, hist) = new_figure(10.0, 3.8, ncols=2)
    v, f = np.ravel(v), np.ravel(v_factored)
    ax.loglog(v, f, ".", ms=3, alpha=0.5)
    low, high = min(v.min(), f.min()), max(v.max(), f.max())
    ax.plot([low, high], [low, high], "k--", lw=1, label="equal")
    ax.set(xlabel=r"Adam's $v$ (one number per weight)", ylabel="factored estimate", title=title)
    ax.legend()
    ratio = np.log10(f / v)
    hist.hist(ratio, bins=40, color="tab:orange")
    hist.set(
        xlabel=r"$\log_{10}$(factored / Adam's v)",
        ylabel="weights",
        title=f"within 2× of Adam's: {np.mean(np.abs(ratio) < np.log10(2)):.0%}"
        + ("" if seed is None else f" (seed {seed})"),
    )
    return figure


def singular_values(panels: dict[str, np.ndarray]):
    """The singular values of each matrix (largest first), one group of bars per matrix."""
    figure, ax = new_figure(9.0, 3.6)
    width = 0.8 / len(panels)
    for k, (label, s) in enumerate(panels.items()):
        s = np.sort(np.asarray(s))[::-1]
        ax.bar(np.arange(s.size) + k * width, s / s.max(), width, label=label, color=COLORS[k])
    ax.set(
        yscale="log",
        xlabel="singular value, largest first",
        ylabel=r"$\sigma / \sigma_{max}$",
        title="what each method does to the step's singular values",
    )
    ax.set_xticks(np.arange(s.size) + 0.4 - width / 2, [str(i + 1) for i in range(s.size)])
    # outside, to the right: inside, the box covered the tallest bars at singular values 3–4,
    # the very bars that show Muon's and Shampoo's "every σ near 1"
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return figure


def polynomial_text(coefficients) -> str:
    """φ(σ) = aσ + bσ³ + cσ⁵ as mathtext, the terms that are 0 left out."""
    powers = (r"\sigma", r"\sigma^3", r"\sigma^5")
    terms = [f"{c:+g}{power}" for c, power in zip(coefficients, powers, strict=True) if c]
    return r"$\varphi(\sigma) = " + "".join(terms).lstrip("+") + "$"


def newton_schulz_polynomial(sigmas, coefficients=MUON_COEFFICIENTS, steps: int = 5):
    """φ(σ) = aσ + bσ³ + cσ⁵ applied k = 1 … ``steps`` times, and where given σ end up."""
    figure, (ax, dots) = new_figure(10.0, 3.8, ncols=2)
    s = np.linspace(0, 1, 400)
    for k in range(1, steps + 1):
        current = singular_value_map(s, coefficients, k)
        ax.plot(s, current, lw=1 + (k == steps), label=f"{k} step" + ("s" if k > 1 else ""))
    ax.plot(s, s, "k:", lw=1)
    ax.axhline(1, color="gray", lw=0.8)
    ax.set(
        xlabel=r"singular value $\sigma$ (after $G/\|G\|_F$)",
        ylabel=r"$\varphi^{(k)}(\sigma)$",
        title=f"Newton–Schulz: {polynomial_text(coefficients)}",
    )
    ax.legend(fontsize=8, ncols=2)
    sig = np.sort(np.asarray(sigmas, dtype=float))[::-1]
    sig = sig / np.sqrt(np.sum(sig**2))
    out = singular_value_map(sig, coefficients, steps)
    # "before" at height σ, on the dotted identity, as notebook 10's Newton–Schulz explorer
    # draws it: each arrow then runs from a value to what it becomes (from height 0 the blue
    # dots read as "the values were 0")
    identity = np.geomspace(sig.min() / 2, 1.5, 200)
    dots.semilogx(identity, identity, "k:", lw=1)
    dots.semilogx(sig, sig, "o", color="tab:blue", label="before (σ)")
    dots.semilogx(sig, out, "o", color="tab:red", label=f"after {steps} steps")
    for x0, y1 in zip(sig, out, strict=True):
        dots.annotate("", (x0, y1), (x0, x0), arrowprops={"arrowstyle": "->", "color": "0.6"})
    dots.axhline(1, color="gray", lw=0.8)
    dots.set(
        xlim=(sig.min() / 2, 1.5),
        ylim=(-0.1, 1.6),
        xlabel=r"$\sigma$ before",
        ylabel=r"$\sigma$ after",
        title="the gradient's σ",
    )
    dots.legend(fontsize=8, loc="upper left")
    return figure


def curves(
    series: dict[str, np.ndarray],
    *,
    x=None,
    xlabel="step",
    ylabel=r"$f - f_{min}$",
    title="",
    log=True,
    bands: dict[str, np.ndarray] | None = None,
    ceiling: float | None = None,
):
    """One line per label (a 1-D array each), optional ± bands, log y-axis.

    ``ceiling``: the top of the y-axis; a curve that goes above it is cut there and its label
    says at which steps (one run climbing to 10¹⁴ squeezed the others into a thin band)."""
    figure, ax = new_figure(8.0, 3.6)
    for k, (label, y) in enumerate(series.items()):
        xs = np.arange(len(y)) if x is None else (x[label] if isinstance(x, dict) else x)
        above = np.flatnonzero(np.asarray(y) > ceiling) if ceiling is not None else []
        shown = label
        if len(above):
            shown = f"{label} (above the chart at steps {xs[above[0]]:g}–{xs[above[-1]]:g})"
        ax.plot(xs, y, color=COLORS[k % len(COLORS)], lw=1.8, label=shown)
        if bands and label in bands:
            ax.fill_between(xs, y - bands[label], y + bands[label], color=COLORS[k], alpha=0.2)
    ax.set(yscale="log" if log else "linear", xlabel=xlabel, ylabel=ylabel, title=title)
    if ceiling is not None:
        ax.set_ylim(top=ceiling)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return figure


def recipe_schedules(schedules: dict[str, np.ndarray]):
    """η_t/η of each schedule against the step."""
    figure, ax = new_figure(8.0, 3.0)
    for k, (label, factors) in enumerate(schedules.items()):
        ax.plot(np.arange(1, len(factors) + 1), factors, color=COLORS[k], lw=2, label=label)
    ax.set(xlabel="step t", ylabel=r"$\eta_t / \eta$", title="the modern recipe's schedules")
    ax.grid(alpha=0.3)
    ax.legend()
    return figure


def sensitivity(tunings):
    """Each contender's mean final training loss over its tuning seeds against η."""
    figure, ax = new_figure(8.0, 3.6)
    for k, tu in enumerate(tunings.values()):
        ax.plot(tu.lrs, tu.tune_scores, "-o", ms=3, color=COLORS[k % 7], label=tu.name)
        ax.plot([tu.best_lr], [tu.tune_scores.min()], "o", ms=9, color=COLORS[k % 7], mec="k")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel=r"peak $\eta$",
        ylabel="final training loss",
        title="sensitivity: loss against η (big dot: the tuned η)",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncols=2)
    return figure


def comparison(tunings, seconds_per_step: dict[str, float], every: int = 10):
    """Held-out accuracy per seed at the tuned η; the loss against steps and against seconds
    (steps × the measured seconds per step of one run of each contender)."""
    figure, (acc, steps_ax, secs_ax) = new_figure(13.0, 4.0, ncols=3)
    names = list(tunings)
    for k, name in enumerate(names):
        best = tunings[name].best
        color = COLORS[k % 7]
        acc.plot(np.full(best.test_accuracy.size, k), best.test_accuracy, "o", color=color)
        acc.plot([k - 0.3, k + 0.3], [best.test_accuracy.mean()] * 2, color=color, lw=2)
        mean = best.curve.mean(axis=1)
        step = every * np.arange(1, mean.size + 1)
        steps_ax.plot(step, mean, color=color, lw=1.6, label=name)
        secs_ax.plot(step * seconds_per_step[name], mean, color=color, lw=1.6, label=name)
    acc.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
    acc.set(ylabel="held-out accuracy", title="each dot one seed, bar the mean")
    acc.grid(alpha=0.3, axis="y")
    steps_ax.set(yscale="log", xlabel="step", ylabel="training loss (mean over seeds)")
    secs_ax.set(yscale="log", xlabel="seconds (this machine, one run)", ylabel="")
    steps_ax.legend(fontsize=7)
    for ax in (steps_ax, secs_ax):
        ax.grid(alpha=0.3)
    return figure
