"""Exercise checks for notebook 03 (stochastic gradient descent)."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, check_number, known_slip
from ..data import linear_data


def noise_ball_radius(answer) -> Feedback:
    """Exercise 1: the RMS distance of the noise ball at η = 0.025, from 0.046 at η = 0.1."""
    return check_number(
        answer,
        0.046 / 2,
        name="rms_at_0_025",
        rtol=0.05,  # 0.023 ± 0.001: accepts rounding, rejects η = 0.025 itself (9 % off)
        mistakes={
            0.025: "that is η itself, not a distance. Scale the measured 0.046 instead.",
            0.046 / 4: "that scales the distance like η. It is the variance (the mean squared "
            "distance) that is proportional to η; the distance is its square root.",
            0.046: "a smaller η does make a smaller ball: the kicks are η times the noise.",
            0.046 * 2: "the ball shrinks when η shrinks, it does not grow.",
            0.046 * 4: "the ball shrinks when η shrinks, it does not grow.",
        },
        hint="η is divided by 4. What is proportional to η: the distance, or its square?",
        explanation="The variance is proportional to η, so the RMS distance is proportional "
        "to √η: dividing η by 4 halves it (0.046 / 2 ≈ 0.023).",
    )


SCHEDULE_OPTIONS = {
    "a": "η_t = η (constant)",
    "b": "η_t = η / t",
    "c": "η_t = η / √t",
    "d": "η_t = η · 0.998^t",
    "e": "η_t = η / t²",
}
_WHY_NOT = {
    "a": "(a) a constant η has Σ η_t² = ∞: the kicks never get smaller, so the noise ball stays.",
    "c": "(c) η/√t has Σ η_t² = η² Σ 1/t = ∞ (the harmonic series diverges): the noise never "
    "dies out completely.",
    "d": "(d) η·0.998^t has Σ η_t = η·0.998/(1 − 0.998), a finite distance: it freezes "
    "wherever it is when η has decayed.",
    "e": "(e) η/t² has Σ η_t = η·π²/6, a finite distance: it can stop before it arrives.",
}


def robbins_monro(answer) -> Feedback:
    """Exercise 2: which schedules have Σ η_t = ∞ and Σ η_t² < ∞? (letters a–e)."""
    if answer is None:
        return Feedback(None, "Not answered yet: set <code>choices</code> and run the cell again.")
    if isinstance(answer, str):
        answer = answer.replace(",", " ").split() if len(answer) > 1 else [answer]
    chosen = {str(letter).strip().lower() for letter in answer}
    unknown = chosen - set(SCHEDULE_OPTIONS)
    if unknown:
        return Feedback(False, f"Use the letters a to e; {sorted(unknown)} is not one of them.")
    if chosen == {"b"}:
        return Feedback(
            True,
            "Correct: only η/t. Σ 1/t diverges (it can travel any distance) while Σ 1/t² "
            "converges (the noise it adds up is finite).",
        )
    wrong = sorted(chosen - {"b"})
    if wrong:
        return Feedback(False, " ".join(_WHY_NOT[letter] for letter in wrong))
    return Feedback(False, "None of your choices fits; check each schedule's two sums again.")


def _reference_epoch(theta, x, y, order, lr, *, factor=2.0, sequential=False):
    w, b = (float(v) for v in theta)
    for i in order:
        r = w * x[i] + b - y[i]
        w = w - lr * factor * r * x[i]
        if sequential:  # the residual recomputed with the new w: a common slip
            r = w * x[i] + b - y[i]
        b = b - lr * factor * r
    return np.array([w, b])


def _full_gradient_steps(theta, x, y, steps, lr):
    w, b = (float(v) for v in theta)
    for _ in range(steps):
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
    return np.array([w, b])


def sgd_epoch(function) -> Feedback:
    """Exercise 3: one epoch of SGD with B = 1, written by hand, against the reference."""
    if function is None:
        return Feedback(None, "Not answered yet: write <code>sgd_epoch</code> and run the cell.")
    data = linear_data()
    x, y = data.x, data.y
    order = np.random.default_rng(3).permutation(x.size)
    theta0, lr = np.array([0.0, 0.0]), 0.05
    try:
        result = function(theta0.copy(), x, y, order, lr)
    except Exception as error:  # the student's code: report, never raise
        return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
    if result is None:
        return Feedback(False, "Your function returned None: return the new θ = (w, b).")
    try:
        result = np.asarray(result, dtype=float).reshape(2)
    except (TypeError, ValueError):
        return Feedback(False, f"Return θ as two numbers (w, b), got {result!r}.")
    expected = _reference_epoch(theta0, x, y, order, lr)
    if np.allclose(result, expected, rtol=1e-9, atol=1e-12):
        return Feedback(
            True, f"Correct: after one epoch θ = ({expected[0]:.4f}, {expected[1]:.4f})."
        )
    if np.allclose(result, theta0):  # the placeholder returns θ as it came: untouched
        return Feedback(
            None,
            "Not answered yet: θ did not move. Update w and b inside the loop, then return them.",
        )
    diagnoses = [
        (_reference_epoch(theta0, x, y, order, lr, factor=1.0), "the derivative of "
         "(w·x + b − y)² is 2·(w·x + b − y)·(x, 1): you dropped the factor 2."),
        (_reference_epoch(theta0, x, y, order, lr, sequential=True), "b's step used the "
         "residual computed with the new w. Compute r once per sample, then update both."),
        (_reference_epoch(theta0, x, y, np.arange(x.size), lr), "the samples were visited "
         "in the order 0, 1, 2, …: use the shuffled ``order`` you are given."),
        (_reference_epoch(theta0, x, y, order, -lr), "θ moved uphill: subtract the gradient."),
        (_full_gradient_steps(theta0, x, y, x.size, lr), "each step used the gradient of all "
         "samples (that is gradient descent): use sample i's gradient only."),
    ]  # fmt: skip
    if why := known_slip(result, diagnoses):
        return Feedback(False, why)
    return Feedback(
        False,
        f"θ = ({result[0]:.4g}, {result[1]:.4g}) is not what one epoch gives. Check one step: "
        "residual of sample i, then w and b each move against their part of the gradient.",
    )
