"""The optimizers of notebook 10 against their references, step by step, in float64.

* NAdam, RAdam, Adamax, Adafactor, Muon: ``torch.optim`` (2.13);
* Lion: ``lion-pytorch``; SGDScheduleFree, AdamWScheduleFree: ``schedulefree`` (the authors');
* Shampoo: its definition, computed independently (full-matrix AdaGrad's form with the
  Kronecker-factored statistics L ⊗ R, whose inverse fourth root torch takes by eigh).

Every option on and off, 150 steps, 1e-10 relative on θ and on every state buffer the reference
keeps. None of these runs is chaotic at the settings below, so every step is compared tightly;
the one exception is Muon against torch as shipped, which runs Newton–Schulz in bfloat16: it is
compared exactly with torch's own code run in float64 (``no_bfloat16``), and loosely, with a
bound on the drift, against bfloat16 torch.
"""

from __future__ import annotations

import itertools

import lion_pytorch
import numpy as np
import pytest
import schedulefree
import torch

from helpers import optimizers as ours

STEPS = 150
RUNS, D = 4, 3  # vector optimizers: 4 runs of a 3-parameter problem
MATRIX_SHAPES = [(2, 4, 3), (2, 3, 5)]  # matrix optimizers: 2 runs of a tall / a wide matrix


