"""Small PyTorch networks, their training loop and their loss landscapes.

A network's loss lives in as many dimensions as it has weights (1185 for the default ``MLP``).
Notebook 01 looks at it through two low-dimensional windows (Li et al. 2018, "Visualizing the
Loss Landscape of Neural Nets"):

* ``interpolation``: the loss along the straight line from the initial to the trained weights;
* ``loss_surface``: the loss on a plane through the trained weights, spanned by two random
  ``filter_normalized_direction``\\ s, so that the picture does not depend on how the weights
  happen to be scaled.

Notebooks 07 and 08 train the same ``MLP`` with every optimizer on ``two_spirals``.
Data, initial weights, directions and batch orders each come from their own seed, never from
the global random state (and nothing is downloaded), so a notebook's numbers are the same on
every run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, vmap
from torch.nn import functional as F

from .memory import release_free_memory
from .progress import progress as bar

__all__ = [
    "two_spirals",
    "MLP",
    "make_mlp",
    "train",
    "accuracy",
    "loss_fn",
    "interpolation",
    "filter_normalized_direction",
    "loss_surface",
    "ManyRuns",
    "train_many",
    "flat_parameters",
    "mlp_from_flat",
    "sharpness",
]

# Grid points × samples per vmap call (40 points for 400 samples): big enough to amortise the
# call, small enough that the activations (× hidden) stay near 10 MB, since a Binder session
# has 1 GB for the server and every open notebook.
_POINTS_PER_CHUNK = 2**14


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_int(name: str, value, low: int, high: float = math.inf):
    if not (_is_int(value) and low <= value <= high):
        right = "inf)" if high == math.inf else f"{high}]"
        raise ValueError(
            f"{name}={value} is outside its valid range: an integer in [{low}, {right}"
        )


def _check_xy(x: torch.Tensor, y: torch.Tensor):
    if x.ndim < 1 or y.shape != x.shape[:1]:
        raise ValueError(
            f"x of shape {tuple(x.shape)} and y of shape {tuple(y.shape)} do not match: "
            "y must have shape (n,) for x of shape (n, ...)"
        )


# --------------------------------------------------------------------------------------------
def two_spirals(
    n: int = 400, noise: float = 0.05, turns: float = 1.5, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved spirals: ``x`` float32 of shape (n, 2), labels ``y`` float32 (n,) in {0, 1}.

    Class 0 winds out from radius 0.05 to 1 through ``turns`` turns; class 1 is the same arm
    turned by 180°. No straight line separates them (logistic regression gets about 65 %), while
    a small tanh MLP fits them in a few hundred Adam steps. ``noise`` is the standard deviation
    of Gaussian noise added to each coordinate. Neighbouring arms of opposite classes lie only
    0.95 / (2·turns) apart (0.32 at 1.5 turns), so more noise blurs the classes into each
    other: at 0.05 a fitted MLP gets 98 % of fresh samples right, at 0.08 about 90 %, at 0.15
    two thirds (and it cannot fit even the 400 training points to 95 %).

    Classes are n // 2 and n − n // 2 samples, in shuffled order, drawn from
    ``numpy.random.default_rng(seed)`` only.
    """
    _check_int("n", n, 2)
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise={noise} is outside its valid range [0, inf)")
    if not (math.isfinite(turns) and turns > 0):
        raise ValueError(f"turns={turns} is outside its valid range (0, inf)")
    rng = np.random.default_rng(seed)
    labels = np.repeat([0.0, 1.0], [n // 2, n - n // 2])
    t = rng.uniform(size=n)  # position along the arm
    radius = 0.05 + 0.95 * t
    angle = 2 * np.pi * turns * t + np.pi * labels
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += noise * rng.standard_normal((n, 2))
    order = rng.permutation(n)  # so that any slice holds both classes
    return (
        torch.tensor(points[order], dtype=torch.float32),
        torch.tensor(labels[order], dtype=torch.float32),
    )


# --------------------------------------------------------------------------------------------
class MLP(nn.Module):
    """2 inputs → ``depth`` tanh layers of ``hidden`` units → 1 logit (shape (n,) for n inputs).

    ``depth=0`` is logistic regression, the linear baseline. With the defaults (32, 2) it has
    1185 parameters: enough to fit the spirals, few enough for a landscape in a second.
    """

    def __init__(self, hidden: int = 32, depth: int = 2):
        super().__init__()
        _check_int("hidden", hidden, 1)
        _check_int("depth", depth, 0)
        self.hidden, self.depth = int(hidden), int(depth)
        layers: list[nn.Module] = []
        width = 2
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.Tanh()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)

    def extra_repr(self) -> str:
        return f"hidden={self.hidden}, depth={self.depth}"


def make_mlp(seed: int = 0, hidden: int = 32, depth: int = 2) -> MLP:
    """An ``MLP`` with PyTorch's default initialisation drawn from ``seed``.

    The weights are those of ``torch.manual_seed(seed); MLP(hidden, depth)``, but drawn inside
    ``torch.random.fork_rng`` so the caller's global random state is left as it was.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MLP(hidden, depth)


# --------------------------------------------------------------------------------------------
def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    batch_size: int | None = None,
    seed: int = 0,
    progress: bool = True,
    threads: int | None = 1,
) -> list[float]:
    """Minimise the binary cross-entropy of ``model`` on (x, y) in place; return each epoch's loss.

    ``batch_size=None`` takes one full-batch step per epoch. Otherwise every epoch visits all n
    samples once, in an order drawn from a ``torch.Generator`` seeded with ``seed``, in batches
    of ``batch_size`` (the last may be shorter), so two runs from the same model and seed are
    identical. An epoch's loss is the mean over its samples of the loss each batch had just
    before its own update (for equal batches: the mean of the batch losses) — what PyTorch
    training loops usually print, and free, since the forward pass computes it anyway.

    ``threads`` is torch's intra-op thread count during training, restored afterwards (None
    leaves it alone). It is 1 because a step of a network this small is hundreds of tiny
    operations: splitting each across cores gains nothing, and when another process keeps a
    core busy the threads wait for each other, which made 300 epochs take up to 14 s instead
    of 0.2 s on a 2-core machine.
    """
    _check_xy(x, y)
    n = len(x)
    _check_int("epochs", epochs, 1)
    if batch_size is not None:
        _check_int("batch_size", batch_size, 1, n)
    if threads is not None:
        _check_int("threads", threads, 1)
    previous = torch.get_num_threads()
    try:
        if threads is not None:
            torch.set_num_threads(threads)
        return _train(model, x, y, optimizer, epochs, batch_size, seed, progress)
    finally:
        torch.set_num_threads(previous)


def _train(model, x, y, optimizer, epochs, batch_size, seed, progress) -> list[float]:
    n = len(x)
    generator = torch.Generator().manual_seed(seed)
    epoch_range = range(epochs)
    if progress:
        epoch_range = bar(epoch_range, desc="epochs")
    losses = []
    for _ in epoch_range:
        if batch_size is None:
            batches = [slice(None)]
        else:
            batches = torch.randperm(n, generator=generator).split(batch_size)
        total = torch.zeros(())
        for index in batches:
            xb, yb = x[index], y[index]
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(xb)
        losses.append(total.item() / n)
        if progress:
            epoch_range.set_postfix(epoch_loss=f"{losses[-1]:.4f}", refresh=False)
    if progress:
        # end on the number the notebooks print, the loss on all the data after training (an
        # epoch's loss is the mean of its batch losses *before* each update: a little higher)
        final = {"epoch_loss": f"{losses[-1]:.4f}", "loss": f"{loss_fn(model, x, y):.4f}"}
        epoch_range.set_postfix(final, refresh=True)
    return losses


@torch.no_grad()
def loss_fn(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The mean binary cross-entropy of ``model``'s logits on (x, y), the loss ``train`` uses."""
    _check_xy(x, y)
    return F.binary_cross_entropy_with_logits(model(x), y).item()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The fraction of samples whose logit has the sign of the label (> 0 for class 1)."""
    _check_xy(x, y)
    return ((model(x) > 0) == (y > 0.5)).float().mean().item()


# --------------------------------------------------------------------------------------------
def _parameters(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach() for name, p in model.named_parameters()}


def _check_like(name: str, tensors: Sequence[torch.Tensor], params: dict[str, torch.Tensor]):
    """A direction (or a second model) must have one tensor per parameter, of the same shape."""
    shapes = [tuple(p.shape) for p in params.values()]
    given = [tuple(t.shape) for t in tensors]
    if given != shapes:
        raise ValueError(f"{name} has shapes {given}, but the model's parameters have {shapes}")


@torch.no_grad()
def _losses_on_span(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    vectors: list[list[torch.Tensor]],
    coefficients: torch.Tensor,
) -> np.ndarray:
    """The loss at θ_g = Σ_m coefficients[g, m] · vectors[m] for every row g, batched with vmap.

    A coefficient of exactly 0 or 1 reproduces a vector bit for bit, so the centre of a surface
    and the ends of an interpolation are the weights themselves.
    """
    names = list(_parameters(model))
    stacked = [torch.stack([v[k] for v in vectors]) for k in range(len(names))]  # (m, *shape)

    def loss_at(params: dict[str, torch.Tensor]) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(functional_call(model, params, (x,)), y)

    batched = vmap(loss_at)
    chunk = max(1, _POINTS_PER_CHUNK // max(len(x), 1))
    out = []
    for rows in coefficients.split(chunk):
        points = [torch.tensordot(rows, s, dims=1) for s in stacked]  # each (chunk, *shape)
        params = dict(zip(names, points, strict=True))
        out.append(batched(params))
    return torch.cat(out).double().numpy()


def interpolation(
    model_start: nn.Module, model_end: nn.Module, x: torch.Tensor, y: torch.Tensor, alphas
) -> np.ndarray:
    """The loss along θ(α) = (1 − α)·θ_start + α·θ_end, one value per α (float64 array).

    α = 0 is the start model and α = 1 the end model exactly; α outside [0, 1] (say −0.5 to
    1.5) extrapolates the line, showing whether training stopped in a valley or on a slope.
    """
    _check_xy(x, y)
    start, end = _parameters(model_start), _parameters(model_end)
    _check_like("model_end's parameters", list(end.values()), start)
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"alphas={alphas!r} is outside its valid range: a 1-D array of finite α")
    t = torch.tensor(a, dtype=torch.float32)
    coefficients = torch.stack([1 - t, t], dim=1)
    return _losses_on_span(
        model_start, x, y, [list(start.values()), list(end.values())], coefficients
    )


def filter_normalized_direction(model: nn.Module, seed: int) -> list[torch.Tensor]:
    """A random direction in weight space, scaled filter by filter like the weights (Li et al.).

    Each tensor is drawn from N(0, 1) (a ``torch.Generator`` seeded with ``seed``, tensors in
    ``model.parameters()`` order); every filter of a weight (a row of a Linear weight, i.e. the
    incoming weights of one unit; the slice along dim 0 in general) is rescaled to the norm of
    the model's filter. Moving by the direction then changes each unit about as much as its
    own scale, so plots of networks with different weight scales are comparable. Bias
    directions (1-D parameters) are 0, as in the paper.
    """
    generator = torch.Generator().manual_seed(seed)
    direction = []
    for w in _parameters(model).values():
        d = torch.randn(w.shape, generator=generator, dtype=w.dtype)
        if w.ndim <= 1:
            d.zero_()
        else:
            rows_d, rows_w = d.flatten(1), w.flatten(1)
            scale = rows_w.norm(dim=1) / (rows_d.norm(dim=1) + 1e-10)
            d = (rows_d * scale[:, None]).reshape(w.shape)
        direction.append(d)
    return direction


def loss_surface(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    d1: Sequence[torch.Tensor],
    d2: Sequence[torch.Tensor],
    span: float = 1.0,
    resolution: int = 41,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss at θ* + a·d1 + b·d2 on a resolution × resolution grid over [−span, span]².

    Returns ``(alphas, betas, losses)`` with ``losses[j, i]`` at a = alphas[i], b = betas[j],
    the layout ``plt.contour(alphas, betas, losses)`` expects. The grid is symmetric about 0,
    so with an odd ``resolution`` (c = resolution // 2) ``losses[c, c]`` is θ* itself. All grid
    points are evaluated with one vmapped forward pass per chunk, not a Python loop.
    """
    _check_xy(x, y)
    if not (math.isfinite(span) and span > 0):
        raise ValueError(f"span={span} is outside its valid range (0, inf)")
    _check_int("resolution", resolution, 2)
    theta = _parameters(model)
    d1, d2 = list(d1), list(d2)
    _check_like("d1", d1, theta)
    _check_like("d2", d2, theta)
    grid = np.linspace(-span, span, resolution)
    grid = (grid - grid[::-1]) / 2  # exactly antisymmetric, so the middle value is exactly 0
    a = torch.tensor(grid, dtype=torch.float32)
    b_grid, a_grid = torch.meshgrid(a, a, indexing="ij")  # rows: b, columns: a
    coefficients = torch.stack(
        [torch.ones(resolution * resolution), a_grid.flatten(), b_grid.flatten()], dim=1
    )
    vectors = [list(theta.values())]
    vectors += [[d.to(t) for d, t in zip(v, theta.values(), strict=True)] for v in (d1, d2)]
    losses = _losses_on_span(model, x, y, vectors, coefficients)
    return grid.copy(), grid.copy(), losses.reshape(resolution, resolution)


