"""Every optimizer hyperparameter's valid range, at both of its ends: a closed end is accepted, an
open end and anything beyond either end are refused with a ValueError naming the parameter, the
value and the range. The ranges are PyTorch's (``torch.optim`` and the reference packages refuse
the same values), written out here once as the specification; mutation testing found that a range
moved by one (``>`` for ``>=``), a wrong name or a missing range in the message went unnoticed
where a test tried only one value far outside."""

import dataclasses
import math

import numpy as np
import pytest

from helpers.optimizers import (
    SGD,
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    AdamWScheduleFree,
    Lion,
    Muon,
    NAdam,
    RAdam,
    RMSprop,
    SGDScheduleFree,
    Shampoo,
)

INF = math.inf
RANGES = [
    (SGD, "lr", "[0, inf)"),
    (SGD, "momentum", "[0, 1)"),
    (SGD, "dampening", "[0, 1]"),
    (SGD, "weight_decay", "[0, inf)"),
    (Adagrad, "lr_decay", "[0, inf)"),
    (Adagrad, "weight_decay", "[0, inf)"),
    (Adagrad, "initial_accumulator_value", "[0, inf)"),
    (Adagrad, "eps", "(0, inf)"),
    (RMSprop, "alpha", "[0, 1)"),
    (RMSprop, "eps", "(0, inf)"),
    (RMSprop, "weight_decay", "[0, inf)"),
    (RMSprop, "momentum", "[0, 1)"),
    (Adam, "lr", "[0, inf)"),
    (Adam, "betas[0]", "[0, 1)"),
    (Adam, "betas[1]", "[0, 1)"),
    (Adam, "eps", "(0, inf)"),
    (Adam, "weight_decay", "[0, inf)"),
    (AdamW, "betas[0]", "[0, 1)"),
    (AdamW, "betas[1]", "[0, 1)"),
    (AdamW, "eps", "(0, inf)"),
    (AdamW, "weight_decay", "[0, inf)"),
    (Adadelta, "rho", "[0, 1)"),
    (Adadelta, "eps", "(0, inf)"),
    (Adadelta, "weight_decay", "[0, inf)"),
    (NAdam, "betas[0]", "[0, 1)"),
    (NAdam, "betas[1]", "[0, 1)"),
    (NAdam, "eps", "(0, inf)"),
    (NAdam, "weight_decay", "[0, inf)"),
    (NAdam, "momentum_decay", "[0, inf)"),
    (RAdam, "betas[0]", "[0, 1)"),
    (RAdam, "betas[1]", "[0, 1)"),
    (RAdam, "eps", "(0, inf)"),
    (RAdam, "weight_decay", "[0, inf)"),
    (Adamax, "betas[0]", "[0, 1)"),
    (Adamax, "betas[1]", "[0, 1)"),
    (Adamax, "eps", "(0, inf)"),
    (Adamax, "weight_decay", "[0, inf)"),
    (Adafactor, "lr", "[0, inf)"),
    (Adafactor, "beta2_decay", "[-inf, 0]"),
    (Adafactor, "eps[0]", "[0, inf)"),
    (Adafactor, "eps[1]", "[0, inf)"),
    (Adafactor, "d", "[1, inf)"),
    (Adafactor, "weight_decay", "[0, inf)"),
    (Shampoo, "lr", "[0, inf)"),
    (Shampoo, "eps", "(0, inf)"),
    (Shampoo, "weight_decay", "[0, inf)"),
    (Muon, "lr", "[0, inf)"),
    (Muon, "weight_decay", "[0, inf)"),
    (Muon, "momentum", "[0, 1)"),
    (Muon, "eps", "(0, inf)"),
    (Lion, "lr", "[0, inf)"),
    (Lion, "betas[0]", "[0, 1]"),
    (Lion, "betas[1]", "[0, 1]"),
    (Lion, "weight_decay", "[0, inf)"),
    (SGDScheduleFree, "lr", "[0, inf)"),
    (SGDScheduleFree, "momentum", "(0, 1)"),
    (SGDScheduleFree, "weight_decay", "[0, inf)"),
    (SGDScheduleFree, "r", "[0, inf)"),
    (SGDScheduleFree, "weight_lr_power", "[0, inf)"),
    (AdamWScheduleFree, "betas[0]", "(0, 1)"),
    (AdamWScheduleFree, "betas[1]", "[0, 1)"),
    (AdamWScheduleFree, "eps", "(0, inf)"),
    (AdamWScheduleFree, "weight_decay", "[0, inf)"),
    (AdamWScheduleFree, "r", "[0, inf)"),
    (AdamWScheduleFree, "weight_lr_power", "[0, inf)"),
]
# Every optimizer takes lr in [0, inf) (or a schedule).
RANGES += [
    (cls, "lr", "[0, inf)")
    for cls in dict.fromkeys(cls for cls, _, _ in RANGES)
    if (cls, "lr", "[0, inf)") not in RANGES
]