@pytest.fixture(autouse=True)
def float64_scalars():
    """torch keeps scalar state (NAdam's μ product, the step) in float32 unless the default
    dtype is float64; float64 everywhere, so that only the algorithms are compared."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def grid(**options):
    names = list(options)
    return [dict(zip(names, v, strict=True)) for v in itertools.product(*options.values())]


BETAS = [(0.9, 0.999), (0.5, 0.9)]
CASES = (
    [
        ("NAdam", c)
        for c in grid(
            lr=[0.05],
            betas=BETAS,
            eps=[1e-8, 1e-3],
            weight_decay=[0.0, 0.05],
            momentum_decay=[4e-3, 0.1],
            decoupled_weight_decay=[False, True],
        )
    ]
    + [
        ("RAdam", c)
        for c in grid(
            lr=[0.05],
            betas=BETAS,
            eps=[1e-8, 1e-3],
            weight_decay=[0.0, 0.05],
            decoupled_weight_decay=[False, True],
        )
    ]
    + [
        ("Adamax", c)
        for c in grid(lr=[0.05], betas=BETAS, eps=[1e-8, 1e-3], weight_decay=[0.0, 0.05])
    ]
    + [
        ("Lion", c)
        for c in grid(
            lr=[0.01],
            betas=[(0.9, 0.99), (0.5, 0.9)],
            weight_decay=[0.0, 0.5],
            decoupled_weight_decay=[False, True],
        )
    ]
    + [
        ("SGDScheduleFree", c)
        for c in grid(
            lr=[0.1],
            momentum=[0.9, 0.5],
            weight_decay=[0.0, 0.05],
            warmup_steps=[0, 10],
            r=[0.0, 1.0],
            weight_lr_power=[2.0, 0.0],
        )
    ]
    + [
        ("AdamWScheduleFree", c)
        for c in grid(
            lr=[0.05],
            betas=BETAS,
            eps=[1e-8, 1e-3],
            weight_decay=[0.0, 0.05],
            warmup_steps=[0, 10],
            r=[0.0, 1.0],
            weight_lr_power=[2.0, 0.0],
        )
    ]
)
ADAFACTOR_CASES = grid(
    lr=[0.05, 0.3],
    beta2_decay=[-0.8, -0.5],
    eps=[(None, 1e-3), (1e-10, 0.5)],
    d=[1.0, 3.0],
    weight_decay=[0.0, 0.05],
)
MUON_CASES = grid(
    lr=[0.02],
    weight_decay=[0.0, 0.1],
    momentum=[0.95, 0.5],
    nesterov=[True, False],
    ns_coefficients=[ours.matrix.MUON_COEFFICIENTS, (1.5, -0.5, 0.0)],  # quintic, cubic
    ns_steps=[5, 2],
    adjust_lr_fn=[None, "match_rms_adamw"],
)


def reference(name, params, kwargs):
    """The maintained implementation each of ours is compared with."""
    if name == "Lion":
        return lion_pytorch.Lion(params, **kwargs)
    if name in ("SGDScheduleFree", "AdamWScheduleFree"):
        # The pure-PyTorch loop (foreach=False) and the foreach one compute the same; the loop
        # is the one to read. The optimizer must be in train mode to step.
        opt = getattr(schedulefree, name)(params, **kwargs, foreach=False)
        opt.train()
        return opt
    return getattr(torch.optim, name)(params, **kwargs)


def gradient(theta, t, curvature, noise):
    """A gradient that depends on where the run is (a noisy, badly scaled quadratic)."""
    return curvature * (theta - 1.5) + noise[t]


def check_state(state, torch_states, step, split):
    """Every buffer the reference keeps equals ours (per run for matrix optimizers)."""
    for field, key in ours.TORCH_STATE_NAMES.items():
        value = getattr(state, field, None)
        if field == "step" or value is None or key not in torch_states[0]:
            continue
        theirs = [s[key].numpy() for s in torch_states]
        np.testing.assert_allclose(
            split(value),
            theirs,
            rtol=1e-10,
            atol=1e-300,
            err_msg=f"{field} differs at step {step}",
        )
    if "step" in torch_states[0]:
        assert state.step == int(torch_states[0]["step"]) == step
    elif "k" in torch_states[0]:  # schedulefree counts per group
        pass


def compare(name, kwargs, shape, matrix, steps=STEPS, atol_state=True):
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=shape)
    curvature = rng.uniform(0.1, 3.0, size=shape)
    noise = rng.normal(scale=0.5, size=(steps, *shape))

    mine = ours.OPTIMIZERS[name](**kwargs)
    theta, state = theta0, mine.init(theta0)
    # Vector optimizers act entry by entry, so one torch tensor holds all runs; a matrix
    # optimizer's runs are separate matrices, one torch parameter each.
    pieces = list(theta0) if matrix else [theta0]
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in pieces]
    opt = reference(name, params, kwargs)

    def split(a):
        return list(a) if matrix else [a]

    def torch_theta():
        joined = [p.detach().numpy() for p in params]
        return np.stack(joined) if matrix else joined[0]

    for t in range(steps):
        theta, state = mine.step(theta, gradient(theta, t, curvature, noise), state)
        g = gradient(torch_theta(), t, curvature, noise)
        for p, piece in zip(params, split(g), strict=True):
            p.grad = torch.from_numpy(np.array(piece))
        opt.step()
        np.testing.assert_allclose(
            theta, torch_theta(), rtol=1e-10, atol=0, err_msg=f"theta differs at step {t + 1}"
        )
        check_state(state, [opt.state[p] for p in params], t + 1, split)
        if hasattr(state, "x"):  # the evaluation point: what schedulefree's eval() computes
            beta1 = kwargs.get("momentum", kwargs.get("betas", (0.9,))[0])
            x = [torch.lerp(p.detach(), opt.state[p]["z"], 1 - 1 / beta1) for p in params]
            np.testing.assert_allclose(
                state.x, x[0].numpy(), rtol=1e-10, atol=1e-14, err_msg=f"x at step {t + 1}"
            )
    return theta


def case_id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items() if k != "lr")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vector_optimizer_matches_its_reference(case):
    name, kwargs = case
    compare(name, kwargs, (RUNS, D), matrix=False)


@pytest.mark.parametrize("shape", MATRIX_SHAPES, ids=["tall", "wide"])
@pytest.mark.parametrize("kwargs", ADAFACTOR_CASES, ids=lambda c: case_id(("Adafactor", c)))
def test_adafactor_matches_torch_on_matrices(kwargs, shape):
    compare("Adafactor", kwargs, shape, matrix=True)


@pytest.mark.parametrize("kwargs", ADAFACTOR_CASES[:8], ids=lambda c: case_id(("Adafactor", c)))
def test_adafactor_matches_torch_on_a_vector(kwargs):
    compare("Adafactor", kwargs, (5,), matrix=False)


@pytest.fixture
def no_bfloat16(monkeypatch):
    """torch.optim.Muon's own code, with its Newton–Schulz iteration run in float64.

    torch casts the direction to bfloat16 before the iteration (fast on accelerators, 3
    significant digits). Only that cast is removed: a tensor subclass whose ``bfloat16()``
    returns a float64 copy is passed in, and everything else is torch's code as shipped.
    """

    class Float64(torch.Tensor):
        def bfloat16(self):
            return self.as_subclass(torch.Tensor).clone()

    original = torch.optim._muon._zeropower_via_newtonschulz

    def in_float64(grad, *args):
        return original(grad.as_subclass(Float64), *args).as_subclass(torch.Tensor)

    monkeypatch.setattr(torch.optim._muon, "_zeropower_via_newtonschulz", in_float64)


@pytest.mark.parametrize("shape", MATRIX_SHAPES, ids=["tall", "wide"])
@pytest.mark.parametrize("kwargs", MUON_CASES, ids=lambda c: case_id(("Muon", c)))
def test_muon_matches_torch_in_float64(no_bfloat16, kwargs, shape):
    compare("Muon", kwargs, shape, matrix=True)


@pytest.mark.parametrize("shape", MATRIX_SHAPES, ids=["tall", "wide"])
def test_muon_stays_close_to_torch_in_bfloat16(shape):
    """torch as shipped: the same direction to bfloat16's ~3 digits; the paths drift apart only
    by that much per step (bounded below), since both orthogonalise the same momentum."""
    with pytest.raises(AssertionError, match="theta differs at step 1"):
        compare("Muon", {"lr": 0.02}, shape, matrix=True, steps=1)  # bfloat16 is not float64
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=shape)
    targets = rng.normal(size=shape)
    mine = ours.Muon(lr=0.02)
    theta, state = theta0, mine.init(theta0)
    params = [torch.tensor(p, requires_grad=True) for p in theta0]
    opt = torch.optim.Muon(params, lr=0.02)
    for t in range(1, 51):
        theta, state = mine.step(theta, theta - targets, state)
        for p, target in zip(params, targets, strict=True):
            p.grad = p.detach() - torch.from_numpy(target)
        opt.step()
        theirs = np.stack([p.detach().numpy() for p in params])
        moved = np.linalg.norm(theta - theta0)
        assert np.linalg.norm(theta - theirs) < 0.05 * moved, f"drift at step {t}"  # max 2.6 %


# -- Shampoo against its definition --------------------------------------------------------------
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_shampoo_is_kronecker_factored_full_matrix_adagrad(weight_decay):
    """Each step equals θ ← θ − η (L_t ⊗ R_t)^{−1/4} vec(G_t), built as one (mn) × (mn) matrix
    (row-major vec(L^{−1/4} G R^{−1/4}) = (L^{−1/4} ⊗ R^{−1/4}) vec G), whose inverse fourth
    root torch computes from ITS eigendecomposition: nothing shared with our code. Weight decay
    λ is L2, as in torch's optimizers: G_t is the gradient plus λθ."""
    m, n, lr, eps = 4, 3, 0.1, 0.5  # ε not tiny: eigh of the 12 × 12 L ⊗ R stays accurate
    rng = np.random.default_rng(3)
    A = rng.normal(size=(m, m)) + 2 * np.eye(m)
    B = rng.normal(size=(n, n))
    target = rng.normal(size=(m, n))
    noise = rng.normal(scale=0.3, size=(120, m, n))

    def grad(w, t):  # the gradient of ‖A (W − W*) B‖²/2, plus noise
        return A.T @ A @ (w - target) @ B @ B.T + noise[t]

    opt = ours.Shampoo(lr=lr, eps=eps, weight_decay=weight_decay)
    w = rng.normal(size=(m, n))
    state = opt.init(w)
    vec = torch.tensor(w.reshape(-1))
    left, right = torch.eye(m, dtype=torch.float64) * eps, torch.eye(n, dtype=torch.float64) * eps
    for t in range(120):
        w, state = opt.step(w, grad(w, t), state)
        g = torch.tensor(grad(vec.numpy().reshape(m, n), t)) + weight_decay * vec.reshape(m, n)
        left, right = left + g @ g.T, right + g.T @ g
        values, vectors = torch.linalg.eigh(torch.kron(left, right))
        preconditioner = vectors @ torch.diag(values**-0.25) @ vectors.T
        vec = vec - lr * preconditioner @ g.reshape(-1)
        # in norm: an entry passing near 0 has a large relative error of its own
        error = np.linalg.norm(w.reshape(-1) - vec.numpy()) / np.linalg.norm(vec.numpy())
        assert error < 1e-10, f"step {t + 1}: relative error {error:.1e}"
        scale = np.abs(left.numpy()).max()  # sums of products: small entries are cancellations
        np.testing.assert_allclose(state.left, left.numpy(), rtol=1e-10, atol=1e-12 * scale)
        assert state.step == t + 1


