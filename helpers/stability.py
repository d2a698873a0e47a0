r"""Sharpness and the edge of stability (notebook 09).

The **sharpness** of a loss at weights θ is the largest eigenvalue λ_max of its Hessian ∇²L(θ).
On a quadratic, gradient descent is stable only while η λ_max < 2 (notebook 02); heavy-ball
momentum while η λ_max < 2(1 + β) (notebook 05). Cohen et al. (ICLR 2021) found that full-batch
gradient descent on a neural network does not stay below that border: the sharpness *rises*
during training (progressive sharpening) until it reaches 2/η, then hovers there while the
loss keeps falling, non-monotonically ("the edge of stability"). For Adam, Cohen et al. (2022)
found the same for the *preconditioned* sharpness λ_max(P⁻¹H), at 2(1 + β₁)/((1 − β₁)η).

What is here:

* ``regression_data`` and ``init_weights``: a small regression problem and the weights of a
  tanh MLP, both from their own seeds (nothing is downloaded);
* ``mlp_losses``: the MSE loss of many independent MLPs at once (one per *run*: a leading axis
  on every weight tensor), so a whole grid of learning rates trains as one batched network;
* ``sharpness``: λ_max by power iteration on Hessian-vector products (double backward with
  torch autograd), optionally of the preconditioned Hessian P^{-1/2} H P^{-1/2};
* ``track_sharpness``: full-batch GD, heavy ball or Adam on the grid of runs, recording the
  loss at every step and the sharpness every ``every`` steps; ``edge_runs`` is the same, cached,
  so a notebook and its explorer share one computation;
* ``threshold`` and ``edge_summary``: the border each run should hover at, and what a run did
  relative to it (when it got there, how long it stayed, how the loss moved meanwhile).

Every run of one call starts from the same network (``seed`` selects data and weights), so runs
differ only in η and β. Torch is imported by this module only; ``import helpers`` does not.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .progress import progress as bar

__all__ = [
    "regression_data",
    "init_weights",
    "mlp_losses",
    "hessian_vector_product",
    "dense_hessian",
    "sharpness",
    "threshold",
    "track_sharpness",
    "edge_runs",
    "EdgeRuns",
    "edge_summary",
    "OPTIMIZERS",
    "GD_LRS",
    "BETAS",
    "ADAM_LRS",
    "SEEDS",
    "STEPS",
]

OPTIMIZERS = ("gd", "adam")  # "gd" with β > 0 is heavy-ball momentum (PyTorch's SGD momentum)

# The grid notebook 09 and its explorer use: 3 η (√2 apart) × 3 β for gradient descent and
# heavy ball, 3 η for Adam (β₁ = 0.9), two seeds each, 1000 full-batch steps. Smaller η need
# more steps before the sharpness gets to 2/η; above η ≈ 0.2 heavy ball at β = 0.8 can blow up.
GD_LRS = (0.07, 0.1, 0.14)
BETAS = (0.0, 0.5, 0.8)
ADAM_LRS = (0.002, 0.005, 0.01)
SEEDS = (0, 1)
STEPS = 1000


def _check_int(name: str, value, low: int, high: float = math.inf):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value:
        raise ValueError(f"{name}={value!r} is outside its valid range: an integer ≥ {low}")
    if value > high:
        raise ValueError(f"{name}={value!r} is outside its valid range: an integer ≤ {high}")


# -- the problem -----------------------------------------------------------------------------
def regression_data(n: int = 200, dim: int = 5, seed: int = 0, dtype=torch.float32):
    r"""``n`` points x ~ N(0, I) in ``dim`` dimensions and a smooth nonlinear target
    y = sin(2 wᵀx) + ½ cos(x₁x₂) with w ~ N(0, I/dim), all from ``torch.Generator(seed)``.

    A target a small network can fit, but not at once: the loss falls for hundreds of steps,
    which is what gives the sharpness time to rise (Cohen et al. used the MSE loss for many
    of their experiments, next to cross-entropy).
    """
    _check_int("n", n, 1)
    _check_int("dim", dim, 2)
    generator = torch.Generator().manual_seed(int(seed))
    x = torch.randn(n, dim, generator=generator, dtype=dtype)
    w = torch.randn(dim, generator=generator, dtype=dtype) / math.sqrt(dim)
    y = torch.sin(2 * x @ w) + 0.5 * torch.cos(x[:, 0] * x[:, 1])
    return x, y


def init_weights(sizes: Sequence[int], seed: int = 0, runs: int = 1, dtype=torch.float32):
    r"""Weights of an MLP with layer sizes ``sizes`` (e.g. (5, 32, 32, 32, 1)), repeated for
    ``runs`` runs: a list [W₁, b₁, W₂, b₂, …] with W of shape (runs, fan_in, fan_out) and b of
    shape (runs, 1, fan_out). Each entry is uniform on ±1/√fan_in, PyTorch's ``nn.Linear``
    default, drawn from ``torch.Generator(seed)``; every run gets the same values."""
    if len(sizes) < 2 or any(not isinstance(s, int | np.integer) or s < 1 for s in sizes):
        raise ValueError(f"sizes={sizes!r} is outside its valid range: ≥ 2 positive integers")
    _check_int("runs", runs, 1)
    generator = torch.Generator().manual_seed(int(seed))
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        bound = 1 / math.sqrt(fan_in)
        w = (2 * torch.rand(fan_in, fan_out, generator=generator, dtype=dtype) - 1) * bound
        b = (2 * torch.rand(1, fan_out, generator=generator, dtype=dtype) - 1) * bound
        weights += [w.expand(runs, -1, -1).clone(), b.expand(runs, -1, -1).clone()]
    return weights


def mlp_losses(weights: Sequence[torch.Tensor], x: torch.Tensor, y: torch.Tensor):
    r"""The mean squared error (1/n) Σᵢ (f(xᵢ) − yᵢ)² of every run's tanh MLP: shape (runs,).

    ``x`` is (n, dim) or (runs, n, dim), ``y`` is (n,) or (runs, n). Runs never mix, so the
    gradient of ``mlp_losses(...).sum()`` holds each run's own gradient in its slice.
    """
    runs = weights[0].shape[0]
    h = x.expand(runs, *x.shape[-2:])
    for i in range(0, len(weights) - 2, 2):
        h = torch.tanh(torch.baddbmm(weights[i + 1], h, weights[i]))
    out = torch.baddbmm(weights[-1], h, weights[-2]).squeeze(-1)
    return ((out - y) ** 2).mean(-1)


# -- sharpness -------------------------------------------------------------------------------
def _dot(a, b) -> torch.Tensor:
    """Per-run inner product of two lists of tensors with a leading run axis: shape (runs,)."""
    return sum((u * v).flatten(1).sum(1) for u, v in zip(a, b, strict=True))


def _per_run(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return values.view(-1, *[1] * (like.ndim - 1))


def hessian_vector_product(weights, x, y, vectors):
    r"""H v for every run: the gradient of ∇L(θ)·v (double backward), never forming H."""
    weights = [w.detach().requires_grad_() for w in weights]
    grads = torch.autograd.grad(mlp_losses(weights, x, y).sum(), weights, create_graph=True)
    return list(torch.autograd.grad(_dot(grads, vectors).sum(), weights))


def dense_hessian(weights, x, y, chunk: int = 256) -> torch.Tensor:
    r"""The full Hessian of run 0's loss, a P × P matrix (P = number of weights), column by
    column: H e_j for every unit vector e_j, ``chunk`` columns at a time as a batch of runs.

    Costs P Hessian-vector products (2337 for the notebook's network, about a second), so it
    is for checking ``sharpness``, not for tracking it.
    """
    _check_int("chunk", chunk, 1)
    single = [w[:1].detach() for w in weights]
    sizes = [w[0].numel() for w in single]
    total = sum(sizes)
    columns = []
    for start in range(0, total, chunk):
        count = min(chunk, total - start)
        eye = torch.zeros(count, total, dtype=single[0].dtype)
        eye[torch.arange(count), torch.arange(start, start + count)] = 1
        vectors = [part.reshape(count, *w.shape[1:]) for part, w in
                   zip(eye.split(sizes, dim=1), single, strict=True)]  # fmt: skip
        copies = [w.expand(count, *w.shape[1:]) for w in single]
        hv = hessian_vector_product(copies, x, y, vectors)
        columns.append(torch.cat([h.flatten(1) for h in hv], dim=1))
    return torch.cat(columns).T


def sharpness(weights, x, y, *, iterations: int = 30, vectors=None, scale=None, seed: int = 0):
    r"""λ_max of each run's Hessian by power iteration: returns (λ of shape (runs,), vectors).

    Power iteration repeats u ← H u / ‖H u‖; the Rayleigh quotient uᵀHu tends to the
    eigenvalue of largest magnitude (for these networks the largest positive one: the negative
    eigenvalues are small), and the error shrinks like (λ₂/λ₁)^k. The gradient's graph is
    built once and every iteration is one more backward pass through it.

    ``vectors`` starts the iteration (the last call's vectors: training changes H slowly, so a
    few iterations from the previous eigenvector track it); by default a random unit vector
    from ``seed``. With ``scale`` = D (one tensor per weight, D = P^{-1/2}), it is λ_max of
    D H D, which has the eigenvalues of the preconditioned Hessian P⁻¹H (Adam's, P diagonal).
    """
    _check_int("iterations", iterations, 1)
    weights = [w.detach().requires_grad_() for w in weights]
    if vectors is None:
        generator = torch.Generator().manual_seed(int(seed))
        vectors = [torch.randn(w.shape, generator=generator, dtype=w.dtype) for w in weights]
    norm = _dot(vectors, vectors).sqrt()
    vectors = [v / _per_run(norm, v) for v in vectors]
    grads = torch.autograd.grad(mlp_losses(weights, x, y).sum(), weights, create_graph=True)
    value = None
    for _ in range(iterations):
        u = vectors if scale is None else [v * s for v, s in zip(vectors, scale, strict=True)]
        hv = torch.autograd.grad(_dot(grads, u).sum(), weights, retain_graph=True)
        if scale is not None:
            hv = [h * s for h, s in zip(hv, scale, strict=True)]
        value = _dot(hv, vectors)  # the Rayleigh quotient, vectors having unit length
        norm = _dot(hv, hv).sqrt().clamp_min(torch.finfo(hv[0].dtype).tiny)
        vectors = [h / _per_run(norm, h) for h in hv]
    return value.detach(), [v.detach() for v in vectors]


def threshold(optimizer: str, lr, beta=0.0):
    r"""The sharpness at which each run should hover: the stability border of its update on a
    quadratic whose curvature is the sharpness.

    * gradient descent and heavy ball (v ← βv + g, θ ← θ − ηv): 2(1 + β)/η (β = 0: 2/η);
    * Adam, whose update is θ ← θ − η P⁻¹ m with the moving average m ← β₁m + (1 − β₁)g:
      EMA momentum is heavy ball with learning rate (1 − β₁)η, so along P⁻¹H's top
      direction the border is 2(1 + β₁)/((1 − β₁)η): 38/η at β₁ = 0.9 (Cohen et al. 2022).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r} is outside its valid range: one of {OPTIMIZERS}")
    lr, beta = np.asarray(lr, dtype=float), np.asarray(beta, dtype=float)
    if np.any(~(lr > 0)) or np.any(~np.isfinite(lr)):
        raise ValueError(f"lr={lr} is outside its valid range (0, inf)")
    if np.any(~((beta >= 0) & (beta < 1))):
        raise ValueError(f"beta={beta} is outside its valid range [0, 1)")
    border = 2 * (1 + beta) / lr
    return border / (1 - beta) if optimizer == "adam" else border


# -- training --------------------------------------------------------------------------------
@dataclass
class EdgeRuns:
    """Runs of one ``track_sharpness`` call; run r had ``lrs[r]``, ``betas[r]``, ``seeds[r]``.

    ``losses`` (steps + 1, runs): the full-batch loss before each step (row 0: at the start);
    ``sharpness`` (len(measured), runs): λ_max (Adam: of P⁻¹H) at the steps ``measured``;
    ``thresholds`` (runs,): 2(1 + β)/η, or Adam's 2(1 + β₁)/((1 − β₁)η);
    ``weights``: each run's final weights (the list ``mlp_losses`` takes), for further checks.
    A run that diverged has NaN from then on.
    """

    optimizer: str
    lrs: np.ndarray
    betas: np.ndarray
    seeds: np.ndarray
    measured: np.ndarray
    losses: np.ndarray
    sharpness: np.ndarray
    thresholds: np.ndarray
    lr_schedule: object  # the multiplier of η at step t, or None
    weights: list
    preconditioner: list | None  # Adam's P at the end (one tensor per weight), else None
    data_args: dict  # n, dim and dtype of ``regression_data``

    def index(self, lr: float, beta: float = 0.0, seed: int = 0) -> int:
        """The run with this η, β and seed (η matched to 1e-9 relative)."""
        hits = np.flatnonzero(
            np.isclose(self.lrs, lr, rtol=1e-9, atol=0)
            & np.isclose(self.betas, beta, rtol=0, atol=1e-12)
            & (self.seeds == seed)
        )
        if hits.size == 0:
            raise ValueError(
                f"no run has lr={lr}, beta={beta}, seed={seed}: the runs have lr in "
                f"{sorted(set(self.lrs.tolist()))}, beta in {sorted(set(self.betas.tolist()))}, "
                f"seed in {sorted(set(self.seeds.tolist()))}"
            )
        return int(hits[0])

    def data(self, seed: int = 0):
        """The (x, y) the runs with this seed were trained on."""
        return regression_data(**self.data_args, seed=seed)

    def batched_data(self):
        """Every run's (x, y), stacked: x of shape (runs, n, dim), y of shape (runs, n), for
        ``sharpness(runs.weights, x, y)`` on all final weights at once."""
        pairs = {int(s): self.data(int(s)) for s in set(self.seeds.tolist())}
        x = torch.stack([pairs[int(s)][0] for s in self.seeds])
        return x, torch.stack([pairs[int(s)][1] for s in self.seeds])


def track_sharpness(
    optimizer: str = "gd",
    lrs: Sequence[float] = (0.1,),
    betas: Sequence[float] = (0.0,),
    seeds: Sequence[int] = (0,),
    *,
    steps: int = 1000,
    every: int = 10,
    iterations: int = 5,
    lr_schedule=None,
    width: int = 32,
    depth: int = 3,
    n: int = 200,
    dim: int = 5,
    beta2: float = 0.999,
    eps: float = 1e-8,
    dtype=torch.float32,
    progress: bool = True,
) -> EdgeRuns:
    r"""Full-batch training of every (η, β, seed) combination at once, tracking the sharpness.

    ``optimizer="gd"``: v ← βv + g, θ ← θ − η v (PyTorch's SGD with momentum β; β = 0 is plain
    gradient descent). ``optimizer="adam"``: PyTorch's Adam with β₁ = β, β₂ = ``beta2``:
    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂/(√v̂ + ε), written as
    θ ← θ − η P⁻¹m with P = (1 − β₁ᵗ)(√v̂ + ε), the preconditioner of Cohen et al. (2022).

    The network: ``depth`` tanh layers of ``width`` units on ``regression_data(n, dim, seed)``,
    MSE loss. The sharpness is measured every ``every`` steps (and at step 0; Adam from step
    ``every``, once P exists): ``iterations`` power-iteration steps warm-started from the
    previous eigenvector (30 at the first measurement). ``lr_schedule``, a function of the
    step t = 1, 2, …, multiplies every run's η at step t (a warm-up: ``lambda t: min(1, t / W)``).

    Runs are batched (a leading axis on every weight), so a grid of runs costs far less than
    the runs one by one. Torch runs on one thread here (tiny matrices: more threads only wait
    for each other).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r} is outside its valid range: one of {OPTIMIZERS}")
    for name, value in (("steps", steps), ("every", every)):
        _check_int(name, value, 1)
    if lr_schedule is not None and not callable(lr_schedule):
        raise ValueError(f"lr_schedule={lr_schedule!r} is outside its valid range: a function of t")
    _check_int("iterations", iterations, 1)
    grid = [(float(lr), float(b), int(s)) for s in seeds for b in betas for lr in lrs]
    if not grid:
        raise ValueError("lrs, betas and seeds must each hold at least one value")
    lr_, beta_, seed_ = (np.array(column) for column in zip(*grid, strict=True))
    thresholds = threshold(optimizer, lr_, beta_)  # validates η > 0 and 0 ≤ β < 1
    if not 0 <= beta2 < 1:
        raise ValueError(f"beta2={beta2} is outside its valid range [0, 1)")
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = _train(
            optimizer,
            lr_,
            beta_,
            seed_,
            steps,
            every,
            iterations,
            lr_schedule,
            (width, depth, n, dim),
            beta2,
            eps,
            dtype,
            progress,
        )
    finally:
        torch.set_num_threads(previous)
    losses, measured, sharp, weights, preconditioner = result
    runs = EdgeRuns(
        optimizer,
        lr_,
        beta_,
        seed_,
        measured,
        losses,
        sharp,
        thresholds,
        lr_schedule,
        weights,
        preconditioner,
        {"n": n, "dim": dim, "dtype": dtype},
    )
    return runs


def _train(
    optimizer,
    lrs,
    betas,
    seeds,
    steps,
    every,
    iterations,
    lr_schedule,
    shape,
    beta2,
    eps,
    dtype,
    progress,
):
    width, depth, n, dim = shape
    runs = len(lrs)
    # Each run gets its seed's data and initial weights; equal seeds give equal starts.
    unique = sorted(set(seeds.tolist()))
    datasets = {s: regression_data(n, dim, s, dtype) for s in unique}
    x = torch.stack([datasets[s][0] for s in seeds])
    y = torch.stack([datasets[s][1] for s in seeds])
    sizes = [dim] + [width] * depth + [1]
    starts = {s: init_weights(sizes, s, 1, dtype) for s in unique}
    weights = [torch.cat([starts[s][k] for s in seeds]) for k in range(len(sizes) * 2 - 2)]
    lr = torch.tensor(lrs, dtype=dtype).view(-1, 1, 1)
    beta = torch.tensor(betas, dtype=dtype).view(-1, 1, 1)
    first = [torch.zeros_like(w) for w in weights]  # heavy ball's v, or Adam's m
    second = [torch.zeros_like(w) for w in weights]  # Adam's v
    vectors, scale, preconditioner = None, None, None
    losses = np.full((steps + 1, runs), np.nan)
    measured, sharp = [], []
    step_range = bar(range(steps + 1), desc=f"{optimizer}: {runs} runs") if progress else None
    for t in step_range if progress else range(steps + 1):
        if t % every == 0 and (optimizer == "gd" or t > 0):
            value, vectors = sharpness(
                weights,
                x,
                y,
                iterations=iterations if sharp else 30,
                vectors=vectors,
                scale=scale,
            )
            measured.append(t)
            sharp.append(value.double().numpy())
        weights = [w.detach().requires_grad_() for w in weights]
        loss = mlp_losses(weights, x, y)
        losses[t] = loss.detach().double().numpy()
        if t == steps:
            break
        grads = torch.autograd.grad(loss.sum(), weights)
        k = t + 1  # the step about to be taken
        rate = lr * float(lr_schedule(k)) if lr_schedule is not None else lr
        with torch.no_grad():
            if optimizer == "gd":
                first = [beta * v + g for v, g in zip(first, grads, strict=True)]
                weights = [w - rate * v for w, v in zip(weights, first, strict=True)]
            else:
                first = [beta * m + (1 - beta) * g for m, g in zip(first, grads, strict=True)]
                second = [
                    beta2 * v + (1 - beta2) * g * g for v, g in zip(second, grads, strict=True)
                ]
                preconditioner = [
                    (1 - beta**k) * ((v / (1 - beta2**k)).sqrt() + eps) for v in second
                ]
                weights = [
                    w - rate * m / p for w, m, p in zip(weights, first, preconditioner, strict=True)
                ]
                scale = [p.rsqrt() for p in preconditioner]
    final = [w.detach() for w in weights]
    return losses, np.array(measured), np.array(sharp), final, preconditioner


@functools.lru_cache(maxsize=16)
def _cached(optimizer, lrs, betas, seeds, options):
    return track_sharpness(optimizer, lrs, betas, seeds, **dict(options))


def edge_runs(optimizer="gd", lrs=(0.1,), betas=(0.0,), seeds=(0,), **options) -> EdgeRuns:
    """``track_sharpness`` with the same arguments, computed once per session and then
    returned from a cache: the notebook's checks and its explorer use the very same runs.
    Do not modify the arrays of the result."""
    key = tuple(sorted(options.items()))
    return _cached(
        optimizer, tuple(map(float, lrs)), tuple(map(float, betas)), tuple(map(int, seeds)), key
    )


# -- what the runs did -------------------------------------------------------------------------
def edge_summary(runs: EdgeRuns, tolerance: float = 0.1) -> dict[str, np.ndarray]:
    r"""Per run, what the sharpness did relative to its threshold (ratio = sharpness/threshold).

    * ``start``: the ratio at the first measurement;
    * ``reached_at``: the first measured step with ratio ≥ 1 − ``tolerance`` (−1: never);
    * ``within``: the fraction of measurements from then on with |ratio − 1| ≤ tolerance;
    * ``median``, ``high``: the median and 95th percentile of the ratio from then on;
    * ``stayed``: the number of steps from ``reached_at`` to the end of the run;
    * ``loss_at_reach``, ``loss_end``: the loss at ``reached_at`` and at the last step;
    * ``loss_late``: the median loss over the last 10 % of the steps (one late spike must not
      decide whether the loss went down);
    * ``rises``: how many steps after ``reached_at`` increased the loss (non-monotone descent);
    * ``diverged``: the loss is not finite at the end.
    NaN where a run never reached its threshold.
    """
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance={tolerance} is outside its valid range (0, 1)")
    ratio = runs.sharpness / runs.thresholds
    count = ratio.shape[1]
    out = {
        k: np.full(count, np.nan)
        for k in (
            "start",
            "within",
            "median",
            "high",
            "stayed",
            "loss_at_reach",
            "loss_end",
            "loss_late",
            "rises",
        )
    }
    out["reached_at"] = np.full(count, -1)
    out["diverged"] = ~np.isfinite(runs.losses[-1])
    steps = runs.losses.shape[0] - 1
    for r in range(count):
        series = ratio[:, r]
        out["start"][r] = series[0]
        out["loss_end"][r] = runs.losses[-1, r]
        out["loss_late"][r] = np.median(runs.losses[-max(1, steps // 10) :, r])
        hits = np.flatnonzero(series >= 1 - tolerance)
        if hits.size == 0 or out["diverged"][r]:
            continue
        after = series[hits[0] :]
        at = int(runs.measured[hits[0]])
        out["reached_at"][r] = at
        out["within"][r] = np.mean(np.abs(after - 1) <= tolerance)
        out["median"][r] = np.median(after)
        out["high"][r] = np.percentile(after, 95)
        out["stayed"][r] = steps - at
        out["loss_at_reach"][r] = runs.losses[at, r]
        out["rises"][r] = np.sum(np.diff(runs.losses[at:, r]) > 0)
    return out
