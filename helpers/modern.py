r"""Notebook 10's experiments: the newer optimizers on the course's network, and their memory.

* ``train_batch``: many copies of the course's MLP trained side by side in one loop (one
  backward pass for all; the numpy optimizers move every run at once, each run with its own η
  and seed), with the modern recipe: warm-up then cosine (or WSD), clipping by global norm;
* ``CONTENDERS``: every optimizer of the comparison (``helpers.optimizers``, each proven equal
  step for step to torch.optim, lion-pytorch or schedulefree by the parity tests);
* ``tune``: notebook 08's protocol for a network: a log grid of η × several seeds, widened
  until the best η is not on an edge; η chosen on some seeds, judged on others;
* ``state_floats``: how many numbers each optimizer keeps per parameter (its real buffers);
  ``hidden_gradient_moments``: Adam's v of the hidden layer against Adafactor's factored one;
* ``MatrixRegression`` and ``matrix_sweep`` (Shampoo, Muon), ``noisy_quadratic_race``
  (schedule-free against cosine): the small problems of sections 4 and 5.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import torch
from torch.nn import functional as F

from .clipping import EPS
from .memory import release_free_memory
from .networks import make_mlp
from .optimizers import Adafactor, AdamW, AdamWScheduleFree, Lion, Muon, NAdam, RAdam
from .progress import progress as bar
from .schedules import warmup_cosine, wsd

__all__ = [
    "stacked_mlps",
    "batched_logits",
    "batched_loss",
    "train_batch",
    "Batch",
    "CONTENDERS",
    "GRID_CENTRES",
    "Tuning",
    "tune",
    "BUFFERS",
    "state_floats",
    "tie",
    "standard_error",
    "MatrixRegression",
    "matrix_sweep",
    "noisy_quadratic_race",
    "hidden_gradient_moments",
]


# -- many networks at once -------------------------------------------------------------------
def stacked_mlps(seeds) -> list[torch.Tensor]:
    """The weights of ``make_mlp(seed)`` for every seed, stacked along a new first axis (float64):
    W₁ (R, 32, 2), b₁ (R, 32), W₂ (R, 32, 32), b₂ (R, 32), W₃ (R, 1, 32), b₃ (R, 1)."""
    seeds = [int(s) for s in seeds]
    unique = sorted(set(seeds))  # a sweep repeats each seed for every η: build each once
    models = {s: [p.detach().double() for p in make_mlp(seed=s).parameters()] for s in unique}
    return [torch.stack([models[s][k] for s in seeds]) for k in range(len(models[unique[0]]))]


def batched_logits(params, x):
    """Every network's logits at once: ``x`` (R, B, 2) or (B, 2) → (R, B)."""
    h = x if x.ndim == 3 else x.expand(params[0].shape[0], *x.shape)
    weights, biases = params[0::2], params[1::2]
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = torch.baddbmm(b[:, None, :], h, w.transpose(1, 2))  # h Wᵀ + b, run by run
        if k < len(weights) - 1:
            h = torch.tanh(h)
    return h[..., 0]


def batched_loss(params, x, y):
    """The mean binary cross-entropy of each network (R,), summed: one backward pass gives
    every network its own gradient, as the runs share no weights."""
    logits = batched_logits(params, x)
    per_run = F.binary_cross_entropy_with_logits(logits, y.expand_as(logits), reduction="none")
    return per_run.mean(dim=1)


