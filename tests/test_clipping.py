"""Gradient clipping: the same gradients and norm as torch.nn.utils.clip_grad_norm_."""

import math

import numpy as np
import pytest
import torch

from helpers.clipping import clip_grad_norm, clip_per_run, global_norm


def some_gradients(scale, seed=0):
    rng = np.random.default_rng(seed)
    return [scale * rng.normal(size=shape) for shape in [(4, 3), (3,), (2, 2, 5), (1,)]]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.0, 0.5, 1.0, 1e3])
@pytest.mark.parametrize("scale", [1e-8, 1.0, 100.0])
def test_same_as_torch(norm_type, max_norm, scale):
    grads = some_gradients(scale)
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.from_numpy(g.copy())
    torch_norm = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    clipped, norm = clip_grad_norm(grads, max_norm, norm_type=norm_type)
    assert norm == pytest.approx(torch_norm.item(), rel=1e-12)
    for ours, p in zip(clipped, params, strict=True):
        np.testing.assert_allclose(ours, p.grad.numpy(), rtol=1e-12, atol=0)


def test_clipping_keeps_the_direction_and_caps_the_length():
    grads = some_gradients(10.0)
    clipped, norm = clip_grad_norm(grads, 1.0)
    assert norm > 1 and global_norm(clipped) == pytest.approx(1.0, rel=1e-5)
    flat, flat_clipped = (
        np.concatenate([g.ravel() for g in grads]),
        np.concatenate([g.ravel() for g in clipped]),
    )
    np.testing.assert_allclose(flat_clipped, flat / np.linalg.norm(flat), rtol=1e-5)
    small = some_gradients(0.01)
    unchanged, _ = clip_grad_norm(small, 1.0)
    for a, b in zip(small, unchanged, strict=True):
        np.testing.assert_allclose(a, b)


def test_per_run_clipping_clips_each_run_alone():
    g = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    out = clip_per_run(g, 1.0)
    np.testing.assert_allclose(out[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(out[1], g[1])
    np.testing.assert_array_equal(out[2], [0.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        (dict(max_norm=-1.0), r"max_norm=-1.0 is outside its valid range \[0, inf\)"),
        (dict(max_norm=1.0, norm_type=0), r"norm_type=0 is outside its valid range \(0, inf\]"),
    ],
)
def test_bad_input_is_named(kwargs, says):
    with pytest.raises(ValueError, match=says):
        clip_grad_norm(some_gradients(1.0), **kwargs)


def test_a_nan_gradient_is_reported_when_asked():
    grads = some_gradients(1.0)
    grads[1][0] = np.nan
    with pytest.raises(ValueError, match="is nan: a gradient is NaN or infinite"):
        clip_grad_norm(grads, 1.0, error_if_nonfinite=True)
