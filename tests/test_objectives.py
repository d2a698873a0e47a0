"""Objectives: analytic gradients against torch.autograd, minima, shapes."""

import numpy as np
import pytest
import torch

from helpers.data import linear_data
from helpers.objectives import (
    LinearRegression,
    Parabola,
    Quadratic,
    Rosenbrock,
    default_objectives,
)

OBJECTIVES = default_objectives() | {
    "rotated ill-conditioned quadratic": Quadratic(condition_number=50, angle=35, center=(1, -2)),
}


def random_points(objective, n=200, seed=0):
    """Points spread over (and a little beyond) the plot bounds."""
    rng = np.random.default_rng(seed)
    low, high = objective.bounds[:, 0], objective.bounds[:, 1]
    span = high - low
    return rng.uniform(low - 0.2 * span, high + 0.2 * span, size=(n, objective.dim))


@pytest.mark.parametrize("name", OBJECTIVES)
def test_gradient_matches_autograd(name):
    objective = OBJECTIVES[name]
    points = random_points(objective)
    x = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    objective.value(x).sum().backward()
    np.testing.assert_allclose(objective.grad(points), x.grad.numpy(), rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_value_and_grad_act_on_the_last_axis(name):
    objective = OBJECTIVES[name]
    grid = random_points(objective, n=24).reshape(2, 3, 4, objective.dim)
    assert objective.value(grid).shape == (2, 3, 4)
    assert objective.grad(grid).shape == grid.shape
    flat = grid.reshape(-1, objective.dim)
    np.testing.assert_allclose(objective.value(grid).ravel(), objective.value(flat))


@pytest.mark.parametrize("name", OBJECTIVES)
def test_minima_are_stationary_and_lowest(name):
    objective = OBJECTIVES[name]
    assert objective.minima.shape[1] == objective.dim
    np.testing.assert_allclose(objective.grad(objective.minima), 0, atol=1e-9)
    np.testing.assert_allclose(objective.value(objective.minima), objective.min_value, atol=1e-12)
    assert np.all(objective.value(random_points(objective)) >= objective.min_value - 1e-12)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_default_start_lies_inside_the_plot_and_is_not_a_minimum(name):
    objective = OBJECTIVES[name]
    low, high = objective.bounds[:, 0], objective.bounds[:, 1]
    assert objective.x0.shape == (objective.dim,)
    assert np.all((low < objective.x0) & (objective.x0 < high))
    assert np.all(low < objective.minima) and np.all(objective.minima < high)
    assert objective.value(objective.x0) > objective.min_value + 1e-3


def test_quadratic_has_the_condition_number_and_rotation_asked_for():
    q = Quadratic(condition_number=25, angle=30)
    eigenvalues, eigenvectors = np.linalg.eigh(q.hessian)
    np.testing.assert_allclose(eigenvalues, [1 / 25, 1])
    # The flat direction is rotated by 30° from the x axis.
    flat = eigenvectors[:, 0] * np.sign(eigenvectors[0, 0])
    np.testing.assert_allclose(flat, [np.cos(np.pi / 6), np.sin(np.pi / 6)], atol=1e-12)


@pytest.mark.parametrize("kwargs", [{"condition_number": 0.5}, {"L": 0}])
def test_quadratic_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Quadratic(**kwargs)


def test_linear_regression_is_the_mean_squared_error_and_its_per_sample_gradients_average():
    data = linear_data()
    loss = LinearRegression(data.x, data.y)
    theta = np.array([[0.5, -1.0], [3.0, 2.0]])
    direct = ((theta[:, :1] * data.x + theta[:, 1:] - data.y) ** 2).mean(axis=1)
    np.testing.assert_allclose(loss.value(theta), direct, rtol=1e-12)
    np.testing.assert_allclose(
        loss.sample_grads(theta).mean(axis=-2), loss.grad(theta), rtol=1e-10, atol=1e-12
    )
    index = np.arange(0, 1000, 7)
    np.testing.assert_allclose(
        loss.batch_grad(theta, index),
        LinearRegression(data.x[index], data.y[index]).grad(theta),
        rtol=1e-10,
        atol=1e-12,
    )


def test_linear_regression_minimum_is_least_squares_near_the_true_line():
    data = linear_data()
    loss = LinearRegression(data.x, data.y)
    w, b = np.polyfit(data.x, data.y, 1)
    np.testing.assert_allclose(loss.minima[0], [w, b], rtol=1e-10)
    assert abs(w - 3) < 0.05 and abs(b - 2) < 0.05
    np.testing.assert_allclose(loss.min_value, 0.1**2, rtol=0.15)  # the noise variance


@pytest.mark.parametrize("a", [1.0, 3.0, -2.0, 0.5])
def test_rosenbrock_minimum_is_inside_its_plot_bounds(a):
    f = Rosenbrock(a=a)
    (lo_x, hi_x), (lo_y, hi_y) = f.bounds
    (mx, my), (sx, sy) = f.minima[0], f.x0
    assert lo_x < mx < hi_x and lo_y < my < hi_y
    assert lo_x < sx < hi_x and lo_y < sy < hi_y


@pytest.mark.parametrize("a", [1.0, 0.5, 3.0])
def test_parabola_L_is_its_second_derivative_by_autograd(a):
    f = Parabola(a=a)
    x = torch.tensor([0.7], dtype=torch.float64, requires_grad=True)
    hessian = torch.autograd.functional.hessian(lambda z: f.value(z[None])[0], x)
    assert f.L == pytest.approx(hessian.item()) and f.mu == f.L
