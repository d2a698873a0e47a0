"""Notebook 04's exercise checks: right answers pass, typical mistakes get their own message,
and no message for a wrong answer gives the right one away."""

import pytest

from helpers.exercises import nb04


def test_unanswered_exercises_say_so_and_do_not_raise():
    for check in (nb04.variance_factor, nb04.scaled_lr, nb04.largest_batch):
        feedback = check(None)
        assert feedback.correct is None and "Not answered" in feedback.message
        assert check("many").correct is False


@pytest.mark.parametrize(
    ("check", "right", "mistakes", "shown"),
    [
        (
            nb04.variance_factor,
            333,
            {250: "without repeats", 15.81: "standard deviation", 0.004: "other way round"},
            "333",
        ),
        (
            nb04.scaled_lr,
            0.2,
            {0.1: "square-root", 0.0125: "not smaller", 0.05: "less progress"},
            "0.2",
        ),
        (
            nb04.largest_batch,
            256,
            {512: "just above", 1000: "twice the limit", 508: "powers of two"},
            "256",
        ),
    ],
)
def test_right_answer_and_typical_mistakes(check, right, mistakes, shown):
    assert check(right)
    for wrong, says in mistakes.items():
        feedback = check(wrong)
        assert feedback.correct is False and says in feedback.message, (wrong, feedback.message)
        assert shown not in feedback.message
    other = check(right * 7)
    assert other.correct is False and shown not in other.message
