r"""Exercise checks for notebook 06 (adaptive methods)."""

from __future__ import annotations

import math

import numpy as np

from ..checks import Feedback, check_number
from ..objectives import Quadratic
from ..optimizers import Adam
from ..runner import run
from .nb05 import step_rule

__all__ = ["adagrad_steps", "adam_step", "uncorrected_first_step"]


# -- 1. AdaGrad's shrinking step ---------------------------------------------------------------
def adagrad_steps(answer) -> Feedback:
    """Exercise 1: constant gradient g = 2; when is η/√G_t a tenth of its value at step 1?"""
    return check_number(
        answer,
        100,
        name="t_tenth",
        mistakes={
            10: "that would be right if the effective step fell like 1/t. It falls like 1/√t.",
            25: "you compared η/√G_t with η/10; the question asks for a tenth of the first "
            "effective step, which is η/2 here, not η.",
            1000: "too far: G_t grows like t, and the step like 1/√G_t.",
            10_000: "that is a hundredth, not a tenth.",
            99: "close: count steps from t = 1, where G_1 = g².",
        },
        hint="With the same g every step, G_t = t·g². Write η/√G_t for step t and for step 1, "
        "and set their ratio to 1/10.",
        explanation="G_t = t·g², so η/√G_t = η/(|g|√t): it is a tenth of the first step's η/|g| "
        "when √t = 10. AdaGrad's step keeps shrinking like 1/√t even when nothing changes.",
    )


# -- 2. the first step without bias correction -------------------------------------------------
def uncorrected_first_step(answer) -> Feedback:
    """Exercise 2: |first step| / η for Adam without bias correction, β = (0.9, 0.999)."""
    beta1, beta2 = 0.9, 0.999
    return check_number(
        answer,
        (1 - beta1) / math.sqrt(1 - beta2),
        name="ratio",
        rtol=2e-3,
        mistakes={
            1.0: "that is the first step *with* bias correction: m̂₁ = g₁ and v̂₁ = g₁².",
            1 - beta1: "you shrank m by (1 − β₁) but forgot that v is shrunk too.",
            (1 - beta1) / (1 - beta2): "v is under a square root in the step.",
            math.sqrt(1 - beta2) / (1 - beta1): "upside down: m is in the numerator.",
            1 / math.sqrt(1 - beta2): "m₁ is (1 − β₁)·g₁, not g₁.",
        },
        hint="Write m₁ and v₁ from m₀ = v₀ = 0, then the step η·m₁/(√v₁ + ε) with ε negligible.",
        explanation="m₁ = (1 − β₁)g and v₁ = (1 − β₂)g², so the step is η(1 − β₁)/√(1 − β₂) "
        "≈ 3.16 η per coordinate: without the correction Adam's first steps are too long, "
        "because √v is shrunk by √(1 − β₂) much more than m by (1 − β₁).",
    )


# -- 3. write Adam's update rule ---------------------------------------------------------------
ADAM_SETTINGS = ((0.1, (0.9, 0.999), 1e-8), (0.05, (0.8, 0.99), 0.5))
ADAM_STEPS = 8


