"""Notebook 10's optimizers: bad hyperparameters raise ValueError naming the parameter, the value
and the valid range; matrix optimizers say what shape they need."""

import numpy as np
import pytest

from helpers.optimizers import (
    Adafactor,
    Adamax,
    AdamWScheduleFree,
    Lion,
    Muon,
    NAdam,
    RAdam,
    SGDScheduleFree,
    Shampoo,
)

BAD = [
    (NAdam, {"lr": -0.1}, "lr", "-0.1", "[0, inf)"),
    (NAdam, {"betas": (1.0, 0.999)}, "betas[0]", "1.0", "[0, 1)"),
    (NAdam, {"momentum_decay": -1.0}, "momentum_decay", "-1.0", "[0, inf)"),
    (NAdam, {"eps": 0.0}, "eps", "0.0", "(0, inf)"),
    (RAdam, {"betas": (0.9, 1.0)}, "betas[1]", "1.0", "[0, 1)"),
    (RAdam, {"weight_decay": -0.1}, "weight_decay", "-0.1", "[0, inf)"),
    (Adamax, {"eps": -1e-8}, "eps", "-1e-08", "(0, inf)"),
    (Adamax, {"lr": float("nan")}, "lr", "nan", "[0, inf)"),
    (Adafactor, {"beta2_decay": 0.5}, "beta2_decay", "0.5", "[-inf, 0]"),
    (Adafactor, {"d": 0.5}, "d", "0.5", "[1, inf)"),
    (Adafactor, {"eps": (-1.0, 1e-3)}, "eps[0]", "-1.0", "[0, inf)"),
    (Adafactor, {"eps": (None, -1.0)}, "eps[1]", "-1.0", "[0, inf)"),
    (Lion, {"betas": (1.5, 0.99)}, "betas[0]", "1.5", "[0, 1]"),
    (Lion, {"weight_decay": -1.0}, "weight_decay", "-1.0", "[0, inf)"),
    (
        Lion,
        {"lr": 0.0, "decoupled_weight_decay": True},
        "lr (decoupled_weight_decay=True)",
        "0.0",
        "(0, inf)",
    ),
    (Shampoo, {"eps": 0.0}, "eps", "0.0", "(0, inf)"),
    (Shampoo, {"lr": -1.0}, "lr", "-1.0", "[0, inf)"),
    (Muon, {"momentum": 1.0}, "momentum", "1.0", "[0, 1)"),
    (Muon, {"weight_decay": -0.1}, "weight_decay", "-0.1", "[0, inf)"),
    (SGDScheduleFree, {"momentum": 0.0}, "momentum", "0.0", "(0, 1)"),
    (SGDScheduleFree, {"r": -1.0}, "r", "-1.0", "[0, inf)"),
    (AdamWScheduleFree, {"betas": (0.0, 0.999)}, "betas[0]", "0.0", "(0, 1)"),
    (AdamWScheduleFree, {"weight_lr_power": -2.0}, "weight_lr_power", "-2.0", "[0, inf)"),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "name", "shown", "valid"),
    BAD,
    ids=[f"{c.__name__}-{n}-{s}" for c, _, n, s, _ in BAD],
)
def test_bad_value_is_named_with_its_range(cls, kwargs, name, shown, valid):
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    message = str(info.value)
    assert f"{name}=" in message and shown in message and valid in message, message


@pytest.mark.parametrize(
    ("cls", "kwargs", "says"),
    [
        (
            Muon,
            {"ns_steps": 100},
            r"ns_steps=100 is outside its valid range: an integer in \[0, 99\]",
        ),
        (Muon, {"ns_steps": 2.5}, "ns_steps=2.5"),
        (
            Muon,
            {"ns_coefficients": (1.0, 2.0)},
            r"ns_coefficients=\(1.0, 2.0\) must be \(a, b, c\)",
        ),
        (Muon, {"adjust_lr_fn": "rms"}, "adjust_lr_fn='rms' is not one of"),
        (SGDScheduleFree, {"warmup_steps": -1}, r"warmup_steps=-1 .* \[0, inf\)"),
        (AdamWScheduleFree, {"warmup_steps": 1.5}, "warmup_steps=1.5"),
        (Adafactor, {"eps": (1e-30,)}, "must be a pair"),
        (NAdam, {"betas": (0.9,)}, "must be a pair"),
    ],
)
def test_other_bad_options_say_what_is_valid(cls, kwargs, says):
    with pytest.raises(ValueError, match=says):
        cls(**kwargs)


@pytest.mark.parametrize("cls", [Shampoo, Muon])
def test_matrix_optimizers_refuse_a_vector(cls):
    with pytest.raises(ValueError, match=r"theta has shape \(3,\), but \w+ acts on matrices"):
        cls().init(np.zeros(3))


@pytest.mark.parametrize("cls", [Adafactor, Shampoo, Muon])
def test_matrix_per_run_values_match_the_leading_axes(cls):
    """For (..., m, n) the runs are theta.shape[:-2]: 3 learning rates need 3 matrices."""
    opt = cls(lr=np.array([0.1, 0.2, 0.3]))
    assert opt.init(np.zeros((3, 4, 2))).step == 0
    with pytest.raises(ValueError, match=r"lr has shape \(3,\), one value per run"):
        opt.init(np.zeros((4, 2)))  # a single matrix


def test_adafactor_vector_takes_a_single_learning_rate():
    with pytest.raises(ValueError, match="lr must be a single number for a vector theta"):
        Adafactor(lr=np.array([0.1, 0.2])).init(np.zeros(2))


@pytest.mark.parametrize("cls", [NAdam, RAdam, Adamax, Lion, SGDScheduleFree, AdamWScheduleFree])
def test_lr_as_a_schedule_equals_setting_lr_step_by_step(cls):
    def lr_at(t):
        return 0.1 / t

    theta = fixed = np.array([[1.0, -2.0], [0.5, 3.0]])
    scheduled = cls(lr=lr_at)
    state = scheduled.init(theta)
    fixed_state = cls(lr=1.0).init(fixed)
    for t in range(1, 8):
        theta, state = scheduled.step(theta, 2 * theta, state)
        fixed, fixed_state = cls(lr=0.1 / t).step(fixed, 2 * fixed, fixed_state)
    # (schedule-free's averaging weights use the largest η so far, which its state carries)
    np.testing.assert_allclose(theta, fixed, rtol=1e-14)
