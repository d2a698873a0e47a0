"""Notebook 06's explorers, driven from Python: every control over its whole range, and the
figure shows what the helpers compute."""

import numpy as np
import pytest
from sliders import every_label_in_full, shows_a_picture, sweep

from helpers import SGD, Adagrad, Adam, AdamW, RMSprop, run
from helpers.explorers.adaptive import (
    AdaptiveInspector,
    bias_correction_explorer,
    rmsprop_explorer,
    weight_decay_explorer,
)
from helpers.inspection import OPTIMIZER_NAMES, QUANTITIES, inspect, make_optimizer
from helpers.objectives import badly_scaled


def test_badly_scaled_has_curvatures_1_and_100_along_the_axes():
    q = badly_scaled()
    np.testing.assert_allclose(q.hessian, np.diag([1.0, 100.0]))
    np.testing.assert_allclose(q.grad(np.array([1.0, 1.0])), [1.0, 100.0])


# -- the ContourExplorer set-ups -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "labels"),
    [
        (rmsprop_explorer, ("AdaGrad", "RMSProp")),
        (bias_correction_explorer, ("Adam", "no bias correction")),
        (weight_decay_explorer, ("Adam + L2", "AdamW")),
    ],
)
def test_contour_setups_every_control_over_its_whole_range(strict, make, labels):
    explorer = make()
    assert shows_a_picture(explorer)
    for name, control in explorer.named_controls.items():
        for value in sweep(control, n=9):
            control.value = value
            assert explorer.message == "", (name, value, explorer.message)
            assert all(label in explorer.title for label in labels)
    for slider in (explorer.steps, explorer.x0, explorer.y0):
        for value in sweep(slider, n=4):
            slider.value = type(slider.value)(value)
            assert explorer.message == ""


def test_adaptive_steps_are_bounded_so_the_largest_rate_stays_finite(strict):
    """AdaGrad's, RMSProp's and Adam's steps are at most about η/√(1 − α) per coordinate, so on
    these quadratics even the largest η cannot run off to infinity: the title reports a loss."""
    for make in (rmsprop_explorer, bias_correction_explorer, weight_decay_explorer):
        explorer = make()
        lr = explorer.named_controls["lr"]
        lr.value = lr.options[-1]
        if explorer.stepper:
            explorer.stepper.play.value = explorer.stepper.play.max
        assert explorer.message == "" and "diverged" not in explorer.title
        # a loss, or (the bias-correction explorer) step lengths, and every run finite
        assert "f − f_min = " in explorer.title or "|Δθ| of step 40: " in explorer.title
        assert all(np.isfinite(r.losses).all() for r in explorer.results.values())


def test_rmsprop_explorer_runs_what_it_says():
    explorer = rmsprop_explorer(lr=0.05, alpha=0.99)
    alpha = explorer.named_controls["alpha"].value
    q = explorer.objective
    for label, optimizer in (("AdaGrad", Adagrad(lr=0.05)), ("RMSProp", RMSprop(0.05, alpha))):
        expected = run(optimizer, q, q.x0, 300)
        np.testing.assert_allclose(np.column_stack(explorer.paths[label].get_data()), expected.path)


def test_bias_correction_explorer_opens_on_the_first_steps():
    explorer = bias_correction_explorer(lr=0.1)
    # at step 1, with the step lengths 06 asks for in the title: η and η(1 − β₁)/√(1 − β₂)
    assert explorer.stepper.value == 1
    assert explorer.title == (
        "after 1 step · |Δθ| of step 1: Adam (0.1, 0.1) · no bias correction (0.316, 0.316)"
    )
    explorer.named_controls["beta2"].value = 0.99  # 0.1/√0.01 = 1: the correction is moot
    assert explorer.title.endswith("Adam (0.1, 0.1) · no bias correction (0.1, 0.1)")
    explorer.stepper.play.value = 0  # no step yet: the losses
    assert "|Δθ|" not in explorer.title and "f − f_min = 1.2e+02" in explorer.title
    explorer.named_controls["beta2"].value = 0.999
    corrected = explorer.results["Adam"].path
    uncorrected = explorer.results["no bias correction"].path
    np.testing.assert_allclose(np.abs(corrected[1] - corrected[0]), 0.1, rtol=1e-6)
    beta2 = explorer.named_controls["beta2"].value
    expected = 0.1 * (1 - explorer.named_controls["beta1"].value) / np.sqrt(1 - beta2)
    np.testing.assert_allclose(np.abs(uncorrected[1] - uncorrected[0]), expected, rtol=1e-6)