# --------------------------------------------------------------------------------------------
# Many networks at once: an η grid × seeds trained side by side (notebook 08)
class ManyRuns(NamedTuple):
    """The record of ``train_many``: R networks trained side by side (shapes below).

    ``losses`` (epochs, R): each epoch's training loss, as ``train`` reports it;
    ``train_loss``, ``train_accuracy``, ``test_loss``, ``test_accuracy`` (R,): of the final
    weights on all the training data and on the held-out data (NaN where a run diverged, or
    where no held-out data was given); ``diverged_at`` (R,): the first epoch (from 0) whose
    loss was not finite, −1 if none; ``theta`` (R, P): the final weights, flat.
    """

    losses: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    diverged_at: np.ndarray
    theta: np.ndarray


def flat_parameters(model: nn.Module) -> np.ndarray:
    """All of ``model``'s parameters in ``parameters()`` order, as one float64 vector."""
    return torch.cat([p.detach().flatten() for p in model.parameters()]).double().numpy()


def mlp_from_flat(theta, hidden: int = 32, depth: int = 2) -> MLP:
    """An ``MLP`` holding the flat weights ``theta`` (as ``flat_parameters`` orders them)."""
    model = MLP(hidden, depth)
    flat = torch.as_tensor(np.asarray(theta), dtype=torch.float32)
    torch.nn.utils.vector_to_parameters(flat, model.parameters())
    return model


