"""helpers.minibatch: the noise of mini-batch gradients (theory against measurement), the noise
ball, and the PyTorch cost measurements."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers import LinearRegression
from helpers.data import linear_data
from helpers.hardware import mlp, samples_per_second, saved_activation_bytes
from helpers.minibatch import (
    MinibatchGradient,
    gradient_noise,
    measure_minibatch_variance,
    sample_order,
    sgd_one_sample,
)
from helpers.theory import minibatch_variance, noise_ball, noise_ball_gap


@pytest.fixture(scope="module")
def loss():
    data = linear_data()
    return LinearRegression(data.x, data.y)


def test_gradient_noise_is_the_covariance_of_the_per_sample_gradients(loss):
    theta = np.array([1.0, 0.5])
    sigma = gradient_noise(loss, theta)
    per_sample = loss.sample_grads(theta)
    np.testing.assert_allclose(sigma, np.cov(per_sample.T, bias=True), rtol=1e-10)
    sigma2 = np.mean(np.sum((per_sample - loss.grad(theta)) ** 2, axis=1))
    assert np.trace(sigma) == pytest.approx(sigma2, rel=1e-12)


def test_minibatch_variance_formula(loss):
    assert minibatch_variance(2.0, 1000, 1) == pytest.approx(2.0)
    assert minibatch_variance(2.0, 1000, 1000) == 0
    np.testing.assert_allclose(
        minibatch_variance(1.0, 100, np.array([1, 10, 50])), [1.0, 0.1 * 90 / 99, 0.02 * 50 / 99]
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_measured_variance_agrees_with_the_formula(loss, seed):
    theta = np.array([0.0, 0.0])
    sigma2 = np.trace(gradient_noise(loss, theta))
    sizes = [1, 3, 16, 100, 512]
    measured = measure_minibatch_variance(loss, theta, sizes + [loss.n], seed=seed)
    for B in sizes:
        assert measured[B] == pytest.approx(minibatch_variance(sigma2, loss.n, B), rel=0.1), B
    assert measured[1] == pytest.approx(sigma2, rel=1e-12)  # B = 1: whole epochs, every sample
    assert measured[loss.n] < 1e-20


def test_measured_variance_rejects_a_batch_larger_than_the_data(loss):
    with pytest.raises(ValueError, match="batch_size=1001"):
        measure_minibatch_variance(loss, [0.0, 0.0], [1001])


def test_noise_ball_solves_the_lyapunov_equation(loss):
    for lr, B in [(0.1, 1), (0.02, 1), (0.3, 64)]:
        C = noise_ball(loss, lr, B)
        H = loss.hessian
        sigma_b = gradient_noise(loss, loss.minima[0]) / B * (loss.n - B) / (loss.n - 1)
        np.testing.assert_allclose(H @ C + C @ H, lr * sigma_b, atol=1e-15)
        assert np.all(np.linalg.eigvalsh(C) > 0)
    np.testing.assert_allclose(noise_ball(loss, 0.2), 2 * noise_ball(loss, 0.1))
    noise = np.trace(gradient_noise(loss, loss.minima[0]))
    assert noise_ball_gap(loss, 0.1) == pytest.approx(0.1 * noise / 4, rel=1e-12)
    assert noise_ball_gap(loss, 0.1, 10) == pytest.approx(0.1 * noise / 40 * 990 / 999, rel=1e-12)
    assert noise_ball_gap(loss, 0.1, loss.n) == 0


def test_noise_ball_matches_sgd_for_small_learning_rates(loss):
    """200 SGD runs started at θ*: their mean excess loss after settling is η·tr Σ*/4 (±10 %)."""
    runs, steps, lr = 200, 3000, 0.025
    order = sample_order(MinibatchGradient(loss, 1, seed=5, runs=runs), steps)
    paths = sgd_one_sample(loss.x[order], loss.y[order], np.full(steps, lr), loss.minima[0])
    excess = (loss.value(paths[1000:]) - loss.min_value).mean()
    assert excess == pytest.approx(noise_ball_gap(loss, lr), rel=0.1)


def test_samples_per_second_measures_and_restores_the_threads(two_threads):
    speed = samples_per_second(
        lambda: nn.Linear(1, 1), 1, [1, 64], repeats=3, seconds_per_repeat=0.002
    )
    assert torch.get_num_threads() == 2
    assert set(speed) == {1, 64} and all(s > 0 for s in speed.values())
    assert speed[64] > 5 * speed[1]  # a batch of 64 shares one step's fixed cost


def test_saved_activations_grow_in_proportion_to_the_batch():
    per_sample = 4 * (32 + 256 + 256)  # float32 input and the two hidden layers' outputs
    for B in (1, 7, 256, 1000):
        assert saved_activation_bytes(mlp(), 32, B) == B * per_sample
    conv = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())
    assert saved_activation_bytes(conv, (3, 8, 8), 2) == 2 * 4 * (3 * 64 + 4 * 64)


def test_mlp_maps_features_to_one_output():
    assert mlp(features=5, hidden=8)(torch.zeros(3, 5)).shape == (3, 1)
