"""Notebook 05's explorers, driven from Python: every control over its whole range, and the
figure shows what the helpers compute."""

import numpy as np
import pytest
from sliders import shows_a_picture, sweep

from helpers import SGD, Quadratic, Rosenbrock, run, theory
from helpers.explorers.momentum import (
    EMAExplorer,
    NesterovExplorer,
    RateMapExplorer,
    heavy_ball_explorer,
    nonconvex_explorer,
)
from helpers.optimizers.conventions import sutskever_view
from helpers.runner import measured_rate
from helpers.theory import ema, ema_weights, rate_map


# -- the moving average ------------------------------------------------------------------------
def test_ema_is_the_weighted_sum_and_the_weights_sum_to_one_minus_beta_to_the_n():
    x = np.random.default_rng(1).normal(size=30)
    for beta in (0.0, 0.5, 0.9, 0.999):
        weights = ema_weights(beta, 30)
        assert np.isclose(weights.sum(), 1 - beta**30)
        assert np.isclose(ema(x, beta)[-1], np.sum(weights * x[::-1]))


def test_ema_explorer_every_beta(strict):
    explorer = EMAExplorer()
    assert shows_a_picture(explorer)
    for beta in sweep(explorer.beta):
        explorer.beta.value = beta
        assert explorer.message == "", explorer.message
        t, average = explorer.average.get_data()
        np.testing.assert_allclose(average, ema(explorer.signal, beta))
        np.testing.assert_allclose(
            explorer.bars.get_data().values, np.maximum(ema_weights(beta, 200), 1e-5)
        )
        window = 1 / (1 - beta)
        assert explorer.window.get_xdata()[0] == pytest.approx(window - 0.5)
        assert explorer.title.startswith(f"β = {beta:g}: window 1/(1−β) = {window:.4g}")
    explorer.beta.value = 0.0
    np.testing.assert_allclose(explorer.average.get_data()[1], explorer.signal)  # m_t = x_t
    assert "= 1 step ·" in explorer.title and "1 − β²⁰⁰ = 1" in explorer.title  # 1 − 0^200
    explorer.beta.value = 0.9
    assert "= 10 steps ·" in explorer.title
    assert "1 − β²⁰⁰ ≈ 1" in explorer.title  # 1 − 7e-10: not "= 1"
    explorer.beta.value = 0.5
    assert "1 − β²⁰⁰ ≈ 1" in explorer.title  # (1.0 in floating point, all the same)


# -- heavy ball against GD ---------------------------------------------------------------------
def test_heavy_ball_explorer_draws_both_runs_and_every_control(strict):
    explorer = heavy_ball_explorer()
    assert shows_a_picture(explorer)
    controls = explorer.named_controls
    q = explorer.objective
    expected = run(SGD(lr=0.5, momentum=controls["beta"].value), q, q.x0, 60)
    np.testing.assert_allclose(
        np.column_stack(explorer.paths["heavy ball"].get_data()), expected.path
    )
    for name in ("gd_lr", "lr", "beta"):
        for value in sweep(controls[name], n=9):
            controls[name].value = value
            assert explorer.message == "", (name, value, explorer.message)
            assert "GD" in explorer.title and "heavy ball" in explorer.title
    for slider in (explorer.steps, explorer.x0, explorer.y0):
        for value in sweep(slider, n=4):
            slider.value = type(slider.value)(value)
            assert explorer.message == ""


def test_heavy_ball_explorer_largest_learning_rates_say_diverged(strict):
    explorer = heavy_ball_explorer()
    controls = explorer.named_controls
    controls["gd_lr"].value = controls["gd_lr"].options[-1]
    controls["lr"].value = controls["lr"].options[-1]  # 4 > 2(1 + β)/L for every β < 1
    assert "GD: diverged at step" in explorer.title
    assert "heavy ball: diverged at step" in explorer.title
    assert explorer.status.get_visible()


