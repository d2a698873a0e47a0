"""Notebook 02's explorer and figures: drive every control, read back what the figure shows."""

import io

import numpy as np
import pytest
from PIL import Image
from sliders import sweep

from helpers import SGD, Himmelblau, LinearRegression, Quadratic, run, theory
from helpers.data import linear_data
from helpers.explorers.descent import BEST, SLIDER, ConditioningExplorer
from helpers.plots import StaticFigure
from helpers.plots import descent as figures


@pytest.fixture
def explorer():
    return ConditioningExplorer(lr=0.3, condition_number=20, angle=30)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def expected_runs(kappa, angle, lr, x0, steps, L=4.0):
    q = Quadratic(kappa, angle, L=L)
    best_lr, _ = theory.gd_optimal(q.mu, q.L)
    return run(SGD(lr=lr), q, x0, steps), run(SGD(lr=best_lr), q, x0, steps)


def drawn(line):
    x, y = line.get_data()
    return np.c_[x, y]


# -- the explorer ------------------------------------------------------------------------------
def test_conditioning_explorer_draws_the_runs_it_reports(strict, explorer):
    x0 = np.array([explorer.x0.value, explorer.y0.value])
    steps = explorer.steps.value
    slider_run, best_run = expected_runs(20, 30, 0.3, x0, steps)
    np.testing.assert_allclose(drawn(explorer.paths[SLIDER]), slider_run.path)
    np.testing.assert_allclose(drawn(explorer.paths[BEST]), best_run.path)
    assert explorer.title.startswith(f"{steps} steps · slider η: f − f_min = ")
    # it opens where the faster rate has also reached the lower loss, as notebook 02 says
    assert best_run.losses[-1] < slider_run.losses[-1]
    rate = theory.gd_rate(0.3, [0.2, 4.0]).max()  # μ = L/κ = 0.2
    assert f"{rate:.3g} at slider η" in explorer.rates.get_text()
    assert f"{19 / 21:.3g} at η* = {2 / 4.2:.3g}" in explorer.rates.get_text()
    assert explorer.image.value[:4] == b"\x89PNG"


def test_kappa_and_rotation_swap_the_quadratic(strict, explorer):
    explorer.kappa.value = 50.0
    explorer.angle.value = -45
    q = explorer.objective
    assert (q.condition_number, q.angle, q.L) == (50.0, -45.0, 4.0)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian), [4 / 50, 4])
    x0 = np.array([explorer.x0.value, explorer.y0.value])
    _, best_run = expected_runs(50, -45, 0.3, x0, explorer.steps.value)
    np.testing.assert_allclose(drawn(explorer.paths[BEST]), best_run.path)
    assert f"{49 / 51:.3g} at η* = {2 / (4 / 50 + 4):.3g}" in explorer.rates.get_text()


def test_the_contours_follow_kappa(explorer):
    """The drawn contour lines are ellipses whose axis ratio is √κ."""

    def axis_ratio():
        lines = explorer.ax.collections[-1]  # the contour lines (draw_contours draws them last)
        path = max(lines.get_paths(), key=lambda p: len(p.vertices))
        points = path.vertices - explorer.objective.center
        eigen = points @ explorer.objective.eigenvectors  # coordinates along (flat, steep)
        return np.ptp(eigen[:, 0]) / np.ptp(eigen[:, 1])

    for kappa in (1.0, 4.0, 25.0):
        explorer.kappa.value = kappa
        ratio = axis_ratio()
        if kappa < 25:  # at κ = 25 the widest closed ellipse is clipped by the plot bounds
            assert ratio == pytest.approx(np.sqrt(kappa), rel=0.05), (kappa, ratio)
    assert ratio > 3  # elongated along the flat direction


