"""Exercise checks for notebook 09 (the edge of stability)."""

from __future__ import annotations

import warnings

import numpy as np

from ..checks import Feedback, check_number

__all__ = ["momentum_border", "adam_border", "check_power_iteration"]


def momentum_border(answer) -> Feedback:
    """Exercise 1: the sharpness heavy ball with η = 0.01, β = 0.9 hovers at: 2(1 + β)/η."""
    lr, beta = 0.01, 0.9
    return check_number(
        answer,
        2 * (1 + beta) / lr,
        name="sharpness_at_edge",
        rtol=1e-3,
        mistakes={
            2 / lr: "that is plain gradient descent's border 2/η; momentum lets the sharpness "
            "rise further, by the factor 1 + β.",
            (1 + beta) / lr: "the border is 2(1 + β)/η: the factor 2 is missing.",
            2 / ((1 - beta) * lr): "1/(1 − β) belongs to EMA momentum (Adam's m); PyTorch's "
            "heavy ball v ← βv + g has the border 2(1 + β)/η.",
            2 * (1 + beta) / ((1 - beta) * lr): "that is Adam's border, 38/η: its momentum is an "
            "average, (1 − β) times smaller steps than heavy ball's.",
            2 * (1 + beta) * lr: "η belongs in the denominator: a larger η means a lower border.",
        },
        hint="Notebook 05's border on a quadratic was η λ < 2(1 + β). Solve it for λ.",
        explanation="2(1 + 0.9)/0.01 = 380: almost twice plain GD's 2/η = 200.",
    )


def adam_border(answer) -> Feedback:
    """Exercise 2: Adam's border at β₁ = 0.99, η = 1e-3: 2(1 + β₁)/((1 − β₁)η) = 398,000."""
    lr, beta = 1e-3, 0.99
    return check_number(
        answer,
        2 * (1 + beta) / ((1 - beta) * lr),
        name="border",
        rtol=1e-3,
        mistakes={
            38 / lr: "38/η is the border at β₁ = 0.9 only; redo 2(1 + β₁)/(1 − β₁) at 0.99.",
            2 * (1 + beta) / lr: "that is heavy ball's border; Adam's average m takes (1 − β₁) "
            "times smaller steps, so divide by 1 − β₁ as well.",
            2 / ((1 - beta) * lr): "the factor (1 + β₁) is missing: 2(1 + β₁)/((1 − β₁)η).",
            2 / lr: "that is plain gradient descent's border, without any momentum.",
        },
        hint="Adam's momentum m ← β₁m + (1 − β₁)g is heavy ball with learning rate (1 − β₁)η.",
        explanation="2 · 1.99 / (0.01 · 0.001) = 398,000: ten times the border at β₁ = 0.9 "
        "per unit of η, because 1/(1 − β₁) grew tenfold.",
    )


def _matrices():
    """Symmetric test matrices with known spectra: eigenvalues well separated (so 200
    iterations converge to 1e-9), the last one with its largest-magnitude eigenvalue negative."""
    rng = np.random.default_rng(9)
    out = []
    for spectrum in ([5.0, 2.0, 1.0, 0.5, 0.1], [30.0, 12.0, -3.0, 1.0, 0.0, 2.0],
                     [-8.0, 3.0, 1.0, 0.5]):  # fmt: skip
        q, _ = np.linalg.qr(rng.standard_normal((len(spectrum), len(spectrum))))
        out.append((q * spectrum) @ q.T)
    return out


def check_power_iteration(power_iteration) -> Feedback:
    """Exercise 3: ``power_iteration(hvp, v0, iterations)`` returns the Rayleigh quotient
    vᵀHv/vᵀv after ``iterations`` steps of v ← Hv/‖Hv‖, where ``hvp(v)`` is H v."""
    if power_iteration is None:
        return Feedback(None, "Not answered yet: write <code>power_iteration</code> and run it.")
    results = []
    for h in _matrices():
        start = np.ones(len(h)) + 0.1 * np.arange(len(h))  # not orthogonal to any eigenvector
        try:  # an unnormalised v overflows: that is a mistake to name, not a warning to print
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = power_iteration(lambda v, h=h: h @ v, start.copy(), 200)
        except Exception as error:  # the student's code: report, never raise
            return Feedback(
                False, f"Calling <code>power_iteration(hvp, v0, 200)</code> failed: {error!r}"
            )
        if got is None:
            return Feedback(None, "Not answered yet: <code>power_iteration</code> returns None.")
        if np.ndim(got) != 0:
            return Feedback(
                False,
                "Not yet: return the eigenvalue (a number), not the vector: the Rayleigh "
                "quotient vᵀHv / vᵀv.",
            )
        results.append((float(got), h))
    for got, h in results:
        eigenvalues = np.linalg.eigvalsh(h)
        top = eigenvalues[np.argmax(np.abs(eigenvalues))]
        if np.isclose(got, top, rtol=1e-6):
            continue
        if np.isclose(got, abs(top), rtol=1e-6):
            return Feedback(
                False,
                "Not yet: on a matrix whose dominant eigenvalue is negative you return its "
                "absolute value: ‖Hv‖ loses the sign; the Rayleigh quotient vᵀHv / vᵀv keeps it.",
            )
        if not np.isfinite(got) or abs(got) > 1e3 * np.abs(eigenvalues).max():
            return Feedback(
                False,
                "Not yet: your number blows up: normalise v at every iteration (v ← Hv / ‖Hv‖). "
                "Without it v grows (or shrinks) like λ_maxᵏ until it overflows, and then even "
                "vᵀHv / vᵀv is inf or NaN.",
            )
        return Feedback(
            False,
            f"Not yet: for a matrix with eigenvalues {np.round(eigenvalues, 3).tolist()} you "
            f"return {got:.6g}. Repeat v ← Hv/‖Hv‖, then return vᵀHv / vᵀv.",
        )
    return Feedback(
        True,
        "Correct: it finds the eigenvalue of largest magnitude, with its sign, as "
        "<code>helpers.stability.sharpness</code> does with Hessian-vector products.",
    )
