import numpy as np
import pytest

from helpers import SGD, LinearRegression, run
from helpers.data import linear_data
from helpers.minibatch import MinibatchGradient


@pytest.fixture(scope="module")
def loss():
    data = linear_data()
    return LinearRegression(data.x, data.y)


def test_full_batch_is_the_full_gradient(loss):
    gradient = MinibatchGradient(loss, batch_size=loss.n)
    theta = np.array([0.5, -1.0])
    np.testing.assert_allclose(gradient(theta, 1), loss.grad(theta), rtol=1e-10)
    batched = run(SGD(lr=0.3), loss, [0.0, 0.0], 50, gradient=gradient)
    np.testing.assert_allclose(
        batched.path, run(SGD(lr=0.3), loss, [0.0, 0.0], 50).path, rtol=1e-10
    )


@pytest.mark.parametrize("batch_size", [1, 8, 100, 128])
def test_an_epoch_averages_to_the_full_gradient_and_uses_every_sample_once(loss, batch_size):
    gradient = MinibatchGradient(loss, batch_size, seed=3)
    k = gradient.iterations_per_epoch
    assert k == -(-loss.n // batch_size)
    indices = [gradient.index(t) for t in range(k + 1, 2 * k + 1)]  # the whole of epoch 2
    assert gradient.epoch_of(k + 1) == gradient.epoch_of(2 * k) == 2
    assert sorted(np.concatenate(indices)) == list(range(loss.n))
    theta = np.array([1.0, 1.0])
    weighted = sum(len(i) * loss.batch_grad(theta, i) for i in indices) / loss.n
    np.testing.assert_allclose(weighted, loss.grad(theta), rtol=1e-9)


def test_vectorised_runs_equal_separate_runs_with_their_own_seeds(loss):
    runs = 4
    together = run(
        SGD(lr=0.05),
        loss,
        np.zeros((runs, 2)),
        120,
        gradient=MinibatchGradient(loss, 16, seed=7, runs=runs),
    )
    for r in range(runs):
        alone = run(
            SGD(lr=0.05), loss, np.zeros(2), 120, gradient=MinibatchGradient(loss, 16, seed=(7, r))
        )
        np.testing.assert_allclose(together.path[:, r], alone.path, rtol=1e-12)
    assert not np.allclose(together.path[-1, 0], together.path[-1, 1])  # different batches


def test_sgd_with_batch_size_one_is_unbiased_but_noisy(loss):
    """Many SGD runs end scattered around the minimum: unbiased on average, noisy each."""
    result = run(
        SGD(lr=0.02),
        loss,
        np.zeros((200, 2)),
        4000,
        gradient=MinibatchGradient(loss, 1, seed=0, runs=200),
    )
    final = result.path[-1]
    spread = final.std(axis=0)
    assert np.all(spread > 1e-3)  # noisy
    np.testing.assert_allclose(final.mean(axis=0), loss.minima[0], atol=3 * spread.max())
