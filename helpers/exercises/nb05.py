r"""Exercise checks for notebook 05 (momentum).

``step_rule`` is the machinery for "write an update rule" exercises (notebook 06 uses it too):
it runs the student's step function for several steps next to a reference, and reports the
first step and the first quantity that differ, naming the mistake when it is a known one.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable

import numpy as np

from ..checks import Feedback, as_number, check_number
from ..objectives import Quadratic
from ..optimizers import SGD
from ..runner import run

__all__ = ["ema_steps", "max_lr", "momentum_step", "step_rule"]

# "the same value" for the update-rule checks: a student's arithmetic, done in another order,
# differs from ours in the last bits only
SAME_VALUE = {"rtol": 1e-9, "atol": 1e-12}


# -- 1. the moving average's weights -----------------------------------------------------------
def ema_steps(answer) -> Feedback:
    """Exercise 1: the fewest newest values whose EMA weights (β = 0.9) sum to at least 90 %."""
    exact = math.log(0.1) / math.log(0.9)  # 1 − 0.9^N = 0.9
    enough = as_number(answer)
    if enough is not None and enough == int(enough) and enough > math.ceil(exact):
        # (the check of "solve 1 − 0.9^N ≥ 0.9" passes, but the question asks for the fewest)
        return Feedback(
            False,
            f"n_values = {enough:g} is not it: its values carry 1 − 0.9^{enough:g} = "
            f"{1 - 0.9**enough:.3f} of the weight, which is enough, but fewer values are "
            "enough too. The question asks for the fewest N with 1 − 0.9^N ≥ 0.9.",
        )
    return check_number(
        answer,
        math.ceil(exact),
        name="n_values",
        rtol=1e-3,  # so that 21.85 is recognised as the unrounded 21.854…
        mistakes={
            10: "that is the window 1/(1 − β). The newest 10 values carry only "
            "1 − 0.9¹⁰ ≈ 65 % of the weight.",
            9: "that is the mean age β/(1 − β), not a count of values with 90 % of the weight.",
            exact: f"{exact:.4g} is where 1 − β^N = 0.9 exactly, but N counts values: "
            "it must be a whole number, and the sum must reach at least 90 %.",
            math.floor(exact): "close, but 1 − 0.9^N is still just below 0.9 there; "
            "check the sum at your N.",
        },
        hint="The newest N values carry 1 − β^N of the weight; solve 1 − 0.9^N ≥ 0.9 for N.",
        explanation="1 − 0.9²¹ = 0.891 falls short, 1 − 0.9²² = 0.902 is enough: the old values "
        "still carry a tenth of the average, which is why a window of 10 is only a rule of thumb.",
    )


# -- 2. write the update rule ------------------------------------------------------------------
def _as_vector(value, shape) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.shape == shape else None


def step_rule(
    student: Callable,
    reference: Callable,
    inputs: Callable,
    names: tuple[str, ...],
    steps: int,
    mistakes: dict[str, tuple[Callable, str]],
    setting: str,
) -> Feedback | None:
    """Run ``student`` for ``steps`` steps beside ``reference``; None if they agree throughout.

    ``reference(t, state)`` gives the expected outputs of step t from the state before it
    (``state`` is the tuple of previous outputs; None before step 1); ``inputs(t, state)`` gives
    the student function's positional arguments. Outputs are tuples named by ``names`` (θ first).
    ``mistakes`` maps a name to (function of the same arguments, explanation): at the first step
    that differs, the first mistake that gives the student's value of the quantity that differs
    gets its explanation.
    """
    state = None
    for t in range(1, steps + 1):
        arguments = inputs(t, state)
        expected = reference(t, state)
        shapes = tuple(np.shape(e) for e in expected)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                got = student(*(a.copy() if isinstance(a, np.ndarray) else a for a in arguments))
            except Exception as error:  # the student's code: say what happened, in words
                return Feedback(
                    False,
                    f"Step {t} ({setting}): your function raised "
                    f"<code>{type(error).__name__}: {error}</code>.",
                )
        if got is None:
            if t == 1:
                return Feedback(None, "Not answered yet: write the function body and run again.")
            return Feedback(False, f"Step {t} ({setting}): your function returned None.")
        if not isinstance(got, tuple | list) or len(got) != len(names):
            return Feedback(
                False,
                f"Your function should return a tuple ({', '.join(names)}), "
                f"got {type(got).__name__}.",
            )
        values = [_as_vector(g, s) for g, s in zip(got, shapes, strict=True)]
        for name, value, shape in zip(names, values, shapes, strict=True):
            if value is None:
                return Feedback(
                    False, f"Step {t}: <code>{name}</code> should be an array of shape {shape}."
                )
        swapped = _reordered(values, expected)
        if swapped is not None:
            return Feedback(
                False,
                f"Step {t} ({setting}): your values are right but in the wrong order: you "
                f"returned ({', '.join(names[j] for j in swapped)}); return "
                f"({', '.join(names)}).",
            )
        order = list(range(1, len(names))) + [0]  # the state first (it is computed first), θ last
        for i in order:
            if np.allclose(values[i], expected[i], **SAME_VALUE):
                continue
            yours, wanted = _show_pair(values[i], expected[i])
            message = (
                f"Step {t} ({setting}) is the first that differs: your <code>{names[i]}</code> "
                f"is {yours}, expected {wanted}."
            )
            if not np.all(np.isfinite(values[i])):
                message += " It is not finite: look for a division by zero."
            with np.errstate(all="ignore"):
                for _, (wrong, why) in mistakes.items():
                    candidate = wrong(*arguments)
                    # the quantity that differs and the whole new state must be the mistake's:
                    # at step 1 two mistakes can give the same m (a returned m̂ is g, and so is
                    # an undamped m), and only the rest of the state tells them apart
                    if all(
                        np.allclose(values[j], candidate[j], **SAME_VALUE, equal_nan=True)
                        for j in {i, *range(1, len(names))}
                    ):
                        message += " " + why
                        break
            return Feedback(False, message)
        state = tuple(expected)
    return None


def _reordered(values, expected) -> tuple[int, ...] | None:
    """The order of ``expected``'s entries in which ``values`` holds them, when that is not
    the order asked for ((velocity, θ) for (θ, velocity)); None otherwise."""

    def same(a, b):
        return a.shape == b.shape and np.allclose(a, b, **SAME_VALUE)

    if all(same(v, e) for v, e in zip(values, expected, strict=True)):
        return None
    for order in itertools.permutations(range(len(values))):
        if all(same(values[i], expected[j]) for i, j in enumerate(order)):
            return order
    return None


def _show(vector, digits: int = 6) -> str:
    return "(" + ", ".join(f"{x:.{digits}g}" for x in np.ravel(vector)) + ")"


def _show_pair(yours, expected) -> tuple[str, str]:
    """Both vectors with as many digits as it takes (6 to 17) for the difference to show:
    a near-miss must never read as two identical numbers."""
    for digits in range(6, 18):
        pair = _show(yours, digits), _show(expected, digits)
        if pair[0] != pair[1]:
            return pair
    return pair


MOMENTUM_SETTINGS = ((0.2, 0.9), (0.05, 0.5))  # (η, β): two, so a hard-coded β cannot pass
MOMENTUM_STEPS = 8


def _momentum_mistakes():
    def sutskever(theta, g, v, lr, beta):
        v = beta * v - lr * g
        return theta + v, v

    def eta_in_velocity(theta, g, v, lr, beta):
        v = beta * v + lr * g
        return theta - v, v

    def old_velocity(theta, g, v, lr, beta):
        return theta - lr * v, beta * v + g

    def averaged(theta, g, v, lr, beta):
        v = beta * v + (1 - beta) * g
        return theta - lr * v, v

    def uphill(theta, g, v, lr, beta):
        v = beta * v + g
        return theta + lr * v, v

    def no_decay(theta, g, v, lr, beta):
        v = v + g
        return theta - lr * v, v

    def plain_gd(theta, g, v, lr, beta):
        return theta - lr * g, beta * v + g

    return {
        "sutskever": (
            sutskever,
            "This is Sutskever's form, where the velocity is a displacement that already "
            "contains −η. It is the same method (the conventions section shows it), but this "
            "exercise asks for PyTorch's form, whose velocity is a sum of gradients.",
        ),
        "eta in velocity": (
            eta_in_velocity,
            "Your velocity is η times the expected one: the learning rate belongs in the θ "
            "update, not in the velocity. (With a constant η the path is the same; the "
            "conventions section shows where the two part ways.)",
        ),
        "old velocity": (
            old_velocity,
            "You moved θ with the velocity from before this step's gradient was added: "
            "update the velocity first, then move θ with the new one.",
        ),
        "averaged": (
            averaged,
            "Your velocity carries the factor (1 − β): that is an exponential moving average "
            "(PyTorch's dampening = 1 − β). PyTorch's default adds the gradient as it is.",
        ),
        "uphill": (uphill, "θ moved uphill: check the sign of the θ update."),
        "no decay": (
            no_decay,
            "The old velocity must shrink by β each step; yours keeps all of it, for ever.",
        ),
        "plain gd": (
            plain_gd,
            "θ moved by the gradient alone: the velocity has to move θ, not only be updated.",
        ),
    }


def momentum_step(my_momentum_step) -> Feedback:
    """Exercise 2: one heavy-ball step in PyTorch's form, checked against ``helpers.SGD``."""
    if my_momentum_step is None:
        return Feedback(None, "Not answered yet: define my_momentum_step and run again.")
    objective = Quadratic(10, angle=30)
    for lr, beta in MOMENTUM_SETTINGS:
        expected = run(SGD(lr=lr, momentum=beta), objective, objective.x0, MOMENTUM_STEPS)

        def reference(t, state, expected=expected):
            return expected.path[t], expected.states.velocity[t]

        def inputs(t, state, lr=lr, beta=beta):
            theta, velocity = state if state else (objective.x0, np.zeros(2))
            return theta, objective.grad(theta), velocity, lr, beta

        verdict = step_rule(
            my_momentum_step,
            reference,
            inputs,
            ("theta", "velocity"),
            MOMENTUM_STEPS,
            _momentum_mistakes(),
            setting=f"η = {lr}, β = {beta}",
        )
        if verdict is not None:
            return verdict
    return Feedback(
        True,
        f"Correct: θ and the velocity match helpers.SGD(lr, momentum=β) at every one of "
        f"{MOMENTUM_STEPS} steps, for (η, β) = {MOMENTUM_SETTINGS[0]} and "
        f"{MOMENTUM_SETTINGS[1]}.",
    )


