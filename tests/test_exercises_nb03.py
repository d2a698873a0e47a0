"""Notebook 03's exercise checks: right answers pass, typical mistakes get their own message,
and no message for a wrong answer gives the right one away."""

import numpy as np
import pytest

from helpers.exercises import nb03


def test_unanswered_exercises_say_so_and_do_not_raise():
    for check in (nb03.noise_ball_radius, nb03.robbins_monro, nb03.sgd_epoch):
        feedback = check(None)
        assert feedback.correct is None and "Not answered" in feedback.message


def test_noise_ball_radius():
    assert nb03.noise_ball_radius(0.023)
    assert nb03.noise_ball_radius(0.0235)  # read off a plot: within 10 %
    for wrong, says in [(0.0115, "square root"), (0.046, "smaller η"), (0.092, "shrinks")]:
        feedback = nb03.noise_ball_radius(wrong)
        assert feedback.correct is False and says in feedback.message
        assert "0.023" not in feedback.message
    other = nb03.noise_ball_radius(0.03)
    assert (
        other.correct is False and "0.023" not in other.message and "η is divided" in other.message
    )
    assert nb03.noise_ball_radius("half").correct is False


def test_robbins_monro():
    for right in ({"b"}, ["B"], "b", ("b",)):
        assert nb03.robbins_monro(right), right
    for wrong, says in [
        ({"a"}, "never get smaller"),
        ({"b", "c"}, "harmonic"),
        ({"d"}, "freezes"),
        ({"e"}, "finite distance"),
    ]:
        feedback = nb03.robbins_monro(wrong)
        assert feedback.correct is False and says in feedback.message
        assert "only η/t" not in feedback.message
    assert nb03.robbins_monro(set()).correct is False
    assert "letters a to e" in nb03.robbins_monro({"z"}).message


def right_epoch(theta, x, y, order, lr):
    w, b = theta
    for i in order:
        r = w * x[i] + b - y[i]
        w, b = w - lr * 2 * r * x[i], b - lr * 2 * r
    return np.array([w, b])


def no_factor_two(theta, x, y, order, lr):
    return right_epoch(theta, x, y, order, lr / 2)


def sequential(theta, x, y, order, lr):
    w, b = theta
    for i in order:
        w = w - lr * 2 * (w * x[i] + b - y[i]) * x[i]
        b = b - lr * 2 * (w * x[i] + b - y[i])
    return np.array([w, b])


def in_index_order(theta, x, y, order, lr):
    return right_epoch(theta, x, y, np.arange(len(x)), lr)


def uphill(theta, x, y, order, lr):
    return right_epoch(theta, x, y, order, -lr)


def full_gradient(theta, x, y, order, lr):
    w, b = theta
    for _ in order:
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
    return np.array([w, b])


def test_sgd_epoch_right_answer_passes():
    feedback = nb03.sgd_epoch(right_epoch)
    assert feedback.correct is True


@pytest.mark.parametrize(
    ("function", "says"),
    [
        (no_factor_two, "factor 2"),
        (sequential, "new w"),
        (in_index_order, "shuffled"),
        (uphill, "uphill"),
        (lambda theta, x, y, order, lr: None, "returned None"),
        (lambda theta, x, y, order, lr: 1 / 0, "ZeroDivisionError"),
        (lambda theta, x, y, order, lr: "w, b", "two numbers"),
        (full_gradient, "gradient of all samples"),
        (lambda theta, x, y, order, lr: theta + 0.1, "is not what one epoch gives"),
    ],
)
def test_sgd_epoch_typical_mistakes(function, says):
    feedback = nb03.sgd_epoch(function)
    assert feedback.correct is False and says in feedback.message, feedback.message


def test_sgd_epoch_placeholder_is_not_answered_yet():
    feedback = nb03.sgd_epoch(lambda theta, x, y, order, lr: theta)  # the cell as written
    assert feedback.correct is None and "did not move" in feedback.message