def test_weight_decay_explorer_zero_decay_makes_adamw_adam():
    explorer = weight_decay_explorer()
    explorer.named_controls["weight_decay"].value = 0.0
    a, w = (np.column_stack(explorer.paths[k].get_data()) for k in ("Adam + L2", "AdamW"))
    np.testing.assert_allclose(a, w)
    explorer.named_controls["weight_decay"].value = 0.5
    q = explorer.objective
    np.testing.assert_allclose(
        np.column_stack(explorer.paths["AdamW"].get_data()),
        run(AdamW(lr=0.05, weight_decay=0.5), q, q.x0, explorer.steps.value).path,
    )
    assert not np.allclose(
        *(np.column_stack(explorer.paths[k].get_data()) for k in ("Adam + L2", "AdamW"))
    )


def test_weight_decay_explorer_marks_the_penalised_minimum_adam_l2_reaches():
    explorer = weight_decay_explorer()
    for lam in (0.5, 1.5, 0.0):
        explorer.named_controls["weight_decay"].value = lam
        diamond = np.concatenate(explorer._penalised.get_data())
        # A = diag(1, 100), c = (2, 1): each coordinate c_i a_i/(a_i + λ)
        np.testing.assert_allclose(diamond, [2 * 1 / (1 + lam), 1 * 100 / (100 + lam)])
        adam_l2_end = explorer.results["Adam + L2"].path[-1]
        np.testing.assert_allclose(adam_l2_end, diamond, atol=2e-3)  # where it is headed


# -- the inspector -------------------------------------------------------------------------------
def test_inspect_collects_each_optimizers_quantities():
    q = badly_scaled()
    view = inspect("Adam", Adam(lr=0.1), q, q.x0, 10)
    states = view.result.states
    np.testing.assert_allclose(view.quantities["g"][1], q.grad(q.x0))
    np.testing.assert_allclose(view.quantities["m̂"][1:], states.m_hat[1:])
    np.testing.assert_allclose(view.quantities["√v̂"][1:], np.sqrt(states.v_hat[1:]))
    np.testing.assert_allclose(view.effective[1:], 0.1 / (np.sqrt(states.v_hat[1:]) + 1e-8))
    # the step is the effective step times m̂
    np.testing.assert_allclose(view.step[1:], -view.effective[1:] * view.quantities["m̂"][1:])
    ada = inspect("AdaGrad", Adagrad(lr=0.1), q, q.x0, 10)
    np.testing.assert_allclose(ada.step[1:], -ada.effective[1:] * ada.quantities["g"][1:])
    assert ada.quantities["m"] is None and ada.quantities["m̂"] is None
    sgd = inspect("SGD", SGD(lr=0.01), q, q.x0, 10)
    assert all(sgd.quantities[k] is None for k in QUANTITIES[1:])
    np.testing.assert_allclose(sgd.effective[1:], 0.01)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_every_optimizer_step_is_effective_step_times_its_direction(name):
    q = badly_scaled()
    view = inspect(name, make_optimizer(name, 0.01, 0.9, 0.99, 1e-6), q, q.x0, 12)
    direction = {"momentum": "m", "Adam": "m̂"}.get(name, "g")
    np.testing.assert_allclose(
        view.step[1:], -view.effective[1:] * view.quantities[direction][1:], rtol=1e-9
    )


def test_inspector_draws_the_step_it_shows(strict):
    explorer = AdaptiveInspector(optimizer="Adam", lr=0.1)
    explorer.stepper.play.value = 3
    q = explorer.objective
    beta1, beta2 = explorer.beta1.value, explorer.beta2.value  # the sliders' stops
    view = inspect("Adam", make_optimizer("Adam", 0.1, beta1, beta2, 1e-8), q, q.x0, 60)
    for j, quantity in enumerate(QUANTITIES):
        for i in range(2):
            assert explorer.bars[i][j].get_height() == pytest.approx(
                view.quantities[quantity][3, i]
            )
    np.testing.assert_allclose(explorer.arrows.get_offsets(), [view.result.path[2]] * 2)
    np.testing.assert_allclose(
        explorer.arrows.U, [-0.1 * view.quantities["g"][3][0], view.step[3][0]]
    )
    np.testing.assert_allclose(explorer.eff_lines[1].get_data()[1], view.effective[:, 1])
    assert explorer.cursor.get_xdata()[0] == 3
    assert explorer.title.startswith("Adam, step 3 of 60: Δθ = (0.0997, −0.0993)")


