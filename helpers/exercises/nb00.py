"""Exercise checks for notebook 00 (start here)."""

import math

from ..checks import Feedback, check_number


def updates(answer) -> Feedback:
    """Notebook 00, exercise 1: updates in 3 epochs of n = 1000 with B = 32."""
    return check_number(
        answer,
        3 * math.ceil(1000 / 32),
        name="updates",
        mistakes={
            3: "that is the number of epochs; each epoch makes several updates.",
            1000 * 3: "that would be batch size 1 (one update per sample).",
            3 * 1000 / 32: "an update uses a whole batch, so count batches: the last, "
            "short batch of 1000 − 31·32 = 8 samples is an update too.",
            3 * (1000 // 32): "you dropped the last, short batch of 8 samples; by default "
            "it is still used for an update.",
            32: "that is one epoch's worth; the question asks for 3 epochs.",
        },
        hint="Count the batches in one epoch first (is the last one full?), then the epochs.",
        explanation="Each epoch is ⌈1000/32⌉ = 32 iterations, and 3 epochs make 96.",
    )
