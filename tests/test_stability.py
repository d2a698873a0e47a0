"""helpers.stability: sharpness by power iteration against explicit Hessians, the thresholds
against the closed-form rates of notebook 05, and the training loops against torch.optim."""

import math

import numpy as np
import pytest
import torch

from helpers import theory
from helpers.stability import (
    dense_hessian,
    edge_runs,
    edge_summary,
    hessian_vector_product,
    init_weights,
    mlp_losses,
    regression_data,
    sharpness,
    threshold,
    track_sharpness,
)

SIZES = (3, 6, 5, 1)  # a tiny net: 24 + 6 + 30 + 5 + 5 + 1 = 71 weights


def flat_loss(weights, x, y):
    """The loss of run 0 as a function of one flat vector, for torch.autograd.functional."""
    shapes = [w.shape[1:] for w in weights]
    sizes = [math.prod(s) for s in shapes]

    def loss(flat):
        parts = flat.split(sizes)
        return mlp_losses([p.reshape(1, *s) for p, s in zip(parts, shapes, strict=True)], x, y)[0]

    return loss, torch.cat([w[0].flatten() for w in weights])


def explicit_hessian(weights, x, y):
    loss, flat = flat_loss(weights, x, y)
    return torch.autograd.functional.hessian(loss, flat)


@pytest.fixture(scope="module")
def tiny():
    x, y = regression_data(n=40, dim=3, seed=3, dtype=torch.float64)
    weights = init_weights(SIZES, seed=4, runs=1, dtype=torch.float64)
    return weights, x, y


def test_hessian_vector_product_is_the_explicit_hessian_times_v(tiny):
    weights, x, y = tiny
    hessian = explicit_hessian(weights, x, y)
    v = [
        torch.randn(w.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
        for w in weights
    ]
    hv = hessian_vector_product(weights, x, y, v)
    flat_v = torch.cat([t[0].flatten() for t in v])
    np.testing.assert_allclose(
        torch.cat([t[0].flatten() for t in hv]).numpy(), (hessian @ flat_v).numpy(), rtol=1e-10
    )


def test_power_iteration_finds_the_largest_eigenvalue(tiny):
    weights, x, y = tiny
    eigenvalues = torch.linalg.eigvalsh(explicit_hessian(weights, x, y)).numpy()
    assert eigenvalues[-1] > abs(eigenvalues[0])  # the top one is positive and dominates
    value, _ = sharpness(weights, x, y, iterations=300)
    assert value.shape == (1,)
    np.testing.assert_allclose(value.item(), eigenvalues[-1], rtol=1e-6)
    rough, _ = sharpness(weights, x, y, iterations=2)
    assert abs(rough.item() - eigenvalues[-1]) > 1e-6 * eigenvalues[-1]  # the test can fail


def test_preconditioned_sharpness_is_the_top_eigenvalue_of_p_inverse_h(tiny):
    weights, x, y = tiny
    generator = torch.Generator().manual_seed(2)
    precond = [0.1 + torch.rand(w.shape, dtype=torch.float64, generator=generator) for w in weights]
    scale = [p.rsqrt() for p in precond]
    p_flat = torch.cat([p[0].flatten() for p in precond])
    pinv_h = explicit_hessian(weights, x, y) / p_flat[:, None]  # P⁻¹H, not symmetric
    top = torch.linalg.eigvals(pinv_h).real.max().item()
    value, _ = sharpness(weights, x, y, iterations=400, scale=scale)
    np.testing.assert_allclose(value.item(), top, rtol=1e-6)
    plain, _ = sharpness(weights, x, y, iterations=400)
    assert abs(plain.item() - top) > 0.05 * top  # preconditioning changes the answer


def test_runs_are_independent_and_batched(tiny):
    """Three runs at once give each run's own sharpness, as if computed alone."""
    weights, x, y = tiny
    other = init_weights(SIZES, seed=9, runs=1, dtype=torch.float64)
    both = [torch.cat([a, b, a]) for a, b in zip(weights, other, strict=True)]
    values, _ = sharpness(both, x, y, iterations=150)
    alone = [sharpness(w, x, y, iterations=150)[0].item() for w in (weights, other)]
    np.testing.assert_allclose(values.numpy(), [alone[0], alone[1], alone[0]], rtol=1e-6)
    assert not np.isclose(alone[0], alone[1])


def test_thresholds_are_the_borders_of_the_closed_form_rates():
    """At the threshold, the heavy-ball rate on a quadratic of that curvature is exactly 1
    (notebook 05's closed form), just below it < 1: 2/η, 2(1+β)/η, and for Adam's EMA
    momentum (heavy ball at lr (1 − β₁)η) 38/η."""
    for lr, beta in [(0.1, 0.0), (0.07, 0.5), (0.2, 0.8)]:
        border = threshold("gd", lr, beta)
        assert theory.momentum_rate(lr, beta, border) == pytest.approx(1, abs=1e-9)
        assert theory.momentum_rate(lr, beta, 0.99 * border) < 1
        assert theory.momentum_rate(lr, beta, 1.01 * border) > 1
    assert threshold("gd", 0.1) == pytest.approx(2 / 0.1)
    lr = 0.002
    border = threshold("adam", lr, 0.9)
    assert border == pytest.approx(38 / lr)
    assert theory.momentum_rate((1 - 0.9) * lr, 0.9, border) == pytest.approx(1, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"optimizer": "sgd", "lr": 0.1}, "optimizer"),
        ({"optimizer": "gd", "lr": 0.0}, "lr"),
        ({"optimizer": "gd", "lr": 0.1, "beta": 1.0}, "beta"),
    ],
)
def test_threshold_rejects_bad_input(kwargs, says):
    with pytest.raises(ValueError, match=says):
        threshold(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"optimizer": "lion"}, "optimizer"),
        ({"steps": 0}, "steps"),
        ({"every": 0}, "every"),
        ({"iterations": 0}, "iterations"),
        ({"lrs": (-0.1,)}, "lr"),
        ({"betas": (1.0,)}, "beta"),
        ({"lr_schedule": 0.5}, "lr_schedule"),
        ({"beta2": 1.0}, "beta2"),
        ({"lrs": ()}, "at least one"),
    ],
)
def test_track_sharpness_rejects_bad_input(kwargs, says):
    with pytest.raises(ValueError, match=says):
        track_sharpness(**{"steps": 2, "progress": False, **kwargs})


