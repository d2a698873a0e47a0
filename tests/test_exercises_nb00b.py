"""Notebook 00b's exercise checks: the right answer passes, a near miss and every named mistake
get their own message, and an untouched exercise says "not answered yet", never a red cross."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.exercises import nb00b


# -- exercise 1: two backward() calls, one step ------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (1.1, True, "Correct"),
        (1.5 - 0.25 * 1.6, True, "Correct"),
        (1.3, False, "one backward()"),
        (1.9, False, "against the gradient"),
        (1.7, False, "against the gradient"),
        (0.4, False, "size of the step"),
        (0.2, False, "size of one backward()"),
        (1.5, False, "before the step"),
        (1.5 - 1.6, False, "scaled by the learning rate"),
        (0.7, False, "scaled by the learning rate"),
        (1.12, False, "θ ← θ − η·grad"),  # a near miss gets the hint, not a pass
        (1.1 * 1.001, False, "θ ← θ − η·grad"),
        ("one", False, "should be a number"),
    ],
)
def test_accumulated_step_feedback(answer, correct, says):
    feedback = nb00b.accumulated_step(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "1.6 = 1.1" not in feedback.message  # a wrong answer is not told the right one


def test_accumulated_step_matches_torch():
    """The answer the check expects is what torch does: backward() twice, then one step."""
    weight = nn.Parameter(torch.tensor(nb00b.WEIGHT, dtype=torch.float64))
    optimizer = torch.optim.SGD([weight], lr=nb00b.LR)
    for _ in range(2):
        (nb00b.GRADIENT * weight).backward()  # d/dw (0.8·w) = 0.8
    optimizer.step()
    assert nb00b.accumulated_step(weight.item()).correct is True


# -- exercise 2: one training step -------------------------------------------------------------
def right(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def untouched(model, optimizer, x, y):
    return None


def no_zero_grad(model, optimizer, x, y):
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def no_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    return loss.item()


def step_before_backward(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    optimizer.step()
    loss.backward()
    return loss.item()


def summed(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).sum()
    loss.backward()
    optimizer.step()
    return loss.item()


def halved(model, optimizer, x, y):  # a near miss: ½ of the MSE, steps half as large
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y) / 2
    loss.backward()
    optimizer.step()
    return loss.item()


def returns_nothing(model, optimizer, x, y):
    right(model, optimizer, x, y)


def returns_tensor(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def returns_loss_after(model, optimizer, x, y):
    right(model, optimizer, x, y)
    return nn.MSELoss()(model(x), y).item()


def zero_grad_last(model, optimizer, x, y):  # also right: the gradient is empty at each start
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.item()


def crashes(model, optimizer, x, y):
    return model(x, y)


@pytest.mark.parametrize(
    ("student", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (untouched, None, "Not answered yet"),
        (right, True, "Correct"),
        (zero_grad_last, True, "Correct"),
        (returns_tensor, False, "return <code>loss.item()</code>, a plain number"),
        (no_zero_grad, False, "zero_grad"),
        (no_step, False, "never change"),
        (step_before_backward, False, "never change"),
        (summed, False, "summed"),
        (halved, False, "not where one SGD step"),
        (returns_nothing, False, "return the batch loss"),
        (returns_loss_after, False, "before the step"),
        (crashes, False, "failed: TypeError"),
    ],
)
def test_train_step_feedback(student, correct, says):
    feedback = nb00b.train_step(student)
    assert feedback.correct is correct, feedback.message
    assert says in feedback.message
    assert bool(feedback) is bool(correct)


def test_train_step_leaves_the_global_random_state_alone():
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    nb00b.train_step(right)
    assert torch.equal(torch.rand(1), expected)


def test_reference_is_gradient_descent_by_hand():
    """The check's right path is θ ← θ − η ∇L with the MSE gradient written out in numpy."""
    x, y = nb00b._data()
    X = np.c_[x.numpy(), np.ones(len(x))]
    theta = np.array([0.5, -0.5])
    for step in nb00b._reference_paths(x, y, 3)["right"]:
        theta = theta - 0.1 * 2 / len(X) * X.T @ (X @ theta - y.numpy().ravel())
        np.testing.assert_allclose(step, theta, rtol=1e-12)
