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


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta])
def test_per_run_hyperparameters_must_match_theta_runs(cls):
    """A 1-D θ is one run: two learning rates for it used to give a silent (2, 2) step."""
    opt = cls(lr=np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"lr has shape \(2,\), one value per run"):
        opt.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"lr has shape \(2,\)"):
        opt.init(np.zeros((3, 2)))
    assert opt.init(np.zeros((2, 5))).step == 0  # two runs of a 5-dimensional problem


def test_a_per_run_beta_is_checked_too():
    with pytest.raises(ValueError, match=r"betas\[1\] has shape \(3,\)"):
        Adam(betas=(0.9, np.array([0.9, 0.99, 0.999]))).init(np.zeros((2, 2)))


def test_array_hyperparameters_compare_and_print():
    lrs = np.geomspace(1e-3, 1, 50)
    assert Adam(lr=lrs) == Adam(lr=lrs.copy())
    assert Adam(lr=lrs) != Adam(lr=lrs * 2)
    assert SGD(lr=0.1) != Adam(lr=0.1)
    shown = repr(Adam(lr=lrs))
    assert shown.startswith("Adam(lr=array(shape=(50,), min=0.001, max=1)") and len(shown) < 200
    assert repr(SGD(lr=np.array([0.1, 0.2]))).startswith("SGD(lr=array([0.1, 0.2])")


def test_repr_reads_like_the_call_that_made_it():
    """What a student sees when an optimizer is printed (mutation testing changed every part of
    it unnoticed): PyTorch's names, tuples as tuples, a schedule by its name, up to four per-run
    values in full and more of them summarised."""
    import functools

    def cosine(t):
        return 0.1

    assert repr(Adam()) == (
        "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False, "
        "decoupled_weight_decay=False, bias_correction=True)"
    )
    rest = "dampening=0.0, weight_decay=0.0, nesterov=False)"
    four = SGD(lr=cosine, momentum=np.array([0.1, 0.2, 0.3, 0.4]))
    assert repr(four) == f"SGD(lr=cosine, momentum=array([0.1, 0.2, 0.3, 0.4]), {rest}"
    five = SGD(lr=np.arange(1, 6) / 10)
    assert repr(five) == f"SGD(lr=array(shape=(5,), min=0.1, max=0.5), momentum=0.0, {rest}"
    unnamed = functools.partial(cosine)  # a callable without a __name__: its own repr
    assert repr(SGD(lr=unnamed)) == f"SGD(lr={unnamed!r}, momentum=0.0, {rest}"


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW, Adadelta])
def test_lr_as_a_schedule_equals_setting_lr_step_by_step(cls):
    """A schedule is lr(t) for t = 1, 2, ...: the same as a fresh optimizer per step."""

    def lr_at(t):
        return 0.1 / t

    theta = fixed = np.array([[1.0, -2.0], [0.5, 3.0]])
    scheduled = cls(lr=lr_at)
    state = scheduled.init(theta)
    fixed_state = cls(lr=1.0).init(fixed)
    for t in range(1, 8):
        theta, state = scheduled.step(theta, 2 * theta, state)
        fixed, fixed_state = cls(lr=0.1 / t).step(fixed, 2 * fixed, fixed_state)
    np.testing.assert_allclose(theta, fixed, rtol=1e-14)


def test_a_schedule_that_goes_negative_is_named_at_its_step():
    opt = SGD(lr=lambda t: 0.1 - 0.05 * t)
    theta, state = np.ones(2), opt.init(np.ones(2))
    theta, state = opt.step(theta, theta, state)
    with pytest.raises(ValueError, match=r"lr\(3\)=-0\.0\d+ is outside its valid range \[0, inf\)"):
        for _ in range(2):
            theta, state = opt.step(theta, theta, state)


def test_centered_rmsprop_needs_alpha_above_zero():
    with pytest.raises(ValueError, match=r"alpha \(centered=True\)=0.0 .* \(0, 1\)"):
        RMSprop(alpha=0.0, centered=True)
    RMSprop(alpha=0.0)  # uncentered: v = g², a sign-like step; torch allows it too


def test_adamw_is_adam_with_decoupled_decay():
    with pytest.raises(ValueError, match="decoupled_weight_decay=True by definition"):
        AdamW(decoupled_weight_decay=False)
    theta = np.array([1.0, -2.0])
    a, b = (
        AdamW(lr=0.1, weight_decay=0.3),
        Adam(lr=0.1, weight_decay=0.3, decoupled_weight_decay=True),
    )
    np.testing.assert_array_equal(
        a.step(theta, theta, a.init(theta))[0], b.step(theta, theta, b.init(theta))[0]
    )
