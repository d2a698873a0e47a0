"""Explorers driven from Python: set a control's value, read back what the figure shows."""

import io

import numpy as np
import pytest
from PIL import Image
from sliders import batch_size_explorer, sweep

from helpers.engine import Explorer, lr_slider
from helpers.explorers import ParabolaGD


def test_parabola_explorer_shows_its_run(strict):
    explorer = ParabolaGD(lr=0.1, steps=20)
    x, fx = explorer.zigzag.get_data()
    np.testing.assert_allclose(x, 10 * 0.8 ** np.arange(21))
    np.testing.assert_allclose(fx, x**2)
    assert explorer.title.startswith("η = 0.1: each step multiplies x by 1 − 2η = 0.8;")
    assert explorer.image.value[:4] == b"\x89PNG"


def test_parabola_explorer_every_control_over_its_whole_range(strict):
    explorer = ParabolaGD()
    for lr in sweep(explorer.lr):
        explorer.lr.value = lr
        assert explorer.message == "", explorer.message
        assert explorer.title.startswith(f"η = {explorer.lr.value:.3g}")
    explorer.lr.value = 0.1  # a converging run, so every step is drawn
    for steps in sweep(explorer.steps):
        explorer.steps.value = int(steps)
        assert explorer.message == ""
        assert len(explorer.zigzag.get_data()[0]) == int(steps) + 1


@pytest.mark.parametrize(
    ("lr", "says"),
    [
        (0.5, "x = 0 after step 1"),
        (0.8, "= −0.6; after 20 steps"),
        (1.0, "= −1; after 20 steps x = 10"),
    ],
)
def test_parabola_explorer_names_each_regime(strict, lr, says):
    explorer = ParabolaGD()
    explorer.lr.value = lr  # 0.5, 0.8 and 1 are stops of the round-number slider
    assert says in explorer.title


def test_parabola_explorer_largest_learning_rate_says_diverged(strict):
    explorer = ParabolaGD(steps=60)
    explorer.lr.value = explorer.lr.options[-1]
    assert "diverged at step" in explorer.title
    assert explorer.message == ""


def test_parabola_step_by_step_starts_over_when_eta_changes(strict):
    explorer = ParabolaGD(lr=0.1, step_by_step=True)
    renders = []
    explorer.image.observe(lambda change: renders.append(change), names="value")
    for _ in range(3):
        explorer.stepper.advance()
    np.testing.assert_allclose(explorer.current.get_data()[0], [5.12])  # 10 · 0.8³
    explorer.lr.value = 0.8  # "set η = 0.8 and step again": the new run starts at step 0
    assert explorer.stepper.value == 0 and "0 / 20" in explorer.stepper.label.value
    np.testing.assert_allclose(explorer.current.get_data()[0], [10.0])
    explorer.stepper.advance()
    np.testing.assert_allclose(explorer.current.get_data()[0], [-6.0])  # 10 · (1 − 1.6)
    assert len(renders) == 5  # one picture per change, none for the counter sent back
    explorer.steps.value = 30  # more steps is the same run: the counter stays
    assert explorer.stepper.value == 1


def test_one_update_per_change_and_the_picture_changes():
    explorer = ParabolaGD()
    before = explorer.image.value
    explorer.lr.value = 0.3
    assert explorer.image.value != before


class Broken(Explorer):
    def __init__(self):
        self.slider = lr_slider()
        super().__init__([self.slider])
        self.figure.subplots()
        self.refresh()

    def update(self):
        if self.slider.value > 1:
            raise ValueError("lr=2 is too large for this demo")


def test_an_error_in_a_callback_is_shown_in_the_figure_area():
    explorer = Broken()
    size = explorer.image.layout.width, explorer.image.layout.height
    explorer.slider.value = 2.0
    assert explorer.message == "ValueError: lr=2 is too large for this demo"
    assert explorer.image.value[:4] == b"\x89PNG"
    assert (explorer.image.layout.width, explorer.image.layout.height) == size
    explorer.slider.value = 0.5  # and it recovers
    assert explorer.message == ""