def test_inspector_shows_a_dash_for_missing_quantities(strict):
    explorer = AdaptiveInspector(optimizer="AdaGrad")
    explorer.stepper.play.value = 2
    visible = [explorer.bars[0][j].get_visible() for j in range(len(QUANTITIES))]
    assert visible == [True, False, False, True, False]  # g and √G only
    assert [m.get_visible() for m in explorer.missing] == [False, True, True, False, True]


def test_inspector_every_control_over_its_whole_range(strict):
    explorer = AdaptiveInspector()
    assert shows_a_picture(explorer)
    before = explorer.image.value
    explorer.stepper.advance()
    assert explorer.image.value != before
    for objective in explorer.objectives:
        explorer.picker.value = objective
        for name in OPTIMIZER_NAMES:
            explorer.optimizer.value = name
            explorer.stepper.play.value = 4
            assert explorer.message == "", (objective, name, explorer.message)
            assert explorer.title.startswith(f"{name}, step 4 of")
    explorer.picker.value = "badly scaled quadratic"
    for name in OPTIMIZER_NAMES:
        explorer.optimizer.value = name
        for control in (explorer.lr, explorer.beta1, explorer.beta2, explorer.eps):
            for value in sweep(control, n=7)[:: 4 if hasattr(control, "options") else 1]:
                control.value = value
                assert explorer.message == "", (name, control.description, value, explorer.message)
        for value in (False, True):
            explorer.bias_correction.value = value
            assert explorer.message == ""
    for steps in sweep(explorer.steps, n=5):
        explorer.steps.value = int(steps)
        assert explorer.stepper.play.max == int(steps) and explorer.message == ""
    for value in range(0, explorer.stepper.play.max + 1, 50):
        explorer.stepper.play.value = value
        assert f"step {value} of" in explorer.title
    explorer.stepper.reset.click()
    assert explorer.title.endswith(
        "press step ▸ or play\nleft: grey = the plain GD step −ηg, red = the step taken Δθ"
    )


def test_inspector_largest_learning_rate_says_diverged(strict):
    explorer = AdaptiveInspector(optimizer="SGD")
    explorer.lr.value = explorer.lr.options[-1]
    explorer.stepper.play.value = explorer.stepper.play.max
    assert "diverged at step" in explorer.title
    assert explorer.status.get_visible() and explorer.message == ""
    assert not explorer.arrows.get_visible()


def test_bias_correction_checkbox_changes_the_first_step(strict):
    explorer = AdaptiveInspector(optimizer="Adam", lr=0.1)
    explorer.stepper.play.value = 1
    with_correction = explorer.inspection.step[1].copy()
    explorer.bias_correction.value = False
    without = explorer.inspection.step[1]
    beta1, beta2 = explorer.beta1.value, explorer.beta2.value
    np.testing.assert_allclose(np.abs(with_correction), 0.1, rtol=1e-6)
    np.testing.assert_allclose(np.abs(without), 0.1 * (1 - beta1) / np.sqrt(1 - beta2), rtol=1e-6)


def test_inspector_epsilon_prompt_is_answerable_and_adadelta_gets_its_defaults():
    explorer = AdaptiveInspector(optimizer="Adam", lr=0.1)
    assert explorer.eps.options[-1] == 1e4 and 1e-8 in explorer.eps.options
    explorer.eps.value = 1e4  # ε ≫ √v̂: one flat effective step η/ε for both coordinates
    assert np.allclose(explorer.inspection.effective[1:], 0.1 / 1e4, rtol=0.02)
    explorer.eps.value = 1e-8
    explorer.optimizer.value = "Adadelta"
    assert (explorer.lr.value, explorer.beta2.value, explorer.eps.value) == (1.0, 0.9, 1e-6)
    assert explorer.message == ""
    low, high = explorer.eff_ax.get_ylim()
    effective = explorer.inspection.effective[1:]
    assert low <= np.nanmin(effective) and np.nanmax(effective) <= high  # on the axis
    explorer.optimizer.value = "Adam"  # back: the settings from before Adadelta
    assert (explorer.lr.value, explorer.beta2.value, explorer.eps.value) == (0.1, 0.999, 1e-8)


# -- the classroom review: step axes, legends, labels, room ----------------------------------
CONTOUR_SETUPS = {
    "rmsprop": rmsprop_explorer,
    "bias correction": bias_correction_explorer,
    "weight decay": weight_decay_explorer,
}


