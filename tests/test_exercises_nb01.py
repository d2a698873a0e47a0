"""Notebook 01's exercise checks: the right answer passes, the usual mistakes get their own
explanation, and no message for a wrong answer gives the right one away."""

import numpy as np
import pytest

from helpers.exercises import nb01

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([3.0, 5.0, 6.0, 9.0])


# -- exercise 1: L(w, b) ---------------------------------------------------------------------
def right_loss(w, b):
    return np.mean((w * X + b - Y) ** 2)


@pytest.mark.parametrize(
    ("loss", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        (lambda w, b: None, None, "returns None"),
        (right_loss, True, "Correct"),
        (lambda w, b: np.sum((w * X + b - Y) ** 2), False, "summed"),
        (lambda w, b: np.mean((w * X + b - Y) ** 2) / 2, False, "extra ½"),
        (lambda w, b: np.sqrt(np.mean((w * X + b - Y) ** 2)), False, "root mean square"),
        (lambda w, b: np.mean(w * X + b - Y), False, "must be squared"),
        (lambda w, b: np.mean(np.abs(w * X + b - Y)), False, "absolute"),
        (lambda w, b: np.mean((w * X - Y) ** 2), False, "intercept b is missing"),
        (lambda w, b: np.mean((w * X + b - Y) ** 3), False, "Build the prediction"),
        (lambda w: w, False, "failed"),
        (lambda w, b: 1 / 0, False, "ZeroDivisionError"),
    ],
)
def test_line_loss_feedback(loss, correct, says):
    feedback = nb01.line_loss(loss, X, Y)
    assert feedback.correct is correct
    assert says in feedback.message
    assert bool(feedback) is bool(correct)


def test_line_loss_works_for_other_data_too():
    x, y = np.arange(10.0), np.arange(10.0) ** 2
    assert nb01.line_loss(lambda w, b: np.mean((w * x + b - y) ** 2), x, y)
    assert not nb01.line_loss(right_loss, x, y)  # computed on the wrong arrays


# -- exercise 2: κ -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ("eight thirds", False, "should be a number"),
        (8 / 3, True, "Correct"),
        (2.67, True, "Correct"),
        (7 / 4, False, "diagonal entries"),
        (3 / 8, False, "at least 1"),
        (np.sqrt(8 / 3), False, "semi-axes"),
        (11, False, "trace"),
        (24, False, "determinant"),
        (5, False, "difference"),
        (4, False, "Find both eigenvalues"),
    ],
)
def test_condition_number_feedback(answer, correct, says):
    feedback = nb01.condition_number(answer)
    assert feedback.correct is correct
    assert says in feedback.message


def test_condition_number_wrong_answers_do_not_give_it_away():
    for wrong in (7 / 4, 3 / 8, 11, 24, 5, 4):
        message = nb01.condition_number(wrong).message
        assert "2.67" not in message and "8/3" not in message and "2.66" not in message


# -- exercise 3: Himmelblau basins -------------------------------------------------------------
RIGHT_ENDS = ["A", "C", "A", "B"]


def test_himmelblau_right_answer_is_what_gradient_descent_does():
    from helpers import SGD, Himmelblau, run

    h = Himmelblau()
    result = run(SGD(lr=0.01), h, nb01.HIMMELBLAU_STARTS, 500)
    reached = np.linalg.norm(result.final[:, None] - h.minima, axis=-1).argmin(axis=1)
    assert ["ABCD"[k] for k in reached] == RIGHT_ENDS
    assert nb01.himmelblau_minima(RIGHT_ENDS).correct is True
    assert nb01.himmelblau_minima(["a", " c", "A", "b"]).correct is True  # case and spaces


@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ([None] * 4, None, "Not answered yet"),
        (["A", "C"], False, "needs 4 letters"),
        (["A", "C", "D", "B"], False, "nearest"),  # the nearest minimum: the typical guess
        (["A", "C", "A", "A"], False, "equally far"),  # (−0.5, −0.5): all four are 4.30 away
        (["A", "C", "C", "B"], False, "which way does −∇f point"),
        (["A", "C", "A", "E"], False, "one of the letters"),
    ],
)
def test_himmelblau_feedback(answer, correct, says):
    feedback = nb01.himmelblau_minima(answer)
    assert feedback.correct is correct
    assert says in feedback.message


def test_himmelblau_wrong_answers_do_not_give_the_letters_away():
    message = nb01.himmelblau_minima(["A", "C", "D", "D"]).message
    assert message.startswith("2 of 4 right")
    for letter in "ABCD":  # names no minimum: only where −∇f points decides
        assert f" {letter} " not in message and f"'{letter}'" not in message


# -- exercise 4: minimum, maximum or saddle ----------------------------------------------------
RIGHT_KINDS = {"A": "minimum", "B": "saddle", "C": "maximum"}


def test_classify_right_answer_matches_the_eigenvalues():
    for name, kind in RIGHT_KINDS.items():
        eigenvalues = np.linalg.eigvalsh(nb01.HESSIANS[name])
        signs = {"minimum": eigenvalues > 0, "maximum": eigenvalues < 0}
        assert np.all(signs[kind]) if kind in signs else eigenvalues[0] < 0 < eigenvalues[1]
    assert nb01.classify_hessians(RIGHT_KINDS).correct is True
    assert nb01.classify_hessians({"A": "Minimum ", "B": "SADDLE", "C": "maximum"}).correct


@pytest.mark.parametrize(
    ("answer", "correct", "says"),
    [
        (None, None, "Not answered yet"),
        ({"A": None, "B": None, "C": None}, None, "Not answered yet"),
        ({"A": "minimum", "B": "saddle"}, False, "exactly the keys"),
        ({"A": "minimum", "B": "minimum", "C": "maximum"}, False, "diagonal is positive"),
        ({"A": "minimum", "B": "saddle", "C": "saddle"}, False, "Compute its eigenvalues"),
        ({"A": "min", "B": "saddle", "C": "maximum"}, False, "write one of"),
    ],
)
def test_classify_feedback(answer, correct, says):
    feedback = nb01.classify_hessians(answer)
    assert feedback.correct is correct
    assert says in feedback.message


def test_classify_wrong_answers_do_not_name_the_right_kind():
    message = nb01.classify_hessians({"A": "minimum", "B": "minimum", "C": "saddle"}).message
    assert "saddle" not in message  # B's and C's kinds stay hidden
    assert "maximum" not in message
