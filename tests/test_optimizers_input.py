"""Bad hyperparameters raise ValueError naming the parameter, the value and the valid range."""

import numpy as np
import pytest

from helpers.optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop

BAD = [
    (SGD, {"lr": -0.1}, "lr", "-0.1", "[0, inf)"),
    (SGD, {"lr": float("nan")}, "lr", "nan", "[0, inf)"),
    (SGD, {"momentum": -0.5}, "momentum", "-0.5", "[0, 1)"),
    (SGD, {"momentum": 1.0}, "momentum", "1.0", "[0, 1)"),
    (SGD, {"dampening": 1.5}, "dampening", "1.5", "[0, 1]"),
    (SGD, {"weight_decay": -1e-4}, "weight_decay", "-0.0001", "[0, inf)"),
    (SGD, {"lr": np.array([0.1, -0.2])}, "lr", "-0.2", "[0, inf)"),
    (Adagrad, {"lr": -1.0}, "lr", "-1.0", "[0, inf)"),
    (Adagrad, {"eps": 0.0}, "eps", "0.0", "(0, inf)"),
    (Adagrad, {"lr_decay": -0.1}, "lr_decay", "-0.1", "[0, inf)"),
    (Adagrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value", "-1.0", "[0, inf)"),
    (RMSprop, {"alpha": 1.0}, "alpha", "1.0", "[0, 1)"),
    (RMSprop, {"eps": -1e-8}, "eps", "-1e-08", "(0, inf)"),
    (RMSprop, {"momentum": -0.9}, "momentum", "-0.9", "[0, 1)"),
    (Adam, {"betas": (1.0, 0.999)}, "betas[0]", "1.0", "[0, 1)"),
    (Adam, {"betas": (0.9, 1.2)}, "betas[1]", "1.2", "[0, 1)"),
    (Adam, {"betas": (-0.1, 0.999)}, "betas[0]", "-0.1", "[0, 1)"),
    (Adam, {"eps": 0.0}, "eps", "0.0", "(0, inf)"),
    (AdamW, {"weight_decay": -0.01}, "weight_decay", "-0.01", "[0, inf)"),
    (Adadelta, {"rho": 1.0}, "rho", "1.0", "[0, 1)"),
    (Adadelta, {"eps": 0}, "eps", "0", "(0, inf)"),
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


@pytest.mark.parametrize("kwargs", [{"momentum": 0.0}, {"momentum": 0.9, "dampening": 0.1}])
def test_nesterov_needs_momentum_and_no_dampening(kwargs):
    with pytest.raises(ValueError, match="nesterov=True needs momentum"):
        SGD(lr=0.1, nesterov=True, **kwargs)


def test_adam_betas_must_be_a_pair():
    with pytest.raises(ValueError, match="betas"):
        Adam(betas=(0.9,))


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta])
def test_defaults_are_valid_and_torchs(cls):
    import torch

    ours = cls()
    param = torch.zeros(1, requires_grad=True)
    theirs = getattr(torch.optim, cls.__name__)([param]).defaults
    for name, value in vars(ours).items():
        if name in COURSE_EXTRAS:
            continue
        assert theirs[name] == (tuple(value) if isinstance(value, tuple) else value), name


COURSE_EXTRAS = {"bias_correction"}  # options torch does not have, off by default


def test_adam_without_bias_correction_uses_the_raw_moments():
    plain, raw = Adam(lr=0.1), Adam(lr=0.1, bias_correction=False)
    theta = np.array([1.0, -2.0])
    _, corrected = plain.step(theta, theta, plain.init(theta))
    _, uncorrected = raw.step(theta, theta, raw.init(theta))
    np.testing.assert_allclose(uncorrected.m_hat, 0.1 * theta)  # (1 − β₁) g: ten times too small
    np.testing.assert_allclose(corrected.m_hat, theta)  # the correction restores g
