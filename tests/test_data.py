import numpy as np
import pytest

from helpers.data import linear_data
from helpers.minibatch import MiniBatches


def test_linear_data_are_the_tutorials_draws():
    np.random.seed(42)  # noqa: NPY002 -- exactly what the PyTorch mini-batch tutorial runs
    X = np.random.rand(1000, 1)  # noqa: NPY002
    y = 3 * X + 2 + np.random.randn(1000, 1) * 0.1  # noqa: NPY002
    data = linear_data()
    np.testing.assert_array_equal(data.x, X.ravel())
    np.testing.assert_array_equal(data.y, y.ravel())
    assert (data.w, data.b, data.noise) == (3.0, 2.0, 0.1)


@pytest.mark.parametrize(
    ("n", "batch_size", "drop_last", "iterations", "last"),
    [
        (1000, 128, False, 8, 104),
        (1000, 128, True, 7, 128),
        (1000, 1000, False, 1, 1000),
        (1000, 1, False, 1000, 1),
        (10, 3, False, 4, 1),
    ],
)
def test_an_epoch_is_one_pass_in_ceil_n_over_b_iterations(
    n, batch_size, drop_last, iterations, last
):
    batches = MiniBatches(n, batch_size, drop_last=drop_last, seed=3)
    epoch = batches.epoch(1)
    assert batches.iterations_per_epoch == iterations == len(epoch)
    assert len(epoch[-1]) == last
    seen = np.concatenate(epoch)
    assert len(np.unique(seen)) == len(seen)  # no sample twice in an epoch
    if not drop_last:
        assert sorted(seen) == list(range(n))  # every sample once


def test_take_numbers_epochs_and_iterations_and_reshuffles():
    batches = MiniBatches(10, 4, seed=0)
    taken = list(batches.take(epochs=3))
    assert [b.epoch for b in taken] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert [b.iteration for b in taken] == list(range(1, 10))
    assert not np.array_equal(batches.order(1), batches.order(2))  # reshuffled per epoch
    again = list(MiniBatches(10, 4, seed=0).take(epochs=3))
    assert all(np.array_equal(a.index, b.index) for a, b in zip(taken, again, strict=True))
    assert np.array_equal(MiniBatches(10, 4, shuffle=False).order(5), np.arange(10))


@pytest.mark.parametrize("batch_size", [0, -1, 1001, 2.5])
def test_bad_batch_size_is_named_with_its_range(batch_size):
    with pytest.raises(ValueError, match=r"batch_size=.* valid range: an integer in \[1, 1000\]"):
        MiniBatches(1000, batch_size)
