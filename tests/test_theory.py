"""Closed forms against measurements and against their own definitions."""

import numpy as np
import pytest

from helpers import SGD, Quadratic, run, theory


@pytest.mark.parametrize("lr", [0.3, 0.9, 1.9])
def test_gd_rate_is_the_measured_per_direction_contraction(lr):
    q = Quadratic(condition_number=20, angle=40)
    result = run(SGD(lr=lr), q, q.x0, steps=30)
    error = (result.path - q.center) @ q.eigenvectors  # coordinates along the eigen-directions
    rates = theory.gd_rate(lr, q.eigenvalues)
    np.testing.assert_allclose(
        np.abs(error[-1]), np.abs(error[0]) * rates**30, rtol=1e-8, atol=1e-14
    )  # rounding floor of float64


def test_gd_threshold_separates_convergence_from_divergence():
    q = Quadratic(condition_number=5, L=4.0)
    threshold = theory.gd_threshold(q.L)
    assert threshold == 0.5
    below, above = (
        run(SGD(lr=0.99 * threshold), q, q.x0, 3000),
        run(SGD(lr=1.01 * threshold), q, q.x0, 3000),
    )
    assert below.diverged_at == -1 and below.losses[-1] < 1e-10
    assert above.diverged_at > 0


def test_gd_optimal_minimises_the_worst_rate():
    mu, L = 0.1, 1.0
    lr_star, rate_star = theory.gd_optimal(mu, L)
    lrs = np.linspace(0.01, 1.99, 5000)
    worst = theory.gd_rate(lrs[:, None], [mu, L]).max(axis=1)
    assert abs(lrs[worst.argmin()] - lr_star) < 1e-3
    np.testing.assert_allclose(worst.min(), rate_star, atol=1e-3)


def test_momentum_rate_is_the_spectral_radius_of_the_iteration_matrix():
    rng = np.random.default_rng(0)
    lr, beta, lam = rng.uniform(0, 3, 500), rng.uniform(0, 0.999, 500), rng.uniform(0.01, 1, 500)
    for a, b, c in zip(lr, beta, lam, strict=True):
        matrix = np.array([[1 + b - a * c, -b], [1, 0]])
        radius = np.abs(np.linalg.eigvals(matrix)).max()
        np.testing.assert_allclose(theory.momentum_rate(a, b, c), radius, rtol=1e-6, atol=1e-7)


def test_momentum_rate_matches_a_real_run():
    q = Quadratic(condition_number=100)
    lr, beta = 1.0, 0.7
    result = run(SGD(lr=lr, momentum=beta), q, q.x0, steps=400)
    distance = np.linalg.norm(result.path - q.center, axis=-1)
    measured = (distance[400] / distance[200]) ** (1 / 200)
    predicted = theory.momentum_rate(lr, beta, q.eigenvalues).max()
    np.testing.assert_allclose(measured, predicted, rtol=1e-2)


def test_momentum_rate_broadcasts_over_a_grid():
    lrs, betas = np.geomspace(1e-3, 4, 200), np.linspace(0, 0.999, 100)
    rates = theory.momentum_rate(lrs[:, None, None], betas[None, :, None], [0.01, 1.0]).max(-1)
    assert rates.shape == (200, 100)


def test_momentum_optimal_is_the_best_point_of_the_rate_map():
    mu, L = 0.01, 1.0
    lr_star, beta_star, rate_star = theory.momentum_optimal(mu, L)
    np.testing.assert_allclose(rate_star, (10 - 1) / (10 + 1))
    lrs, betas = np.linspace(0.5, 6, 551), np.linspace(0.4, 0.95, 551)
    rates = theory.momentum_rate(lrs[:, None, None], betas[None, :, None], [mu, L]).max(-1)
    i, j = np.unravel_index(rates.argmin(), rates.shape)
    assert abs(lrs[i] - lr_star) < 0.02 and abs(betas[j] - beta_star) < 0.002
    assert rates.min() >= rate_star - 1e-9


def test_l2_minimum_is_where_the_penalised_gradient_vanishes():
    """Against torch's autograd of f(θ) + λ/2 |θ|² itself: zero gradient at the point returned,
    which for λ = 0 is the quadratic's own centre and moves towards 0 as λ grows."""
    import torch

    from helpers.theory import l2_minimum

    rng = np.random.default_rng(7)
    a = rng.normal(size=(3, 3))
    hessian, center = a @ a.T + 0.5 * np.eye(3), rng.normal(size=3)
    for lam in (0.0, 0.3, 5.0):
        point = torch.tensor(l2_minimum(hessian, center, lam), requires_grad=True)
        h, c = torch.tensor(hessian), torch.tensor(center)
        value = 0.5 * (point - c) @ h @ (point - c) + lam / 2 * point @ point
        (gradient,) = torch.autograd.grad(value, point)
        assert torch.linalg.norm(gradient) < 1e-10, (lam, gradient)
    np.testing.assert_allclose(l2_minimum(hessian, center, 0.0), center)
    norms = [np.linalg.norm(l2_minimum(hessian, center, lam)) for lam in (0.0, 1.0, 10.0)]
    assert norms[0] > norms[1] > norms[2]
