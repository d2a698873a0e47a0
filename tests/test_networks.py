import numpy as np
import pytest
import torch

from helpers.networks import (
    MLP,
    accuracy,
    filter_normalized_direction,
    interpolation,
    loss_fn,
    loss_surface,
    make_mlp,
    train,
    two_spirals,
)


@pytest.fixture(scope="module")
def spirals():
    return two_spirals()


@pytest.fixture(scope="module")
def trained(spirals):
    """The default MLP after 300 full-batch Adam steps, with its initial copy and losses."""
    x, y = spirals
    model = make_mlp(seed=0)
    losses = train(model, x, y, torch.optim.Adam(model.parameters(), lr=0.01), epochs=300)
    return make_mlp(seed=0), model, losses


# --- data -----------------------------------------------------------------------------------
def test_spirals_have_the_promised_shapes_range_and_balance(spirals):
    x, y = spirals
    assert x.shape == (400, 2) and y.shape == (400,)
    assert x.dtype == y.dtype == torch.float32
    assert set(y.tolist()) == {0.0, 1.0} and y.sum().item() == 200
    assert x.abs().max().item() <= 1.2
    assert 0.3 < y[:100].mean().item() < 0.7  # shuffled: a slice holds both classes
    _, y_odd = two_spirals(n=7)
    assert y_odd.sum().item() == 4


def test_spirals_are_deterministic_per_seed_and_differ_between_seeds():
    x0, y0 = two_spirals(seed=0)
    x1, y1 = two_spirals(seed=0)
    assert torch.equal(x0, x1) and torch.equal(y0, y1)
    x2, _ = two_spirals(seed=1)
    assert not torch.allclose(x0, x2)


def test_spirals_do_not_touch_the_global_random_state():
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()  # noqa: NPY002
    two_spirals(seed=5)
    make_mlp(seed=5)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()  # noqa: NPY002


def test_no_straight_line_separates_the_spirals(spirals):
    """The best linear classifier, found by brute force over directions and thresholds."""
    x, y = spirals[0].double().numpy(), spirals[1].numpy()
    best = 0.0
    for angle in np.linspace(0, np.pi, 180, endpoint=False):
        order = np.argsort(x @ [np.cos(angle), np.sin(angle)])
        labels = y[order]
        # predict 0 below the cut and 1 above, for every cut position (and the reverse)
        correct = np.cumsum(np.r_[0, 1 - labels]) + np.r_[np.cumsum(labels[::-1])[::-1], 0]
        best = max(best, correct.max() / len(y), 1 - correct.min() / len(y))
    assert 0.55 < best < 0.70
    linear = make_mlp(seed=0, depth=0)
    train(linear, *spirals, torch.optim.Adam(linear.parameters(), lr=0.05), epochs=200)
    assert accuracy(linear, *spirals) < 0.70


# --- model and training ---------------------------------------------------------------------
def test_mlp_shapes_and_seeded_initialisation():
    model = make_mlp(seed=3, hidden=8, depth=3)
    assert model(torch.zeros(5, 2)).shape == (5,)
    assert sum(p.numel() for p in model.parameters()) == (2 * 8 + 8) + 2 * (8 * 8 + 8) + 9
    assert sum(p.numel() for p in make_mlp().parameters()) == 1185
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        reference = MLP(hidden=8, depth=3)
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(p, q)
    other = make_mlp(seed=4, hidden=8, depth=3)
    assert not torch.equal(model.layers[0].weight, other.layers[0].weight)


def test_the_mlp_fits_the_spirals_and_its_loss_falls(spirals, trained):
    start, model, losses = trained
    assert len(losses) == 300 and all(isinstance(v, float) for v in losses)
    assert losses[0] == pytest.approx(loss_fn(start, *spirals), rel=1e-6)  # loss before step 1
    assert losses[-1] < losses[0] / 10
    assert accuracy(start, *spirals) < 0.75
    assert accuracy(model, *spirals) > 0.95


def test_minibatch_training_is_deterministic_and_depends_on_the_seed(spirals):
    def run(seed):
        model = make_mlp(seed=1, hidden=8)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return train(model, *spirals, optimizer, epochs=5, batch_size=64, seed=seed)

    first = run(seed=7)
    assert len(first) == 5
    assert first == run(seed=7)
    assert first != run(seed=8)


def test_epoch_loss_is_the_sample_mean_even_with_a_short_last_batch(spirals):
    model = make_mlp(seed=2, hidden=8)
    frozen = torch.optim.SGD(model.parameters(), lr=0.0)  # steps change nothing
    losses = train(model, *spirals, frozen, epochs=2, batch_size=64, progress=True)  # 6×64 + 16
    assert losses == pytest.approx([loss_fn(model, *spirals)] * 2, rel=1e-5)