def test_a_diverging_run_says_when_its_curve_leaves_the_loss_chart():
    # GD at η = 2.5 overflows at step 36, but its curve leaves the loss panel at step 7
    explorer = heavy_ball_explorer()
    explorer.named_controls["gd_lr"].value = 2.5
    explorer.render()
    steps, gap = explorer.curves["GD"].get_data()
    top = explorer.loss_ax.get_ylim()[1]
    last_inside = steps[gap <= top].max()  # as drawn: the last point inside the panel
    diverged_at = int(explorer.results["GD"].diverged_at)
    assert last_inside + 1 < diverged_at
    says = f"GD: diverged at step {diverged_at} (off the chart from step {last_inside + 1})"
    assert says in explorer.title
    assert f"GD diverged at step {diverged_at}" in explorer.status.get_text()
    explorer.named_controls["gd_lr"].value = 1.9  # converges: no note
    assert "off the chart" not in explorer.title


# -- Nesterov ------------------------------------------------------------------------------------
def test_sutskever_view_turns_pytorch_nesterov_into_theta_and_lookahead():
    q = Quadratic(20, angle=30)
    lr, beta = 0.5, 0.9
    result = run(SGD(lr=lr, momentum=beta, nesterov=True), q, q.x0, 20)
    theta, velocity, lookahead = sutskever_view(result, lr, beta, nesterov=True)
    # Sutskever's own recursion from the converted state
    for t in range(20):
        v_next = beta * velocity[t] - lr * q.grad(theta[t] + beta * velocity[t])
        np.testing.assert_allclose(velocity[t + 1], v_next, atol=1e-12)
        np.testing.assert_allclose(theta[t + 1], theta[t] + v_next, atol=1e-12)
    np.testing.assert_allclose(lookahead, result.path)


def test_nesterov_explorer_draws_the_lookahead_and_its_gradient(strict):
    explorer = NesterovExplorer(lr=0.5, beta=0.9)
    assert shows_a_picture(explorer)
    beta = explorer.beta.value
    explorer.stepper.play.value = 5
    q = explorer.objective
    nag = run(SGD(lr=0.5, momentum=beta, nesterov=True), q, q.x0, explorer.steps.value)
    theta, velocity, lookahead = sutskever_view(nag, 0.5, beta, nesterov=True)
    path, here, step, marker, arrows, curve, status = explorer.artists["Nesterov"]
    np.testing.assert_allclose(marker.get_xydata()[0], lookahead[5])
    np.testing.assert_allclose(arrows.get_offsets(), [theta[5], lookahead[5]])
    np.testing.assert_allclose(arrows.U, [beta * velocity[5][0], -0.5 * q.grad(lookahead[5])[0]])
    np.testing.assert_allclose(arrows.V, [beta * velocity[5][1], -0.5 * q.grad(lookahead[5])[1]])
    np.testing.assert_allclose(step.get_xydata()[1], theta[6])
    # heavy ball: both arrows leave θ_t, the gradient is taken there
    hb = run(SGD(lr=0.5, momentum=beta), q, q.x0, explorer.steps.value)
    path, here, step, marker, arrows, curve, status = explorer.artists["heavy ball"]
    np.testing.assert_allclose(arrows.get_offsets(), [hb.path[5], hb.path[5]])
    np.testing.assert_allclose(arrows.U[1], -0.5 * q.grad(hb.path[5])[0])
    assert not marker.get_visible()
    assert explorer.title.startswith(f"η = 0.5, β = {beta:g}, step 5 of 30")


def test_nesterov_explorer_every_control_over_its_whole_range(strict):
    explorer = NesterovExplorer()
    for name in explorer.objectives:
        explorer.picker.value = name
        assert explorer.message == "", (name, explorer.message)
        for lr in sweep(explorer.lr, n=7):
            explorer.lr.value = lr
            assert explorer.message == "", (name, lr, explorer.message)
        for beta in sweep(explorer.beta)[::3]:
            explorer.beta.value = beta
            assert explorer.message == "", (name, beta, explorer.message)
    explorer.picker.value = "quadratic (κ = 20)"
    explorer.lr.value = 0.3
    explorer.beta.value = 0.0  # both are plain GD then, with no velocity
    explorer.stepper.play.value = 3
    hb, nag = explorer.artists["heavy ball"][0], explorer.artists["Nesterov"][0]
    np.testing.assert_allclose(hb.get_xydata(), nag.get_xydata())
    for steps in sweep(explorer.steps, n=5):
        explorer.steps.value = int(steps)
        assert explorer.stepper.play.max == int(steps) and explorer.message == ""
    for value in range(0, explorer.stepper.play.max + 1, 17):
        explorer.stepper.play.value = value
        assert explorer.message == "" and f"step {value} of" in explorer.title
    explorer.stepper.play.value = explorer.stepper.play.max  # the last step: no next arrow
    assert not explorer.artists["Nesterov"][4].get_visible()