class _Parameter:
    """One stacked parameter (R, ...) and the numpy optimizer that moves it."""

    def __init__(self, tensor, optimizer, lr, matrix: bool, factors):
        self.shape = tuple(tensor.shape)
        runs = self.shape[0]
        # a matrix optimizer takes (R, m, n); a bias becomes an m × 1 matrix (Adafactor's
        # factored v of one column is its plain v); a vector optimizer's runs are all but the
        # last axis, so its per-run η gets one axis per extra run axis
        self.as_matrix = matrix and len(self.shape) == 2
        lr = np.asarray(lr, dtype=float)
        peak = lr if matrix else lr.reshape(runs, *([1] * (len(self.shape) - 2)))
        # η_t as the optimizer's own schedule: set once, not rebuilt every step
        self.optimizer = replace(optimizer, lr=lambda t: peak * factors[t - 1])
        self.state = None

    def _view(self, a):
        return a.reshape(*self.shape, 1) if self.as_matrix else a

    def step(self, theta, grad):
        if self.state is None:
            self.state = self.optimizer.init(self._view(theta))
        new, self.state = self.optimizer.step(self._view(theta), self._view(grad), self.state)
        return new.reshape(self.shape)


MATRIX = {"Adafactor": "all", "Muon + AdamW": "hidden"}


class Batch(NamedTuple):
    """R runs trained side by side: run r had peak η ``lrs[r]`` and seed ``seeds[r]``."""

    lrs: np.ndarray
    seeds: np.ndarray
    losses: np.ndarray  # (steps, R): the mini-batch loss of every step, before its update
    curve: np.ndarray  # (steps // eval_every, R): the full training loss every eval_every steps
    final_loss: np.ndarray  # (R,) the full training loss at the end (inf if diverged)
    train_accuracy: np.ndarray  # (R,)
    test_accuracy: np.ndarray  # (R,)
    clipped: np.ndarray  # (R,) the fraction of steps whose gradient norm exceeded the clip
    seconds_per_step: float  # wall-clock seconds per step of the whole batch


def _optimizers(name: str, params):
    """(numpy optimizer, is-matrix) for each stacked parameter, for contender ``name``."""
    make = CONTENDERS[name]
    out = []
    for k, p in enumerate(params):
        hidden = 0 < k // 2 < len(params) // 2 - 1 and p.ndim == 3
        if name == "Muon + AdamW" and hidden:
            out.append((make["hidden"](), True))
        elif name == "Muon + AdamW":
            out.append((make["rest"](), False))
        else:
            out.append((make(), name == "Adafactor"))
    return out


