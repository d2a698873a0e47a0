"""The explorers of notebooks 03 and 04, driven from Python: set a control's value, read back
what the figure shows (artists' data, title, message)."""

import io
import math
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image
from sliders import batch_size_explorer, sweep

from helpers import SGD, LinearRegression, run
from helpers.data import linear_data
from helpers.engine import lr_slider
from helpers.explorers import ContourExplorer, Setup
from helpers.explorers.stochastic import (
    SCHEDULE_CHOICES,
    FairComparison,
    GradientCloud,
    NoiseBall,
)
from helpers.minibatch import (
    MinibatchGradient,
    gradient_noise,
    sample_order,
    sgd_minibatch,
    sgd_one_sample,
)
from helpers.plots.stochastic import window_means
from helpers.schedules import schedule
from helpers.theory import noise_ball


@pytest.fixture
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture(scope="module")
def loss():
    data = linear_data()
    return LinearRegression(data.x, data.y)


def png_pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


# -- the fast loops equal helpers.run ------------------------------------------------------------
@pytest.mark.parametrize("name", list(SCHEDULE_CHOICES))
def test_sgd_one_sample_makes_the_updates_run_makes(loss, name):
    runs, steps, lr = 6, 2100, 0.1  # three epochs started: the shuffles change twice
    _, params = SCHEDULE_CHOICES[name]
    lr_at = schedule(name, lr=lr, **params)
    expected = run(
        SGD(lr=lr),
        loss,
        np.zeros((runs, 2)),
        steps,
        gradient=MinibatchGradient(loss, 1, seed=4, runs=runs),
        lr_schedule=lr_at,
    )
    order = sample_order(MinibatchGradient(loss, 1, seed=4, runs=runs), steps)
    fast = sgd_one_sample(loss.x[order], loss.y[order], lr_at(np.arange(1, steps + 1)), [0, 0])
    np.testing.assert_allclose(fast, expected.path, rtol=1e-12, atol=1e-12)


def test_sgd_one_sample_marks_a_diverging_run_as_run_does(loss):
    runs, steps = 4, 300
    expected = run(
        SGD(lr=1.0),
        loss,
        np.zeros((runs, 2)),
        steps,
        gradient=MinibatchGradient(loss, 1, runs=runs),
    )
    order = sample_order(MinibatchGradient(loss, 1, runs=runs), steps)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = sgd_one_sample(loss.x[order], loss.y[order], np.full(steps, 1.0), np.zeros(2))
    assert expected.diverged.all()
    first_nan = np.argmax(np.isnan(fast[..., 0]), axis=0)
    np.testing.assert_array_equal(first_nan, expected.diverged_at)


def test_sample_order_is_for_one_sample_batches_only(loss):
    with pytest.raises(ValueError, match="batch_size=8"):
        sample_order(MinibatchGradient(loss, 8), 10)


@pytest.mark.parametrize("batch_size", [1, 7, 128, 1000])
def test_sgd_minibatch_makes_the_updates_run_makes(loss, batch_size):
    epochs = 3
    updates = epochs * math.ceil(loss.n / batch_size)
    expected = run(
        SGD(lr=0.05),
        loss,
        np.array([0.5, -1.0]),
        updates,
        gradient=MinibatchGradient(loss, batch_size, seed=2),
    )
    fast = sgd_minibatch(loss, batch_size, 0.05, epochs, seed=2, x0=[0.5, -1.0])
    np.testing.assert_allclose(fast, expected.path, rtol=1e-10, atol=1e-12)


def test_sgd_minibatch_diverges_into_nan_without_warnings(loss, strict):
    path = sgd_minibatch(loss, 1000, 1.0, 200)  # η = 1 > 2/L: full-batch GD blows up
    assert np.isnan(path[-1]).all() and np.isfinite(path[1]).all()


# -- GradientCloud -------------------------------------------------------------------------------
def test_cloud_shows_every_per_sample_gradient_and_their_mean(loss, strict):
    cloud = GradientCloud(loss, w=1.0, b=-0.5)
    theta = np.array([1.0, -0.5])
    np.testing.assert_allclose(cloud.dots.get_offsets(), loss.sample_grads(theta), atol=1e-12)
    full = loss.grad(theta)
    np.testing.assert_allclose(cloud.points.mean(axis=0), full, atol=1e-12)
    np.testing.assert_allclose(np.ravel(cloud.mean.get_data()), full)
    # (numbers are written with a real minus sign, as on the axes)
    assert f"({full[0]:.3g}, {full[1]:.3g})".replace("-", "−") in cloud.title
    assert cloud.image.value[:4] == b"\x89PNG"