def test_display_bundle_carries_a_static_picture():
    bundle, metadata = ParabolaGD()._repr_mimebundle_()
    assert metadata == {"image/png": {"width": 900, "height": 360}}  # screen px, not image px
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith("iVBOR")  # base64 of the PNG signature


# -- the standard 2-D explorer ---------------------------------------------------------------
from helpers import SGD, Adam, Quadratic, run  # noqa: E402
from helpers.engine import batch_size_slider, beta_slider  # noqa: E402
from helpers.explorers import ContourExplorer  # noqa: E402
from helpers.objectives import default_objectives  # noqa: E402

SURFACES = {name: f for name, f in default_objectives().items() if f.dim == 2}


def gd_and_momentum(lr, beta):
    return {"GD": SGD(lr=lr), "momentum": SGD(lr=lr, momentum=beta)}


@pytest.fixture
def contour():
    return ContourExplorer(
        SURFACES, gd_and_momentum, lr=lr_slider(0.05), beta=beta_slider(0.9), step_by_step=True
    )


def test_contour_explorer_draws_the_runs_it_reports(strict):
    q = Quadratic(10)
    explorer = ContourExplorer(q, lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider(0.5), steps=30)
    expected = run(SGD(lr=0.5), q, q.x0, 30)
    x, y = explorer.paths["GD"].get_data()
    np.testing.assert_allclose(np.c_[x, y], expected.path)
    steps, gaps = explorer.curves["GD"].get_data()
    np.testing.assert_allclose(gaps, np.maximum(expected.losses, 1e-300))
    assert explorer.title.startswith("30 steps · GD: f − f_min = ")
    assert not explorer.status.get_visible()


def test_contour_explorer_every_control_over_its_whole_range(strict, contour):
    for name in SURFACES:
        contour.picker.value = name
        assert contour.message == "", (name, contour.message)
        for lr in sweep(contour.named_controls["lr"], n=9):
            contour.named_controls["lr"].value = lr
            assert contour.message == "", (name, lr, contour.message)
            assert "GD" in contour.title
        for beta in contour.named_controls["beta"].options[::6]:
            contour.named_controls["beta"].value = beta
            assert contour.message == ""
        for slider in (contour.x0, contour.y0):
            for value in sweep(slider, n=5):
                slider.value = value
                assert contour.message == ""
    for steps in sweep(contour.steps, n=6):
        contour.steps.value = int(steps)
        assert contour.stepper.play.max == int(steps)
        assert contour.message == ""


def test_contour_explorer_largest_learning_rate_says_diverged(strict, contour):
    contour.picker.value = "quadratic"
    contour.named_controls["lr"].value = contour.named_controls["lr"].options[-1]
    assert "diverged" not in contour.title  # step-by-step: not yet, at step 0
    contour.stepper.play.value = contour.stepper.play.max
    assert "GD: diverged at step" in contour.title
    assert contour.status.get_visible() and "GD diverged at step" in contour.status.get_text()


def test_contour_explorer_start_sliders_follow_the_function(contour):
    contour.picker.value = "Rosenbrock"
    rosenbrock = SURFACES["Rosenbrock"]
    assert (contour.x0.min, contour.x0.max) == tuple(rosenbrock.bounds[0])
    assert (contour.x0.value, contour.y0.value) == tuple(rosenbrock.x0)
    np.testing.assert_allclose(contour.results["GD"].path[0], rosenbrock.x0)


def test_step_play_reset_show_the_run_one_step_at_a_time(contour):
    contour.picker.value = "quadratic"
    contour.stepper.play.value = 0
    assert len(contour.paths["GD"].get_data()[0]) == 1
    contour.stepper.advance()
    contour.stepper.advance()
    assert contour.stepper.value == 2 and len(contour.paths["GD"].get_data()[0]) == 3
    assert contour.title.startswith("after 2 steps")
    contour.stepper.reset.click()
    assert contour.stepper.value == 0 and len(contour.paths["GD"].get_data()[0]) == 1