def test_every_control_over_its_whole_range(strict, explorer):
    lr = explorer.named_controls["lr"]
    for value in sweep(lr):
        lr.value = value
        assert explorer.message == "", explorer.message
        assert "at slider η" in explorer.rates.get_text()
    lr.value = 0.3
    for kappa in sweep(explorer.kappa):
        explorer.kappa.value = kappa
        assert explorer.message == ""
        assert explorer.objective.condition_number == pytest.approx(explorer.kappa.value)
        best_rate = (explorer.kappa.value - 1) / (explorer.kappa.value + 1)
        assert f"{best_rate:.3g} at η*" in explorer.rates.get_text()
    for angle in sweep(explorer.angle, n=13):
        explorer.angle.value = int(angle)
        assert explorer.message == ""
        assert explorer.objective.angle == angle
    for steps in sweep(explorer.steps, n=8):
        explorer.steps.value = int(steps)
        assert explorer.message == ""
        assert len(explorer.curves[BEST].get_data()[0]) == int(steps) + 1
        assert explorer.loss_ax.get_xlim()[1] >= int(steps)  # the whole run is on the axis
    explorer.steps.value = 50
    for slider in (explorer.x0, explorer.y0):
        for value in sweep(slider, n=7):
            slider.value = value
            assert explorer.message == ""
            start = explorer.paths[SLIDER].get_data()
            assert (start[0][0], start[1][0]) == (explorer.x0.value, explorer.y0.value)


def test_the_start_point_stays_when_the_quadratic_changes(explorer):
    explorer.x0.value, explorer.y0.value = 1.0, -2.0
    explorer.kappa.value = 80.0
    assert (explorer.x0.value, explorer.y0.value) == (1.0, -2.0)
    np.testing.assert_allclose(explorer.results[SLIDER].path[0], [1.0, -2.0])


def test_largest_learning_rate_says_diverged(strict, explorer):
    lr = explorer.named_controls["lr"]
    lr.value = lr.options[-1]
    assert lr.value > theory.gd_threshold(4.0)
    assert "slider η: diverged at step" in explorer.title
    assert explorer.status.get_visible()
    assert "slider η diverged at step" in explorer.status.get_text()
    assert explorer.message == ""
    assert "best η*: f − f_min" in explorer.title  # the reference run still converges


@pytest.mark.parametrize("kappa", [2.0, 10.0, 60.0])
def test_best_run_shrinks_by_the_theoretical_rate(explorer, kappa):
    explorer.kappa.value = kappa
    assert explorer.measured_rate(BEST) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-6)


def test_fast_render_equals_a_full_redraw_after_every_kind_of_change(explorer):
    """Each control redraws only part of the background; the picture must still be right."""
    for control, value in (
        (explorer.kappa, 63.0),
        (explorer.angle, -60),
        (explorer.steps, 340),  # a new step axis: the loss panel is redrawn
        (explorer.named_controls["lr"], 0.05),
        (explorer.x0, 2.0),
    ):
        control.value = value
        fast, full = pixels(explorer.image.value), pixels(explorer.render_full())
        assert fast.shape == full.shape
        assert np.mean(np.abs(fast - full)) < 1.5, control.description


