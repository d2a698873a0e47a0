"""Exercise checks for notebook 07 (learning-rate schedules)."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, check_number, known_slip
from ..schedules import cosine

__all__ = ["halving_gamma", "check_cosine"]


def halving_gamma(answer) -> Feedback:
    """Exercise 1: the per-step γ of an exponential schedule that halves η every 100 steps."""
    right = 0.5 ** (1 / 100)
    return check_number(
        answer,
        right,
        name="gamma",
        rtol=5e-5,  # "at least 4 significant digits": 0.9931 is right, 0.993 is close
        close=(
            2e-3,
            "give it to at least 4 significant digits (an error in γ is about 100 "
            "times larger in γ¹⁰⁰), and check that 100 steps multiply η by γ¹⁰⁰.",
        ),
        mistakes={
            0.5: "that halves η at <i>every</i> step: after 100 steps η is 2⁻¹⁰⁰ times smaller.",
            0.5 / 100: "γ multiplies η at every step, so 100 steps multiply it by γ¹⁰⁰, not 100·γ.",
            1 - 0.5 / 100: "close, but that is a linear guess: (1 − 0.005)¹⁰⁰ ≈ 0.606, not 0.5.",
            0.99: "0.99¹⁰⁰ ≈ 0.366: that decays faster than halving.",
            0.5**100: "that is a factor after 100 halvings. γ is the factor of one step, and "
            "100 of them must multiply to ½.",
            2 ** (1 / 100): "γ > 1 makes η grow: that doubles it every 100 steps. γ¹⁰⁰ must be "
            "½, not 2.",
            # A wrong exponent lies as near the answer as a rounded one (0.99302 against
            # 0.99309), and more digits cannot mend it: named in a tolerance that leaves 0.993
            # (the answer to 3 digits) to the "close" message.
            0.5 ** (1 / 99): (
                "that solves γ⁹⁹ = ½, one multiplication short: from step t to step t + 100, η "
                "is multiplied by γ 100 times, so γ¹⁰⁰ = ½.",
                1.5e-5,
            ),
            0.5 ** (1 / 101): (
                "that solves γ¹⁰¹ = ½, one multiplication too many: from step t to step t + "
                "100, η is multiplied by γ 100 times, so γ¹⁰⁰ = ½.",
                1.5e-5,
            ),
        },
        hint="In 100 steps η is multiplied by γ how many times, and by what total factor?",
        explanation="γ¹⁰⁰ = ½ gives γ = 0.5^(1/100) ≈ 0.99309.",
    )


def check_cosine(my_cosine) -> Feedback:
    r"""Exercise 2: ``my_cosine(t, lr, total_steps)`` = η (1 + cos(π (t − 1)/T))/2."""
    if my_cosine is None:
        return Feedback(None, "Not answered yet: write <code>my_cosine</code> and run the cell.")
    t = np.arange(1, 101)
    try:
        got = np.array([float(my_cosine(int(k), 0.1, 100)) for k in t])
    except TypeError as error:
        if "NoneType" in str(error):
            return Feedback(
                None,
                "Not answered yet: <code>my_cosine</code> returns None (if you wrote its "
                "formula, did you forget <code>return</code>?).",
            )
        return Feedback(
            False, f"Calling <code>my_cosine(t, lr, total_steps)</code> failed: {error}"
        )
    except Exception as error:  # the student's code: report, never raise
        return Feedback(
            False, f"Calling <code>my_cosine(t, lr, total_steps)</code> failed: {error!r}"
        )
    expected = cosine(t, lr=0.1, total_steps=100)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return Feedback(
            True,
            "Correct: it equals <code>helpers.schedules.cosine</code> (and "
            "torch's CosineAnnealingLR) at every step.",
        )
    slips = [
        (
            0.1 * (1 + np.cos(np.pi * t / 100)) / 2,
            "off by one step: the first step t = 1 must use the full η (progress (t − 1)/T = 0).",
        ),
        (
            0.1 * (1 + np.cos(2 * np.pi * (t - 1) / 100)) / 2,
            "that is a whole cosine period: η would come back up to its peak at the end.",
        ),
        (
            0.1 * (1 + np.cos(np.pi * (t - 1) / 100)),
            "η_1 comes out as 2η: the (1 + cos)/2 factor runs from 1 to 0, do not forget the /2.",
        ),
        (
            0.1 * (1 - (t - 1) / 100),
            "that is a straight line from η to 0, the linear decay. The cosine schedule follows "
            "(1 + cos(π·progress))/2: flat near the start and the end, steepest half-way.",
        ),
        (
            0.1 * (1 - t / 100),
            "that is a straight line from η to 0 (the linear decay, and one step late). The "
            "cosine schedule follows (1 + cos(π·progress))/2, with progress (t − 1)/T.",
        ),
        (
            0.1 * np.cos(np.pi * (t - 1) / 100),
            "η goes negative in the second half: shift the cosine up so that it ends at 0.",
        ),
        (
            0.1 * (1 + np.cos(np.pi * (t - 1) / 99)) / 2,
            "with progress (t − 1)/(T − 1), η reaches 0 at the last step itself. The table's "
            "progress is (t − 1)/T: η reaches 0 just after the last step (at t = T + 1), and "
            "the last step still has a small η.",
        ),
    ]
    if why := known_slip(got, slips):
        return Feedback(False, f"Not yet: {why}")
    return Feedback(
        False,
        f"Not yet: at t = 1, 26, 51, 100 your η is {got[0]:.4g}, {got[25]:.4g}, "
        f"{got[50]:.4g}, {got[99]:.4g}. It should start at η, pass η/2 half-way and end near "
        "0, and at a quarter of the way it is still above the straight line from η to 0 "
        "(the cosine is flat at the start).",
    )