def test_train_runs_single_threaded_and_restores_the_thread_count(spirals, two_threads):
    seen = []

    class Spy(torch.optim.SGD):
        def step(self, closure=None):
            seen.append(torch.get_num_threads())
            return super().step(closure)

    model = make_mlp(hidden=4)
    train(model, *spirals, Spy(model.parameters(), lr=0.1), epochs=2, progress=False)
    train(model, *spirals, Spy(model.parameters(), lr=0.1), epochs=1, threads=None)
    assert seen == [1, 1, 2] and torch.get_num_threads() == 2
    with pytest.raises(RuntimeError):  # a failing step must not leave torch single-threaded
        train(model, spirals[0][:, :1], spirals[1], Spy(model.parameters()), epochs=1)
    assert torch.get_num_threads() == 2


# --- landscapes -----------------------------------------------------------------------------
def test_interpolation_ends_are_the_two_models_and_the_middle_is_their_average(spirals, trained):
    start, end, _ = trained
    alphas = np.linspace(-0.5, 1.5, 9)  # α = 0, 0.5, 1 at indices 2, 4, 6
    losses = interpolation(start, end, *spirals, alphas)
    assert losses.shape == (9,) and losses.dtype == np.float64
    assert losses[2] == pytest.approx(loss_fn(start, *spirals), rel=1e-5)
    assert losses[6] == pytest.approx(loss_fn(end, *spirals), rel=1e-5)
    middle = make_mlp()
    with torch.no_grad():
        for p, a, b in zip(middle.parameters(), start.parameters(), end.parameters(), strict=True):
            p.copy_((a + b) / 2)
    assert losses[4] == pytest.approx(loss_fn(middle, *spirals), rel=1e-5)
    assert losses[6] < losses[2] and losses[6] < losses[8]  # trained weights sit in a valley
    assert np.array_equal(losses, interpolation(start, end, *spirals, alphas))


def test_filter_normalised_direction_matches_the_weights_row_norms(trained):
    model = trained[1]
    direction = filter_normalized_direction(model, seed=1)
    params = list(model.parameters())
    assert [d.shape for d in direction] == [p.shape for p in params]
    for d, p in zip(direction, params, strict=True):
        if p.ndim == 1:
            assert torch.count_nonzero(d) == 0
        else:
            torch.testing.assert_close(d.norm(dim=1), p.detach().norm(dim=1))
            assert not torch.allclose(d, p)  # rescaled noise, not the weights themselves
    again = filter_normalized_direction(model, seed=1)
    other = filter_normalized_direction(model, seed=2)
    assert all(torch.equal(a, b) for a, b in zip(direction, again, strict=True))
    assert not torch.equal(direction[0], other[0])


@pytest.fixture(scope="module")
def surface(spirals, trained):
    model = trained[1]
    d1 = filter_normalized_direction(model, seed=1)
    d2 = filter_normalized_direction(model, seed=2)
    return model, d1, d2, loss_surface(model, *spirals, d1, d2, span=1.0, resolution=21)


def test_loss_surface_centre_is_the_trained_loss_and_rises_outwards(spirals, surface):
    model, _, _, (alphas, betas, losses) = surface
    assert alphas.shape == betas.shape == (21,) and losses.shape == (21, 21)
    assert alphas[10] == 0 and alphas[0] == -1 and alphas[-1] == 1
    centre = losses[10, 10]
    assert centre == pytest.approx(loss_fn(model, *spirals), rel=1e-5)
    ring = np.r_[losses[0], losses[-1], losses[1:-1, 0], losses[1:-1, -1]]
    assert ring.mean() > 10 * centre
    assert losses.min() == pytest.approx(centre, rel=1e-5)  # a minimum, in this plane
    inner = losses[5:16, 5:16]
    assert inner.mean() < ring.mean()


def test_loss_surface_rows_are_b_and_columns_are_a(spirals, surface):
    model, d1, d2, (alphas, betas, losses) = surface
    i, j = 14, 3  # an off-diagonal point: swapping the axes would be caught
    moved = make_mlp()
    with torch.no_grad():
        for p, t, u, v in zip(moved.parameters(), model.parameters(), d1, d2, strict=True):
            p.copy_(t + float(alphas[i]) * u + float(betas[j]) * v)
    assert losses[j, i] == pytest.approx(loss_fn(moved, *spirals), rel=1e-4)
    assert losses[i, j] != pytest.approx(losses[j, i], rel=1e-3)
    again = loss_surface(model, *spirals, d1, d2, span=1.0, resolution=21)[2]
    assert np.array_equal(losses, again)