def _kwargs(cls, name, value):
    """The keyword arguments that set one hyperparameter (an element of a pair: the other keeps
    its default)."""
    if "[" not in name:
        return {name: value}
    field, index = name[:-3], int(name[-2])
    pair = list(next(f.default for f in dataclasses.fields(cls) if f.name == field))
    pair[index] = value
    return {field: tuple(pair)}


def _ends(interval):
    low, high = (float(v) for v in interval[1:-1].split(", "))
    return low, interval[0] == "(", high, interval[-1] == ")"


def _cases():
    for cls, name, interval in RANGES:
        low, low_open, high, high_open = _ends(interval)
        cases = []
        for end, is_open, outside in ((low, low_open, -1), (high, high_open, +1)):
            if math.isinf(end):
                continue
            cases.append((end, not is_open))
            width = 0.5 if high - low > 1 else 0.1 * (high - low)
            cases.append((end + outside * width, False))
        cases.append((float("nan"), False))
        for value, valid in cases:
            yield pytest.param(
                cls, name, interval, value, valid, id=f"{cls.__name__}-{name}-{value}"
            )


@pytest.mark.parametrize(("cls", "name", "interval", "value", "valid"), list(_cases()))
def test_each_end_of_each_range(cls, name, interval, value, valid):
    kwargs = _kwargs(cls, name, value)
    if valid:
        cls(**kwargs)  # accepted
        return
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    message = str(info.value)
    assert message.startswith(f"{name}={value}"), message
    assert f"is outside its valid range {interval}" in message, message


def test_the_table_covers_every_range_checked_parameter():
    """A hyperparameter added to an optimizer with a range but not to the table above fails here:
    each float field is tried at -1 and at 2 (outside at least one end of any range used)."""
    listed = {(cls, name.split("[")[0]) for cls, name, _ in RANGES}
    for cls in {cls for cls, _, _ in RANGES}:
        for field in dataclasses.fields(cls):
            if not isinstance(field.default, float) or (cls, field.name) in listed:
                continue
            for value in (-1.0, 2.0, float("nan")):
                try:
                    cls(**{field.name: value})
                except ValueError as error:
                    raise AssertionError(f"{cls.__name__}.{field.name}: {error}") from None


def _theta(cls):
    """Two runs: vectors of 3 coordinates, or 3 × 4 matrices for the matrix optimizers."""
    from helpers.optimizers.matrix import MatrixOptimizer

    shape = (2, 3, 4) if issubclass(cls, MatrixOptimizer) else (2, 3)
    return np.random.default_rng(0).normal(size=shape)


OPTIMIZERS = list(dict.fromkeys(cls for cls, _, _ in RANGES))


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=[c.__name__ for c in OPTIMIZERS])
def test_a_schedule_is_checked_at_every_step_and_may_give_one_lr_per_run(cls):
    theta = _theta(cls)
    grad = np.cos(theta)
    base = next(f.default for f in dataclasses.fields(cls) if f.name == "lr")
    per_run = np.array([base, base / 2])
    fixed, scheduled = cls(lr=per_run), cls(lr=lambda t: per_run)
    a, b = theta, theta
    state_a, state_b = fixed.init(a), scheduled.init(b)
    for _ in range(3):
        a, state_a = fixed.step(a, grad, state_a)
        b, state_b = scheduled.step(b, grad, state_b)
    np.testing.assert_allclose(b, a, rtol=1e-12)  # a per-run schedule is a per-run lr
    wrong = cls(lr=lambda t: np.full(3, base))  # three values for two runs
    with pytest.raises(ValueError) as info:
        wrong.step(theta, grad, wrong.init(theta))
    assert str(info.value).startswith("lr(1) has shape (3,), one value per run, but theta"), info
    negative = cls(lr=lambda t: base if t < 2 else -base)
    state = negative.init(theta)
    theta, state = negative.step(theta, grad, state)
    with pytest.raises(ValueError) as info:
        negative.step(theta, grad, state)
    assert str(info.value).startswith(f"lr(2)={-base} is outside its valid range [0, inf)"), info
