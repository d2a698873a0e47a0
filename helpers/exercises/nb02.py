"""Exercise checks for notebook 02 (gradient descent).

Two exercises ask for a function, which the check runs against the helpers' own results; the
third asks for a number. A wrong answer gets an explanation of what it does instead.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import Feedback, check_number, known_slip
from ..objectives import LinearRegression, Quadratic
from ..optimizers import SGD
from ..runner import run
from ..theory import gd_optimal, gd_threshold

__all__ = ["check_gd_step", "check_largest_stable_lr", "slow_steps"]


def _call(function, *args):
    """Run the student's function; return (result, None) or (None, the error in words)."""
    try:
        return function(*args), None
    except Exception as error:  # the student's code: report, never raise
        return None, f"calling it raised <code>{type(error).__name__}: {error}</code>."


# -- exercise 1: one gradient-descent step ---------------------------------------------------
def check_gd_step(gd_step) -> Feedback:
    """Notebook 02, exercise 1: ``gd_step(theta, grad, lr)`` returns θ − η·g.

    The check takes one step on a few arrays, then runs the function for 30 steps on a quadratic
    and compares the path with ``run(SGD(lr), ...)``.
    """
    if gd_step is None:
        return Feedback(None, "Not answered yet: write <code>gd_step</code> and run the cell.")
    theta, grad, lr = np.array([1.0, -2.0]), np.array([0.5, 4.0]), 0.1
    result, error = _call(gd_step, theta.copy(), grad.copy(), lr)
    if error:
        return Feedback(False, f"<code>gd_step</code> does not run yet: {error}")
    if result is None:
        return Feedback(
            None,
            "Not answered yet: <code>gd_step</code> returns None. Compute the new point "
            "and <code>return</code> it.",
        )
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"<code>gd_step</code> should return an array, got {result!r}.")
    if result.shape != theta.shape:
        return Feedback(
            False,
            f"<code>gd_step</code> returned shape {result.shape} for a point of shape "
            f"{theta.shape}: the new point has one coordinate per parameter, like θ.",
        )
    mistakes = {
        "uphill": (
            theta + lr * grad,
            "your step goes uphill: the gradient points towards steepest ascent, so "
            "gradient descent moves against it.",
        ),
        "no lr": (
            theta - grad,
            "the step ignores the learning rate: it moves by the whole gradient, whatever η is.",
        ),
        "only the step": (
            -lr * grad,
            "that is the step Δθ alone; the function should return the new point, the old one "
            "plus the step.",
        ),
        "divided": (
            theta - grad / lr,
            "you divided by the learning rate; a larger η should mean a <i>larger</i> step.",
        ),
        "theta instead of grad": (
            theta - lr * theta,
            "you stepped along θ itself, not along the gradient you were given.",
        ),
    }
    expected = theta - lr * grad
    if not np.allclose(result, expected, rtol=1e-12, atol=1e-12):
        if why := known_slip(result, mistakes.values(), rtol=1e-12):
            return Feedback(False, f"Not yet: {why}")
        return Feedback(
            False,
            f"Not yet: from θ = {theta.tolist()} with gradient {grad.tolist()} and η = {lr} "
            f"your step lands at {np.round(result, 6).tolist()}. Which way does the gradient "
            "point, and how far should one step go?",
        )
    # One step is right: now a whole run, against the helpers' SGD.
    quadratic = Quadratic(condition_number=10, angle=30, L=4)
    theta = quadratic.x0.copy()
    path = [theta.copy()]
    for _ in range(30):
        theta, error = _call(gd_step, theta, quadratic.grad(theta), 0.3)
        if error:
            return Feedback(False, f"One step works, but in a run {error}")
        theta = np.array(theta, dtype=float)
        path.append(theta.copy())  # a copy: gd_step may change its argument in place
    reference = run(SGD(lr=0.3), quadratic, quadratic.x0, 30).path
    if not np.allclose(np.array(path), reference, rtol=1e-10, atol=1e-12):
        return Feedback(
            False,
            "One step is right, but 30 steps in a row drift away from "
            "<code>run(SGD(lr=0.3), ...)</code>: does your function depend on anything other "
            "than its three arguments?",
        )
    return Feedback(
        True,
        "Correct: θ − η·g. Thirty of your steps on a quadratic match "
        "<code>run(SGD(lr=0.3), ...)</code> to ten digits: that is all gradient descent is.",
    )


# -- exercise 2: the largest stable learning rate --------------------------------------------
def _test_hessians() -> dict[str, np.ndarray]:
    from ..data import linear_data

    data = linear_data()
    return {
        "diag(1, 10)": np.diag([1.0, 10.0]),
        "a rotated quadratic (κ = 5, 30°, L = 4)": Quadratic(5, angle=30, L=4).hessian,
        "the regression loss on the line data": LinearRegression(data.x, data.y).hessian,
    }