def test_fast_render_equals_a_full_redraw(contour):
    """Blitting the moving artists over the cached background gives the same picture."""
    import io

    from PIL import Image

    contour.named_controls["lr"].value = 0.3
    fast = np.asarray(Image.open(io.BytesIO(contour.image.value)).convert("RGB"), dtype=int)
    full = np.asarray(Image.open(io.BytesIO(contour.render_full())).convert("RGB"), dtype=int)
    assert fast.shape == full.shape
    assert np.mean(np.abs(fast - full)) < 1.0  # identical but for anti-aliasing at a few edges


def test_controls_have_the_ranges_the_course_needs():
    beta = beta_slider()
    assert beta.options[0] == 0 and beta.options[-1] == 0.999
    assert sum(b >= 0.9 for b in beta.options) >= 10  # resolution near 1
    batch = batch_size_slider(1000)
    assert batch.options[:3] == (1, 2, 4) and batch.options[-2:] == (512, 1000)
    lr = lr_slider(0.1, 1e-4, 10)
    assert lr.options[0] == 1e-4 and lr.options[-1] == 10 and lr.value == 0.1
    stops = np.array(lr.options)
    ratios = stops[1:] / stops[:-1]
    assert np.all((ratios > 1.19) & (ratios < 1.34))  # one press: 20–33 %
    assert {0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5} <= set(lr.options)  # read exactly as written
    for power_of_two in (0.25, 0.5, 1.0, 2.0, 4.0):  # thresholds the notebooks ask about
        assert power_of_two in lr.options
    asked = lr_slider(0.73, 1e-3, 1.5)  # any value a notebook opens at is a stop, exactly
    assert asked.value == 0.73 and 0.73 in asked.options and 0.8 in asked.options
    assert beta_slider(0.82).value == 0.82 and {0.9, 0.99, 0.999} <= set(beta_slider().options)
    with pytest.raises(ValueError, match="value must lie"):
        lr_slider(5.0, 1e-3, 1.5)
    with pytest.raises(ValueError, match="beta must lie"):
        beta_slider(1.0)


def test_a_bad_hyperparameter_shows_its_error_in_the_figure():
    explorer = ContourExplorer(
        Quadratic(),
        lambda beta: {"Adam": Adam(betas=(beta, 0.999))},
        beta=lr_slider(0.5, 0.1, 3, description="β₁"),
    )
    explorer.named_controls["beta"].value = 2.0
    assert explorer.message.startswith("ValueError: betas[0]=2")


def test_a_picker_change_shows_the_new_function_at_once():
    """The picture after a function change equals a full redraw (no stale contours)."""
    from helpers.explorers.momentum import NesterovExplorer

    for explorer in (NesterovExplorer(), ContourExplorer(SURFACES, lambda: {"GD": SGD(lr=1e-3)})):
        for name in list(explorer.picker.options)[::-1]:
            explorer.picker.value = name
            fast = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"), int)
            full = np.asarray(Image.open(io.BytesIO(explorer.render_full())).convert("RGB"), int)
            assert np.mean(np.abs(fast - full)) < 1.0, name


def test_updates_from_two_threads_never_overlap():
    """Comm messages may arrive on two kernel threads; every redraw holds the explorer's lock."""
    import threading

    explorer = ContourExplorer(Quadratic(), lambda lr: {"GD": SGD(lr=lr)}, lr=lr_slider(0.1))
    inside, overlaps = [0], []
    original = explorer.update

    def counting_update():
        inside[0] += 1
        overlaps.append(inside[0])
        original()
        inside[0] -= 1

    explorer.update = counting_update
    values = [0.05, 0.2, 0.4, 0.8]
    threads = [
        threading.Thread(target=lambda v=v: setattr(explorer.named_controls["lr"], "value", v))
        for v in values
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps and max(overlaps) == 1 and explorer.message == ""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [(0.49999999999998, 0.5), (0.10000000000000003, 0.1), (1e-8 * (1 + 1e-13), 1e-8), (3, 3)],
)
def test_tidy_rounds_a_log_sliders_stop_to_what_the_student_chose(raw, shown):
    from helpers.engine import tidy

    assert tidy(raw) == shown
    assert tidy(0.123456789012) == 0.123456789  # ten significant digits, no more