def small_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 1),
    )  # fmt: skip


def torch_run(make_optimizer, lr_at, steps=30):
    """The same training with torch.nn and torch.optim, from the same initial weights."""
    x, y = regression_data(n=50, dim=5, seed=0, dtype=torch.float64)
    net = small_net().double()
    start = init_weights((5, 8, 8, 1), seed=0, runs=1, dtype=torch.float64)
    with torch.no_grad():
        for layer, w, b in zip(net[::2], start[::2], start[1::2], strict=True):
            layer.weight.copy_(w[0].T)
            layer.bias.copy_(b[0, 0])
    optimizer = make_optimizer(net.parameters())
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: lr_at(i + 1))
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x).squeeze(-1), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        scheduler.step()
    losses.append(torch.nn.functional.mse_loss(net(x).squeeze(-1), y).item())
    return np.array(losses)


@pytest.mark.parametrize(
    ("optimizer", "beta", "make"),
    [
        ("gd", 0.0, lambda p: torch.optim.SGD(p, lr=0.3)),
        ("gd", 0.8, lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.8)),
        ("adam", 0.9, lambda p: torch.optim.Adam(p, lr=0.3, betas=(0.9, 0.999))),
    ],
)
@pytest.mark.parametrize("warmup", [0, 10])
def test_training_matches_torch_optim_step_for_step(optimizer, beta, make, warmup):
    lr_at = (lambda t: min(1.0, t / warmup)) if warmup else (lambda t: 1.0)
    ours = track_sharpness(
        optimizer, (0.3,), (beta,), (0,), steps=30, every=100, width=8, depth=2, n=50,
        lr_schedule=lr_at if warmup else None, dtype=torch.float64, progress=False,
    )  # fmt: skip
    np.testing.assert_allclose(ours.losses[:, 0], torch_run(make, lr_at), rtol=1e-10)


def test_dense_hessian_is_torch_autograd_functional_hessian(tiny):
    weights, x, y = tiny
    np.testing.assert_allclose(
        dense_hessian(weights, x, y, chunk=16).numpy(),
        explicit_hessian(weights, x, y).numpy(),
        rtol=1e-9,
        atol=1e-12,
    )


def test_edge_summary_on_a_made_up_run():
    """A sharpness that rises to the threshold at step 20 and hovers within ±5 %."""
    runs = track_sharpness("gd", (0.1,), steps=5, every=1, progress=False)
    measured = np.arange(0, 101, 10)
    ratio = np.array([0.1, 0.5, 0.97, 1.04, 0.96, 1.03, 0.98, 1.02, 0.99, 1.01, 1.0])
    runs.measured, runs.sharpness = measured, (ratio * 20.0)[:, None]
    runs.losses = np.linspace(1, 0.1, 101)[:, None].copy()
    runs.losses[50] = 0.9  # one spike: the loss rises once (step 49 → 50), then falls
    summary = edge_summary(runs, tolerance=0.05)
    assert summary["reached_at"][0] == 20 and summary["stayed"][0] == 80
    assert summary["within"][0] == 1.0 and summary["rises"][0] == 1
    assert summary["start"][0] == pytest.approx(0.1)
    assert edge_summary(runs, tolerance=0.02)["within"][0] < 1
    with pytest.raises(ValueError, match="tolerance"):
        edge_summary(runs, tolerance=1.5)


def test_edge_runs_is_cached_and_index_finds_runs():
    a = edge_runs("gd", (0.1, 0.2), (0.0,), (0,), steps=3, every=1, progress=False)
    b = edge_runs("gd", [0.1, 0.2], [0.0], [0], steps=3, every=1, progress=False)
    assert a is b
    assert a.index(0.2) == 1 and a.lrs[a.index(0.1)] == 0.1
    with pytest.raises(ValueError, match="no run has lr=0.3"):
        a.index(0.3)