def test_the_picture_changes_with_kappa(explorer):
    before = pixels(explorer.image.value)
    explorer.kappa.value = 90.0
    changed = np.any(pixels(explorer.image.value) != before, axis=-1)
    height, width = changed.shape
    assert changed[:, : width // 2].mean() > 0.05  # the contour panel was redrawn


# -- the static figures ----------------------------------------------------------------------
def is_png(figure) -> bool:
    return isinstance(figure, StaticFigure) and figure._repr_png_()[:4] == b"\x89PNG"


def test_gradient_arrows_point_along_the_gradient():
    bowl, himmelblau = Quadratic(4, angle=30, L=4), Himmelblau()
    figure = figures.gradient_arrows([bowl, himmelblau], arrows=9)
    assert is_png(figure)
    for ax, objective in zip(figure.axes[:2], (bowl, himmelblau), strict=True):
        quiver = [c for c in ax.collections if hasattr(c, "U")][0]
        points = quiver.get_offsets()
        g = objective.grad(points)
        expected = g / np.linalg.norm(g, axis=-1, keepdims=True)
        np.testing.assert_allclose(np.c_[quiver.U, quiver.V], expected, atol=1e-12)
        assert len(points) >= 80  # a grid, minus any stationary point


def test_directional_derivative_figure_marks_the_gradient():
    angles = np.linspace(-np.pi, np.pi, 360, endpoint=False)
    g = np.array([3.0, 4.0])
    slopes = np.cos(angles) * 3 + np.sin(angles) * 4
    figure = figures.directional_derivatives(angles, slopes, g, where="test")
    assert is_png(figure)
    ax = figure.axes[0]
    vertical = [line for line in ax.lines if line.get_label() == r"direction of $\nabla f$"]
    assert vertical[0].get_xdata()[0] == pytest.approx(np.rad2deg(np.arctan2(4, 3)))
    peak = [line for line in ax.lines if line.get_label() == r"$|\nabla f|$"]
    assert peak[0].get_ydata()[0] == pytest.approx(5.0)


def test_learning_rate_sweep_draws_the_thresholds_and_the_divergent_runs():
    L, mu = 4.0, 1.0
    lrs = np.geomspace(0.01, 3, 60) / L
    distance = np.abs(1 - lrs * L) ** 50 * 2.5
    distance[lrs > 0.6] = np.nan  # diverged
    figure = figures.learning_rate_sweep(lrs, distance, 2.5, L, mu, 50, {"fast": 0.25})
    assert is_png(figure)
    ax = figure.axes[0]
    verticals = sorted(  # axvline: two points at the same x
        line.get_xdata()[0]
        for line in ax.lines
        if len(line.get_xdata()) == 2 and len(set(line.get_xdata())) == 1
    )
    np.testing.assert_allclose(verticals, [1 / L, 2 / (mu + L), 2 / L])
    crosses = [line for line in ax.lines if line.get_label().startswith("diverged within")]
    assert len(crosses[0].get_xdata()) == np.isnan(distance).sum()
    texts = {t.get_text() for t in ax.texts}
    assert {"crawl", "fast", "oscillate", "diverge"} <= texts


def test_regime_runs_and_eigen_errors_draw_their_data():
    bowl = Quadratic(4, angle=30, L=4)
    result = run(SGD(lr=np.array([0.1, 0.6])), bowl, np.tile(bowl.x0, (2, 1)), 50)
    figure = figures.regime_runs(bowl, {"a": result.path[:, 0], "b": result.path[:, 1]})
    assert is_png(figure)
    finite = result.path[:, 1][np.all(np.isfinite(result.path[:, 1]), axis=-1)]
    path_line = [line for line in figure.axes[1].lines if len(line.get_xdata()) > 1][0]
    np.testing.assert_allclose(drawn(path_line), finite)  # the diverged tail is left out

    measured = np.c_[0.84 ** np.arange(31), 0.6 ** np.arange(31)]
    figure = figures.eigen_errors(measured, measured, np.array([0.4, 4.0]), 0.4)
    assert is_png(figure)
    np.testing.assert_allclose(figure.axes[0].lines[0].get_ydata(), measured[:, 0])


def test_regression_figure_shows_the_paths_and_gaps():
    data = linear_data()
    regression = LinearRegression(data.x, data.y)
    gd = run(SGD(lr=0.5), regression, np.zeros(2), 100)
    figure = figures.regression_descent(
        regression, {"GD": gd.path}, {"GD": gd.losses - regression.min_value}
    )
    assert is_png(figure)
    paths, losses = figure.axes
    gd_line = [line for line in paths.lines if line.get_label() == "GD"][0]
    np.testing.assert_allclose(drawn(gd_line), gd.path)
    np.testing.assert_allclose(losses.lines[0].get_ydata(), gd.losses - regression.min_value)