def test_nesterov_explorer_largest_learning_rate_says_diverged(strict):
    explorer = NesterovExplorer()
    explorer.lr.value = explorer.lr.options[-1]
    explorer.steps.value = explorer.steps.max
    explorer.stepper.play.value = explorer.stepper.play.max
    assert "heavy ball: diverged at step" in explorer.title
    assert "Nesterov: diverged at step" in explorer.title
    assert explorer.artists["Nesterov"][6].get_visible()  # the status in the panel
    assert explorer.message == ""


# -- the rate map --------------------------------------------------------------------------------
def test_rate_map_matches_the_theory_pixel_by_pixel():
    lrs, betas = np.linspace(0, 4.2, 200), np.linspace(0, 1, 100)
    rates = rate_map(lrs, betas, [0.01, 1.0])
    assert rates.shape == (200, 100)
    i, j = 37, 61
    expected = max(theory.momentum_rate(lrs[i], betas[j], lam) for lam in (0.01, 1.0))
    assert rates[i, j] == pytest.approx(expected)


def test_measured_rate_recovers_the_map_on_real_runs():
    q = Quadratic(100, angle=20)
    for lr, beta in ((1.0, 0.73), (2.0, 0.5), (0.5, 0.9)):
        distance = np.linalg.norm(run(SGD(lr=lr, momentum=beta), q, q.x0, 300).path, axis=-1)
        predicted = theory.momentum_rate(lr, beta, q.eigenvalues).max()
        assert measured_rate(distance) == pytest.approx(predicted, rel=0.02)


def test_rate_map_explorer_marker_path_and_optimum_follow_the_controls(strict):
    explorer = RateMapExplorer(condition_number=100, lr=1.0, beta=0.73)
    assert shows_a_picture(explorer)
    before = explorer.image.value
    explorer.lr.value = 1.5
    assert explorer.image.value != before  # the widget's picture follows the slider
    explorer.lr.value = 1.0
    beta = explorer.beta.value
    assert tuple(explorer.marker.get_xydata()[0]) == pytest.approx((1.0, beta))
    lr_star, beta_star, rate_star = theory.momentum_optimal(0.01, 1.0)
    assert tuple(explorer.best.get_xydata()[0]) == pytest.approx((lr_star, beta_star))
    shown = explorer.map_image.get_array()
    assert shown.shape == (200, 400)
    np.testing.assert_allclose(shown.mask, (explorer.rates > 1 + 1e-12).T)
    assert not shown.mask[:, 0].any()  # η = 0: rate exactly 1, no progress, but no divergence
    expected = run(SGD(lr=1.0, momentum=beta), explorer.objective, explorer.objective.x0, 150)
    np.testing.assert_allclose(np.column_stack(explorer.path.get_data()), expected.path)
    rate = theory.momentum_rate(1.0, beta, [0.01, 1.0]).max()
    assert f"rate {rate:.3f} from the map, measured {rate:.3f}" in explorer.title
    assert f"rate {rate_star:.3f}" in explorer.title


def test_rate_map_explorer_every_control_over_its_whole_range(strict):
    explorer = RateMapExplorer()
    for kappa in sweep(explorer.kappa, n=13):
        explorer.kappa.value = kappa
        assert explorer.message == "", (kappa, explorer.message)
        q = explorer.objective
        assert q.condition_number == pytest.approx(kappa)
        lr_star, beta_star, _ = theory.momentum_optimal(q.mu, q.L)
        assert tuple(explorer.best.get_xydata()[0]) == pytest.approx((lr_star, beta_star))
    for lr in sweep(explorer.lr, n=15):
        explorer.lr.value = lr
        assert explorer.message == ""
        assert explorer.marker.get_xydata()[0][0] == pytest.approx(lr)
    for beta in sweep(explorer.beta):
        explorer.beta.value = beta
        assert explorer.message == ""
        assert explorer.marker.get_xydata()[0][1] == pytest.approx(beta)


