"""Notebook 02's exercise checks: right answers pass, typical mistakes get their own message,
and no message for a wrong answer gives the right one away."""

import numpy as np
import pytest

from helpers.exercises import nb02


# -- exercise 1: gd_step --------------------------------------------------------------------
def right_step(theta, grad, lr):
    return theta - lr * grad


def in_place_step(theta, grad, lr):
    theta -= lr * grad
    return theta


@pytest.mark.parametrize("function", [right_step, in_place_step])
def test_gd_step_right_answers_pass(function):
    feedback = nb02.check_gd_step(function)
    assert feedback.correct is True and "Correct" in feedback.message


@pytest.mark.parametrize(
    ("function", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (lambda theta, grad, lr: None, None, "returns None"),
        (lambda theta, grad, lr: theta + lr * grad, False, "uphill"),
        (lambda theta, grad, lr: theta - grad, False, "ignores the learning rate"),
        (lambda theta, grad, lr: -lr * grad, False, "the step Δθ alone"),
        (lambda theta, grad, lr: theta - grad / lr, False, "divided by the learning rate"),
        (lambda theta, grad, lr: theta - lr * theta, False, "along θ itself"),
        (lambda theta, grad, lr: 1 / 0, False, "ZeroDivisionError"),
        (lambda theta, grad, lr: float(theta[0] - lr * grad[0]), False, "shape"),
        (lambda theta, grad, lr: theta - 2 * lr * grad, False, "Which way does the gradient"),
        (lambda theta, grad, lr: "θ − ηg", False, "should return an array"),
    ],
)
def test_gd_step_mistakes_get_their_own_message(function, correct, says):
    feedback = nb02.check_gd_step(function)
    assert feedback.correct is correct, feedback.message
    assert says in feedback.message
    assert "theta - lr * grad" not in feedback.message and "θ − η·g" not in feedback.message


def test_gd_step_that_drifts_over_a_run_is_caught():
    calls = []

    def drifting(theta, grad, lr):  # right on the first call, then keeps a hidden state
        calls.append(1)
        return theta - lr * grad * (1 + 0.01 * (len(calls) > 1))

    feedback = nb02.check_gd_step(drifting)
    assert feedback.correct is False and "30 steps in a row" in feedback.message


# -- exercise 2: largest_stable_lr ------------------------------------------------------------
def test_largest_stable_lr_right_answer_passes_and_is_demonstrated():
    feedback = nb02.check_largest_stable_lr(lambda H: 2 / np.linalg.eigvalsh(H).max())
    assert feedback.correct is True
    assert "stays finite" in feedback.message and "diverges at step" in feedback.message


@pytest.mark.parametrize(
    ("function", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (lambda H: None, None, "returns None"),
        (lambda H: 2 / np.linalg.eigvalsh(H).min(), False, "smallest"),
        (lambda H: 1 / np.linalg.eigvalsh(H).max(), False, "one step"),
        (lambda H: 2 / np.linalg.eigvalsh(H).sum(), False, "best"),
        (lambda H: 2 / np.max(np.diag(H)), False, "diagonal"),
        (lambda H: np.linalg.eigvalsh(H).max() / 2, False, "upside down"),
        (lambda H: 0.1, False, "not the edge of stability"),
        (lambda H: np.linalg.eigvalsh(H), False, "one number"),
        (lambda H: H.nonexistent, False, "AttributeError"),
    ],
)
def test_largest_stable_lr_mistakes_get_their_own_message(function, correct, says):
    feedback = nb02.check_largest_stable_lr(function)
    assert feedback.correct is correct, feedback.message
    assert says in feedback.message
    message = feedback.message
    for right in ("0.2", "0.5", "0.795", "2/L", "2 / L", "2/λ", "largest eigenvalue"):
        assert right not in message, (right, message)


# -- exercise 3: slow_steps -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ("forty", False, "should be a number"),
        (40, True, "Correct"),
        (39, False, "round up"),
        (14, False, "steep"),
        (35, False, "best η*"),
        (100, False, "|1 − ημ|"),
    ],
)
def test_slow_steps_feedback(answer, correct, says):
    feedback = nb02.slow_steps(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "40" not in feedback.message