def test_shampoo_whitens_a_constant_gradient():
    """With one gradient G = U S Vᵀ repeated (ε → 0), L^{−1/4} G R^{−1/4} = U S^0 Vᵀ / √t: every
    singular value of the step becomes the same, the property Muon takes as its definition."""
    rng = np.random.default_rng(4)
    g = rng.normal(size=(5, 3)) @ np.diag([10.0, 1.0, 0.01]) @ rng.normal(size=(3, 3))
    opt = ours.Shampoo(lr=1.0, eps=1e-12)
    state = opt.init(g)
    for t in range(1, 4):
        _, state = opt.step(np.zeros_like(g), g, state)
        singular = np.linalg.svd(state.update, compute_uv=False)
        np.testing.assert_allclose(singular, 1 / np.sqrt(t), rtol=1e-6)


def test_newton_schulz_maps_singular_values_through_its_polynomial():
    rng = np.random.default_rng(5)
    u, _ = np.linalg.qr(rng.normal(size=(6, 4)))
    v, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    sigma = np.array([3.0, 1.0, 0.1, 0.01])
    g = u @ np.diag(sigma) @ v.T
    out = ours.newton_schulz(g)
    s = sigma / np.sqrt(np.sum(sigma**2))  # after the Frobenius normalisation
    a, b, c = ours.matrix.MUON_COEFFICIENTS
    for _ in range(5):
        s = a * s + b * s**3 + c * s**5
    np.testing.assert_allclose(out, u @ np.diag(s) @ v.T, atol=1e-12)
    assert np.all((s > 0.6) & (s < 1.25)), s  # all near 1, none exactly
    # ...but not the tiniest: five steps multiply a small σ by at most a⁵ ≈ 485
    tiny = ours.newton_schulz(u @ np.diag([3.0, 1.0, 0.1, 1e-4]) @ v.T)
    assert np.linalg.svd(tiny, compute_uv=False)[-1] < 0.05


