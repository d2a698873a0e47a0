"""Schedules: the same learning rate as torch.optim.lr_scheduler at every step; clear errors."""

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from helpers import SGD, Quadratic, run
from helpers.schedules import SCHEDULES, schedule

STEPS = 300
LR = 0.1


def torch_lrs(make_scheduler, steps=STEPS):
    """The learning rate torch uses at each step t = 1..steps (scheduler stepped after each)."""
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=LR)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(rates)


CASES = {
    "step": (dict(step_size=40, gamma=0.5), lambda o: lr_scheduler.StepLR(o, 40, gamma=0.5)),
    "exponential": (dict(gamma=0.98), lambda o: lr_scheduler.ExponentialLR(o, gamma=0.98)),
    "cosine": (
        dict(total_steps=STEPS, lr_min=0.001),
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=STEPS, eta_min=0.001),
    ),
    "warm-up + cosine": (
        dict(total_steps=STEPS, warmup_steps=30, start_factor=0.1, lr_min=0.0),
        lambda o: lr_scheduler.SequentialLR(
            o,
            [
                lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=30),
                lr_scheduler.CosineAnnealingLR(o, T_max=STEPS - 30),
            ],
            milestones=[30],
        ),
    ),
    "warm-up + stable + decay": (
        dict(total_steps=STEPS, warmup_steps=30, decay_steps=60, start_factor=0.1, lr_min=0.002),
        lambda o: lr_scheduler.SequentialLR(
            o,
            [
                lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=30),
                lr_scheduler.ConstantLR(o, factor=1.0, total_iters=STEPS),
                lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.002 / LR, total_iters=60),
            ],
            milestones=[30, STEPS - 60],
        ),
    ),
    "one-cycle": (
        dict(total_steps=STEPS, pct_start=0.25, div_factor=20.0, final_div_factor=100.0),
        lambda o: lr_scheduler.OneCycleLR(
            o,
            max_lr=LR,
            total_steps=STEPS,
            pct_start=0.25,
            div_factor=20.0,
            final_div_factor=100.0,
            cycle_momentum=False,
        ),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_same_learning_rate_as_torch_at_every_step(name):
    params, make = CASES[name]
    ours = schedule(name, lr=LR, **params)(np.arange(1, STEPS + 1))
    np.testing.assert_allclose(ours, torch_lrs(make), rtol=1e-9, atol=1e-15)


def test_every_schedule_with_a_torch_twin_is_compared():
    assert set(SCHEDULES) - set(CASES) == {"constant", "1/t"}


def test_constant_and_inverse_time_follow_their_formulas():
    t = np.arange(1, 11)
    np.testing.assert_array_equal(schedule("constant", lr=0.3)(t), np.full(10, 0.3))
    np.testing.assert_allclose(schedule("1/t", lr=0.3, decay=0.5)(t), 0.3 / (1 + 0.5 * (t - 1)))


def test_a_schedule_drives_helpers_run():
    q = Quadratic(condition_number=4)
    lr_at = schedule("exponential", lr=1.0, gamma=0.9)
    scheduled = run(SGD(lr=123.0), q, q.x0, steps=3, lr_schedule=lr_at)  # lr is replaced
    x = q.x0
    for t in (1, 2, 3):
        x = x - lr_at(t) * q.grad(x)
    np.testing.assert_allclose(scheduled.path[-1], x)


@pytest.mark.parametrize(
    ("name", "params", "says"),
    [
        ("cosine", dict(lr=-0.1, total_steps=10), "lr=-0.1"),
        ("cosine", dict(lr=0.1, total_steps=0), "total_steps=0"),
        ("warm-up + cosine", dict(lr=0.1, total_steps=100, warmup_steps=100), "warmup_steps=100"),
        ("warm-up + cosine", dict(lr=0.1, total_steps=100, warmup_steps=150), "warmup_steps=150"),
        ("step", dict(lr=0.1, step_size=0), "step_size=0"),
        ("exponential", dict(lr=0.1, gamma=1.5), "gamma=1.5"),
        ("1/t", dict(lr=0.1, decay=-1), "decay=-1"),
        ("one-cycle", dict(lr=0.1, total_steps=100, pct_start=1.2), "pct_start=1.2"),
        ("cosine", dict(lr=0.1, total_steps=10, lr_min=0.5), "lr_min=0.5"),
        (
            "warm-up + stable + decay",
            dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=95),
            r"decay_steps=95 .* \[1, 90\]",
        ),
        ("linear", dict(lr=0.1), "schedule='linear'"),
    ],
)
def test_bad_parameters_are_named_with_their_range(name, params, says):
    with pytest.raises(ValueError, match=says.replace("+", r"\+")):
        schedule(name, **params)