def check_largest_stable_lr(largest_stable_lr) -> Feedback:
    """Notebook 02, exercise 2: ``largest_stable_lr(hessian)``, the η above which GD diverges
    on f(θ) = ½ θᵀHθ (any symmetric positive definite 2 × 2 H).

    The check compares the function's answer with theory on three Hessians, then runs GD at
    0.98 and 1.02 times the answer to show that it is the edge.
    """
    if largest_stable_lr is None:
        return Feedback(
            None, "Not answered yet: write <code>largest_stable_lr</code> and run the cell."
        )
    hessians = _test_hessians()
    answers = {}
    for name, hessian in hessians.items():
        value, error = _call(largest_stable_lr, hessian.copy())
        if error:
            return Feedback(False, f"<code>largest_stable_lr</code> does not run yet: {error}")
        if value is None:
            return Feedback(
                None,
                "Not answered yet: <code>largest_stable_lr</code> returns None. Compute the "
                "learning rate and <code>return</code> it.",
            )
        try:
            answers[name] = float(value)
        except (TypeError, ValueError):
            return Feedback(False, f"It should return one number, got {value!r} for {name}.")

    def candidates(hessian):  # the usual mistakes, computed for this Hessian
        lam = np.linalg.eigvalsh(hessian)
        mu, L = lam.min(), lam.max()
        return {
            "2/mu": (
                2 / mu,
                "you used the <i>smallest</i> curvature μ. Along the steepest direction that η "
                "overshoots more every step: stability must hold in every direction at once.",
            ),
            "1/L": (
                1 / L,
                "that is the η that solves the steepest direction in one step; GD is still "
                "stable above it (it oscillates but shrinks). How far can 1 − ηλ go?",
            ),
            "best": (
                gd_optimal(mu, L)[0],
                "that is the <i>best</i> fixed η, which balances the flat and steep "
                "directions; the question asks where the run starts to blow up.",
            ),
            "diagonal": (
                2 / np.max(np.diag(hessian)),
                "you read the curvature off the diagonal of H. That works only when H is "
                "diagonal; for a rotated bowl the curvatures are the eigenvalues of H.",
            ),
            "inverted": (
                L / 2,
                "the answer is upside down: a steeper bowl (larger curvature) needs a "
                "<i>smaller</i> step, not a larger one.",
            ),
        }

    truth = {name: gd_threshold(np.linalg.eigvalsh(h).max()) for name, h in hessians.items()}
    wrong = [
        name for name in hessians if not math.isclose(answers[name], truth[name], rel_tol=1e-6)
    ]
    if not wrong:
        quadratic = Quadratic(5, angle=30, L=4)
        edge = answers["a rotated quadratic (κ = 5, 30°, L = 4)"]
        below = run(SGD(lr=0.98 * edge), quadratic, quadratic.x0, 2000)
        above = run(SGD(lr=1.02 * edge), quadratic, quadratic.x0, 2000)
        return Feedback(
            True,
            "Correct: it is set by the largest eigenvalue of H. On the rotated quadratic, GD at "
            f"0.98× your η stays finite (f − f_min = {below.losses[-1]:.1e} after 2000 steps) "
            f"and at 1.02× it diverges at step {int(above.diverged_at)}.",
        )
    for key in candidates(np.eye(2)):
        if all(
            math.isclose(answers[n], candidates(hessians[n])[key][0], rel_tol=1e-6) for n in wrong
        ):
            return Feedback(False, f"Not yet: {candidates(hessians[wrong[0]])[key][1]}")
    shown = ", ".join(f"{answers[n]:.4g} for {n}" for n in wrong)
    return Feedback(
        False,
        f"Not yet: your function gives {shown}, which is not the edge of stability. Along an "
        "eigen-direction with curvature λ one step multiplies the error by 1 − ηλ: for which "
        "η does that stay inside (−1, 1) for every λ of H?",
    )


# -- exercise 3: the slow direction decides --------------------------------------------------
def slow_steps(answer) -> Feedback:
    """Notebook 02, exercise 3: on the quadratic with μ = 0.4, L = 4 at η = 0.4, how many steps
    until the error along the flat direction is below 1/1000 of its start?"""
    mu, L, lr = 0.4, 4.0, 0.4
    slow, fast = abs(1 - lr * mu), abs(1 - lr * L)
    expected = math.ceil(math.log(1e-3) / math.log(slow))
    return check_number(
        answer,
        expected,
        name="steps",
        mistakes={
            math.ceil(math.log(1e-3) / math.log(fast)): "that is how long the <i>steep</i> "
            "direction takes (its factor is |1 − ηL| = 0.6). The question is about the flat one.",
            expected - 1: "one step short: after that many steps the error is still just "
            "above 1/1000. You need the first whole t with (factor)ᵗ < 0.001, so round up.",
            math.ceil(math.log(1e-3) / math.log(gd_optimal(mu, L)[1])): "that uses the rate "
            "(κ − 1)/(κ + 1) of the best η* = 2/(μ + L); here η = 0.4 is a different step size.",
        },
        hint="Along the flat direction one step multiplies the error by |1 − ημ|; find the "
        "first t at which that factor to the power t drops below 0.001.",
        explanation=f"|1 − ημ| = {slow:g}, and {slow:g}^t < 0.001 first at t = {expected} "
        f"(ln 0.001 / ln {slow:g} = {math.log(1e-3) / math.log(slow):.2f}, rounded up). "
        "The steep direction was done long before: the flat one decides.",
    )