@pytest.mark.parametrize("classroom", ["0", "1"])
@pytest.mark.parametrize("name", list(CONTOUR_SETUPS))
def test_step_axis_ends_at_the_run_and_the_legend_leaves_the_curves(monkeypatch, name, classroom):
    monkeypatch.setenv("COURSE_CLASSROOM", classroom)
    explorer = CONTOUR_SETUPS[name]()
    steps = explorer.steps.value
    assert explorer.loss_ax.get_xlim() == (0, steps)  # 300 steps: not an axis to 500
    explorer.steps.value = explorer.steps.max
    assert explorer.loss_ax.get_xlim()[1] == explorer.steps.max
    explorer.steps.value = steps
    explorer.render()
    renderer = explorer.canvas.get_renderer()
    legend = explorer.loss_ax.get_legend()
    legend_box = legend.get_window_extent(renderer)
    panel = explorer.loss_ax.get_window_extent(renderer)  # where the curves are drawn
    assert not legend_box.overlaps(panel.padded(-explorer.display.density)), name
    assert legend_box.x0 >= 0 and legend_box.x1 <= explorer.figure.bbox.x1
    title = explorer._title
    if classroom == "1":
        title.set_text(title._get_wrapped_text())
    assert not legend_box.overlaps(title.get_window_extent(renderer)), name
    assert every_label_in_full(explorer) == [], name


def test_weight_decay_slider_label_in_full(monkeypatch):
    for classroom in ("0", "1"):
        monkeypatch.setenv("COURSE_CLASSROOM", classroom)
        explorer = weight_decay_explorer()
        slider = explorer.named_controls["weight_decay"]
        assert slider.description == "λ (weight_decay)"
        assert slider.style.description_width == "initial"  # as wide as its text


def test_weight_decay_outcome_at_the_two_rates_the_text_names():
    # 06's text: AdamW ends closer to f's minimum at η = 0.05, Adam + L2 at η = 0.001 (λ = 0.5)
    explorer = weight_decay_explorer()
    lr = explorer.named_controls["lr"]
    assert {0.001, 0.05, 0.008} <= set(lr.options)
    for value, adamw_wins in ((0.05, True), (0.001, False)):
        lr.value = value
        shifted = explorer.objective
        ends = {
            label: (
                np.linalg.norm(result.path[-1] - shifted.center),
                result.losses[-1] - shifted.min_value,
            )
            for label, result in explorer.results.items()
        }
        closer = ends["AdamW"][0] < ends["Adam + L2"][0] and ends["AdamW"][1] < ends["Adam + L2"][1]
        further = (
            ends["AdamW"][0] > ends["Adam + L2"][0] and ends["AdamW"][1] > ends["Adam + L2"][1]
        )
        assert closer if adamw_wins else further, (value, ends)


def test_inspector_panels_have_room_in_classroom_mode(monkeypatch):
    monkeypatch.setenv("COURSE_CLASSROOM", "1")
    inspector = AdaptiveInspector(optimizer="Adam", lr=0.1)
    assert inspector.message == ""
    width, height = inspector.screen_size
    assert height >= 330  # was 280: five rows of controls left the panels ~130 px tall
    renderer = inspector.canvas.get_renderer()
    inspector.render()
    for ax in (inspector.ax, inspector.bar_ax, inspector.eff_ax):
        box = ax.get_window_extent(renderer)
        assert box.height / inspector.display.density >= 160, ax.get_title()  # was ~115
        assert box.width / inspector.display.density >= 250, ax.get_title()
    assert every_label_in_full(inspector) == []
    assert inspector.beta2.tooltip == "β₂ (RMSProp α, Adam, Adadelta ρ)"  # the full name
    monkeypatch.setenv("COURSE_CLASSROOM", "0")
    # short outside classroom mode too: the long label left the slider a 20–40 px track
    assert AdaptiveInspector().beta2.description == "β₂"


@pytest.mark.parametrize("name", ["SGD", "momentum", "AdaGrad", "RMSProp", "Adam", "Adadelta"])
def test_inspector_greys_out_exactly_the_controls_an_optimizer_ignores(name):
    from helpers.inspection import make_optimizer

    inspector = AdaptiveInspector(optimizer="Adam", lr=0.1)
    inspector.optimizer.value = name
    q = inspector.objective
    base = {"beta1": 0.9, "beta2": 0.99, "eps": 1e-3, "bias_correction": True}
    other = {"beta1": 0.5, "beta2": 0.9, "eps": 0.5, "bias_correction": False}
    path = run(make_optimizer(name, 0.01, **base), q, q.x0, 20).path
    controls = {"beta1": inspector.beta1, "beta2": inspector.beta2, "eps": inspector.eps}
    controls["bias_correction"] = inspector.bias_correction
    for key, control in controls.items():
        changed = run(make_optimizer(name, 0.01, **{**base, key: other[key]}), q, q.x0, 20).path
        matters = not np.array_equal(changed, path)
        assert control.disabled is not matters, (name, key, matters)