def train_batch(
    name: str,
    lrs,
    seeds,
    data,
    *,
    steps: int = 300,
    batch_size: int = 32,
    schedule: str = "cosine",
    clip: float | None = 1.0,
    horizon: int | None = None,
    eval_every: int = 10,
    progress: bool = False,
    on_grads=None,
) -> Batch:
    """Train R copies of the course's MLP side by side, run r from ``make_mlp(seeds[r])`` with
    its mini-batch order drawn from ``seeds[r]``, with contender ``name`` at peak η ``lrs[r]``.

    The recipe: η_t = η·s(t), s a linear warm-up over ``WARMUP`` steps then a cosine to 0 at
    ``steps`` (``"wsd"``: constant, then linear to 0 over the last 20 %; ``"constant"``: the
    warm-up only); schedule-free contenders keep s = 1 and warm up by themselves. Each run's
    gradients are clipped to a global norm of ``clip`` (per run, as
    ``torch.nn.utils.clip_grad_norm_`` on that network alone). ``data`` is
    ((x, y), (x_test, y_test)). Everything is float64. ``horizon`` (≥ ``steps``) is the length
    the schedule was planned for: a cosine planned for 4·steps and stopped at ``steps`` has
    barely started to decay. Every ``eval_every`` steps the full training loss is recorded
    (at the average x for schedule-free), for curves against steps. ``on_grads``, if given, is
    called with every step's gradients (a list of arrays, before clipping).
    """
    if schedule not in ("cosine", "wsd", "constant"):
        raise ValueError(f"schedule={schedule!r} is not one of 'cosine', 'wsd', 'constant'")
    lrs, seeds = np.broadcast_arrays(np.asarray(lrs, dtype=float), np.asarray(seeds))
    lrs, seeds = lrs.ravel(), seeds.ravel()
    (x, y), (x_test, y_test) = data
    x, y, x_test, y_test = x.double(), y.double(), x_test.double(), y_test.double()
    params = stacked_mlps(seeds)
    horizon = steps if horizon is None else horizon
    if not (isinstance(horizon, int) and horizon >= steps):
        raise ValueError(
            f"horizon={horizon} is outside its valid range: an integer in [steps, inf)"
        )
    t = np.arange(1, steps + 1)
    if name in SCHEDULE_FREE:
        factors = np.ones(steps)
    elif schedule == "constant":
        factors = np.minimum(1.0, t / WARMUP)
    elif schedule == "cosine":
        factors = warmup_cosine(t, lr=1.0, total_steps=horizon, warmup_steps=WARMUP)
    else:
        factors = wsd(t, lr=1.0, total_steps=horizon, warmup_steps=WARMUP, decay_steps=horizon // 5)
    movers = [
        _Parameter(p, opt, lrs, matrix, factors)
        for p, (opt, matrix) in zip(params, _optimizers(name, params), strict=True)
    ]
    runs = len(seeds)
    generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
    orders = [torch.empty(0, dtype=torch.long) for _ in range(runs)]
    losses = np.empty((steps, runs))
    curve = []
    clipped = np.zeros(runs)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(1)  # many tiny operations: one thread is fastest (networks.train)
    loop = bar(range(steps), desc=name, leave=False) if progress else range(steps)
    try:
        started = time.perf_counter()
        for k in loop:
            batch = []
            for r in range(runs):
                if len(orders[r]) < batch_size:  # a new epoch: a fresh shuffle
                    orders[r] = torch.randperm(len(x), generator=generators[r])
                batch.append(orders[r][:batch_size])
                orders[r] = orders[r][batch_size:]
            index = torch.stack(batch)  # (R, B)
            leaves = [p.detach().requires_grad_(True) for p in params]
            per_run = batched_loss(leaves, x[index], y[index])
            per_run.sum().backward()
            grads = [p.grad.numpy() for p in leaves]
            if on_grads is not None:
                on_grads([g.copy() for g in grads])
            if clip is not None:
                norms = np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads))
                clipped += norms > clip + EPS
                scale = np.minimum(1.0, clip / (norms + EPS))
                grads = [g * scale.reshape(-1, *([1] * (g.ndim - 1))) for g in grads]
            params = [
                torch.from_numpy(m.step(p.detach().numpy(), g))
                for m, p, g in zip(movers, leaves, grads, strict=True)
            ]
            losses[k] = per_run.detach().numpy()
            # every step frees a few hundred small buffers; their holes grew the kernel by
            # ~0.2 MB a step (70 MB a sweep, Python itself holding 5 MB): trim every ten steps
            if k % 10 == 9:
                release_free_memory()
            if (k + 1) % eval_every == 0:
                with torch.no_grad():
                    at = params
                    if name in SCHEDULE_FREE:
                        at = [torch.from_numpy(m.state.x.reshape(m.shape)) for m in movers]
                    curve.append(batched_loss(at, x, y).numpy())
        seconds = (time.perf_counter() - started) / steps
    finally:
        torch.set_num_threads(previous_threads)
        if progress:
            loop.close()
    if name in SCHEDULE_FREE:  # evaluate at the average x, as schedulefree's eval() does
        params = [torch.from_numpy(m.state.x.reshape(m.shape)) for m in movers]
    with torch.no_grad():
        final = batched_loss(params, x, y).numpy()
        train_acc = ((batched_logits(params, x) > 0) == (y > 0.5)).double().mean(1).numpy()
        test_acc = ((batched_logits(params, x_test) > 0) == (y_test > 0.5)).double().mean(1)
    final = np.where(np.isfinite(final), final, np.inf)
    return Batch(
        lrs,
        seeds,
        losses,
        np.array(curve).reshape(-1, runs),
        final,
        train_acc,
        test_acc.numpy(),
        clipped / steps,
        seconds,
    )


