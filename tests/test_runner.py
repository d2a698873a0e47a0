"""helpers.run: shapes, recorded state, divergence, and no warnings at any learning rate."""

import warnings

import numpy as np
import pytest

from helpers import SGD, Adam, Parabola, Quadratic, RMSprop, Rosenbrock, run


def test_shapes_and_first_entry_for_a_single_run():
    result = run(SGD(lr=0.1), Parabola(), [10.0], steps=5)
    assert result.path.shape == (6, 1) and result.losses.shape == (6,)
    assert result.diverged_at.shape == () and result.diverged_at == -1
    assert result.path[0, 0] == 10.0 and result.losses[0] == 100.0
    # GD on x²: x ← (1 − 2η) x = 0.8 x
    np.testing.assert_allclose(result.path[:, 0], 10.0 * 0.8 ** np.arange(6))


def test_shapes_for_a_grid_of_runs_and_state_at_every_step():
    x0 = np.random.default_rng(0).normal(size=(3, 4, 2))
    result = run(Adam(lr=0.05), Quadratic(10), x0, steps=7)
    assert result.path.shape == (8, 3, 4, 2)
    assert result.losses.shape == (8, 3, 4)
    assert result.diverged_at.shape == (3, 4)
    np.testing.assert_array_equal(result.path[0], x0)
    np.testing.assert_array_equal(result.states.step, np.arange(8))
    assert result.states.m.shape == (8, 3, 4, 2)
    assert result.states.v_max is None  # amsgrad is off
    np.testing.assert_array_equal(result.states.m[0], 0)


def test_state_record_matches_stepping_by_hand():
    opt, objective, x = (
        RMSprop(lr=0.01, momentum=0.5, centered=True),
        Rosenbrock(),
        np.array([-1.0, 2.0]),
    )
    result = run(opt, objective, x, steps=4)
    state = opt.init(x)
    for t in range(1, 5):
        x, state = opt.step(x, objective.grad(x), state)
        np.testing.assert_array_equal(result.path[t], x)
        np.testing.assert_array_equal(result.states.square_avg[t], state.square_avg)
        np.testing.assert_array_equal(result.states.velocity[t], state.velocity)


def first_step_beyond(x0, factor, bound):
    """First t with |x0| · factor^t > bound."""
    return int(np.floor(np.log(bound / x0) / np.log(factor))) + 1


@pytest.mark.parametrize("lr", [1.01, 1.5, 3.0, 1e3])
def test_gd_on_x2_diverges_where_the_algebra_says(lr):
    factor = abs(1 - 2 * lr)  # one GD step on x² multiplies x by (1 − 2η)
    result = run(SGD(lr=lr), Parabola(), [10.0], steps=1000)
    k = first_step_beyond(10.0, factor, 1e6)
    assert result.diverged_at == k
    assert np.all(np.isfinite(result.path[:k])) and np.all(np.isnan(result.path[k:]))
    assert np.all(np.isnan(result.losses[k:]))


def test_runs_diverge_independently():
    lrs = np.array([0.1, 0.99, 1.2, 50.0])
    result = run(SGD(lr=lrs), Parabola(), np.full((4, 1), 10.0), steps=100)
    expected = [-1, -1, first_step_beyond(10, 1.4, 1e6), first_step_beyond(10, 99, 1e6)]
    np.testing.assert_array_equal(result.diverged_at, expected)
    assert np.all(np.isfinite(result.path[:, :2]))