def test_rate_map_explorer_largest_learning_rate_says_diverged(strict):
    explorer = RateMapExplorer()
    explorer.lr.value = explorer.lr.max  # 4.2 > 2(1 + β)/L for every β
    assert "diverged at step" in explorer.title
    assert explorer.status.get_visible() and "diverged at step" in explorer.status.get_text()
    assert explorer.message == ""


def test_nonconvex_explorer_every_control_and_divergence(strict):
    explorer = nonconvex_explorer()
    assert shows_a_picture(explorer)
    for name in explorer.objectives:
        explorer.picker.value = name
        for lr in sweep(explorer.named_controls["lr"], n=6):
            explorer.named_controls["lr"].value = lr
            assert explorer.message == "", (name, lr, explorer.message)
        for beta in sweep(explorer.named_controls["beta"])[::5]:
            explorer.named_controls["beta"].value = beta
            assert explorer.message == ""
    explorer.picker.value = "Rosenbrock"
    explorer.named_controls["lr"].value = explorer.named_controls["lr"].options[-1]
    assert "GD: diverged at step" in explorer.title


def test_nonconvex_explorer_shows_momentum_going_further():
    explorer = nonconvex_explorer(lr=1e-3, beta=0.9)
    r = Rosenbrock()
    gd = run(SGD(lr=1e-3), r, r.x0, 500)
    ball = run(SGD(lr=1e-3, momentum=explorer.named_controls["beta"].value), r, r.x0, 500)
    assert ball.losses[-1] < gd.losses[-1] / 100
    np.testing.assert_allclose(explorer.curves["GD"].get_data()[1][-1], gd.losses[-1])


def test_rate_map_layers_give_the_same_picture_as_a_full_redraw():
    """The cached κ layer (map, contours, optimum) must look exactly like drawing it all."""
    import io

    from PIL import Image

    explorer = RateMapExplorer()
    for kappa, lr in ((1000.0, 2.0), (3.0, 0.5)):
        explorer.kappa.value = kappa
        explorer.lr.value = lr
        fast = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"), dtype=int)
        full = np.asarray(Image.open(io.BytesIO(explorer.render_full())).convert("RGB"), dtype=int)
        assert fast.shape == full.shape
        assert np.mean(np.abs(fast - full)) < 0.5


def test_rate_map_dashed_line_is_the_start_distance_times_the_rate_to_the_t(strict):
    """The dashed 'rateᵗ' line against an independent rate: the spectral radius of heavy ball's
    2×2 iteration matrix on each eigen-direction, from numpy's eigenvalues."""
    explorer = RateMapExplorer(condition_number=100, lr=1.0, beta=0.73)
    lr, beta = explorer.lr.value, explorer.beta.value
    q = explorer.objective
    radius = max(
        np.abs(np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1.0, 0.0]])).max()
        for lam in q.eigenvalues
    )
    t, shown = explorer.predicted.get_data()
    d0 = np.linalg.norm(q.x0 - q.center)
    np.testing.assert_allclose(t, np.arange(explorer.n_steps + 1))
    np.testing.assert_allclose(shown, d0 * radius ** np.asarray(t), rtol=1e-9)


def test_ema_explorer_title_and_window_stay_on_the_picture_at_every_beta():
    from helpers.explorers.momentum import EMAExplorer

    explorer = EMAExplorer(beta=0.9)
    renderer = explorer.canvas.get_renderer()
    width = explorer.figure.bbox.width
    for beta in explorer.beta.options:
        explorer.beta.value = beta
        box = explorer._title.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width, (beta, explorer.title)  # not clipped
        window = 1 / (1 - beta)
        if window - 0.5 < 200:
            assert explorer.window.get_visible()
        else:  # off the axis: no line, but the text says where the window is
            assert not explorer.window.get_visible()
            assert "beyond the 200" in explorer.window_text.get_text()
        text = explorer.window_text.get_window_extent(renderer)
        assert text.x1 <= width


