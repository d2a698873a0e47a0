"""Every optimizer against torch.optim, step by step, in float64, over every option."""

import itertools

import numpy as np
import pytest
import torch

from helpers import optimizers as ours

STEPS = 150
SHAPE = (4, 3)  # 4 independent runs of a 3-parameter problem


def grid(**options):
    """All combinations of the given option values, as keyword dicts."""
    names = list(options)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*options.values())
    ]


SGD_CASES = [
    c
    for c in grid(
        lr=[0.05],
        momentum=[0.0, 0.9],
        dampening=[0.0, 0.3],
        weight_decay=[0.0, 0.05],
        nesterov=[False, True],
    )
    if not (c["nesterov"] and (c["momentum"] == 0 or c["dampening"] != 0))
]
ADAGRAD_CASES = grid(
    lr=[0.1],
    lr_decay=[0.0, 0.01],
    weight_decay=[0.0, 0.05],
    initial_accumulator_value=[0.0, 0.1],
    eps=[1e-10, 1e-3],
)
RMSPROP_CASES = grid(
    lr=[0.01],
    alpha=[0.99, 0.9],
    eps=[1e-8, 1e-3],
    weight_decay=[0.0, 0.05],
    momentum=[0.0, 0.9],
    centered=[False, True],
)
ADAM_CASES = grid(
    lr=[0.05],
    betas=[(0.9, 0.999), (0.5, 0.9)],
    eps=[1e-8, 1e-3],
    weight_decay=[0.0, 0.05],
    amsgrad=[False, True],
)
ADADELTA_CASES = grid(lr=[1.0, 0.5], rho=[0.9, 0.5], eps=[1e-6, 1e-3], weight_decay=[0.0, 0.05])

CASES = (
    [("SGD", c) for c in SGD_CASES]
    + [("Adagrad", c) for c in ADAGRAD_CASES]
    + [("RMSprop", c) for c in RMSPROP_CASES]
    + [("Adam", c) for c in ADAM_CASES]
    + [("Adam", {**c, "decoupled_weight_decay": True}) for c in ADAM_CASES if c["weight_decay"]]
    + [("AdamW", c) for c in ADAM_CASES]
    + [("Adadelta", c) for c in ADADELTA_CASES]
)

# Which torch state entry each of our state fields is (published in the module docstring).
TORCH_STATE = {k: v for k, v in ours.TORCH_STATE_NAMES.items() if k != "step"}


def gradient(theta, t, curvature, noise):
    """A gradient that depends on where the run is (a noisy, badly scaled quadratic)."""
    return curvature * (theta - 1.5) + noise[t]


def case_id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items() if k != "lr")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_torch_step_by_step(case):
    name, kwargs = case
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=SHAPE)
    curvature = rng.uniform(0.1, 3.0, size=SHAPE)
    noise = rng.normal(scale=0.5, size=(STEPS, *SHAPE))

    mine = ours.OPTIMIZERS[name](**kwargs)
    theta, state = theta0, mine.init(theta0)

    param = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    reference = getattr(torch.optim, name)([param], **kwargs)

    for t in range(STEPS):
        theta, state = mine.step(theta, gradient(theta, t, curvature, noise), state)
        param.grad = torch.from_numpy(gradient(param.detach().numpy(), t, curvature, noise))
        reference.step()

        np.testing.assert_allclose(
            theta,
            param.detach().numpy(),
            rtol=1e-10,
            atol=0,
            err_msg=f"theta differs at step {t + 1}",
        )
        torch_state = reference.state[param]
        for field, key in TORCH_STATE.items():
            value = getattr(state, field, None)
            if value is not None:
                np.testing.assert_allclose(
                    value,
                    torch_state[key].numpy(),
                    rtol=1e-10,
                    atol=0,
                    err_msg=f"{field} differs at step {t + 1}",
                )
        if "step" in torch_state:  # torch.optim.SGD keeps no step count
            assert state.step == int(torch_state["step"])
        assert state.step == t + 1


def test_every_optimizer_is_covered():
    import test_optimizers_parity_modern as modern  # the optimizers of notebook 10

    covered = {name for name, _ in CASES + modern.CASES} | {"Adafactor", "Muon", "Shampoo"}
    assert covered == set(ours.OPTIMIZERS)


def test_adam_bias_corrected_moments_are_m_and_v_rescaled():
    opt = ours.Adam(lr=0.1, betas=(0.8, 0.95))
    theta, state = np.array([1.0, -2.0]), opt.init(np.zeros(2))
    for t in range(1, 6):
        theta, state = opt.step(theta, 2 * theta, state)
        np.testing.assert_allclose(state.m_hat, state.m / (1 - 0.8**t))
        np.testing.assert_allclose(state.v_hat, state.v / (1 - 0.95**t))


@pytest.mark.parametrize("name", sorted(set(ours.OPTIMIZERS) - ours.MATRIX_OPTIMIZERS))
def test_many_runs_in_one_call_equal_one_run_at_a_time(name):
    """Vectorisation over runs, with a per-run learning rate, changes nothing per run."""
    rng = np.random.default_rng(1)
    starts = rng.normal(size=(6, 2))
    lrs = np.geomspace(1e-3, 1e-1, 6)
    batch = ours.OPTIMIZERS[name](lr=lrs)
    theta, state = starts, batch.init(starts)
    singles = [(s, ours.OPTIMIZERS[name](lr=lr)) for s, lr in zip(starts, lrs, strict=True)]
    single_states = [opt.init(s) for s, opt in singles]
    single_thetas = [s for s, _ in singles]
    for _ in range(30):
        theta, state = batch.step(theta, 2 * theta + 1, state)
        for i, (_, opt) in enumerate(singles):
            single_thetas[i], single_states[i] = opt.step(
                single_thetas[i], 2 * single_thetas[i] + 1, single_states[i]
            )
    np.testing.assert_allclose(theta, np.array(single_thetas), rtol=1e-13)
