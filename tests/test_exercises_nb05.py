"""Notebook 05's exercise checks: the right answer passes, typical mistakes get their own
explanation, and no message for a wrong answer gives the right one away."""

import numpy as np
import pytest

from helpers.exercises import nb05


# -- exercise 1: how many values carry 90 % of the weight ------------------------------------------
@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ("twenty", False, "should be a number"),
        (22, True, "Correct"),
        (10, False, "window 1/(1 − β)"),
        (9, False, "mean age"),
        (21.85, False, "whole number"),
        (21, False, "just below 0.9"),
        (15, False, "solve 1 − 0.9^N ≥ 0.9"),
        (23, False, "the fewest N"),  # enough weight, but not the fewest values
        (40, False, "the fewest N"),
    ],
)
def test_ema_steps_feedback(answer, correct, says):
    feedback = nb05.ema_steps(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "22" not in feedback.message


# -- exercise 2: the momentum step ---------------------------------------------------------------
def right(theta, grad, velocity, lr, beta):
    velocity = beta * velocity + grad
    return theta - lr * velocity, velocity


def test_the_right_momentum_step_passes():
    feedback = nb05.momentum_step(right)
    assert feedback.correct is True and "8 steps" in feedback.message


def test_an_unanswered_momentum_step_is_not_an_error():
    assert nb05.momentum_step(None).correct is None
    assert nb05.momentum_step(lambda *args: None).correct is None


@pytest.mark.parametrize(
    ("wrong", "step", "quantity", "says"),
    [
        (lambda th, g, v, lr, b: (th + (b * v - lr * g), b * v - lr * g), 1, "velocity",
         "Sutskever's form"),
        (lambda th, g, v, lr, b: (th - (b * v + lr * g), b * v + lr * g), 1, "velocity",
         "η times the expected one"),
        (lambda th, g, v, lr, b: (th - lr * v, b * v + g), 1, "theta", "before this step"),
        (lambda th, g, v, lr, b: (th - lr * (b * v + (1 - b) * g), b * v + (1 - b) * g), 1,
         "velocity", "(1 − β)"),
        (lambda th, g, v, lr, b: (th + lr * (b * v + g), b * v + g), 1, "theta", "uphill"),
        (lambda th, g, v, lr, b: (th - lr * (v + g), v + g), 2, "velocity", "shrink by β"),
        (lambda th, g, v, lr, b: (th - lr * g, b * v + g), 2, "theta", "gradient alone"),
    ],
)  # fmt: skip
def test_typical_momentum_mistakes_are_named_with_their_step(wrong, step, quantity, says):
    feedback = nb05.momentum_step(wrong)
    assert feedback.correct is False
    assert f"Step {step} " in feedback.message
    assert f"your <code>{quantity}</code>" in feedback.message
    assert says in feedback.message
    assert "βv + g" not in feedback.message and "beta * velocity + grad" not in feedback.message


def test_values_returned_in_the_wrong_order_are_named():
    feedback = nb05.momentum_step(lambda *args: right(*args)[::-1])
    assert feedback.correct is False and "wrong order" in feedback.message
    assert "returned (velocity, theta); return (theta, velocity)" in feedback.message


def test_a_hard_coded_beta_fails_on_the_second_setting():
    feedback = nb05.momentum_step(lambda th, g, v, lr, b: right(th, g, v, lr, 0.9))
    assert feedback.correct is False and "β = 0.5" in feedback.message


def test_unknown_mistakes_report_the_first_difference_and_broken_code_is_explained():
    def off(theta, grad, velocity, lr, beta):
        theta, velocity = right(theta, grad, velocity, lr, beta)
        return (theta + 1e-3, velocity) if np.any(velocity != grad) else (theta, velocity)

    feedback = nb05.momentum_step(off)
    assert feedback.correct is False and "Step 2 " in feedback.message
    assert "your <code>theta</code>" in feedback.message
    crash = nb05.momentum_step(lambda *args: 1 / 0)
    assert crash.correct is False and "ZeroDivisionError" in crash.message
    shape = nb05.momentum_step(lambda th, g, v, lr, b: (th, v, 0))
    assert shape.correct is False and "tuple (theta, velocity)" in shape.message
    wrong_shape = nb05.momentum_step(lambda th, g, v, lr, b: (th[:1], v))
    assert wrong_shape.correct is False and "shape (2,)" in wrong_shape.message


def test_the_students_arrays_cannot_corrupt_the_check():
    def in_place(theta, grad, velocity, lr, beta):
        velocity *= beta
        velocity += grad
        theta -= lr * velocity
        return theta, velocity

    assert nb05.momentum_step(in_place).correct is True


# -- exercise 3: the stability border --------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (3.8, True, "Correct"),
        (2, False, "gradient descent's threshold"),
        (1.9, False, "factor is missing"),
        (20, False, "constant slope"),
        (0.2, False, "widens"),
        (2 / 1.9, False, "wrong side"),
        (3.31, False, "optimal η*"),
        (3.78, False, "close"),  # the explorer's last converging stop
        (3.795, False, "close"),
        (3.7, False, "z = −1"),
        (5, False, "z = −1"),
    ],
)
def test_max_lr_feedback(answer, correct, says):
    feedback = nb05.max_lr(answer)
    assert feedback.correct is correct
    assert says in feedback.message
    if correct is False:
        assert "3.8" not in feedback.message


def test_a_step_that_stops_returning_or_goes_infinite_is_named():
    # (mutation testing: neither message was checked)
    calls = []

    def stops(theta, grad, velocity, lr, beta):
        calls.append(1)
        return None if len(calls) > 1 else right(theta, grad, velocity, lr, beta)

    feedback = nb05.momentum_step(stops)
    assert feedback.correct is False and "Step 2 " in feedback.message
    assert "returned None" in feedback.message

    def infinite(theta, grad, velocity, lr, beta):
        theta, velocity = right(theta, grad, velocity, lr, beta)
        return theta / 0.0, velocity

    with np.errstate(divide="ignore", invalid="ignore"):
        feedback = nb05.momentum_step(infinite)
    assert feedback.correct is False and "It is not finite" in feedback.message
