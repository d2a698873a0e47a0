"""Exercise checks for notebook 04 (mini-batch gradient descent)."""

from __future__ import annotations

from ..checks import Feedback, check_number

N = 1000  # the line data set (helpers.data.linear_data)


def variance_factor(answer) -> Feedback:
    """Exercise 1: by what factor the gradient variance shrinks from B = 1 to B = 250."""
    return check_number(
        answer,
        250 * (N - 1) / (N - 250),
        name="factor",
        rtol=0.01,
        mistakes={
            250: "σ²/B alone is right for draws with repeats; without repeats the factor "
            "(n − B)/(n − 1) makes the variance smaller still.",
            250**0.5: "that is how much the standard deviation shrinks (without the correction); "
            "the question asks about the variance.",
            1 / 250: "that is the variance ratio the other way round (B = 250 over B = 1), and "
            "without the correction.",
            (N - 250) / (N - 1): "that is only the correction factor; divide by B as well.",
        },
        hint="Write Var[ĝ_B] for B = 1 and for B = 250, and divide.",
        explanation="Var[ĝ_1] = σ², Var[ĝ_250] = (σ²/250)·(750/999), so the ratio is "
        "250·999/750 = 333.",
    )


def scaled_lr(answer) -> Feedback:
    """Exercise 2: the learning rate for B = 128, from η = 0.05 at B = 32 (linear scaling)."""
    return check_number(
        answer,
        0.05 * 128 / 32,
        name="lr_128",
        mistakes={
            0.05 * 2: "that doubles η: √(128/32) = 2, the square-root rule (η ∝ √B), which some "
            "use for Adam. The linear scaling rule keeps η/B, and with it the noise ball, the "
            "same.",
            0.05 / 2: "that halves η (η ∝ 1/√B, the square root taken the wrong way round): a "
            "larger batch has less noise, so it can take larger steps, not smaller.",
            0.05 / 4: "a larger batch has less noise, so it can take larger steps, not smaller.",
            0.05: "with 4× fewer updates per epoch, the same η makes 4× less progress per epoch.",
        },
        hint="The rule keeps the ratio η/B fixed.",
        explanation="η/B = 0.05/32 stays fixed: η = 0.05 × 128/32 = 0.2.",
    )


def largest_batch(answer) -> Feedback:
    """Exercise 3: the largest power-of-two B whose linearly scaled η stays below 2/L."""
    return check_number(
        answer,
        256,
        name="largest_B",
        mistakes={
            512: "η = 0.05 × 512/32 = 0.8 is just above 2/L ≈ 0.795: full-batch-like steps "
            "that large diverge.",
            508: "the batch sizes on offer are powers of two.",
            509: "the batch sizes on offer are powers of two.",
            1000: "η = 0.05 × 1000/32 ≈ 1.56, about twice the limit 2/L.",
            1024: "η = 0.05 × 1024/32 = 1.6, about twice the limit 2/L.",
        },
        hint="Write η(B) = 0.05·B/32 and find where it crosses 2/L ≈ 0.795.",
        explanation="η(B) = 0.05·B/32 < 0.795 needs B < 509; the largest power of two below is "
        "256 (η = 0.4). Beyond it, scaling η with B stops working.",
    )
