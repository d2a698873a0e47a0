r"""Explorer for notebook 08 (the optimizer showdown).

* ``RaceExplorer``: pick the function, the contenders and the step budget B; every optimizer
  runs at its own η tuned for that budget (the η of a log sweep with the lowest f − f_min after
  B steps). Left: the paths on the contours; right: f − f_min against step, log-log.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..display import CLASSROOM_TEXT_PX, display_settings
from ..engine import Explorer, ToggleSet, function_picker
from ..objectives import Objective
from ..plots import draw_contours
from ..plots.showdown import COLORS, LINESTYLES
from ..showdown import FLOOR, OPTIMIZERS, best_at, sweep

__all__ = ["RaceExplorer"]

TIE = 2.0  # end values within this factor of the lowest: no winner (see update)


class RaceExplorer(Explorer):
    """A fair race you can re-run: which optimizers, on which function, with how many steps.

    At construction every optimizer is swept once per function over ``lrs`` for the largest
    budget (one ``helpers.run`` call per optimizer and function); a shorter budget B re-tunes η
    by reading the same runs after B steps (``helpers.showdown.best_at``). So a control change
    runs nothing: it only picks runs and slices them, which keeps every redraw fast.
    """

    def __init__(
        self,
        objectives: dict[str, Objective],
        lrs=None,
        budgets=(10, 25, 50, 100, 200, 400),
        function: str | None = None,
        optimizers=("GD", "momentum", "Adam"),
        budget: int = 200,
    ):
        self.objectives = dict(objectives)
        classroom = display_settings().classroom  # (the engine's self.classroom comes later)
        self.lrs = np.geomspace(1e-5, 10, 40) if lrs is None else np.asarray(lrs, dtype=float)
        longest = max(budgets)
        self.sweeps = {
            f: {name: sweep(make, o, self.lrs, longest) for name, make in OPTIMIZERS.items()}
            for f, o in self.objectives.items()
        }
        self.picker = function_picker(self.objectives, function)
        # one toggle button per optimizer, in one row: a list with every choice in view took
        # 250 px of a classroom screen's height (and a ctrl-click to choose several)
        self.contenders = ToggleSet(list(OPTIMIZERS), tuple(optimizers), description="optimizers")
        self.budget = widgets.SelectionSlider(
            options=list(budgets),
            value=budget if budget in budgets else longest,
            description="budget (steps)",
        )
        super().__init__([self.picker, self.budget, self.contenders], figsize=(10.0, 4.2))

        # Three cells of one grid (paths, losses, standings), so that classroom mode's layout
        # can make room for larger text in each; the title names the function shown.
        # (The margins go to subplots_adjust, not the grid: tight_layout skips a grid that sets
        # its own.)
        # The standings' cell holds 26 characters of monospace text: at classroom sizes that
        # is a third of the screen (its rows hang outside the grid, so its cell may be narrower).
        board_share = 1.2 if classroom else 0.85
        grid = self.figure.add_gridspec(1, 3, width_ratios=(1, 1, board_share))
        self.figure.subplots_adjust(left=0.07, right=0.99, bottom=0.12, top=0.84, wspace=0.34)
        self.loss_ax = self.figure.add_subplot(grid[0, 1])
        board_ax = self.board_ax = self.figure.add_subplot(grid[0, 2])
        board_ax.set_axis_off()
        self.maps = {}  # one contour panel per function, all in the same place: only one shows
        for name, objective in self.objectives.items():
            ax = self.figure.add_subplot(grid[0, 0])
            draw_contours(ax, objective, resolution=150)
            ax.plot(*objective.x0, "s", color="black", ms=7)
            if classroom:  # whole numbers: Beale's −2.5, 0.0, 2.5 ran into each other at 24 px
                for axis in (ax.xaxis, ax.yaxis):
                    axis.set_major_locator(MaxNLocator(integer=True))
            self.maps[name] = ax
        self.loss_ax.set(xscale="log", yscale="log", xlim=(1, longest))
        self.loss_ax.set_xlabel("step t", fontsize=12)
        self.loss_ax.set_ylabel(r"$f(\theta_t) - f_{min}$", fontsize=12)
        self.loss_ax.grid(True, which="major", alpha=0.3)

        self.paths, self.ends, self.curves = {}, {}, {}
        for name in OPTIMIZERS:
            color = COLORS[name]
            style = LINESTYLES[name]
            self.curves[name] = self.loss_ax.plot([], [], style, color=color, lw=2, label=name)[0]
            for function, ax in self.maps.items():
                self.paths[function, name] = ax.plot([], [], style, color=color, lw=1.6)[0]
                self.ends[function, name] = ax.plot([], [], "o", color=color, ms=7, mec="white")[0]
        self._legend = None  # the chosen optimizers only, made again when they change
        self._legend_names = None
        self.budget_line = self.loss_ax.axvline(self.budget.value, color="black", ls=":", lw=1.2)
        self.board = board_ax.text(  # the standings, best first
            # right-aligned as a block (its lines left-aligned), so a wider font grows leftwards
            # into the cell instead of off the picture
            1.0, 1.0, "", transform=board_ax.transAxes, ha="right", va="top", fontsize=10,
            family="monospace", linespacing=1.2 if classroom else 1.5,
            multialignment="left",
        )  # fmt: skip
        # Classroom mode: the standings are the legend too, one row per optimizer in its
        # curve's colour (a legend beside them overlapped them at 24 px, and there is no room
        # for both in a 280 px picture); they hang from just under the title's first line,
        # the whole height of the picture, outside the layout. ``board`` keeps the text.
        self.rows = []
        if classroom:
            self.board.set_visible(False)
            line = 1.2 * CLASSROOM_TEXT_PX / self.screen_size[1]  # one row, as figure height
            for i in range(1 + len(OPTIMIZERS)):
                row = self.figure.text(
                    0.99, 0.86 - i * line, "", ha="right", va="top", fontsize=10,
                    family="monospace",
                )  # fmt: skip
                row.set_in_layout(False)
                self.rows.append(row)
        self.moving(
            *self.paths.values(),
            *self.ends.values(),
            *self.curves.values(),
            self.budget_line,
            self.board,
            *self.rows,
            self.add_title(fontsize=13),
        )
        self._limits = {f: self._loss_limits(f) for f in self.objectives}
        for function in self.objectives:  # draw every background now, not on the first pick
            self._show_function(function)
            self.render()
        self.refresh()

    # -- the static parts: one background per function ---------------------------------------
    def _loss_limits(self, function: str) -> tuple[float, float]:
        """y-limits that hold every tuned run of this function, at every budget."""
        objective, lowest, highest = self.objectives[function], 1.0, 1.0
        for s in self.sweeps[function].values():
            for budget in self.budget.options:
                gaps = s.result.losses[: budget + 1, best_at(s, budget)] - objective.min_value
                lowest = min(lowest, np.nanmin(np.maximum(gaps, FLOOR)))
                highest = max(highest, np.nanmax(gaps))
        return lowest / 10, highest * 10

    def _show_function(self, function: str) -> None:
        """Show this function's contour panel and loss limits, with its cached background."""
        for name, ax in self.maps.items():
            ax.set_visible(name == function)
        self.loss_ax.set_ylim(*self._limits[function])
        self._shown = function
        self.use_background(function)  # each function's still parts, drawn once

    # -- every update ---------------------------------------------------------------------------
    def update(self) -> None:
        function, budget = self.picker.value, self.budget.value
        if function != self._shown:
            self._show_function(function)
        objective, chosen = self.objectives[function], set(self.contenders.value)
        standings = []
        for (where, name), line in self.paths.items():
            line.set_visible(where == function and name in chosen)
            self.ends[where, name].set_visible(where == function and name in chosen)
        for name, curve in self.curves.items():
            curve.set_visible(name in chosen)
            if name not in chosen:
                continue
            s = self.sweeps[function][name]
            best = best_at(s, budget)
            path = s.result.path[: budget + 1, best]
            gaps = np.maximum(s.result.losses[: budget + 1, best] - objective.min_value, FLOOR)
            finite = np.isfinite(gaps)
            path = path[finite]
            self.paths[function, name].set_data(path[:, 0], path[:, 1])
            self.ends[function, name].set_data(path[-1:, 0], path[-1:, 1])
            self.curves[name].set_data(np.arange(budget + 1)[finite], gaps[finite])
            k = int(s.result.diverged_at[best])
            if 0 <= k <= budget:  # only if every η of the sweep diverged within the budget
                standings.append((np.inf, name, f"{name:9s}diverged at step {k}"))
            else:
                standings.append((gaps[-1], name, f"{name:9s}{s.lrs[best]:<8.2g}{gaps[-1]:.0e}"))
        names = tuple(name for name in OPTIMIZERS if name in chosen)
        if names != self._legend_names:  # a cached layer: drawn at every move it was 7 ms
            self._legend_names = names
            self.replace_layer("legend", [])  # (the old legend out first: a new one replaces it)
            self._legend = None
            if names and not self.classroom:  # (classroom: the coloured standings are the key)
                # under the standings, in their cell: in the loss panel, seven entries covered
                # the curves (on Rastrigin between 10⁻¹ and 10⁰)
                self._legend = self.board_ax.legend(
                    handles=[self.curves[name] for name in names], loc="lower right",
                    fontsize=9, ncols=2, borderaxespad=0,
                )  # fmt: skip
                self.layer("legend", self._legend)
        self.budget_line.set_xdata([budget, budget])
        standings.sort(key=lambda entry: entry[0])
        header = [f"{'':9s}{'η':8s}f − f_min"] if standings else []
        lines = header + [text for _, _, text in standings]
        self.board.set_text("\n".join(lines))
        width = max(map(len, lines), default=0)
        for i, row in enumerate(self.rows):  # every row as wide: right-aligned, left-justified
            text = lines[i].ljust(width) if i < len(lines) else ""
            row.set_text(text)
            name = text.split()[0] if i > 0 and text else None
            row.set_color(COLORS.get(name, "black"))
        if standings:
            # Within a factor TIE of the lowest is a tie: one run each on a coarse η grid
            # (a grid step is a factor 3.5) cannot tell 6e-4 from 7e-4 apart
            lowest = standings[0][0]
            leaders = [n for g, n, _ in standings if np.isfinite(g) and g <= TIE * lowest]
            leaders = leaders or [standings[0][1]]
            if len(leaders) == 1:
                verdict = f"{leaders[0]} ends lowest"
            elif len(leaders) == 2:
                verdict = f"{leaders[0]} and {leaders[1]} tie (within {TIE:g}×)"
            else:  # (the standings name them: a title of five names takes three lines)
                verdict = f"the top {len(leaders)} tie (within {TIE:g}×)"
            title = f"{function}, {budget} steps, each at its tuned η: {verdict}"
        else:
            title = "choose at least one optimizer (click its button)"
        self.set_title(title)
