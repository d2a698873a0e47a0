"""Exercise checks for notebook 10 (the optimizers of 2023–2026)."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, check_number, known_slip
from ..optimizers import Lion
from ..optimizers.matrix import MUON_COEFFICIENTS

__all__ = ["check_lion_step", "adafactor_numbers", "newton_schulz_sigma", "LION_CASE"]

# Exercise 1's numbers: one Lion step from θ with momentum m and gradient g.
LION_CASE = {
    "theta": np.array([1.0, -2.0, 0.5, 3.0]),
    # chosen so that every slip below gives a different answer from the right one
    "m": np.array([0.1, -0.1, -0.2, 0.0]),
    "g": np.array([-0.895, 0.4, 2.5, 0.01]),
    "lr": 0.01,
    "betas": (0.9, 0.99),
}


def _lion_slips(case):
    theta, m, g, lr = case["theta"], case["m"], case["g"], case["lr"]
    b1, b2 = case["betas"]
    return [
        (
            theta - lr * np.sign(b2 * m + (1 - b2) * g),
            "you mixed with β₂: the STEP uses β₁ = 0.9 "
            "(β₂ = 0.99 only updates the momentum kept for later).",
        ),
        (
            theta - lr * (b1 * m + (1 - b1) * g),
            "you forgot the sign: Lion moves every "
            "coordinate by exactly ±η, whatever the size of c.",
        ),
        (
            theta - lr * np.sign(m),
            "you used the old momentum only: c mixes in the fresh gradient, c = β₁ m + (1 − β₁) g.",
        ),
        (
            theta - lr * np.sign(g),
            "that is signSGD: Lion's sign is of c = β₁ m + (1 − β₁) g, not of g alone.",
        ),
        (theta + lr * np.sign(b1 * m + (1 - b1) * g), "the step goes downhill: θ − η sign(c)."),
        (
            theta - lr * np.sign(b1 * (b2 * m + (1 - b2) * g) + (1 - b1) * g),
            "you updated m first: the step uses the OLD m, and m is updated after it.",
        ),
    ]


def check_lion_step(answer) -> Feedback:
    """Exercise 1: θ after one Lion step (no weight decay) for ``LION_CASE``."""
    if answer is None:
        return Feedback(None, "Not answered yet: set <code>theta_next</code> and run the cell.")
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"<code>theta_next</code> should be 4 numbers, got {answer!r}.")
    case = LION_CASE
    if value.shape != case["theta"].shape:
        return Feedback(
            False, f"<code>theta_next</code> should have shape (4,), got {value.shape}."
        )
    opt = Lion(lr=case["lr"], betas=case["betas"])
    state = opt.init(case["theta"])._replace(m=case["m"])
    right, _ = opt.step(case["theta"], case["g"], state)
    if np.allclose(value, right, rtol=1e-9, atol=1e-12):
        return Feedback(
            True,
            f"Correct: θ = {np.round(right, 4).tolist()}. Every coordinate moved by exactly "
            f"η = {case['lr']}, even the last one, whose gradient is tiny.",
        )
    why = known_slip(value, _lion_slips(case))
    if why:
        return Feedback(False, f"Not yet: {why}")
    return Feedback(
        False,
        "Not yet. Compute c = β₁ m + (1 − β₁) g with β₁ = 0.9, then θ − η sign(c).",
    )


def adafactor_numbers(answer) -> Feedback:
    """Exercise 2: how many numbers Adafactor keeps for a 1024 × 4096 weight matrix."""
    m, n = 1024, 4096
    return check_number(
        answer,
        m + n,
        name="numbers",
        mistakes={
            m * n: "that is Adam's v alone (one number per weight); Adafactor keeps one per "
            "row and one per column.",
            2 * m * n: "that is Adam's m and v; Adafactor keeps no m and a factored v.",
            m * n + m + n: "Adafactor has no first moment m (β₁ = 0 by default).",
            m * n / (m + n): "that is the saving, mn/(m + n); the question asks for the count.",
            m: "the column statistics count too.",
            n: "the row statistics count too.",
        },
        hint="R has one number per row, C one per column.",
        explanation=f"One per row and one per column: {m} + {n} = {m + n}, about "
        f"{m * n // (m + n)}× fewer than Adam's v.",
    )


def newton_schulz_sigma(answer) -> Feedback:
    """Exercise 3: σ = 0.05 (after normalisation) after 5 steps of Muon's quintic."""
    a, b, c = MUON_COEFFICIENTS
    s, history = 0.05, []
    for _ in range(5):
        s = a * s + b * s**3 + c * s**5
        history.append(s)
    linear = 0.05 * a**5
    return check_number(
        answer,
        s,
        name="sigma_after",
        rtol=1e-4,
        mistakes={
            history[0]: "that is after ONE step; apply φ five times, each time to the last result.",
            history[3]: "that is after four steps; one more.",
            linear: "that keeps only the linear term aσ: fine while σ is small, but once σ nears "
            "1 the σ³ and σ⁵ terms pull it back.",
            1.0: "Newton–Schulz does not reach exactly 1: Muon's coefficients trade accuracy "
            "for a steep start.",
        },
        hint="φ(σ) = aσ + bσ³ + cσ⁵ with (a, b, c) = (3.4445, −4.775, 2.0315), five times.",
        explanation=f"σ goes 0.05 → {' → '.join(f'{h:.3f}' for h in history)}: near 1, "
        "but not exactly 1.",
    )