# -- 3. the stability border -------------------------------------------------------------------
def max_lr(answer) -> Feedback:
    """Exercise 3: the largest η for which heavy ball with β = 0.9 converges when L = 1."""
    beta = 0.9
    border = 2 * (1 + beta)
    near = as_number(answer)
    if near is not None and 0.97 * border <= near < border * (1 - 1e-3):
        # 3.78 is the largest stop of the explorer's η slider (steps of 0.02) that converges
        return Feedback(
            False,
            f"largest_lr = {near:g} is not it, but close: there the run still converges, "
            "so the border lies a little higher. (On the rate map's grid of 0.02 the last "
            "converging stop is just below the border.) The question asks for the border "
            "itself, the η where the rate reaches 1: solve for it at z = −1.",
        )
    return check_number(
        answer,
        border,
        name="largest_lr",
        rtol=1e-3,
        mistakes={
            2.0: "that is plain gradient descent's threshold 2/L; momentum moves the border.",
            1 + beta: "similar in form, but a factor is missing: redo the algebra at z = −1.",
            2 / (1 - beta): "that is 2/L times the long-run amplification 1/(1 − β) on a "
            "constant slope; the border is set by an oscillating mode, not by a slope.",
            2 * (1 - beta): "momentum does not shrink the stable range; it widens it.",
            2 / (1 + beta): "the factor (1 + β) is on the wrong side.",
            3.31: "that is the optimal η* for κ = 100, not the border of the stable region.",
        },
        hint="On the border a root of z² − (1 + β − ηλ)z + β = 0 has |z| = 1; for the steep "
        "direction (λ = L = 1) it is the root z = −1. Put z = −1 in and solve for η.",
        explanation="At z = −1: 1 + (1 + β − ηL) + β = 0, so η = 2(1 + β)/L: momentum almost "
        "doubles the stable range of gradient descent (η < 2/L) as β → 1.",
    )
