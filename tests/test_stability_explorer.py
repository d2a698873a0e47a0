"""EdgeOfStability (notebook 09) driven from Python: every slider over its whole range."""

import numpy as np
import pytest
from sliders import shows_a_picture, sweep

from helpers.explorers.stability import METHODS, EdgeOfStability
from helpers.stability import edge_runs


@pytest.fixture(scope="module")
def explorer():
    # A smaller grid than the notebook's (fewer steps), so the test trains in a second or two.
    gd = edge_runs("gd", (0.1, 0.14), (0.0, 0.5), (0, 1), steps=300, progress=False)
    adam = edge_runs("adam", (0.005, 0.01), (0.9,), (0, 1), steps=300, progress=False)
    return EdgeOfStability(gd, adam, lr=0.1)


def shown_run(explorer):
    runs = explorer.runs[explorer.key]
    return runs, explorer.run_index


def test_it_draws_the_chosen_run_and_its_border(strict, explorer):
    assert explorer.message == "" and shows_a_picture(explorer)
    runs, r = shown_run(explorer)
    steps, sharp = explorer.curve.get_data()
    np.testing.assert_array_equal(steps, runs.measured)
    np.testing.assert_allclose(sharp, runs.sharpness[:, r])
    assert explorer.border.get_ydata()[0] == pytest.approx(2 / 0.1)
    assert explorer.title.startswith("η = 0.1, β = 0, seed 0: within 10 % of 2/η = 20 from step")
    # what the title says is what the summary tested: the first measured step at which the
    # sharpness is within 10 % below the border (not necessarily over it)
    at = int(explorer.title.split("from step ")[1].split()[0])
    ratio = runs.sharpness[:, r] / runs.thresholds[r]
    first = runs.measured[np.argmax(ratio >= 0.9)]
    assert at == first and "reached" not in explorer.title
    assert "(rose at " in explorer.title and " of them)" in explorer.title
    _, loss = explorer.loss_curve.get_data()
    np.testing.assert_allclose(loss, runs.losses[:, r])


def test_every_control_over_its_whole_range(strict, explorer):
    for method in explorer.method.options:
        explorer.method.value = method
        key = METHODS[method]
        assert list(explorer.lr.options) == sorted(set(explorer.runs[key].lrs.tolist()))
        assert explorer.beta.disabled == (key == "adam")
        assert (explorer.beta.layout.visibility == "hidden") == (key == "adam")
        for lr in sweep(explorer.lr):
            explorer.lr.value = lr
            for beta in sweep(explorer.beta):
                explorer.beta.value = beta
                for seed in sweep(explorer.seed):
                    explorer.seed.value = seed
                    assert explorer.message == "", explorer.message
                    runs, r = shown_run(explorer)
                    assert runs.lrs[r] == lr and runs.seeds[r] == seed
                    border = explorer.border.get_ydata()[0]
                    assert border == pytest.approx(runs.thresholds[r])
                    top = explorer.sharp_ax.get_ylim()[1]
                    assert 1.6 * border * (1 - 1e-9) <= top <= 1.6 * 2 * border * (1 + 1e-9)
                    assert f"seed {seed}" in explorer.title
    explorer.method.value = explorer.method.options[0]


def test_the_borders_are_the_right_formulas(explorer):
    explorer.method.value = "gradient descent / heavy ball"
    explorer.lr.value, explorer.beta.value, explorer.seed.value = 0.14, 0.5, 0
    assert explorer.border.get_ydata()[0] == pytest.approx(2 * 1.5 / 0.14)
    assert explorer.gd_border.get_ydata()[0] == pytest.approx(2 / 0.14)
    assert "within 10 % of 2(1 + β)/η = 21.4 from step" in explorer.title
    explorer.method.value = "Adam (β₁ = 0.9)"
    explorer.lr.value = 0.01
    assert explorer.border.get_ydata()[0] == pytest.approx(38 / 0.01)
    assert "within 10 % of 38/η = 3,800 from step" in explorer.title
    assert np.isnan(explorer.gd_border.get_ydata()[0])  # Adam has no plain-GD border
    assert explorer.title.startswith("Adam, η = 0.01, seed 0:")
    explorer.method.value = "gradient descent / heavy ball"
    assert np.isfinite(explorer.gd_border.get_ydata()[0])