# -- vectorisation, defaults ---------------------------------------------------------------------
MODERN = [n for n in ours.OPTIMIZERS if n not in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW")]
MODERN.remove("Adadelta")


@pytest.mark.parametrize("name", sorted(ours.MATRIX_OPTIMIZERS))
def test_matrix_runs_in_one_call_equal_one_run_at_a_time(name):
    rng = np.random.default_rng(1)
    starts = rng.normal(size=(5, 3, 4))
    lrs = np.geomspace(1e-3, 1e-1, 5)
    batch = ours.OPTIMIZERS[name](lr=lrs)
    theta, state = starts, batch.init(starts)
    singles = [ours.OPTIMIZERS[name](lr=lr) for lr in lrs]
    thetas = list(starts)
    states = [o.init(s) for o, s in zip(singles, starts, strict=True)]
    for _ in range(20):
        theta, state = batch.step(theta, 2 * theta + 1, state)
        for i, o in enumerate(singles):
            thetas[i], states[i] = o.step(thetas[i], 2 * thetas[i] + 1, states[i])
    np.testing.assert_allclose(theta, np.array(thetas), rtol=1e-12)


@pytest.mark.parametrize("name", MODERN)
def test_defaults_are_the_references(name):
    param = torch.zeros(3, 2, requires_grad=True)
    if name == "Lion":
        theirs = {**lion_pytorch.Lion([param]).defaults, "decoupled_weight_decay": False}
    elif name in ("SGDScheduleFree", "AdamWScheduleFree"):
        theirs = getattr(schedulefree, name)([param]).defaults
    elif name == "Shampoo":
        pytest.skip("no torch.optim.Shampoo: defaults are Gupta et al.'s ε and a usable η")
    else:
        theirs = getattr(torch.optim, name)([param]).defaults
    for field, value in vars(ours.OPTIMIZERS[name]()).items():
        assert theirs[field] == (tuple(value) if isinstance(value, tuple) else value), field