def test_a_long_diverged_message_stays_inside_its_panel():
    explorer = batch_size_explorer(lr=1.0)
    assert explorer.status.get_visible() and "diverged" in explorer.status.get_text()
    renderer = explorer.canvas.get_renderer()
    text, panel = explorer.status.get_window_extent(renderer), explorer.ax.bbox
    assert panel.x0 <= text.x0 and text.x1 <= panel.x1  # not into the loss panel


def test_equal_axes_make_one_unit_as_long_on_both_axes():
    explorer = ContourExplorer(
        Quadratic(4, angle=30, L=4),
        lambda lr: {"GD": SGD(lr=lr)},
        lr=lr_slider(0.1),
        equal_axes=True,
    )
    box = explorer.ax.get_window_extent()
    (x0, x1), (y0, y1) = explorer.ax.get_xlim(), explorer.ax.get_ylim()
    assert np.isclose(box.width / (x1 - x0), box.height / (y1 - y0), rtol=0.01)


# -- memory: only the explorer in use keeps full-size pictures (engine._go_idle) ---------------
def test_an_idle_explorer_gives_back_its_canvas_and_draws_the_same_picture_again(contour):
    lr = contour.named_controls["lr"]
    lr.value = 0.05
    shown = contour.image.value
    assert contour._background is not None and contour.canvas.renderer is not None
    other = ParabolaGD()  # drawing another explorer makes the first one idle
    assert contour._background is None and getattr(contour.canvas, "renderer", None) is None
    assert not contour._layer_cache
    shape, packed = contour._backgrounds[contour._background_key]
    assert len(packed) < np.prod(shape) / 5  # kept deflated, several times smaller
    lr.value = 0.1
    lr.value = 0.05  # back in use: the same picture, pixel for pixel
    assert contour.image.value == shown
    assert other._background is None  # and now the other one is idle


def test_switching_backgrounds_keeps_the_others_deflated_and_gives_them_back():
    from helpers.explorers.landscape import LandscapeExplorer

    explorer = LandscapeExplorer(SURFACES, value="Himmelblau")
    first = explorer.image.value
    assert set(explorer._backgrounds) == set(SURFACES) - {"Himmelblau"}  # drawn up front
    assert not explorer._recent
    explorer.picker.value = "Beale"
    # the one just left is kept as it is (engine._keep_recent), the rest deflated
    assert "Himmelblau" in explorer._recent and "Beale" not in explorer._backgrounds
    explorer.picker.value = "Himmelblau"
    assert explorer.image.value == first
    for name in SURFACES:  # every surface once: only the last _RECENT left are kept whole
        explorer.picker.value = name
    assert len(explorer._recent) == explorer._RECENT
    assert set(explorer._recent) | set(explorer._backgrounds) == set(SURFACES) - {name}
    assert all(len(data) < np.prod(shape) / 5 for shape, data in explorer._backgrounds.values())
    explorer.picker.value = "Himmelblau"  # inflated again: the same picture
    assert explorer.image.value == first
    ParabolaGD()  # idle: nothing is kept whole
    assert not explorer._recent and explorer._background is None
    assert set(explorer._backgrounds) == set(SURFACES)
    fast = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"), dtype=int)
    full = np.asarray(Image.open(io.BytesIO(explorer.render_full())).convert("RGB"), dtype=int)
    assert np.mean(np.abs(fast - full)) < 1.0


@pytest.mark.parametrize("classroom", ["0", "1"])
def test_a_step_axis_counts_whole_steps(monkeypatch, classroom):
    # at steps = 1 the step axis read 0.00, 0.25, …, 1.00, its last tick cut at the edge
    from helpers.explorers.momentum import heavy_ball_explorer

    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    explorer = heavy_ball_explorer()
    steps = next(c for c in explorer.controls if getattr(c, "description", "") == "steps")
    steps.value = steps.min
    explorer.render_full()
    for ax in explorer.figure.axes:
        if ax.get_xlabel().startswith("step"):
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
            break
    else:
        raise AssertionError("no step axis")