def test_cloud_every_control_over_its_whole_range(loss, strict):
    cloud = GradientCloud(loss, batch_size=1)
    for B in cloud.batch_size.options:
        cloud.batch_size.value = B
        assert cloud.message == "", (B, cloud.message)
        assert len(cloud.dots.get_offsets()) == 1000
        for slider in (cloud.w, cloud.b):
            for value in sweep(slider, n=7):
                slider.value = value
                assert cloud.message == "", (B, value, cloud.message)
                theta = np.array([cloud.w.value, cloud.b.value])
                full = loss.grad(theta)
                said = f"∇L(θ) ({full[0]:.3g}, {full[1]:.3g})".replace("-", "−")
                assert said in cloud.title
                limit = cloud.gax.get_xlim()[1]
                assert np.percentile(np.abs(cloud.points), 99) <= limit  # the cloud fits


def test_cloud_of_whole_batches_collapses_onto_the_full_gradient(loss):
    cloud = GradientCloud(loss, w=2.0, b=1.0, batch_size=1000)
    np.testing.assert_allclose(cloud.points, np.tile(loss.grad([2.0, 1.0]), (1000, 1)), atol=1e-12)
    assert "spread 0," in cloud.title


def test_cloud_narrows_as_one_over_root_b(loss):
    cloud = GradientCloud(loss, batch_size=4)
    widths = {}
    for B in (4, 16, 64):
        cloud.batch_size.value = B
        widths[B] = np.sqrt(np.mean(np.sum((cloud.points - cloud.points.mean(0)) ** 2, axis=1)))
        expected = np.sqrt(np.trace(gradient_noise(loss, [0, 0])) / B * (1000 - B) / 999)
        assert widths[B] == pytest.approx(expected, rel=0.1)
    assert widths[16] / widths[4] == pytest.approx(0.5, rel=0.15)


def test_cloud_says_how_many_samples_agree(loss):
    cloud = GradientCloud(loss)
    assert cloud.agree == 1.0 and "100% within 90°" in cloud.title
    cloud.w.value, cloud.b.value = loss.minima[0]
    assert 0.3 < cloud.agree < 0.7


# -- NoiseBall -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ball(loss):
    return NoiseBall(loss, runs=20)