def _batched_logits(theta: torch.Tensor, shapes, x: torch.Tensor) -> torch.Tensor:
    """The logits of R MLPs at once: ``theta`` (R, P) flat weights, ``x`` (R, b, 2) → (R, b).

    ``shapes`` lists the (weight, bias) shapes layer by layer, in ``MLP.parameters()`` order,
    so the flat vector of one run is exactly ``flat_parameters`` of one ``MLP``."""
    runs, offset, h = theta.shape[0], 0, x
    for index, (w_shape, b_shape) in enumerate(shapes):
        w_size, b_size = math.prod(w_shape), math.prod(b_shape)
        w = theta[:, offset : offset + w_size].view(runs, *w_shape)
        b = theta[:, offset + w_size : offset + w_size + b_size].view(runs, 1, *b_shape)
        offset += w_size + b_size
        h = torch.baddbmm(b, h, w.transpose(1, 2))  # h W^T + b, one product per run
        if index < len(shapes) - 1:
            h = torch.tanh(h)
    return h.squeeze(-1)


def train_many(
    optimizers,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    init_seeds,
    order_seeds,
    epochs: int,
    batch_size: int = 32,
    hidden: int = 32,
    depth: int = 2,
    x_test: torch.Tensor | None = None,
    y_test: torch.Tensor | None = None,
    progress: bool = True,
    description: str = "networks",
) -> ManyRuns:
    """Train R = len(init_seeds) ``MLP``\\ s side by side, one step of all of them at a time.

    Run r starts from ``make_mlp(init_seeds[r], hidden, depth)`` and visits the batches in the
    order ``train`` would draw with ``seed=order_seeds[r]``. ``optimizers`` is one numpy
    optimizer of ``helpers.optimizers`` (torch-exact, ``tests/test_optimizers_parity.py``) or a
    list of them, each with an array ``lr`` of one η per run: ``Adam(lr=np.array([...]))``
    trains a whole η grid × seeds in one call, which ``torch.optim`` cannot (one η per
    parameter group); a list gives the first optimizer the first runs, and so on.
    ``tests/test_networks.py`` checks that a run equals ``train`` with the ``torch.optim`` twin.

    The optimizer keeps the weights in float64; the network computes in float32, as ``train``
    does. A run whose loss stops being finite
    is frozen and reported in ``diverged_at``.
    """
    _check_xy(x, y)
    init_seeds, order_seeds = np.atleast_1d(init_seeds), np.atleast_1d(order_seeds)
    if init_seeds.ndim != 1 or init_seeds.shape != order_seeds.shape:
        raise ValueError(
            f"init_seeds of shape {init_seeds.shape} and order_seeds of shape "
            f"{order_seeds.shape} must be two 1-D arrays of the same length, one seed per run"
        )
    n, runs = len(x), len(init_seeds)
    _check_int("epochs", epochs, 1)
    _check_int("batch_size", batch_size, 1, n)
    template = MLP(hidden, depth)
    params = list(template.parameters())
    pairs = zip(params[::2], params[1::2], strict=True)
    shapes = [(tuple(w.shape), tuple(b.shape)) for w, b in pairs]
    theta = np.stack([flat_parameters(make_mlp(int(s), hidden, depth)) for s in init_seeds])
    optimizers = list(optimizers) if isinstance(optimizers, list | tuple) else [optimizers]
    sizes = [max(int(np.size(o.lr)), 1) for o in optimizers]
    if sum(sizes) != runs:
        raise ValueError(
            f"the optimizers have {sizes} runs (one per lr value), {sum(sizes)} in all, but "
            f"init_seeds has {runs}: give one seed per run"
        )
    blocks = np.split(np.arange(runs), np.cumsum(sizes)[:-1])
    states = [o.init(theta[b]) for o, b in zip(optimizers, blocks, strict=True)]
    generators = [torch.Generator().manual_seed(int(s)) for s in order_seeds]
    xd, yd = x.float(), y.float()
    losses = np.full((epochs, runs), np.nan)
    alive = np.ones(runs, dtype=bool)
    diverged_at = np.full(runs, -1)
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny products: one thread is fastest (see ``train``)
    epoch_range = bar(range(epochs), desc=description) if progress else range(epochs)
    try:
        for epoch in epoch_range:
            orders = torch.stack([torch.randperm(n, generator=g) for g in generators])
            total = np.zeros(runs)
            for index in orders.split(batch_size, dim=1):  # (R, b): run r's batch
                weights = torch.from_numpy(theta).float().requires_grad_(True)
                logits = _batched_logits(weights, shapes, xd[index])
                batch_losses = F.binary_cross_entropy_with_logits(
                    logits, yd[index], reduction="none"
                ).mean(dim=1)
                (gradient,) = torch.autograd.grad(batch_losses.sum(), weights)
                batch = batch_losses.detach().double().numpy()
                total += batch * index.shape[1]
                g = gradient.double().numpy()
                bad = ~np.isfinite(batch) | ~np.all(np.isfinite(g), axis=1)
                if bad.any():  # freeze the runs that blew up, so they do not overflow further
                    g = np.where(bad[:, None], 0.0, g)
                    newly = bad & alive
                    diverged_at[newly] = epoch
                    alive &= ~bad
                new_theta = np.empty_like(theta)
                with np.errstate(all="ignore"):
                    for k, (o, b) in enumerate(zip(optimizers, blocks, strict=True)):
                        new_theta[b], states[k] = o.step(theta[b], g[b], states[k])
                theta = np.where(alive[:, None], new_theta, theta)
            losses[epoch] = np.where(alive, total / n, np.nan)
            if progress:
                epoch_range.set_postfix(
                    best=f"{np.nanmin(losses[epoch], initial=np.inf):.4f}", refresh=False
                )
            release_free_memory()  # the holes of an epoch's many small buffers (helpers.memory)
    finally:
        torch.set_num_threads(previous)

    def evaluate(xs, ys):
        if xs is None:
            return np.full(runs, np.nan), np.full(runs, np.nan)
        _check_xy(xs, ys)
        loss, right = np.empty(runs), np.empty(runs)
        # a few runs at a time: all 200 networks on 1000 points at once would hold ~100 MB
        # of activations
        with torch.no_grad():
            for chunk in np.array_split(np.arange(runs), max(1, runs // 16)):
                t = torch.from_numpy(theta[chunk]).float()
                logits = _batched_logits(t, shapes, xs.float().expand(len(chunk), *xs.shape))
                ys_all = ys.float().expand(len(chunk), -1)
                bce = F.binary_cross_entropy_with_logits(logits, ys_all, reduction="none")
                loss[chunk] = bce.mean(1).double().numpy()
                right[chunk] = ((logits > 0) == (ys_all > 0.5)).double().mean(1).numpy()
        return np.where(alive, loss, np.nan), np.where(alive, right, np.nan)

    train_loss, train_accuracy = evaluate(x, y)
    test_loss, test_accuracy = evaluate(x_test, y_test)
    return ManyRuns(
        losses, train_loss, train_accuracy, test_loss, test_accuracy, diverged_at, theta
    )


# --------------------------------------------------------------------------------------------
def sharpness(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, iterations: int = 20, seed: int = 0
) -> float:
    r"""The sharpness of the full-batch loss at ``model``'s weights: the largest eigenvalue λ_max
    of its Hessian, by power iteration on Hessian-vector products (double backward, never the
    Hessian itself): v ← Hv / ‖Hv‖, λ ≈ vᵀHv. Gradient descent with η > 2/λ_max is unstable
    along the top eigenvector (notebook 02), which is why a warm-up matters when λ_max starts
    high and falls (notebook 07). The start vector comes from a ``torch.Generator`` seeded with
    ``seed``; 20 iterations give λ_max to about 1 % on the course's networks (the tests compare
    with the full Hessian).

    (A second version for notebook 09 is being written in ``helpers.stability``; the two are
    to be merged.)
    """
    _check_xy(x, y)
    _check_int("iterations", iterations, 1)
    params = [p for p in model.parameters() if p.requires_grad]
    loss = F.binary_cross_entropy_with_logits(model(x), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    generator = torch.Generator().manual_seed(seed)
    v = [torch.randn(p.shape, generator=generator, dtype=p.dtype) for p in params]
    eigenvalue = 0.0
    for _ in range(iterations):
        norm = torch.sqrt(sum((u * u).sum() for u in v))
        v = [u / norm for u in v]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        eigenvalue = sum((a * b).sum() for a, b in zip(v, hv, strict=True)).item()
        v = [h.detach() for h in hv]
    return float(eigenvalue)