def test_rate_map_best_gd_square_shows_around_the_star_at_kappa_one():
    explorer = RateMapExplorer(condition_number=1.0)
    star, square = explorer.best.get_xydata()[0], explorer.best_gd.get_xydata()[0]
    np.testing.assert_allclose(star, square, atol=1e-12)  # κ = 1: the same point
    assert explorer.best_gd.get_markersize() < explorer.best.get_markersize()  # (star is spiky)
    assert explorer.best_gd.get_markersize() > 0.8 * explorer.best.get_markersize()
    layer = explorer._layers["κ map"]
    assert layer.index(explorer.best_gd) < layer.index(explorer.best)  # the star on top


def test_rate_map_in_classroom_mode_legend_in_one_row_and_room_for_the_run(monkeypatch):
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    explorer = RateMapExplorer(condition_number=100, lr=1.0, beta=0.73)
    explorer.render()
    renderer = explorer.canvas.get_renderer()
    (legend,) = explorer.figure.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert "diverges" in labels  # what grey means, where no border can cover it
    boxes = [t.get_window_extent(renderer) for t in legend.get_texts()]
    middles = [(b.y0 + b.y1) / 2 for b in boxes]
    assert max(middles) - min(middles) < min(b.height for b in boxes) / 2, labels  # one row
    density = explorer.display.density
    assert explorer.ax.get_window_extent(renderer).width / density >= 170  # was 138 px
    explorer.lr.value = 3.8
    k = int(explorer.result.diverged_at)
    distance = explorer.distance.get_data()[1]
    off = int(np.flatnonzero(distance <= explorer.dist_ax.get_ylim()[1])[-1]) + 1
    assert off < k and f"diverged at step {k} (off the chart from step {off})" in explorer.title


def test_nesterov_loss_axis_fits_the_runs_of_each_function():
    # 16 fixed decades squeezed Rosenbrock's curves (between 1 and 30) into the top tenth
    from helpers.explorers.momentum import NesterovExplorer

    explorer = NesterovExplorer(lr=0.001)
    for function, lr in (("Rosenbrock", 0.001), ("quadratic (κ = 20)", 0.5)):
        explorer.picker.value, explorer.lr.value = function, lr
        explorer.stepper.play.value = explorer.steps.value  # the whole runs drawn
        low, high = explorer.loss_ax.get_ylim()
        gaps = np.concatenate([c.get_ydata() for c in explorer.loss_ax.get_lines()])
        gaps = gaps[np.isfinite(gaps)]
        assert low <= gaps.min() and gaps.max() <= high, function  # every point on the axis
        # (whole decades, half a decade of room at each end, at least three)
        span = np.log10(gaps.max() / gaps.min())
        assert np.log10(high / low) <= max(3, span + 3), function
    assert np.log10(high / low) > 6  # the quadratic's runs fall by many decades


@pytest.mark.parametrize("seed", range(5))
def test_ema_legend_covers_no_signal_dot(seed):
    from helpers.explorers.momentum import EMAExplorer

    explorer = EMAExplorer(seed=seed)
    explorer.render()
    ax = explorer.figure.axes[0]
    box = ax.get_legend().get_window_extent(explorer.canvas.get_renderer())
    x, y = ax.transData.transform(np.column_stack([explorer.t, explorer.signal])).T
    assert not np.any((box.x0 <= x) & (x <= box.x1) & (box.y0 <= y) & (y <= box.y1))


def test_picking_a_function_sets_an_eta_that_works_there():
    """Nesterov's explorer: the quadratic's η = 0.5 diverges at step 2 on Rosenbrock and Beale
    for both methods; picking either sets the η notebook 05 names (0.001), picking the
    quadratic again the one the explorer was made with. An η chosen after the pick stays."""
    from helpers.explorers.momentum import NesterovExplorer

    explorer = NesterovExplorer(lr=0.5, beta=0.9)
    for function in ("Rosenbrock", "Beale"):
        explorer.picker.value = function
        assert explorer.lr.value == 0.001 and "diverged" not in explorer.title, function
    explorer.lr.value = 0.002
    assert explorer.lr.value == 0.002 and explorer.picker.value == "Beale"
    explorer.picker.value = "quadratic (κ = 20)"
    assert explorer.lr.value == 0.5 and "diverged" not in explorer.title