WARMUP = 25  # warm-up steps of every recipe run (schedule-free has its own warm-up)

# Each contender: a function giving its numpy optimizer (η is set per run by train_batch).
# Each matches its reference step for step (tests/test_optimizers_parity*.py).
CONTENDERS: dict = {
    "AdamW": lambda: AdamW(betas=(0.9, 0.95), weight_decay=0.01),
    "NAdam": lambda: NAdam(),
    "RAdam": lambda: RAdam(),
    "Adafactor": lambda: Adafactor(),
    "Lion": lambda: Lion(betas=(0.9, 0.99), weight_decay=0.1),
    # Muon on the hidden-to-hidden matrix, AdamW on the rest (Jordan et al.'s split);
    # match_rms_adamw scales Muon's step to AdamW's size so the two share one η (Liu et al.
    # 2025)
    "Muon + AdamW": {
        "hidden": lambda: Muon(weight_decay=0.01, adjust_lr_fn="match_rms_adamw"),
        "rest": lambda: AdamW(betas=(0.9, 0.95), weight_decay=0.01),
    },
    "schedule-free AdamW": lambda: AdamWScheduleFree(
        betas=(0.9, 0.95), weight_decay=0.01, warmup_steps=WARMUP
    ),
}
SCHEDULE_FREE = {"schedule-free AdamW"}  # no decay schedule: its own warm-up, constant η

# The middle of each grid, near each method's best on this problem (the grid is checked).
GRID_CENTRES = {
    "AdamW": 0.1,
    "NAdam": 0.2,
    "RAdam": 0.3,
    "Adafactor": 0.3,
    "Lion": 0.02,
    "Muon + AdamW": 0.2,
    "schedule-free AdamW": 0.2,
}


CURVES = ("losses", "curve")  # Batch fields with the runs in the last axis


class Tuning(NamedTuple):
    """One contender's sweep: ``batch`` holds every (η, seed) run; ``lrs`` the grid."""

    name: str
    lrs: np.ndarray  # the grid, increasing
    tune_scores: np.ndarray  # (len(lrs),) mean final training loss over the tuning seeds
    best_lr: float
    best: Batch  # the runs at the best η with the evaluation seeds
    batch: Batch
    widened: int  # how many times the grid grew at an edge


