"""Notebook 08's figures, the animated race and the RaceExplorer, driven control by control."""

import warnings

import numpy as np
import pytest
import torch

from helpers import Beale, Rastrigin, Rosenbrock, Saddle
from helpers.explorers.showdown import RaceExplorer
from helpers.networks import accuracy, make_mlp, two_spirals
from helpers.plots import showdown as figures
from helpers.showdown import FLOOR, OPTIMIZERS, best_at, race, sweep

OBJECTIVES = {
    "Rosenbrock": Rosenbrock(),
    "Beale": Beale(),
    "saddle": Saddle(),
    "Rastrigin": Rastrigin(),
}
LRS = np.geomspace(1e-5, 10, 12)


@pytest.fixture(scope="module")
def sweeps():
    return {
        f: {name: sweep(make, o, LRS, 60) for name, make in OPTIMIZERS.items()}
        for f, o in OBJECTIVES.items()
    }


@pytest.fixture(scope="module")
def explorer():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return RaceExplorer(OBJECTIVES, lrs=LRS, budgets=(5, 20, 60), budget=20)


def test_best_at_retunes_for_shorter_budgets(sweeps):
    s = sweeps["Rosenbrock"]["GD"]
    assert LRS[best_at(s, 60)] == s.best_lr
    short = sweep(OPTIMIZERS["GD"], OBJECTIVES["Rosenbrock"], LRS, 5)
    assert LRS[best_at(s, 5)] == short.best_lr  # reading a long run early = a short sweep


def test_static_figures_draw_every_optimizer(sweeps):
    figure = figures.sensitivity(sweeps)
    assert len(figure.axes) == 4 and len(figure.legends[0].get_texts()) == len(OPTIMIZERS)
    assert figure._repr_png_()[:4] == b"\x89PNG"
    races = {
        f: race({n: s.best_lr for n, s in by.items()}, OBJECTIVES[f], 60)
        for f, by in sweeps.items()
    }
    figure = figures.race_contours(OBJECTIVES, races)
    paths = [line for line in figure.axes[0].lines if line.get_label() in OPTIMIZERS]
    assert len(paths) == len(OPTIMIZERS)
    assert figure._repr_png_()[:4] == b"\x89PNG"


def test_race_animation_is_small_and_moves(sweeps):
    races = race({n: s.best_lr for n, s in sweeps["Beale"].items()}, OBJECTIVES["Beale"], 60)
    animation = figures.race_animation(OBJECTIVES["Beale"], races, frames=6)
    lines = animation._func(0)
    assert all(len(line.get_xdata()) == 1 for line in lines[: len(OPTIMIZERS)])  # the start
    lines = animation._func(5)
    assert lines[-1].get_text() == "Beale: step 60 of 60"
    assert all(len(line.get_xdata()) == 61 for line in lines[: len(OPTIMIZERS)])
    html = animation.to_jshtml()
    assert "<script" in html and len(html) < 2e6


def test_training_figures():
    x, y = two_spirals(n=100, seed=0)
    models = {name: make_mlp(seed=0, hidden=4) for name in ("GD", "Adam")}
    scores = {name: accuracy(m, x, y) for name, m in models.items()}
    histories = {n: {"losses": [0.7, 0.6], "seconds": [0.1, 0.2]} for n in models}
    assert figures.training_curves(histories)._repr_png_()[:4] == b"\x89PNG"
    figure = figures.decision_boundaries(models, x, y, scores)
    assert [ax.get_title() for ax in figure.axes[:2]] == [f"{n}: {scores[n]:.1%}" for n in models]
    figure = figures.decision_boundaries(models, x, y, {"GD": 0.995, "Adam": 0.5})
    assert figure.axes[0].get_title() == "GD: 99.5%"  # not "100%": that reads as perfect
    assert sum(ax.get_visible() for ax in figure.axes) == 2
    assert isinstance(x, torch.Tensor)


def shown(explorer):
    """{optimizer: (path x-data, curve length)} of the runs the figure shows."""
    function = explorer.picker.value
    return {
        name: (explorer.paths[function, name].get_xdata(), len(explorer.curves[name].get_xdata()))
        for name in OPTIMIZERS
        if explorer.paths[function, name].get_visible()
    }


