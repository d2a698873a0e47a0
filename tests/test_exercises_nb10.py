"""Notebook 10's exercise checks: the right answer, near misses, each named mistake, unanswered."""

import numpy as np
import pytest

from helpers.exercises import nb10

CASE = nb10.LION_CASE
THETA, M, G, LR = CASE["theta"], CASE["m"], CASE["g"], CASE["lr"]
RIGHT = THETA - LR * np.sign(0.9 * M + 0.1 * G)  # computed here from the update rule


def test_lion_step_right_answer():
    feedback = nb10.check_lion_step(RIGHT)
    assert feedback.correct is True and "exactly" in feedback.message
    assert nb10.check_lion_step(list(RIGHT)).correct is True  # a list is fine too


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (THETA - LR * np.sign(0.99 * M + 0.01 * G), "mixed with β₂"),
        (THETA - LR * (0.9 * M + 0.1 * G), "forgot the sign"),
        (THETA - LR * np.sign(M), "old momentum only"),
        (THETA - LR * np.sign(G), "signSGD"),
        (THETA + LR * np.sign(0.9 * M + 0.1 * G), "downhill"),
        (THETA - LR * np.sign(0.9 * (0.99 * M + 0.01 * G) + 0.1 * G), "updated m first"),
    ],
)
def test_lion_step_names_each_mistake(answer, says):
    feedback = nb10.check_lion_step(answer)
    assert feedback.correct is False and says in feedback.message, feedback.message


def test_every_lion_mistake_differs_from_the_right_answer():
    """The exercise's numbers were chosen so that no mistake gives the right answer by luck."""
    for wrong, _ in nb10._lion_slips(CASE):
        assert not np.allclose(wrong, RIGHT)


def test_lion_step_near_miss_and_bad_shapes():
    near = RIGHT + np.array([0, 0, 0, 1e-3])
    feedback = nb10.check_lion_step(near)
    assert feedback.correct is False and "β₁ = 0.9" in feedback.message
    assert "shape (4,)" in nb10.check_lion_step(RIGHT[:3]).message
    assert nb10.check_lion_step("nope").correct is False
    assert nb10.check_lion_step(None).correct is None


def test_adafactor_numbers():
    assert nb10.adafactor_numbers(5120).correct is True
    for wrong, says in [
        (1024 * 4096, "Adam's v alone"),
        (2 * 1024 * 4096, "m and v"),
        (1024 * 4096 + 5120, "no first moment"),
        (1024, "column statistics"),
        (4096, "row statistics"),
    ]:
        feedback = nb10.adafactor_numbers(wrong)
        assert feedback.correct is False and says in feedback.message, (wrong, feedback.message)
    assert "one number per row" in nb10.adafactor_numbers(5121).message  # the hint
    assert nb10.adafactor_numbers(None).correct is None


def test_newton_schulz_sigma():
    s, history = 0.05, []
    for _ in range(5):
        s = 3.4445 * s - 4.775 * s**3 + 2.0315 * s**5
        history.append(s)
    assert nb10.newton_schulz_sigma(s).correct is True
    assert nb10.newton_schulz_sigma(round(s, 4)).correct is True  # four digits are enough
    assert "ONE step" in nb10.newton_schulz_sigma(history[0]).message
    assert "four steps" in nb10.newton_schulz_sigma(history[3]).message
    assert "linear term" in nb10.newton_schulz_sigma(0.05 * 3.4445**5).message
    assert "not reach exactly 1" in nb10.newton_schulz_sigma(1.0).message
    assert nb10.newton_schulz_sigma(0.5).correct is False
    assert nb10.newton_schulz_sigma(None).correct is None
