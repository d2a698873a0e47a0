"""helpers.modern: the batched network trainer is an ordinary torch training loop, runs side by
side do not interact, the tuning protocol keeps the best η off the grid's edges, and the memory
counts are the buffers torch allocates."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from helpers import optimizers
from helpers.modern import (
    CONTENDERS,
    MatrixRegression,
    state_floats,
    tie,
    train_batch,
    tune,
)
from helpers.networks import make_mlp, two_spirals

DATA = (two_spirals(400, seed=0), two_spirals(400, seed=1))


@pytest.fixture
def float64_torch():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # torch's scalar state (NAdam's μ product) in float64
    yield
    torch.set_default_dtype(previous)


def torch_loop(make, lr, seed, steps, clip=1.0, warmup=25):
    """The recipe as a plain torch loop: warm-up only (schedule="constant"), clipping."""
    model = make_mlp(seed=seed).double()
    opt = make(model.parameters(), lr)
    x, y = DATA[0][0].double(), DATA[0][1].double()
    generator, order, losses = torch.Generator().manual_seed(seed), torch.empty(0, dtype=int), []
    for k in range(steps):
        if len(order) < 32:
            order = torch.randperm(400, generator=generator)
        index, order = order[:32], order[32:]
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, (k + 1) / warmup)
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x[index]), y[index])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


REFERENCES = {
    "AdamW": lambda p, lr: torch.optim.AdamW(p, lr=lr, betas=(0.9, 0.95), weight_decay=0.01),
    "NAdam": lambda p, lr: torch.optim.NAdam(p, lr=lr),
    "RAdam": lambda p, lr: torch.optim.RAdam(p, lr=lr),
    # biases are vectors for torch, (m, 1) matrices for the batched trainer: the same v
    "Adafactor": lambda p, lr: torch.optim.Adafactor(p, lr=lr),
}


@pytest.mark.parametrize("name", REFERENCES)
def test_batched_training_is_a_torch_training_loop(float64_torch, name):
    batch = train_batch(name, [0.05, 0.2], [3, 4], DATA, steps=40, schedule="constant")
    for r, (lr, seed) in enumerate([(0.05, 3), (0.2, 4)]):
        expected = torch_loop(REFERENCES[name], lr, seed, 40)
        # float64 both, but summation orders differ (bmm against linear), and a network at
        # η = 0.2 amplifies a rounding difference of 1e-16 to ~1e-9 in 40 steps
        np.testing.assert_allclose(batch.losses[:5, r], expected[:5], rtol=1e-12)
        np.testing.assert_allclose(batch.losses[:, r], expected, rtol=1e-7)


@pytest.mark.parametrize("name", list(CONTENDERS))
def test_runs_side_by_side_do_not_interact(name):
    together = train_batch(name, [0.03, 0.1], [5, 6], DATA, steps=30)
    alone = train_batch(name, [0.1], [6], DATA, steps=30)
    np.testing.assert_allclose(together.losses[:, 1], alone.losses[:, 0], rtol=1e-9)
    np.testing.assert_allclose(together.final_loss[1], alone.final_loss[0], rtol=1e-9)
    assert together.curve.shape == (3, 2)


def test_a_cosine_planned_for_longer_has_not_decayed():
    right = train_batch("AdamW", [0.2], [1], DATA, steps=60)
    longer = train_batch("AdamW", [0.2], [1], DATA, steps=60, horizon=240)
    assert not np.allclose(right.losses, longer.losses)
    np.testing.assert_allclose(right.losses[:26], longer.losses[:26], rtol=1e-12)  # same warm-up


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        (dict(schedule="linear"), "schedule='linear' is not one of"),
        (dict(horizon=10), r"horizon=10 is outside its valid range: an integer in \[steps, inf\)"),
    ],
)
def test_bad_input_is_named(kwargs, says):
    with pytest.raises(ValueError, match=says):
        train_batch("AdamW", [0.1], [0], DATA, steps=20, **kwargs)


def test_tuning_widens_until_the_best_is_inside():
    tuning = tune("AdamW", DATA, steps=30, points=3, centre=1e-4, progress=False)
    assert tuning.widened >= 1  # η = 1e-4 is far too small for 30 steps: the grid grows up
    assert tuning.lrs[0] < tuning.best_lr <= tuning.lrs[-1]
    assert tuning.best.test_accuracy.shape == (3,)  # the evaluation seeds at the best η
    assert set(tuning.best.seeds) == {3, 4, 5} and np.all(tuning.best.lrs == tuning.best_lr)


def test_tie_is_two_standard_errors():
    a = np.array([0.90, 0.92, 0.94])
    assert tie(a, a + 0.01) and not tie(a, a + 0.2)


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        ("Adam", optimizers.Adam()),
        ("NAdam", optimizers.NAdam()),
        ("RAdam", optimizers.RAdam()),
        ("Adafactor", optimizers.Adafactor()),
        ("Muon", optimizers.Muon()),
    ],
)
def test_memory_counts_are_torchs_buffers(name, ours):
    w = torch.zeros(24, 40, requires_grad=True)
    opt = getattr(torch.optim, name)([w])
    w.grad = torch.ones_like(w)
    opt.step()
    kept = sum(v.numel() for k, v in opt.state[w].items() if k not in ("step", "mu_product"))
    assert kept == state_floats(ours, (24, 40))


def test_matrix_regression_gradient_is_autograds():
    problem = MatrixRegression(condition=100, seed=2)
    w = np.random.default_rng(0).normal(size=(3, 8, 4))
    t = torch.tensor(w, requires_grad=True)
    r = torch.einsum("ni,rio->rno", torch.tensor(problem.x), t) - torch.tensor(problem.y)
    (0.5 * (r**2).sum(-1).mean(-1)).sum().backward()
    np.testing.assert_allclose(problem.grad(w), t.grad.numpy(), rtol=1e-10)
    eigenvalues = np.linalg.eigvalsh(problem.x.T @ problem.x / problem.n)
    assert 50 < eigenvalues.max() / eigenvalues.min() < 200  # the condition asked for
    with pytest.raises(ValueError, match=r"condition=0.5 is outside its valid range \[1, inf\)"):
        MatrixRegression(condition=0.5)


def test_curves_cut_at_the_ceiling_say_where():
    from helpers.plots.modern import curves

    steps = np.arange(11, dtype=float)
    up_and_down = np.where((steps >= 3) & (steps <= 6), 1e14, 1.0 / (1 + steps))
    figure = curves({"GD": up_and_down, "Adam": 1.0 / (1 + steps)}, ceiling=10.0)
    ax = figure.axes[0]
    assert ax.get_ylim()[1] == 10.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["GD (above the chart at steps 3–6)", "Adam"]


def test_the_newton_schulz_picture_draws_each_value_and_what_five_steps_make_of_it():
    """Blue at (σ, σ) on the identity, as the explorer draws it, red at (σ, σ after 5 steps),
    the latter from the singular values of newton_schulz applied to a matrix with those σ."""
    from helpers.optimizers import newton_schulz
    from helpers.plots.modern import newton_schulz_polynomial

    sigma = np.array([2.0, 0.7, 0.05, 0.01])
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.normal(size=(6, 4)))
    v, _ = np.linalg.qr(rng.normal(size=(5, 4)))
    g = u @ np.diag(sigma) @ v.T
    after = np.linalg.svd(newton_schulz(g, eps=0.0), compute_uv=False)[:4]  # (the 5th is 0)
    dots = newton_schulz_polynomial(sigma).axes[1]
    lines = {line.get_label(): line.get_xydata() for line in dots.get_lines()}
    before = lines["before (σ)"]
    np.testing.assert_allclose(before[:, 0], sigma / np.linalg.norm(sigma))
    np.testing.assert_allclose(before[:, 1], before[:, 0])
    np.testing.assert_allclose(np.sort(lines["after 5 steps"][:, 1]), np.sort(after), rtol=1e-9)