def test_a_run_that_never_got_to_its_border_says_so(strict):
    # 20 steps are too few for the sharpness to rise from about 4 to 2/η = 20.
    gd = edge_runs("gd", (0.1,), (0.0,), (0,), steps=20, every=5, progress=False)
    adam = edge_runs("adam", (0.01,), (0.9,), (0,), steps=20, every=5, progress=False)
    explorer = EdgeOfStability(gd, adam)
    assert "stayed below 2/η" in explorer.title
    assert np.isnan(explorer.reached.get_xdata()[0])


def test_the_sharpness_axis_fits_each_run_and_the_legend_sits_above_its_curve(explorer):
    # One axis per η grid left Adam at η = 0.01 (border 3800) in the bottom eighth of 0–30000,
    # and a legend at the lower right sat on the curve along the border
    renderer = explorer.canvas.get_renderer()
    for method in METHODS:
        explorer.method.value = method
        betas = [explorer.beta.value] if explorer.beta.disabled else explorer.beta.options
        for lr, beta in [(lr, beta) for lr in explorer.lr.options for beta in betas]:
            explorer.lr.value, explorer.beta.value = lr, beta
            explorer.render()
            runs, r = explorer.runs[explorer.key], explorer.run_index
            low, high = explorer.sharp_ax.get_ylim()
            assert high == pytest.approx(2 * runs.thresholds[r])  # the border halfway up
            box = explorer.sharp_ax.get_legend().get_window_extent(renderer)
            points = explorer.sharp_ax.transData.transform(
                np.column_stack(explorer.curve.get_data())
            )
            under = (box.x0 <= points[:, 0]) & (points[:, 0] <= box.x1) & (box.y0 <= points[:, 1])
            assert under.mean() < 0.02, (method, lr, under.mean())


def test_another_optimizer_is_drawn_once_at_the_middle_of_its_own_grid(explorer, monkeypatch):
    """Choosing Adam gives η its own stops: the picture is drawn once, for the middle stop
    (new options first moved the slider to their first stop, drawn too)."""
    names = list(METHODS)
    explorer.method.value = names[0]  # (the fixture is shared: start from gradient descent)
    drawn = []
    render = explorer.render
    monkeypatch.setattr(explorer, "render", lambda: drawn.append(explorer.lr.value) or render())
    try:
        explorer.method.value = names[1]
        assert drawn == [0.01] and explorer.lr.options == (0.005, 0.01)
        explorer.method.value = names[0]
        assert drawn == [0.01, 0.14] and explorer.lr.options == (0.1, 0.14)
        assert explorer.message == ""
    finally:
        explorer.method.value = names[0]
        explorer.lr.value = 0.1


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_adam_s_axis_says_it_is_the_preconditioned_sharpness(monkeypatch, classroom):
    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    gd = edge_runs("gd", (0.1,), (0.0,), (0,), steps=100, progress=False)
    adam = edge_runs("adam", (0.01,), (0.9,), (0,), steps=100, progress=False)
    explorer = EdgeOfStability(gd, adam, lr=0.1)
    legends = [*explorer.figure.legends, explorer.sharp_ax.get_legend()]
    texts = [t.get_text() for legend in legends if legend is not None for t in legend.texts]
    assert "P^{-1}H" not in explorer.sharp_ax.get_ylabel()
    explorer.method.value = list(METHODS)[1]
    assert "P^{-1}H" in explorer.sharp_ax.get_ylabel() and explorer.message == ""
    now = [t.get_text() for legend in legends if legend is not None for t in legend.texts]
    assert any("P⁻¹H" in t or "P^{-1}H" in t for t in now), now
    explorer.method.value = list(METHODS)[0]
    assert "P^{-1}H" not in explorer.sharp_ax.get_ylabel()
    assert [t.get_text() for legend in legends if legend is not None for t in legend.texts] == texts