def _adam_mistakes():
    def parts(theta, g, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        return m, v, m / (1 - beta1**t), v / (1 - beta2**t)

    def no_correction(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, v, _, _ = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def eps_inside(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, v, m_hat, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v

    def no_sqrt(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, v, m_hat, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * m_hat / (v_hat + eps), m, v

    def step_after(theta, g, m, v, t, lr, beta1, beta2, eps):  # correction with t + 1
        m, v, _, _ = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

    def keras(theta, g, m, v, t, lr, beta1, beta2, eps):  # ε̂ on the uncorrected √v
        m, v, _, _ = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        scale = np.sqrt(1 - beta2**t) / (1 - beta1**t)
        return theta - lr * scale * m / (np.sqrt(v) + eps), m, v

    def corrected_moments(theta, g, m, v, t, lr, beta1, beta2, eps):  # returns m̂, v̂
        m, v, m_hat, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat

    def uphill(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, v, m_hat, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta + lr * m_hat / (np.sqrt(v_hat) + eps), m, v

    def raw_gradient(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, v, m_hat, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        return theta - lr * g / (np.sqrt(v_hat) + eps), m, v

    def undamped_m(theta, g, m, v, t, lr, beta1, beta2, eps):
        _, v, _, v_hat = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        m = beta1 * m + g
        return theta - lr * m / (1 - beta1**t) / (np.sqrt(v_hat) + eps), m, v

    def v_of_g(theta, g, m, v, t, lr, beta1, beta2, eps):
        m, _, m_hat, _ = parts(theta, g, m, v, t, lr, beta1, beta2, eps)
        v = beta2 * v + (1 - beta2) * np.abs(g)
        return theta - lr * m_hat / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    return {
        # first: a returned m̂ equals an "undamped" m at step 1, which is not the mistake
        "returned m̂, v̂": (
            corrected_moments,
            "You returned the bias-corrected m̂ and v̂. Return the uncorrected m and v (what "
            "PyTorch stores and the next step builds on) and correct them only inside the step.",
        ),
        "Keras's epsilon hat": (
            keras,
            "This is Keras's form: ε added to the uncorrected √v, the corrections folded into "
            "the learning rate (the paper's ε̂). It equals Adam with ε/√(1 − β₂ᵗ) in place of "
            "ε, so it differs from PyTorch's Adam (and the paper's Algorithm 1), which adds ε "
            "to √v̂.",
        ),
        "no correction": (
            no_correction,
            "Your step uses m and v as they are: the bias correction is missing "
            "(compare with the formulas for m̂ and v̂ above).",
        ),
        "eps inside": (
            eps_inside,
            "ε is inside your square root. PyTorch and the Adam paper put it outside; "
            "it only shows when ε is not tiny, as in this setting.",
        ),
        "no sqrt": (no_sqrt, "The denominator needs the square root of v̂."),
        "t + 1": (
            step_after,
            "Your bias correction uses t + 1. Here t is already the number of this step "
            "(t = 1 for the first step).",
        ),
        "uphill": (uphill, "θ moved uphill: check the sign of the θ update."),
        "raw gradient": (
            raw_gradient,
            "The numerator of the step should be the averaged m̂, not this step's gradient.",
        ),
        "undamped m": (
            undamped_m,
            "m should be a moving average: the new gradient enters with weight (1 − β₁).",
        ),
        "v of |g|": (v_of_g, "v averages the squared gradients, g·g."),
    }


def adam_step(my_adam_step) -> Feedback:
    """Exercise 3: one Adam step, checked against ``helpers.Adam`` for several steps."""
    if my_adam_step is None:
        return Feedback(None, "Not answered yet: define my_adam_step and run again.")
    objective = Quadratic(10, angle=30)
    for lr, (beta1, beta2), eps in ADAM_SETTINGS:
        expected = run(Adam(lr=lr, betas=(beta1, beta2), eps=eps), objective, objective.x0, 8)

        def reference(t, state, expected=expected):
            return expected.path[t], expected.states.m[t], expected.states.v[t]

        def inputs(t, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps):
            theta, m, v = state if state else (objective.x0, np.zeros(2), np.zeros(2))
            return theta, objective.grad(theta), m, v, t, lr, beta1, beta2, eps

        verdict = step_rule(
            my_adam_step,
            reference,
            inputs,
            ("theta", "m", "v"),
            ADAM_STEPS,
            _adam_mistakes(),
            setting=f"η = {lr}, β₁ = {beta1}, β₂ = {beta2}, ε = {eps:g}",
        )
        if verdict is not None:
            return verdict
    return Feedback(
        True,
        f"Correct: θ, m and v match helpers.Adam at every one of {ADAM_STEPS} steps, for two "
        "settings (one with a large ε = 0.5, where ε's place matters).",
    )
