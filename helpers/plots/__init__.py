"""Static figures: each function draws into axes it is given or returns a new ``Figure``.

Figures are made with the object-oriented API (``matplotlib.figure.Figure``), never pyplot, so
they neither leak global state nor depend on a backend; a notebook shows one by leaving it as
the cell's last expression. Topic modules (``landscape``, ``descent``, …) build on the shared
pieces here.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..objectives import Objective

__all__ = [
    "StaticFigure",
    "new_figure",
    "contour_levels",
    "draw_contours",
    "clear_contours",
    "superscript",
]


class StaticFigure(Figure):
    """A ``Figure`` that shows itself as a PNG in any notebook front end, with no pyplot and
    no backend set-up (a plain ``Figure`` only displays once pyplot's inline backend is on)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        FigureCanvasAgg(self).print_png(buffer)
        return buffer.getvalue()


def new_figure(width: float = 9.0, height: float = 3.8, **subplots) -> tuple[StaticFigure, object]:
    """A pyplot-free figure and its axes (``subplots`` as for ``Figure.subplots``)."""
    figure = StaticFigure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.subplots(**subplots)


def contour_levels(gap: np.ndarray, n: int = 18) -> np.ndarray:
    """Levels spaced evenly in log(f − f_min): they show the valley floor and the walls."""
    positive = gap[gap > 0]
    high = np.percentile(positive, 99.5)
    return np.geomspace(max(positive.min(), high * 1e-6), high, n)


def draw_contours(
    ax, objective: Objective, resolution: int = 200, filled: bool = True, levels: int = 18
):
    """Contours of a 2-D objective over its plot bounds, its minima as gold stars.

    Returns the grid's f − f_min (shape resolution × resolution), for colour bars and checks.
    """
    (xlo, xhi), (ylo, yhi) = objective.bounds
    X, Y = np.meshgrid(np.linspace(xlo, xhi, resolution), np.linspace(ylo, yhi, resolution))
    gap = objective.value(np.stack([X, Y], axis=-1)) - objective.min_value
    chosen = contour_levels(gap, levels)
    if filled:
        # Values below the lowest level (the valley floor, each Rastrigin dimple) would stay
        # white: clip them to one band below it, so the floor is the darkest band.
        floor = chosen[0] / 10
        ax.contourf(
            X,
            Y,
            np.clip(gap, floor, None),
            levels=np.r_[floor, chosen],
            cmap="Blues_r",
            alpha=0.55,
            extend="max",
            norm="log",
        )
    ax.contour(X, Y, gap, levels=chosen, colors="0.45", linewidths=0.5)
    ax.plot(*objective.minima.T, "*", color="gold", mec="black", ms=13, label="_minimum")
    xlabel, ylabel = getattr(objective, "axis_labels", (r"$\theta_1$", r"$\theta_2$"))
    ax.set(xlim=(xlo, xhi), ylim=(ylo, yhi), xlabel=xlabel, ylabel=ylabel)
    return gap


def clear_contours(ax, keep=()) -> None:
    """Remove what ``draw_contours`` drew on ``ax`` (its contour sets and minimum stars), apart
    from the artists in ``keep`` (an explorer's moving markers, say), before drawing anew."""
    keep = set(map(id, keep))
    stars = [line for line in ax.lines if line.get_label() == "_minimum"]
    for artist in [*ax.collections, *stars]:
        if id(artist) not in keep:
            artist.remove()


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    """An integer in superscript digits, for plain-text titles: β²⁰⁰, 10⁻⁶ (not β^200)."""
    return str(number).translate(_SUPERSCRIPTS)