def test_noise_ball_draws_the_runs_that_run_makes(loss, strict):
    explorer = NoiseBall(loss, lr=0.2, schedule_name="1/t", seed=3, runs=5, epochs=1)
    expected = run(
        SGD(lr=0.2),
        loss,
        np.zeros((5, 2)),
        1000,
        gradient=MinibatchGradient(loss, 1, seed=3, runs=5),
        lr_schedule=schedule("1/t", lr=0.2, decay=1 / 300),
    )
    np.testing.assert_allclose(explorer.paths, expected.path, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(explorer.cloud.get_offsets(), expected.path[-1])
    x, y = explorer.path.get_data()
    np.testing.assert_allclose(np.c_[x, y], expected.path[:, 0])
    steps, mean_gap = explorer.mean_gap.get_data()
    np.testing.assert_allclose(mean_gap, (expected.losses[steps] - loss.min_value).mean(axis=1))
    assert explorer.title.startswith("step 1000 (epoch 1)")


def test_noise_ball_every_control_over_its_whole_range(ball, strict):
    for name in SCHEDULE_CHOICES:
        ball.schedule.value = name
        for lr in sweep(ball.lr, n=7):
            ball.lr.value = lr
            assert ball.message == "", (name, lr, ball.message)
            assert "step 3000 (epoch 3)" in ball.title
    ball.schedule.value, ball.lr.value = "constant", 0.1
    for seed in sweep(ball.seed, n=10):
        ball.seed.value = int(seed)
        assert ball.message == "" and "RMS distance" in ball.title
    for t in range(0, ball.stepper.play.max + 1, 250):
        ball.stepper.play.value = t
        assert ball.message == "" and ball.title.startswith(f"step {t} ")
        assert ball.mean_gap.get_data()[0][-1] <= t
    ball.seed.value = 0


def test_noise_ball_largest_learning_rate_says_diverged(ball, strict):
    ball.schedule.value = "constant"
    ball.stepper.play.value = ball.stepper.play.max
    ball.lr.value = ball.lr.options[-1]
    assert "diverged at step" in ball.title and ball.message == ""
    assert ball.status.get_visible() and "diverged at step" in ball.status.get_text()
    ball.lr.value = 0.1
    assert not ball.status.get_visible() and "diverged" not in ball.title


def test_step_play_reset_move_by_the_stride(ball):
    ball.lr.value = 0.1
    ball.stepper.reset.click()
    assert ball.stepper.value == 0
    np.testing.assert_allclose(ball.cloud.get_offsets(), np.zeros((20, 2)))  # all at the start
    ball.stepper.advance()
    ball.stepper.advance()
    assert ball.stepper.value == 2 * ball.stepper.stride == ball.stepper.play.step * 2
    assert ball.title.startswith(f"step {2 * ball.stepper.stride} (epoch 1)")
    ball.stepper.play.value = ball.stepper.play.max


def test_noise_ball_ellipse_follows_the_current_learning_rate(loss):
    explorer = NoiseBall(loss, lr=0.1, runs=10, epochs=1)
    x, y = explorer.ball.get_data()
    radius = np.hypot(x - loss.minima[0, 0], y - loss.minima[0, 1]).max()
    explorer.lr.value = 0.025
    x, y = explorer.ball.get_data()
    quarter = np.hypot(x - loss.minima[0, 0], y - loss.minima[0, 1]).max()
    assert quarter / radius == pytest.approx(0.5, rel=1e-6)  # C ∝ η: the radius ∝ √η
    largest = np.sqrt(np.linalg.eigvalsh(noise_ball(loss, 0.025)).max()) * 2.45
    assert quarter == pytest.approx(largest, rel=1e-3)


def test_decay_ends_closer_than_a_constant_rate(loss):
    explorer = NoiseBall(loss, lr=0.1, runs=30)
    constant = explorer.rms
    explorer.schedule.value = "1/t"
    assert explorer.rms < constant / 3
    assert "ηₜ = 0.00909" in explorer.title  # η / (1 + 2999/300)


def test_noise_ball_fast_render_equals_a_full_redraw(ball):
    ball.lr.value = 0.2
    fast, full = png_pixels(ball.image.value), png_pixels(ball.render_full())
    assert fast.shape == full.shape and np.mean(np.abs(fast - full)) < 1.0


# -- FairComparison ------------------------------------------------------------------------------
COST = {1: 2e-4, 8: 2.1e-4, 32: 2.2e-4, 128: 3e-4, 1000: 1e-3}


@pytest.fixture
def fair(loss):
    return FairComparison(loss, COST, lr=0.05, epochs=4)


def test_fair_comparison_draws_window_means_of_the_runs(loss, fair, strict):
    for B in (1, 128, 1000):
        updates = 4 * math.ceil(1000 / B)
        expected = run(
            SGD(lr=0.05), loss, loss.x0, updates, gradient=MinibatchGradient(loss, B, seed=0)
        )
        t, mean = window_means(expected.losses[1:] - loss.min_value)
        x, y = fair.curves[B].get_data()
        np.testing.assert_allclose(y, mean, rtol=1e-8)
        np.testing.assert_allclose(x, t / math.ceil(1000 / B))  # the epochs axis
    assert not fair.curves[8].get_visible()


@pytest.mark.parametrize(
    ("axis", "last_x"),
    [
        ("epochs", lambda B: 4.0),
        ("updates", lambda B: 4 * math.ceil(1000 / B)),
        ("samples seen", lambda B: 4000.0),
        ("seconds", lambda B: 4 * math.ceil(1000 / B) * COST[B]),
    ],
)
def test_fair_comparison_every_x_axis(fair, strict, axis, last_x):
    fair.x_axis.value = axis
    assert fair.message == ""
    assert fair.ax.get_xlabel().startswith(axis)
    for B in (1, 128, 1000):
        x, _ = fair.curves[B].get_data()
        assert x[-1] == pytest.approx(last_x(B))
        low, high = fair.ax.get_xlim()
        assert low <= x[0] and x[-1] <= high


def test_fair_comparison_samples_count_the_short_last_batch(fair):
    fair.x_axis.value = "samples seen"
    samples = fair.x_values(128, np.arange(1, 17))  # 2 epochs of 7 batches of 128 and one of 104
    np.testing.assert_array_equal(samples[:8], [128, 256, 384, 512, 640, 768, 896, 1000])
    assert samples[15] == 2000


def test_fair_comparison_every_control_over_its_whole_range(fair, strict):
    for axis in fair.x_axis.options:
        fair.x_axis.value = axis
        for lr in sweep(fair.lr, n=6):
            fair.lr.value = lr
            assert fair.message == "", (axis, lr, fair.message)
    for B, toggle in fair.toggles.items():
        toggle.value = not toggle.value
        assert fair.message == ""
        assert fair.curves[B].get_visible() == toggle.value
        assert (f"B = {B}:" in fair.title) == toggle.value
    for toggle in fair.toggles.values():
        toggle.value = False
    assert "choose a batch size" in fair.title


def test_fair_comparison_largest_learning_rate_says_diverged(fair, strict):
    fair.lr.value = fair.lr.options[-1]
    assert fair.message == ""
    assert fair.status.get_visible()
    assert "B = 1 diverged at update" in fair.status.get_text()
    assert "B = 1: diverged" in fair.title
    fair.lr.value = 0.05
    assert not fair.status.get_visible()


def test_fair_comparison_says_when_a_finite_run_leaves_the_chart(fair, strict):
    fair.lr.value = 1.0  # B = 1000 grows without overflowing in 4 updates
    gaps = fair._runs[(1000, 1.0)]
    assert np.isfinite(gaps).all()
    top = fair.ax.get_ylim()[1]
    first_off = int(np.flatnonzero(gaps > top)[0]) + 1  # gaps[0] is after update 1
    assert (gaps[first_off - 1 :] > top).all()
    assert f"B = 1000 left the chart at update {first_off}" in fair.status.get_text()
    fair.lr.value = 0.05
    assert "left the chart" not in fair.status.get_text()


def test_fair_comparison_fades_the_legend_entries_switched_off(fair):
    def alphas():
        legend = fair.ax.get_legend() or fair.figure.legends[0]
        return {t.get_text(): (t.get_alpha(), h.get_alpha())
                for t, h in zip(legend.texts, legend.legend_handles, strict=True)}  # fmt: skip

    assert alphas()["B = 8"] == (0.25, 0.25) and alphas()["B = 1"] == (1.0, 1.0)
    before = fair.image.value
    fair.toggles[8].value = True
    assert alphas()["B = 8"] == (1.0, 1.0) and fair.image.value != before


def test_fair_comparison_switching_axes_keeps_each_background(fair):
    first = fair.image.value
    fair.x_axis.value = "updates"
    assert fair.image.value != first
    fair.x_axis.value = "epochs"
    assert fair.image.value == first  # the kept background gives the same picture back
    full = png_pixels(fair.render_full())
    assert np.mean(np.abs(png_pixels(fair.image.value) - full)) < 1.0


# -- the ContourExplorer set-ups of notebooks 03 and 04 ------------------------------------------
def test_notebook_03_gd_and_sgd_explorer_over_every_control(loss, strict):
    def gd_and_sgd(lr, seed):
        one = Setup(SGD(lr=lr), MinibatchGradient(loss, batch_size=1, seed=seed))
        return {"gradient descent": SGD(lr=lr), "SGD, B = 1": one}

    seed = widgets.IntSlider(0, min=0, max=9, description="seed")
    explorer = ContourExplorer(loss, gd_and_sgd, lr=lr_slider(0.2, high=1.0), seed=seed, steps=200)
    paths = set()
    for value in range(10):
        seed.value = value
        assert explorer.message == ""
        paths.add(tuple(np.round(explorer.results["SGD, B = 1"].path[-1], 12)))
    assert len(paths) == 10  # every seed, its own shuffles
    lr = explorer.named_controls["lr"]
    for value in sweep(lr, n=9):
        lr.value = value
        assert explorer.message == ""
    assert "gradient descent: diverged at step" in explorer.title
    assert "SGD, B = 1: diverged at step" in explorer.title


def test_notebook_04_batch_size_explorer_over_every_control(loss, strict):
    explorer = batch_size_explorer(steps=50)
    B, lr = explorer.named_controls["B"], explorer.named_controls["lr"]
    for size in B.options:
        B.value = size
        assert explorer.message == "", (size, explorer.message)
        for value in sweep(lr, n=5):
            lr.value = value
            assert explorer.message == ""
        lr.value = 0.3
    B.value = 1000  # the whole data set: the mini-batch run is gradient descent's
    np.testing.assert_allclose(
        explorer.results["mini-batch SGD"].path, explorer.results["gradient descent (B = n)"].path
    )


def test_noise_ball_counts_the_runs_that_diverged(ball, strict):
    """When only some runs blow up, the figure says how many, and follows the others."""
    ball.schedule.value = "1/t"
    ball.stepper.play.value = ball.stepper.play.max
    ball.lr.value = 1.0
    gone = int(np.sum(ball.run_diverged_at >= 0))
    assert 0 < gone < len(ball.run_diverged_at), "this setting should split the runs"
    assert f"{gone} of {len(ball.run_diverged_at)} runs diverged at step" in ball.title
    assert np.isfinite(ball.rms) and np.all(np.isfinite(ball.mean_gap.get_data()[1]))


def test_noise_ball_counter_follows_its_picture(loss):
    """While playing, the step counter must not run ahead of the picture: the picture is sent
    first, then the counter, both for the same step."""
    from helpers.explorers.stochastic import NoiseBall

    ball = NoiseBall(loss, runs=20, epochs=1)
    sent = []
    ball.image.observe(lambda change: sent.append(("picture", ball.title)), names="value")
    ball.stepper.label.observe(lambda change: sent.append(("counter", change.new)), names="value")
    ball.stepper.play.value = 0
    ball.stepper.advance()
    assert [kind for kind, _ in sent][-2:] == ["picture", "counter"]
    step = ball.stepper.value
    assert sent[-1][1].startswith(f"step {step} /") and sent[-2][1].startswith(f"step {step} ")


def test_throughput_ceiling_holds_every_point_even_when_b1_was_timed_slow():
    from helpers.plots.stochastic import throughput_figure

    busy = {1: 500.0, 2: 1900.0, 4: 3900.0, 8: 7000.0}  # B = 1 timed while the machine was busy
    figure = throughput_figure({"model": busy})
    ax = figure.axes[0]
    measured, ceiling = ax.get_lines()[0], ax.get_lines()[1]
    assert np.all(ceiling.get_ydata() >= measured.get_ydata() * (1 - 1e-12))
    assert np.isclose(ceiling.get_ydata()[2], 3900.0)  # anchored at the fastest step (B = 4)


def test_gradient_cloud_sliders_stop_at_the_start_the_text_names():
    # 03 and 04: "at the start θ = (0, 0)"; a slider's stops are min + k·step in the browser
    data = linear_data()
    explorer = GradientCloud(LinearRegression(data.x, data.y))
    for slider in (explorer.w, explorer.b):
        k = (0.0 - slider.min) / slider.step
        assert abs(k - round(k)) < 1e-9 and slider.min <= 0 <= slider.max, slider.description
        assert slider.value == 0.0


def test_noise_ball_with_every_run_diverged_draws_no_theory_and_keeps_its_banner_inside():
    from helpers.engine import is_banner
    from helpers.explorers.stochastic import NoiseBall

    data = linear_data()
    ball = NoiseBall(LinearRegression(data.x, data.y), lr=0.1)
    assert ball.ball.get_visible() and ball.theory.get_visible()
    ball.lr.value = ball.lr.options[-1] if hasattr(ball.lr, "options") else ball.lr.max
    assert (ball.run_diverged_at >= 0).all()
    assert not ball.ball.get_visible() and not ball.theory.get_visible()  # no ball to predict
    assert is_banner(ball.status) and ball.status.get_visible()
    ball.render()
    box = ball.status.get_bbox_patch().get_window_extent(ball.canvas.get_renderer())
    assert box.x1 <= ball.ax.bbox.x1 + ball.display.density  # not into the zoom panel


def test_a_loss_on_data_is_written_l_minus_l_star(strict):
    explorer = batch_size_explorer(steps=20)  # the regression loss: L, as the notebooks write it
    assert explorer.loss_ax.get_ylabel() == r"$L(\theta_t) - L^*$"
    assert "gradient descent (B = n): L − L* = " in explorer.title
    assert "f − f_min" not in explorer.title
