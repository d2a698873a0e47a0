"""Exercise checks for notebook 00b (the PyTorch primer).

torch is imported inside the checks, so ``from helpers.exercises import nb00b`` stays light.
"""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, check_number, known_slip

# Exercise 1: the weight is 1.5, one backward() gives it the gradient 0.8, the learning rate is
# 0.25, and backward() runs twice before step() with no zero_grad() in between.
WEIGHT, GRADIENT, LR = 1.5, 0.8, 0.25


def accumulated_step(answer) -> Feedback:
    """Exercise 1: the weight after two backward() calls and one SGD step."""
    return check_number(
        answer,
        WEIGHT - LR * 2 * GRADIENT,
        name="new_weight",
        mistakes={
            WEIGHT - LR * GRADIENT: "that is one backward()'s update. backward() adds its "
            "gradient to .grad; only zero_grad() empties it, so what does .grad hold here?",
            WEIGHT
            + LR * 2 * GRADIENT: "the step goes against the gradient (downhill), not along it.",
            WEIGHT + LR * GRADIENT: "the step goes against the gradient (downhill), not along "
            "it, and backward() ran twice.",
            LR * 2 * GRADIENT: "that is the size of the step; step() subtracts it from the weight.",
            LR * GRADIENT: "that is the size of one backward()'s step; step() subtracts the "
            "step from the weight, and backward() ran twice.",
            WEIGHT: "that is the weight before the step: step() changes it.",
            WEIGHT - 2 * GRADIENT: "the gradient is scaled by the learning rate before it is "
            "subtracted.",
            WEIGHT - GRADIENT: "the gradient is scaled by the learning rate before it is "
            "subtracted, and backward() ran twice.",
        },
        hint="Find what .grad holds after the two backward() calls, then apply "
        "θ ← θ − η·grad once.",
        explanation="Each backward() adds 0.8 to .grad, so it holds 1.6, and step() makes "
        "1.5 − 0.25 · 1.6 = 1.1. That is why every training step starts with zero_grad().",
    )


# -- exercise 2: one training step --------------------------------------------------------------
def _data():
    """16 samples of a line, in float64 so the comparisons can be strict."""
    import torch

    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, (16, 1))
    y = 3 * x + 2 + 0.1 * rng.standard_normal((16, 1))
    return torch.tensor(x), torch.tensor(y)


def _model_and_optimizer(lr: float = 0.1):
    import torch
    from torch import nn

    with torch.random.fork_rng(devices=[]):  # nn.Linear draws its initial weights: not from ours
        model = nn.Linear(1, 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.fill_(0.5)
        model.bias.fill_(-0.5)
    return model, torch.optim.SGD(model.parameters(), lr=lr)


def _parameters(model) -> np.ndarray:
    return np.array([model.weight.item(), model.bias.item()])


def _reference_paths(x, y, steps: int) -> dict[str, np.ndarray]:
    """(w, b) after each of ``steps`` calls, for the right step and each known mistake."""
    import torch

    def path(step) -> np.ndarray:
        model, optimizer = _model_and_optimizer()
        out = []
        for _ in range(steps):
            step(model, optimizer)
            out.append(_parameters(model))
        return np.array(out)

    def right(model, optimizer):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()

    def no_zero_grad(model, optimizer):
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()

    def summed(model, optimizer):
        optimizer.zero_grad()
        ((model(x) - y) ** 2).sum().backward()
        optimizer.step()

    return {"right": path(right), "no zero_grad": path(no_zero_grad), "summed": path(summed)}


def train_step(student) -> Feedback:
    """Exercise 2: ``train_step(model, optimizer, x, y)`` makes one SGD step on the batch (x, y)
    with the mean squared error and returns that batch's loss (before the step) as a number."""
    import torch

    if student is None or not callable(student):
        return Feedback(
            None, "Not answered yet: complete <code>train_step</code> and run the cell."
        )
    x, y = _data()
    steps = 3
    model, optimizer = _model_and_optimizer()
    start = _parameters(model)
    returned = []
    try:
        for _ in range(steps):
            returned.append(student(model, optimizer, x, y))
    except Exception as error:  # the student's code: say what failed, in the notebook
        return Feedback(False, f"<code>train_step</code> failed: {type(error).__name__}: {error}")
    final = _parameters(model)
    reference = _reference_paths(x, y, steps)
    moved = not np.allclose(final, start, rtol=0, atol=1e-15)
    if not moved and all(r is None for r in returned):
        return Feedback(
            None,
            "Not answered yet: <code>train_step</code> returns None and leaves the weights as they "
            "were. Complete it and run the cell.",
        )
    if not moved:
        return Feedback(
            False,
            "The weights never change. step() updates them from the gradients that backward() "
            "stores, so the order matters: zero_grad(), the loss, backward(), then step().",
        )
    why = known_slip(
        final,
        [
            (
                reference["no zero_grad"][-1],
                "the gradients pile up from one call to the next: start each step with "
                "<code>optimizer.zero_grad()</code>.",
            ),
            (
                reference["summed"][-1],
                "you summed the squared errors; <code>nn.MSELoss()</code> (and the course's loss) "
                "takes their mean, so your steps are 16 times too large.",
            ),
        ],
        rtol=1e-9,
    )
    if why:
        return Feedback(False, f"Not yet: {why}")
    if not np.allclose(final, reference["right"][-1], rtol=1e-9, atol=1e-12):
        return Feedback(
            False,
            "Not yet: after three calls the weights are not where one SGD step per call on the "
            "mean squared error puts them. Use <code>nn.MSELoss()</code> (or its formula) on "
            "<code>model(x)</code> and <code>y</code>, and the optimizer you are given.",
        )
    if any(isinstance(r, torch.Tensor) for r in returned):
        return Feedback(
            False,
            "The step is right, but it returns the loss <i>tensor</i> "
            f"(<code>{returned[0]!r}</code>): return <code>loss.item()</code>, a plain number. "
            "A tensor keeps its whole computation graph alive, so a list of them, one per step, "
            "holds every step's graph in memory.",
        )
    try:
        values = [float(r.item() if hasattr(r, "item") else r) for r in returned]
    except (TypeError, ValueError):
        return Feedback(
            False,
            "The step is right, but <code>train_step</code> should return the batch loss as a "
            f"number (<code>loss.item()</code>), not {returned[0]!r}.",
        )
    # The loss each call saw before its own update, recomputed from the right path.
    before = np.vstack([start, reference["right"][:-1]])
    expected = [
        torch.nn.functional.mse_loss(x * w + b, y).item() for w, b in before
    ]  # the model is w·x + b
    if not np.allclose(values, expected, rtol=1e-9):
        return Feedback(
            False,
            "The step is right, but the returned number is not the batch loss computed before "
            "the step (compute the loss, keep <code>loss.item()</code>, then update).",
        )
    return Feedback(
        True,
        "Correct: zero_grad(), loss, backward(), step(): the four lines of every PyTorch "
        "training loop, and the update θ ← θ − η∇L.",
    )