# --- validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, x, y, d: two_spirals(n=1), r"n=1 is outside its valid range"),
        (lambda m, x, y, d: two_spirals(n=2.5), r"n=2.5 is outside its valid range"),
        (lambda m, x, y, d: two_spirals(noise=-0.1), r"noise=-0.1 is outside"),
        (lambda m, x, y, d: make_mlp(hidden=0), r"hidden=0 is outside"),
        (
            lambda m, x, y, d: train(m, x, y, torch.optim.SGD(m.parameters()), epochs=0),
            r"epochs=0 is outside its valid range: an integer in \[1, inf\)",
        ),
        (
            lambda m, x, y, d: train(
                m, x, y, torch.optim.SGD(m.parameters()), epochs=1, batch_size=0
            ),
            r"batch_size=0 is outside its valid range: an integer in \[1, 400\]",
        ),
        (
            lambda m, x, y, d: train(
                m, x, y, torch.optim.SGD(m.parameters()), epochs=1, batch_size=401
            ),
            r"batch_size=401 is outside its valid range: an integer in \[1, 400\]",
        ),
        (
            lambda m, x, y, d: loss_surface(m, x, y, d, d, resolution=1),
            r"resolution=1 is outside its valid range: an integer in \[2, inf\)",
        ),
        (lambda m, x, y, d: loss_surface(m, x, y, d, d, span=0), r"span=0 is outside"),
        (lambda m, x, y, d: loss_surface(m, x, y, d, d, span=-1.0), r"span=-1.0 is outside"),
        (lambda m, x, y, d: loss_surface(m, x, y, d[:-1], d), r"d1 has shapes"),
        (lambda m, x, y, d: interpolation(m, make_mlp(hidden=4), x, y, [0, 1]), r"model_end"),
        (lambda m, x, y, d: interpolation(m, m, x, y, [[0, 1]]), r"alphas="),
        (lambda m, x, y, d: loss_fn(m, x, y[:-1]), r"do not match"),
        (
            lambda m, x, y, d: train(m, x, y, torch.optim.SGD(m.parameters()), epochs=1, threads=0),
            r"threads=0 is outside its valid range: an integer in \[1, inf\)",
        ),
    ],
)
def test_bad_arguments_are_named_with_their_range(spirals, call, message):
    model = make_mlp(hidden=8)
    direction = filter_normalized_direction(model, seed=0)
    with pytest.raises(ValueError, match=message):
        call(model, *spirals, direction)


# --- many networks at once, sharpness --------------------------------------------------------
def test_train_many_is_train_with_torch_optim():
    """Run r of ``train_many`` (numpy optimizers, batched) = ``train`` with the torch.optim twin."""
    from helpers.networks import flat_parameters, train_many
    from helpers.optimizers import SGD, Adam

    x, y = two_spirals(n=100, seed=3)
    many = train_many(
        [Adam(lr=np.array([0.01, 0.03])), SGD(lr=np.array([0.3]), momentum=0.9)],
        x, y, init_seeds=[1, 2, 1], order_seeds=[5, 6, 7], epochs=3, batch_size=16,
        x_test=x, y_test=y, progress=False,
    )  # fmt: skip
    twins = [
        (1, 5, lambda p: torch.optim.Adam(p, lr=0.01)),
        (2, 6, lambda p: torch.optim.Adam(p, lr=0.03)),
        (1, 7, lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.9)),
    ]
    for r, (init, order, make) in enumerate(twins):
        model = make_mlp(seed=init)
        losses = train(model, x, y, make(model.parameters()), epochs=3, batch_size=16,
                       seed=order, progress=False)  # fmt: skip
        np.testing.assert_allclose(many.losses[:, r], losses, rtol=1e-5)
        np.testing.assert_allclose(many.theta[r], flat_parameters(model), atol=1e-5)
        assert np.isclose(many.train_loss[r], loss_fn(model, x, y), rtol=1e-5)
        assert np.isclose(many.test_accuracy[r], accuracy(model, x, y))
    assert np.all(many.diverged_at == -1)


def test_train_many_freezes_a_diverged_run():
    from helpers.networks import train_many
    from helpers.optimizers import SGD

    x, y = two_spirals(n=64, seed=0)
    many = train_many(SGD(lr=np.array([0.1, 1e40])), x, y, init_seeds=[0, 0],
                      order_seeds=[0, 0], epochs=3, progress=False)  # fmt: skip
    assert many.diverged_at[0] == -1 and many.diverged_at[1] >= 0
    assert np.isnan(many.train_loss[1]) and np.isfinite(many.train_loss[0])
    with pytest.raises(ValueError, match="one seed per run"):
        train_many(SGD(lr=np.array([0.1, 0.2])), x, y, init_seeds=[0], order_seeds=[0],
                   epochs=1, progress=False)  # fmt: skip


def test_mlp_from_flat_round_trips():
    from helpers.networks import flat_parameters, mlp_from_flat

    model = make_mlp(seed=4)
    again = mlp_from_flat(flat_parameters(model))
    x, _ = two_spirals(n=20)
    assert torch.allclose(model(x), again(x))


def test_sharpness_is_the_top_hessian_eigenvalue():
    from helpers.networks import sharpness

    x, y = two_spirals(n=60, seed=2)
    model = make_mlp(seed=0, hidden=6, depth=1)
    params = list(model.parameters())
    flat = torch.cat([p.detach().flatten() for p in params]).double()

    def loss_of(theta):
        out, offset = [], 0
        for p in params:
            out.append(theta[offset : offset + p.numel()].view_as(p))
            offset += p.numel()
        w1, b1, w2, b2 = out
        logits = (torch.tanh(x.double() @ w1.T + b1) @ w2.T + b2).squeeze(-1)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, y.double())

    hessian = torch.autograd.functional.hessian(loss_of, flat)
    top = torch.linalg.eigvalsh(hessian).abs().max().item()
    assert np.isclose(sharpness(model, x, y, iterations=200), top, rtol=1e-3)
    with pytest.raises(ValueError, match="iterations"):
        sharpness(model, x, y, iterations=0)