def test_one_cycle_ends_at_total_steps_as_torch_does():
    lr_at = schedule("one-cycle", lr=0.1, total_steps=50)
    lr_at(50)  # the last step is fine
    with pytest.raises(
        ValueError, match=r"t=51 is outside one-cycle's valid range \[1, total_steps=50\]"
    ):
        lr_at(51)
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=50)
    for _ in range(50):  # torch allows one step more (its step_num = total_steps)...
        opt.step()
        scheduler.step()
    with pytest.raises(ValueError, match="total steps"):  # ...then refuses, too
        opt.step()
        scheduler.step()


# Each parameter's valid range at both of its ends (mutation testing found `>` for `>=`, a missing
# range in the message and a wrong parameter name surviving): (schedule, the other parameters,
# the parameter, values accepted, values refused, the range the message gives).
EDGES = [
    ("constant", {}, "lr", [0.0, 3.0], [-0.1, float("nan"), float("inf")], "[0, inf)"),
    ("cosine", {"lr": 0.1}, "total_steps", [1], [0, 2.5], "an integer in [1, inf)"),
    ("step", {"lr": 0.1}, "step_size", [1], [0], "an integer in [1, inf)"),
    ("exponential", {"lr": 0.1}, "gamma", [1.0, 1e-9], [0.0, 1.01], "(0, 1]"),
    ("1/t", {"lr": 0.1}, "decay", [0.0], [-1e-9], "[0, inf)"),
    ("cosine", {"lr": 0.1, "total_steps": 10}, "lr_min", [0.0, 0.1], [-1e-9, 0.11], "[0, lr=0.1]"),
    (
        "warm-up + cosine",
        {"lr": 0.1, "total_steps": 10},
        "warmup_steps",
        [1, 9],
        [0, 10],
        "an integer in [1, total_steps − 1] = [1, 9]",
    ),
    (
        "warm-up + cosine",
        {"lr": 0.1, "total_steps": 10, "warmup_steps": 3},
        "start_factor",
        [1.0, 1e-9],
        [0.0, 1.01],
        "(0, 1]",
    ),
    (
        "one-cycle",
        {"lr": 0.1, "total_steps": 10},
        "pct_start",
        [0.2, 0.9],
        [0.0, 1.0, 0.19],
        "(0, 1), with pct_start·total ≥ 2",
    ),
    ("one-cycle", {"lr": 0.1, "total_steps": 10}, "div_factor", [1.0], [0.99], "[1, inf)"),
    ("one-cycle", {"lr": 0.1, "total_steps": 10}, "final_div_factor", [1.0], [0.99], "[1, inf)"),
]


@pytest.mark.parametrize(
    ("name", "given", "parameter", "accepted", "refused", "valid"),
    EDGES,
    ids=[f"{e[0]}-{e[2]}" for e in EDGES],
)
def test_each_parameter_at_both_ends_of_its_range(name, given, parameter, accepted, refused, valid):
    for value in accepted:
        schedule(name, **given, **{parameter: value})
    for value in refused:
        with pytest.raises(ValueError) as info:
            schedule(name, **given, **{parameter: value})
        assert str(info.value) == f"{parameter}={value} is outside its valid range: {valid}"


def test_defaults_are_torchs():
    """The defaults notebook 07's table quotes: torch's for StepLR (γ = 0.1) and OneCycleLR
    (pct_start 0.3, div_factor 25, final_div_factor 10⁴); WSD's start factor 0.01 and η_min = 0
    are the course's own."""
    import inspect

    from helpers.schedules import one_cycle, step_decay, wsd

    def defaults(function):
        return {
            k: p.default
            for k, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty
        }

    torch_one_cycle = defaults(lr_scheduler.OneCycleLR)
    ours = defaults(one_cycle)
    for key in ("pct_start", "div_factor", "final_div_factor"):
        assert ours[key] == torch_one_cycle[key], key
    assert defaults(step_decay)["gamma"] == defaults(lr_scheduler.StepLR)["gamma"]
    assert defaults(wsd) == {"start_factor": 0.01, "lr_min": 0.0}


def test_wsd_after_its_last_step_stays_at_lr_min_as_torchs_linear_decay_does():
    params = CASES["warm-up + stable + decay"][0]
    ours = schedule("warm-up + stable + decay", lr=LR, **params)(np.arange(1, STEPS + 41))
    theirs = torch_lrs(CASES["warm-up + stable + decay"][1], steps=STEPS + 40)
    np.testing.assert_allclose(ours[STEPS + 1 :], 0.002)
    np.testing.assert_allclose(ours[STEPS + 1 :], theirs[STEPS + 1 :])
