"""The standard 2-D explorer: contours with the paths, and the loss against step."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from ..engine import Explorer, StepControls, function_picker, status_text, tidy
from ..objectives import Objective
from ..plots import clear_contours, draw_contours
from ..runner import RunResult, run


class Setup(NamedTuple):
    """What one labelled run needs beyond its optimizer: a stochastic gradient
    (``helpers.minibatch.MinibatchGradient``) and/or a learning-rate schedule
    (``helpers.schedules.schedule``); both as ``helpers.run`` takes them."""

    optimizer: object
    gradient: Callable | None = None
    lr_schedule: Callable | None = None


COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink"]


def loss_gap(losses: np.ndarray, min_value: float) -> np.ndarray:
    """f − f_min, floored so that a run that reaches the minimum stays on the log axis."""
    return np.maximum(losses - min_value, 1e-300)


def left_the_chart(values: np.ndarray, top: float, steps=None) -> int | None:
    """The step from which a curve ``values`` stays above a panel's ``top`` (NaN counts as
    above), or None if it ends on the chart. ``steps`` are the step numbers of ``values``
    (by default 0, 1, 2, …)."""
    inside = np.flatnonzero(values <= top)
    off = int(inside[-1]) + 1 if inside.size else 0
    if off >= len(values):
        return None
    return off if steps is None else int(steps[off])


def off_the_chart_note(values: np.ndarray, top: float, diverged_at: int) -> str:
    """ " (off the chart from step j)" when a diverging run's curve ``values`` stays above the
    panel's ``top`` from step j on, well before it overflows at step ``diverged_at``; "" when
    the two agree. The run overflows only after its curve has left the panel, often many
    steps earlier: a verdict without this disagrees with the curve."""
    off = left_the_chart(values, top)
    # no-break spaces: a wrapped title keeps "(off the chart from step j)" on one line
    note = f"(off the chart from step {off})".replace(" ", "\u00a0")
    return f" {note}" if off is not None and off < diverged_at else ""


class ContourExplorer(Explorer):
    """Contours of a 2-D objective with each optimizer's path (left) and f − f_min against step
    on a log axis (right). A run that diverges says so in the figure.

    ``optimizers`` is a function of the controls' values (passed by name) that returns
    ``{label: optimizer}`` (or ``{label: Setup(optimizer, gradient, lr_schedule)}`` for
    stochastic gradients or a schedule); every other keyword argument is a control. For example::

        ContourExplorer(Quadratic(10), lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider(0.5))

    ``objectives`` is one objective or a ``{name: objective}`` dict (then a picker appears).
    The start point has its own sliders; ``step_by_step=True`` adds Step / Play / Reset;
    ``equal_axes=True`` draws the contours with one unit as long on both axes;
    ``step_lengths=True`` (step by step) writes each run's last step |Δθ| per coordinate in the
    title instead of its loss, for questions about how long a step is.
    """

    legend_above = True  # a subclass that writes above the loss panel keeps it inside

    def __init__(
        self,
        objectives: Objective | dict[str, Objective],
        optimizers: Callable[..., dict],
        *,
        steps: int = 50,
        max_steps: int = 500,
        step_by_step: bool = False,
        figsize=(10.0, 4.2),
        equal_axes: bool = False,
        step_lengths: bool = False,
        **controls,
    ):
        if isinstance(objectives, Objective):
            objectives = {objectives.name: objectives}
        self.objectives = dict(objectives)
        self.make_optimizers = optimizers
        self.named_controls = controls
        self.picker = function_picker(self.objectives) if len(self.objectives) > 1 else None
        self.steps = widgets.IntSlider(steps, min=1, max=max_steps, description="steps")
        self.x0 = widgets.FloatSlider(description="start x", readout_format=".2f", step=0.01)
        self.y0 = widgets.FloatSlider(description="start y", readout_format=".2f", step=0.01)
        self.stepper = StepControls(steps) if step_by_step else None
        self.step_lengths = step_lengths and step_by_step
        all_controls = ([self.picker] if self.picker else []) + list(controls.values())
        all_controls += [self.steps, self.x0, self.y0] + ([self.stepper] if self.stepper else [])
        super().__init__(all_controls, figsize=figsize)

        self.ax, self.loss_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
        # room for a two-line title (a verdict per run) above the panel title and the legend
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.8, wspace=0.22)
        if equal_axes:  # one unit is as long on both axes: gradients look perpendicular
            self.ax.set_aspect("equal", adjustable="box")
        self.loss_ax.set(yscale="log", xlabel="step t", ylabel=r"$f(\theta_t) - f_{min}$")
        self.loss_ax.grid(True, which="major", alpha=0.3)
        labels = list(self._optimizers())
        self.paths, self.ends, self.curves = {}, {}, {}
        for i, (label, color) in enumerate(zip(labels, COLORS, strict=False)):
            # Each run is drawn wider than the ones drawn over it: two runs that agree (heavy
            # ball's first step is GD's, and both can leave the chart on it) show as a line
            # with a coloured edge, not as the last run alone.
            wider = 1.2 * (len(labels) - 1 - i)
            (self.paths[label],) = self.ax.plot(
                [], [], "-o", color=color, ms=2.5 + wider, lw=1.4 + wider, label=label
            )
            (self.ends[label],) = self.ax.plot([], [], "o", color=color, ms=7, mec="white")
            (self.curves[label],) = self.loss_ax.plot(
                [], [], color=color, lw=1.6 + wider, label=label
            )
        (self.start,) = self.ax.plot([], [], "s", color="black", ms=6)
        self.status = status_text(self.ax, 0.02, 0.97)
        self.moving(
            *self.paths.values(),
            *self.ends.values(),
            *self.curves.values(),
            self.start,
            self.status,
            self.add_title(),
        )
        if len(labels) > 1 and not self.legend_above:
            self.loss_ax.legend(loc="upper right", fontsize=9)
        elif len(labels) > 1:  # above the loss panel, in one row: never on top of a curve
            self.loss_ax.legend(
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncols=len(labels),
                fontsize=9,
                frameon=False,
                borderaxespad=0.2,
                handlelength=1.5,
                columnspacing=1.2,
            )
        self.results: dict[str, RunResult] = {}
        self._step_limit = None  # where the loss panel's step axis ends
        self._cache_key = None
        self._quiet = False
        if self.picker:
            self.on_structure(self.picker, self._new_objective)
        self._new_objective()
        self.refresh()

    # -- the static parts, redrawn only when the objective or the step count changes ----------
    @property
    def objective(self) -> Objective:
        return self.objectives[self.picker.value if self.picker else next(iter(self.objectives))]

    def _new_objective(self) -> None:
        objective = self.objective
        (xlo, xhi), (ylo, yhi) = objective.bounds
        self._quiet = True  # moving the start sliders below must not redraw four times
        for slider, low, high, start in (
            (self.x0, xlo, xhi, objective.x0[0]),
            (self.y0, ylo, yhi, objective.x0[1]),
        ):
            # One message, not three: the browser must never see (and send back) a value
            # that is valid for the old range only.
            with slider.hold_sync():
                slider.min, slider.max = -1e9, 1e9  # widen first: min ≤ max at every moment
                slider.min, slider.max, slider.value = low, high, start
        self._quiet = False
        self.loss_ax.set_ylabel(objective.gap_label)  # L − L* for a loss on data, else f − f_min
        self._draw_landscape(objective)

    def _draw_landscape(self, objective: Objective) -> None:
        ax = self.ax
        clear_contours(ax)
        gap = draw_contours(ax, objective)
        self.panel_title(ax, objective.name)
        self.loss_ax.set_ylim(1e-12 * max(gap.max(), 1e-300), gap.max() * 10)
        self.redraw_background()

    def _set_step_axis(self, steps: int) -> None:
        # The step axis ends at the run's last step (a 300-step run on an axis to 500 looked
        # as if it had stopped early); a new step count redraws only the loss panel.
        limit = steps
        if limit != self._step_limit:
            self.loss_ax.set_xlim(0, limit)
            self._step_limit = limit
            self.redraw_panel(self.loss_ax)

    # -- every update ---------------------------------------------------------------------------
    def _optimizers(self) -> dict:
        return self.make_optimizers(**{k: tidy(c.value) for k, c in self.named_controls.items()})

    def _on_change(self, change) -> None:
        if not self._quiet:
            self.refresh(change)

    def update(self) -> None:
        steps = self.steps.value
        objective = self.objective
        self._set_step_axis(steps)
        if self.stepper:
            self.stepper.play.max = steps
        x0 = np.array([self.x0.value, self.y0.value])
        key = (
            objective.name,
            steps,
            tuple(x0),
            tuple((k, c.value) for k, c in self.named_controls.items()),
        )
        if key != self._cache_key:  # a Play step only re-slices the runs already computed
            self.results = {}
            for label, setup in self._optimizers().items():
                setup = setup if isinstance(setup, Setup) else Setup(setup)
                self.results[label] = run(
                    setup.optimizer,
                    objective,
                    x0,
                    steps,
                    gradient=setup.gradient,
                    lr_schedule=setup.lr_schedule,
                )
            self._cache_key = key
        shown = min(self.stepper.value, steps) if self.stepper else steps

        verdicts, diverged = [], []
        step_lengths = self.step_lengths and shown >= 1  # (before step 1 there is no step)
        for label, result in self.results.items():
            path = result.path[: shown + 1]
            path = path[np.all(np.isfinite(path), axis=-1)]
            self.paths[label].set_data(path[:, 0], path[:, 1])
            self.ends[label].set_data(path[-1:, 0], path[-1:, 1])
            gap = loss_gap(result.losses[: shown + 1], objective.min_value)
            finite = np.isfinite(gap)
            self.curves[label].set_data(np.arange(gap.size)[finite], gap[finite])
            k = int(result.diverged_at)
            if 0 <= k <= shown:
                # (the title only: the banner, in a narrower panel, keeps to the overflow)
                note = off_the_chart_note(gap, self.loss_ax.get_ylim()[1], k)
                verdicts.append(f"{label}: diverged at step {k}{note}")
                diverged.append(f"{label} diverged at step {k}")
            elif step_lengths:
                step = np.abs(result.path[shown] - result.path[shown - 1])
                verdicts.append(f"{label} (" + ", ".join(f"{d:.3g}" for d in step) + ")")
            else:
                shown_gap = "0" if gap[-1] <= 1e-300 else f"{gap[-1]:.2g}"
                verdicts.append(f"{label}: {self.objective.gap_text} = {shown_gap}")
        self.start.set_data([x0[0]], [x0[1]])
        # wrapped to the panel's width (a bold character is about 0.63 of its font size wide),
        # in points, so that a long run name never spills into the next panel at any pixel
        # density or text size (classroom mode)
        width_pt = self.ax.bbox.width * 72 / self.figure.dpi
        columns = max(16, int(width_pt / (0.63 * self.status.get_fontsize())))
        self.status.set_text("\n".join(textwrap.fill(line, columns) for line in diverged))
        self.status.set_visible(bool(diverged))
        count = shown if self.stepper else steps
        where = f"{count} step" + ("" if count == 1 else "s")
        where = f"after {where}" if self.stepper else where
        lead = f"{where} · |Δθ| of step {shown}: " if step_lengths else f"{where} · "
        self.set_title(lead + " · ".join(verdicts))