def test_every_function(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for function in OBJECTIVES:
            explorer.picker.value = function
            assert explorer.message == ""
            assert explorer.title.startswith(f"{function}, 20 steps")
            assert explorer.maps[function].get_visible()
            assert sum(ax.get_visible() for ax in explorer.maps.values()) == 1
            for name in explorer.contenders.value:
                s = explorer.sweeps[function][name]
                x = explorer.paths[function, name].get_xdata()
                assert np.allclose(x, s.result.path[:21, best_at(s, 20), 0])


def test_every_budget(explorer):
    explorer.picker.value = "Rosenbrock"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for budget in explorer.budget.options:
            explorer.budget.value = budget
            assert f"{budget} steps" in explorer.title and explorer.message == ""
            assert explorer.budget_line.get_xdata()[0] == budget
            for name, (x, length) in shown(explorer).items():
                assert len(x) == budget + 1 and length == budget + 1, name
            board = explorer.board.get_text().splitlines()[1:]
            finals = [float(line.split()[-1]) for line in board]
            assert finals == sorted(finals), "the standings are sorted, best first"
            assert board[0].split()[0] in explorer.title
            # (the board rounds to one digit: 6e-04 and 7e-04 are a tie, not a win)
            tied = [
                line.split()[0] for line, f in zip(board, finals, strict=True) if f <= 2 * finals[0]
            ]
            if len(tied) > 1:
                assert "tie (within 2×)" in explorer.title and "ends lowest" not in explorer.title
                names = f"top {len(tied)}" if len(tied) > 2 else " and ".join(tied)
                assert names in explorer.title, (tied, explorer.title)
            elif finals[1] > 2.5 * finals[0]:  # clearly ahead (2–2.5: the board's rounding)
                assert f"{tied[0]} ends lowest" in explorer.title
    explorer.budget.value = 20


def test_a_tie_is_called_a_tie():
    explorer = RaceExplorer(OBJECTIVES, lrs=LRS, budgets=(5, 20, 60), budget=20)
    explorer.contenders.value = tuple(OPTIMIZERS)
    seen = set()
    for function in explorer.picker.options:
        explorer.picker.value = function
        for budget in explorer.budget.options:
            explorer.budget.value = budget
            seen.add("tie" in explorer.title)
    assert seen == {True, False}, "the grid of cases shows both a win and a tie"


def test_every_optimizer_set(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in OPTIMIZERS:
            explorer.contenders.value = (name,)
            assert list(shown(explorer)) == [name] and f"{name} ends lowest" in explorer.title
            assert [c.get_visible() for c in explorer.curves.values()].count(True) == 1
        explorer.contenders.value = tuple(OPTIMIZERS)
        assert list(shown(explorer)) == list(OPTIMIZERS)
        assert len(explorer.board.get_text().splitlines()) == 1 + len(OPTIMIZERS)
        explorer.contenders.value = ()
        assert shown(explorer) == {} and "choose at least one" in explorer.title
        assert explorer.message == ""


def test_a_run_diverged_at_every_eta_says_so():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = RaceExplorer({"saddle": Saddle()}, lrs=np.array([50.0, 100.0]), budgets=(5, 20))
        e.contenders.value = ("GD",)
        e.budget.value = 20
    assert "diverged at step" in e.board.get_text() and e.message == ""


def test_curves_stay_on_the_log_axis(explorer):
    explorer.picker.value = "saddle"
    explorer.budget.value = 60
    explorer.contenders.value = tuple(OPTIMIZERS)
    low, high = explorer.loss_ax.get_ylim()
    for curve in explorer.curves.values():
        y = curve.get_ydata()
        assert np.all(y >= FLOOR) and np.all(y <= high)


def test_race_animation_page_starts_with_its_first_frame():
    import matplotlib
    import pytest as _pytest
    from matplotlib.animation import FuncAnimation
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from helpers.plots.showdown import with_first_frame

    figure = Figure(figsize=(2, 2))
    FigureCanvasAgg(figure)
    (line,) = figure.add_subplot().plot([], [])
    animation = FuncAnimation(figure, lambda k: line.set_data([0, k], [0, k]), frames=3)
    with matplotlib.rc_context({"animation.frame_format": "jpeg"}):
        html = animation.to_jshtml()
    page = with_first_frame(html)
    start = page.index("<img id=")
    tag = page[start : page.index(">", start)]
    assert 'src="data:image/jpeg;base64,' in tag and "\\\n" not in tag  # frame 0, in one piece
    with _pytest.raises(ValueError, match="to_jshtml"):
        with_first_frame("<p>no animation</p>")


def test_race_legend_lists_only_the_chosen_optimizers():
    from helpers import Rosenbrock
    from helpers.explorers.showdown import RaceExplorer

    explorer = RaceExplorer(
        {"Rosenbrock": Rosenbrock()},
        lrs=np.geomspace(1e-4, 1e-2, 5),
        budgets=(10, 20),
        budget=20,
        optimizers=("GD", "Adam"),
    )
    labels = [t.get_text() for t in explorer._legend.get_texts()]
    assert labels == ["GD", "Adam"]
    explorer.contenders.value = ("momentum",)
    assert [t.get_text() for t in explorer._legend.get_texts()] == ["momentum"]
    explorer.contenders.value = ()
    assert explorer._legend is None and explorer.message == ""


def test_the_race_legend_of_all_seven_covers_neither_curves_nor_standings(explorer):
    """The legend sits under the standings, outside the loss panel (in it, seven entries
    covered the Rastrigin curves), and off the standings' text."""
    explorer.contenders.value = tuple(explorer.contenders.options)
    explorer.render()
    renderer = explorer.canvas.get_renderer()
    legend = explorer._legend.get_window_extent(renderer)
    assert len(explorer._legend.get_texts()) == 7
    assert not legend.overlaps(explorer.loss_ax.get_window_extent(renderer))
    assert not legend.overlaps(explorer.board.get_window_extent(renderer))
    assert legend.x1 <= explorer.figure.bbox.x1 and legend.y0 >= 0


def test_multi_seed_figures_draw_every_optimizer():
    from helpers.showdown import Tuning

    lrs = np.geomspace(1e-3, 1, 5)
    gaps = np.array([[1.0, 2.0], [0.1, 0.3], [0.01, 0.02], [np.inf, 0.5], [np.inf, np.inf]])
    accuracy = np.array([[0.5, 0.6], [0.8, 0.9], [0.99, 0.98], [0.7, 0.6], [0.5, 0.5]])
    t = Tuning(lrs, gaps, np.stack([gaps * 2, gaps]), 0, accuracy)
    by = {name: t for name in OPTIMIZERS}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a diverged point leaves a gap, never a warning
        figure = figures.sensitivity_seeds({f: by for f in OBJECTIVES})
        assert len(figure.legends[0].get_texts()) == len(OPTIMIZERS)
        assert figure._repr_png_()[:4] == b"\x89PNG"
        assert figures.network_tuning(by)._repr_png_()[:4] == b"\x89PNG"
        seconds = dict.fromkeys(OPTIMIZERS, 0.01)
        assert figures.training_curves_seeds(by, seconds)._repr_png_()[:4] == b"\x89PNG"


def test_the_optimizers_are_toggle_buttons_and_a_click_races_them(explorer):
    from helpers.engine import ToggleSet

    assert isinstance(explorer.contenders, ToggleSet)
    explorer.contenders.value = ("GD",)
    explorer.contenders.buttons["Adam"].value = True  # a click
    assert explorer.contenders.value == ("GD", "Adam")
    assert explorer.curves["Adam"].get_visible() and not explorer.curves["momentum"].get_visible()
    explorer.contenders.buttons["GD"].value = False
    assert explorer.contenders.value == ("Adam",) and explorer.message == ""
    styles = {o: b.button_style for o, b in explorer.contenders.buttons.items()}
    assert styles["Adam"] == "info" and styles["GD"] == ""  # on and off tell apart on a projector
    with pytest.raises(ValueError, match="not among"):
        explorer.contenders.value = ("SGD",)
    explorer.contenders.value = ("GD", "momentum", "Adam")


def test_classroom_race_panels_fill_the_screen(monkeypatch):
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = RaceExplorer(OBJECTIVES, lrs=LRS, budgets=(5, 20, 60), budget=20)
    assert e.screen_size == (1100, 430)  # was 280 px tall under a seven-row list
    renderer = e.canvas.get_renderer()
    panels = [e.loss_ax, e.maps[e.picker.value]]
    for ax in panels:
        box = ax.get_window_extent(renderer)
        assert box.height / e.display.density >= 250 and box.width / e.display.density >= 230
    board = [row.get_window_extent(renderer) for row in e.rows if row.get_text()]
    for ax in panels:  # the standings beside the panels, never on them
        tight = ax.get_tightbbox(renderer)
        assert not any(tight.overlaps(row) for row in board)
