"""Every numeric exercise: the right answer rounded as a student would is accepted, a plausible
near-miss is rejected (a tolerance must not let it through), and the named mistakes of the
checks that issue 11 found misnamed get the right name."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.exercises import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08

CASES = [  # (check, answer, correct?, words the message must contain)
    (nb00.updates, 96, True, "Correct"),
    (nb00.updates, 95, False, "not it"),
    (nb00.updates, 97, False, "not it"),
    (nb01.condition_number, 8 / 3, True, "Correct"),
    (nb01.condition_number, 2.67, True, "Correct"),
    (nb01.condition_number, 2.7, True, "Correct"),  # 8/3 to two digits
    (nb01.condition_number, 2.75, False, "not it"),  # 11/4, 3 % off
    (nb02.slow_steps, 40, True, "Correct"),
    (nb02.slow_steps, 41, False, "not it"),
    (nb03.noise_ball_radius, 0.023, True, "Correct"),
    (nb03.noise_ball_radius, 0.025, False, "η itself"),  # 9 % off: was accepted
    (nb03.noise_ball_radius, 0.021, False, "not it"),
    (nb04.variance_factor, 333, True, "Correct"),
    (nb04.variance_factor, 340, False, "not it"),
    (nb04.scaled_lr, 0.2, True, "Correct"),
    (nb04.scaled_lr, 0.1, False, "square-root rule"),  # 0.05·√4: a doubling
    (nb04.scaled_lr, 0.025, False, "halves η"),  # not called the square-root rule
    (nb04.scaled_lr, 0.19, False, "not it"),
    (nb04.largest_batch, 256, True, "Correct"),
    (nb04.largest_batch, 128, False, "not it"),
    (nb05.ema_steps, 22, True, "Correct"),
    (nb05.ema_steps, 23, False, "not it"),
    (nb05.max_lr, 3.8, True, "Correct"),
    (nb05.max_lr, 3.7, False, "not it"),
    (nb06.adagrad_steps, 100, True, "Correct"),
    (nb06.adagrad_steps, 101, False, "not it"),
    (nb06.uncorrected_first_step, 3.16, True, "Correct"),
    (nb06.uncorrected_first_step, 3.0, False, "not it"),
    (nb07.halving_gamma, 0.9931, True, "Correct"),
    (nb07.halving_gamma, 0.995, False, "linear guess"),
    (nb07.halving_gamma, 0.992, False, "at least 4 significant digits"),
    (nb07.halving_gamma, 0.993, False, "at least 4 significant digits"),  # 3 digits: was right
    (nb07.halving_gamma, 0.99309, True, "gamma = 0.99309 (exactly 0.993092)"),  # theirs, then
    (nb07.halving_gamma, 0.98, False, "not it"),
    (nb07.halving_gamma, 0.5**100, False, "100 of them"),
    (nb07.halving_gamma, 0.99302, False, "γ⁹⁹ = ½"),  # a wrong exponent, not "more digits"
    (nb08.run_calls, 28, True, "Correct"),
    (nb08.run_calls, 27, False, "not it"),
]


@pytest.mark.parametrize(("check", "answer", "correct", "says"), CASES)
def test_rounded_answers_pass_and_near_misses_do_not(check, answer, correct, says):
    feedback = check(answer)
    assert feedback.correct is correct, (check.__name__, answer, feedback.message)
    assert says in feedback.message


def test_largest_stable_lr_rejects_a_value_five_percent_below_the_edge():
    def near(hessian):
        return 1.95 / np.linalg.eigvalsh(hessian).max()

    feedback = nb02.check_largest_stable_lr(near)
    assert feedback.correct is False and "not the edge of stability" in feedback.message
    assert nb02.check_largest_stable_lr(lambda h: 2 / np.linalg.eigvalsh(h).max()).correct


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        (lambda t, lr, total: lr * (1 - (t - 1) / total), "linear decay"),
        (lambda t, lr, total: lr * (1 - t / total), "linear decay"),
        (lambda t, lr, total: lr * (1 + np.cos(np.pi * t / total)) / 2, "off by one step"),
        (lambda t, lr, total: lr * (1 + np.cos(np.pi * (t - 1) / total)) / 2, "Correct"),
        (lambda t, lr, total: lr * np.exp(-3 * (t - 1) / total), "still above the straight"),
    ],
)
def test_cosine_check_tells_a_linear_schedule_from_a_cosine(schedule, says):
    assert says in nb07.check_cosine(schedule).message


# The exact answer, computed here from the question (not read from the check): the message
# repeats it and adds no "(exactly …)", so the check's own expected value is exactly this one.
# (Mutation testing moved several expected values inside their tolerance unnoticed: 250 · 999/750
# became 251 · 999/750, still within 1 % of 333.)
EXACT = [
    (nb00.updates, "updates", 3 * -(-1000 // 32)),  # ⌈1000/32⌉ iterations per epoch
    (nb01.condition_number, "kappa", 8 / 3),
    (nb02.slow_steps, "steps", 40),
    (nb03.noise_ball_radius, "rms_at_0_025", 0.046 / 2),
    (nb04.variance_factor, "factor", 250 * 999 / 750),
    (nb04.scaled_lr, "lr_128", 0.05 * 128 / 32),
    (nb04.largest_batch, "largest_B", 256),
    (nb05.ema_steps, "n_values", 22),
    (nb05.max_lr, "largest_lr", 2 * (1 + 0.9) / 1.0),
    (nb06.adagrad_steps, "t_tenth", 100),
    (nb06.uncorrected_first_step, "ratio", (1 - 0.9) / np.sqrt(1 - 0.999)),
    (nb08.run_calls, "calls", 7 * 4),
]


@pytest.mark.parametrize(("check", "name", "exact"), EXACT, ids=[c.__name__ for c, _, _ in EXACT])
def test_the_exact_answer_is_the_checks_own(check, name, exact):
    feedback = check(exact)
    assert feedback.correct is True
    assert feedback.message.startswith(f"Correct: {name} = {exact:g}. "), feedback.message


@pytest.mark.parametrize(
    ("answer", "says"),
    [(3000, "batch size 1"), (32, "one epoch's worth"), (93, "dropped the last")],
)
def test_every_named_mistake_of_the_updates_count(answer, says):
    feedback = nb00.updates(answer)
    assert feedback.correct is False and says in feedback.message, feedback.message