@pytest.mark.parametrize(
    "optimizer",
    [SGD(lr=1e300), SGD(lr=1e10, momentum=0.9), Adam(lr=1e200), RMSprop(lr=1e250, centered=True)],
)
def test_no_warning_escapes_however_large_the_learning_rate(optimizer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any numpy RuntimeWarning would raise here
        result = run(optimizer, Rosenbrock(), np.array([[-1.2, 1.0], [0.5, 0.5]]), steps=50)
    assert np.all(result.diverged)  # every run blew up, and said so without a warning


def test_states_of_a_diverged_run_are_nan_from_that_step_on():
    result = run(Adam(lr=1e200), Rosenbrock(), np.array([[-1.2, 1.0], [0.5, 0.5]]), steps=20)
    k = int(result.diverged_at[0])
    assert k >= 1
    for field in ("m", "v", "m_hat", "v_hat"):
        values = getattr(result.states, field)[:, 0]
        assert np.all(np.isnan(values[k:])), field
        assert np.all(np.isfinite(values[:k])), field


def test_record_states_false_keeps_path_and_losses_only():
    x0 = np.random.default_rng(0).normal(size=(5, 2))
    full = run(Adam(lr=0.05), Rosenbrock(), x0, steps=30)
    light = run(Adam(lr=0.05), Rosenbrock(), x0, steps=30, record_states=False)
    assert light.states is None
    np.testing.assert_array_equal(light.path, full.path)
    np.testing.assert_array_equal(light.losses, full.losses)


@pytest.mark.parametrize(
    "optimizer",
    [SGD(lr=1e300), SGD(lr=1e10, momentum=0.9), Adam(lr=1e200), RMSprop(lr=1e250, centered=True)],
)
def test_the_last_state_of_a_diverged_run_is_nan(optimizer):
    result = run(optimizer, Rosenbrock(), np.array([[-1.2, 1.0], [0.5, 0.5]]), steps=50)
    for field in ("m", "v", "square_avg", "velocity"):
        stacked = getattr(result.states, field, None)
        if stacked is not None:
            assert np.all(np.isnan(stacked[-1]))  # a diverged run's state is NaN too


def test_bound_is_adjustable_and_start_outside_counts_as_step_zero():
    assert run(SGD(lr=0.1), Parabola(), [10.0], steps=3, bound=5.0).diverged_at == 0
    assert run(SGD(lr=1.1), Parabola(), [1.0], steps=30, bound=2.0).diverged_at == 4  # 1.2⁴ > 2


@pytest.mark.parametrize("steps", [-1, 2.5])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="steps="):
        run(SGD(lr=0.1), Parabola(), [1.0], steps=steps)


def test_final_is_a_copy_so_keeping_it_does_not_keep_the_path():
    result = run(SGD(lr=0.1), Quadratic(10), np.ones((5, 2)), steps=30)
    end = result.final
    assert not np.shares_memory(end, result.path)
    np.testing.assert_array_equal(end, result.path[-1])


# -- what a first mutation run showed no test would notice ----------------------------------------
def test_zero_steps_is_the_start_alone():
    result = run(SGD(lr=0.1), Parabola(), [3.0], steps=0)
    np.testing.assert_array_equal(result.path, [[3.0]])
    assert result.losses.tolist() == [9.0] and result.diverged_at == -1


def test_x0_without_axes_is_refused_and_the_message_says_why():
    with pytest.raises(ValueError, match="x0 must have at least one axis"):
        run(SGD(lr=0.1), Parabola(), 3.0, steps=2)


def test_a_gradient_function_replaces_the_objectives_and_gets_the_step():
    seen = []

    def gradient(theta, t):
        seen.append((theta.copy(), t))
        return np.array([float(t)])  # not x²'s gradient 2x: the path must follow this one

    result = run(SGD(lr=0.5), Parabola(), [1.0], steps=3, gradient=gradient)
    np.testing.assert_allclose(result.path[:, 0], [1.0, 0.5, -0.5, -2.0])  # θ − 0.5·t
    assert [t for _, t in seen] == [1, 2, 3]
    np.testing.assert_allclose([theta[0] for theta, _ in seen], [1.0, 0.5, -0.5])
    np.testing.assert_allclose(result.losses, result.path[:, 0] ** 2)  # still the full loss


@pytest.mark.parametrize("steps", [256, 257, 300, 600])
def test_divergence_is_found_past_the_first_chunk_of_steps(steps):
    # a gradient of −θ grows x by 1.01 a step (η = 0.01); started just above 10 / 1.01^steps,
    # x passes the bound 10 on the last step: one chunk boundary (256 steps) after another
    crossing = steps
    x0 = 10 / 1.01**crossing * 1.0001
    result = run(SGD(lr=0.01), Parabola(), [x0], steps=steps, bound=10.0,
                 gradient=lambda theta, t: -theta)  # fmt: skip
    assert result.diverged_at == crossing
    assert np.isnan(result.path[crossing:]).all() and np.isfinite(result.path[:crossing]).all()


def test_a_start_beyond_the_bound_is_nan_from_step_zero():
    result = run(SGD(lr=0.1), Parabola(), [np.inf], steps=3)
    assert result.diverged_at == 0
    assert np.isnan(result.path).all() and np.isnan(result.losses).all()


def test_exactly_at_the_bound_is_not_beyond_it():
    assert run(SGD(lr=0.0), Parabola(), [5.0], steps=2, bound=5.0).diverged_at == -1
