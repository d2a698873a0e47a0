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
