r"""Explorer for notebook 07 (learning-rate schedules).

* ``ScheduleExplorer``: pick a schedule and its parameters; see η_t against t (left), the
  mini-batch SGD run it drives on the line data's regression loss (middle) and L − L_min against
  step (right), next to the same run at the constant η₀ (grey), which sees the same batches.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import linear_data
from ..engine import Explorer, function_picker, lr_slider, round_stops, status_text, tidy
from ..minibatch import MinibatchGradient
from ..objectives import LinearRegression
from ..optimizers import SGD, Adam
from ..plots import draw_contours
from ..runner import run
from ..schedules import SCHEDULES, schedule
from .contour import loss_gap

__all__ = ["ScheduleExplorer", "SCHEDULE_PARAMETERS", "schedule_parameters"]


# Which controls each schedule reads (the others are greyed out).
SCHEDULE_PARAMETERS = {
    "constant": (),
    "step": ("gamma", "step_size"),
    "exponential": ("gamma",),
    "1/t": ("decay",),
    "cosine": (),
    "warm-up + cosine": ("warmup",),
    "one-cycle": ("warmup",),
    "warm-up + stable + decay": ("warmup",),  # notebook 10's WSD: decay over the last 20 %
}

OPTIMIZER_CHOICES = {
    "SGD": lambda lr: SGD(lr=lr),
    "SGD + momentum 0.9": lambda lr: SGD(lr=lr, momentum=0.9),
    "Adam": lambda lr: Adam(lr=lr),
}


def schedule_parameters(name, lr, steps, gamma, step_size, decay, warmup) -> dict:
    """The keyword arguments of ``helpers.schedules.schedule(name, ...)`` from the controls:
    T = ``steps`` is the whole budget; ``warmup`` is the fraction of T spent warming up (the
    warm-up steps W = round(warmup·T), or one-cycle's pct_start)."""
    return {
        "constant": {"lr": lr},
        "step": {"lr": lr, "step_size": step_size, "gamma": gamma},
        "exponential": {"lr": lr, "gamma": gamma},
        "1/t": {"lr": lr, "decay": decay},
        "cosine": {"lr": lr, "total_steps": steps},
        "warm-up + cosine": {
            "lr": lr,
            "total_steps": steps,
            "warmup_steps": max(1, round(warmup * steps)),
        },
        "one-cycle": {"lr": lr, "total_steps": steps, "pct_start": warmup},
        "warm-up + stable + decay": {
            "lr": lr,
            "total_steps": steps,
            "warmup_steps": max(1, round(warmup * steps)),
            "decay_steps": max(1, min(round(0.2 * steps), steps - max(1, round(warmup * steps)))),
        },
    }[name]


class ScheduleExplorer(Explorer):
    r"""A learning-rate schedule η_t and the mini-batch run it drives.

    The run: ``optimizer`` with η_t from the schedule, mini-batch gradients (B = ``batch_size``)
    of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)² on the line data (``helpers.data.linear_data``), from
    (w, b) = (0, 0). The grey reference run keeps η₀ constant and sees exactly the same batches,
    so the difference between the two is the schedule's alone.
    """

    def __init__(
        self,
        name: str = "cosine",
        lr: float = 0.5,
        steps: int = 300,
        batch_size: int = 4,
        optimizer: str = "SGD",
        seed: int = 0,
        gamma: float = 0.9,
        decay: float = 0.05,
    ):
        self.loss = LinearRegression(*linear_data()[:2])
        self.sampler = MinibatchGradient(self.loss, batch_size, seed=seed)
        self.picker = function_picker(SCHEDULES, name, description="schedule")
        self.optimizer = function_picker(OPTIMIZER_CHOICES, optimizer, description="optimizer")
        self.lr = lr_slider(lr, low=1e-3, high=3.0, description="η₀ (peak lr)")
        self.steps = widgets.IntSlider(steps, min=40, max=500, step=10, description="steps T")
        # Round stops (a γ of 0.5442 or a k of 0.0501 is not what the text asks for): γ on
        # round values of 1 − γ, ten per decade, from 0.1 to 0.999 (0.9, 0.98, 0.99 among
        # them); k on round numbers from 0.001 to 1.
        self.gamma = widgets.SelectionSlider(
            options=[round(1 - gap, 12) for gap in reversed(round_stops(0.001, 0.9))],
            value=gamma,
            description="γ",
        )
        self.step_size = widgets.IntSlider(75, min=1, max=500, description="step size s")
        self.decay = lr_slider(decay, low=1e-3, high=1.0, description="k (1/t decay)")
        self.warmup = widgets.FloatSlider(
            0.3, min=0.05, max=0.5, step=0.05, description="warm-up fraction"
        )
        self.parameters = {
            "gamma": self.gamma,
            "step_size": self.step_size,
            "decay": self.decay,
            "warmup": self.warmup,
        }
        controls = [self.picker, self.optimizer, self.lr, self.steps, *self.parameters.values()]
        super().__init__(controls, figsize=(12.0, 4.0))

        self.lr_ax, self.ax, self.loss_ax = self.figure.subplots(1, 3)
        self.figure.subplots_adjust(left=0.06, right=0.985, bottom=0.14, top=0.83, wspace=0.3)
        self.lr_ax.set(xlabel="step t", ylabel=r"$\eta_t \,/\, \eta_0$", ylim=(0, 1.08))
        self.lr_ax.grid(True, alpha=0.3)
        draw_contours(self.ax, self.loss, resolution=120)
        self.ax.set(xlim=(-0.5, 5.0), ylim=(-0.5, 3.5))  # the start (0, 0) and the minimum
        self.panel_title(
            self.ax,
            "mini-batch paths" if self.classroom else "mini-batch paths on the line data's loss",
            fontsize=11,
        )
        self.loss_ax.set(yscale="log", xlabel="step t", ylabel=r"$L(\theta_t) - L_{min}$")
        self.loss_ax.grid(True, alpha=0.3)
        self.loss_ax.set_ylim(1e-7, 1e2)
        (self.reference_lr,) = self.lr_ax.plot(
            [], [], color="0.55", lw=2, ls="--", label=r"constant $\eta_0$"
        )
        (self.schedule_lr,) = self.lr_ax.plot([], [], color="tab:blue", lw=2.5, label="schedule")
        if not self.classroom:  # (classroom: the title's second line is the key)
            self.lr_ax.legend(loc="lower left", fontsize=10)
        # The constant-η₀ run sees the same batches, so its path often runs right under the
        # schedule's: drawn wide and grey beneath the thin blue one, it shows as a grey band
        # along the blue path where the two agree and on its own where they part.
        (self.reference_path,) = self.ax.plot(
            [], [], "-", color="0.55", lw=3.2, alpha=0.9, solid_capstyle="round"
        )
        (self.path,) = self.ax.plot([], [], "-", color="tab:blue", lw=1.2)
        (self.end,) = self.ax.plot([], [], "o", color="tab:blue", ms=8, mec="white")
        (self.reference_curve,) = self.loss_ax.plot(
            [], [], color="0.55", lw=1.2, label=r"constant $\eta_0$"
        )
        (self.curve,) = self.loss_ax.plot([], [], color="tab:blue", lw=1.4, label="schedule")
        if not self.classroom:
            self.loss_ax.legend(loc="lower left", fontsize=10)
        # bottom right, where no path runs (the start is bottom left, the minimum in the middle)
        self.status = status_text(self.ax, 0.35, 0.03)
        self.status.set_verticalalignment("bottom")
        self.moving(
            self.reference_lr,
            self.schedule_lr,
            self.reference_path,
            self.path,
            self.end,
            self.reference_curve,
            self.curve,
            self.status,
            self.add_title(fontsize=12),
        )
        self._limits = None
        self._moments = None
        self.refresh()

    # -- what the controls mean ----------------------------------------------------------------
    def schedule_function(self):
        """The chosen schedule with the controls' parameters, as f(t) (``helpers.schedules``)."""
        params = schedule_parameters(
            self.picker.value,
            tidy(self.lr.value),
            self.steps.value,
            self.gamma.value,
            self.step_size.value,
            tidy(self.decay.value),
            tidy(self.warmup.value),
        )
        return schedule(self.picker.value, **params)

    def update(self) -> None:
        used = SCHEDULE_PARAMETERS[self.picker.value]
        for key, control in self.parameters.items():
            control.disabled = key not in used
        steps, lr0 = self.steps.value, tidy(self.lr.value)
        lr_at = self.schedule_function()
        t = np.arange(1, steps + 1)
        self.lrs = lr_at(t)

        # Two runs side by side, in one call: the schedule (run 0) and constant η₀ (run 1);
        # both use the same mini-batch at step t, so only η differs. Both rates are looked up
        # in a table made once from the vectorised schedule (calling it at every step was a
        # sixth of a slider move).
        rates = np.stack([self.lrs, np.full(steps, lr0)], axis=1)  # (T, 2)

        def both(step):
            return rates[step - 1]

        moments = self._batch_moments(steps)

        def gradient(theta, step):  # = self.loss.batch_grad(theta, batch of step), but faster
            hessian, h = moments[0][step - 1], moments[1][step - 1]
            return theta @ hessian - h

        make = OPTIMIZER_CHOICES[self.optimizer.value]
        x0 = np.tile(self.loss.x0, (2, 1))
        self.result = run(
            make(np.array([lr0, lr0])),
            self.loss,
            x0,
            steps,
            gradient=gradient,
            lr_schedule=both,
            record_states=False,  # nothing here draws the optimizer's state
        )
        self._draw(t, lr0)

    def _batch_moments(self, steps: int):
        r"""Each step's mini-batch loss is a quadratic too: ĝ_t(θ) = H_t θ − h_t with
        H_t = 2·mean over the batch of (x, 1)(x, 1)ᵀ and h_t = 2·mean of y·(x, 1). Computed once
        for all steps (the batches never change), a step costs one 2×2 product."""
        if self._moments is None or self._moments[0].shape[0] < steps:
            index = np.stack([self.sampler.index(t) for t in range(1, steps + 1)])  # (T, B)
            x, y = self.loss.x[index], self.loss.y[index]
            ones = np.ones_like(x)
            features = np.stack([x, ones], axis=-1)  # (T, B, 2)
            hessian = 2 * np.einsum("tbi,tbj->tij", features, features) / x.shape[1]
            h = 2 * np.einsum("tb,tbi->ti", y, features) / x.shape[1]
            self._moments = (hessian, h)
        return self._moments

    def _draw(self, t, lr0) -> None:
        steps = t.size
        # The step axes end at the next round number (50, 100, 200, 300, …), so dragging T
        # rarely changes them, and then only those two panels are redrawn.
        limit = next(m for m in (50, 100, 200, 300, 400, 500) if m >= steps)
        if limit != self._limits:
            for ax in (self.lr_ax, self.loss_ax):
                ax.set_xlim(0, limit)
                self.redraw_panel(ax)
            self._limits = limit
        self.schedule_lr.set_data(t, self.lrs / lr0)
        self.reference_lr.set_data([1, steps], [1, 1])
        lines = (self.path, self.reference_path)
        curves = (self.curve, self.reference_curve)
        verdicts, late = [], self.late_gaps
        for run_index, label in enumerate(("schedule", "constant η₀")):
            path = self.result.path[:, run_index]
            finite = np.all(np.isfinite(path), axis=-1)
            lines[run_index].set_data(path[finite, 0], path[finite, 1])
            gap = loss_gap(self.result.losses[:, run_index], self.loss.min_value)
            curves[run_index].set_data(np.arange(gap.size)[np.isfinite(gap)], gap[np.isfinite(gap)])
            k = int(self.result.diverged_at[run_index])
            ended = f"{label}: {late[run_index]:.2g}"
            verdicts.append(f"{label}: diverged at step {k}" if k >= 0 else ended)
        end = self.result.path[-1, 0]
        self.end.set_data(end[:1], end[1:]) if np.all(np.isfinite(end)) else self.end.set_data(
            [], []
        )
        self.status.set_text(self._banner())
        self.status.set_visible(bool(self.status.get_text()))
        head = f"{self.picker.value}, {self.optimizer.value}, B = {self.sampler.batch_size}"
        what = f"L − L_min, median of the last {self._late(steps)} of {steps} steps"
        if self.classroom:
            # At 24 px one line holds ~80 characters: the legends would cover the curves, so
            # the second line names the two runs' colours with their results.
            ends = [v.split(": ", 1)[1] for v in verdicts]
            self.set_title(
                f"{head}: {what}\nblue, the schedule: {ends[0]} · grey, constant η₀: {ends[1]}"
            )
        else:
            self.set_title(f"{head}: {what} · " + " · ".join(verdicts))

    def _banner(self) -> str:
        """One short line in the paths' panel when a run diverged (the title says the rest)."""
        steps = [int(k) for k in self.result.diverged_at]
        labels = ("blue run", "grey run") if self.classroom else ("schedule", "constant η₀")
        gone = [(label, k) for label, k in zip(labels, steps, strict=True) if k >= 0]
        if len(gone) == 2:
            same = gone[0][1] == gone[1][1]
            return "diverged" if same else "both diverged"
        return f"{gone[0][0]} diverged" if gone else ""

    @property
    def final_gaps(self) -> np.ndarray:
        """L − L_min at the last step: [schedule, constant η₀] (NaN for a diverged run)."""
        return self.result.losses[-1] - self.loss.min_value

    @staticmethod
    def _late(steps: int) -> int:
        return max(1, steps // 10)

    @property
    def late_gaps(self) -> np.ndarray:
        """The median L − L_min over the last tenth of the run: [schedule, constant η₀] (NaN
        for a diverged run). What the title shows: a mini-batch run's last loss is one noisy
        sample (Adam at a constant η₀ = 0.5 read 4.7e-5 at step 300, its last 30 steps 6.5e-4,
        a tie with the cosine's 4.5e-5 that the picture did not show)."""
        losses = self.result.losses[-self._late(self.result.losses.shape[0] - 1) :]
        return np.median(losses, axis=0) - self.loss.min_value