def tune(
    name: str,
    data,
    *,
    tune_seeds=(0, 1, 2),
    eval_seeds=(3, 4, 5),
    points: int = 6,
    ratio: float = 10**0.25,
    centre: float | None = None,
    progress: bool = True,
    **kw,
) -> Tuning:
    """Notebook 08's protocol on the network: ``points`` peak η a factor ``ratio`` apart around
    ``centre``, each trained from every seed in ONE ``train_batch`` call; the best η is the one
    with the lowest mean final training loss over ``tune_seeds``, and it is judged on
    ``eval_seeds`` (new initial weights and batch orders, never used for choosing). While the
    best η is on an edge of the grid, two more η beyond it are run (at most 3 times)."""
    centre = GRID_CENTRES[name] if centre is None else centre
    lrs = centre * ratio ** (np.arange(points) - (points - 1) // 2)
    seeds = np.array([*tune_seeds, *eval_seeds])
    batches, widened = [], 0
    new = lrs
    while True:
        grid_l, grid_s = np.meshgrid(new, seeds, indexing="ij")
        batches.append(train_batch(name, grid_l, grid_s, data, progress=progress, **kw))
        all_lrs = np.concatenate([b.lrs for b in batches])
        all_seeds = np.concatenate([b.seeds for b in batches])
        all_final = np.concatenate([b.final_loss for b in batches])
        grid = np.unique(all_lrs)
        tuning = np.isin(all_seeds, tune_seeds)
        scores = np.array([all_final[(all_lrs == lr) & tuning].mean() for lr in grid])
        i = int(np.argmin(scores))
        if 0 < i < len(grid) - 1 or widened == 3:
            break
        new = grid[0] / ratio ** np.arange(1, 3) if i == 0 else grid[-1] * ratio ** np.arange(1, 3)
        widened += 1
    batch = Batch(
        *(
            np.concatenate([getattr(b, f) for b in batches], axis=-1 if f in CURVES else 0)
            for f in Batch._fields[:-1]
        ),
        float(np.mean([b.seconds_per_step for b in batches])),
    )
    chosen = (batch.lrs == grid[i]) & np.isin(batch.seeds, eval_seeds)
    best = Batch(
        *(
            getattr(batch, f)[..., chosen] if f in CURVES else getattr(batch, f)[chosen]
            for f in Batch._fields[:-1]
        ),
        batch.seconds_per_step,
    )
    return Tuning(name, grid, scores, float(grid[i]), best, batch, widened)


def standard_error(a, b) -> float:
    """The standard error of the difference of two means of per-seed scores."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)


def tie(a, b, z: float = 2.0) -> bool:
    """Whether two sets of per-seed scores are within z standard errors of each other."""
    gap = abs(np.mean(a) - np.mean(b))
    return gap <= z * max(standard_error(a, b), 1e-12)


# -- memory ----------------------------------------------------------------------------------
# The state fields that are real buffers (the references keep them too); the others are kept
# for the notebooks' pictures (m̂, v̂, the last update) and would not be stored in practice.
BUFFERS = {
    "SGD": ("velocity",),  # with momentum
    "Adam": ("m", "v"),
    "AdamW": ("m", "v"),
    "NAdam": ("m", "v"),
    "RAdam": ("m", "v"),
    "Adamax": ("m", "u"),
    "Adafactor": ("row_var", "col_var", "variance"),
    "Lion": ("m",),
    "Shampoo": ("left", "right"),
    "Muon": ("velocity",),
    "SGDScheduleFree": ("z",),
    "AdamWScheduleFree": ("z", "v"),
}


def state_floats(optimizer, shape) -> int:
    """How many numbers ``optimizer`` keeps for a parameter of ``shape`` (its buffers only)."""
    state = optimizer.init(np.zeros(shape))
    name = type(optimizer).__name__
    return int(
        sum(np.size(getattr(state, f)) for f in BUFFERS[name] if getattr(state, f) is not None)
    )


# -- a matrix problem (Shampoo, Muon) ---------------------------------------------------------
class MatrixRegression:
    r"""Least squares with a weight MATRIX: f(W) = ‖X W − Y‖²_F / (2n), W of shape (d_in, d_out).

    The inputs' covariance C = XᵀX/n has condition number ``condition`` (its eigenvalues
    spread evenly on a log scale, in a random rotation), so the gradient ∇f = C (W − W_ls) has
    singular values as unequal as C's eigenvalues: the case where a preconditioner pays.
    ``value`` and ``grad`` take W of shape (..., d_in, d_out): many runs at once.
    """

    def __init__(self, condition: float = 1e3, d_in: int = 8, d_out: int = 4, n: int = 256, seed=0):
        if not condition >= 1:
            raise ValueError(f"condition={condition} is outside its valid range [1, inf)")
        rng = np.random.default_rng(seed)
        rotation, _ = np.linalg.qr(rng.normal(size=(d_in, d_in)))
        scales = np.geomspace(1.0, condition**-0.5, d_in)
        x = rng.normal(size=(n, d_in)) * scales @ rotation.T
        self.w_true = rng.normal(size=(d_in, d_out))
        y = x @ self.w_true + 0.01 * rng.normal(size=(n, d_out))
        self.x, self.y, self.n = x, y, n
        self.w0 = np.zeros((d_in, d_out))
        self.w_min = np.linalg.lstsq(x, y, rcond=None)[0]
        self.min_value = float(self.value(self.w_min))

    def residual(self, w):
        return np.einsum("ni,...io->...no", self.x, w) - self.y

    def value(self, w):
        return 0.5 * np.mean(np.sum(self.residual(w) ** 2, axis=-1), axis=-1)

    def grad(self, w):
        return np.einsum("ni,...no->...io", self.x, self.residual(w)) / self.n


def matrix_sweep(make, problem: MatrixRegression, lrs, steps: int):
    """f − f_min after ``steps`` steps of ``make(lrs)`` (all η side by side), inf if diverged,
    and the curves (steps + 1, len(lrs))."""
    lrs = np.asarray(lrs, dtype=float)
    w = np.tile(problem.w0, (lrs.size, 1, 1))
    opt = make(lrs)
    state = opt.init(w)
    curves = [problem.value(w) - problem.min_value]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            w, state = opt.step(w, problem.grad(w), state)
            curves.append(problem.value(w) - problem.min_value)
    curves = np.array(curves)
    curves[~np.isfinite(curves)] = np.inf
    return np.where(np.isfinite(curves[-1]), curves[-1], np.inf), curves


# -- a noisy quadratic (schedule-free against cosine) ----------------------------------------
def noisy_quadratic_race(
    make, steps: int, *, runs: int = 48, seed: int = 0, noise: float = 1.0, evaluate_x=False
):
    r"""f(θ) = ½ Σ_i h_i θ_i², h from 1 down to 0.1 over 10 coordinates, from θ = (1, …, 1),
    with gradients h θ + σ ξ (ξ standard normal, drawn from ``seed``): notebook 03's noise
    ball, where only a decaying η or an average gets close to the minimum. ``make(runs)``
    returns the optimizer; ``runs`` independent noise streams are advanced together. Returns
    f at every step (steps + 1, runs), at ``state.x`` if ``evaluate_x`` (schedule-free)."""
    rng = np.random.default_rng(seed)
    h = np.geomspace(1.0, 0.1, 10)
    theta = np.ones((runs, 10))
    opt = make(runs)
    state = opt.init(theta)
    values = [0.5 * np.sum(h * theta**2, axis=-1)]
    for _ in range(steps):
        theta, state = opt.step(theta, h * theta + noise * rng.normal(size=theta.shape), state)
        at = state.x if evaluate_x else theta
        values.append(0.5 * np.sum(h * at**2, axis=-1))
    return np.array(values)


def hidden_gradient_moments(steps: int = 300, beta2: float = 0.999, lr: float = 0.02, seed=0):
    r"""Adam's second moment v of the network's hidden 32 × 32 weight, and Adafactor's rank-one
    estimate of it from the same gradients, after ``steps`` steps of AdamW on the spirals.

    Both use the same average (β₂, bias-corrected), so only the factoring differs:
    v = EMA(G²) per entry; R = EMA(row means of G²), C = EMA(column means of G²);
    v̂ = R Cᵀ / mean(R). The training itself is ``train_batch``'s (one run, constant η after
    the warm-up, no clipping), so no torch.optim machinery is loaded (it costs ~80 MB).
    """
    from .networks import two_spirals

    data = (two_spirals(400, seed=0), two_spirals(400, seed=1))
    record = []
    train_batch(
        "AdamW",
        [lr],
        [seed],
        data,
        steps=steps,
        schedule="constant",
        clip=None,
        on_grads=record.append,
    )
    v = np.zeros((32, 32))
    row, col = np.zeros((32, 1)), np.zeros((1, 32))
    for grads in record:
        g2 = grads[2][0] ** 2  # the hidden weight W₂ of the (only) run
        v = beta2 * v + (1 - beta2) * g2
        row = beta2 * row + (1 - beta2) * g2.mean(axis=1, keepdims=True)
        col = beta2 * col + (1 - beta2) * g2.mean(axis=0, keepdims=True)
    correction = 1 - beta2**steps
    return v / correction, (row @ col / row.mean()) / correction
